//! Moving around: panes, drilling into an object and back, the filter of a list, and the
//! tasks the engine keeps fresh for what is on screen.

use crossterm::event::KeyEvent;

use super::line_input::{LineKey, edit_line};
use super::logs_update;
use super::msg::Effect;
use super::panes::{Drill, Pane, View};
use super::state::{Overlay, State};
use swarmtop_model::cluster::problems::Subject;
use swarmtop_model::feed::{EngineCmd, TaskScope};

/// The tasks the engine should keep fresh for a view.
pub fn task_scope(view: &View) -> TaskScope {
    match (&view.pane, &view.drill) {
        (Pane::Rollout, Drill::Service(id)) => TaskScope::Service(id.clone()),
        (Pane::Tasks, Drill::Service(id)) => TaskScope::Service(id.clone()),
        (Pane::Tasks, Drill::Node(id)) => TaskScope::Node(id.clone()),
        (Pane::Tasks, _) => TaskScope::All,
        // the map shows every running task, as the summary holds them; the services and top
        // views read the usage of the running tasks
        (Pane::Nodes | Pane::Problems | Pane::Map | Pane::Services | Pane::Top, _) => {
            TaskScope::Summary
        }
        _ => TaskScope::None,
    }
}

/// Shows `view`, remembering the current one for Esc when `push`.
pub fn go(state: &mut State, view: View, push: bool) -> Vec<Effect> {
    if push {
        let cur = state.view.clone();
        state.history.push(cur);
    } else {
        state.history.clear();
    }
    // the top view starts busiest first
    if view.pane == Pane::Top && !state.lists.contains_key(&view) {
        let list = state.lists.entry(view.clone()).or_default();
        list.sort_col = Some(super::panes::top::DEFAULT_SORT);
        list.reverse = true;
    }
    state.view = view;
    state.show();
    watch(state)
}

/// Tells the engine worker what the view on screen needs polled.
pub fn watch(state: &State) -> Vec<Effect> {
    let rollout = match (&state.view.pane, &state.view.drill) {
        (Pane::Rollout, Drill::Service(id)) => Some(id.clone()),
        _ => None,
    };
    vec![
        Effect::Engine(EngineCmd::WatchTasks(task_scope(&state.view))),
        Effect::Engine(EngineCmd::WatchRollout(rollout)),
    ]
}

pub fn switch_pane(state: &mut State, pane: Pane) -> Vec<Effect> {
    // the fleet is checked again each time it is opened
    let check = (pane == Pane::Fleet).then(|| super::fleet_update::check_again(state));
    let mut fx = go(state, View::top(pane), false);
    fx.extend(check);
    fx
}

/// Esc: clear the filter first, then go back one view.
pub fn back(state: &mut State) -> Vec<Effect> {
    if !state.current().filter.is_empty() {
        state.current_mut().filter.clear();
        state.show();
        return Vec::new();
    }
    up(state)
}

/// Back to the view this one was opened from (q in a drilled list), its filter left as it is.
pub fn up(state: &mut State) -> Vec<Effect> {
    match state.history.pop() {
        Some(v) => {
            state.view = v;
            state.show();
            watch(state)
        }
        None => Vec::new(),
    }
}

/// Enter: node -> its tasks, service -> its tasks, stack -> its services, problem -> its object,
/// event -> its object described.
pub fn open(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.current().selected_id.clone() else {
        return Vec::new();
    };
    match state.pane() {
        Pane::Nodes => go(
            state,
            View {
                pane: Pane::Tasks,
                drill: Drill::Node(id),
            },
            true,
        ),
        Pane::Services => go(
            state,
            View {
                pane: Pane::Tasks,
                drill: Drill::Service(id),
            },
            true,
        ),
        Pane::Stacks => go(
            state,
            View {
                pane: Pane::Services,
                drill: Drill::Stack(id),
            },
            true,
        ),
        Pane::Problems => {
            let subject = state
                .problems()
                .iter()
                .find(|p| p.key == id)
                .map(|p| p.subject.clone());
            match subject {
                Some(Subject::Service(sid)) => go(
                    state,
                    View {
                        pane: Pane::Tasks,
                        drill: Drill::Service(sid),
                    },
                    true,
                ),
                Some(Subject::Node(nid)) => go_to(state, View::top(Pane::Nodes), &nid),
                Some(Subject::Swarm) => go(state, View::top(Pane::Nodes), true),
                Some(Subject::Network(nid)) => go_to(state, View::top(Pane::Networks), &nid),
                None => Vec::new(),
            }
        }
        Pane::Tasks => logs_update::open_logs(state),
        // the task among its service's tasks, where its actions and history are
        Pane::Top => {
            let service = state
                .cluster
                .tasks
                .iter()
                .find(|t| t.id.as_deref() == Some(id.as_str()))
                .and_then(|t| t.service_id.clone());
            let Some(sid) = service else {
                return Vec::new();
            };
            go_to(
                state,
                View {
                    pane: Pane::Tasks,
                    drill: Drill::Service(sid),
                },
                &id,
            )
        }
        Pane::Reach => {
            super::describe_update::describe(state);
            Vec::new()
        }
        Pane::Fleet => super::fleet_update::enter(state),
        Pane::Rollout | Pane::Map => Vec::new(),
        Pane::Events | Pane::Secrets | Pane::Configs | Pane::Networks => {
            super::describe_update::describe(state);
            Vec::new()
        }
    }
}

/// Opens `view` (Esc comes back) with the row of `id` selected; a filter there that hides it
/// is said, not cleared (the user typed it).
fn go_to(state: &mut State, view: View, id: &str) -> Vec<Effect> {
    let fx = go(state, view, true);
    match state.current().rows.position(id) {
        Some(pos) => {
            state.current_mut().select(pos);
            let h = state.page_height();
            state.current_mut().scroll_into_view(h);
        }
        None if !state.current().filter.is_empty() => {
            let filter = state.current().filter.clone();
            state.info(format!(
                "the filter /{filter} hides it here (esc clears the filter)"
            ));
        }
        None => {}
    }
    fx
}

/// N on a task (tasks, top): its node in the nodes list, selected.
pub fn go_to_node(state: &mut State) -> Vec<Effect> {
    if !matches!(state.pane(), Pane::Tasks | Pane::Top) {
        return Vec::new();
    }
    let Some(id) = state.current().selected_id.clone() else {
        return Vec::new();
    };
    let node = state
        .cluster
        .tasks
        .iter()
        .find(|t| t.id.as_deref() == Some(id.as_str()))
        .and_then(|t| t.node_id.clone())
        .filter(|n| !n.is_empty());
    match node {
        Some(node) => go_to(state, View::top(Pane::Nodes), &node),
        None => {
            state.info("this task has no node yet (the scheduler has not placed it)");
            Vec::new()
        }
    }
}

pub fn on_filter_key(state: &mut State, k: KeyEvent) {
    match edit_line(&mut state.current_mut().filter, &k) {
        LineKey::Cancel => {
            state.current_mut().filter.clear();
            state.overlay = None;
        }
        LineKey::Submit => {}
        LineKey::Edited | LineKey::BackspaceOnEmpty => state.overlay = Some(Overlay::Filter),
        LineKey::Other => {
            state.overlay = Some(Overlay::Filter);
            return;
        }
    }
    state.show();
}
