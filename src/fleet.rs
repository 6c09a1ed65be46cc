//! Every swarm at a glance: `swarmtop fleet` (a table or JSON, when every answer is in) and
//! the checks behind `:fleet` (each line sent to the UI as its answer comes). The reading is
//! `swarmtop_engine::fleet`'s; this is where it meets the terminal and the UI's channel.

use std::fmt::Write as _;

use serde::Serialize;
use tokio::sync::mpsc;

use crate::app::Msg;
use crate::cli::Format;
use crate::config::Files;
use crate::connect::ProcessEnv;
use swarmtop_engine::fleet::{DEADLINE, Target, check_all, targets};
use swarmtop_model::cluster::problems::Severity;
use swarmtop_model::fleet::{Health, Line, Quorum, Status, Via, cells};

/// The fleet config.yaml lists, or every docker context.
pub fn lines_to_check(files: &Files) -> Vec<Target> {
    let (config, _) = files.config_file();
    targets(&config.fleet, &ProcessEnv)
}

/// `swarmtop fleet`: every swarm checked at once, printed when all have answered (or timed
/// out), in the list's order.
pub async fn command(files: &Files, format: Format) -> String {
    let targets = lines_to_check(files);
    let mut lines: Vec<Line> = targets.iter().map(|t| t.line.clone()).collect();
    check_all(&targets, DEADLINE, |i, s| {
        if let Some(l) = lines.get_mut(i) {
            l.status = s;
        }
    })
    .await;
    match format {
        Format::Table => table(&lines),
        Format::Json => json(&lines),
    }
}

/// `:fleet`: the lines at once (each "checking…"), then each answer as it comes, tagged with
/// `generation` so that answers of an earlier check are not taken for this one's.
pub fn start(files: &Files, generation: u64, tx: mpsc::Sender<Msg>) -> tokio::task::JoinHandle<()> {
    let targets = lines_to_check(files);
    let lines: Vec<Line> = targets.iter().map(|t| t.line.clone()).collect();
    tokio::spawn(async move {
        if tx.send(Msg::FleetLines(generation, lines)).await.is_err() {
            return;
        }
        let (atx, mut arx) = mpsc::unbounded_channel();
        let checks = async move {
            check_all(&targets, DEADLINE, |i, s| {
                let _ = atx.send((i, s));
            })
            .await;
        };
        let forward = async {
            while let Some((index, status)) = arx.recv().await {
                let msg = Msg::FleetAnswer {
                    generation,
                    index,
                    status,
                };
                if tx.send(msg).await.is_err() {
                    break;
                }
            }
        };
        tokio::join!(checks, forward);
    })
}

const HEADERS: [&str; 8] = [
    "NAME",
    "ENDPOINT",
    "STATE",
    "NODES",
    "MGR",
    "QUORUM",
    "DEGRADED",
    "WORST PROBLEM",
];

/// Columns like `docker context ls`: padded to the widest cell, the last one free.
pub fn table(lines: &[Line]) -> String {
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            let mut r = vec![l.name.clone(), l.endpoint.clone()];
            r.extend(cells(&l.status));
            r
        })
        .collect();
    let mut widths: Vec<usize> = HEADERS.iter().map(|h| h.len()).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut put = |cells: Vec<&str>| {
        let last = cells.len() - 1;
        let mut line = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == last {
                line.push_str(c);
            } else {
                let _ = write!(line, "{c:<w$}   ", w = widths[i]);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    };
    put(HEADERS.to_vec());
    for r in &rows {
        put(r.iter().map(String::as_str).collect());
    }
    out
}

#[derive(Serialize)]
struct LineDoc<'a> {
    name: &'a str,
    endpoint: &'a str,
    /// `context` or `host`: what `--context`/`--host` would reach it with.
    context: Option<&'a str>,
    host: Option<&'a str>,
    /// `ok`, `warning`, `critical`, `not_a_manager`, `unreachable`.
    state: &'static str,
    /// Why it is unreachable or no manager.
    reason: Option<&'a str>,
    swarm: Option<SwarmDoc<'a>>,
}

#[derive(Serialize)]
struct SwarmDoc<'a> {
    engine: &'a str,
    nodes: usize,
    nodes_down: usize,
    managers: usize,
    managers_reachable: usize,
    /// `ok`, `one_more_loss_loses_it`, `lost`.
    quorum: &'static str,
    services: usize,
    services_degraded: usize,
    problems: usize,
    /// The problems view's first line.
    worst_problem: Option<ProblemDoc<'a>>,
}

#[derive(Serialize)]
struct ProblemDoc<'a> {
    severity: &'static str,
    text: &'a str,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn swarm_doc(h: &Health) -> SwarmDoc<'_> {
    SwarmDoc {
        engine: &h.engine,
        nodes: h.nodes,
        nodes_down: h.nodes_down,
        managers: h.managers,
        managers_reachable: h.managers_reachable,
        quorum: match h.quorum() {
            Quorum::Ok => "ok",
            Quorum::Edge => "one_more_loss_loses_it",
            Quorum::Lost => "lost",
        },
        services: h.services,
        services_degraded: h.degraded,
        problems: h.worst.as_ref().map_or(0, |w| w.of),
        worst_problem: h.worst.as_ref().map(|w| ProblemDoc {
            severity: severity(w.severity),
            text: &w.text,
        }),
    }
}

pub fn json(lines: &[Line]) -> String {
    let docs: Vec<LineDoc> = lines
        .iter()
        .map(|l| {
            let (state, reason, swarm) = match &l.status {
                Status::Swarm(h) => (
                    match h.severity() {
                        None | Some(Severity::Info) => "ok",
                        Some(Severity::Warning) => "warning",
                        Some(Severity::Critical) => "critical",
                    },
                    None,
                    Some(swarm_doc(h)),
                ),
                Status::NotManager(why) => ("not_a_manager", Some(why.as_str()), None),
                Status::Unreachable(why) => ("unreachable", Some(why.as_str()), None),
                Status::Checking => ("unreachable", None, None),
            };
            LineDoc {
                name: &l.name,
                endpoint: &l.endpoint,
                context: match &l.via {
                    Via::Context(c) => Some(c),
                    Via::Host(_) => None,
                },
                host: match &l.via {
                    Via::Host(h) => Some(h),
                    Via::Context(_) => None,
                },
                state,
                reason,
                swarm,
            }
        })
        .collect();
    serde_json::to_string_pretty(&docs).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use swarmtop_model::fleet::Worst;

    fn lines() -> Vec<Line> {
        let h = Health {
            nodes: 3,
            nodes_down: 1,
            managers: 3,
            managers_reachable: 2,
            services: 4,
            degraded: 1,
            worst: Some(Worst {
                severity: Severity::Critical,
                text: "manager node3 is down".into(),
                of: 2,
            }),
            engine: "26.1.5".into(),
        };
        vec![
            Line {
                name: "prod".into(),
                endpoint: "ssh://root@prod-1".into(),
                via: Via::Context("prod".into()),
                status: Status::Swarm(Box::new(h)),
            },
            Line {
                name: "gone".into(),
                endpoint: "tcp://10.0.0.9:2375".into(),
                via: Via::Host("tcp://10.0.0.9:2375".into()),
                status: Status::Unreachable("no answer within 5 s".into()),
            },
        ]
    }

    #[test]
    fn the_table_has_a_line_per_swarm_in_words() {
        let t = table(&lines());
        let rows: Vec<&str> = t.lines().collect();
        assert_eq!(rows.len(), 3, "{t}");
        assert!(rows[0].starts_with("NAME   ENDPOINT"), "{t}");
        assert!(
            rows[1].contains("CRIT")
                && rows[1].contains("3, 1 down")
                && rows[1].contains("2/3")
                && rows[1].contains("at risk")
                && rows[1].contains("1 of 4")
                && rows[1].ends_with("manager node3 is down (+1 more)"),
            "{t}"
        );
        assert!(
            rows[2].contains("unreachable") && rows[2].ends_with("no answer within 5 s"),
            "{t}"
        );
    }

    #[test]
    fn json_says_state_reason_and_figures() {
        let v: serde_json::Value = serde_json::from_str(&json(&lines())).unwrap();
        assert_eq!(v[0]["state"], "critical");
        assert_eq!(v[0]["context"], "prod");
        assert_eq!(v[0]["swarm"]["quorum"], "one_more_loss_loses_it");
        assert_eq!(
            v[0]["swarm"]["worst_problem"]["text"],
            "manager node3 is down"
        );
        assert_eq!(v[1]["state"], "unreachable");
        assert_eq!(v[1]["host"], "tcp://10.0.0.9:2375");
        assert_eq!(v[1]["reason"], "no answer within 5 s");
        assert!(v[1]["swarm"].is_null());
    }
}
