//! The tasks pane: `docker service ps` for all services, one service (with each slot's
//! history under its current task), or one node (with where replaced tasks run now).

use std::collections::HashMap;

use bollard::models::{Task, TaskState};

use crate::app::rows::{Cell, Column, Row, Tone, col, grow};
use crate::cluster::format::{image_short, parse_time, short_id, title};
use crate::cluster::{
    Cluster, task_desired_state, task_error, task_exit_code, task_image, task_is_active,
    task_state, task_timestamp,
};

pub const COLUMNS: &[Column] = &[
    col("NAME", 8, 30, 1),
    col("STATE", 7, 10, 1),
    col("NODE", 5, 20, 2),
    grow("ERROR", 5, 120, 2),
    col("EXIT", 4, 4, 3),
    col("AGE", 3, 4, 3),
    col("DESIRED", 7, 8, 4),
    col("IMAGE", 8, 40, 5),
    col("NOW ON", 6, 20, 6),
    col("ID", 12, 12, 7),
];

/// Which tasks the pane lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter<'a> {
    All,
    Service(&'a str),
    Node(&'a str),
}

pub fn state_tone(t: &Task) -> Tone {
    let st = task_state(t);
    let desired = task_desired_state(t);
    match st {
        TaskState::RUNNING => Tone::Ok,
        TaskState::FAILED | TaskState::REJECTED | TaskState::ORPHANED => Tone::Bad,
        TaskState::COMPLETE | TaskState::SHUTDOWN | TaskState::REMOVE => Tone::Dim,
        _ if desired <= TaskState::RUNNING => Tone::Warn,
        _ => Tone::Dim,
    }
}

/// Slot key: replicated tasks by slot, global tasks by node.
fn slot_key(t: &Task) -> (String, String) {
    let svc = t.service_id.clone().unwrap_or_default();
    match t.slot {
        Some(s) if s > 0 => (svc, format!("{s:08}")),
        _ => (svc, t.node_id.clone().unwrap_or_default()),
    }
}

fn is_current(t: &Task) -> bool {
    task_is_active(t)
}

pub fn rows(c: &Cluster, filter: Filter) -> Vec<Row> {
    let tasks: Vec<&Task> = c
        .tasks
        .iter()
        .filter(|t| match filter {
            Filter::All => true,
            Filter::Service(id) => t.service_id.as_deref() == Some(id),
            Filter::Node(id) => t.node_id.as_deref() == Some(id),
        })
        .collect();

    // the current task of every slot, to say where a replaced task's slot runs now
    let mut current_of_slot: HashMap<(String, String), &Task> = HashMap::new();
    for t in &c.tasks {
        if is_current(t) {
            current_of_slot.insert(slot_key(t), t);
        }
    }

    // order: service name, slot, current task first, then history newest first
    type Keyed<'a> = (
        String,
        String,
        bool,
        std::cmp::Reverse<Option<&'a str>>,
        &'a Task,
    );
    let mut keyed: Vec<Keyed> = tasks
        .iter()
        .map(|t| {
            let (svc, slot) = slot_key(t);
            (
                c.service_name_of(&svc).to_string(),
                slot,
                !is_current(t),
                std::cmp::Reverse(task_timestamp(t)),
                *t,
            )
        })
        .collect();
    keyed.sort_by(|a, b| (&a.0, &a.1, a.2, &a.3).cmp(&(&b.0, &b.1, b.2, &b.3)));

    let mut prev_slot: Option<(String, String)> = None;
    keyed
        .into_iter()
        .map(|(_, _, _, _, t)| {
            let key = slot_key(t);
            // on a node, a slot's tasks are not together: no history marks there
            let history = !matches!(filter, Filter::Node(_)) && prev_slot.as_ref() == Some(&key);
            prev_slot = Some(key.clone());
            let name = c.task_name(t);
            let shown = if history {
                format!(" \\_ {name}")
            } else {
                name
            };
            let node = t.node_id.as_deref().map(|n| c.node_name(n)).unwrap_or("");
            let now_on = if is_current(t) {
                String::new()
            } else {
                current_of_slot
                    .get(&key)
                    .filter(|cur| cur.id != t.id)
                    .and_then(|cur| cur.node_id.as_deref())
                    .map(|n| c.node_name(n).to_string())
                    .unwrap_or_default()
            };
            let exit = task_exit_code(t);
            let tone = state_tone(t);
            let err = task_error(t);
            Row {
                id: t.id.clone().unwrap_or_default(),
                cells: vec![
                    Cell::text(shown),
                    Cell::text(title(&task_state(t).to_string())).tone(tone),
                    Cell::text(node),
                    Cell::text(err).tone(if err.is_empty() {
                        Tone::Normal
                    } else {
                        Tone::Bad
                    }),
                    match exit {
                        Some(code) => Cell::num(code as f64, code.to_string()).tone(if code == 0 {
                            Tone::Dim
                        } else {
                            Tone::Bad
                        }),
                        None => Cell::num(-1.0, ""),
                    },
                    Cell::age(task_timestamp(t).and_then(parse_time)),
                    Cell::text(title(&task_desired_state(t).to_string())).tone(Tone::Dim),
                    Cell::text(image_short(task_image(t))).tone(Tone::Dim),
                    Cell::text(now_on),
                    Cell::text(short_id(t.id.as_deref().unwrap_or(""))).tone(Tone::Dim),
                ],
                tone: if history { Tone::Dim } else { tone },
            }
        })
        .collect()
}
