//! The nodes pane: `docker node ls` plus what triage needs (capacity, tasks, address).

use std::collections::HashMap;

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
    c.nodes
        .iter()
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
                    Cell::text(node_id(n)).tone(Tone::Dim),
                ],
                tone,
            }
        })
        .collect()
}
