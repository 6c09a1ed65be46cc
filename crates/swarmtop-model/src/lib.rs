//! swarmtop's model: the cluster as swarmtop knows it (the engine's objects plus what is
//! derived from them: stacks, health counts, problems in words, placement, events in words,
//! `:info`), the one duration grammar and the one for sizes and CPU counts. Pure data and pure functions: no I/O, no async, no
//! Docker client, nothing of swarmtop above it. The engine fills it, the app core and the
//! drawing read it.

#![forbid(unsafe_code)]

pub mod cluster;
pub mod duration;
pub mod feed;
pub mod fleet;
pub mod host;
pub mod nodes;
pub mod stats;
pub mod units;
