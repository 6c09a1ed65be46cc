//! The simulated swarm's state: nodes, services, tasks, secrets, configs and networks held as
//! the engine's own model types (so they serialize exactly as bollard reads them), indexed by
//! service and node, plus the operations the API offers (create, update with version checks,
//! remove). What the swarm then *does* about a change lives in `scheduler.rs`.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::sync::Arc;

use bollard::models::{
    Config, ConfigSpec, EventMessageTypeEnum, ManagerStatus, Network, NetworkCreateRequest, Node,
    NodeSpec, NodeSpecRoleEnum, NodeState, ObjectVersion, Reachability, Secret, SecretSpec,
    Service, ServiceServiceStatus, ServiceSpec, ServiceUpdateStatus, ServiceUpdateStatusStateEnum,
    Task, TaskSpec, TaskState, TlsInfo,
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

    fn out_of_sequence() -> SimError {
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

fn version(index: u64) -> Option<ObjectVersion> {
    Some(ObjectVersion { index: Some(index) })
}

fn version_of(v: &Option<ObjectVersion>) -> u64 {
    v.as_ref().and_then(|v| v.index).unwrap_or(0)
}

/// The fields of a node an update event reports on.
#[derive(Debug, Clone, PartialEq)]
struct NodeFacts {
    availability: String,
    role: String,
    state: String,
    leader: Option<bool>,
    reachability: Option<String>,
}

fn node_facts(n: &Node) -> NodeFacts {
    let spec = n.spec.as_ref();
    NodeFacts {
        availability: spec
            .and_then(|s| s.availability)
            .map(|a| a.to_string())
            .unwrap_or_default(),
        role: spec
            .and_then(|s| s.role)
            .map(|r| r.to_string())
            .unwrap_or_default(),
        state: n
            .status
            .as_ref()
            .and_then(|s| s.state)
            .map(|s| s.to_string())
            .unwrap_or_default(),
        leader: n.manager_status.as_ref().map(|m| m.leader.unwrap_or(false)),
        reachability: n
            .manager_status
            .as_ref()
            .and_then(|m| m.reachability)
            .map(|r| r.to_string()),
    }
}

pub fn node_hostname(n: &Node) -> &str {
    n.description
        .as_ref()
        .and_then(|d| d.hostname.as_deref())
        .unwrap_or("")
}

/// The fields of a service an update event reports on.
struct ServiceFacts {
    image: String,
    replicas: Option<i64>,
    update: Option<ServiceUpdateStatusStateEnum>,
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

    /// Applies `f` to a node, bumps its version and publishes the update event with what
    /// changed (availability, role, state, leader, reachability), as the engine does.
    pub(crate) fn edit_node(&mut self, id: &str, now: Nanos, f: impl FnOnce(&mut Node)) {
        let idx = self.next_index();
        let Some(n) = self.nodes.get_mut(id) else {
            return;
        };
        let before = node_facts(n);
        f(n);
        n.version = version(idx);
        n.updated_at = Some(rfc3339(now));
        let after = node_facts(n);
        let mut attrs = HashMap::from([("name".to_string(), node_hostname(n).to_string())]);
        let mut diff = |k: &str, old: &str, new: &str| {
            if old != new {
                attrs.insert(format!("{k}.old"), old.to_string());
                attrs.insert(format!("{k}.new"), new.to_string());
            }
        };
        diff("availability", &before.availability, &after.availability);
        diff("role", &before.role, &after.role);
        diff("state", &before.state, &after.state);
        if let (Some(bl), Some(al)) = (before.leader, after.leader) {
            diff("leader", &bl.to_string(), &al.to_string());
        }
        if let (Some(br), Some(ar)) = (&before.reachability, &after.reachability) {
            diff("reachability", br, ar);
        }
        self.publish(EventMessageTypeEnum::NODE, "update", id, attrs, now);
    }

    /// `POST /nodes/{id}/update?version=`: the whole spec is replaced.
    pub fn update_node(
        &mut self,
        key: &str,
        version_index: u64,
        spec: NodeSpec,
        now: Nanos,
    ) -> Result<(), SimError> {
        let id = self.node_id(key)?;
        let current = version_of(&self.nodes[&id].version);
        if current != version_index {
            return Err(SimError::out_of_sequence());
        }
        let old_role = self.nodes[&id].spec.as_ref().and_then(|s| s.role);
        let new_role = spec.role.or(old_role);
        if old_role == Some(NodeSpecRoleEnum::MANAGER)
            && new_role == Some(NodeSpecRoleEnum::WORKER)
            && self.managers().count() == 1
        {
            return Err(SimError::Invalid(
                "rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm".into(),
            ));
        }
        let addr = self.nodes[&id]
            .status
            .as_ref()
            .and_then(|s| s.addr.clone())
            .unwrap_or_default();
        let spec = NodeSpec {
            labels: Some(spec.labels.clone().unwrap_or_default()),
            ..spec
        };
        self.edit_node(&id, now, |n| {
            n.spec = Some(spec);
            match new_role {
                Some(NodeSpecRoleEnum::MANAGER) if n.manager_status.is_none() => {
                    n.manager_status = Some(ManagerStatus {
                        leader: None,
                        reachability: Some(Reachability::REACHABLE),
                        addr: Some(format!("{addr}:2377")),
                    });
                }
                Some(NodeSpecRoleEnum::WORKER) => n.manager_status = None,
                _ => {}
            }
        });
        self.node_changed(&id, now);
        Ok(())
    }

    pub fn managers(&self) -> impl Iterator<Item = &Node> {
        self.nodes
            .values()
            .filter(|n| n.spec.as_ref().and_then(|s| s.role) == Some(NodeSpecRoleEnum::MANAGER))
    }

    /// `DELETE /nodes/{id}`: only a down node, unless forced.
    pub fn remove_node(&mut self, key: &str, force: bool, now: Nanos) -> Result<(), SimError> {
        let id = self.node_id(key)?;
        let n = &self.nodes[&id];
        let down = n.status.as_ref().and_then(|s| s.state) != Some(NodeState::READY);
        if id == self.local_node {
            return Err(SimError::Invalid(
                "rpc error: code = FailedPrecondition desc = node is the local node of this engine"
                    .into(),
            ));
        }
        if !down && !force {
            return Err(SimError::Invalid(format!(
                "rpc error: code = FailedPrecondition desc = node {id} is not down and can't be removed"
            )));
        }
        if n.manager_status.is_some() && !force {
            return Err(SimError::Invalid(format!(
                "rpc error: code = FailedPrecondition desc = node {id} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal"
            )));
        }
        let name = node_hostname(n).to_string();
        self.set_node_down(&id, true, now)?;
        self.nodes.remove(&id);
        self.load.remove(&id);
        self.publish(
            EventMessageTypeEnum::NODE,
            "remove",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(())
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

    fn check_spec(&self, spec: &ServiceSpec, except: Option<&str>) -> Result<(), SimError> {
        let name = spec.name.as_deref().unwrap_or("");
        if name.is_empty() {
            return Err(SimError::Invalid(
                "rpc error: code = InvalidArgument desc = name must be valid as a DNS name component".into(),
            ));
        }
        if image_of(spec).is_empty() {
            return Err(SimError::Invalid(
                "rpc error: code = InvalidArgument desc = ContainerSpec: image reference must be provided".into(),
            ));
        }
        if let Some(mode) = &spec.mode
            && mode.replicated.is_some() as u8 + mode.global.is_some() as u8 > 1
        {
            return Err(SimError::Invalid(
                "rpc error: code = InvalidArgument desc = service mode is ambiguous".into(),
            ));
        }
        if self
            .services
            .values()
            .any(|s| s.name() == name && Some(s.id()) != except)
        {
            return Err(SimError::Conflict(format!(
                "rpc error: code = AlreadyExists desc = name conflicts with an existing object: service {name} already exists"
            )));
        }
        Ok(())
    }

    /// `POST /services/create`. Returns the new service's ID.
    pub fn create_service(&mut self, spec: ServiceSpec, now: Nanos) -> Result<String, SimError> {
        self.check_spec(&spec, None)?;
        let spec = normalize_spec(spec);
        let id = self.rng.id();
        let idx = self.next_index();
        let template = Arc::new(task_spec_of(&spec));
        let svc = SimService {
            service: Service {
                id: Some(id.clone()),
                version: version(idx),
                created_at: Some(rfc3339(now)),
                updated_at: Some(rfc3339(now)),
                endpoint: Some(endpoint_of(&spec)),
                spec: Some(spec),
                ..Default::default()
            },
            previous: None,
            fate: Fate::of(&template),
            template,
            generation: 1,
            rollout: None,
            restarts: HashMap::new(),
        };
        let name = svc.name().to_string();
        self.services.insert(id.clone(), svc);
        self.by_service.entry(id.clone()).or_default();
        self.publish(
            EventMessageTypeEnum::SERVICE,
            "create",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        self.reconcile(&id, now);
        Ok(id)
    }

    /// Adds a service directly (seeding): no event, no tasks (seed them with `seed_task`).
    pub fn seed_service(
        &mut self,
        spec: ServiceSpec,
        previous: Option<ServiceSpec>,
        created: Nanos,
        updated: Nanos,
    ) -> String {
        let spec = normalize_spec(spec);
        let previous = previous.map(normalize_spec);
        let id = self.rng.id();
        let idx = self.next_index();
        let template = Arc::new(task_spec_of(&spec));
        let generation = if previous.is_some() { 2 } else { 1 };
        self.services.insert(
            id.clone(),
            SimService {
                service: Service {
                    id: Some(id.clone()),
                    version: version(idx),
                    created_at: Some(rfc3339(created)),
                    updated_at: Some(rfc3339(updated)),
                    endpoint: Some(endpoint_of(&spec)),
                    spec: Some(spec),
                    ..Default::default()
                },
                previous,
                fate: Fate::of(&template),
                template,
                generation,
                rollout: None,
                restarts: HashMap::new(),
            },
        );
        self.by_service.entry(id.clone()).or_default();
        id
    }

    /// Applies `f` to a service, bumps its version and publishes the update event with what
    /// changed (image, replicas, update state), as the engine does.
    pub(crate) fn edit_service(&mut self, id: &str, now: Nanos, f: impl FnOnce(&mut SimService)) {
        let idx = self.next_index();
        let Some(s) = self.services.get_mut(id) else {
            return;
        };
        let facts = |s: &SimService| ServiceFacts {
            image: s.image().to_string(),
            replicas: s.replicas(),
            update: s.update_state(),
        };
        let before = facts(s);
        f(s);
        s.service.version = version(idx);
        s.service.updated_at = Some(rfc3339(now));
        let after = facts(s);
        let mut attrs = HashMap::from([("name".to_string(), s.name().to_string())]);
        if before.image != after.image {
            attrs.insert("image.old".into(), before.image);
            attrs.insert("image.new".into(), after.image);
        }
        if let (Some(o), Some(n)) = (before.replicas, after.replicas)
            && o != n
        {
            attrs.insert("replicas.old".into(), o.to_string());
            attrs.insert("replicas.new".into(), n.to_string());
        }
        match (before.update, after.update) {
            (None, Some(n)) => {
                attrs.insert("updatestate.new".into(), n.to_string());
            }
            (Some(o), Some(n)) if o != n => {
                attrs.insert("updatestate.old".into(), o.to_string());
                attrs.insert("updatestate.new".into(), n.to_string());
            }
            _ => {}
        }
        self.publish(EventMessageTypeEnum::SERVICE, "update", id, attrs, now);
    }

    pub(crate) fn set_update_status(
        &mut self,
        id: &str,
        state: ServiceUpdateStatusStateEnum,
        message: &str,
        now: Nanos,
    ) {
        let done = matches!(
            state,
            ServiceUpdateStatusStateEnum::COMPLETED
                | ServiceUpdateStatusStateEnum::ROLLBACK_COMPLETED
        );
        let started = matches!(
            state,
            ServiceUpdateStatusStateEnum::UPDATING | ServiceUpdateStatusStateEnum::ROLLBACK_STARTED
        );
        self.edit_service(id, now, |s| {
            let old = s.service.update_status.take().unwrap_or_default();
            s.service.update_status = Some(ServiceUpdateStatus {
                state: Some(state),
                started_at: if started {
                    Some(rfc3339(now))
                } else {
                    old.started_at
                },
                completed_at: if done { Some(rfc3339(now)) } else { None },
                message: Some(message.to_string()),
            });
        });
    }

    /// `POST /services/{id}/update?version=[&rollback=previous]`.
    pub fn update_service(
        &mut self,
        key: &str,
        version_index: u64,
        spec: ServiceSpec,
        rollback: bool,
        now: Nanos,
    ) -> Result<Vec<String>, SimError> {
        let id = self.service_id(key)?;
        let svc = &self.services[&id];
        if version_of(&svc.service.version) != version_index {
            return Err(SimError::out_of_sequence());
        }
        let current = svc.spec().clone();
        let new_spec = if rollback {
            match &svc.previous {
                Some(p) => p.clone(),
                None => {
                    return Err(SimError::Internal(format!(
                        "rpc error: code = FailedPrecondition desc = service {id} does not have a previous spec"
                    )));
                }
            }
        } else {
            self.check_spec(&spec, Some(&id))?;
            normalize_spec(spec)
        };
        if new_spec.name != current.name {
            return Err(SimError::Internal(
                "rpc error: code = Unimplemented desc = renaming services is not supported".into(),
            ));
        }
        let old_template = svc.template.clone();
        let new_template = task_spec_of(&new_spec);
        let template_changed = *old_template != new_template;
        let rollout_state = svc.update_state();
        self.edit_service(&id, now, |s| {
            s.previous = Some(current);
            s.service.endpoint = Some(endpoint_of(&new_spec));
            s.service.spec = Some(new_spec);
            if template_changed {
                s.template = Arc::new(new_template);
                s.fate = Fate::of(&s.template);
                s.generation += 1;
                s.restarts.clear();
            }
            if rollback {
                s.service.update_status = Some(ServiceUpdateStatus {
                    state: Some(ServiceUpdateStatusStateEnum::ROLLBACK_STARTED),
                    started_at: Some(rfc3339(now)),
                    completed_at: None,
                    message: Some("manually requested rollback".into()),
                });
            } else {
                // swarmkit forgets the last update's status on every spec change
                s.service.update_status = None;
            }
            s.rollout = None;
        });
        let _ = rollout_state;
        if rollback || template_changed {
            if !rollback {
                self.set_update_status(
                    &id,
                    ServiceUpdateStatusStateEnum::UPDATING,
                    "update in progress",
                    now,
                );
            }
            self.start_rollout(&id, rollback, now);
        }
        self.reconcile(&id, now);
        Ok(Vec::new())
    }

    /// `DELETE /services/{id}`: its tasks stop and go away.
    pub fn remove_service(&mut self, key: &str, now: Nanos) -> Result<(), SimError> {
        let id = self.service_id(key)?;
        let Some(svc) = self.services.remove(&id) else {
            return Ok(());
        };
        let tasks: Vec<String> = self
            .by_service
            .get(&id)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        for t in tasks {
            self.stop_task(&t, TaskState::REMOVE, now);
        }
        self.publish(
            EventMessageTypeEnum::SERVICE,
            "remove",
            &id,
            HashMap::from([("name".to_string(), svc.name().to_string())]),
            now,
        );
        Ok(())
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

    // ---- secrets, configs, networks --------------------------------------------------------

    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        self.secrets.values()
    }

    pub fn secret(&self, key: &str) -> Result<&Secret, SimError> {
        lookup(
            &self.secrets,
            key,
            |s| s.spec.as_ref().and_then(|s| s.name.as_deref()),
            "secret",
        )
    }

    pub fn create_secret(&mut self, mut spec: SecretSpec, now: Nanos) -> Result<String, SimError> {
        let name = spec.name.clone().unwrap_or_default();
        if name.is_empty() {
            return Err(SimError::Invalid(
                "rpc error: code = InvalidArgument desc = invalid name".into(),
            ));
        }
        if self
            .secrets
            .values()
            .any(|s| s.spec.as_ref().and_then(|s| s.name.as_deref()) == Some(&name))
        {
            return Err(SimError::Conflict(format!(
                "rpc error: code = AlreadyExists desc = secret {name} already exists"
            )));
        }
        spec.labels.get_or_insert_with(HashMap::new);
        let id = self.rng.id();
        let idx = self.next_index();
        // the engine never returns secret data
        spec.data = None;
        self.secrets.insert(
            id.clone(),
            Secret {
                id: Some(id.clone()),
                version: version(idx),
                created_at: Some(rfc3339(now)),
                updated_at: Some(rfc3339(now)),
                spec: Some(spec),
            },
        );
        self.publish(
            EventMessageTypeEnum::SECRET,
            "create",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(id)
    }

    pub fn remove_secret(&mut self, key: &str, now: Nanos) -> Result<(), SimError> {
        let id = self.secret(key)?.id.clone().unwrap_or_default();
        let name = self.secrets[&id]
            .spec
            .as_ref()
            .and_then(|s| s.name.clone())
            .unwrap_or_default();
        let users: Vec<&str> = self
            .services
            .values()
            .filter(|s| {
                s.template
                    .container_spec
                    .as_ref()
                    .and_then(|c| c.secrets.as_ref())
                    .is_some_and(|l| l.iter().any(|r| r.secret_id.as_deref() == Some(&id)))
            })
            .map(|s| s.name())
            .collect();
        if !users.is_empty() {
            return Err(SimError::Invalid(format!(
                "rpc error: code = InvalidArgument desc = secret '{name}' is in use by the following service: {}",
                users.join(", ")
            )));
        }
        self.secrets.remove(&id);
        self.publish(
            EventMessageTypeEnum::SECRET,
            "remove",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(())
    }

    /// Only labels may change; the engine refuses other changes.
    pub fn update_secret(
        &mut self,
        key: &str,
        version_index: u64,
        spec: SecretSpec,
        now: Nanos,
    ) -> Result<(), SimError> {
        let id = self.secret(key)?.id.clone().unwrap_or_default();
        let idx = self.index + 1;
        let s = self
            .secrets
            .get_mut(&id)
            .ok_or_else(|| SimError::NotFound(format!("secret {key} not found")))?;
        if version_of(&s.version) != version_index {
            return Err(SimError::out_of_sequence());
        }
        if let Some(cur) = s.spec.as_mut() {
            cur.labels = Some(spec.labels.unwrap_or_default());
        }
        s.version = version(idx);
        s.updated_at = Some(rfc3339(now));
        let name = s
            .spec
            .as_ref()
            .and_then(|s| s.name.clone())
            .unwrap_or_default();
        self.index = idx;
        self.publish(
            EventMessageTypeEnum::SECRET,
            "update",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(())
    }

    pub fn configs(&self) -> impl Iterator<Item = &Config> {
        self.configs.values()
    }

    pub fn config(&self, key: &str) -> Result<&Config, SimError> {
        lookup(
            &self.configs,
            key,
            |c| c.spec.as_ref().and_then(|s| s.name.as_deref()),
            "config",
        )
    }

    pub fn create_config(&mut self, mut spec: ConfigSpec, now: Nanos) -> Result<String, SimError> {
        let name = spec.name.clone().unwrap_or_default();
        if name.is_empty() {
            return Err(SimError::Invalid(
                "rpc error: code = InvalidArgument desc = invalid name".into(),
            ));
        }
        if self
            .configs
            .values()
            .any(|c| c.spec.as_ref().and_then(|s| s.name.as_deref()) == Some(&name))
        {
            return Err(SimError::Conflict(format!(
                "rpc error: code = AlreadyExists desc = config {name} already exists"
            )));
        }
        spec.labels.get_or_insert_with(HashMap::new);
        let id = self.rng.id();
        let idx = self.next_index();
        self.configs.insert(
            id.clone(),
            Config {
                id: Some(id.clone()),
                version: version(idx),
                created_at: Some(rfc3339(now)),
                updated_at: Some(rfc3339(now)),
                spec: Some(spec),
            },
        );
        self.publish(
            EventMessageTypeEnum::CONFIG,
            "create",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(id)
    }

    pub fn remove_config(&mut self, key: &str, now: Nanos) -> Result<(), SimError> {
        let id = self.config(key)?.id.clone().unwrap_or_default();
        let name = self.configs[&id]
            .spec
            .as_ref()
            .and_then(|s| s.name.clone())
            .unwrap_or_default();
        let users: Vec<&str> = self
            .services
            .values()
            .filter(|s| {
                s.template
                    .container_spec
                    .as_ref()
                    .and_then(|c| c.configs.as_ref())
                    .is_some_and(|l| l.iter().any(|r| r.config_id.as_deref() == Some(&id)))
            })
            .map(|s| s.name())
            .collect();
        if !users.is_empty() {
            return Err(SimError::Invalid(format!(
                "rpc error: code = InvalidArgument desc = config '{name}' is in use by the following service: {}",
                users.join(", ")
            )));
        }
        self.configs.remove(&id);
        self.publish(
            EventMessageTypeEnum::CONFIG,
            "remove",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(())
    }

    pub fn update_config(
        &mut self,
        key: &str,
        version_index: u64,
        spec: ConfigSpec,
        now: Nanos,
    ) -> Result<(), SimError> {
        let id = self.config(key)?.id.clone().unwrap_or_default();
        let idx = self.index + 1;
        let c = self
            .configs
            .get_mut(&id)
            .ok_or_else(|| SimError::NotFound(format!("config {key} not found")))?;
        if version_of(&c.version) != version_index {
            return Err(SimError::out_of_sequence());
        }
        if let Some(cur) = c.spec.as_mut() {
            cur.labels = Some(spec.labels.unwrap_or_default());
        }
        c.version = version(idx);
        c.updated_at = Some(rfc3339(now));
        let name = c
            .spec
            .as_ref()
            .and_then(|s| s.name.clone())
            .unwrap_or_default();
        self.index = idx;
        self.publish(
            EventMessageTypeEnum::CONFIG,
            "update",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(())
    }

    pub fn networks(&self) -> impl Iterator<Item = &Network> {
        self.networks.values()
    }

    pub fn network(&self, key: &str) -> Result<&Network, SimError> {
        lookup(&self.networks, key, |n| n.name.as_deref(), "network").map_err(|e| match e {
            SimError::NotFound(_) => SimError::NotFound(format!("network {key} not found")),
            other => other,
        })
    }

    pub fn create_network(
        &mut self,
        req: NetworkCreateRequest,
        now: Nanos,
    ) -> Result<String, SimError> {
        if req.name.is_empty() {
            return Err(SimError::Invalid("network name must not be empty".into()));
        }
        if self
            .networks
            .values()
            .any(|n| n.name.as_deref() == Some(&req.name))
        {
            return Err(SimError::Conflict(format!(
                "network with name {} already exists",
                req.name
            )));
        }
        let id = self.rng.id();
        let subnet = self.networks.len();
        let network = Network {
            name: Some(req.name.clone()),
            id: Some(id.clone()),
            created: Some(rfc3339(now)),
            scope: Some("swarm".into()),
            driver: Some(req.driver.clone().unwrap_or_else(|| "overlay".into())),
            ipam: Some(req.ipam.clone().unwrap_or_else(|| bollard::models::Ipam {
                driver: Some("default".into()),
                config: Some(vec![bollard::models::IpamConfig {
                    subnet: Some(format!("10.0.{subnet}.0/24")),
                    gateway: Some(format!("10.0.{subnet}.1")),
                    ..Default::default()
                }]),
                options: None,
            })),
            internal: Some(req.internal.unwrap_or(false)),
            attachable: Some(req.attachable.unwrap_or(false)),
            ingress: Some(req.ingress.unwrap_or(false)),
            config_from: Some(bollard::models::ConfigReference {
                network: Some(String::new()),
            }),
            config_only: Some(false),
            options: Some(req.options.clone().unwrap_or_else(|| {
                HashMap::from([(
                    "com.docker.network.driver.overlay.vxlanid_list".to_string(),
                    (4096 + subnet).to_string(),
                )])
            })),
            labels: req.labels.clone(),
            enable_ipv6: Some(req.enable_ipv6.unwrap_or(false)),
            ..Default::default()
        };
        self.networks.insert(id.clone(), network);
        self.publish(
            EventMessageTypeEnum::NETWORK,
            "create",
            &id,
            HashMap::from([("name".to_string(), req.name)]),
            now,
        );
        Ok(id)
    }

    pub fn remove_network(&mut self, key: &str, now: Nanos) -> Result<(), SimError> {
        let n = self.network(key)?;
        let id = n.id.clone().unwrap_or_default();
        let name = n.name.clone().unwrap_or_default();
        if n.ingress == Some(true) {
            return Err(SimError::Invalid(
                "rpc error: code = FailedPrecondition desc = ingress network cannot be removed"
                    .into(),
            ));
        }
        let in_use = self.services.values().any(|s| {
            s.spec()
                .task_template
                .as_ref()
                .and_then(|t| t.networks.as_ref())
                .is_some_and(|l| {
                    l.iter().any(|a| {
                        a.target.as_deref() == Some(&id) || a.target.as_deref() == Some(&name)
                    })
                })
        });
        if in_use {
            return Err(SimError::Invalid(format!(
                "rpc error: code = FailedPrecondition desc = network {id} is in use by service"
            )));
        }
        self.networks.remove(&id);
        self.publish(
            EventMessageTypeEnum::NETWORK,
            "remove",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(())
    }

    /// Adds an object directly (seeding), no event.
    pub(crate) fn seed_network(&mut self, n: Network) {
        if let Some(id) = n.id.clone() {
            self.networks.insert(id, n);
        }
    }
}

/// Exact ID, exact name, then unique ID prefix.
fn lookup<'a, T>(
    map: &'a BTreeMap<String, T>,
    key: &str,
    name: impl Fn(&T) -> Option<&str>,
    what: &str,
) -> Result<&'a T, SimError> {
    if let Some(v) = map.get(key) {
        return Ok(v);
    }
    if let Some(v) = map.values().find(|v| name(v) == Some(key)) {
        return Ok(v);
    }
    let found: Vec<&T> = map
        .range(key.to_string()..)
        .take_while(|(id, _)| id.starts_with(key))
        .map(|(_, v)| v)
        .collect();
    match found.len() {
        0 => Err(SimError::NotFound(format!("{what} {key} not found"))),
        1 => Ok(found[0]),
        n => Err(SimError::Invalid(format!(
            "{what} {key} is ambiguous ({n} matches found)"
        ))),
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

/// The defaults the engine fills in on create/update, so inspect shows what a real one would.
fn normalize_spec(mut spec: ServiceSpec) -> ServiceSpec {
    spec.labels.get_or_insert_with(HashMap::new);
    if spec.mode.is_none() {
        spec.mode = Some(bollard::models::ServiceSpecMode {
            replicated: Some(bollard::models::ServiceSpecModeReplicated { replicas: Some(1) }),
            ..Default::default()
        });
    }
    if let Some(m) = spec.mode.as_mut()
        && let Some(r) = m.replicated.as_mut()
    {
        r.replicas.get_or_insert(1);
    }
    let t = spec.task_template.get_or_insert_with(Default::default);
    t.force_update.get_or_insert(0);
    t.runtime.get_or_insert_with(|| "container".to_string());
    if let Some(c) = t.container_spec.as_mut() {
        // the engine always reports an isolation mode
        if matches!(
            c.isolation,
            None | Some(bollard::models::TaskSpecContainerSpecIsolationEnum::EMPTY)
        ) {
            c.isolation = Some(bollard::models::TaskSpecContainerSpecIsolationEnum::DEFAULT);
        }
    }
    spec
}

/// The task spec tasks are made from: the template without `Runtime` (the engine drops it on
/// tasks).
fn task_spec_of(spec: &ServiceSpec) -> TaskSpec {
    let mut t = spec.task_template.clone().unwrap_or_default();
    t.runtime = None;
    t
}

/// What the allocator made of the endpoint: nothing for a service with neither ports nor
/// networks (the engine shows `{"Spec": {}}`), else the spec, its ports and a virtual IP per
/// network.
fn endpoint_of(spec: &ServiceSpec) -> bollard::models::ServiceEndpoint {
    let ports = spec
        .endpoint_spec
        .as_ref()
        .and_then(|e| e.ports.clone())
        .filter(|p| !p.is_empty());
    let networks: Vec<String> = spec
        .task_template
        .as_ref()
        .and_then(|t| t.networks.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|n| n.target.clone())
        .collect();
    if ports.is_none() && networks.is_empty() {
        return bollard::models::ServiceEndpoint {
            spec: Some(Default::default()),
            ports: None,
            virtual_ips: None,
        };
    }
    let host = super::rng::hash(spec.name.as_deref().unwrap_or("")) % 250 + 2;
    let vips: Vec<bollard::models::ServiceEndpointVirtualIps> = networks
        .iter()
        .map(|n| bollard::models::ServiceEndpointVirtualIps {
            network_id: Some(n.clone()),
            addr: Some(format!("10.0.{}.{host}/24", super::rng::hash(n) % 250 + 1)),
        })
        .collect();
    bollard::models::ServiceEndpoint {
        spec: spec.endpoint_spec.clone(),
        ports,
        virtual_ips: (!vips.is_empty()).then_some(vips),
    }
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
