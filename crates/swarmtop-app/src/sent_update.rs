//! Keeping what was typed for an action until the engine answers, and opening it again as it
//! was typed when the engine refuses (the data is `sent`).

use super::msg::Effect;
use super::sent::{Sent, Typed};
use super::state::{Screen, State};

/// The action in `fx`, as the engine's answer will name it.
fn action_of(fx: &[Effect]) -> Option<String> {
    fx.iter().find_map(|e| match e {
        Effect::Run(op) => Some(op.describe()),
        Effect::CreateFromFile { kind, name, .. } => {
            Some(swarmtop_ops::Op::create_words(*kind, name))
        }
        Effect::RotateFromFile { rotation, .. } => Some(rotation.describe()),
        _ => None,
    })
}

/// Keeps `typed` until the answer to the action in `fx` (nothing to keep without one).
pub fn remember(state: &mut State, fx: &[Effect], typed: Typed) {
    if let Some(what) = action_of(fx) {
        state.sent = Some(Sent { what, typed });
    }
}

/// The engine answered `what`. Refused: the form or prompt opens again as it was typed, the
/// refusal shown in it (unless the user is busy elsewhere: then the status line says it).
/// True when it was opened again.
pub fn answered(state: &mut State, what: &str, error: Option<&str>) -> bool {
    if state.sent.as_ref().is_none_or(|s| s.what != what) {
        return false;
    }
    let Some(sent) = state.sent.take() else {
        return false;
    };
    let Some(e) = error else {
        return false;
    };
    // busy elsewhere (another dialog, the logs, the editor): the status line says it
    if state.overlay.is_some() || !matches!(state.screen, Screen::Panes) {
        return false;
    }
    let why = format!("{what} failed: {e}");
    let mut typed = sent.typed;
    match &mut typed {
        Typed::Form(f) => f.error = Some(why),
        Typed::Prompt(p) => p.error = Some(why),
    }
    state.reopen(typed);
    true
}
