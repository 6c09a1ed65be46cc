//! The cluster as swarmtop knows it: the engine's objects plus what is derived from them (names,
//! stacks, health counts). Pure data, no I/O, shared by the TUI and the headless commands.

pub mod addresses;
mod by_service;
mod delta;
pub mod events;
pub mod format;
pub mod info;
mod labels;
mod merge;
mod object;
pub mod placement;
mod problem;
pub mod problems;
pub mod spec_diff;
pub mod spec_history;
mod task;

use std::collections::{BTreeMap, HashMap};

use bollard_stubs::models::{
    Config, Network, Node, NodeSpecAvailabilityEnum, NodeSpecRoleEnum, NodeState, Reachability,
    Secret, Service, SystemInfo, TaskState,
};

pub use delta::TaskDelta;
pub use object::{ObjectKind, ObjectRef};
pub use task::Task;

pub use labels::STACK_LABEL;

/// The cluster's objects. Change nodes, services and tasks through the `set_*`/`merge_*`
/// methods so the lookup indexes stay right.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    pub nodes: Vec<Node>,
    pub services: Vec<Service>,
    pub tasks: Vec<Task>,
    pub secrets: Vec<Secret>,
    pub configs: Vec<Config>,
    pub networks: Vec<Network>,
    /// `/info` of the manager we are connected to.
    pub info: Option<SystemInfo>,
    node_index: foldhash::HashMap<String, usize>,
    service_index: foldhash::HashMap<String, usize>,
}

/// Health counts for the header and the problems view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub nodes: usize,
    pub nodes_ready: usize,
    pub nodes_down: usize,
    pub nodes_drained: usize,
    pub managers: usize,
    pub managers_reachable: usize,
    pub services: usize,
    pub services_degraded: usize,
}

impl Summary {
    /// Raft needs a majority of managers: floor(n/2)+1.
    pub fn quorum(&self) -> usize {
        self.managers / 2 + 1
    }
    /// How many more managers can be lost before quorum is gone (negative: already lost).
    pub fn manager_losses_survivable(&self) -> i64 {
        self.managers_reachable as i64 - self.quorum() as i64
    }
}

/// One stack: services (and other objects) sharing a namespace label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackSummary {
    pub name: String,
    pub services: usize,
    pub networks: usize,
    pub secrets: usize,
    pub configs: usize,
    pub services_degraded: usize,
}

pub fn node_id(n: &Node) -> &str {
    n.id.as_deref().unwrap_or("")
}

pub fn node_hostname(n: &Node) -> &str {
    n.description
        .as_ref()
        .and_then(|d| d.hostname.as_deref())
        .unwrap_or("")
}

pub fn node_role(n: &Node) -> NodeSpecRoleEnum {
    n.spec
        .as_ref()
        .and_then(|s| s.role)
        .unwrap_or(NodeSpecRoleEnum::WORKER)
}

/// A manager in the raft, as `docker info` counts managers: a node promoted while down is a
/// manager only in its spec (no ManagerStatus) until it comes back.
pub fn is_raft_manager(n: &Node) -> bool {
    node_role(n) == NodeSpecRoleEnum::MANAGER && n.manager_status.is_some()
}

pub fn node_availability(n: &Node) -> NodeSpecAvailabilityEnum {
    n.spec
        .as_ref()
        .and_then(|s| s.availability)
        .unwrap_or(NodeSpecAvailabilityEnum::ACTIVE)
}

pub fn node_state(n: &Node) -> NodeState {
    n.status
        .as_ref()
        .and_then(|s| s.state)
        .unwrap_or(NodeState::UNKNOWN)
}

pub fn node_reachability(n: &Node) -> Option<Reachability> {
    n.manager_status.as_ref().and_then(|m| m.reachability)
}

pub fn node_is_leader(n: &Node) -> bool {
    n.manager_status
        .as_ref()
        .and_then(|m| m.leader)
        .unwrap_or(false)
}

pub fn node_engine_version(n: &Node) -> &str {
    n.description
        .as_ref()
        .and_then(|d| d.engine.as_ref())
        .and_then(|e| e.engine_version.as_deref())
        .unwrap_or("")
}

pub fn node_addr(n: &Node) -> &str {
    n.status
        .as_ref()
        .and_then(|s| s.addr.as_deref())
        .unwrap_or("")
}

/// CPUs (from NanoCPUs) and memory bytes the node offers to the scheduler.
pub fn node_capacity(n: &Node) -> (f64, i64) {
    let r = n.description.as_ref().and_then(|d| d.resources.as_ref());
    let cpus = r.and_then(|r| r.nano_cpus).unwrap_or(0) as f64 / 1e9;
    let mem = r.and_then(|r| r.memory_bytes).unwrap_or(0);
    (cpus, mem)
}

pub fn service_id(s: &Service) -> &str {
    s.id.as_deref().unwrap_or("")
}

pub fn service_name(s: &Service) -> &str {
    s.spec
        .as_ref()
        .and_then(|s| s.name.as_deref())
        .unwrap_or("")
}

pub fn service_labels(s: &Service) -> Option<&HashMap<String, String>> {
    s.spec.as_ref().and_then(|s| s.labels.as_ref())
}

pub fn service_stack(s: &Service) -> Option<&str> {
    service_labels(s)
        .and_then(|l| l.get(STACK_LABEL))
        .map(String::as_str)
}

pub fn service_image(s: &Service) -> &str {
    s.spec
        .as_ref()
        .and_then(|s| s.task_template.as_ref())
        .and_then(|t| t.container_spec.as_ref())
        .and_then(|c| c.image.as_deref())
        .unwrap_or("")
}

/// The service's mode as `docker service ls` names it.
pub fn service_mode(s: &Service) -> &'static str {
    let mode = s.spec.as_ref().and_then(|s| s.mode.as_ref());
    match mode {
        Some(m) if m.global.is_some() => "global",
        Some(m) if m.replicated_job.is_some() => "replicated job",
        Some(m) if m.global_job.is_some() => "global job",
        _ => "replicated",
    }
}

/// Replicas the spec asks for (replicated services only).
pub fn service_spec_replicas(s: &Service) -> Option<i64> {
    s.spec
        .as_ref()
        .and_then(|s| s.mode.as_ref())
        .and_then(|m| m.replicated.as_ref())
        .and_then(|r| r.replicas)
}

/// (running, desired) from `ServiceStatus` (`status=true`).
pub fn service_counts(s: &Service) -> (u64, u64) {
    let st = s.service_status.as_ref();
    (
        st.and_then(|x| x.running_tasks).unwrap_or(0),
        st.and_then(|x| x.desired_tasks).unwrap_or(0),
    )
}

pub fn service_is_degraded(s: &Service) -> bool {
    let (running, desired) = service_counts(s);
    let job = service_mode(s).ends_with("job");
    !job && running < desired
}

pub fn service_update_state(s: &Service) -> Option<String> {
    s.update_status
        .as_ref()
        .and_then(|u| u.state)
        .map(|st| st.to_string())
        .filter(|st| !st.is_empty())
}

pub fn task_state(t: &Task) -> TaskState {
    t.status
        .as_ref()
        .and_then(|s| s.state)
        .unwrap_or(TaskState::NEW)
}

pub fn task_desired_state(t: &Task) -> TaskState {
    t.desired_state.unwrap_or(TaskState::NEW)
}

/// A task the engine says runs, on a node that is not ready: what that node last said of it
/// may no longer be true, and the engine still counts it as running whatever its desired
/// state (an update or the node's loss set it to shutdown; the dead node never confirmed).
pub fn runs_on_a_down_node(c: &Cluster, t: &Task) -> bool {
    task_state(t) == TaskState::RUNNING
        && t.node_id
            .as_deref()
            .and_then(|n| c.node_by_id(n))
            .is_some_and(|n| node_state(n) != NodeState::READY)
}

/// A task the orchestrator still wants (desired state up to running: a restart delay gives
/// `ready`); the others are history.
pub fn task_is_active(t: &Task) -> bool {
    task_desired_state(t) <= TaskState::RUNNING
}

pub fn task_error(t: &Task) -> &str {
    t.status
        .as_ref()
        .and_then(|s| s.err.as_deref())
        .unwrap_or("")
}

/// The container's exit code once it has ended: the engine says 0 for a running container too,
/// which would read as "exited fine".
pub fn task_exit_code(t: &Task) -> Option<i64> {
    if task_state(t) <= TaskState::RUNNING {
        return None;
    }
    t.status
        .as_ref()
        .and_then(|s| s.container_status.as_ref())
        .and_then(|c| c.exit_code)
}

pub fn task_image(t: &Task) -> &str {
    t.image.as_deref().unwrap_or("")
}

pub fn task_timestamp(t: &Task) -> Option<&str> {
    t.status.as_ref().and_then(|s| s.timestamp.as_deref())
}

/// Which tasks a task list replaces when merged: the engine was asked for exactly these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskSet {
    All,
    Services(Vec<String>),
    Node(String),
}

impl Cluster {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        info: Option<SystemInfo>,
        nodes: Vec<Node>,
        services: Vec<Service>,
        tasks: Vec<Task>,
        secrets: Vec<Secret>,
        configs: Vec<Config>,
        networks: Vec<Network>,
    ) -> Cluster {
        let mut c = Cluster {
            nodes,
            services,
            tasks,
            secrets,
            configs,
            networks,
            info,
            ..Default::default()
        };
        c.reindex();
        c
    }

    fn reindex(&mut self) {
        self.node_index = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (node_id(n).to_string(), i))
            .collect();
        self.service_index = self
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| (service_id(s).to_string(), i))
            .collect();
    }

    pub fn set_nodes(&mut self, nodes: Vec<Node>) {
        self.nodes = nodes;
        self.reindex();
    }

    pub fn set_services(&mut self, services: Vec<Service>) {
        self.services = services;
        self.reindex();
    }

    /// Replaces (or adds) one service, e.g. re-read while its update is followed closely.
    pub fn upsert_service(&mut self, s: Service) {
        let id = service_id(&s).to_string();
        match self.service_index.get(&id) {
            Some(&i) => self.services[i] = s,
            None => {
                self.services.push(s);
                self.reindex();
            }
        }
    }

    /// Replaces the tasks the engine was asked for (`set`) with `tasks`, keeping the others.
    pub fn merge_tasks(&mut self, set: &TaskSet, tasks: Vec<Task>) {
        match set {
            TaskSet::All => self.tasks = tasks,
            TaskSet::Services(ids) => {
                self.tasks
                    .retain(|t| !ids.iter().any(|id| t.service_id.as_deref() == Some(id)));
                self.tasks.extend(tasks);
            }
            TaskSet::Node(id) => {
                self.tasks.retain(|t| t.node_id.as_deref() != Some(id));
                self.tasks.extend(tasks);
            }
        }
        // tasks of removed services go with them
        let known = &self.service_index;
        self.tasks.retain(|t| {
            t.service_id
                .as_deref()
                .is_none_or(|s| known.contains_key(s))
        });
    }

    pub fn node_by_id(&self, id: &str) -> Option<&Node> {
        self.node_index.get(id).and_then(|i| self.nodes.get(*i))
    }

    pub fn service_by_id(&self, id: &str) -> Option<&Service> {
        self.service_index
            .get(id)
            .and_then(|i| self.services.get(*i))
    }

    /// The service's name, or its ID when it is gone.
    pub fn service_name_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.service_by_id(id).map(service_name).unwrap_or(id)
    }

    /// The node's hostname, or its ID when the node is gone, as `docker service ps` does.
    pub fn node_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.node_by_id(id).map(node_hostname).unwrap_or(id)
    }

    /// `web.2` for a replicated task, `web.<node id>` for a global one (docker's naming).
    pub fn task_name(&self, t: &Task) -> String {
        let svc = self.service_name_of(t.service_id.as_deref().unwrap_or("?"));
        match t.slot {
            Some(slot) if slot > 0 => format!("{svc}.{slot}"),
            _ => format!("{svc}.{}", t.node_id.as_deref().unwrap_or("")),
        }
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            nodes: self.nodes.len(),
            services: self.services.len(),
            ..Default::default()
        };
        for n in &self.nodes {
            match node_state(n) {
                NodeState::READY => s.nodes_ready += 1,
                NodeState::DOWN | NodeState::DISCONNECTED | NodeState::UNKNOWN => s.nodes_down += 1,
            }
            if node_availability(n) == NodeSpecAvailabilityEnum::DRAIN {
                s.nodes_drained += 1;
            }
            // docker info does not count a node promoted while down ("mgr 2/3" said 3)
            if is_raft_manager(n) {
                s.managers += 1;
                if node_reachability(n) == Some(Reachability::REACHABLE) {
                    s.managers_reachable += 1;
                }
            }
        }
        s.services_degraded = self
            .services
            .iter()
            .filter(|x| service_is_degraded(x))
            .count();
        s
    }

    /// Stacks, from the namespace label on services, networks, secrets and configs.
    pub fn stacks(&self) -> Vec<StackSummary> {
        fn entry<'m>(
            map: &'m mut BTreeMap<String, StackSummary>,
            name: &str,
        ) -> &'m mut StackSummary {
            map.entry(name.to_string()).or_insert_with(|| StackSummary {
                name: name.to_string(),
                services: 0,
                networks: 0,
                secrets: 0,
                configs: 0,
                services_degraded: 0,
            })
        }
        let mut map: BTreeMap<String, StackSummary> = BTreeMap::new();
        for s in &self.services {
            if let Some(ns) = service_stack(s) {
                let degraded = service_is_degraded(s);
                let e = entry(&mut map, ns);
                e.services += 1;
                if degraded {
                    e.services_degraded += 1;
                }
            }
        }
        for n in &self.networks {
            if let Some(ns) = n.labels.as_ref().and_then(|l| l.get(STACK_LABEL)) {
                entry(&mut map, ns).networks += 1;
            }
        }
        for kind in ObjectKind::ALL {
            for ns in self.objects(kind).into_iter().filter_map(|o| o.stack()) {
                let e = entry(&mut map, ns);
                match kind {
                    ObjectKind::Secret => e.secrets += 1,
                    ObjectKind::Config => e.configs += 1,
                }
            }
        }
        // `docker stack ls` lists a stack only while it has services
        map.into_values().filter(|s| s.services > 0).collect()
    }
}

impl Cluster {
    /// The secrets or the configs, in the order the engine listed them.
    pub fn objects(&self, kind: ObjectKind) -> Vec<ObjectRef<'_>> {
        match kind {
            ObjectKind::Secret => self.secrets.iter().map(ObjectRef::Secret).collect(),
            ObjectKind::Config => self.configs.iter().map(ObjectRef::Config).collect(),
        }
    }

    /// The secret or config with this ID.
    pub fn object(&self, kind: ObjectKind, id: &str) -> Option<ObjectRef<'_>> {
        self.objects(kind).into_iter().find(|o| o.id() == id)
    }
}

#[cfg(any(test, feature = "fixtures"))]
// test data for the tests of the crates above: a fixture that does not parse fails them loudly
#[allow(clippy::expect_used)]
pub mod fixtures;

#[cfg(test)]
mod tests {
    use super::fixtures::*;

    #[test]
    fn a_running_task_has_no_exit_code_yet() {
        use bollard_stubs::models::{ContainerStatus, TaskStatus};
        let task = |state, code| super::Task {
            status: Some(TaskStatus {
                state: Some(state),
                container_status: Some(ContainerStatus {
                    exit_code: Some(code),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        // the engine reports 0 while the container runs
        assert_eq!(
            super::task_exit_code(&task(super::TaskState::RUNNING, 0)),
            None
        );
        assert_eq!(
            super::task_exit_code(&task(super::TaskState::FAILED, 1)),
            Some(1)
        );
        assert_eq!(
            super::task_exit_code(&task(super::TaskState::COMPLETE, 0)),
            Some(0)
        );
    }

    #[test]
    fn summary_counts_down_nodes_and_degraded_services() {
        let c = sample();
        let s = c.summary();
        assert_eq!(s.nodes, 3);
        assert_eq!(s.nodes_down, 1);
        assert_eq!(s.managers, 1);
        assert_eq!(s.managers_reachable, 1);
        // node2 promoted while down: a manager in its spec only, not in the raft
        let mut c = c.clone();
        let mut nodes = c.nodes.clone();
        nodes[1].spec.as_mut().unwrap().role =
            Some(bollard_stubs::models::NodeSpecRoleEnum::MANAGER);
        c.set_nodes(nodes);
        let s = c.summary();
        assert_eq!((s.managers, s.managers_reachable), (1, 1));
        assert_eq!(s.services_degraded, 1);
        assert_eq!(s.quorum(), 1);
        assert_eq!(s.manager_losses_survivable(), 0);
    }

    #[test]
    fn task_names_follow_docker() {
        let c = sample();
        let names: Vec<_> = c.tasks.iter().map(|t| c.task_name(t)).collect();
        assert!(names.contains(&"web.1".to_string()), "{names:?}");
    }

    #[test]
    fn stacks_from_labels() {
        let c = sample();
        let st = c.stacks();
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].name, "shop");
        assert_eq!(st[0].services, 1);
    }
}
