//! The events pane: what changed in the swarm, newest first, in words.

use crate::rows::{Cell, Column, Row, Tone, col, grow};
use swarmtop_model::cluster::events::EventRow;

/// The event timeline, newest first.
pub type EventLog = std::collections::VecDeque<EventRow>;

pub const COLUMNS: &[Column] = &[
    col("UTC", 8, 8, 1),
    col("AGE", 3, 4, 3),
    col("TYPE", 4, 7, 2),
    grow("WHAT", 20, 300, 1),
];

pub fn rows(events: &EventLog) -> Vec<Row> {
    events
        .iter()
        .map(|e| {
            let tone = if e.alarming { Tone::Warn } else { Tone::Normal };
            Row {
                id: e.key.clone(),
                cells: vec![
                    Cell::num(
                        e.time.timestamp_nanos_opt().unwrap_or(0) as f64,
                        e.time.format("%H:%M:%S").to_string(),
                    )
                    .tone(Tone::Dim),
                    Cell::age(Some(e.time)),
                    Cell::text(e.kind).tone(Tone::Dim),
                    Cell::text(&e.text).tone(tone),
                ],
                tone,
            }
        })
        .collect()
}
