//! swarmtop: a terminal UI for Docker Swarm operators.
//!
//! Layout: `connect` picks the endpoint like the docker CLI; `engine` talks to it; `cluster`
//! holds the data; `app` is the update core (no I/O); `ui` draws (no I/O); `runtime` joins them
//! to a terminal; `snapshot` is the headless output; `config` reads the user's settings files
//! (the keymap and theme formats are `keymap` and `theme`; `keydoc` writes them out as docs).

/// The core and the drawing live in their own crates (`crates/swarmtop-app`, `crates/swarmtop-ui`).
pub use swarmtop_app as app;
pub mod autosave;
pub mod background;
pub mod cli;
pub mod colour_out;
pub mod completions;
pub mod custom_run;
/// The engine side lives in its own crate (`crates/swarmtop-engine`); these keep its paths.
pub use swarmtop_engine::{access, connect, engine};
/// The model lives in its own crate (`crates/swarmtop-model`); these keep its paths.
pub use swarmtop_model::cluster;
pub use swarmtop_model::duration;
/// The settings live in their own crate (`crates/swarmtop-settings`); these keep their paths.
pub use swarmtop_settings::{config, keymap, settings_problem, theme, yaml_locate};
pub mod effects;
pub mod exit;
pub mod files;
pub mod fleet;
/// Docker's image reference grammar: the compose crate's, used by ops too.
pub use swarmtop_compose::image_ref;
pub mod keydoc;
pub mod logfile;
pub mod nodes;
pub mod ops;
pub mod plugin;
pub mod runtime;
pub mod settings_disk;
pub mod shell;
pub mod sim_cmd;
pub mod snapshot;
pub mod stack;
pub mod stdout;
pub mod terminal;
pub use swarmtop_ui as ui;
pub mod watchdog;
