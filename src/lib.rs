//! swarmtop: a terminal UI for Docker Swarm operators.
//!
//! Layout: `connect` picks the endpoint like the docker CLI; `engine` talks to it; `cluster`
//! holds the data; `app` is the update core (no I/O); `ui` draws (no I/O); `runtime` joins them
//! to a terminal; `snapshot` is the headless output; `config` reads the user's settings files
//! (the keymap and theme formats are `keymap` and `theme`; `keydoc` writes them out as docs).

pub mod app;
pub mod background;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod connect;
pub mod effects;
pub mod engine;
pub mod files;
pub mod image_ref;
pub mod keydoc;
pub mod keymap;
pub mod logfile;
pub mod ops;
pub mod runtime;
pub mod sim_cmd;
pub mod snapshot;
pub mod stack;
pub mod theme;
pub mod ui;
pub mod watchdog;
