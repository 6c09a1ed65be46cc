//! A service's spec history (`h` on a service, `:history`): what each update changed, newest
//! first, field by field (`model::cluster::spec_diff`). It lists the specs swarmtop saw while
//! it ran (`State.specs`, fed by the engine worker) and, from before, the one previous spec the
//! engine keeps, which is asked for when the view opens. The rollback dialog is built here too:
//! it says what a rollback returns to, from the same read.

use super::describe::{Describe, Shows, SpecRead};
use super::msg::{Effect, SpecFor};
use super::prompt::{Confirm, Pending};
use super::state::{Overlay, State};
use swarmtop_model::cluster::format::age_since;
use swarmtop_model::cluster::spec_diff::{self, Change};
use swarmtop_model::cluster::spec_history::{Observed, Origin, SpecSeen};
use swarmtop_model::cluster::{Cluster, service_name};
use swarmtop_ops::Op;

/// Opens the history of a service and asks the engine for its spec and previous spec.
pub fn open(state: &mut State, service_id: &str) -> Vec<Effect> {
    if state.cluster.service_by_id(service_id).is_none() {
        state.info("that service is gone");
        return Vec::new();
    }
    let d = build(state, service_id, SpecRead::Asking);
    state.overlay = Some(Overlay::Describe(Box::new(d)));
    vec![Effect::ReadServiceSpec {
        service_id: service_id.to_string(),
        then: SpecFor::History,
    }]
}

/// The rollback of a service asks the engine first what it returns to (the dialog says it).
pub fn ask_rollback(state: &mut State, service_id: &str, name: &str) -> Vec<Effect> {
    state.info(format!("reading what a rollback of {name} returns to…"));
    vec![Effect::ReadServiceSpec {
        service_id: service_id.to_string(),
        then: SpecFor::Rollback,
    }]
}

/// The engine's answer to `Effect::ReadServiceSpec`.
pub fn on_read(
    state: &mut State,
    service_id: &str,
    then: SpecFor,
    result: Result<Option<SpecSeen>, String>,
) {
    let name = state
        .cluster
        .service_by_id(service_id)
        .map(|s| service_name(s).to_string())
        .unwrap_or_else(|| service_id.to_string());
    let read = match result {
        Ok(Some(seen)) => {
            let now = state.now;
            if then == SpecFor::Rollback {
                rollback_dialog(state, &name, &seen);
            }
            state.specs.observe(seen, Observed::Read, now);
            SpecRead::Read
        }
        Ok(None) => {
            let why = format!("the engine has no service {name}");
            if then == SpecFor::Rollback {
                state.error(format!("cannot roll back: {why}; nothing was sent"));
            }
            SpecRead::Failed(why)
        }
        Err(e) => {
            if then == SpecFor::Rollback {
                state.error(format!(
                    "cannot read what a rollback of {name} returns to: {e}; nothing was sent"
                ));
            }
            SpecRead::Failed(e)
        }
    };
    if then == SpecFor::History {
        refresh(state, Some((service_id, read)));
    }
}

/// Builds the history view again when it is open (new specs came, the screen was resized);
/// `read`: what the engine's read of that service came to.
pub fn refresh(state: &mut State, read: Option<(&str, SpecRead)>) {
    let Some(Overlay::Describe(d)) = &state.overlay else {
        return;
    };
    let Shows::History {
        service_id,
        read: was,
    } = &d.shows
    else {
        return;
    };
    let read = match read {
        Some((id, r)) if id == service_id => r,
        Some(_) => return,
        None => was.clone(),
    };
    let (id, offset) = (service_id.clone(), d.offset);
    let mut fresh = build(state, &id, read);
    let h = state.page_height();
    fresh.offset = offset;
    fresh.scroll(0, h);
    state.overlay = Some(Overlay::Describe(Box::new(fresh)));
}

/// The lines of a service's history, as wide as the screen.
pub fn build(state: &State, service_id: &str, read: SpecRead) -> Describe {
    let c = &state.cluster;
    let name = c
        .service_by_id(service_id)
        .map(service_name)
        .unwrap_or(service_id);
    let width = usize::from(state.size.0.saturating_sub(2)).max(40);
    let mut out: Vec<String> = Vec::new();
    // a paragraph at the left; a heading's and a change's further lines indented under them
    let mut say = |text: &str, indent: usize| {
        let hang = if indent == 0 && !text.starts_with('▸') {
            0
        } else {
            indent + 2
        };
        wrap_into(&mut out, text, width, indent, hang)
    };
    say(
        &format!(
            "What each update of {name} changed, newest first. swarmtop remembers every spec \
             it sees while it runs; from before this session only the last update is known \
             (the engine keeps one previous spec)."
        ),
        0,
    );
    say("", 0);
    let updates = state.specs.updates(service_id);
    for u in &updates {
        say(&heading(u.version, u.origin, state.now), 0);
        match u.before {
            Some(before) => {
                for l in spec_diff::lines(&changes(c, before, u.after)) {
                    say(&l, 4);
                }
            }
            None => say(
                "no spec before it: the service has not been updated since it was created",
                4,
            ),
        }
    }
    match &read {
        SpecRead::Asking => say(
            &format!("(asking the engine for {name}'s spec and previous spec…)"),
            0,
        ),
        SpecRead::Failed(e) => say(&format!("could not read {name} from the engine: {e}"), 0),
        SpecRead::Read if updates.is_empty() => say("nothing known", 0),
        SpecRead::Read => {}
    }
    let mut d = Describe::new(format!("history of service {name}"), &out.join("\n"));
    d.shows = Shows::History {
        service_id: service_id.to_string(),
        read,
    };
    d
}

/// `version 63 · seen at 12:03:04 (2m ago)`.
fn heading(version: u64, origin: &Origin, now: chrono::DateTime<chrono::Utc>) -> String {
    match origin {
        Origin::Seen(at) => format!(
            "▸ version {version} · seen at {} ({} ago)",
            at.format("%H:%M:%S"),
            age_since(*at, now)
        ),
        Origin::Found { updated_at } => {
            let when = updated_at
                .as_deref()
                .and_then(swarmtop_model::cluster::format::parse_time)
                .map(|t| {
                    format!(
                        ", service last updated {} ({} ago)",
                        t.format("%Y-%m-%d %H:%M:%S UTC"),
                        age_since(t, now)
                    )
                })
                .unwrap_or_default();
            format!("▸ version {version} · the spec when swarmtop first read it{when}")
        }
    }
}

/// The changes from one spec to another, networks by name.
pub fn changes(c: &Cluster, before: &serde_json::Value, after: &serde_json::Value) -> Vec<Change> {
    let name = |id: &str| {
        c.networks
            .iter()
            .find(|n| n.id.as_deref() == Some(id))
            .and_then(|n| n.name.clone())
    };
    spec_diff::changes(before, after, &name)
}

/// The rollback dialog: what the service returns to, change by change (current -> previous);
/// without a previous spec there is nothing to return to, and no dialog.
fn rollback_dialog(state: &mut State, name: &str, seen: &SpecSeen) {
    let Some(previous) = &seen.previous else {
        state.info(format!(
            "{name} has no previous spec: nothing to roll back to (it has not been updated \
             since it was created); nothing was sent"
        ));
        return;
    };
    if state.overlay.is_some() {
        // the user moved on to something else meanwhile: not over it
        state.info(format!(
            "rollback of {name}: not asked, another window is open"
        ));
        return;
    }
    let mut lines = vec![
        format!("Roll {name} back to its previous spec?"),
        "What changes, now -> after (h on the service shows its whole history):".to_string(),
    ];
    lines.extend(
        spec_diff::lines(&changes(&state.cluster, &seen.spec, previous))
            .into_iter()
            .map(|l| format!("  {l}")),
    );
    // "reading what a rollback returns to…" is answered by the dialog
    state.status = None;
    state.confirm(Confirm {
        title: format!(" roll back {name} "),
        lines,
        pending: Pending::Run(Op::Rollback {
            service_id: seen.service_id.clone(),
            service: name.to_string(),
        }),
        danger: false,
        yes_key: 'y',
        live: None,
    });
}

/// Appends `text` cut into lines of at most `width` characters at spaces: the first indented by
/// `indent`, the others by `hang`.
fn wrap_into(out: &mut Vec<String>, text: &str, width: usize, indent: usize, hang: usize) {
    if text.is_empty() {
        out.push(String::new());
        return;
    }
    let mut line = " ".repeat(indent);
    let mut fresh = true;
    for word in text.split(' ') {
        let len = line.chars().count();
        if !fresh && len + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
            line = " ".repeat(hang);
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        line.push_str(word);
        fresh = false;
    }
    out.push(line);
}
