//! `swarmtop snapshot`: the cluster printed once, as JSON or tables, for scripts and tickets.
//! Metadata only: secret and config data are never included.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cluster::format::{image_short, manager_status, ports, short_id, title};
use crate::cluster::problems::{self, Severity};
use crate::cluster::{
    Cluster, ObjectKind, node_addr, node_availability, node_capacity, node_engine_version,
    node_hostname, node_id, node_role, node_state, service_counts, service_id, service_image,
    service_mode, service_name, service_stack, service_update_state, task_desired_state,
    task_error, task_exit_code, task_image, task_state, task_timestamp,
};

#[derive(Debug, Serialize)]
pub struct Snapshot {
    pub context: String,
    pub endpoint: String,
    pub engine: EngineDoc,
    pub swarm: SwarmDoc,
    /// What the problems view says, worst first: what is broken and why, in words.
    pub problems: Vec<ProblemDoc>,
    pub nodes: Vec<NodeDoc>,
    pub services: Vec<ServiceDoc>,
    pub tasks: Vec<TaskDoc>,
    pub stacks: Vec<StackDoc>,
    pub secrets: Vec<ObjectDoc>,
    pub configs: Vec<ObjectDoc>,
    pub networks: Vec<NetworkDoc>,
}

#[derive(Debug, Serialize)]
pub struct EngineDoc {
    pub version: String,
    pub api_version: String,
}

#[derive(Debug, Serialize)]
pub struct SwarmDoc {
    pub cluster_id: String,
    pub nodes: usize,
    pub nodes_ready: usize,
    pub nodes_down: usize,
    pub managers: usize,
    pub managers_reachable: usize,
    pub quorum: usize,
    pub services: usize,
    pub services_degraded: usize,
}

#[derive(Debug, Serialize)]
pub struct ProblemDoc {
    /// `critical`, `warning` or `info`.
    pub severity: &'static str,
    /// "node node3", "service api", "swarm".
    pub object: String,
    pub text: String,
    /// Since when, where known (RFC 3339).
    pub since: Option<String>,
}

impl ProblemDoc {
    fn all(c: &Cluster, now: DateTime<Utc>) -> Vec<ProblemDoc> {
        problems::find(c, now)
            .into_iter()
            .map(|p| ProblemDoc {
                severity: match p.severity {
                    Severity::Critical => "critical",
                    Severity::Warning => "warning",
                    Severity::Info => "info",
                },
                object: p.object,
                text: p.text,
                since: p.since.map(|t| t.to_rfc3339()),
            })
            .collect()
    }
}

#[derive(Debug, Serialize)]
pub struct NodeDoc {
    pub id: String,
    pub hostname: String,
    pub role: String,
    pub availability: String,
    pub status: String,
    pub manager_status: String,
    pub engine_version: String,
    pub address: String,
    pub cpus: f64,
    pub memory_bytes: i64,
    pub labels: HashMap<String, String>,
}

#[derive(Debug, Serialize)]
pub struct ServiceDoc {
    pub id: String,
    pub name: String,
    pub mode: String,
    pub replicas_running: u64,
    pub replicas_desired: u64,
    pub image: String,
    pub ports: String,
    pub stack: Option<String>,
    pub update_state: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TaskDoc {
    pub id: String,
    pub name: String,
    pub service_id: String,
    pub slot: Option<i64>,
    pub node_id: String,
    pub node: String,
    pub image: String,
    pub desired_state: String,
    pub state: String,
    pub error: String,
    pub exit_code: Option<i64>,
    pub timestamp: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct StackDoc {
    pub name: String,
    pub services: usize,
    pub networks: usize,
    pub secrets: usize,
    pub configs: usize,
}

#[derive(Debug, Serialize)]
pub struct ObjectDoc {
    pub id: String,
    pub name: String,
    pub created: Option<String>,
    pub updated: Option<String>,
    pub labels: HashMap<String, String>,
}

impl ObjectDoc {
    /// The secrets or the configs, metadata only.
    fn all(c: &Cluster, kind: ObjectKind) -> Vec<ObjectDoc> {
        c.objects(kind)
            .into_iter()
            .map(|o| ObjectDoc {
                id: o.id().to_string(),
                name: o.name().to_string(),
                created: o.created().map(str::to_string),
                updated: o.updated().map(str::to_string),
                labels: o.labels().cloned().unwrap_or_default(),
            })
            .collect()
    }
}

#[derive(Debug, Serialize)]
pub struct NetworkDoc {
    pub id: String,
    pub name: String,
    pub driver: String,
    pub scope: String,
    pub attachable: bool,
    pub ingress: bool,
}

impl Snapshot {
    /// The cluster as read at `now` (the problems' time windows count back from it).
    pub fn build(
        c: &Cluster,
        context: &str,
        endpoint: &str,
        version: &str,
        api: &str,
        now: DateTime<Utc>,
    ) -> Snapshot {
        let s = c.summary();
        let cluster_id = c
            .info
            .as_ref()
            .and_then(|i| i.swarm.as_ref())
            .and_then(|s| s.cluster.as_ref())
            .and_then(|c| c.id.clone())
            .unwrap_or_default();
        Snapshot {
            context: context.to_string(),
            endpoint: endpoint.to_string(),
            engine: EngineDoc {
                version: version.to_string(),
                api_version: api.to_string(),
            },
            swarm: SwarmDoc {
                cluster_id,
                nodes: s.nodes,
                nodes_ready: s.nodes_ready,
                nodes_down: s.nodes_down,
                managers: s.managers,
                managers_reachable: s.managers_reachable,
                quorum: s.quorum(),
                services: s.services,
                services_degraded: s.services_degraded,
            },
            problems: ProblemDoc::all(c, now),
            nodes: c
                .nodes
                .iter()
                .map(|n| {
                    let (cpus, mem) = node_capacity(n);
                    NodeDoc {
                        id: node_id(n).to_string(),
                        hostname: node_hostname(n).to_string(),
                        role: node_role(n).to_string(),
                        availability: node_availability(n).to_string(),
                        status: node_state(n).to_string(),
                        manager_status: manager_status(n).to_lowercase(),
                        engine_version: node_engine_version(n).to_string(),
                        address: node_addr(n).to_string(),
                        cpus,
                        memory_bytes: mem,
                        labels: n
                            .spec
                            .as_ref()
                            .and_then(|s| s.labels.clone())
                            .unwrap_or_default(),
                    }
                })
                .collect(),
            services: c
                .services
                .iter()
                .map(|x| {
                    let (running, desired) = service_counts(x);
                    ServiceDoc {
                        id: service_id(x).to_string(),
                        name: service_name(x).to_string(),
                        mode: service_mode(x).to_string(),
                        replicas_running: running,
                        replicas_desired: desired,
                        image: image_short(service_image(x)).to_string(),
                        ports: ports(x),
                        stack: service_stack(x).map(str::to_string),
                        update_state: service_update_state(x),
                    }
                })
                .collect(),
            tasks: c
                .tasks
                .iter()
                .map(|t| {
                    let node_id = t.node_id.clone().unwrap_or_default();
                    TaskDoc {
                        id: t.id.clone().unwrap_or_default(),
                        name: c.task_name(t),
                        service_id: t.service_id.clone().unwrap_or_default(),
                        slot: t.slot.filter(|s| *s > 0),
                        node: if node_id.is_empty() {
                            String::new()
                        } else {
                            c.node_name(&node_id).to_string()
                        },
                        node_id,
                        image: image_short(task_image(t)).to_string(),
                        desired_state: task_desired_state(t).to_string(),
                        state: task_state(t).to_string(),
                        error: task_error(t).to_string(),
                        exit_code: task_exit_code(t),
                        timestamp: task_timestamp(t).map(str::to_string),
                    }
                })
                .collect(),
            stacks: c
                .stacks()
                .into_iter()
                .map(|s| StackDoc {
                    name: s.name,
                    services: s.services,
                    networks: s.networks,
                    secrets: s.secrets,
                    configs: s.configs,
                })
                .collect(),
            secrets: ObjectDoc::all(c, ObjectKind::Secret),
            configs: ObjectDoc::all(c, ObjectKind::Config),
            networks: c
                .networks
                .iter()
                .map(|n| NetworkDoc {
                    id: n.id.clone().unwrap_or_default(),
                    name: n.name.clone().unwrap_or_default(),
                    driver: n.driver.clone().unwrap_or_default(),
                    scope: n.scope.clone().unwrap_or_default(),
                    attachable: n.attachable.unwrap_or(false),
                    ingress: n.ingress.unwrap_or(false),
                })
                .collect(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// Sections like the docker CLI's `ls` commands.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "swarmtop snapshot of {} ({}), engine {} API {}",
            self.endpoint, self.context, self.engine.version, self.engine.api_version
        );
        let _ = writeln!(
            out,
            "nodes {} ({} down) · managers {}/{} reachable, quorum {} · services {} ({} degraded)\n",
            self.swarm.nodes,
            self.swarm.nodes_down,
            self.swarm.managers_reachable,
            self.swarm.managers,
            self.swarm.quorum,
            self.swarm.services,
            self.swarm.services_degraded
        );
        if self.problems.is_empty() {
            out.push_str("PROBLEMS\nnone found\n\n");
        } else {
            section(
                &mut out,
                "PROBLEMS",
                &["SEVERITY", "OBJECT", "PROBLEM"],
                self.problems
                    .iter()
                    .map(|p| vec![p.severity.to_string(), p.object.clone(), p.text.clone()])
                    .collect(),
            );
        }
        section(
            &mut out,
            "NODES",
            &[
                "ID",
                "HOSTNAME",
                "STATUS",
                "AVAILABILITY",
                "MANAGER STATUS",
                "ENGINE VERSION",
            ],
            self.nodes
                .iter()
                .map(|n| {
                    vec![
                        n.id.clone(),
                        n.hostname.clone(),
                        title(&n.status),
                        title(&n.availability),
                        title(&n.manager_status),
                        n.engine_version.clone(),
                    ]
                })
                .collect(),
        );
        section(
            &mut out,
            "SERVICES",
            &["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"],
            self.services
                .iter()
                .map(|s| {
                    vec![
                        short_id(&s.id).to_string(),
                        s.name.clone(),
                        s.mode.clone(),
                        format!("{}/{}", s.replicas_running, s.replicas_desired),
                        s.image.clone(),
                        s.ports.clone(),
                    ]
                })
                .collect(),
        );
        section(
            &mut out,
            "TASKS",
            &[
                "ID",
                "NAME",
                "IMAGE",
                "NODE",
                "DESIRED STATE",
                "CURRENT STATE",
                "ERROR",
            ],
            self.tasks
                .iter()
                .map(|t| {
                    vec![
                        short_id(&t.id).to_string(),
                        t.name.clone(),
                        t.image.clone(),
                        t.node.clone(),
                        title(&t.desired_state),
                        title(&t.state),
                        t.error.clone(),
                    ]
                })
                .collect(),
        );
        section(
            &mut out,
            "STACKS",
            &["NAME", "SERVICES"],
            self.stacks
                .iter()
                .map(|s| vec![s.name.clone(), s.services.to_string()])
                .collect(),
        );
        for (name, list) in [("SECRETS", &self.secrets), ("CONFIGS", &self.configs)] {
            section(
                &mut out,
                name,
                &["ID", "NAME", "CREATED", "UPDATED"],
                list.iter()
                    .map(|s| {
                        vec![
                            s.id.clone(),
                            s.name.clone(),
                            s.created.clone().unwrap_or_default(),
                            s.updated.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            );
        }
        section(
            &mut out,
            "NETWORKS",
            &["NETWORK ID", "NAME", "DRIVER", "SCOPE"],
            self.networks
                .iter()
                .map(|n| {
                    vec![
                        short_id(&n.id).to_string(),
                        n.name.clone(),
                        n.driver.clone(),
                        n.scope.clone(),
                    ]
                })
                .collect(),
        );
        out
    }
}

fn section(out: &mut String, name: &str, header: &[&str], rows: Vec<Vec<String>>) {
    let _ = writeln!(out, "{name}");
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                l.push_str(c);
            } else {
                let _ = write!(l, "{c:<w$}   ", w = widths[i]);
            }
        }
        l.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(header.to_vec()));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::fixtures::sample;

    /// The sample cluster's "now" (its failures are recent at that time).
    fn now() -> DateTime<Utc> {
        crate::cluster::fixtures::NOW
            .parse()
            .expect("the fixture's time")
    }

    #[test]
    fn json_has_what_scripts_need_and_no_data() {
        let snap = Snapshot::build(&sample(), "default", "unix:///x", "20.10.24", "1.41", now());
        let v: serde_json::Value = serde_json::from_str(&snap.to_json()).unwrap();
        assert_eq!(v["nodes"][0]["hostname"], "node1");
        assert_eq!(v["nodes"][0]["manager_status"], "leader");
        assert_eq!(v["services"][1]["replicas_running"], 1);
        assert_eq!(v["services"][1]["stack"], "shop");
        assert_eq!(
            v["tasks"][5]["error"],
            "no suitable node (scheduling constraints not satisfied on 3 nodes)"
        );
        assert_eq!(v["stacks"][0]["name"], "shop");
        assert!(v["secrets"][0].get("data").is_none());
        // the problems view's words, worst first
        let problems = v["problems"].as_array().unwrap();
        assert_eq!(problems[0]["severity"], "warning");
        assert_eq!(problems[0]["object"], "node node3");
        assert!(
            problems.iter().any(|p| p["text"]
                .as_str()
                .unwrap()
                .contains("no suitable node (scheduling constraints")),
            "{problems:?}"
        );
    }

    #[test]
    fn table_snapshot() {
        let snap = Snapshot::build(&sample(), "default", "unix:///x", "20.10.24", "1.41", now());
        insta::assert_snapshot!(snap.to_table());
    }
}
