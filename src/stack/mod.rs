//! Stacks: compose files deployed to a swarm the way `docker stack deploy` does it. There is no
//! engine API for stacks; everything here is done client-side, as in the docker CLI, and the
//! result must be the same services, networks, secrets and configs. No UI in here.
//!
//! The flow: [`load`] reads and checks the files (with [`checks`] for what docker checks beyond
//! the types, and [`paths`] for bind sources), [`convert`] turns them into engine specs,
//! [`plan`] compares them with what runs, [`deploy`] applies a plan, [`remove`] removes a stack,
//! [`source`] keeps the deployed file in the swarm (or rebuilds one from the live specs).

pub mod checks;
pub mod commands;
pub mod convert;
pub mod cut;
pub mod deploy;
pub mod error;
pub mod interpolate;
pub mod load;
/// Where a value sits in a YAML text: shared with the settings files, so it lives below both.
pub use crate::yaml_locate as locate;
pub mod model;
pub mod paths;
pub mod plan;
pub mod remove;
pub mod source;
pub mod values;

pub use error::{FileError, StackError};

/// The label on everything a stack owns; its value is the stack's name.
pub const NAMESPACE_LABEL: &str = "com.docker.stack.namespace";
/// The label with the image as written in the compose file.
pub const IMAGE_LABEL: &str = "com.docker.stack.image";
