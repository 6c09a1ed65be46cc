//! The update/draw core: `update(&mut State, Msg) -> Vec<Effect>` and no I/O. The runtime turns
//! terminal input, engine messages and ticks into [`Msg`] and carries out each [`Effect`].

pub mod editor;
pub mod panes;
pub mod rows;
pub mod state;
pub mod update;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

pub use panes::Pane;
pub use state::State;
pub use update::update;

use crate::engine::{EngineCmd, EngineMsg};

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// Once a second: ages and the stale timer move on.
    Tick(DateTime<Utc>),
    Engine(EngineMsg),
}

/// What `update` asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    Engine(EngineCmd),
}
