//! The problems pane: everything unhealthy, worst first, in words (see `cluster::problems`).

use crate::rows::{Cell, Column, Row, SortKey, Tone, col, grow};
use swarmtop_model::cluster::problems::{Problem, Severity};

pub const COLUMNS: &[Column] = &[
    col("SEV", 4, 4, 1),
    col("OBJECT", 8, 30, 2),
    grow("PROBLEM", 20, 400, 1),
    col("SINCE", 5, 5, 3),
];

pub fn rows(found: &[Problem]) -> Vec<Row> {
    found
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, p)| {
            let tone = match p.severity {
                Severity::Critical => Tone::Bad,
                Severity::Warning => Tone::Warn,
                Severity::Info => Tone::Dim,
            };
            let mut sev = Cell::text(p.severity.label()).tone(tone);
            // sorting by severity keeps worst first; ties keep the finder's order
            sev.sort = SortKey::Num(i as f64);
            Row {
                id: p.key,
                cells: vec![
                    sev,
                    Cell::text(p.object),
                    Cell::text(p.text).tone(if tone == Tone::Dim {
                        Tone::Normal
                    } else {
                        tone
                    }),
                    Cell::age(p.since),
                ],
                tone,
            }
        })
        .collect()
}
