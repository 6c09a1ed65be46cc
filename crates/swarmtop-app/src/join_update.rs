//! The `:join` dialog's command and keys (what it shows is `join`).

use crossterm::event::KeyEvent;

use super::join::JoinView;
use super::msg::Effect;
use super::prompt::{Confirm, Pending};
use super::state::{Overlay, State};
use swarmtop_ops::Op;
use swarmtop_settings::keymap::{Action, Key, Scope};

/// `:join ...`: which token.
pub fn command(state: &mut State, arg: &str) -> Vec<Effect> {
    let manager = match arg.trim() {
        "worker" | "" => false,
        "manager" => true,
        other => {
            state.error(format!(":join {other}: say :join worker or :join manager"));
            return Vec::new();
        }
    };
    // the manager token hands over the swarm: a read-only session does not show it
    if manager && let Some(why) = &state.read_only {
        state.error(swarmtop_model::feed::refusal(
            why,
            "showing the manager join token",
        ));
        return Vec::new();
    }
    state.info(format!(
        "asking the swarm for the {} join token…",
        if manager { "manager" } else { "worker" }
    ));
    vec![Effect::LoadJoin { manager }]
}

pub fn on_join(state: &mut State, result: Result<JoinView, String>) {
    match result {
        Ok(j) => state.overlay = Some(Overlay::Join(Box::new(j))),
        Err(e) => state.error(format!("cannot get the join token: {e}")),
    }
}

pub fn on_key(state: &mut State, j: JoinView, k: KeyEvent) -> Vec<Effect> {
    let action = Key::from_event(&k).and_then(|key| state.keymap.action(Scope::Global, &key));
    match action {
        // copied, the dialog has done its job: it closes, so the next keys are not taken
        // for its own (a `:` after a copy closed it and the rest ran as commands)
        Some(Action::Copy) => {
            state.info("copied the join command to the clipboard (OSC 52)");
            vec![Effect::Copy(j.command)]
        }
        Some(Action::RotateToken) => {
            if let Some(why) = &state.read_only {
                state.error(swarmtop_model::feed::refusal(
                    why,
                    "rotating the join token",
                ));
                state.overlay = Some(Overlay::Join(Box::new(j)));
                return Vec::new();
            }
            let which = if j.manager { "manager" } else { "worker" };
            state.confirm(Confirm {
                title: format!(" rotate the {which} join token "),
                lines: vec![
                    format!(
                        "Make a new {which} join token? The current one stops working at once."
                    ),
                    "Nodes already in the swarm are not affected.".into(),
                ],
                pending: Pending::Run(Op::RotateJoinToken { manager: j.manager }),
                danger: true,
                yes_key: 'y',
                live: None,
            });
            Vec::new()
        }
        _ => {
            // any other key closes; the token goes with the dialog
            state.overlay = None;
            Vec::new()
        }
    }
}
