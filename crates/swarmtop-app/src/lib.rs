//! The update/draw core: `update(&mut State, Msg) -> Vec<Effect>` and no I/O. The runtime turns
//! terminal input, engine messages and ticks into [`Msg`] and carries out each [`Effect`].

pub mod actions;
pub mod ask;
pub mod ask_update;
pub mod autosave;
pub mod command;
pub mod command_update;
pub mod container_update;
pub mod custom;
pub mod describe;
pub mod describe_nodes;
pub mod describe_update;
pub mod editor;
pub mod editor_indent;
pub mod editor_update;
pub mod fleet_update;
pub mod form;
pub mod help;
pub mod help_update;
pub mod join;
pub mod join_update;
pub mod line_input;
pub mod logs;
pub mod logs_update;
pub mod msg;
pub mod nav;
pub mod node_data;
#[cfg(test)]
mod node_view_tests;
pub mod node_watch;
pub mod panes;
pub mod prompt;
pub mod rotate;
pub mod rows;
pub mod rowset;
pub mod sent;
pub mod sent_update;
pub mod shell;
pub mod spec_history;
#[cfg(test)]
mod spec_history_tests;
pub mod state;
pub mod task_container;
pub mod text_match;
pub mod update;

pub use msg::{Effect, Msg};
pub use panes::Pane;
pub use state::State;
pub use update::{update, update_deferred};
