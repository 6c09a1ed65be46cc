//! Where a task may run: swarmkit's scheduling filters (ready, resources, constraints, max
//! replicas per node) and its "no suitable node (...)" explanation when none fits.

use bollard::models::{Node, NodeSpecAvailabilityEnum, NodeSpecRoleEnum, NodeState, TaskSpec};

/// What is already placed on a node: active tasks and their reservations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NodeLoad {
    pub tasks: u32,
    pub nano_cpus: i64,
    pub memory: i64,
}

/// One placement constraint, e.g. `node.labels.zone==a` or `node.role != manager`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    key: String,
    equal: bool,
    value: String,
}

impl Constraint {
    pub fn parse(s: &str) -> Result<Constraint, String> {
        let (key, value, equal) = if let Some((k, v)) = s.split_once("==") {
            (k, v, true)
        } else if let Some((k, v)) = s.split_once("!=") {
            (k, v, false)
        } else {
            return Err(format!("invalid constraint {s:?}: expected == or !="));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("invalid constraint {s:?}: no key"));
        }
        Ok(Constraint {
            key: key.to_ascii_lowercase(),
            equal,
            value: value.trim().to_string(),
        })
    }

    fn node_value(&self, n: &Node) -> Option<String> {
        let spec = n.spec.as_ref();
        let desc = n.description.as_ref();
        match self.key.as_str() {
            "node.id" => n.id.clone(),
            "node.hostname" => desc.and_then(|d| d.hostname.clone()),
            "node.role" => spec.and_then(|s| s.role).map(|r| r.to_string()),
            "node.platform.os" => desc
                .and_then(|d| d.platform.as_ref())
                .and_then(|p| p.os.clone()),
            "node.platform.arch" => desc
                .and_then(|d| d.platform.as_ref())
                .and_then(|p| p.architecture.clone()),
            k => {
                if let Some(label) = k.strip_prefix("node.labels.") {
                    spec.and_then(|s| s.labels.as_ref())
                        .and_then(|l| l.iter().find(|(lk, _)| lk.eq_ignore_ascii_case(label)))
                        .map(|(_, v)| v.clone())
                } else if let Some(label) = k.strip_prefix("engine.labels.") {
                    desc.and_then(|d| d.engine.as_ref())
                        .and_then(|e| e.labels.as_ref())
                        .and_then(|l| l.iter().find(|(lk, _)| lk.eq_ignore_ascii_case(label)))
                        .map(|(_, v)| v.clone())
                } else {
                    None
                }
            }
        }
    }

    pub fn matches(&self, n: &Node) -> bool {
        let have = self.node_value(n);
        let eq = have.is_some_and(|v| v.eq_ignore_ascii_case(&self.value));
        if self.equal { eq } else { !eq }
    }
}

/// Why a node was passed over, in swarmkit's filter order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotReady,
    Resources,
    Constraints,
    MaxReplicas,
}

const ORDER: [Refusal; 4] = [
    Refusal::NotReady,
    Refusal::Resources,
    Refusal::Constraints,
    Refusal::MaxReplicas,
];

impl Refusal {
    fn explain(self, nodes: usize) -> String {
        let plural = if nodes == 1 { "node" } else { "nodes" };
        match self {
            Refusal::NotReady => format!("{nodes} {plural} not available for new tasks"),
            Refusal::Resources => format!("insufficient resources on {nodes} {plural}"),
            Refusal::Constraints => {
                format!("scheduling constraints not satisfied on {nodes} {plural}")
            }
            Refusal::MaxReplicas => "max replicas per node limit exceed".to_string(),
        }
    }
}

/// A task's placement needs, parsed once per decision.
#[derive(Debug, Clone, Default)]
pub struct Needs {
    pub constraints: Vec<Constraint>,
    pub max_replicas: Option<u32>,
    pub nano_cpus: i64,
    pub memory: i64,
}

impl Needs {
    pub fn of(spec: &TaskSpec) -> Needs {
        let placement = spec.placement.as_ref();
        let constraints = placement
            .and_then(|p| p.constraints.as_ref())
            .map(|cs| {
                cs.iter()
                    .filter_map(|c| Constraint::parse(c).ok())
                    .collect()
            })
            .unwrap_or_default();
        let max_replicas = placement
            .and_then(|p| p.max_replicas)
            .filter(|m| *m > 0)
            .map(|m| m as u32);
        let res = spec
            .resources
            .as_ref()
            .and_then(|r| r.reservations.as_ref());
        Needs {
            constraints,
            max_replicas,
            nano_cpus: res.and_then(|r| r.nano_cpus).unwrap_or(0),
            memory: res.and_then(|r| r.memory_bytes).unwrap_or(0),
        }
    }

    /// The first filter that refuses the node, if any. `same_service` is how many tasks of
    /// the same service the node already runs.
    pub fn check(&self, n: &Node, load: &NodeLoad, same_service: u32) -> Option<Refusal> {
        if !node_takes_tasks(n) {
            return Some(Refusal::NotReady);
        }
        if self.nano_cpus > 0 || self.memory > 0 {
            let r = n.description.as_ref().and_then(|d| d.resources.as_ref());
            let cpus = r.and_then(|r| r.nano_cpus).unwrap_or(0);
            let mem = r.and_then(|r| r.memory_bytes).unwrap_or(0);
            if load.nano_cpus + self.nano_cpus > cpus || load.memory + self.memory > mem {
                return Some(Refusal::Resources);
            }
        }
        if !self.constraints.iter().all(|c| c.matches(n)) {
            return Some(Refusal::Constraints);
        }
        if self.max_replicas.is_some_and(|m| same_service >= m) {
            return Some(Refusal::MaxReplicas);
        }
        None
    }

    /// Constraints alone, whatever the node's availability.
    pub fn constraints_ok(&self, n: &Node) -> bool {
        self.constraints.iter().all(|c| c.matches(n))
    }

    /// Whether the node may run this task at all, resources aside (global services).
    pub fn allows(&self, n: &Node) -> bool {
        node_takes_tasks(n) && self.constraints.iter().all(|c| c.matches(n))
    }
}

/// Ready and active: the scheduler's ReadyFilter.
pub fn node_takes_tasks(n: &Node) -> bool {
    let ready = n.status.as_ref().and_then(|s| s.state) == Some(NodeState::READY);
    let active =
        n.spec.as_ref().and_then(|s| s.availability) == Some(NodeSpecAvailabilityEnum::ACTIVE);
    ready && active
}

pub fn is_manager(n: &Node) -> bool {
    n.spec.as_ref().and_then(|s| s.role) == Some(NodeSpecRoleEnum::MANAGER)
}

/// `no suitable node (...)`, most frequent refusal first, as swarmkit words it.
pub fn explain(refusals: &[Refusal]) -> String {
    let mut counts: Vec<(Refusal, usize)> = ORDER
        .iter()
        .map(|r| (*r, refusals.iter().filter(|x| *x == r).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let parts: Vec<String> = counts.iter().map(|(r, n)| r.explain(*n)).collect();
    format!("no suitable node ({})", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use bollard::models::{NodeDescription, NodeSpec, NodeStatus, ResourceObject};

    use super::*;

    fn node(host: &str, role: NodeSpecRoleEnum, labels: &[(&str, &str)]) -> Node {
        Node {
            id: Some(format!("id-{host}")),
            spec: Some(NodeSpec {
                role: Some(role),
                availability: Some(NodeSpecAvailabilityEnum::ACTIVE),
                labels: Some(
                    labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect::<HashMap<_, _>>(),
                ),
                ..Default::default()
            }),
            description: Some(NodeDescription {
                hostname: Some(host.into()),
                resources: Some(ResourceObject {
                    nano_cpus: Some(2_000_000_000),
                    memory_bytes: Some(1 << 30),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            status: Some(NodeStatus {
                state: Some(NodeState::READY),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn constraints_match_labels_roles_and_hostnames() {
        let n = node("a", NodeSpecRoleEnum::WORKER, &[("zone", "eu")]);
        assert!(
            Constraint::parse("node.labels.zone==eu")
                .unwrap()
                .matches(&n)
        );
        assert!(
            Constraint::parse("node.labels.zone != us")
                .unwrap()
                .matches(&n)
        );
        assert!(
            !Constraint::parse("node.labels.gpu==true")
                .unwrap()
                .matches(&n)
        );
        assert!(
            Constraint::parse("node.labels.gpu!=true")
                .unwrap()
                .matches(&n)
        );
        assert!(Constraint::parse("node.role==worker").unwrap().matches(&n));
        assert!(Constraint::parse("node.hostname==a").unwrap().matches(&n));
        assert!(Constraint::parse("nonsense").is_err());
    }

    #[test]
    fn explanation_reads_like_swarmkit() {
        assert_eq!(
            explain(&[
                Refusal::Constraints,
                Refusal::Constraints,
                Refusal::Constraints
            ]),
            "no suitable node (scheduling constraints not satisfied on 3 nodes)"
        );
        assert_eq!(
            explain(&[
                Refusal::NotReady,
                Refusal::Constraints,
                Refusal::Constraints
            ]),
            "no suitable node (scheduling constraints not satisfied on 2 nodes; 1 node not available for new tasks)"
        );
    }

    #[test]
    fn resources_and_max_replicas() {
        let n = node("a", NodeSpecRoleEnum::WORKER, &[]);
        let needs = Needs {
            memory: 2 << 30,
            ..Default::default()
        };
        assert_eq!(
            needs.check(&n, &NodeLoad::default(), 0),
            Some(Refusal::Resources)
        );
        let needs = Needs {
            max_replicas: Some(1),
            ..Default::default()
        };
        assert_eq!(
            needs.check(&n, &NodeLoad::default(), 1),
            Some(Refusal::MaxReplicas)
        );
        assert_eq!(needs.check(&n, &NodeLoad::default(), 0), None);
    }
}
