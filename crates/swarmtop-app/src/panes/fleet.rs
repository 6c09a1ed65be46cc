//! The fleet view (`:fleet`): one line per swarm, its health as it answered (see
//! `swarmtop_model::fleet`); the session's own context marked.

use crate::rows::{Cell, Column, Row, SortKey, Tone, col, grow};
use swarmtop_model::cluster::problems::Severity;
use swarmtop_model::fleet::{Line, Quorum, Status, cells};

/// The fleet as last checked (`State::fleet`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fleet {
    /// The check whose answers are taken.
    pub generation: u64,
    pub lines: Vec<Line>,
}

pub const COLUMNS: &[Column] = &[
    col("NAME", 6, 24, 1),
    col("STATE", 5, 11, 1),
    col("NODES", 5, 12, 1),
    col("MGR", 3, 7, 1),
    col("QUORUM", 6, 7, 1),
    col("DEGRADED", 8, 10, 1),
    col("ENDPOINT", 8, 40, 4),
    grow("WORST PROBLEM", 16, 400, 1),
];

/// The state's tone, and the order "worst first" sorts by.
fn tone(s: &Status) -> (Tone, u8) {
    match s {
        Status::Checking => (Tone::Dim, 4),
        Status::Unreachable(_) => (Tone::Bad, 0),
        Status::NotManager(_) => (Tone::Warn, 2),
        Status::Swarm(h) => match h.severity() {
            Some(Severity::Critical) => (Tone::Bad, 1),
            Some(Severity::Warning) => (Tone::Warn, 2),
            _ => (Tone::Ok, 3),
        },
    }
}

/// One row per line, in the list's order; `current`: the session's context, marked `*`.
pub fn rows(lines: &[Line], current: &str) -> Vec<Row> {
    lines
        .iter()
        .map(|l| {
            let (t, rank) = tone(&l.status);
            let [state, nodes, mgr, quorum, degraded, worst] = cells(&l.status);
            let mark = if l.name == current { "*" } else { " " };
            let mut name = Cell::text(format!("{mark}{}", l.name));
            name.sort = SortKey::Text(l.name.clone());
            let mut state = Cell::text(state).tone(t);
            state.sort = SortKey::Num(rank as f64);
            let (nodes_tone, quorum_tone, degraded_tone) = match &l.status {
                Status::Swarm(h) => (
                    if h.nodes_down > 0 {
                        Tone::Warn
                    } else {
                        Tone::Normal
                    },
                    match h.quorum() {
                        Quorum::Lost => Tone::Bad,
                        Quorum::Edge if h.managers > 1 => Tone::Warn,
                        _ => Tone::Normal,
                    },
                    if h.degraded > 0 {
                        Tone::Warn
                    } else {
                        Tone::Normal
                    },
                ),
                _ => (Tone::Dim, Tone::Dim, Tone::Dim),
            };
            Row {
                id: l.name.clone(),
                cells: vec![
                    name,
                    state,
                    Cell::text(nodes).tone(nodes_tone),
                    Cell::text(mgr),
                    Cell::text(quorum).tone(quorum_tone),
                    Cell::text(degraded).tone(degraded_tone),
                    Cell::text(l.endpoint.clone()).tone(Tone::Dim),
                    Cell::text(worst).tone(if t == Tone::Ok { Tone::Normal } else { t }),
                ],
                tone: match t {
                    Tone::Bad => Tone::Bad,
                    _ => Tone::Normal,
                },
            }
        })
        .collect()
}
