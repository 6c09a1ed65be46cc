//! Guards in front of actions that can hurt the cluster: the raft quorum (demoting managers)
//! and what a drain would leave unscheduled. Pure: they read the cluster, they do not act.

use bollard_stubs::models::{NodeSpecRoleEnum, Reachability};

use crate::cluster::placement::{Move, drain_preview};
use crate::cluster::{Cluster, node_hostname, node_reachability, node_role};

/// The verdict on changing the managers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuorumVerdict {
    /// Safe; the lines say how it stands before and after.
    Ok(Vec<String>),
    /// It would lose quorum; the lines explain. An explicit override may still do it.
    Refuse(Vec<String>),
    /// Never possible (the last manager, not a manager).
    Impossible(String),
}

fn tolerance(managers: usize) -> usize {
    managers.saturating_sub(1) / 2
}

/// What demoting `node_id` does to the raft quorum.
pub fn demote_check(c: &Cluster, node_id: &str) -> QuorumVerdict {
    let Some(n) = c.node_by_id(node_id) else {
        return QuorumVerdict::Impossible("that node is gone".into());
    };
    let name = node_hostname(n);
    if node_role(n) != NodeSpecRoleEnum::MANAGER {
        return QuorumVerdict::Impossible(format!("{name} is not a manager"));
    }
    let s = c.summary();
    if s.managers <= 1 {
        return QuorumVerdict::Impossible(format!(
            "{name} is the only manager: demoting it would leave the swarm without a manager (promote another node first)"
        ));
    }
    let reachable = node_reachability(n) == Some(Reachability::REACHABLE);
    let after_managers = s.managers - 1;
    let after_reachable = s.managers_reachable - usize::from(reachable);
    let after_quorum = after_managers / 2 + 1;
    let now = format!(
        "now: {} of {} managers reachable, quorum {}",
        s.managers_reachable,
        s.managers,
        s.quorum()
    );
    let after =
        format!("after: {after_reachable} of {after_managers} reachable, quorum {after_quorum}");
    if after_reachable < after_quorum {
        return QuorumVerdict::Refuse(vec![
            format!(
                "Demoting {name} would LOSE the raft quorum: no change could be made to the swarm until managers come back."
            ),
            now,
            after,
        ]);
    }
    let tail = match tolerance(after_managers) {
        0 => "afterwards the swarm survives no manager loss".to_string(),
        k => format!(
            "afterwards the swarm survives {k} manager loss{}",
            if k == 1 { "" } else { "es" }
        ),
    };
    QuorumVerdict::Ok(vec![now, format!("{after}: {tail}")])
}

/// What promoting `node_id` does, in words.
pub fn promote_info(c: &Cluster, node_id: &str) -> Vec<String> {
    let s = c.summary();
    let after = s.managers + 1;
    let mut lines = vec![format!(
        "managers: {} now, {after} after; quorum {} after",
        s.managers,
        after / 2 + 1
    )];
    if after.is_multiple_of(2) {
        lines.push(format!(
            "note: {after} managers survive no more losses than {}: an odd number is best",
            after - 1
        ));
    }
    if let Some(n) = c.node_by_id(node_id)
        && node_role(n) == NodeSpecRoleEnum::MANAGER
    {
        lines.push(format!("{} is already a manager", node_hostname(n)));
    }
    lines
}

/// The drain confirmation: what moves, what would stay pending and why, and global tasks.
pub fn drain_lines(c: &Cluster, node_id: &str) -> (Vec<String>, bool) {
    let items = drain_preview(c, node_id);
    let name = c.node_name(node_id).to_string();
    let mut lines = Vec::new();
    let mut stuck = false;
    if items.is_empty() {
        lines.push(format!("No task runs on {name}: nothing moves."));
    } else {
        lines.push(format!("{} task(s) on {name}:", items.len()));
    }
    for i in &items {
        lines.push(match &i.outcome {
            Move::Moves { candidates } => format!(
                "  {} moves ({candidates} other node{} can take it)",
                i.task,
                if *candidates == 1 { "" } else { "s" }
            ),
            Move::GlobalLost => format!("  {} (global): no task on {name} while drained", i.task),
            Move::Stuck { reasons } => {
                stuck = true;
                let why = if reasons.is_empty() {
                    "there is no other node".to_string()
                } else {
                    reasons.join("; ")
                };
                format!("  {} WOULD STAY PENDING: {why}", i.task)
            }
        });
    }
    if let Some(n) = c.node_by_id(node_id)
        && node_role(n) == NodeSpecRoleEnum::MANAGER
    {
        let s = c.summary();
        lines.push(format!(
            "{name} is a manager: draining moves its tasks but it stays in the raft ({} of {} managers reachable, quorum {}).",
            s.managers_reachable,
            s.managers,
            s.quorum()
        ));
    }
    (lines, stuck)
}

#[cfg(test)]
mod tests {
    use bollard_stubs::models::ManagerStatus;

    use super::*;
    use crate::cluster::fixtures::sample;

    fn managers(c: &mut Cluster, reach: &[bool]) {
        let mut nodes = c.nodes.clone();
        for (n, r) in nodes.iter_mut().zip(reach) {
            n.spec.as_mut().unwrap().role = Some(NodeSpecRoleEnum::MANAGER);
            n.manager_status = Some(ManagerStatus {
                leader: Some(false),
                reachability: Some(if *r {
                    Reachability::REACHABLE
                } else {
                    Reachability::UNREACHABLE
                }),
                addr: None,
            });
        }
        c.set_nodes(nodes);
    }

    #[test]
    fn the_only_manager_cannot_be_demoted() {
        let c = sample();
        match demote_check(&c, "n1aaaaaaaaaaaaaaaaaaaaaaa") {
            QuorumVerdict::Impossible(why) => assert!(why.contains("only manager"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn demoting_when_a_manager_is_already_down_loses_quorum() {
        let mut c = sample();
        managers(&mut c, &[true, true, false]);
        // 3 managers, 2 reachable: demoting a reachable one leaves 1 of 2, quorum 2
        match demote_check(&c, "n1aaaaaaaaaaaaaaaaaaaaaaa") {
            QuorumVerdict::Refuse(lines) => {
                assert!(lines[0].contains("LOSE the raft quorum"), "{lines:?}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn demoting_one_of_three_healthy_managers_is_ok() {
        let mut c = sample();
        managers(&mut c, &[true, true, true]);
        match demote_check(&c, "n2bbbbbbbbbbbbbbbbbbbbbbb") {
            QuorumVerdict::Ok(lines) => {
                assert!(lines[1].contains("survives no manager loss"), "{lines:?}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn drain_lines_name_the_stuck_task_and_why() {
        let c = sample();
        let (lines, stuck) = drain_lines(&c, "n1aaaaaaaaaaaaaaaaaaaaaaa");
        assert!(stuck);
        let text = lines.join("\n");
        assert!(
            text.contains("shop_api.1 WOULD STAY PENDING: node2: constraint node.labels.zone==us"),
            "{text}"
        );
        assert!(text.contains("is a manager"), "{text}");
    }
}
