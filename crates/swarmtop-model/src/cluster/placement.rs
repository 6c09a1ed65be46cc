//! Where a task may run: placement constraints (`node.labels.zone==eu`, `node.role!=manager`,
//! ...), resource reservations and max replicas per node, checked against nodes. Used to say
//! before a drain which tasks no other node can take, and why.

use std::collections::HashMap;

use bollard_stubs::models::{Node, NodeSpecAvailabilityEnum, NodeState, Service};

use super::{
    Cluster, Task, node_availability, node_capacity, node_hostname, node_id, node_role, node_state,
    task_is_active,
};

/// One constraint, e.g. `node.labels.zone == eu`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub key: String,
    pub equal: bool,
    pub value: String,
}

impl Constraint {
    pub fn parse(s: &str) -> Option<Constraint> {
        let (key, equal, value) = if let Some((k, v)) = s.split_once("!=") {
            (k, false, v)
        } else if let Some((k, v)) = s.split_once("==") {
            (k, true, v)
        } else {
            return None;
        };
        Some(Constraint {
            key: key.trim().to_string(),
            equal,
            value: value.trim().to_string(),
        })
    }

    /// The node's value for the key; None when the node has no such label.
    fn node_value(&self, n: &Node) -> Option<String> {
        let k = self.key.as_str();
        let labels =
            |m: Option<&HashMap<String, String>>, key: &str| m.and_then(|m| m.get(key)).cloned();
        match k {
            "node.id" => Some(node_id(n).to_string()),
            "node.hostname" => Some(node_hostname(n).to_string()),
            "node.role" => Some(node_role(n).to_string()),
            "node.platform.os" => n
                .description
                .as_ref()
                .and_then(|d| d.platform.as_ref())
                .and_then(|p| p.os.clone()),
            "node.platform.arch" => n
                .description
                .as_ref()
                .and_then(|d| d.platform.as_ref())
                .and_then(|p| p.architecture.clone()),
            _ => {
                if let Some(l) = k.strip_prefix("node.labels.") {
                    labels(n.spec.as_ref().and_then(|s| s.labels.as_ref()), l)
                } else if let Some(l) = k.strip_prefix("engine.labels.") {
                    labels(
                        n.description
                            .as_ref()
                            .and_then(|d| d.engine.as_ref())
                            .and_then(|e| e.labels.as_ref()),
                        l,
                    )
                } else {
                    None
                }
            }
        }
    }

    /// As swarm does: values compare case-insensitively, a missing label never equals.
    pub fn matches(&self, n: &Node) -> bool {
        match self.node_value(n) {
            Some(v) => v.eq_ignore_ascii_case(&self.value) == self.equal,
            None => !self.equal,
        }
    }
}

impl std::fmt::Display for Constraint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}{}",
            self.key,
            if self.equal { "==" } else { "!=" },
            self.value
        )
    }
}

pub fn service_constraints(s: &Service) -> Vec<Constraint> {
    s.spec
        .as_ref()
        .and_then(|sp| sp.task_template.as_ref())
        .and_then(|t| t.placement.as_ref())
        .and_then(|p| p.constraints.as_ref())
        .map(|c| c.iter().filter_map(|x| Constraint::parse(x)).collect())
        .unwrap_or_default()
}

fn reservations(s: &Service) -> (i64, i64) {
    let r = s
        .spec
        .as_ref()
        .and_then(|sp| sp.task_template.as_ref())
        .and_then(|t| t.resources.as_ref())
        .and_then(|r| r.reservations.as_ref());
    (
        r.and_then(|r| r.nano_cpus).unwrap_or(0),
        r.and_then(|r| r.memory_bytes).unwrap_or(0),
    )
}

fn max_per_node(s: &Service) -> Option<i64> {
    s.spec
        .as_ref()
        .and_then(|sp| sp.task_template.as_ref())
        .and_then(|t| t.placement.as_ref())
        .and_then(|p| p.max_replicas)
        .filter(|m| *m > 0)
}

/// Why a node cannot take a task of `s`, or None when it can.
pub fn refusal(
    c: &Cluster,
    s: &Service,
    n: &Node,
    extra: &HashMap<String, (i64, i64, usize)>,
) -> Option<String> {
    if node_state(n) != NodeState::READY {
        return Some(format!("{} is {}", node_hostname(n), node_state(n)));
    }
    if node_availability(n) != NodeSpecAvailabilityEnum::ACTIVE {
        return Some(format!("{} is {}", node_hostname(n), node_availability(n)));
    }
    if let Some(k) = service_constraints(s).iter().find(|k| !k.matches(n)) {
        return Some(format!("constraint {k}"));
    }
    let sid = s.id.as_deref().unwrap_or("");
    let (cpu_need, mem_need) = reservations(s);
    let id = node_id(n);
    // what the node's running tasks already reserve, plus what this plan puts there
    let mut cpu_used = 0;
    let mut mem_used = 0;
    let mut same_service = 0usize;
    for t in c.tasks_on_node(id).filter(|t| task_is_active(t)) {
        if let Some(ts) = t.service_id.as_deref().and_then(|x| c.service_by_id(x)) {
            let (cpu, mem) = reservations(ts);
            cpu_used += cpu;
            mem_used += mem;
        }
        if t.service_id.as_deref() == Some(sid) {
            same_service += 1;
        }
    }
    if let Some((cpu, mem, n_same)) = extra.get(id) {
        cpu_used += cpu;
        mem_used += mem;
        same_service += n_same;
    }
    if let Some(max) = max_per_node(s)
        && same_service as i64 >= max
    {
        return Some(format!("max {max} replica(s) per node"));
    }
    let (cpus, mem) = node_capacity(n);
    let cpu_cap = (cpus * 1e9) as i64;
    if cpu_need > 0 && cpu_used + cpu_need > cpu_cap {
        return Some("not enough CPU to reserve".into());
    }
    if mem_need > 0 && mem_used + mem_need > mem {
        return Some("not enough memory to reserve".into());
    }
    None
}

/// What happens to one task when its node is drained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// Another node can take it (how many could).
    Moves { candidates: usize },
    /// No node can: the task will stay pending, and why for each kind of node.
    Stuck { reasons: Vec<String> },
    /// A global service simply has no task on a drained node.
    GlobalLost,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrainItem {
    pub task: String,
    pub service: String,
    pub outcome: Move,
}

/// The tasks on `node_id` and where each would go if the node were drained (or down).
pub fn drain_preview(c: &Cluster, node_id_: &str) -> Vec<DrainItem> {
    let mut out = Vec::new();
    // reservations and replicas the moved tasks add to the nodes they land on, in order
    let mut extra: HashMap<String, (i64, i64, usize)> = HashMap::new();
    let mut tasks: Vec<&Task> = c
        .tasks_on_node(node_id_)
        .filter(|t| task_is_active(t))
        .collect();
    tasks.sort_by_key(|t| c.task_name(t));
    for t in tasks {
        let Some(s) = t.service_id.as_deref().and_then(|x| c.service_by_id(x)) else {
            continue;
        };
        let name = c.task_name(t);
        let service = super::service_name(s).to_string();
        if super::service_mode(s).starts_with("global") {
            out.push(DrainItem {
                task: name,
                service,
                outcome: Move::GlobalLost,
            });
            continue;
        }
        let mut reasons: Vec<String> = Vec::new();
        let mut fit: Vec<&Node> = Vec::new();
        for n in c.nodes.iter().filter(|n| node_id(n) != node_id_) {
            match refusal(c, s, n, &extra) {
                None => fit.push(n),
                Some(r) => reasons.push(format!("{}: {r}", node_hostname(n))),
            }
        }
        match fit.first() {
            Some(first) => {
                // assume the scheduler picks a fitting node; count it there for the next tasks
                let e = extra.entry(node_id(first).to_string()).or_default();
                let (cpu, mem) = reservations(s);
                e.0 += cpu;
                e.1 += mem;
                e.2 += 1;
                out.push(DrainItem {
                    task: name,
                    service,
                    outcome: Move::Moves {
                        candidates: fit.len(),
                    },
                });
            }
            None => out.push(DrainItem {
                task: name,
                service,
                outcome: Move::Stuck { reasons },
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::sample;
    use super::*;

    #[test]
    fn constraints_parse_and_match_labels_roles_and_hostnames() {
        let c = sample();
        let node1 = &c.nodes[0];
        assert!(
            Constraint::parse("node.labels.zone==eu")
                .unwrap()
                .matches(node1)
        );
        assert!(
            !Constraint::parse("node.labels.zone==us")
                .unwrap()
                .matches(node1)
        );
        assert!(
            Constraint::parse("node.labels.missing!=x")
                .unwrap()
                .matches(node1)
        );
        assert!(
            Constraint::parse("node.role == manager")
                .unwrap()
                .matches(node1)
        );
        assert!(
            Constraint::parse("node.hostname!=node1")
                .unwrap()
                .matches(&c.nodes[1])
        );
        assert!(Constraint::parse("nonsense").is_none());
    }

    #[test]
    fn drain_preview_says_what_moves_and_what_is_stuck() {
        let c = sample();
        // draining node1: web.1 can go to node2 (node3 is down); shop_api.1 needs zone==us:
        // nobody has it; monitor is global
        let p = drain_preview(&c, "n1aaaaaaaaaaaaaaaaaaaaaaa");
        let get = |t: &str| {
            p.iter()
                .find(|i| i.task.starts_with(t))
                .unwrap()
                .outcome
                .clone()
        };
        assert_eq!(get("web.1"), Move::Moves { candidates: 1 });
        match get("shop_api.1") {
            Move::Stuck { reasons } => {
                assert!(
                    reasons
                        .iter()
                        .any(|r| r.contains("node2: constraint node.labels.zone==us")),
                    "{reasons:?}"
                );
                assert!(
                    reasons.iter().any(|r| r.contains("node3 is down")),
                    "{reasons:?}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(get("monitor"), Move::GlobalLost);
    }
}
