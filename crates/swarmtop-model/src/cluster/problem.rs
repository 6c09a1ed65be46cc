//! One problem as the problems view lists it: how bad, what about, in words. Its own module
//! so that each finder (problems, addresses) can make one without importing the other.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "CRIT",
            Severity::Warning => "WARN",
            Severity::Info => "info",
        }
    }
}

/// What a problem is about; Enter jumps there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Swarm,
    Node(String),
    Service(String),
    Network(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Stable across refreshes, so the cursor stays on it.
    pub key: String,
    pub severity: Severity,
    pub subject: Subject,
    /// "node node3", "service api", "swarm".
    pub object: String,
    pub text: String,
    pub since: Option<DateTime<Utc>>,
}
