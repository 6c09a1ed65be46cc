//! What was typed for an action that is on its way to the engine: the form or prompt is kept
//! until the engine answers, and comes back with the answer in place when it refuses (a port
//! in use, a name taken meanwhile), so nothing typed has to be typed again.

use super::form::Form;
use super::prompt::Prompt;

pub enum Typed {
    Form(Box<Form>),
    Prompt(Box<Prompt>),
}

/// The form or prompt behind the action `what` (as `Op::describe` says it).
pub struct Sent {
    pub what: String,
    pub typed: Typed,
}
