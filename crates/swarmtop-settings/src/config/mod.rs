//! User settings: `config.yaml`, and keymaps and themes as files, under the config directory.
//! `paths` says where they are, `disk` is how they are read (a trait: this crate touches no
//! file system), `file` reads config.yaml, `resolve` turns the files and the
//! command line into the settings in force, `problem` is how every mistake is reported.
//! The keymap and theme formats themselves live in `crate::keymap` and `crate::theme`.

pub mod commands;
pub mod disk;
pub mod file;
pub mod fleet;
pub mod intervals;
pub mod paths;
/// How a mistake in any settings file is reported; below the keymap and theme formats, which
/// report their own mistakes the same way.
pub use crate::settings_problem as problem;
pub mod resolve;

pub use disk::{MemDisk, SettingsDisk};
pub use fleet::{FleetEntry, valid_context_name};
pub use intervals::Intervals;
pub use paths::ConfigPaths;
pub use problem::{Problem, ProblemKind};
pub use resolve::{Files, Flags, Settings};
