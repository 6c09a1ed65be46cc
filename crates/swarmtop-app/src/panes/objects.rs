//! The secrets and configs panes: `docker secret ls` / `docker config ls` plus which services
//! use each one. Data is never shown.

use std::collections::HashMap;

use bollard_stubs::models::{Config, Secret, Service};

use crate::rows::{Cell, Column, Row, Tone, col, grow};
use swarmtop_model::cluster::format::parse_time;
use swarmtop_model::cluster::{Cluster, STACK_LABEL, service_name};

pub const COLUMNS: &[Column] = &[
    col("NAME", 8, 40, 1),
    grow("USED BY", 7, 60, 2),
    col("CREATED", 7, 7, 3),
    col("UPDATED", 7, 7, 3),
    col("STACK", 5, 20, 4),
    col("ID", 25, 25, 5),
];

#[derive(Clone, Copy)]
enum Kind {
    Secret,
    Config,
}

/// Service names per secret/config ID.
fn users(services: &[Service], kind: Kind) -> HashMap<String, Vec<String>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for s in services {
        let cs = s
            .spec
            .as_ref()
            .and_then(|sp| sp.task_template.as_ref())
            .and_then(|t| t.container_spec.as_ref());
        let ids: Vec<String> = match (kind, cs) {
            (Kind::Secret, Some(cs)) => cs
                .secrets
                .iter()
                .flatten()
                .filter_map(|r| r.secret_id.clone())
                .collect(),
            (Kind::Config, Some(cs)) => cs
                .configs
                .iter()
                .flatten()
                .filter_map(|r| r.config_id.clone())
                .collect(),
            _ => Vec::new(),
        };
        for id in ids {
            m.entry(id).or_default().push(service_name(s).to_string());
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
            Cell::text(id).tone(Tone::Dim),
        ],
        tone: Tone::Normal,
    }
}

/// What secrets and configs share: their rows are made alike.
struct Meta<'a> {
    id: &'a str,
    name: &'a str,
    created: Option<&'a str>,
    updated: Option<&'a str>,
    labels: Option<&'a HashMap<String, String>>,
}

fn object_rows<'a>(
    metas: impl Iterator<Item = Meta<'a>>,
    users: &HashMap<String, Vec<String>>,
) -> Vec<Row> {
    let mut v: Vec<Row> = metas
        .map(|m| {
            row(
                m.id,
                m.name,
                m.created,
                m.updated,
                m.labels,
                users.get(m.id),
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

pub fn secret_rows(c: &Cluster) -> Vec<Row> {
    let metas = c.secrets.iter().map(|x: &Secret| {
        let spec = x.spec.as_ref();
        Meta {
            id: x.id.as_deref().unwrap_or(""),
            name: spec.and_then(|s| s.name.as_deref()).unwrap_or(""),
            created: x.created_at.as_deref(),
            updated: x.updated_at.as_deref(),
            labels: spec.and_then(|s| s.labels.as_ref()),
        }
    });
    object_rows(metas, &users(&c.services, Kind::Secret))
}

pub fn config_rows(c: &Cluster) -> Vec<Row> {
    let metas = c.configs.iter().map(|x: &Config| {
        let spec = x.spec.as_ref();
        Meta {
            id: x.id.as_deref().unwrap_or(""),
            name: spec.and_then(|s| s.name.as_deref()).unwrap_or(""),
            created: x.created_at.as_deref(),
            updated: x.updated_at.as_deref(),
            labels: spec.and_then(|s| s.labels.as_ref()),
        }
    });
    object_rows(metas, &users(&c.services, Kind::Config))
}
