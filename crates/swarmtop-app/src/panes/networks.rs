//! The networks pane: `docker network ls --filter scope=swarm` plus subnets and users.

use std::collections::HashMap;

use crate::rows::{Cell, Column, Row, Tone, col, grow};
use swarmtop_model::cluster::format::short_id;
use swarmtop_model::cluster::{Cluster, STACK_LABEL, service_name};

pub const COLUMNS: &[Column] = &[
    col("NAME", 8, 40, 1),
    col("DRIVER", 6, 10, 2),
    col("SCOPE", 5, 6, 4),
    col("SUBNET", 6, 20, 2),
    col("ATTACH", 6, 6, 3),
    col("INGRESS", 7, 7, 3),
    grow("USED BY", 7, 60, 3),
    col("STACK", 5, 20, 5),
    col("ID", 12, 12, 6),
];

pub fn rows(c: &Cluster) -> Vec<Row> {
    // services attached to each network (by ID)
    let mut users: HashMap<String, Vec<String>> = HashMap::new();
    for s in &c.services {
        let nets = s
            .spec
            .as_ref()
            .and_then(|sp| sp.task_template.as_ref())
            .and_then(|t| t.networks.as_ref());
        for n in nets.into_iter().flatten() {
            if let Some(t) = &n.target {
                users
                    .entry(t.clone())
                    .or_default()
                    .push(service_name(s).to_string());
            }
        }
    }
    let mut v: Vec<Row> = c
        .networks
        .iter()
        .map(|n| {
            let id = n.id.clone().unwrap_or_default();
            let name = n.name.clone().unwrap_or_default();
            let subnet = n
                .ipam
                .as_ref()
                .and_then(|i| i.config.as_ref())
                .and_then(|c| c.first())
                .and_then(|c| c.subnet.clone())
                .unwrap_or_default();
            let yes = |b: Option<bool>| if b.unwrap_or(false) { "yes" } else { "" };
            let used = users
                .get(&id)
                .or_else(|| users.get(&name))
                .map(|u| u.join(", "))
                .unwrap_or_default();
            Row {
                cells: vec![
                    Cell::text(&name),
                    Cell::text(n.driver.clone().unwrap_or_default()),
                    Cell::text(n.scope.clone().unwrap_or_default()).tone(Tone::Dim),
                    Cell::text(subnet),
                    Cell::text(yes(n.attachable)),
                    Cell::text(yes(n.ingress)),
                    Cell::text(used),
                    Cell::text(
                        n.labels
                            .as_ref()
                            .and_then(|l| l.get(STACK_LABEL))
                            .cloned()
                            .unwrap_or_default(),
                    )
                    .tone(Tone::Dim),
                    Cell::id(short_id(&id)),
                ],
                id,
                tone: Tone::Normal,
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
