//! Operator actions: every change swarmtop can make to the cluster. What an op is and the checks
//! in front of it are the `swarmtop-ops` crate (pure, re-exported here); the engine calls
//! behind it (`run`), following a service moved to another manager (`follow`) and the
//! subcommands (`commands`) are here, beside the engine.

pub mod commands;
pub mod follow;
pub mod rotation;
pub mod run;

pub use swarmtop_ops::*;

#[cfg(test)]
mod gate_tests;
#[cfg(test)]
mod object_tests;
