//! Reading the cluster: a full load (everything in parallel) and the per-kind refreshes the
//! watcher makes when events say something changed.

use std::collections::HashMap;

use super::client::Engine;
use super::error::EngineError;
use crate::cluster::{Cluster, TaskSet};

/// Which tasks the UI is looking at. Tasks have no swarm events, so they are polled, and only
/// for what the user looks at (plus degraded services): fetching cost must not grow with what
/// is off-screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TaskScope {
    #[default]
    None,
    All,
    Service(String),
    Node(String),
}

/// Engine filters for a set of tasks.
pub fn task_filters(set: &TaskSet) -> HashMap<String, Vec<String>> {
    match set {
        TaskSet::All => HashMap::new(),
        TaskSet::Services(ids) => HashMap::from([("service".into(), ids.clone())]),
        TaskSet::Node(id) => HashMap::from([("node".into(), vec![id.clone()])]),
    }
}

/// Everything in one go, all tasks included.
pub async fn load_cluster(engine: &Engine) -> Result<Cluster, EngineError> {
    let task_fut = engine.tasks(HashMap::new());
    let (info, nodes, services, tasks, secrets, configs, networks) = tokio::join!(
        engine.info(),
        engine.nodes(),
        engine.services(),
        task_fut,
        engine.secrets(),
        engine.configs(),
        engine.networks(),
    );
    Ok(Cluster::new(
        Some(info?),
        nodes?,
        services?,
        tasks?,
        secrets?,
        configs?,
        networks?,
    ))
}
