//! Every write from the TUI is asked first, with what changes (from -> to): keys typed into a
//! pane by mistake (`cat notes.txt` in the nodes pane has an `a`) open a dialog, and only an
//! explicit `y` to it sends anything. The dialog's lines come from the op and the cluster as
//! it is on screen.

use super::prompt::{Confirm, Pending};
use super::state::State;
use swarmtop_model::cluster::format::image_short;
use swarmtop_model::cluster::{Cluster, node_availability, service_counts, service_image};
use swarmtop_ops::validate::format_duration;
use swarmtop_ops::{Availability, Op, UpdateForm};

/// Opens the dialog for `op`.
pub fn ask(state: &mut State, op: Op) {
    let (lines, danger) = lines(&state.cluster, &op);
    state.confirm(Confirm {
        title: format!(" {} ", op.describe()),
        lines,
        pending: Pending::Run(op),
        danger,
        yes_key: 'y',
        live: None,
    });
}

/// The dialog's first line: the op in words, asked.
pub fn question(op: &Op) -> String {
    format!("{}?", capitalise(&op.describe()))
}

fn from_to(what: &str, from: &str, to: &str) -> String {
    format!("{what}: {from} -> {to}")
}

/// What the dialog says: the question, then each change as `what: from -> to`. `danger` for
/// what cannot be undone.
pub fn lines(c: &Cluster, op: &Op) -> (Vec<String>, bool) {
    let mut out = vec![question(op)];
    let mut danger = false;
    match op {
        Op::SetAvailability {
            node_id,
            availability,
            ..
        } => {
            let from = c
                .node_by_id(node_id)
                .map(|n| node_availability(n).to_string())
                .unwrap_or_else(|| "?".into());
            out.push(from_to("availability", &from, availability.word()));
            out.push(
                match availability {
                    Availability::Active => "New tasks may be scheduled there again.",
                    Availability::Pause => {
                        "Its tasks keep running; no new ones are scheduled there."
                    }
                    Availability::Drain => "Its tasks stop there and are started elsewhere.",
                }
                .into(),
            );
        }
        Op::Scale {
            service_id,
            replicas,
            ..
        } => {
            let from = c
                .service_by_id(service_id)
                .map(|s| service_counts(s).1.to_string())
                .unwrap_or_else(|| "?".into());
            out.push(from_to("replicas", &from, &replicas.to_string()));
        }
        Op::SetImage {
            service_id, image, ..
        } => {
            let from = c
                .service_by_id(service_id)
                .map(|s| image_short(service_image(s)).to_string())
                .unwrap_or_else(|| "?".into());
            out.push(from_to("image", &from, image));
            out.push("Its tasks are replaced as its update settings say.".into());
        }
        Op::Update {
            service_id, form, ..
        } => out.extend(update_lines(c, service_id, form)),
        Op::CreateObject {
            kind,
            name,
            data,
            labels,
        } => {
            out.push(from_to(
                kind.word(),
                "(none)",
                &format!("{name}, {} bytes", data.0.len()),
            ));
            out.extend(labels.iter().map(|(k, v)| format!("label {k}={v}")));
        }
        Op::RotateObject { rotation, data } => {
            let source = format!("{} bytes typed", data.0.len());
            out.extend(swarmtop_ops::rotate::preview(c, rotation, &source));
        }
        Op::SetNodeLabels {
            node_id,
            set,
            remove,
            ..
        } => {
            let now = c
                .node_by_id(node_id)
                .and_then(|n| n.spec.as_ref())
                .and_then(|s| s.labels.clone())
                .unwrap_or_default();
            let was = |k: &str| {
                now.get(k)
                    .map(|v| shown(v))
                    .unwrap_or_else(|| "(none)".into())
            };
            for (k, to) in set {
                out.push(from_to(&format!("label {k}"), &was(k), &shown(to)));
            }
            for k in remove {
                out.push(from_to(&format!("label {k}"), &was(k), "(removed)"));
            }
            out.push("Other labels stay as they are when this is written.".into());
        }
        Op::RemoveService { .. }
        | Op::RemoveObject { .. }
        | Op::RemoveNode { .. }
        | Op::RemoveStack { .. } => {
            out.push("This cannot be undone.".into());
            danger = true;
        }
        // these have dialogs of their own, built where the key is handled
        Op::SetRole { .. }
        | Op::Restart { .. }
        | Op::Rollback { .. }
        | Op::CreateService { .. }
        | Op::RotateJoinToken { .. } => {}
    }
    out.push("y: do it · n or Esc: cancel".into());
    (out, danger)
}

fn update_lines(c: &Cluster, service_id: &str, f: &UpdateForm) -> Vec<String> {
    let s = c.service_by_id(service_id);
    let u = s
        .and_then(|s| s.spec.as_ref())
        .and_then(|s| s.update_config.as_ref());
    let dur = |d: Option<i64>| d.map(format_duration).unwrap_or_else(|| "(unset)".into());
    let word = |w: Option<String>| w.unwrap_or_else(|| "(unset)".into());
    let mut out = Vec::new();
    if let Some(i) = &f.image {
        let from = s.map(|s| image_short(service_image(s))).unwrap_or("?");
        out.push(from_to("image", from, i));
    }
    if let Some(p) = f.parallelism {
        let from = u.and_then(|u| u.parallelism).map(|p| p.to_string());
        out.push(from_to("update parallelism", &word(from), &p.to_string()));
    }
    if let Some(d) = f.delay {
        out.push(from_to(
            "update delay",
            &dur(u.and_then(|u| u.delay)),
            &format_duration(d),
        ));
    }
    if let Some(a) = &f.failure_action {
        let from = u.and_then(|u| u.failure_action).map(|a| a.to_string());
        out.push(from_to("update failure action", &word(from), a));
    }
    if let Some(m) = f.monitor {
        out.push(from_to(
            "update monitor",
            &dur(u.and_then(|u| u.monitor)),
            &format_duration(m),
        ));
    }
    if let Some(o) = &f.order {
        let from = u.and_then(|u| u.order).map(|o| o.to_string());
        out.push(from_to("update order", &word(from), o));
    }
    if f.force {
        out.push("Every task is restarted (forced update).".into());
    }
    out
}

/// A label value as typed, quoted when spaces or nothing would hide it.
fn shown(v: &str) -> String {
    if v.is_empty() || v.trim() != v || v.chars().any(char::is_control) {
        format!("{v:?}")
    } else {
        v.to_string()
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
