//! The usage and health cells the nodes, services, tasks and top panes share: figures as
//! `docker stats` writes them, sorted as numbers; empty while unknown, `n/a` when the node's
//! engine cannot be reached (the reach view and describe say why).

use crate::node_data::{NodeData, Point, Sum, cpu_text, missing_text};
use crate::rows::{Cell, Column, Tone, col};
use swarmtop_model::nodes::Health;
use swarmtop_model::stats::bytes_binary;

/// A task's CPU %, memory and health.
pub const CPU: Column = col("CPU", 3, 6, 2).when_known();
pub const MEM: Column = col("MEM", 3, 9, 2).when_known();
pub const HEALTH: Column = col("HEALTH", 6, 9, 2).when_known();

/// Unknown sorts below every reading (first ascending, last descending: `O` puts the busiest
/// on top).
const UNKNOWN: f64 = -1.0;

fn missing(nd: &NodeData, node_id: &str) -> Cell {
    Cell::num(UNKNOWN, missing_text(nd, node_id)).tone(Tone::Dim)
}

/// A reading's CPU % cell.
pub fn cpu(p: Option<Point>, nd: &NodeData, node_id: &str) -> Cell {
    match p {
        Some(p) => Cell::num(p.cpu, cpu_text(p.cpu)),
        None => missing(nd, node_id),
    }
}

/// A reading's memory cell (`12.5MiB`).
pub fn mem(p: Option<Point>, nd: &NodeData, node_id: &str) -> Cell {
    match p {
        Some(p) => Cell::num(p.mem as f64, bytes_binary(p.mem)),
        None => missing(nd, node_id),
    }
}

pub fn health(h: Health) -> Cell {
    let tone = match h {
        Health::None => Tone::Normal,
        Health::Starting => Tone::Warn,
        Health::Healthy => Tone::Ok,
        Health::Unhealthy => Tone::Bad,
    };
    // worst last ascending: `O` puts the unhealthy on top
    let rank = match h {
        Health::None => 0.0,
        Health::Healthy => 1.0,
        Health::Starting => 2.0,
        Health::Unhealthy => 3.0,
    };
    Cell::num(rank, h.word()).tone(tone)
}

/// A service's summed CPU % and memory (empty when none of its tasks was read).
pub fn sum_cells(s: Option<&Sum>) -> [Cell; 2] {
    match s {
        Some(s) => [
            Cell::num(s.cpu, cpu_text(s.cpu)),
            Cell::num(s.mem as f64, bytes_binary(s.mem)),
        ],
        None => [
            Cell::num(UNKNOWN, "").tone(Tone::Dim),
            Cell::num(UNKNOWN, "").tone(Tone::Dim),
        ],
    }
}

/// A node's summed usage against its capacity: CPU as a share of its CPUs (`37%/2`), memory
/// as used of all (`1.2GiB/7.8GiB`); the capacity alone while nothing was read (`2`), `n/a`
/// when its engine cannot be reached.
pub fn node_cells(nd: &NodeData, node_id: &str, cpus: f64, mem_bytes: i64) -> [Cell; 2] {
    let mem_total = mem_bytes.max(0) as u64;
    let cap_cpu = format!("{cpus:.0}");
    let cap_mem = bytes_binary(mem_total);
    if nd.unreachable(node_id).is_some() {
        return [
            Cell::num(UNKNOWN, "n/a").tone(Tone::Dim),
            Cell::num(UNKNOWN, "n/a").tone(Tone::Dim),
        ];
    }
    match nd.by_node.get(node_id) {
        Some(s) => {
            let cpu_share = if cpus > 0.0 { s.cpu / cpus } else { s.cpu };
            let mem_share = if mem_total > 0 {
                s.mem as f64 / mem_total as f64 * 100.0
            } else {
                0.0
            };
            let tone = |pct: f64| {
                if pct >= 90.0 {
                    Tone::Bad
                } else if pct >= 75.0 {
                    Tone::Warn
                } else {
                    Tone::Normal
                }
            };
            [
                Cell::num(cpu_share, format!("{cpu_share:.0}%/{cap_cpu}")).tone(tone(cpu_share)),
                Cell::num(mem_share, format!("{}/{cap_mem}", bytes_binary(s.mem)))
                    .tone(tone(mem_share)),
            ]
        }
        // nothing read: the capacity, as the pane showed before the nodes were reached
        None => [
            Cell::num(UNKNOWN, cap_cpu),
            Cell::num(UNKNOWN, swarmtop_model::cluster::format::bytes(mem_bytes)),
        ],
    }
}
