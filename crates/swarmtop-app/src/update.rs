//! `update`: the only place state changes. Keys become actions through the keymap; engine
//! messages replace data and rebuild the affected panes.

use chrono::Duration as ChronoDuration;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::describe::Describe;
use super::msg::{Effect, Msg};
use super::nav::{back, go, open, switch_pane};
use super::panes::{Pane, View};
use super::state::{Conn, EVENTS_KEPT, Overlay, Screen, State};
use super::{
    actions, ask_update, command_update, describe_update, editor_update, logs_update, nav,
};
use swarmtop_model::cluster::events::describe as describe_event;
use swarmtop_model::cluster::spec_history::Observed;
use swarmtop_model::feed::{EngineCmd, EngineMsg, Part};
use swarmtop_ops::FollowUp;
use swarmtop_settings::keymap::{Action, Key};

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let effects = update_deferred(state, msg);
    state.catch_up();
    effects
}

/// As [`update`], but rows that only need rebuilding are left behind until
/// [`State::catch_up`]: the runtime handles a burst of messages, then rebuilds once.
pub fn update_deferred(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut effects = dispatch(state, msg);
    effects.extend(super::node_watch::watch_effect(state));
    effects
}

fn dispatch(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(k) => on_key_status(state, k),
        Msg::Resize(w, h) => {
            state.size = (w, h);
            // the history's lines are cut to the screen's width
            super::spec_history::refresh(state, None);
            Vec::new()
        }
        Msg::Tick(now) => {
            state.now = now;
            state.expire_info();
            Vec::new()
        }
        Msg::Engine(m) => {
            on_engine(state, m);
            Vec::new()
        }
        Msg::Logs(generation, ev) => logs_update::on_log_event(state, generation, ev),
        Msg::Processes { container, result } => {
            super::container_update::on_processes(state, container, result);
            Vec::new()
        }
        Msg::Health { task_id, result } => {
            super::container_update::on_health(state, &task_id, result);
            Vec::new()
        }
        Msg::Saved(r) => {
            logs_update::on_saved(state, r);
            Vec::new()
        }
        Msg::SaveExists(path) => {
            logs_update::on_save_exists(state, path);
            Vec::new()
        }
        Msg::StackFile { stack, result } => editor_update::on_stack_file(state, stack, result),
        Msg::FileOpened {
            path,
            stack,
            result,
        } => editor_update::on_file_opened(state, path, stack, result),
        Msg::EditorSaved(r) => match (state.editor_mut(), r) {
            (Some(ed), Ok(path)) => {
                if ed.saved(path) {
                    editor_update::close_editor(state)
                } else {
                    Vec::new()
                }
            }
            (Some(ed), Err(e)) => {
                ed.save_failed(e);
                Vec::new()
            }
            (None, Err(e)) => {
                state.error(e);
                Vec::new()
            }
            (None, Ok(_)) => Vec::new(),
        },
        Msg::EditorSaveConflict(path) => {
            if let Some(ed) = state.editor_mut() {
                ed.save_conflict(&path);
            }
            Vec::new()
        }
        Msg::EditorPlan { generation, result } => {
            if let Some(ed) = state.editor_mut() {
                ed.show_plan(generation, result);
            }
            Vec::new()
        }
        Msg::EditorQuiet(generation) => editor_update::on_quiet(state, generation),
        Msg::EditorChecked { generation, result } => {
            if let Some(ed) = state.editor_mut() {
                ed.checked(generation, result);
            }
            Vec::new()
        }
        Msg::AutosaveFailed(why) => {
            match state.editor_mut() {
                Some(ed) => ed.status = Some(why),
                None => state.error(why),
            }
            Vec::new()
        }
        Msg::Paste(text) => on_paste(state, &text),
        Msg::EditorDeployed(r) => {
            let ok = r.is_ok();
            let stack = state
                .editor()
                .map(|e| (e.stack.clone(), e.restored_from.clone()));
            if let Some(ed) = state.editor_mut() {
                ed.deployed(r);
            }
            // deployed: the swarm holds the file now, the autosave is not needed
            match stack {
                Some((stack, also)) if ok => vec![
                    Effect::DiscardAutosave { stack, also },
                    Effect::Engine(EngineCmd::Refresh),
                ],
                _ => Vec::new(),
            }
        }
        Msg::Autosaves(found) => {
            editor_update::on_autosaves(state, found);
            Vec::new()
        }
        Msg::OpDone { what, then, result } => on_op_done(state, what, then, result),
        Msg::Rotated(report) => super::rotate::on_rotated(state, *report),
        Msg::CommandOutput { id, lines } => {
            super::custom::output(state, id, lines);
            Vec::new()
        }
        Msg::CommandEnded { id, name, result } => {
            super::custom::ended(state, id, &name, result);
            Vec::new()
        }
        Msg::ServiceSpec {
            service_id,
            then,
            result,
        } => {
            super::spec_history::on_read(state, &service_id, then, result);
            Vec::new()
        }
        Msg::ShellEnded { name, result } => {
            super::shell::ended(state, &name, result);
            Vec::new()
        }
        Msg::Join(r) => {
            super::join_update::on_join(state, r);
            Vec::new()
        }
        Msg::Switched {
            context,
            settings,
            read_only,
        } => {
            state.switching = None;
            let said = state
                .switching_to
                .take()
                .unwrap_or_else(|| format!("switched to context {context}"));
            state.read_only = read_only;
            // another swarm perhaps: nothing of the old one must pass for it
            let warning = settings.status_line();
            state.context = context.clone();
            state.keymap = settings.keymap;
            state.commands = settings.commands;
            state.theme = settings.theme;
            state.log_capacity = settings.log_capacity;
            state.conn = Conn::Connecting;
            state.cluster = Default::default();
            // the new session's node worker starts from nothing: ask it again
            state.node_data = Default::default();
            state.data_at = None;
            state.events.clear();
            state.event_keys.clear();
            state.up_to_date.clear();
            state.specs = Default::default();
            state.lists.clear();
            // from the fleet, to what is broken there
            let pane = match state.pane() {
                Pane::Fleet => Pane::Problems,
                p => p,
            };
            state.info(format!("{said} (for this session only)"));
            if let Some(w) = warning {
                state.error(w);
            } else if let Some(why) = &state.read_only {
                state.info(format!("read-only: {why}"));
            }
            go(state, View::top(pane), false)
        }
        Msg::SwitchFailed(why) => {
            state.error(format!("cannot switch: {why}"));
            state.switching_to = None;
            // the line comes back to be fixed
            if let Some(line) = state.switching.take() {
                state.overlay = Some(Overlay::Command(line));
            }
            Vec::new()
        }
        Msg::FleetLines(generation, lines) => {
            super::fleet_update::on_lines(state, generation, lines);
            Vec::new()
        }
        Msg::FleetAnswer {
            generation,
            index,
            status,
        } => {
            super::fleet_update::on_answer(state, generation, index, status);
            Vec::new()
        }
        Msg::Contexts(lines) => {
            state.overlay = Some(Overlay::Describe(Box::new(Describe::new(
                "docker contexts".into(),
                &lines.join("\n"),
            ))));
            Vec::new()
        }
    }
}

/// An operator action came back: say so; follow a rollout; refresh at once.
fn on_op_done(
    state: &mut State,
    what: String,
    then: Option<swarmtop_ops::FollowUp>,
    result: Result<String, String>,
) -> Vec<Effect> {
    match result {
        Ok(done) => {
            super::sent_update::answered(state, &what, None);
            state.info(format!("done: {done}"));
            let mut fx = vec![Effect::Engine(EngineCmd::Refresh)];
            match then {
                // a rotated token: show the new join command
                Some(FollowUp::JoinCommand { manager }) => {
                    fx.push(Effect::LoadJoin { manager });
                }
                Some(FollowUp::Rollout(sid)) if state.view.pane != Pane::Rollout => {
                    fx.extend(go(state, actions::rollout_view(&sid), true));
                }
                _ => {}
            }
            fx
        }
        Err(e) => {
            if !super::sent_update::answered(state, &what, Some(&e)) {
                state.error(format!("{what} failed: {e}"));
            }
            Vec::new()
        }
    }
}

/// Adds one event to the timeline (newest first, bounded, each event once).
fn add_event(state: &mut State, ev: &bollard_stubs::models::EventMessage) {
    let row = describe_event(ev);
    if !state.event_keys.insert(row.key.clone()) {
        return;
    }
    // keep newest first even when history and live events interleave
    let pos = state
        .events
        .iter()
        .position(|e| e.time <= row.time)
        .unwrap_or(state.events.len());
    state.events.insert(pos, row);
    while state.events.len() > EVENTS_KEPT {
        if let Some(old) = state.events.pop_back() {
            state.event_keys.remove(&old.key);
        }
    }
}

fn on_engine(state: &mut State, m: EngineMsg) {
    match m {
        EngineMsg::Connected {
            endpoint,
            engine_version,
            api_version,
            switched_from,
            read_only,
        } => {
            // the transport's gate is the truth: a swarm remembered read-only closes it
            if read_only.is_some() && state.read_only.is_none() {
                state.info(format!(
                    "read-only: {}",
                    read_only.as_deref().unwrap_or_default()
                ));
            }
            state.read_only = read_only;
            match switched_from {
                Some(from) => state.info(format!("moved to {endpoint}: {from} stopped answering")),
                None if matches!(state.conn, Conn::Lost { .. }) => state.info("reconnected"),
                None => {}
            }
            state.endpoint = endpoint;
            state.engine_version = engine_version;
            state.api_version = api_version;
        }
        EngineMsg::Loaded(c) => {
            // the tasks are refreshed on their own: keep the ones known until then
            state.cluster.reload_keeping_tasks(*c);
            state.tasks_gen += 1;
            state.conn = Conn::Live;
            state.data_at = Some(state.now);
            state.rebuild();
            actions::follow_the_swarm(state);
        }
        EngineMsg::Part(p) => {
            state.data_at = Some(state.now);
            match p {
                Part::Nodes(n) => state.cluster.set_nodes(n),
                Part::Services(s) => state.cluster.set_services(s),
                Part::Tasks(set, t) => {
                    state.tasks_gen += 1;
                    state.cluster.merge_tasks(&set, t)
                }
                Part::TaskDelta(d) => {
                    state.tasks_gen += 1;
                    state.cluster.apply_task_delta(d)
                }
                Part::Secrets(s) => state.cluster.secrets = s,
                Part::Configs(c) => state.cluster.configs = c,
                Part::Networks(n) => state.cluster.networks = n,
                Part::ServiceSpecs(specs) => {
                    let now = state.now;
                    for s in specs {
                        state.specs.observe(s, Observed::Change, now);
                    }
                    super::spec_history::refresh(state, None);
                    // the panes do not show specs: nothing to rebuild
                    return;
                }
            }
            state.rebuild();
            actions::follow_the_swarm(state);
        }
        // the views already show what was answered: only its time is new
        EngineMsg::Answered { every } => {
            state.data_at = Some(state.now);
            state.answers_every = Some(every);
        }
        EngineMsg::Event(ev) => {
            add_event(state, &ev);
            if state.pane() == Pane::Events {
                state.rows_behind = true;
            }
        }
        EngineMsg::Rollout {
            service,
            up_to_date,
        } => {
            let sid = service.id.clone().unwrap_or_default();
            state.cluster.upsert_service(*service);
            state.up_to_date.insert(sid, up_to_date);
            state.data_at = Some(state.now);
            if state.view.pane == Pane::Rollout {
                state.rebuild();
            }
        }
        // settled with the views at most once a second (`State::catch_up`)
        EngineMsg::Node(m) => state.node_data.apply(m, state.now),
        EngineMsg::Lost {
            error,
            retry_in,
            failure,
        } => {
            let since = match &state.conn {
                Conn::Lost { since, .. } => *since,
                _ => state.now,
            };
            state.conn = Conn::Lost {
                error,
                failure,
                since,
                retry_at: state.now
                    + ChronoDuration::from_std(retry_in).unwrap_or(ChronoDuration::seconds(1)),
            };
        }
    }
}

/// A key, and what it means for the status line: information that was there goes when the
/// key moves to another pane or screen (it was about the place left).
fn on_key_status(state: &mut State, k: KeyEvent) -> Vec<Effect> {
    let before = (state.place(), state.status.clone());
    let effects = on_key(state, k);
    let (place, status) = before;
    let unchanged = state.status == status;
    if unchanged && place != state.place() && status.is_some_and(|st| !st.error) {
        state.status = None;
    }
    effects
}

fn on_key(state: &mut State, k: KeyEvent) -> Vec<Effect> {
    if k.kind == KeyEventKind::Release {
        return Vec::new();
    }
    // ctrl-c always quits, whatever has the keyboard
    if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![Effect::Quit];
    }
    if state.reading.is_some() && k.code == KeyCode::Esc {
        return editor_update::cancel_read(state);
    }
    // the overlay has the keyboard; its handler puts it back unless the key closes it
    match state.overlay.take() {
        Some(Overlay::Help(h)) => super::help_update::on_key(state, h, k),
        Some(Overlay::Describe(d)) => describe_update::on_describe_key(state, *d, k),
        Some(Overlay::Prompt(p)) => ask_update::on_prompt_key(state, *p, k),
        Some(Overlay::Confirm { ask, behind }) => {
            ask_update::on_confirm_key(state, *ask, behind, k)
        }
        Some(Overlay::Form(f)) => actions::on_form_key(state, *f, k),
        Some(Overlay::Join(j)) => super::join_update::on_key(state, *j, k),
        Some(Overlay::Command(buf)) => command_update::on_command_key(state, buf, k),
        Some(Overlay::Filter) => {
            nav::on_filter_key(state, k);
            Vec::new()
        }
        None => match state.screen {
            Screen::Logs(_) => match logs_update::pane_key(state, &k) {
                Some(a) => {
                    let _ = state.take_logs();
                    let mut fx = vec![Effect::StopLogs];
                    fx.extend(run_action(state, a));
                    fx
                }
                None => logs_update::on_logs_key(state, k),
            },
            Screen::Editor(_) => editor_update::on_editor_key(state, k),
            Screen::Panes => {
                let Some(key) = Key::from_event(&k) else {
                    return Vec::new();
                };
                match state.keymap.action(state.pane().scope(), &key) {
                    Some(a) => {
                        // a key that does something: what was said before has been read
                        state.status = None;
                        run_action(state, a)
                    }
                    // a built-in key wins; a custom command has the keys left (`config check`
                    // says where one is hidden)
                    None => match super::custom::for_key(state, &key).cloned() {
                        Some(cmd) => {
                            state.status = None;
                            super::custom::run(state, &cmd)
                        }
                        None => Vec::new(),
                    },
                }
            }
        },
    }
}

/// A bracketed paste: one edit in the editor; typed text in a one-line prompt (its line
/// breaks and control characters dropped: a paste must not press Enter); ignored elsewhere,
/// where letters are commands.
fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    let line = || -> String { text.chars().filter(|c| !c.is_control()).collect() };
    match &mut state.overlay {
        None if matches!(state.screen, Screen::Editor(_)) => editor_update::on_paste(state, text),
        Some(Overlay::Prompt(p)) => {
            p.text.push_str(&line());
            p.error = None;
            Vec::new()
        }
        Some(Overlay::Command(buf)) => {
            buf.push_str(&line());
            Vec::new()
        }
        Some(Overlay::Filter) => {
            state.current_mut().filter.push_str(&line());
            state.show();
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// `c` in a list: the selected object's ID on the clipboard (OSC 52, through ssh and tmux);
/// a stack, which has none, by its name. IDs are what other tools take and nobody types.
fn copy_selected(state: &mut State) -> Vec<Effect> {
    let Some(row) = state.current().rows.get(state.current().selected) else {
        state.info("nothing selected to copy");
        return Vec::new();
    };
    let name = match row.cells.first().map(|c| &c.value) {
        Some(crate::rows::Value::Text(t)) => t.trim().trim_start_matches("\\_").trim().to_string(),
        _ => String::new(),
    };
    let cells = || {
        row.cells
            .iter()
            .filter_map(|c| match &c.value {
                crate::rows::Value::Text(t) if !t.is_empty() => Some(t.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (what, text) = match state.pane() {
        // a problem or an event in words, to paste where the incident is discussed
        Pane::Problems => (
            "the problem",
            state
                .problems()
                .iter()
                .find(|p| p.key == row.id)
                .map(|p| p.text.clone())
                .unwrap_or_default(),
        ),
        Pane::Events => ("the event", cells()),
        Pane::Stacks | Pane::Map | Pane::Rollout => ("the name of", name.clone()),
        _ => ("the ID of", row.id.clone()),
    };
    let name = match state.pane() {
        Pane::Problems | Pane::Events => String::new(),
        _ => name,
    };
    if text.is_empty() {
        state.info("nothing selected to copy");
        return Vec::new();
    }
    let said = if name.is_empty() {
        format!("copied {what}: {text}")
    } else {
        format!("copied {what} {name}: {text}")
    };
    state.info(said);
    vec![Effect::Copy(text)]
}

/// Runs one named action in the current pane.
pub fn run_action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page_height() as isize;
    let pane = state.pane();
    match action {
        // one rule for q everywhere: it closes what is open, and quits only at the top (a
        // list opened from another goes back to that one first, as describe and logs do)
        Action::Quit if !state.history.is_empty() => return super::nav::up(state),
        Action::Quit => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        Action::Help => state.overlay = Some(Overlay::Help(Default::default())),
        Action::Command => state.overlay = Some(Overlay::Command(String::new())),
        Action::Filter => state.overlay = Some(Overlay::Filter),
        Action::Up => state.current_mut().move_by(-1),
        Action::Down => state.current_mut().move_by(1),
        Action::PageUp => state.current_mut().move_by(-page),
        Action::PageDown => state.current_mut().move_by(page),
        Action::Top => state.current_mut().select(0),
        Action::Bottom => {
            let n = state.current().rows.len();
            state.current_mut().select(n.saturating_sub(1));
        }
        Action::Back => return back(state),
        Action::Open => return open(state),
        Action::Describe => {
            describe_update::describe(state);
            if matches!(state.overlay, Some(Overlay::Describe(_))) {
                return super::container_update::health_for_describe(state)
                    .into_iter()
                    .collect();
            }
        }
        Action::Copy => return copy_selected(state),
        Action::ContainerLogs => return super::container_update::container_logs(state),
        Action::Processes => return super::container_update::processes(state),
        Action::GoToNode => return super::nav::go_to_node(state),
        // only the output view of a running command has something to stop
        Action::StopCommand => state.info("no custom command is running here"),
        Action::Logs => return logs_update::open_logs(state),
        Action::EditStack if pane == Pane::Stacks => {
            return match state.current().selected_id.clone() {
                Some(stack) => {
                    state.info(format!("opening the file of stack {stack}…"));
                    vec![Effect::LoadStackFile { stack }]
                }
                None => Vec::new(),
            };
        }
        Action::NewStack if pane == Pane::Stacks => editor_update::new_stack(state),
        Action::SortNext => {
            let ncols = pane.columns().len().max(1);
            // cycles through the columns, then back to the pane's own order
            let l = state.current_mut();
            l.sort_col = match l.sort_col {
                None => Some(0),
                Some(c) if c + 1 < ncols => Some(c + 1),
                Some(_) => None,
            };
            let col = l.sort_col;
            state.show();
            match col.and_then(|c| pane.columns().get(c)) {
                Some(c) => state.info(format!("sorted by {}", c.title)),
                None => state.info("natural order"),
            }
        }
        Action::SortReverse => {
            let l = state.current_mut();
            l.reverse = !l.reverse;
            state.show();
        }
        Action::Refresh => {
            state.info("reloading from the engine");
            return vec![Effect::Engine(EngineCmd::Refresh)];
        }
        Action::PaneProblems => return switch_pane(state, Pane::Problems),
        Action::PaneNodes => return switch_pane(state, Pane::Nodes),
        Action::PaneServices => return switch_pane(state, Pane::Services),
        Action::PaneTasks => return switch_pane(state, Pane::Tasks),
        Action::PaneStacks => return switch_pane(state, Pane::Stacks),
        Action::PaneSecrets => return switch_pane(state, Pane::Secrets),
        Action::PaneConfigs => return switch_pane(state, Pane::Configs),
        Action::PaneNetworks => return switch_pane(state, Pane::Networks),
        Action::PaneTop => return switch_pane(state, Pane::Top),
        Action::PaneEvents => return switch_pane(state, Pane::Events),
        Action::ScrollLeft if pane == Pane::Map => {
            state.map_offset = state.map_offset.saturating_sub(1);
        }
        Action::ScrollRight if pane == Pane::Map => {
            state.map_offset = (state.map_offset + 1).min(state.cluster.nodes.len());
        }
        Action::Shell | Action::Exec => return super::shell::open(state, action),
        Action::History => {
            return match actions::target_service(state) {
                Some((sid, _)) => super::spec_history::open(state, &sid),
                None => {
                    state.info("select a service in the services pane");
                    Vec::new()
                }
            };
        }
        Action::Rollout => {
            let sid = match (&state.view.pane, &state.view.drill) {
                (Pane::Services, _) => state.current().selected_id.clone(),
                _ => None,
            };
            return match sid {
                Some(sid) => go(state, actions::rollout_view(&sid), true),
                None => Vec::new(),
            };
        }
        // the writes: each asks first, or is refused in read-only mode (`actions`)
        a @ (Action::Drain
        | Action::Activate
        | Action::Pause
        | Action::Promote
        | Action::Demote
        | Action::Labels
        | Action::RemoveNode
        | Action::Scale
        | Action::RollingUpdate
        | Action::SetImage
        | Action::Rollback
        | Action::Restart
        | Action::RemoveService
        | Action::CreateService
        | Action::CreateSecret
        | Action::RemoveSecret
        | Action::CreateConfig
        | Action::RemoveConfig
        | Action::RotateSecret
        | Action::RotateConfig
        | Action::RemoveStack) => match actions::operator_action(state, a) {
            Some(fx) => return fx,
            None => state.info(format!("{} does nothing here", a.name())),
        },
        // keys of the other views (describe, logs, editor, the join dialog) and pane keys
        // pressed in another pane: said, not done. Every action is named in this match, so a
        // new one cannot be forgotten: it does not compile until it is placed.
        a @ (Action::EditStack
        | Action::NewStack
        | Action::ScrollLeft
        | Action::ScrollRight
        | Action::ShowData
        | Action::RotateToken
        | Action::Save
        | Action::Plan
        | Action::Deploy
        | Action::Leave
        | Action::Follow
        | Action::Timestamps
        | Action::Wrap
        | Action::Search
        | Action::NextMatch
        | Action::PrevMatch
        | Action::Since1m
        | Action::Since5m
        | Action::Since15m
        | Action::Since1h
        | Action::SinceAll
        | Action::SaveLogs) => state.info(format!("{} does nothing here", a.name())),
    }
    let h = state.page_height();
    state.current_mut().scroll_into_view(h);
    Vec::new()
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::panes::{Drill, View};
    use crate::prompt::Pending;
    use swarmtop_model::cluster::fixtures::sample;
    use swarmtop_model::feed::TaskScope;
    use swarmtop_settings::keymap::{Keymap, Scope};

    fn key(c: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
    }

    fn loaded() -> State {
        let mut s = State::new(
            "default".into(),
            "unix:///x".into(),
            Keymap::default_keymap(),
            Utc::now(),
        );
        update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(sample()))));
        s
    }

    #[test]
    fn information_goes_after_a_while_and_errors_stay() {
        let mut s = loaded();
        let start = s.now;
        s.info("scaled web to 3");
        update(&mut s, Msg::Tick(start + chrono::TimeDelta::seconds(2)));
        assert!(s.status.is_some(), "gone too soon");
        update(&mut s, Msg::Tick(start + crate::state::INFO_KEPT));
        assert_eq!(s.status, None);
        s.error("cannot scale web: no such service");
        update(&mut s, Msg::Tick(start + chrono::TimeDelta::minutes(5)));
        assert!(s.status.as_ref().is_some_and(|l| l.error));
    }

    #[test]
    fn moving_on_clears_information_and_a_key_that_does_something_clears_errors() {
        let mut s = loaded();
        s.info("copied node1's ID");
        update(&mut s, key(KeyCode::Char('2')));
        assert_eq!(s.pane(), Pane::Services);
        assert_eq!(s.status, None, "information about the place left stayed");
        s.error("cannot drain node1: permission denied");
        // a key bound to nothing leaves the error to be read
        update(&mut s, key(KeyCode::F(12)));
        assert!(s.status.is_some());
        update(&mut s, key(KeyCode::Char('j')));
        assert_eq!(s.status, None);
    }

    #[test]
    fn every_action_of_another_view_says_it_does_nothing_in_a_pane() {
        // the keys of describe, the logs, the editor and the join dialog, pressed over a pane
        let elsewhere = [
            Action::ShowData,
            Action::RotateToken,
            Action::Save,
            Action::Plan,
            Action::Deploy,
            Action::Leave,
            Action::Follow,
            Action::Wrap,
            Action::SaveLogs,
            Action::SinceAll,
        ];
        for a in elsewhere {
            let mut s = loaded();
            assert!(run_action(&mut s, a).is_empty(), "{a:?}");
            let said = s
                .status
                .as_ref()
                .map(|l| l.text.clone())
                .unwrap_or_default();
            assert_eq!(said, format!("{} does nothing here", a.name()), "{a:?}");
            assert_eq!(s.overlay_name(), None, "{a:?}");
        }
        // and every action at all runs in these panes without a panic
        for pane in [
            Pane::Nodes,
            Pane::Services,
            Pane::Stacks,
            Pane::Secrets,
            Pane::Map,
        ] {
            for a in Action::ALL {
                let mut s = loaded();
                switch_pane(&mut s, pane);
                let _ = run_action(&mut s, *a);
            }
        }
    }

    #[test]
    fn an_overlay_closes_back_to_the_screen_under_it() {
        let mut s = loaded();
        switch_pane(&mut s, Pane::Services);
        let fx = run_action(&mut s, Action::Logs);
        assert!(
            matches!(fx.as_slice(), [Effect::StartLogs { .. }]),
            "{fx:?}"
        );
        assert!(s.logs().is_some() && s.overlay.is_none());
        // help over the logs shows the logs' keys and gives them back when it closes
        keys(&mut s, "?");
        assert_eq!(s.overlay_name(), Some("help"));
        assert_eq!(crate::help_update::scope(&s), Scope::Logs);
        assert!(s.logs().is_some(), "the logs stay under the help");
        keys(&mut s, "\u{1b}");
        assert_eq!(s.overlay_name(), None);
        assert!(s.logs().is_some(), "back to the logs, not the panes");
        // leaving the logs stops the stream and shows the panes again
        let fx = keys(&mut s, "\u{1b}");
        assert_eq!(fx, vec![Effect::StopLogs]);
        assert!(matches!(s.screen, Screen::Panes));
        assert_eq!(s.pane(), Pane::Services);
    }

    #[test]
    fn the_global_keys_work_in_the_logs_view() {
        let mut s = loaded();
        keys(&mut s, "2G");
        keys(&mut s, "l");
        assert!(s.logs().is_some());
        // `:` opens the command line over the logs
        keys(&mut s, ":");
        assert_eq!(s.overlay_name(), Some("command"));
        update(&mut s, key(KeyCode::Esc));
        assert!(s.logs().is_some());
        // ctrl-r reads the logs again
        let fx = update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
        );
        assert!(
            matches!(fx.as_slice(), [Effect::StartLogs { .. }]),
            "{fx:?}"
        );
        // 1-5 are the logs' own (the time span); 0 goes to the problems
        let fx = keys(&mut s, "1");
        assert!(
            matches!(fx.as_slice(), [Effect::StartLogs { .. }]),
            "{fx:?}"
        );
        assert!(s.logs().is_some());
        let fx = keys(&mut s, "0");
        assert_eq!(fx.first(), Some(&Effect::StopLogs));
        assert!(matches!(s.screen, Screen::Panes));
        assert_eq!(s.pane(), Pane::Problems);
    }

    #[test]
    fn tab_completes_the_command_line() {
        let mut s = loaded();
        keys(&mut s, ":ser");
        update(&mut s, key(KeyCode::Tab));
        assert!(matches!(&s.overlay, Some(Overlay::Command(c)) if c == "services"));
        keys(&mut s, "\n");
        assert_eq!(s.pane(), Pane::Services);
        // several commands fit: the status line lists them, the line stays as typed
        keys(&mut s, ":se");
        update(&mut s, key(KeyCode::Tab));
        assert!(matches!(&s.overlay, Some(Overlay::Command(c)) if c == "se"));
        let said = s
            .status
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_default();
        assert_eq!(said, ":services :secrets");
    }

    #[test]
    fn loaded_data_makes_the_state_live() {
        let s = loaded();
        assert_eq!(s.conn, Conn::Live);
        assert_eq!(s.list(Pane::Nodes).rows.len(), 3);
    }

    #[test]
    fn cursor_follows_the_object_across_refreshes() {
        let mut s = loaded();
        update(&mut s, key(KeyCode::Char('j')));
        assert_eq!(
            s.list(Pane::Nodes).selected_id.as_deref(),
            Some("n2bbbbbbbbbbbbbbbbbbbbbbb")
        );
        let mut c = sample();
        let mut nodes = c.nodes.clone();
        nodes.reverse();
        c.set_nodes(Vec::new());
        update(&mut s, Msg::Engine(EngineMsg::Part(Part::Nodes(nodes))));
        let l = s.list(Pane::Nodes);
        assert_eq!(l.selected_id.as_deref(), Some("n2bbbbbbbbbbbbbbbbbbbbbbb"));
        assert_eq!(
            l.rows.get(l.selected).unwrap().id,
            "n2bbbbbbbbbbbbbbbbbbbbbbb"
        );
    }

    #[test]
    fn filter_narrows_and_esc_clears() {
        let mut s = loaded();
        update(&mut s, key(KeyCode::Char('/')));
        for c in "node3".chars() {
            update(&mut s, key(KeyCode::Char(c)));
        }
        assert_eq!(s.list(Pane::Nodes).rows.len(), 1);
        update(&mut s, key(KeyCode::Esc));
        assert_eq!(s.list(Pane::Nodes).rows.len(), 3);
        assert_eq!(s.overlay_name(), None);
    }

    #[test]
    fn q_quits_and_lost_connection_keeps_data() {
        let mut s = loaded();
        update(
            &mut s,
            Msg::Engine(EngineMsg::Lost {
                error: "connection refused".into(),
                retry_in: std::time::Duration::from_secs(2),
                failure: swarmtop_model::feed::Failure::Connection,
            }),
        );
        assert!(s.is_stale());
        assert_eq!(s.list(Pane::Nodes).rows.len(), 3);
        assert_eq!(update(&mut s, key(KeyCode::Char('q'))), vec![Effect::Quit]);
    }

    /// One rule for q: it closes what is open (logs, describe, a list opened from another)
    /// and quits only at the top.
    #[test]
    fn q_closes_what_is_open_and_quits_only_at_the_top() {
        let mut s = loaded();
        update(&mut s, key(KeyCode::Char('2')));
        // services -> the tasks of one service -> its logs
        update(&mut s, key(KeyCode::Enter));
        assert_eq!(s.pane(), Pane::Tasks);
        let fx = update(&mut s, key(KeyCode::Char('l')));
        assert!(matches!(s.screen, Screen::Logs(_)), "{fx:?}");
        assert_eq!(
            update(&mut s, key(KeyCode::Char('q'))),
            vec![Effect::StopLogs]
        );
        assert!(matches!(s.screen, Screen::Panes));
        assert!(!s.quit);
        update(&mut s, key(KeyCode::Char('d')));
        assert_eq!(s.overlay_name(), Some("describe"));
        assert_eq!(update(&mut s, key(KeyCode::Char('q'))), vec![]);
        assert_eq!(s.overlay_name(), None);
        assert!(!s.quit);
        let fx = update(&mut s, key(KeyCode::Char('q')));
        assert!(!fx.contains(&Effect::Quit), "{fx:?}");
        assert!(
            !s.quit,
            "q in the tasks of a service goes back to the list it came from"
        );
        assert_eq!(s.pane(), Pane::Services);
        assert_eq!(update(&mut s, key(KeyCode::Char('q'))), vec![Effect::Quit]);
        assert!(s.quit);
    }

    #[test]
    fn n_on_a_task_goes_to_its_node_and_esc_comes_back() {
        let mut s = loaded();
        let first_node = s.list(Pane::Nodes).rows.get(0).unwrap().id.clone();
        update(&mut s, key(KeyCode::Char('3')));
        // a task on another node than the one the nodes list starts on
        let node_of = |s: &State| {
            let task = s.current().selected_id.clone().unwrap();
            let node = s
                .cluster
                .tasks
                .iter()
                .find(|t| t.id.as_deref() == Some(task.as_str()))
                .and_then(|t| t.node_id.clone())
                .unwrap();
            (task, node)
        };
        while node_of(&s).1 == first_node {
            update(&mut s, key(KeyCode::Char('j')));
        }
        let (task, node) = node_of(&s);
        update(&mut s, key(KeyCode::Char('N')));
        assert_eq!(s.pane(), Pane::Nodes);
        assert_eq!(s.current().selected_id.as_deref(), Some(node.as_str()));
        update(&mut s, key(KeyCode::Esc));
        assert_eq!(s.pane(), Pane::Tasks);
        assert_eq!(s.current().selected_id.as_deref(), Some(task.as_str()));
    }

    #[test]
    fn unknown_command_keeps_what_was_typed() {
        let mut s = loaded();
        update(&mut s, key(KeyCode::Char(':')));
        for c in "nodez".chars() {
            update(&mut s, key(KeyCode::Char(c)));
        }
        update(&mut s, key(KeyCode::Enter));
        assert!(matches!(&s.overlay, Some(Overlay::Command(c)) if c == "nodez"));
        assert!(s.status.as_ref().unwrap().error);
        assert!(s.status.as_ref().unwrap().text.contains(":nodez"));
    }

    fn keys(s: &mut State, text: &str) -> Vec<Effect> {
        let mut fx = Vec::new();
        for c in text.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\x1b' => KeyCode::Esc,
                '\x08' => KeyCode::Backspace,
                '\t' => KeyCode::Tab,
                c => KeyCode::Char(c),
            };
            fx.extend(update(s, key(code)));
        }
        fx
    }

    #[test]
    fn a_failed_switch_gives_the_line_back_and_changes_nothing() {
        let mut s = loaded();
        let fx = keys(&mut s, ":host tcp://10.255.0.1:2375\n");
        assert_eq!(
            fx,
            vec![Effect::Switch {
                context: None,
                host: Some("tcp://10.255.0.1:2375".into())
            }]
        );
        update(
            &mut s,
            Msg::SwitchFailed("tcp://10.255.0.1:2375: connection timed out".into()),
        );
        assert!(
            matches!(&s.overlay, Some(Overlay::Command(c)) if c == "host tcp://10.255.0.1:2375")
        );
        let status = s
            .status
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_default();
        assert!(
            status.contains("cannot switch") && status.contains("timed out"),
            "{status}"
        );
        assert_eq!(s.context, "default", "still on the same swarm");
        assert_eq!(s.endpoint, "unix:///x", "the header's endpoint kept");
        assert!(!s.cluster.nodes.is_empty(), "its data kept");
    }

    #[test]
    fn a_host_typo_is_an_error_and_switches_nothing() {
        for (line, says) in [
            (
                ":host ssh://a@b c\n",
                "what follows it is not understood: \"c\"",
            ),
            (":host ssh://-oProxyCommand=x\n", "begins with '-'"),
            (":host htp://x\n", ":host: "),
            (":host\n", "needs a URL"),
            (":ctx prod extra\n", "what follows it is not understood"),
        ] {
            let mut s = loaded();
            let fx = keys(&mut s, line);
            assert!(fx.is_empty(), "{line}: {fx:?}");
            let typed = line.trim_start_matches(':').trim_end_matches('\n');
            assert!(
                matches!(&s.overlay, Some(Overlay::Command(c)) if c == typed),
                "{line}: the line is kept"
            );
            let status = s
                .status
                .as_ref()
                .map(|l| l.text.clone())
                .unwrap_or_default();
            assert!(status.contains(says), "{line}: {status}");
            assert_eq!(s.endpoint, "unix:///x");
            assert!(s.switching.is_none());
        }
    }

    #[test]
    fn host_says_where_it_connected_not_the_context_default() {
        let mut s = loaded();
        let fx = keys(&mut s, ":host tcp://10.0.0.5:2375\n");
        assert!(matches!(fx.as_slice(), [Effect::Switch { .. }]), "{fx:?}");
        let settings = swarmtop_settings::config::Files::builtin()
            .resolve("default", &swarmtop_settings::config::Flags::default());
        update(
            &mut s,
            Msg::Switched {
                context: "default".into(),
                settings: Box::new(settings),
                read_only: None,
            },
        );
        let said = s
            .status
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_default();
        assert_eq!(
            said,
            "connected to tcp://10.0.0.5:2375 (for this session only)"
        );
    }

    #[test]
    fn enter_drills_down_and_esc_comes_back() {
        let mut s = loaded();
        // services are sorted by name: monitor, shop_api, web
        let fx = keys(&mut s, "2j\n");
        assert_eq!(
            s.view,
            View {
                pane: Pane::Tasks,
                drill: Drill::Service("s2apiapiapiapiapiapiapiap".into())
            }
        );
        assert!(
            fx.contains(&Effect::Engine(EngineCmd::WatchTasks(TaskScope::Service(
                "s2apiapiapiapiapiapiapiap".into()
            ))))
        );
        assert!(
            s.current()
                .rows
                .iter()
                .all(|r| r.cells[0].search_text().contains("shop_api"))
        );
        keys(&mut s, "\x1b");
        assert_eq!(s.view, View::top(Pane::Services));
        assert_eq!(
            s.current().selected_id.as_deref(),
            Some("s2apiapiapiapiapiapiapiap"),
            "cursor kept"
        );
    }

    #[test]
    fn stack_opens_its_services() {
        let mut s = loaded();
        keys(&mut s, "4\n");
        assert_eq!(s.view.drill, Drill::Stack("shop".into()));
        assert_eq!(s.current().rows.len(), 1);
    }

    #[test]
    fn a_problem_jumps_to_its_object() {
        let mut s = loaded();
        keys(&mut s, "0");
        let pos = s
            .current()
            .rows
            .iter()
            .position(|r| r.id.ends_with(":replicas"))
            .unwrap();
        s.current_mut().select(pos);
        keys(&mut s, "\n");
        assert_eq!(
            s.view.drill,
            Drill::Service("s2apiapiapiapiapiapiapiap".into())
        );
        keys(&mut s, "\x1b0");
        let pos = s
            .current()
            .rows
            .iter()
            .position(|r| r.id.ends_with(":state"))
            .unwrap();
        s.current_mut().select(pos);
        keys(&mut s, "\n");
        assert_eq!(s.view, View::top(Pane::Nodes));
        assert_eq!(
            s.current().selected_id.as_deref(),
            Some("n3ccccccccccccccccccccccc")
        );
    }

    #[test]
    fn describe_scrolls_searches_and_closes() {
        let mut s = loaded();
        keys(&mut s, "d");
        let Some(Overlay::Describe(d)) = &s.overlay else {
            panic!("not describing")
        };
        assert!(d.title.starts_with("node "));
        keys(&mut s, "/hostname\n");
        let Some(Overlay::Describe(d)) = &s.overlay else {
            panic!("not describing")
        };
        assert!(!d.matches.is_empty());
        keys(&mut s, "\x1b");
        assert_eq!(s.overlay_name(), None);
    }

    #[test]
    fn every_pane_has_rows_from_the_sample() {
        let mut s = loaded();
        for (k, n) in [
            ("0", 5),
            ("1", 3),
            ("2", 3),
            ("3", 9),
            ("4", 1),
            ("5", 1),
            ("6", 1),
            ("7", 2),
        ] {
            keys(&mut s, k);
            assert!(
                s.current().rows.len() >= n,
                "pane {k}: {} rows",
                s.current().rows.len()
            );
        }
    }

    #[test]
    fn the_event_timeline_keeps_the_newest_in_view() {
        let mut s = loaded();
        let ev = |t: i64, name: &str| {
            let e: bollard_stubs::models::EventMessage =
                serde_json::from_value(serde_json::json!({
                    "Type": "service", "Action": "create", "timeNano": t,
                    "Actor": {"ID": name, "Attributes": {"name": name}}
                }))
                .unwrap();
            Msg::Engine(EngineMsg::Event(Box::new(e)))
        };
        update(&mut s, ev(1_000, "old"));
        keys(&mut s, ":events\n");
        for i in 0..100 {
            update(&mut s, ev(2_000 + i, &format!("new{i}")));
        }
        let l = s.current();
        assert_eq!(l.selected, 0);
        assert_eq!(l.offset, 0);
        assert!(
            l.rows.get(0).unwrap().cells[3]
                .search_text()
                .contains("new99")
        );
        // the same event twice (history and live overlap) is shown once
        update(&mut s, ev(2_099, "new99"));
        assert_eq!(s.current().rows.len(), 101);
    }

    #[test]
    fn d_and_enter_on_a_node_event_open_that_node() {
        let mut s = loaded();
        // the engine names a node by its hostname in an event; it is found by its ID
        let e: bollard_stubs::models::EventMessage = serde_json::from_value(serde_json::json!({
            "Type": "node", "Action": "update", "timeNano": 5_000,
            "Actor": {"ID": "n2bbbbbbbbbbbbbbbbbbbbbbb",
                      "Attributes": {"name": "node2", "state.old": "ready", "state.new": "down"}}
        }))
        .unwrap();
        update(&mut s, Msg::Engine(EngineMsg::Event(Box::new(e))));
        keys(&mut s, ":events\n");
        for key in ["d", "\n"] {
            s.overlay = None;
            keys(&mut s, key);
            match &s.overlay {
                Some(Overlay::Describe(d)) => assert_eq!(d.title, "node node2", "{key:?}"),
                _ => panic!("{key:?}: no describe, status {:?}", s.status),
            }
        }
    }

    fn ctrl(c: char) -> Msg {
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    #[test]
    fn e_on_a_stack_fetches_its_file_and_opens_the_editor() {
        let mut s = loaded();
        keys(&mut s, "4");
        let fx = keys(&mut s, "e");
        assert_eq!(
            fx,
            vec![Effect::LoadStackFile {
                stack: "shop".into()
            }]
        );
        update(
            &mut s,
            Msg::StackFile {
                stack: "shop".into(),
                result: Ok(swarmtop_compose::source::StackFile::Reconstructed {
                    text: "services:\n  api:\n    image: busybox:1\n".into(),
                }),
            },
        );
        assert!(s.overlay.is_none() && s.editor().is_some());
        let ed = s.editor().unwrap();
        assert!(ed.status.as_deref().unwrap_or("").contains("RECONSTRUCTED"));
        // typing is noted (the check and the autosave wait for a pause), ctrl-g asks for a
        // plan first
        let fx = keys(&mut s, "\n");
        assert!(matches!(
            fx.as_slice(),
            [Effect::Editor(crate::editor::EditorEffect::Edited { .. })]
        ));
        let fx = update(&mut s, ctrl('g'));
        assert!(matches!(
            fx.as_slice(),
            [Effect::Editor(
                crate::editor::EditorEffect::PlanForDeploy { .. }
            )]
        ));
    }

    #[test]
    fn a_paste_in_a_one_line_prompt_never_presses_enter() {
        let mut s = loaded();
        keys(&mut s, ":");
        let fx = update(&mut s, Msg::Paste("edit a.yml\nq\n".into()));
        assert!(fx.is_empty());
        assert!(matches!(&s.overlay, Some(Overlay::Command(c)) if c == "edit a.ymlq"));
        // in a pane, pasted letters are not taken for commands
        keys(&mut s, "\u{1b}");
        assert_eq!(s.overlay_name(), None);
        assert!(update(&mut s, Msg::Paste("qD".into())).is_empty());
        assert_eq!(s.overlay_name(), None);
        assert!(!s.quit);
    }

    #[test]
    fn a_refused_service_create_gives_the_form_back_as_typed() {
        let mut s = loaded();
        keys(&mut s, "2n");
        assert_eq!(s.overlay_name(), Some("form"));
        keys(&mut s, "webx\tbusybox:1\t\t\t\t\t8080:80");
        let fx = update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        );
        assert!(fx.is_empty(), "asks first: {fx:?}");
        let fx = keys(&mut s, "y");
        assert!(matches!(fx.as_slice(), [Effect::Run(_)]), "{fx:?}");
        assert_eq!(s.overlay_name(), None);
        // the engine refuses: the form is back with every value and the reason in it
        update(
            &mut s,
            Msg::OpDone {
                what: "create service webx".into(),
                then: None,
                result: Err("port 8080 is already in use".into()),
            },
        );
        assert_eq!(s.overlay_name(), Some("form"));
        let Some(Overlay::Form(f)) = &s.overlay else {
            panic!("the form is not open again")
        };
        let value = |label: &str| {
            f.fields
                .iter()
                .find(|x| x.label == label)
                .map(|x| x.value.clone())
        };
        assert_eq!(value("name").as_deref(), Some("webx"));
        assert_eq!(value("image").as_deref(), Some("busybox:1"));
        assert_eq!(value("ports").as_deref(), Some("8080:80"));
        assert!(
            f.error
                .as_deref()
                .unwrap_or("")
                .contains("port 8080 is already in use")
        );
        // accepted next time: nothing kept
        keys(&mut s, "\u{1b}");
        assert!(s.sent.is_none());
    }

    /// What follows an op comes from the op, not from the words of its description (a rotated
    /// token was recognised by "join token" in the text).
    #[test]
    fn the_follow_up_of_an_op_is_what_the_op_says() {
        let rotate = swarmtop_ops::Op::RotateJoinToken { manager: true };
        assert_eq!(
            rotate.follow_up(),
            Some(FollowUp::JoinCommand { manager: true })
        );
        let mut s = loaded();
        let fx = update(
            &mut s,
            Msg::OpDone {
                what: "a new token for joining managers".into(),
                then: rotate.follow_up(),
                result: Ok("done".into()),
            },
        );
        assert!(fx.contains(&Effect::LoadJoin { manager: true }), "{fx:?}");
        // words alone follow nothing
        let fx = update(
            &mut s,
            Msg::OpDone {
                what: "rotate the worker join token".into(),
                then: None,
                result: Ok("done".into()),
            },
        );
        assert!(
            !fx.iter().any(|e| matches!(e, Effect::LoadJoin { .. })),
            "{fx:?}"
        );
    }

    #[test]
    fn a_refused_scale_gives_the_prompt_back_as_typed() {
        let mut s = loaded();
        keys(&mut s, "2Gs"); // web
        let Some(Overlay::Prompt(_)) = &s.overlay else {
            panic!("no prompt: {:?}", s.overlay_name())
        };
        keys(&mut s, "\x08\x08\x087\n");
        // the dialog says from -> to; yes sends it
        let Some(Overlay::Confirm { ask: _, .. }) = &s.overlay else {
            panic!("no dialog: {:?}", s.overlay_name())
        };
        keys(&mut s, "y");
        let Some(what) = s.sent.as_ref().map(|x| x.what.clone()) else {
            panic!("nothing kept; mode {:?}", s.overlay_name())
        };
        update(
            &mut s,
            Msg::OpDone {
                what,
                then: None,
                result: Err("the swarm has no leader".into()),
            },
        );
        let Some(Overlay::Prompt(p)) = &s.overlay else {
            panic!("prompt not back: {:?}", s.overlay_name())
        };
        assert_eq!(p.text, "7");
        assert!(p.error.as_deref().unwrap_or("").contains("no leader"));
    }

    #[test]
    fn read_only_refuses_a_deploy_where_the_effect_is_made() {
        let mut s = loaded();
        s.read_only = Some("--read-only".into());
        update(
            &mut s,
            Msg::FileOpened {
                path: "/tmp/x.yml".into(),
                stack: "x".into(),
                result: Ok(Some("services:\n  a:\n    image: busybox:1\n".into())),
            },
        );
        let fx = update(&mut s, ctrl('g'));
        assert!(fx.is_empty(), "{fx:?}");
        assert!(
            s.editor()
                .unwrap()
                .status
                .as_deref()
                .unwrap()
                .contains("read-only")
        );
    }

    #[test]
    fn a_bad_stack_name_keeps_what_was_typed() {
        let mut s = loaded();
        keys(&mut s, "4n");
        keys(&mut s, "my shop\n");
        let Some(Overlay::Prompt(p)) = &s.overlay else {
            panic!("prompt closed: {:?}", s.overlay_name())
        };
        assert_eq!(p.text, "my shop");
        assert!(p.error.as_deref().unwrap().contains("' '"));
        // fixed, it opens the file
        keys(&mut s, "\x08");
    }

    #[test]
    fn edit_command_opens_a_file_named_after_its_stack() {
        let mut s = loaded();
        s.work_dir = "/srv".into();
        let fx = keys(&mut s, ":edit shop.yml\n");
        assert_eq!(
            fx,
            vec![Effect::OpenFile {
                path: "/srv/shop.yml".into(),
                stack: "shop".into()
            }]
        );
    }

    #[test]
    fn esc_stops_waiting_for_a_file_and_its_late_answer_is_dropped() {
        let mut s = loaded();
        s.work_dir = "/srv".into();
        keys(&mut s, ":edit pipe.yml\n");
        assert_eq!(
            s.reading.as_deref(),
            Some(std::path::Path::new("/srv/pipe.yml"))
        );
        assert_eq!(keys(&mut s, "\u{1b}"), vec![Effect::CancelRead]);
        assert_eq!(s.reading, None);
        update(
            &mut s,
            Msg::FileOpened {
                path: "/srv/pipe.yml".into(),
                stack: "pipe".into(),
                result: Ok(Some("services: {}\n".into())),
            },
        );
        assert_eq!(s.overlay_name(), None, "not opened after Esc");
        assert!(s.editor().is_none());
    }

    fn an_autosave() -> crate::editor::Autosave {
        crate::editor::Autosave {
            stack: "shop".into(),
            text: "services: {}\n# mine\n".into(),
            file: Some("/srv/shop.yml".into()),
            on_disk: Some("services: {}\n".into()),
            pid: Some(4242),
            host: Some("h".into()),
            path: "/state/editor/shop.4242.autosave.json".into(),
        }
    }

    #[test]
    fn an_autosave_is_offered_back_with_its_file() {
        let mut s = loaded();
        update(&mut s, Msg::Autosaves(vec![an_autosave()]));
        assert!(matches!(s.overlay, Some(Overlay::Confirm { .. })));
        keys(&mut s, "y");
        assert!(s.overlay.is_none() && s.editor().is_some());
        let ed = s.editor_mut().unwrap();
        assert_eq!(ed.text(), "services: {}\n# mine\n");
        // it can be saved back to its file, checked against what the file held
        assert!(ed.is_dirty());
        assert_eq!(
            ed.path.as_deref(),
            Some(std::path::Path::new("/srv/shop.yml"))
        );
        let fx = update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        );
        assert!(
            matches!(
                fx.as_slice(),
                [Effect::Editor(crate::editor::EditorEffect::Save { path, expected: Some(e), .. })]
                    if path == std::path::Path::new("/srv/shop.yml") && e == "services: {}\n"
            ),
            "{fx:?}"
        );
    }

    #[test]
    fn only_d_deletes_an_offered_autosave_esc_keeps_it() {
        for (key, deleted) in [("\u{1b}", false), ("n", false), ("q", false), ("d", true)] {
            let mut s = loaded();
            update(&mut s, Msg::Autosaves(vec![an_autosave()]));
            let fx = keys(&mut s, key);
            assert_eq!(
                fx.iter().any(|e| matches!(
                    e,
                    Effect::RemoveAutosave { .. } | Effect::DiscardAutosave { .. }
                )),
                deleted,
                "{key:?}: {fx:?}"
            );
            if key == "q" {
                // not an answer: still asking
                assert!(matches!(s.overlay, Some(Overlay::Confirm { .. })));
            } else {
                assert_eq!(s.overlay_name(), None, "{key:?}");
            }
        }
    }

    #[test]
    fn read_only_refuses_when_the_key_is_pressed() {
        let mut s = loaded();
        s.read_only = Some("context prod is read_only in config.yaml".into());
        let fx = keys(&mut s, "1D");
        assert!(fx.iter().all(|e| !matches!(e, Effect::Run(_))));
        assert_eq!(s.overlay_name(), None);
        assert!(
            s.status
                .as_ref()
                .unwrap()
                .text
                .contains("read-only (context prod is read_only in config.yaml): drain refused")
        );
    }

    #[test]
    fn drain_asks_first_and_says_what_would_stay_pending() {
        let mut s = loaded();
        keys(&mut s, "1");
        let fx = keys(&mut s, "D");
        assert!(fx.is_empty());
        let Some(Overlay::Confirm { ask: c, .. }) = &s.overlay else {
            panic!("{:?}", s.overlay_name())
        };
        let text = c.lines.join("\n");
        assert!(text.contains("shop_api.1 WOULD STAY PENDING"), "{text}");
        assert!(c.danger);
        let fx = keys(&mut s, "y");
        assert!(
            matches!(
                fx.as_slice(),
                [Effect::Run(swarmtop_ops::Op::SetAvailability { .. })]
            ),
            "{fx:?}"
        );
    }

    /// D pressed a moment before the tasks on the node reached the UI: the question said "No
    /// task runs on node1" and kept saying it. It follows the tasks as they come.
    #[test]
    fn the_drain_question_follows_the_tasks_that_come_in_while_it_is_open() {
        use bollard_stubs::models::TaskState;
        use swarmtop_model::cluster::{TaskSet, task_state};
        let mut s = loaded();
        let all = s.cluster.tasks.clone();
        let node = all
            .iter()
            .find(|t| task_state(t) == TaskState::RUNNING)
            .and_then(|t| t.node_id.clone())
            .expect("a task runs on some node");
        let name = s.cluster.node_name(&node).to_string();
        // the tasks on that node have not come yet
        let elsewhere: Vec<_> = all
            .iter()
            .filter(|t| t.node_id.as_deref() != Some(node.as_str()))
            .cloned()
            .collect();
        update(
            &mut s,
            Msg::Engine(EngineMsg::Part(Part::Tasks(TaskSet::All, elsewhere))),
        );
        keys(&mut s, "1");
        keys(&mut s, &format!("/{name}\n"));
        keys(&mut s, "D");
        let question = |s: &State| match &s.overlay {
            Some(Overlay::Confirm { ask, .. }) => ask.lines.join("\n"),
            _ => panic!("{:?}", s.overlay_name()),
        };
        assert!(
            question(&s).contains(&format!("No task runs on {name}")),
            "{}",
            question(&s)
        );
        update(
            &mut s,
            Msg::Engine(EngineMsg::Part(Part::Tasks(TaskSet::All, all))),
        );
        let text = question(&s);
        assert!(!text.contains("No task runs"), "{text}");
        assert!(text.contains(&format!("task(s) on {name}:")), "{text}");
        assert!(text.starts_with(&format!("Drain {name}?")), "{text}");
        // and the answer is still the drain of that node
        let fx = keys(&mut s, "y");
        assert!(
            matches!(
                fx.as_slice(),
                [Effect::Run(swarmtop_ops::Op::SetAvailability { node_id, .. })] if *node_id == node
            ),
            "{fx:?}"
        );
    }

    #[test]
    fn demoting_the_only_manager_is_refused() {
        let mut s = loaded();
        let fx = keys(&mut s, "1-");
        assert!(fx.iter().all(|e| !matches!(e, Effect::Run(_))));
        assert!(s.status.as_ref().unwrap().text.contains("only manager"));
    }

    #[test]
    fn scale_prompts_with_the_current_count_and_checks_the_answer() {
        let mut s = loaded();
        keys(&mut s, "2G"); // web
        keys(&mut s, "s");
        let Some(Overlay::Prompt(p)) = &s.overlay else {
            panic!("{:?}", s.overlay_name())
        };
        assert_eq!(p.text, "3");
        keys(&mut s, "\x08\x08-1\n");
        let Some(Overlay::Prompt(p)) = &s.overlay else {
            panic!("{:?}", s.overlay_name())
        };
        assert_eq!(p.text, "-1", "what was typed is kept");
        assert!(p.error.as_deref().unwrap().contains("negative"));
        update(&mut s, key(KeyCode::Backspace));
        update(&mut s, key(KeyCode::Backspace));
        assert!(keys(&mut s, "7\n").is_empty(), "asked first");
        let fx = keys(&mut s, "y");
        assert!(
            matches!(
                fx.as_slice(),
                [Effect::Run(swarmtop_ops::Op::Scale { replicas: 7, .. })]
            ),
            "{fx:?}"
        );
    }

    #[test]
    fn typing_replaces_the_prefilled_count_and_editing_keys_keep_it() {
        let mut s = loaded();
        keys(&mut s, "2G"); // web, 3 replicas
        keys(&mut s, "s");
        // `s 2 Enter` asks to scale 3 -> 2, not 32
        assert!(keys(&mut s, "2\n").is_empty(), "asked first");
        let Some(Overlay::Confirm { ask: c, .. }) = &s.overlay else {
            panic!("{:?}", s.overlay_name())
        };
        assert!(
            matches!(
                c.pending,
                Pending::Run(swarmtop_ops::Op::Scale { replicas: 2, .. })
            ),
            "{:?}",
            c.pending
        );
        assert!(
            c.lines.iter().any(|l| l == "replicas: 3 -> 2"),
            "{:?}",
            c.lines
        );
        update(&mut s, key(KeyCode::Esc));
        // an editing key first (End, Backspace, arrows) keeps the value to edit
        s.overlay = None;
        keys(&mut s, "s");
        update(&mut s, key(KeyCode::End));
        keys(&mut s, "0");
        let Some(Overlay::Prompt(p)) = &s.overlay else {
            panic!("{:?}", s.overlay_name())
        };
        assert_eq!(
            p.text, "30",
            "an editing key first: the value is kept to edit"
        );
    }

    #[test]
    fn c_copies_the_selected_id_or_the_problem_in_words() {
        let mut s = loaded();
        keys(&mut s, "2G"); // web
        let fx = keys(&mut s, "c");
        assert_eq!(fx, vec![Effect::Copy("s1webwebwebwebwebwebwebwe".into())]);
        assert_eq!(
            s.status.as_ref().unwrap().text,
            "copied the ID of web: s1webwebwebwebwebwebwebwe"
        );
        switch_pane(&mut s, Pane::Problems);
        let fx = keys(&mut s, "c");
        let Some(Effect::Copy(text)) = fx.first() else {
            panic!("{fx:?}");
        };
        let first = s.problems().iter().next().unwrap().clone();
        assert_eq!(*text, first.text);
    }

    #[test]
    fn l_in_the_problems_and_rollout_views_opens_the_services_logs() {
        let mut s = loaded();
        switch_pane(&mut s, Pane::Problems);
        let at = |s: &State, needle: &str| {
            s.current()
                .rows
                .iter()
                .position(|r| r.id.contains(needle))
                .unwrap_or_else(|| panic!("no problem row {needle}"))
        };
        let i = at(&s, "s2apiapiapiapiapiapiapiap");
        s.current_mut().select(i);
        let fx = keys(&mut s, "l");
        let Some(Effect::StartLogs { request, .. }) = fx.first() else {
            panic!("{fx:?}");
        };
        assert_eq!(request.target.name(), "shop_api");
        // a node's problem has no logs to show: said, nothing opened
        let mut s = loaded();
        switch_pane(&mut s, Pane::Problems);
        let i = at(&s, "n3ccccccccccccccccccccccc");
        s.current_mut().select(i);
        assert!(keys(&mut s, "l").is_empty());
        assert!(s.logs().is_none());
        // the rollout view follows one service
        let mut s = loaded();
        go(
            &mut s,
            actions::rollout_view("s1webwebwebwebwebwebwebwe"),
            false,
        );
        let fx = keys(&mut s, "l");
        let Some(Effect::StartLogs { request, .. }) = fx.first() else {
            panic!("{fx:?}");
        };
        assert_eq!(request.target.name(), "web");
    }

    #[test]
    fn a_finished_update_opens_its_rollout() {
        let mut s = loaded();
        keys(&mut s, "2");
        update(
            &mut s,
            Msg::OpDone {
                what: "set image".into(),
                then: Some(FollowUp::Rollout("s1webwebwebwebwebwebwebwe".into())),
                result: Ok("set image".into()),
            },
        );
        assert_eq!(s.view.pane, Pane::Rollout);
        // R there rolls back this service, after reading what it returns to and asking
        let fx = keys(&mut s, "R");
        let Some(Effect::ReadServiceSpec { service_id, then }) = fx.first() else {
            panic!("{fx:?}");
        };
        assert_eq!(service_id, "s1webwebwebwebwebwebwebwe");
        let spec =
            serde_json::json!({"Name": "web", "TaskTemplate": {"ContainerSpec": {"Image": "a:2"}}});
        let mut previous = spec.clone();
        previous["TaskTemplate"]["ContainerSpec"]["Image"] = "a:1".into();
        update(
            &mut s,
            Msg::ServiceSpec {
                service_id: service_id.clone(),
                then: *then,
                result: Ok(Some(swarmtop_model::cluster::spec_history::SpecSeen {
                    service_id: service_id.clone(),
                    version: 30,
                    updated_at: None,
                    spec,
                    previous: Some(previous),
                })),
            },
        );
        let Some(Overlay::Confirm { ask: c, .. }) = &s.overlay else {
            panic!("{:?}", s.overlay_name())
        };
        assert!(matches!(
            c.pending,
            Pending::Run(swarmtop_ops::Op::Rollback { .. })
        ));
    }

    /// The dialog open now, or a panic naming the mode.
    fn dialog(s: &State) -> &crate::prompt::Confirm {
        match &s.overlay {
            Some(Overlay::Confirm { ask, .. }) => ask,
            other => panic!("no dialog: {:?}", other.as_ref().map(Overlay::name)),
        }
    }

    #[test]
    fn a_label_edit_asks_with_from_and_to_and_sends_only_that_change() {
        let mut s = loaded();
        keys(&mut s, "1L"); // node1 has zone=eu
        let Some(Overlay::Prompt(p)) = &s.overlay else {
            panic!("{:?}", s.overlay_name())
        };
        assert_eq!(p.text, "", "nothing typed yet: Enter changes nothing");
        assert!(p.label.contains("zone=\"eu\""), "{}", p.label);
        let fx = keys(&mut s, "\n");
        assert!(fx.is_empty(), "{fx:?}");
        assert_eq!(s.overlay_name(), None);
        // a value with a comma and spaces is one value
        keys(&mut s, "L");
        let fx = keys(&mut s, "zone=eu-1, eu-2 \n");
        assert!(fx.is_empty(), "asked first: {fx:?}");
        let d = dialog(&s);
        assert!(
            d.lines
                .iter()
                .any(|l| l == "label zone: eu -> \"eu-1, eu-2 \""),
            "{:?}",
            d.lines
        );
        let fx = keys(&mut s, "y");
        match fx.as_slice() {
            [Effect::Run(swarmtop_ops::Op::SetNodeLabels { set, remove, .. })] => {
                assert_eq!(set, &vec![("zone".to_string(), "eu-1, eu-2 ".to_string())]);
                assert!(remove.is_empty());
            }
            other => panic!("{other:?}"),
        }
        // removing one names it; a label that is not there is said in the prompt
        keys(&mut s, "L");
        keys(&mut s, "-nope\n");
        let Some(Overlay::Prompt(p)) = &s.overlay else {
            panic!("{:?}", s.overlay_name())
        };
        assert!(p.error.as_deref().unwrap().contains("has no label nope"));
    }

    #[test]
    fn text_typed_into_a_pane_writes_nothing_without_y() {
        let mut s = loaded();
        keys(&mut s, "1G"); // node3, drained
        // `a` of "cat" opens the dialog; the `n` of "notes" cancels it
        let fx = keys(&mut s, "cat notes.txt\n");
        assert!(fx.iter().all(|e| !matches!(e, Effect::Run(_))), "{fx:?}");
        keys(&mut s, "\x1b");
        for (k, change) in [
            ('a', "availability: drain -> active"),
            ('p', "availability: drain -> pause"),
        ] {
            let fx = keys(&mut s, &k.to_string());
            assert!(fx.is_empty(), "{k}: {fx:?}");
            let d = dialog(&s);
            assert!(d.lines.iter().any(|l| l == change), "{k}: {:?}", d.lines);
            // other keys leave the dialog open and send nothing
            assert!(keys(&mut s, "xq").is_empty());
            let fx = keys(&mut s, "y");
            assert!(matches!(fx.as_slice(), [Effect::Run(_)]), "{k}: {fx:?}");
        }
    }

    #[test]
    fn scale_and_image_ask_with_from_and_to() {
        let mut s = loaded();
        keys(&mut s, "2G"); // web: 3 replicas, swarmtest/busybox:1
        keys(&mut s, "s");
        keys(&mut s, "\x08");
        let fx = keys(&mut s, "5\n");
        assert!(fx.is_empty(), "{fx:?}");
        assert!(dialog(&s).lines.iter().any(|l| l == "replicas: 3 -> 5"));
        // no: back to the prompt as typed (as a form's dialog goes back to the form)
        keys(&mut s, "n");
        let Some(Overlay::Prompt(p)) = &s.overlay else {
            panic!("not back at the prompt: {:?}", s.overlay_name())
        };
        assert_eq!(p.text, "5");
        keys(&mut s, "\x1b");
        assert_eq!(s.overlay_name(), None);
        keys(&mut s, "i");
        for _ in 0..30 {
            keys(&mut s, "\x08");
        }
        let fx = keys(&mut s, "swarmtest/busybox:2\n");
        assert!(fx.is_empty(), "{fx:?}");
        assert!(
            dialog(&s)
                .lines
                .iter()
                .any(|l| l == "image: swarmtest/busybox:1 -> swarmtest/busybox:2"),
            "{:?}",
            dialog(&s).lines
        );
        let fx = keys(&mut s, "y");
        assert!(matches!(
            fx.as_slice(),
            [Effect::Run(swarmtop_ops::Op::SetImage { .. })]
        ));
    }

    #[test]
    fn removing_nodes_a_manager_a_down_one_and_an_up_one() {
        let mut s = loaded();
        keys(&mut s, "1");
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
        );
        assert!(
            s.status
                .as_ref()
                .unwrap()
                .text
                .contains("is a manager: demote it first")
        );
        keys(&mut s, "G"); // node3, down
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
        );
        let Some(Overlay::Confirm { ask: c, .. }) = &s.overlay else {
            panic!("{:?}", s.overlay_name())
        };
        assert_eq!(c.yes_key, 'y');
        assert!(matches!(
            c.pending,
            Pending::Run(swarmtop_ops::Op::RemoveNode { force: false, .. })
        ));
        keys(&mut s, "n");
        keys(&mut s, "k"); // node2, up: force, with its own key
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
        );
        let Some(Overlay::Confirm { ask: c, .. }) = &s.overlay else {
            panic!("{:?}", s.overlay_name())
        };
        assert_eq!(c.yes_key, 'F');
        assert!(keys(&mut s, "y").is_empty() || s.overlay.is_none());
    }

    /// A node promoted while down is a manager in its spec only: it is removed as the
    /// docker CLI removes it (the engine allows it), not sent to "demote first" (demote fails).
    #[test]
    fn a_node_promoted_while_down_can_be_removed() {
        let mut s = loaded();
        let mut nodes = s.cluster.nodes.clone();
        let n3 = nodes
            .iter_mut()
            .find(|n| n.id.as_deref() == Some("n3ccccccccccccccccccccccc"))
            .unwrap();
        n3.spec.as_mut().unwrap().role = Some(bollard_stubs::models::NodeSpecRoleEnum::MANAGER);
        assert!(n3.manager_status.is_none());
        s.cluster.set_nodes(nodes);
        s.show();
        keys(&mut s, "1G"); // node3, down
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
        );
        let Some(Overlay::Confirm { ask: c, .. }) = &s.overlay else {
            panic!("{:?} {:?}", s.overlay_name(), s.status)
        };
        assert!(
            c.lines.iter().any(|l| l.contains("promoted while down")),
            "{:?}",
            c.lines
        );
        let fx = keys(&mut s, "y");
        assert!(
            matches!(
                fx.as_slice(),
                [Effect::Run(swarmtop_ops::Op::RemoveNode {
                    force: false,
                    ..
                })]
            ),
            "{fx:?}"
        );
    }

    #[test]
    fn a_configs_data_is_shown_on_request_a_secrets_never() {
        let mut s = loaded();
        let mut cfgs = s.cluster.configs.clone();
        cfgs[0].spec.as_mut().unwrap().data = Some("c2VydmVyIHsgbGlzdGVuIDgwOyB9".into());
        s.cluster.configs = cfgs;
        keys(&mut s, "6d");
        let Some(Overlay::Describe(d)) = &s.overlay else {
            panic!("{:?}", s.overlay_name())
        };
        assert!(!d.lines.join("\n").contains("server {"));
        keys(&mut s, "v");
        let Some(Overlay::Describe(d)) = &s.overlay else {
            panic!("{:?}", s.overlay_name())
        };
        assert!(d.lines.join("\n").contains("server { listen 80; }"));
        keys(&mut s, "\x1b5d");
        keys(&mut s, "v");
        assert!(
            s.status
                .as_ref()
                .unwrap()
                .text
                .contains("secret data never")
        );
    }

    #[test]
    fn sort_by_next_column() {
        let mut s = loaded();
        update(&mut s, key(KeyCode::Char('o'))); // HOSTNAME
        update(&mut s, key(KeyCode::Char('o'))); // STATUS
        let first = &s.list(Pane::Nodes).rows.get(0).unwrap();
        assert_eq!(first.id, "n3ccccccccccccccccccccccc"); // "down" < "ready"
    }
}
