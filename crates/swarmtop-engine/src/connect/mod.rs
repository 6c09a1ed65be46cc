//! Choosing the engine endpoint the way the docker CLI does. No network I/O here.

pub mod context_store;
/// The URL grammar is data (model crate); kept at this path for the code that connects.
pub use swarmtop_model::host;
pub mod node_reach;
pub mod resolve;

pub use context_store::{ContextStore, StoredContext, TlsFiles};
pub use host::{HostUrl, SshTarget};
pub use resolve::{ConnectOptions, Endpoint, Env, ProcessEnv, Source, TlsSettings, resolve};
