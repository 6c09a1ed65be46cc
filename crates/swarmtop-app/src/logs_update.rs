//! `update` for the logs view: opening it, its keys, the stream's events, saving to a file.

use crossterm::event::{KeyCode, KeyEvent};

use super::line_input::{LineKey, edit_line};
use super::logs::{LogView, SavePrompt, Since};
use super::msg::Effect;
use super::panes::Pane;
use super::state::{Overlay, Screen, State};
use swarmtop_model::cluster::format::short_id;
use swarmtop_model::cluster::service_name;
use swarmtop_model::feed::{LogEvent, LogTarget};
use swarmtop_settings::keymap::{Action, Key, Scope};

/// Log drivers the engine can read back (`docker service logs` works only with these).
const READABLE_DRIVERS: &[&str] = &["json-file", "local", "journald"];

/// `l` on a service or task, or Enter on a task.
pub fn open_logs(state: &mut State) -> Vec<Effect> {
    // the rollout view is about its service, whatever row is selected (or none yet)
    let rollout_of = match (&state.view.pane, &state.view.drill) {
        (Pane::Rollout, super::panes::Drill::Service(sid)) => Some(sid.clone()),
        _ => None,
    };
    let Some(id) = rollout_of.or_else(|| state.current().selected_id.clone()) else {
        state.info("nothing selected");
        return Vec::new();
    };
    // the problems view and the rollout view are about a service: its logs
    let about_service =
        match (state.pane(), &state.view.drill) {
            (Pane::Problems, _) => state.problems().iter().find(|p| p.key == id).and_then(|p| {
                match p.subject.clone() {
                    swarmtop_model::cluster::problems::Subject::Service(sid) => Some(sid),
                    _ => None,
                }
            }),
            (Pane::Rollout, _) => Some(id.clone()),
            _ => None,
        };
    if matches!(state.pane(), Pane::Problems | Pane::Rollout) && about_service.is_none() {
        state.info("this problem is not about a service: logs are for services and tasks");
        return Vec::new();
    }
    let (pane, id) = match about_service {
        Some(sid) => (Pane::Services, sid),
        None => (state.pane(), id),
    };
    let target = match pane {
        Pane::Services => match state.cluster.service_by_id(&id) {
            Some(s) => LogTarget::Service {
                id: id.clone(),
                name: service_name(s).to_string(),
            },
            None => return Vec::new(),
        },
        Pane::Tasks | Pane::Top => match state
            .cluster
            .tasks
            .iter()
            .find(|t| t.id.as_deref() == Some(&id))
        {
            Some(t) => LogTarget::Task {
                id: id.clone(),
                name: state.cluster.task_name(t),
            },
            None => return Vec::new(),
        },
        _ => {
            state.info("logs are for services and tasks: select one in the services or tasks pane");
            return Vec::new();
        }
    };
    let mut view = LogView::new(target.clone(), state.log_capacity);
    view.follow_key = state.keymap.key_label(Scope::Logs, Action::Follow);
    state.overlay = None;
    // a driver the engine cannot read back gives nothing: say so instead of an empty pane
    let service_id = match &target {
        LogTarget::Service { id, .. } => Some(id.clone()),
        LogTarget::Task { id, .. } | LogTarget::Container { task_id: id, .. } => state
            .cluster
            .tasks
            .iter()
            .find(|t| t.id.as_deref() == Some(id))
            .and_then(|t| t.service_id.clone()),
    };
    let driver = service_id
        .and_then(|sid| state.cluster.service_by_id(&sid).cloned())
        .and_then(|s| s.spec?.task_template?.log_driver?.name);
    if let Some(d) = driver.filter(|d| !READABLE_DRIVERS.contains(&d.as_str())) {
        view.failed = Some(format!(
            "{} logs with the {d:?} driver: the engine can only read back json-file, local and journald logs, so use {d}'s own tools",
            target.name()
        ));
        view.status = "no logs".into();
        state.screen = Screen::Logs(Box::new(view));
        return Vec::new();
    }
    let request = view.request(state.now.timestamp());
    let generation = view.generation;
    state.screen = Screen::Logs(Box::new(view));
    vec![Effect::StartLogs {
        generation,
        request,
    }]
}

/// `web.1@node1` for a line's task and node.
fn source_label(state: &State, task_id: &str, node_id: &str) -> String {
    let c = &state.cluster;
    let task = c
        .tasks
        .iter()
        .find(|t| t.id.as_deref() == Some(task_id))
        .map(|t| c.task_name(t))
        .unwrap_or_else(|| format!("task {}", short_id(task_id)));
    let node = if node_id.is_empty() {
        "?"
    } else {
        c.node_name(node_id)
    };
    format!("{task}@{node}")
}

pub fn on_log_event(state: &mut State, generation: u64, ev: LogEvent) -> Vec<Effect> {
    let Some(mut view) = state.take_logs() else {
        return Vec::new();
    };
    if view.generation == generation {
        match ev {
            LogEvent::Lines(lines) => {
                view.status = "streaming".into();
                view.ingest(lines, |t, n| source_label(state, t, n));
            }
            LogEvent::Interrupted { reason, retry_in } => {
                view.status = format!("interrupted, resuming in {}s", retry_in.as_secs());
                view.marker(format!("— {reason}; resuming in {}s —", retry_in.as_secs()));
            }
            LogEvent::Moved { to } => {
                view.status = format!("following on {to}");
                view.marker(format!(
                    "— the session is now on {to}: the logs follow it there —"
                ));
            }
            LogEvent::Resumed => {
                view.status = "streaming".into();
                view.marker(
                    "— resumed from the last line received; nothing skipped or repeated —".into(),
                );
            }
            LogEvent::Failed(why) => {
                // a task's logs through the manager failed: its container's own, from its node
                if let LogTarget::Task { id, .. } = &view.target
                    && view.lines.is_empty()
                {
                    let id = id.clone();
                    state.screen = Screen::Logs(view);
                    if let Some(fx) =
                        super::container_update::instead_of_task_logs(state, &id, &why)
                    {
                        return fx;
                    }
                    let Some(v) = state.take_logs() else {
                        return Vec::new();
                    };
                    view = v;
                }
                view.status = "failed".into();
                view.failed = Some(why);
            }
        }
    }
    state.screen = Screen::Logs(view);
    Vec::new()
}

fn height(state: &State) -> usize {
    (state.size.1 as usize).saturating_sub(6).max(1)
}

/// A pane's key pressed in the logs view (those the logs view does not use itself: 1-5 choose
/// the time span here): the caller leaves the logs for that pane, as KEYS.md says the global
/// keys do everywhere. None while a search or a file name is typed.
pub fn pane_key(state: &State, k: &KeyEvent) -> Option<Action> {
    let typing = state
        .logs()
        .is_some_and(|v| v.typing.is_some() || v.save.is_some());
    let key = Key::from_event(k)?;
    // (`action` falls back to the global scope: a key of the logs' own is one that differs)
    if typing || state.keymap.action(Scope::Logs, &key) != state.keymap.action(Scope::Global, &key)
    {
        return None;
    }
    match state.keymap.action(Scope::Global, &key)? {
        a @ (Action::PaneProblems
        | Action::PaneNodes
        | Action::PaneServices
        | Action::PaneTasks
        | Action::PaneStacks
        | Action::PaneSecrets
        | Action::PaneConfigs
        | Action::PaneNetworks
        | Action::PaneTop
        | Action::PaneEvents) => Some(a),
        _ => None,
    }
}

pub fn on_logs_key(state: &mut State, k: KeyEvent) -> Vec<Effect> {
    let Some(mut view) = state.take_logs() else {
        return Vec::new();
    };
    let h = height(state);
    let fx = logs_key(state, &mut view, k, h);
    // stopping the stream is leaving the view (Back, Quit): it goes with it
    if !fx.contains(&Effect::StopLogs) {
        state.screen = Screen::Logs(view);
    }
    fx
}

fn logs_key(state: &mut State, view: &mut LogView, k: KeyEvent, h: usize) -> Vec<Effect> {
    // typing a search
    if let Some(mut typed) = view.typing.take() {
        match edit_line(&mut typed, &k) {
            LineKey::Cancel => {}
            LineKey::Submit => match view.set_search(&typed, h) {
                Ok(()) => {
                    if view.search.is_some() && view.current_match.is_none() {
                        state.info(format!("no line matches /{typed}/"));
                    }
                }
                Err(e) => {
                    // keep what was typed so it can be fixed
                    state.error(e);
                    view.typing = Some(typed);
                }
            },
            LineKey::Edited | LineKey::BackspaceOnEmpty | LineKey::Other => {
                view.typing = Some(typed)
            }
        }
        return Vec::new();
    }
    // the save prompt
    if let Some(prompt) = view.save.take() {
        return save_key(state, view, prompt, k);
    }
    let Some(key) = Key::from_event(&k) else {
        return Vec::new();
    };
    let action = state
        .keymap
        .action(Scope::Logs, &key)
        .or_else(|| state.keymap.action(Scope::Global, &key));
    let restart = |state: &State, view: &mut LogView, since: Since| {
        view.since = since;
        view.restart();
        vec![Effect::StartLogs {
            generation: view.generation,
            request: view.request(state.now.timestamp()),
        }]
    };
    match action {
        Some(Action::Back) => {
            if view.search.is_some() {
                let _ = view.set_search("", h);
                return Vec::new();
            }
            return vec![Effect::StopLogs];
        }
        // q closes the logs as it closes describe (one rule: q leaves what is open, and
        // quits only at the top); ctrl-c quits from here too
        Some(Action::Quit) => return vec![Effect::StopLogs],
        Some(Action::Follow) => {
            view.follow = !view.follow;
            if view.follow {
                view.scroll(i64::MAX / 4, h);
            }
        }
        Some(Action::Timestamps) => view.timestamps = !view.timestamps,
        Some(Action::Wrap) => view.wrap = !view.wrap,
        Some(Action::Up) => view.scroll(-1, h),
        Some(Action::Down) => view.scroll(1, h),
        Some(Action::PageUp) => view.scroll(-(h as i64), h),
        Some(Action::PageDown) => view.scroll(h as i64, h),
        Some(Action::Top) => view.scroll(i64::MIN / 4, h),
        Some(Action::Bottom) => view.scroll(i64::MAX / 4, h),
        Some(Action::Search) | Some(Action::Filter) => view.typing = Some(String::new()),
        Some(a @ (Action::NextMatch | Action::PrevMatch)) => {
            let found = view.next_match(a == Action::PrevMatch, h);
            if !found && view.search.is_some() {
                state.info("no match");
            }
        }
        Some(Action::Since1m) => return restart(state, view, Since::M1),
        Some(Action::Since5m) => return restart(state, view, Since::M5),
        Some(Action::Since15m) => return restart(state, view, Since::M15),
        Some(Action::Since1h) => return restart(state, view, Since::H1),
        Some(Action::SinceAll) => return restart(state, view, Since::All),
        Some(Action::SaveLogs) => {
            let stamp = state.now.format("%Y%m%d-%H%M%S");
            let name: String = view
                .target
                .name()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            view.save = Some(SavePrompt::Path(format!("{name}-{stamp}.log")));
        }
        Some(Action::Help) => state.overlay = Some(Overlay::Help(Default::default())),
        // the global keys KEYS.md promises work here too: the `:` line, reloading, the panes
        // whose keys the logs view does not use itself (1-5 choose the time span here)
        Some(Action::Command) => state.overlay = Some(Overlay::Command(String::new())),
        Some(Action::Refresh) => {
            let since = view.since;
            return restart(state, view, since);
        }
        _ => {}
    }
    Vec::new()
}

fn save_key(state: &mut State, view: &mut LogView, prompt: SavePrompt, k: KeyEvent) -> Vec<Effect> {
    match prompt {
        SavePrompt::Path(mut path) => match edit_line(&mut path, &k) {
            LineKey::Cancel => {}
            LineKey::Submit => {
                let p = path.trim().to_string();
                if p.is_empty() {
                    state.error("give a file name to save the logs to");
                    view.save = Some(SavePrompt::Path(path));
                    return Vec::new();
                }
                // the prompt stays (with the path) until the file is written or refused
                view.save = Some(SavePrompt::Path(p.clone()));
                return vec![Effect::SaveFile {
                    path: p,
                    contents: view.export(),
                    overwrite: false,
                }];
            }
            LineKey::Edited | LineKey::BackspaceOnEmpty | LineKey::Other => {
                view.save = Some(SavePrompt::Path(path))
            }
        },
        SavePrompt::ConfirmOverwrite(path) => match k.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => {
                return vec![Effect::SaveFile {
                    path,
                    contents: view.export(),
                    overwrite: true,
                }];
            }
            // anything else: back to the path, to choose another name
            _ => view.save = Some(SavePrompt::Path(path)),
        },
    }
    Vec::new()
}

/// The runtime wrote the file, or could not.
pub fn on_saved(state: &mut State, result: Result<String, String>) {
    let saved = match (state.logs_mut(), &result) {
        (Some(v), Ok(_)) => {
            v.save = None;
            Some(v.lines.iter().filter(|l| !l.is_marker()).count())
        }
        _ => None,
    };
    match (saved, result) {
        (Some(n), Ok(path)) => state.info(format!("saved {n} lines to {path}")),
        (_, Err(e)) => state.error(e),
        (None, Ok(_)) => {}
    }
}

pub fn on_save_exists(state: &mut State, path: String) {
    if let Some(v) = state.logs_mut() {
        v.save = Some(SavePrompt::ConfirmOverwrite(path));
    }
}
