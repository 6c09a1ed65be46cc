//! Stacks: compose files deployed to a swarm the way `docker stack deploy` does it. There is no
//! engine API for stacks; everything here is done client-side, as in the docker CLI, and the
//! result must be the same services, networks, secrets and configs. No UI in here.
//!
//! The flow: [`load`] reads and checks the files (with [`checks`] for what docker checks beyond
//! the types, and [`paths`] for bind sources), [`convert`] turns them into engine specs,
//! [`plan`] compares them with what runs, [`deploy`] applies a plan, [`remove`] removes a stack,
//! [`source`] keeps the deployed file in the swarm (or rebuilds one from the live specs).
//!
//! The compose half does no I/O and lives in `crates/swarmtop-compose` (re-exported here under
//! its old paths); what talks to the engine is here.

pub use swarmtop_compose::{
    IMAGE_LABEL, NAMESPACE_LABEL, checks, convert, interpolate, load, locate, model, paths, scalar,
    source, values,
};
pub mod commands;
pub mod cut;
pub mod deploy;
pub mod error;
pub mod plan;
pub mod remove;
#[cfg(test)]
mod tests;

pub use error::{FileError, StackError};
