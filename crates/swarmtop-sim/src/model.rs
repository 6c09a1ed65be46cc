//! The simulated swarm's state: nodes, services, tasks, secrets, configs and networks held as
//! the engine's own model types (so they serialize exactly as bollard reads them), indexed by
//! service and node, and the queries the API answers. Changes through the API are in
//! `changes.rs` and `objects.rs`; what the swarm then *does* about them in `scheduler.rs`.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::sync::Arc;

use bollard::models::{
    Config, EventMessageTypeEnum, Network, Node, NodeSpecRoleEnum, ObjectVersion, Secret, Service,
    ServiceServiceStatus, ServiceSpec, ServiceUpdateStatusStateEnum, Task, TaskSpec, TaskState,
    TlsInfo,
};

use super::events::{EventLog, swarm_event};
use super::placement::NodeLoad;
use super::rng::Rng;
use super::time::{Nanos, SECOND, rfc3339};

/// Errors as the engine reports them; `status` is the HTTP status it uses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    /// The engine answers 500 for errors swarmkit gives it (e.g. "update out of sequence").
    #[error("{0}")]
    Internal(String),
}

impl SimError {
    pub fn status(&self) -> u16 {
        match self {
            SimError::NotFound(_) => 404,
            SimError::Conflict(_) => 409,
            SimError::Invalid(_) => 400,
            SimError::Internal(_) => 500,
        }
    }

    pub(crate) fn out_of_sequence() -> SimError {
        SimError::Internal("rpc error: code = Unknown desc = update out of sequence".into())
    }
}

/// A replicated task's slot number, or the node of a global service's task.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SlotKey {
    Slot(i64),
    Node(String),
}

/// How a service's containers behave once running, read from its task template: container
/// labels `swarmtop.sim.exit-code` / `swarmtop.sim.run-seconds`, or a command that says
/// `exit N`. Everything else runs until stopped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fate {
    pub exit_code: Option<i64>,
    pub run_for: Nanos,
}

pub const LABEL_EXIT_CODE: &str = "swarmtop.sim.exit-code";
pub const LABEL_RUN_SECONDS: &str = "swarmtop.sim.run-seconds";

impl Fate {
    pub fn of(spec: &TaskSpec) -> Fate {
        let c = spec.container_spec.as_ref();
        let label = |k: &str| {
            c.and_then(|c| c.labels.as_ref())
                .and_then(|l| l.get(k))
                .and_then(|v| v.trim().parse::<f64>().ok())
        };
        let run_for = label(LABEL_RUN_SECONDS)
            .map(|s| (s * SECOND as f64) as Nanos)
            .unwrap_or(SECOND / 2);
        if let Some(code) = label(LABEL_EXIT_CODE) {
            return Fate {
                exit_code: Some(code as i64),
                run_for,
            };
        }
        let words: Vec<&str> = c
            .into_iter()
            .flat_map(|c| c.command.iter().flatten().chain(c.args.iter().flatten()))
            .flat_map(|a| a.split(|ch: char| ch.is_whitespace() || ch == ';'))
            .filter(|w| !w.is_empty())
            .collect();
        let code = words
            .windows(2)
            .find(|w| w[0] == "exit")
            .and_then(|w| w[1].parse::<i64>().ok());
        Fate {
            exit_code: code,
            run_for,
        }
    }
}

/// A task as stored: the engine's `Task` without its spec, which is shared with every task
/// made from the same template (memory at 20,000 tasks).
#[derive(Debug, Clone)]
pub struct SimTask {
    pub task: Task,
    pub spec: Arc<TaskSpec>,
    /// The service template generation this task was made from.
    pub generation: u64,
    /// When its container started and stopped (for logs).
    pub started: Option<Nanos>,
    pub stopped: Option<Nanos>,
    /// The node whose load counts this task (active tasks only).
    pub(crate) counted_on: Option<String>,
}

impl SimTask {
    pub fn id(&self) -> &str {
        self.task.id.as_deref().unwrap_or("")
    }
    pub fn state(&self) -> TaskState {
        self.task
            .status
            .as_ref()
            .and_then(|s| s.state)
            .unwrap_or(TaskState::NEW)
    }
    pub fn desired(&self) -> TaskState {
        self.task.desired_state.unwrap_or(TaskState::NEW)
    }
    pub fn node(&self) -> Option<&str> {
        self.task.node_id.as_deref()
    }
    pub fn service(&self) -> &str {
        self.task.service_id.as_deref().unwrap_or("")
    }
    pub fn slot_key(&self) -> SlotKey {
        match self.task.slot {
            Some(n) if n > 0 => SlotKey::Slot(n),
            _ => SlotKey::Node(self.task.node_id.clone().unwrap_or_default()),
        }
    }
    /// Desired to run (or to be ready to run): it holds its slot.
    pub fn is_active(&self) -> bool {
        self.desired() <= TaskState::RUNNING
    }
    /// The engine's task view, spec included.
    pub fn to_task(&self) -> Task {
        Task {
            spec: Some((*self.spec).clone()),
            ..self.task.clone()
        }
    }
}

/// A rolling update (or rollback) under way.
#[derive(Debug, Clone)]
pub struct Rollout {
    pub rollback: bool,
    pub(crate) queue: std::collections::VecDeque<SlotKey>,
    /// New tasks of the current batch, with the old task to stop once it runs (start-first).
    pub(crate) in_flight: Vec<(String, Option<String>)>,
    /// Updated tasks still inside their monitor window, and when it ends.
    pub(crate) watching: Vec<(String, Nanos)>,
    /// The next batch may not start before this (the update delay).
    pub(crate) next_batch_at: Nanos,
    pub(crate) parallelism: usize,
    pub(crate) delay: Nanos,
    pub(crate) monitor: Nanos,
    pub(crate) start_first: bool,
    pub(crate) failure_action: String,
    pub(crate) generation: u64,
}

#[derive(Debug, Clone)]
pub struct SimService {
    pub service: Service,
    pub previous: Option<ServiceSpec>,
    pub template: Arc<TaskSpec>,
    pub generation: u64,
    pub fate: Fate,
    pub(crate) rollout: Option<Rollout>,
    pub(crate) restarts: HashMap<SlotKey, u32>,
}

impl SimService {
    pub fn id(&self) -> &str {
        self.service.id.as_deref().unwrap_or("")
    }
    pub fn spec(&self) -> &ServiceSpec {
        static EMPTY: std::sync::OnceLock<ServiceSpec> = std::sync::OnceLock::new();
        self.service
            .spec
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(ServiceSpec::default))
    }
    pub fn name(&self) -> &str {
        self.spec().name.as_deref().unwrap_or("")
    }
    pub fn is_global(&self) -> bool {
        self.spec()
            .mode
            .as_ref()
            .is_some_and(|m| m.global.is_some())
    }
    pub fn replicas(&self) -> Option<i64> {
        self.spec()
            .mode
            .as_ref()
            .and_then(|m| m.replicated.as_ref())
            .map(|r| r.replicas.unwrap_or(1))
    }
    pub fn image(&self) -> &str {
        image_of(self.spec())
    }
    pub fn update_state(&self) -> Option<ServiceUpdateStatusStateEnum> {
        self.service.update_status.as_ref().and_then(|u| u.state)
    }
}

pub fn image_of(spec: &ServiceSpec) -> &str {
    spec.task_template
        .as_ref()
        .and_then(|t| t.container_spec.as_ref())
        .and_then(|c| c.image.as_deref())
        .unwrap_or("")
}

/// What tasks to list (`GET /tasks` filters, names already resolved to IDs).
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    pub services: Vec<String>,
    pub nodes: Vec<String>,
    pub desired: Vec<TaskState>,
    pub id_prefixes: Vec<String>,
    pub name_prefixes: Vec<String>,
    pub labels: Vec<String>,
}

/// Timed work of the scheduler, ordered by due time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Timer {
    /// Move a task one step along new → ... → running.
    Advance(String),
    /// The restart delay is over: a "ready" task may run.
    Release(String),
    /// The container exits with this code.
    Exit(String, i64),
    /// A stopping task has stopped.
    Stopped(String),
    /// The next batch of a rolling update (stale when the generation changed).
    Rollout(String, u64),
}

/// The cluster's own identity, as `/info` and `/swarm` show it.
#[derive(Debug, Clone)]
pub struct ClusterMeta {
    pub id: String,
    pub created: Nanos,
    pub tls: TlsInfo,
}

pub struct Model {
    pub(crate) rng: Rng,
    pub(crate) index: u64,
    /// Durations of the simulated swarm (update delays, restarts, start-up) are divided by this.
    pub speed: f64,
    /// TaskHistoryRetentionLimit: tasks kept per slot.
    pub retention: usize,
    /// Log lines per second each running task writes.
    pub log_rate: f64,
    pub cluster: ClusterMeta,
    /// The node this engine is: the manager clients are connected to.
    pub local_node: String,
    pub(crate) nodes: BTreeMap<String, Node>,
    pub(crate) services: BTreeMap<String, SimService>,
    pub(crate) tasks: BTreeMap<String, SimTask>,
    pub(crate) by_service: HashMap<String, BTreeSet<String>>,
    pub(crate) by_node: HashMap<String, BTreeSet<String>>,
    pub(crate) load: HashMap<String, NodeLoad>,
    pub(crate) pending: BTreeSet<String>,
    pub(crate) pending_dirty: bool,
    pub(crate) secrets: BTreeMap<String, Secret>,
    pub(crate) configs: BTreeMap<String, Config>,
    pub(crate) networks: BTreeMap<String, Network>,
    pub(crate) timers: BinaryHeap<Reverse<(Nanos, u64, Timer)>>,
    pub(crate) timer_seq: u64,
    pub(crate) events: EventLog,
}

pub(crate) fn version(index: u64) -> Option<ObjectVersion> {
    Some(ObjectVersion { index: Some(index) })
}

pub(crate) fn version_of(v: &Option<ObjectVersion>) -> u64 {
    v.as_ref().and_then(|v| v.index).unwrap_or(0)
}

pub fn node_hostname(n: &Node) -> &str {
    n.description
        .as_ref()
        .and_then(|d| d.hostname.as_deref())
        .unwrap_or("")
}

impl Model {
    /// An empty swarm with one manager: `local` is the node this engine is.
    pub fn new(seed: u64, now: Nanos) -> Model {
        let mut rng = Rng::new(seed);
        let cluster = ClusterMeta {
            id: rng.id(),
            created: now,
            tls: fake_tls(&mut rng),
        };
        Model {
            rng,
            index: 10,
            speed: 1.0,
            retention: 5,
            log_rate: 1.0,
            cluster,
            local_node: String::new(),
            nodes: BTreeMap::new(),
            services: BTreeMap::new(),
            tasks: BTreeMap::new(),
            by_service: HashMap::new(),
            by_node: HashMap::new(),
            load: HashMap::new(),
            pending: BTreeSet::new(),
            pending_dirty: false,
            secrets: BTreeMap::new(),
            configs: BTreeMap::new(),
            networks: BTreeMap::new(),
            timers: BinaryHeap::new(),
            timer_seq: 0,
            events: EventLog::default(),
        }
    }

    pub(crate) fn next_index(&mut self) -> u64 {
        self.index += 1;
        self.index
    }

    pub fn index(&self) -> u64 {
        self.index
    }

    pub fn events(&self) -> &EventLog {
        &self.events
    }

    pub(crate) fn publish(
        &mut self,
        typ: EventMessageTypeEnum,
        action: &str,
        id: &str,
        attrs: HashMap<String, String>,
        at: Nanos,
    ) {
        self.events.publish(swarm_event(typ, action, id, attrs, at));
    }

    // ---- nodes ----------------------------------------------------------------------------

    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values()
    }

    /// Every node, to change what the engine would work out by itself (a manager's
    /// reachability, say) without an event, as a fault to inject.
    pub fn nodes_mut(&mut self) -> impl Iterator<Item = (&String, &mut Node)> {
        self.nodes.iter_mut()
    }

    /// By ID, then hostname, then unique ID prefix (the engine's `getNode`).
    pub fn node(&self, key: &str) -> Result<&Node, SimError> {
        if let Some(n) = self.nodes.get(key) {
            return Ok(n);
        }
        let by_name: Vec<&Node> = self
            .nodes
            .values()
            .filter(|n| node_hostname(n) == key)
            .collect();
        let found: Vec<&Node> = if by_name.is_empty() {
            self.nodes
                .range(key.to_string()..)
                .take_while(|(id, _)| id.starts_with(key))
                .map(|(_, n)| n)
                .collect()
        } else {
            by_name
        };
        match found.len() {
            0 => Err(SimError::NotFound(format!("node {key} not found"))),
            1 => Ok(found[0]),
            n => Err(SimError::Invalid(format!(
                "node {key} is ambiguous ({n} matches found)"
            ))),
        }
    }

    pub(crate) fn node_id(&self, key: &str) -> Result<String, SimError> {
        self.node(key).map(|n| n.id.clone().unwrap_or_default())
    }

    /// Adds a node directly (seeding); the first manager added is the local node.
    pub fn add_node(&mut self, mut node: Node, now: Nanos) -> String {
        let id = match node.id.clone() {
            Some(id) => id,
            None => self.rng.id(),
        };
        let idx = self.next_index();
        node.id = Some(id.clone());
        node.version = version(idx);
        node.created_at.get_or_insert_with(|| rfc3339(now));
        node.updated_at.get_or_insert_with(|| rfc3339(now));
        if let Some(d) = node.description.as_mut() {
            d.tls_info = Some(self.cluster.tls.clone());
        }
        let manager = node.spec.as_ref().and_then(|s| s.role) == Some(NodeSpecRoleEnum::MANAGER);
        if manager && self.local_node.is_empty() {
            self.local_node = id.clone();
            if let Some(m) = node.manager_status.as_mut() {
                m.leader = Some(true);
            }
        }
        self.nodes.insert(id.clone(), node);
        self.load.entry(id.clone()).or_default();
        self.pending_dirty = true;
        id
    }

    pub fn managers(&self) -> impl Iterator<Item = &Node> {
        self.nodes
            .values()
            .filter(|n| n.spec.as_ref().and_then(|s| s.role) == Some(NodeSpecRoleEnum::MANAGER))
    }

    // ---- services -------------------------------------------------------------------------

    pub fn services(&self) -> impl Iterator<Item = &SimService> {
        self.services.values()
    }

    /// By ID, then name, then unique ID prefix (the engine's `getService`).
    pub fn service(&self, key: &str) -> Result<&SimService, SimError> {
        if let Some(s) = self.services.get(key) {
            return Ok(s);
        }
        let by_name: Vec<&SimService> =
            self.services.values().filter(|s| s.name() == key).collect();
        let found: Vec<&SimService> = if by_name.is_empty() {
            self.services
                .range(key.to_string()..)
                .take_while(|(id, _)| id.starts_with(key))
                .map(|(_, s)| s)
                .collect()
        } else {
            by_name
        };
        match found.len() {
            0 => Err(SimError::NotFound(format!("service {key} not found"))),
            1 => Ok(found[0]),
            n => Err(SimError::Invalid(format!(
                "service {key} is ambiguous ({n} matches found)"
            ))),
        }
    }

    pub(crate) fn service_id(&self, key: &str) -> Result<String, SimError> {
        self.service(key).map(|s| s.id().to_string())
    }

    /// Running and desired task counts, as swarmkit's ListServiceStatuses counts them: every
    /// task in state running counts, even one whose node is down (the engine shows 8/6 then).
    /// CompletedTasks is for jobs, which the simulator does not run.
    pub fn service_status(&self, s: &SimService) -> ServiceServiceStatus {
        let mut running = 0u64;
        let mut desired_running = 0u64;
        for t in self.tasks_of_service(s.id()) {
            if t.state() == TaskState::RUNNING {
                running += 1;
            }
            if t.desired() == TaskState::RUNNING {
                desired_running += 1;
            }
        }
        let desired = match s.replicas() {
            Some(r) => r.max(0) as u64,
            None => desired_running,
        };
        ServiceServiceStatus {
            running_tasks: Some(running),
            desired_tasks: Some(desired),
            completed_tasks: Some(0),
        }
    }

    pub fn tasks_of_service<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a SimTask> + 'a {
        self.by_service
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|t| self.tasks.get(t))
    }

    pub fn tasks_on_node<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a SimTask> + 'a {
        self.by_node
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|t| self.tasks.get(t))
    }

    // ---- tasks ----------------------------------------------------------------------------

    pub fn tasks(&self) -> impl Iterator<Item = &SimTask> {
        self.tasks.values()
    }

    /// By ID, then name, then unique ID prefix (the engine's `getTask`).
    pub fn task(&self, key: &str) -> Result<&SimTask, SimError> {
        if let Some(t) = self.tasks.get(key) {
            return Ok(t);
        }
        let found: Vec<&SimTask> = self
            .tasks
            .range(key.to_string()..)
            .take_while(|(id, _)| id.starts_with(key))
            .map(|(_, t)| t)
            .collect();
        match found.len() {
            0 => Err(SimError::NotFound(format!("task {key} not found"))),
            1 => Ok(found[0]),
            n => Err(SimError::Invalid(format!(
                "task {key} is ambiguous ({n} matches found)"
            ))),
        }
    }

    /// swarmkit's task name: `service.slot.id`, or `service.node.id` for global services.
    pub fn task_name(&self, t: &SimTask) -> String {
        let svc = self
            .services
            .get(t.service())
            .map(|s| s.name())
            .unwrap_or("");
        match t.task.slot {
            Some(n) if n > 0 => format!("{svc}.{n}.{}", t.id()),
            _ => format!("{svc}.{}.{}", t.node().unwrap_or(""), t.id()),
        }
    }

    /// Tasks matching the query, in ID order (as the engine lists them).
    pub fn list_tasks(&self, q: &TaskQuery) -> Vec<&SimTask> {
        let keep = |t: &SimTask| {
            (q.services.is_empty() || q.services.iter().any(|s| s == t.service()))
                && (q.nodes.is_empty() || q.nodes.iter().any(|n| Some(n.as_str()) == t.node()))
                && (q.desired.is_empty() || q.desired.contains(&t.desired()))
                && (q.id_prefixes.is_empty()
                    || q.id_prefixes.iter().any(|p| t.id().starts_with(p.as_str())))
                && (q.name_prefixes.is_empty() || {
                    let name = self.task_name(t);
                    q.name_prefixes.iter().any(|p| name.starts_with(p.as_str()))
                })
                && labels_match(t.task.labels.as_ref(), &q.labels)
        };
        // use the smallest index that covers the query
        let mut ids: Vec<&String> = if !q.services.is_empty() {
            q.services
                .iter()
                .flat_map(|s| self.by_service.get(s).into_iter().flatten())
                .collect()
        } else if !q.nodes.is_empty() {
            q.nodes
                .iter()
                .flat_map(|n| self.by_node.get(n).into_iter().flatten())
                .collect()
        } else {
            return self.tasks.values().filter(|t| keep(t)).collect();
        };
        ids.sort();
        ids.dedup();
        ids.into_iter()
            .filter_map(|id| self.tasks.get(id))
            .filter(|t| keep(t))
            .collect()
    }
}

/// `label=key` or `label=key=value` filters.
pub fn labels_match(labels: Option<&HashMap<String, String>>, wanted: &[String]) -> bool {
    wanted.iter().all(|w| {
        let (k, v) = match w.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (w.as_str(), None),
        };
        match labels.and_then(|l| l.get(k)) {
            Some(have) => v.is_none_or(|v| v == have),
            None => false,
        }
    })
}

/// A CA certificate-shaped blob: nodes and the cluster carry the same one, so the docker CLI
/// reports every node's TLS status as Ready.
fn fake_tls(rng: &mut Rng) -> TlsInfo {
    use base64::Engine as _;
    let mut raw = Vec::with_capacity(300);
    while raw.len() < 300 {
        raw.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(&raw);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(chunk));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    TlsInfo {
        trust_root: Some(pem),
        cert_issuer_subject: Some(
            base64::engine::general_purpose::STANDARD
                .encode(b"0\x13\x11\x0f0\r\x06\x03U\x04\x03\x13\x08swarm-ca"),
        ),
        cert_issuer_public_key: Some(base64::engine::general_purpose::STANDARD.encode(&raw[..91])),
    }
}

#[cfg(test)]
mod tests {
    use bollard::models::TaskSpecContainerSpec;

    use super::*;

    fn spec_with(args: &[&str], labels: &[(&str, &str)]) -> TaskSpec {
        TaskSpec {
            container_spec: Some(TaskSpecContainerSpec {
                image: Some("x".into()),
                args: Some(args.iter().map(|s| s.to_string()).collect()),
                labels: Some(
                    labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn fate_from_labels_or_command() {
        assert_eq!(
            Fate::of(&spec_with(&["sh", "-c", "exit 3"], &[])).exit_code,
            Some(3)
        );
        assert_eq!(
            Fate::of(&spec_with(&["sleep", "3600"], &[])).exit_code,
            None
        );
        let f = Fate::of(&spec_with(
            &[],
            &[(LABEL_EXIT_CODE, "137"), (LABEL_RUN_SECONDS, "20")],
        ));
        assert_eq!(f.exit_code, Some(137));
        assert_eq!(f.run_for, 20 * SECOND);
    }

    #[test]
    fn label_filters() {
        let l = HashMap::from([("a".to_string(), "1".to_string())]);
        assert!(labels_match(Some(&l), &["a".into()]));
        assert!(labels_match(Some(&l), &["a=1".into()]));
        assert!(!labels_match(Some(&l), &["a=2".into()]));
        assert!(!labels_match(None, &["a".into()]));
    }
}
