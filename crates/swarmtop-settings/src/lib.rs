//! swarmtop's settings: config.yaml (`config`), the keymap and theme formats (`keymap`,
//! `theme`; the shipped ones are compiled in from `keymaps/` and `themes/`), how a mistake in
//! any of them is reported (`settings_problem`, placed with `yaml_locate`). Touches neither the
//! network nor the file system nor the environment (files through `config::SettingsDisk`, the
//! directories in `config::ConfigPaths`); depends on no other swarmtop crate. `yaml_locate` is
//! also what the compose code uses to place its errors.

#![forbid(unsafe_code)]

pub mod config;
pub mod keymap;
pub mod settings_problem;
pub mod theme;
pub mod yaml_locate;
