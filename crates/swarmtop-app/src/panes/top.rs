//! The top view: the running tasks of the swarm with their containers' figures as
//! `docker stats` writes them, busiest first.

use bollard_stubs::models::TaskState;

use super::usage;
use crate::node_data::NodeData;
use crate::rows::{Cell, Column, Row, Tone, col};
use swarmtop_model::cluster::{Cluster, task_state};

/// At 80 columns: task, node, CPU, memory and network (the service is in the task's name, so
/// it goes first).
pub const COLUMNS: &[Column] = &[
    col("TASK", 8, 30, 1),
    col("SERVICE", 7, 20, 6),
    col("NODE", 4, 16, 2),
    col("CPU %", 5, 8, 1),
    col("MEM", 3, 9, 1),
    col("MEM %", 5, 7, 2),
    col("NET I/O", 7, 19, 3),
    col("BLOCK I/O", 9, 19, 5),
    col("PIDS", 4, 5, 4),
];

/// The column the view sorts by at first (`CPU %`, descending).
pub const DEFAULT_SORT: usize = 3;

/// Every running task, in name order (the view sorts them by CPU).
pub fn rows(c: &Cluster, nd: &NodeData) -> Vec<Row> {
    let mut rows: Vec<Row> = c
        .tasks
        .iter()
        .filter(|t| matches!(task_state(t), TaskState::RUNNING | TaskState::STARTING))
        .map(|t| {
            let id = t.id.as_deref().unwrap_or("");
            let node_id = t.node_id.as_deref().unwrap_or("");
            let service = c.service_name_of(t.service_id.as_deref().unwrap_or(""));
            let mut cells = vec![
                Cell::text(c.task_name(t)),
                Cell::text(service).tone(Tone::Dim),
                Cell::text(c.node_name(node_id)),
            ];
            match nd.usage.get(id) {
                Some(u) => {
                    let s = &u.sample;
                    let [cpu, _mem_limit, mem_pct, net, block, pids] = s.columns();
                    let mem = swarmtop_model::stats::bytes_binary(s.mem_used());
                    cells.extend([
                        Cell::num(s.cpu_percent(), cpu),
                        Cell::num(s.mem_used() as f64, mem),
                        Cell::num(s.mem_percent(), mem_pct),
                        Cell::num((s.net_rx + s.net_tx) as f64, net).tone(Tone::Dim),
                        Cell::num((s.blk_read + s.blk_write) as f64, block).tone(Tone::Dim),
                        Cell::num(s.pids as f64, pids),
                    ]);
                }
                None => {
                    let p = None;
                    cells.push(usage::cpu(p, nd, node_id));
                    for _ in 0..5 {
                        cells.push(Cell::num(-1.0, "").tone(Tone::Dim));
                    }
                }
            }
            Row {
                id: id.to_string(),
                cells,
                tone: Tone::Normal,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        a.cells[0]
            .sort_key()
            .partial_cmp(&b.cells[0].sort_key())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    rows
}
