//! Compose files as `docker stack deploy` reads them, with no I/O: [`load`] reads and checks
//! the files (with [`checks`] for what docker checks beyond the types, and [`paths`] for bind
//! sources), [`convert`] turns them into engine specs, [`plan`] compares them with live specs
//! the caller read, [`source`] keeps the deployed file in the swarm (or rebuilds one from the
//! live specs). Files are read through [`files::Files`]; the engine is swarmtop's business.

#![forbid(unsafe_code)]

pub mod checks;
pub mod convert;
pub mod error;
pub mod files;
pub mod image_ref;
pub mod interpolate;
pub mod load;
/// Where a value sits in a YAML text: shared with the settings files, so it lives below both.
pub use swarmtop_settings::yaml_locate as locate;
pub mod model;
pub mod paths;
pub mod plan;
pub mod scalar;
pub mod source;
pub mod values;

pub use error::FileError;

/// The label on everything a stack owns; its value is the stack's name.
pub const NAMESPACE_LABEL: &str = "com.docker.stack.namespace";
/// The label with the image as written in the compose file.
pub const IMAGE_LABEL: &str = "com.docker.stack.image";
