//! Everything that talks to the Docker Engine API. The UI never calls in here directly: it gets
//! messages from the [`watch::Worker`] and sends it commands.

pub mod cadence;
pub mod client;
pub mod edit;
pub mod error;
pub mod exec;
pub mod json_array;
pub mod load;
pub mod logs;
pub mod node_containers;
pub mod raw;
pub mod spec_watch;
pub mod timeout;
pub mod tracker;
pub mod transport;
pub mod watch;
pub mod wire;

pub use client::Engine;
pub use error::EngineError;
pub use load::{load_cluster, load_objects, task_filters};
pub use swarmtop_model::feed::TaskScope;
pub use watch::{EngineCmd, EngineMsg, Part};
