//! How long a request may wait for the engine. Its own module: the transport sets it, raw
//! requests wait by it, and errors name it, without those three importing each other.

/// Seconds bollard waits for response headers of a request (streams are not bounded by it).
pub const REQUEST_TIMEOUT_SECS: u64 = 30;
