//! `:fleet`: every swarm at a glance. Each `:fleet` starts a new check (a new generation: the
//! answers of an earlier one are dropped), the lines come first, each "checking…", then each
//! answer as it comes; Enter switches the session to the swarm of the line, as `:ctx` or
//! `:host` would.

use super::msg::Effect;
use super::state::State;
use swarmtop_model::fleet::{Line, Status, Via};

/// A new check: the old lines go (a swarm's answer must not pass for a later one).
pub fn check_again(state: &mut State) -> Effect {
    state.fleet.generation += 1;
    state.fleet.lines.clear();
    Effect::CheckFleet(state.fleet.generation)
}

pub fn on_lines(state: &mut State, generation: u64, lines: Vec<Line>) {
    if generation == state.fleet.generation {
        state.fleet.lines = lines;
        state.events_changed();
    }
}

pub fn on_answer(state: &mut State, generation: u64, index: usize, status: Status) {
    if generation != state.fleet.generation {
        return;
    }
    if let Some(l) = state.fleet.lines.get_mut(index) {
        l.status = status;
        state.events_changed();
    }
}

/// Enter on a line: the session goes to that swarm (the connection in use stays until the new
/// one answers as a manager); on the session's own context, nothing to do.
pub fn enter(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.current().selected_id.clone() else {
        return Vec::new();
    };
    let Some(line) = state.fleet.lines.iter().find(|l| l.name == id).cloned() else {
        return Vec::new();
    };
    let (context, host, said) = match line.via {
        Via::Context(c) if c == state.context => {
            state.info(format!("this session is on context {c} already"));
            return Vec::new();
        }
        Via::Context(c) => (Some(c.clone()), None, format!("switched to context {c}")),
        Via::Host(u) => (
            None,
            Some(u.clone()),
            format!("connected to {} ({u})", line.name),
        ),
    };
    // a failure is said on the status line; the fleet stays on screen
    state.switching = None;
    state.switching_to = Some(said);
    state.info(format!("connecting to {}…", line.name));
    vec![Effect::Switch { context, host }]
}
