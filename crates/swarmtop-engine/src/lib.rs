//! swarmtop's engine side: the only crate that holds a Docker client. `connect` chooses the
//! endpoint exactly like the docker CLI (no network I/O), `engine` talks to it (transports,
//! the worker that keeps the model live, logs, raw-JSON writes), `access` decides read-only
//! once and closes the gate every request goes through. Depends on the model and settings
//! crates only.

#![forbid(unsafe_code)]

pub mod access;
pub mod connect;
pub mod engine;
pub mod fleet;
pub mod nodes;
