//! Changes through the API to nodes and services: version checks ("update out of sequence"),
//! the defaults the engine fills in, and the update events it publishes with what changed. The
//! swarm's reaction to a change is in `scheduler.rs`.

use std::collections::HashMap;
use std::sync::Arc;

use bollard::models::{
    EventMessageTypeEnum, ManagerStatus, Node, NodeSpec, NodeSpecRoleEnum, NodeState, Reachability,
    Service, ServiceSpec, ServiceUpdateStatus, ServiceUpdateStatusStateEnum, TaskSpec, TaskState,
};

use super::model::{
    Fate, Model, SimError, SimService, image_of, node_hostname, version, version_of,
};
use super::time::{Nanos, rfc3339};

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

/// The fields of a service an update event reports on.
struct ServiceFacts {
    image: String,
    replicas: Option<i64>,
    update: Option<ServiceUpdateStatusStateEnum>,
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

impl Model {
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
        if id == self.local_node && new_role == Some(NodeSpecRoleEnum::WORKER) {
            // the simulator answers as this manager; it cannot stop being one
            return Err(SimError::Invalid(
                "the simulator answers as this manager: demote another one".into(),
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
}
