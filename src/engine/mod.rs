//! Everything that talks to the Docker Engine API. The UI never calls in here directly: it gets
//! messages from the [`watch::Worker`] and sends it commands.

pub mod client;
pub mod error;
pub mod load;
pub mod logs;
pub mod transport;
pub mod watch;

pub use client::Engine;
pub use error::EngineError;
pub use load::{TaskScope, load_cluster, task_filters};
pub use watch::{EngineCmd, EngineMsg, Part};
