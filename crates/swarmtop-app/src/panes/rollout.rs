//! The rollout view: one service's rolling update or rollback, slot by slot: which task runs
//! the new spec and which the old, their states and errors, and the overall progress counted
//! the way `docker service update` counts it (cli/command/service/progress): per slot, the
//! up-to-date task with the lowest desired state; a slot is done when that task runs.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};

use bollard_stubs::models::{NodeState, TaskState};

use crate::rows::{Cell, Column, Row, Tone, col, grow};
use swarmtop_model::cluster::format::{image_short, parse_time, short_id, title};
use swarmtop_model::cluster::{
    Cluster, Task, node_state, service_mode, service_spec_replicas, task_desired_state, task_error,
    task_image, task_is_active, task_state, task_timestamp,
};

use super::tasks::state_tone;

pub const COLUMNS: &[Column] = &[
    col("SLOT", 4, 20, 1),
    col("PROGRESS", 8, 24, 1),
    col("STATE", 7, 10, 1),
    col("NODE", 5, 20, 2),
    grow("ERROR", 5, 120, 2),
    col("AGE", 3, 4, 3),
    col("IMAGE", 8, 40, 4),
    col("TASK", 12, 12, 5),
];

fn terminal(s: TaskState) -> bool {
    s > TaskState::RUNNING
}

/// Slot key: the slot number, or the node for global services.
fn slot_of(t: &Task) -> String {
    match t.slot {
        Some(s) if s > 0 => format!("{s:06}"),
        _ => t.node_id.clone().unwrap_or_default(),
    }
}

/// The CLI's pick of a slot's task among the up-to-date ones.
fn pick_new<'a>(c: &Cluster, tasks: &'a [Task]) -> BTreeMap<String, &'a Task> {
    let mut by_slot: BTreeMap<String, &Task> = BTreeMap::new();
    // a rollback's target spec is the old one: its shut-down tasks count as up to date too,
    // but only tasks the orchestrator still wants say anything about progress
    for t in tasks.iter().filter(|t| !terminal(task_desired_state(t))) {
        if let Some(n) = t.node_id.as_deref().and_then(|n| c.node_by_id(n))
            && node_state(n) == NodeState::DOWN
        {
            continue;
        }
        let key = slot_of(t);
        let better = match by_slot.get(&key) {
            None => true,
            Some(e) => {
                let (ed, td) = (task_desired_state(e), task_desired_state(t));
                td < ed || (td == ed && task_state(t) < task_state(e))
            }
        };
        if better {
            by_slot.insert(key, t);
        }
    }
    by_slot
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Slots whose up-to-date task runs.
    pub done: u64,
    pub total: u64,
    pub state: String,
    pub message: String,
}

/// How long after a failure of a slot's new task its next one running is not "done" yet: a
/// crash-looping task runs for seconds between failures, and was called done, the count
/// flipping between 0/3 and 1/3.
const SETTLE_SECONDS: i64 = 60;

/// The slot's up-to-date tasks that failed in the last minute.
fn recent_failures(up: &[Task], slot: &str, now: DateTime<Utc>) -> usize {
    up.iter()
        .filter(|t| slot_of(t) == slot)
        .filter(|t| matches!(task_state(t), TaskState::FAILED | TaskState::REJECTED))
        .filter(|t| {
            task_timestamp(t)
                .and_then(parse_time)
                .is_some_and(|ts| (now - ts).num_seconds() < SETTLE_SECONDS)
        })
        .count()
}

pub fn progress(
    c: &Cluster,
    service_id: &str,
    up: Option<&Vec<Task>>,
    now: DateTime<Utc>,
) -> Option<Progress> {
    let s = c.service_by_id(service_id)?;
    let empty = Vec::new();
    let up = up.unwrap_or(&empty);
    let picked = pick_new(c, up);
    let done = picked
        .iter()
        .filter(|(slot, t)| {
            !terminal(task_desired_state(t))
                && task_state(t) == TaskState::RUNNING
                && recent_failures(up, slot, now) == 0
        })
        .count() as u64;
    let total = match service_mode(s) {
        "replicated" => service_spec_replicas(s).unwrap_or(0).max(0) as u64,
        _ => picked.len().max(done as usize) as u64,
    };
    let u = s.update_status.as_ref();
    Some(Progress {
        done,
        total,
        state: u
            .and_then(|u| u.state)
            .map(|x| x.to_string())
            .filter(|x| !x.is_empty())
            .unwrap_or_else(|| "no update yet".into()),
        message: u.and_then(|u| u.message.clone()).unwrap_or_default(),
    })
}

pub fn rows(c: &Cluster, service_id: &str, up: Option<&Vec<Task>>, now: DateTime<Utc>) -> Vec<Row> {
    let empty = Vec::new();
    let up_tasks = up.unwrap_or(&empty);
    let new_ids: HashSet<&str> = up_tasks.iter().filter_map(|t| t.id.as_deref()).collect();
    let picked = pick_new(c, up_tasks);
    // the old spec's tasks still active, per slot
    let mut old: BTreeMap<String, &Task> = BTreeMap::new();
    for t in c.tasks.iter().filter(|t| {
        t.service_id.as_deref() == Some(service_id)
            && task_is_active(t)
            && !new_ids.contains(t.id.as_deref().unwrap_or(""))
    }) {
        old.insert(slot_of(t), t);
    }
    let mut slots: Vec<String> = picked.keys().chain(old.keys()).cloned().collect();
    slots.sort();
    slots.dedup();
    slots
        .into_iter()
        .map(|slot| {
            let new = picked.get(&slot).copied();
            let old_t = old.get(&slot).copied();
            let failed = recent_failures(up_tasks, &slot, now);
            let (t, spec, spec_tone) = match (new, old_t) {
                (Some(n), _) if task_state(n) == TaskState::RUNNING && failed > 0 => (
                    n,
                    format!("crash-looping? {failed} failed in the last minute"),
                    Tone::Bad,
                ),
                (Some(n), _) if task_state(n) == TaskState::RUNNING => {
                    (n, "done".to_string(), Tone::Ok)
                }
                (Some(n), Some(_)) => (n, "starting (old still up)".to_string(), Tone::Warn),
                (Some(n), None) => (n, "starting".to_string(), Tone::Warn),
                (None, Some(o)) => (o, "waiting".to_string(), Tone::Dim),
                (None, None) => unreachable!("a slot comes from one of the two maps"),
            };
            let label = match t.slot {
                Some(s) if s > 0 => s.to_string(),
                _ => t
                    .node_id
                    .as_deref()
                    .map(|n| c.node_name(n).to_string())
                    .unwrap_or_default(),
            };
            let err = task_error(t);
            let tone = state_tone(t);
            Row {
                id: slot.clone(),
                cells: vec![
                    Cell::text(label),
                    Cell::text(spec).tone(spec_tone),
                    Cell::text(title(&task_state(t).to_string())).tone(tone),
                    Cell::text(t.node_id.as_deref().map(|n| c.node_name(n)).unwrap_or("")),
                    Cell::text(err).tone(if err.is_empty() {
                        Tone::Normal
                    } else {
                        Tone::Bad
                    }),
                    Cell::age(task_timestamp(t).and_then(parse_time)),
                    Cell::text(image_short(task_image(t))).tone(Tone::Dim),
                    Cell::id(short_id(t.id.as_deref().unwrap_or(""))),
                ],
                tone: if spec_tone == Tone::Dim {
                    Tone::Normal
                } else {
                    tone
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use swarmtop_model::cluster::fixtures::sample;

    #[test]
    fn slots_show_new_and_old_and_progress_counts_like_the_cli() {
        let c = sample();
        // web: slots 1-3; say the engine reports the task of slot 1 as up to date
        let up: Vec<Task> = c
            .tasks
            .iter()
            .filter(|t| t.id.as_deref() == Some("t1aaaaaaaaaaaaaaaaaaaaaaa"))
            .cloned()
            .collect();
        let now = parse_time(swarmtop_model::cluster::fixtures::NOW).unwrap();
        let r = rows(&c, "s1webwebwebwebwebwebwebwe", Some(&up), now);
        let spec: Vec<&str> = r.iter().map(|r| r.cells[1].search_text()).collect();
        assert_eq!(spec, vec!["done", "waiting", "waiting"]);
        let p = progress(&c, "s1webwebwebwebwebwebwebwe", Some(&up), now).unwrap();
        assert_eq!((p.done, p.total), (1, 3));
    }

    #[test]
    fn a_new_task_running_between_crashes_is_not_done() {
        let c = sample();
        let now = parse_time(swarmtop_model::cluster::fixtures::NOW).unwrap();
        // slot 1's new task runs; the one before it on the same spec failed 20 s ago
        let mut up: Vec<Task> = c
            .tasks
            .iter()
            .filter(|t| t.id.as_deref() == Some("t1aaaaaaaaaaaaaaaaaaaaaaa"))
            .cloned()
            .collect();
        let mut crashed = up[0].clone();
        crashed.id = Some("t1crashedcrashedcrashedcr".into());
        crashed.desired_state = Some(TaskState::SHUTDOWN);
        let st = crashed.status.get_or_insert_with(Default::default);
        st.state = Some(TaskState::FAILED);
        st.timestamp = Some((now - chrono::Duration::seconds(20)).to_rfc3339());
        up.push(crashed.clone());
        let r = rows(&c, "s1webwebwebwebwebwebwebwe", Some(&up), now);
        assert_eq!(
            r[0].cells[1].search_text(),
            "crash-looping? 1 failed in the last minute"
        );
        let p = progress(&c, "s1webwebwebwebwebwebwebwe", Some(&up), now).unwrap();
        assert_eq!(p.done, 0, "not counted done while it may crash again");
        // a minute and more after the failure it has held: done
        let later = now + chrono::Duration::seconds(61);
        let p = progress(&c, "s1webwebwebwebwebwebwebwe", Some(&up), later).unwrap();
        assert_eq!(p.done, 1);
    }
}
