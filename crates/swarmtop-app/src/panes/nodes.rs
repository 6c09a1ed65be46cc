//! The nodes pane: `docker node ls` plus what triage needs (capacity, tasks, address).

use foldhash::{HashMap, HashMapExt};

use bollard_stubs::models::{NodeSpecAvailabilityEnum, NodeState, TaskState};

use super::usage;
use crate::node_data::NodeData;
use crate::rows::{Cell, Column, Row, Tone, col};
use swarmtop_model::cluster::format::{manager_status, title};
use swarmtop_model::cluster::{
    Cluster, node_addr, node_availability, node_capacity, node_engine_version, node_hostname,
    node_id, node_state, task_state,
};

pub const COLUMNS: &[Column] = &[
    col("HOSTNAME", 8, 24, 1),
    col("STATUS", 6, 12, 1),
    col("AVAILABILITY", 6, 12, 2),
    col("MANAGER", 7, 11, 2),
    col("ENGINE", 6, 16, 4),
    col("TASKS", 5, 5, 3),
    col("CPU", 3, 8, 3),
    col("MEMORY", 6, 17, 3),
    col("ADDRESS", 7, 15, 6),
    col("ID", 12, 25, 7),
];

pub fn rows(c: &Cluster, nd: &NodeData) -> Vec<Row> {
    // running tasks per node, from whatever tasks are loaded
    let mut running: HashMap<&str, usize> = HashMap::new();
    for t in &c.tasks {
        if task_state(t) == TaskState::RUNNING
            && let Some(n) = t.node_id.as_deref()
        {
            *running.entry(n).or_default() += 1;
        }
    }
    let have_tasks = !c.tasks.is_empty();
    // by hostname, as people name and look for them (node2 before node10); the engine lists
    // nodes in no order a person expects
    let mut nodes: Vec<_> = c.nodes.iter().collect();
    nodes.sort_by(|a, b| {
        by_name(node_hostname(a), node_hostname(b)).then_with(|| node_id(a).cmp(node_id(b)))
    });
    nodes
        .into_iter()
        .map(|n| {
            let state = node_state(n);
            let avail = node_availability(n);
            let state_tone = match state {
                NodeState::READY => Tone::Ok,
                _ => Tone::Bad,
            };
            let avail_tone = match avail {
                NodeSpecAvailabilityEnum::ACTIVE => Tone::Normal,
                _ => Tone::Warn,
            };
            let mgr = manager_status(n);
            let mgr_tone = match mgr {
                "Unreachable" | "Unknown" => Tone::Bad,
                _ => Tone::Normal,
            };
            let (cpus, mem) = node_capacity(n);
            let [cpu, mem] = usage::node_cells(nd, node_id(n), cpus, mem);
            let tasks = running.get(node_id(n)).copied().unwrap_or(0);
            let tone = [state_tone, mgr_tone, avail_tone]
                .into_iter()
                .find(|t| matches!(t, Tone::Bad | Tone::Warn))
                .unwrap_or(Tone::Normal);
            Row {
                id: node_id(n).to_string(),
                cells: vec![
                    Cell::text(node_hostname(n)),
                    Cell::text(title(&state.to_string())).tone(state_tone),
                    Cell::text(title(avail.as_ref())).tone(avail_tone),
                    Cell::text(mgr).tone(mgr_tone),
                    Cell::text(node_engine_version(n)),
                    if have_tasks {
                        Cell::num(tasks as f64, tasks.to_string())
                    } else {
                        Cell::num(-1.0, "-").tone(Tone::Dim)
                    },
                    cpu,
                    mem,
                    Cell::text(node_addr(n)).tone(Tone::Dim),
                    Cell::id(node_id(n)),
                ],
                tone,
            }
        })
        .collect()
}

/// Names in the order a person reads them: runs of digits compare as numbers.
fn by_name(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut n = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        n.push(c);
                        it.next();
                    }
                    n
                };
                let (m, n) = (take(&mut x), take(&mut y));
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let o = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                let o = c.cmp(&d);
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
                x.next();
                y.next();
            }
        }
    }
}

#[cfg(test)]
mod order_tests {
    use super::by_name;

    #[test]
    fn nodes_are_listed_as_people_count() {
        let mut v = vec!["node10", "node2", "manager-1", "node1", "node02b"];
        v.sort_by(|a, b| by_name(a, b));
        assert_eq!(v, ["manager-1", "node1", "node2", "node02b", "node10"]);
    }
}
