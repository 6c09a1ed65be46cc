//! The reach view: every node's own engine, how swarmtop reaches it (the endpoint and where it
//! came from) and whether that works, in words.

use crate::node_data::NodeData;
use crate::rows::{Cell, Column, Row, Tone, col, grow};
use swarmtop_model::cluster::{Cluster, node_hostname, node_id};
use swarmtop_model::nodes::ReachState;

pub const COLUMNS: &[Column] = &[
    col("HOSTNAME", 8, 24, 1),
    col("ENDPOINT", 8, 70, 1),
    col("FROM", 4, 30, 3),
    grow("STATE", 10, 200, 1),
];

/// What a reach state says.
pub fn state_text(s: &ReachState) -> (String, Tone) {
    match s {
        ReachState::Unused => ("not needed yet".into(), Tone::Dim),
        ReachState::Connecting => ("connecting…".into(), Tone::Warn),
        ReachState::Reached { engine } => (format!("reached, engine {engine}"), Tone::Ok),
        ReachState::Failed(why) => (why.clone(), Tone::Bad),
    }
}

/// One row per node the swarm lists, in its order; the worker's word for each (a node it has
/// not reported yet is "not needed yet").
pub fn rows(c: &Cluster, nd: &NodeData) -> Vec<Row> {
    c.nodes
        .iter()
        .map(|n| {
            let id = node_id(n);
            let reach = nd.reach_of(id);
            let (state, tone) = state_text(reach.map_or(&ReachState::Unused, |r| &r.state));
            let (endpoint, source) = match reach {
                Some(r) if !r.endpoint.is_empty() => (r.endpoint.as_str(), r.source.as_str()),
                Some(r) => ("-", r.source.as_str()),
                None => ("", ""),
            };
            Row {
                id: id.to_string(),
                cells: vec![
                    Cell::text(node_hostname(n)),
                    Cell::text(endpoint),
                    Cell::text(source).tone(Tone::Dim),
                    Cell::text(state).tone(tone),
                ],
                tone: if tone == Tone::Bad {
                    Tone::Bad
                } else {
                    Tone::Normal
                },
            }
        })
        .collect()
}
