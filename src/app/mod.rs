//! The update/draw core: `update(&mut State, Msg) -> Vec<Effect>` and no I/O. The runtime turns
//! terminal input, engine messages and ticks into [`Msg`] and carries out each [`Effect`].

pub mod describe;
pub mod logs;
pub mod logs_update;
pub mod panes;
pub mod rows;
pub mod state;
pub mod update;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

pub use panes::Pane;
pub use state::State;
pub use update::update;

use crate::engine::logs::{LogEvent, LogRequest};
use crate::engine::{EngineCmd, EngineMsg};

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// Once a second: ages and the stale timer move on.
    Tick(DateTime<Utc>),
    Engine(EngineMsg),
    /// From the log stream started with that generation.
    Logs(u64, LogEvent),
    /// A file was written (the path), or not (why).
    Saved(Result<String, String>),
    /// The file exists: saving needs the user's yes.
    SaveExists(String),
}

/// What `update` asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    Engine(EngineCmd),
    /// Start (or restart) the log stream; its messages carry `generation`.
    StartLogs {
        generation: u64,
        request: LogRequest,
    },
    StopLogs,
    /// Write a file; without `overwrite` an existing file is left alone (Msg::SaveExists).
    SaveFile {
        path: String,
        contents: String,
        overwrite: bool,
    },
}
