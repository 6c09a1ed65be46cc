//! How often the engine worker polls what has no events: a setting (config.yaml `refresh`),
//! defined here so the settings need nothing from the engine.

use std::time::Duration;

/// How often things without events are polled, and how often everything is reloaded (the
/// configured values; large swarms poll less, see `engine::cadence`).
#[derive(Debug, Clone)]
pub struct Intervals {
    pub tasks: Duration,
    pub services: Duration,
    pub resync: Duration,
    pub debounce: Duration,
    /// From this many tasks that should run, a swarm is large.
    pub large_swarm: usize,
}

impl Default for Intervals {
    fn default() -> Self {
        Intervals {
            tasks: Duration::from_secs(2),
            services: Duration::from_secs(2),
            resync: Duration::from_secs(60),
            debounce: Duration::from_millis(100),
            large_swarm: 2000,
        }
    }
}
