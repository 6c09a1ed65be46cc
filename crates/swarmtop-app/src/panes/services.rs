//! The services pane: `docker service ls` plus update state and age.

use super::usage;
use crate::node_data::NodeData;
use crate::rows::{Cell, Column, Row, Tone, col, grow};
use swarmtop_model::cluster::format::{image_short, parse_time, ports, replicas};
use swarmtop_model::cluster::{
    Cluster, service_counts, service_id, service_image, service_mode, service_name, service_stack,
    service_update_state,
};

pub const COLUMNS: &[Column] = &[
    col("NAME", 8, 40, 1),
    col("MODE", 6, 14, 3),
    col("REPLICAS", 8, 24, 1),
    usage::CPU,
    usage::MEM,
    grow("IMAGE", 10, 60, 2),
    col("UPDATE", 6, 18, 2),
    col("PORTS", 5, 30, 4),
    col("STACK", 5, 20, 5),
    col("AGE", 3, 4, 4),
    col("ID", 12, 12, 6),
];

/// `stack`: only the services of that stack.
pub fn rows(c: &Cluster, nd: &NodeData, stack: Option<&str>) -> Vec<Row> {
    let mut v: Vec<Row> = c
        .services
        .iter()
        .filter(|s| stack.is_none() || service_stack(s) == stack)
        .map(|s| {
            let (running, desired) = service_counts(s);
            let job = service_mode(s).ends_with("job");
            let rep_tone = if job {
                Tone::Normal
            } else if running == 0 && desired > 0 {
                Tone::Bad
            } else if running < desired {
                Tone::Warn
            } else {
                Tone::Ok
            };
            let update = service_update_state(s).unwrap_or_default();
            let up_tone = match update.as_str() {
                "paused" | "rollback_paused" => Tone::Bad,
                "updating" | "rollback_started" => Tone::Warn,
                _ => Tone::Dim,
            };
            let tone = if matches!(rep_tone, Tone::Bad) || matches!(up_tone, Tone::Bad) {
                Tone::Bad
            } else if matches!(rep_tone, Tone::Warn) || matches!(up_tone, Tone::Warn) {
                Tone::Warn
            } else {
                Tone::Normal
            };
            let rep = replicas(s);
            let [cpu, mem] = usage::sum_cells(nd.by_service.get(service_id(s)));
            Row {
                id: service_id(s).to_string(),
                cells: vec![
                    Cell::text(service_name(s)),
                    Cell::text(service_mode(s)),
                    Cell::num(
                        // sort by health: the most missing tasks first when ascending
                        running as f64 - desired as f64,
                        rep,
                    )
                    .tone(rep_tone),
                    cpu,
                    mem,
                    Cell::text(image_short(service_image(s))),
                    Cell::text(update).tone(up_tone),
                    Cell::text(ports(s)),
                    Cell::text(service_stack(s).unwrap_or("")).tone(Tone::Dim),
                    Cell::age(s.updated_at.as_deref().and_then(parse_time)),
                    Cell::text(swarmtop_model::cluster::format::short_id(service_id(s)))
                        .tone(Tone::Dim),
                ],
                tone,
            }
        })
        .collect();
    v.sort_by(|a, b| {
        a.cells[0]
            .sort_key()
            .partial_cmp(&b.cells[0].sort_key())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    v
}
