//! The secrets and configs panes: `docker secret ls` / `docker config ls` plus which services
//! use each one. Data is never shown.

use std::collections::HashMap;

use bollard_stubs::models::Service;

use crate::rows::{Cell, Column, Row, Tone, col, grow};
use swarmtop_model::cluster::format::parse_time;
use swarmtop_model::cluster::{Cluster, ObjectKind, STACK_LABEL, service_name};

pub const COLUMNS: &[Column] = &[
    col("NAME", 8, 40, 1),
    grow("USED BY", 7, 60, 2),
    col("CREATED", 7, 7, 3),
    col("UPDATED", 7, 7, 3),
    col("STACK", 5, 20, 4),
    col("ID", 25, 25, 5),
];

/// Service names per secret/config ID.
fn users(services: &[Service], kind: ObjectKind) -> HashMap<String, Vec<String>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for s in services {
        for id in kind.used_by(s) {
            m.entry(id.to_string())
                .or_default()
                .push(service_name(s).to_string());
        }
    }
    m
}

#[allow(clippy::too_many_arguments)]
fn row(
    id: &str,
    name: &str,
    created: Option<&str>,
    updated: Option<&str>,
    labels: Option<&HashMap<String, String>>,
    used: Option<&Vec<String>>,
) -> Row {
    let used_text = used.map(|u| u.join(", ")).unwrap_or_default();
    let n_used = used.map(|u| u.len()).unwrap_or(0);
    Row {
        id: id.to_string(),
        cells: vec![
            Cell::text(name),
            Cell::num(n_used as f64, used_text).tone(if n_used == 0 {
                Tone::Dim
            } else {
                Tone::Normal
            }),
            Cell::age(created.and_then(parse_time)),
            Cell::age(updated.and_then(parse_time)),
            Cell::text(
                labels
                    .and_then(|l| l.get(STACK_LABEL))
                    .map(String::as_str)
                    .unwrap_or(""),
            )
            .tone(Tone::Dim),
            Cell::id(id),
        ],
        tone: Tone::Normal,
    }
}

/// The rows of the secrets or the configs pane, by name.
pub fn rows(c: &Cluster, kind: ObjectKind) -> Vec<Row> {
    let users = users(&c.services, kind);
    let mut v: Vec<Row> = c
        .objects(kind)
        .into_iter()
        .map(|o| {
            row(
                o.id(),
                o.name(),
                o.created(),
                o.updated(),
                o.labels(),
                users.get(o.id()),
            )
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
