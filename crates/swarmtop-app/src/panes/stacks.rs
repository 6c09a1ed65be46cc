//! The stacks pane: `docker stack ls`, with health and the objects each stack owns.

use crate::rows::{Cell, Column, Row, Tone, col};
use swarmtop_model::cluster::Cluster;

pub const COLUMNS: &[Column] = &[
    col("NAME", 8, 40, 1),
    col("SERVICES", 8, 8, 1),
    col("DEGRADED", 8, 8, 1),
    col("NETWORKS", 8, 8, 2),
    col("SECRETS", 7, 7, 3),
    col("CONFIGS", 7, 7, 3),
    col("ORCHESTRATOR", 12, 12, 4),
];

pub fn rows(c: &Cluster) -> Vec<Row> {
    c.stacks()
        .into_iter()
        .map(|s| {
            let tone = if s.services_degraded > 0 {
                Tone::Warn
            } else {
                Tone::Normal
            };
            let n = |x: usize| Cell::num(x as f64, x.to_string());
            Row {
                id: s.name.clone(),
                cells: vec![
                    Cell::text(&s.name),
                    n(s.services),
                    n(s.services_degraded).tone(if s.services_degraded > 0 {
                        Tone::Bad
                    } else {
                        Tone::Dim
                    }),
                    n(s.networks),
                    n(s.secrets),
                    n(s.configs),
                    Cell::text("Swarm").tone(Tone::Dim),
                ],
                tone,
            }
        })
        .collect()
}
