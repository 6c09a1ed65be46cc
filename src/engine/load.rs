//! Reading the cluster: a full load (everything in parallel) and the per-kind refreshes the
//! watcher makes when events say something changed.

use std::collections::HashMap;

use super::client::Engine;
use super::error::EngineError;
use crate::cluster::Cluster;

/// Which tasks to fetch. Tasks have no swarm events, so they are polled, and only for what the
/// user looks at: fetching cost must not grow with what is off-screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TaskScope {
    #[default]
    None,
    All,
    Service(String),
    Node(String),
}

impl TaskScope {
    pub fn filters(&self) -> Option<HashMap<String, Vec<String>>> {
        match self {
            TaskScope::None => None,
            TaskScope::All => Some(HashMap::new()),
            TaskScope::Service(id) => Some(HashMap::from([("service".into(), vec![id.clone()])])),
            TaskScope::Node(id) => Some(HashMap::from([("node".into(), vec![id.clone()])])),
        }
    }
}

/// Everything in one go; tasks as the scope says.
pub async fn load_cluster(engine: &Engine, tasks: &TaskScope) -> Result<Cluster, EngineError> {
    let task_fut = async {
        match tasks.filters() {
            Some(f) => engine.tasks(f).await,
            None => Ok(Vec::new()),
        }
    };
    let (info, nodes, services, tasks, secrets, configs, networks) = tokio::join!(
        engine.info(),
        engine.nodes(),
        engine.services(),
        task_fut,
        engine.secrets(),
        engine.configs(),
        engine.networks(),
    );
    Ok(Cluster {
        info: Some(info?),
        nodes: nodes?,
        services: services?,
        tasks: tasks?,
        secrets: secrets?,
        configs: configs?,
        networks: networks?,
    })
}
