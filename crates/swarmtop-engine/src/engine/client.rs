//! The connection to one engine: version negotiation, the manager check, and the typed calls the
//! rest of swarmtop makes. Every error leaves here as an [`EngineError`] naming the endpoint.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bollard::Docker;
use bollard::models::{
    Config, LocalNodeState, Network, Node, Secret, Service, SystemInfo, SystemVersion,
};
use bollard::query_parameters::{
    ListConfigsOptions, ListNetworksOptions, ListNodesOptions, ListSecretsOptions,
};

use super::error::{EngineError, from_bollard};
use super::raw::{Raw, percent_encode, with_filters};
use super::transport;
use super::wire;
use crate::access::Gate;
use crate::connect::Endpoint;
use swarmtop_model::cluster::Task;
use swarmtop_model::cluster::spec_history::SpecSeen;

const CONNECT_DEADLINE: Duration = Duration::from_secs(40);

/// A connected engine.
#[derive(Clone)]
pub struct Engine {
    pub docker: Docker,
    pub endpoint: Endpoint,
    pub version: SystemVersion,
    /// Streamed requests over the same transport (big task lists).
    pub raw: Raw,
    /// `/info` as the manager check read it, for the first load to use instead of asking again.
    checked_info: Arc<Mutex<Option<SystemInfo>>>,
    /// What the transport lets out (read-only: reads only).
    pub gate: Gate,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Engine({})", self.endpoint.host)
    }
}

impl Engine {
    /// Builds the client, negotiates the API version (an old engine refuses newer clients), and
    /// reads the engine version. Fails with one clear line when the endpoint cannot be used.
    /// Every request goes through `gate` (see `crate::access`).
    pub async fn connect(endpoint: &Endpoint, gate: &Gate) -> Result<Engine, EngineError> {
        let label = endpoint.host.to_string();
        let (docker, raw) = transport::build_with_raw(endpoint, gate).map_err(|e| match e {
            transport::TransportError::Bollard(b) => from_bollard(&label, &b),
            other => EngineError::Unreachable {
                endpoint: label.clone(),
                detail: other.to_string(),
            },
        })?;
        let work = async {
            let docker = docker
                .negotiate_version()
                .await
                .map_err(|e| from_bollard(&label, &e))?;
            let version = docker
                .version()
                .await
                .map_err(|e| from_bollard(&label, &e))?;
            Ok::<_, EngineError>(Engine {
                docker,
                endpoint: endpoint.clone(),
                version,
                raw,
                checked_info: Arc::default(),
                gate: gate.clone(),
            })
        };
        match tokio::time::timeout(CONNECT_DEADLINE, work).await {
            Ok(r) => r,
            Err(_) => Err(EngineError::Timeout {
                endpoint: label,
                secs: CONNECT_DEADLINE.as_secs(),
            }),
        }
    }

    /// Why this connection may not change anything, if it may not.
    pub fn read_only(&self) -> Option<&str> {
        self.gate.why()
    }

    pub fn label(&self) -> String {
        self.endpoint.host.to_string()
    }

    fn err(&self, e: bollard::errors::Error) -> EngineError {
        from_bollard(&self.label(), &e)
    }

    pub fn api_version(&self) -> String {
        self.docker.client_version().to_string()
    }

    /// `/v1.45`: what raw request paths start with.
    pub fn api_prefix(&self) -> String {
        format!("/v{}", self.docker.client_version())
    }

    pub async fn info(&self) -> Result<SystemInfo, EngineError> {
        self.docker.info().await.map_err(|e| self.err(e))
    }

    /// `/info`: the answer the manager check just read if it is still unused (the first load
    /// follows it at once), else a fresh one.
    pub async fn info_once(&self) -> Result<SystemInfo, EngineError> {
        let checked = self
            .checked_info
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        match checked {
            Some(i) => Ok(i),
            None => self.info().await,
        }
    }

    /// Fails unless this engine is a manager of an active swarm; the error says what it is
    /// instead, and for a worker which managers it knows.
    pub async fn require_manager(&self) -> Result<SystemInfo, EngineError> {
        let info = self.info().await?;
        check_manager(&self.label(), &info)?;
        // read-only follows the swarm, whatever name reached it
        if let Some(cluster) = info
            .swarm
            .as_ref()
            .and_then(|s| s.cluster.as_ref())
            .and_then(|c| c.id.as_deref())
        {
            self.gate.learn_swarm(cluster);
        }
        *self.checked_info.lock().unwrap_or_else(|e| e.into_inner()) = Some(info.clone());
        Ok(info)
    }

    pub async fn nodes(&self) -> Result<Vec<Node>, EngineError> {
        self.docker
            .list_nodes(None::<ListNodesOptions>)
            .await
            .map_err(|e| self.err(e))
    }

    /// GETs `path` (after the API prefix) and reads the answer into a model, with the keys the
    /// engine writes renamed to those the model reads (see `wire`).
    async fn get_model<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<T, EngineError> {
        let bytes = self.get_bytes(path).await?;
        wire::from_engine_bytes(&bytes).map_err(|e| {
            EngineError::Other(format!(
                "the engine at {} sent data swarmtop cannot read ({path}): {e}",
                self.label()
            ))
        })
    }

    /// Services with their running/desired task counts (`status=true`).
    pub async fn services(&self) -> Result<Vec<Service>, EngineError> {
        self.services_where(&HashMap::new()).await
    }

    /// Services matching `filters` (`label`, `name`, ...), with their task counts.
    pub async fn services_where(
        &self,
        filters: &HashMap<String, Vec<String>>,
    ) -> Result<Vec<Service>, EngineError> {
        let path = with_filters("/services", filters);
        let sep = if path.contains('?') { '&' } else { '?' };
        self.get_model(&format!("{path}{sep}status=true")).await
    }

    /// Services with their task counts, and (for the spec history) those whose spec changed
    /// since `watch` last looked, as the engine wrote them: the specs are taken from the answer
    /// before its keys are renamed for the models, and no request is added.
    pub async fn services_watched(
        &self,
        watch: &mut super::spec_watch::SpecWatch,
    ) -> Result<(Vec<Service>, Vec<SpecSeen>), EngineError> {
        // read service by service as the answer arrives: neither the whole answer nor a tree
        // of its values is held, and each service is parsed once into its model
        let path = format!("{}/services?status=true", self.api_prefix());
        let mut services = Vec::new();
        let mut unreadable = None;
        let mut look = watch.begin();
        self.raw
            .get_array(&self.label(), &path, |element| {
                if unreadable.is_some() {
                    return;
                }
                look.service(element);
                match wire::from_engine_bytes::<Service>(element) {
                    Ok(s) => services.push(s),
                    Err(e) => unreadable = Some(e),
                }
            })
            .await?;
        if let Some(e) = unreadable {
            return Err(EngineError::Other(format!(
                "the engine at {} sent data swarmtop cannot read (/services): {e}",
                self.label()
            )));
        }
        Ok((services, look.end()))
    }

    /// One service's spec and previous spec as the engine wrote them (the history view, what
    /// a rollback returns to); `None` when the engine has no such service.
    pub async fn service_spec(&self, id: &str) -> Result<Option<SpecSeen>, EngineError> {
        let raw = match self
            .get_value(&format!("/services/{}", percent_encode(id)), "a service")
            .await
        {
            Ok(v) => v,
            Err(EngineError::Api { status: 404, .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        SpecSeen::of_service(&raw).map(Some).ok_or_else(|| {
            EngineError::Other(format!(
                "the engine at {} sent service {id} without its ID, version or spec",
                self.label()
            ))
        })
    }

    /// One service by ID or name; `None` when the engine has no such service.
    pub async fn service(&self, id: &str) -> Result<Option<Service>, EngineError> {
        match self
            .get_model(&format!("/services/{}", percent_encode(id)))
            .await
        {
            Ok(s) => Ok(Some(s)),
            Err(EngineError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// One reading of a container on this engine's node, as `docker stats --no-stream` takes it
    /// (the engine waits for a second reading to fill `precpu_stats`, about a second).
    pub async fn container_stats(
        &self,
        id: &str,
    ) -> Result<swarmtop_model::stats::Sample, EngineError> {
        self.stats_query(id, "stream=false").await
    }

    /// One reading at once (`one-shot=true`, API 1.41+): no `precpu_stats`; the caller keeps the
    /// previous reading to work out CPU % (older engines ignore the flag and wait a second).
    pub async fn container_stats_now(
        &self,
        id: &str,
    ) -> Result<swarmtop_model::stats::Sample, EngineError> {
        self.stats_query(id, "stream=false&one-shot=true").await
    }

    async fn stats_query(
        &self,
        id: &str,
        query: &str,
    ) -> Result<swarmtop_model::stats::Sample, EngineError> {
        let unreadable = || {
            EngineError::Other(format!(
                "the engine at {} sent stats of container {id} swarmtop cannot read",
                self.label()
            ))
        };
        let bytes = self
            .get_bytes(&format!("/containers/{}/stats?{query}", percent_encode(id)))
            .await?;
        swarmtop_model::stats::Sample::from_bytes(&bytes).ok_or_else(unreadable)
    }

    /// GETs `path` (after the API prefix): the answer's bytes.
    async fn get_bytes(&self, path: &str) -> Result<bytes::Bytes, EngineError> {
        self.raw
            .call(
                &self.label(),
                hyper::Method::GET,
                &format!("{}{path}", self.api_prefix()),
                None,
            )
            .await
    }

    /// A GET whose answer is JSON, read as a value.
    async fn get_value(&self, path: &str, what: &str) -> Result<serde_json::Value, EngineError> {
        let bytes = self.get_bytes(path).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            EngineError::Other(format!(
                "the engine at {} sent {what} swarmtop cannot read: {e}",
                self.label()
            ))
        })
    }

    /// The processes in a container on this engine's node, as `docker top` prints them.
    pub async fn container_processes(&self, id: &str) -> Result<String, EngineError> {
        let v = self
            .get_value(
                &format!("/containers/{}/top", percent_encode(id)),
                "a process list",
            )
            .await?;
        Ok(super::node_containers::processes_table(&v))
    }

    /// A container's health in words (its healthcheck's last outputs), `node` naming where.
    pub async fn container_health(&self, id: &str, node: &str) -> Result<String, EngineError> {
        let v = self
            .get_value(
                &format!("/containers/{}/json", percent_encode(id)),
                "a container",
            )
            .await?;
        Ok(super::node_containers::health_text(&v, node))
    }

    /// The swarm node this engine is (`/info` `Swarm.NodeID`); empty when it is in no swarm.
    pub async fn node_id(&self) -> Result<String, EngineError> {
        let info = self.info().await?;
        Ok(info.swarm.and_then(|s| s.node_id).unwrap_or_default())
    }

    /// Every swarm task's container on this engine's node (running or not), with its image and
    /// health: one request for the whole node.
    pub async fn swarm_containers(
        &self,
        node_id: &str,
    ) -> Result<Vec<swarmtop_model::nodes::ContainerFacts>, EngineError> {
        let mut filters = HashMap::new();
        filters.insert(
            "label".to_string(),
            vec!["com.docker.swarm.task.id".to_string()],
        );
        let path = with_filters("/containers/json", &filters);
        let v = self
            .get_value(&format!("{path}&all=1"), "a container list")
            .await?;
        Ok(super::node_containers::read(&v, node_id))
    }

    /// Tasks, optionally filtered (`service`, `node`, `desired-state`, ...).
    pub async fn tasks(
        &self,
        filters: HashMap<String, Vec<String>>,
    ) -> Result<Vec<Task>, EngineError> {
        let tasks: Vec<bollard::models::Task> =
            self.get_model(&with_filters("/tasks", &filters)).await?;
        Ok(tasks.into_iter().map(Task::from).collect())
    }

    pub async fn secrets(&self) -> Result<Vec<Secret>, EngineError> {
        self.docker
            .list_secrets(None::<ListSecretsOptions>)
            .await
            .map_err(|e| self.err(e))
    }

    pub async fn configs(&self) -> Result<Vec<Config>, EngineError> {
        self.docker
            .list_configs(None::<ListConfigsOptions>)
            .await
            .map_err(|e| self.err(e))
    }

    /// Swarm-scoped networks, as `docker network ls --filter scope=swarm`.
    pub async fn networks(&self) -> Result<Vec<Network>, EngineError> {
        let opts = ListNetworksOptions {
            filters: Some(HashMap::from([(
                "scope".to_string(),
                vec!["swarm".to_string()],
            )])),
        };
        self.docker
            .list_networks(Some(opts))
            .await
            .map_err(|e| self.err(e))
    }
}

/// The manager check on an `/info` answer, separate so it is testable without an engine.
pub fn check_manager(endpoint: &str, info: &SystemInfo) -> Result<(), EngineError> {
    let swarm = info.swarm.clone().unwrap_or_default();
    let state = swarm.local_node_state.unwrap_or(LocalNodeState::INACTIVE);
    match state {
        LocalNodeState::ACTIVE => {}
        LocalNodeState::LOCKED => {
            return Err(EngineError::Other(format!(
                "the swarm at {endpoint} is locked: unlock it with `docker swarm unlock` first"
            )));
        }
        other => {
            return Err(EngineError::NotInSwarm {
                endpoint: endpoint.to_string(),
                state: other.to_string(),
            });
        }
    }
    if swarm.control_available != Some(true) {
        let addrs: Vec<String> = swarm
            .remote_managers
            .unwrap_or_default()
            .into_iter()
            .filter_map(|m| m.addr)
            .map(|a| a.rsplit_once(':').map(|(h, _)| h.to_string()).unwrap_or(a))
            .collect();
        let managers = if addrs.is_empty() {
            String::new()
        } else {
            format!(
                " (it is a worker; this swarm's managers are at {})",
                addrs.join(", ")
            )
        };
        return Err(EngineError::NotManager {
            endpoint: endpoint.to_string(),
            managers,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use bollard::models::{PeerNode, SwarmInfo};

    use super::*;

    fn info(state: LocalNodeState, control: bool, managers: &[&str]) -> SystemInfo {
        SystemInfo {
            swarm: Some(SwarmInfo {
                local_node_state: Some(state),
                control_available: Some(control),
                remote_managers: Some(
                    managers
                        .iter()
                        .map(|a| PeerNode {
                            addr: Some(a.to_string()),
                            node_id: None,
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn worker_is_refused_with_its_managers() {
        let e = check_manager(
            "unix:///w.sock",
            &info(LocalNodeState::ACTIVE, false, &["10.0.0.11:2377"]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unix:///w.sock is not a swarm manager"), "{e}");
        assert!(e.contains("10.0.0.11") && !e.contains("2377"), "{e}");
        assert!(e.contains("--host or --context"), "{e}");
    }

    #[test]
    fn not_in_swarm() {
        let e = check_manager("x", &info(LocalNodeState::INACTIVE, false, &[])).unwrap_err();
        assert!(e.to_string().contains("not part of a swarm"));
    }

    #[test]
    fn manager_passes() {
        assert!(check_manager("x", &info(LocalNodeState::ACTIVE, true, &[])).is_ok());
    }
}
