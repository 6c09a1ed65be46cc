//! The tasks pane: `docker service ps` for all services, one service (with each slot's
//! history under its current task), or one node (with where replaced tasks run now).

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use bollard_stubs::models::{NodeState, TaskState};

use super::usage;
use crate::node_data::NodeData;
use crate::rows::{Column, Tone, col, grow};
use crate::rowset::RowsBuilder;
use swarmtop_model::cluster::format::{image_short, parse_time, short_id, title};
use swarmtop_model::cluster::{
    Cluster, Task, node_hostname, node_state, task_desired_state, task_error, task_exit_code,
    task_image, task_is_active, task_state, task_timestamp,
};

pub const COLUMNS: &[Column] = &[
    // 26: AGE and EXIT fit at 80 columns (with the usage columns known, EXIT)
    col("NAME", 8, 26, 1),
    col("STATE", 7, 10, 1),
    col("NODE", 5, 20, 2),
    usage::CPU,
    usage::MEM,
    usage::HEALTH,
    // EXIT and AGE stay at 80 columns (the error narrows first: its whole text shows under
    // the list); at priority 3 they went before it
    grow("ERROR", 5, 120, 2),
    col("EXIT", 4, 4, 2),
    col("AGE", 3, 4, 2),
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

/// Which slot a task fills: replicated tasks by slot number, global tasks by node. Borrowed,
/// so keying 40,000 tasks allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Slot<'a> {
    Num(i64),
    Node(&'a str),
}

impl Slot<'_> {
    /// Slots order as their zero-padded numbers and node IDs order as text (`docker service
    /// ps` order); the number is written out only to compare it with a node ID.
    fn cmp_key(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (Slot::Num(a), Slot::Num(b))
                if (0..100_000_000).contains(a) && (0..100_000_000).contains(b) =>
            {
                a.cmp(b)
            }
            (Slot::Node(a), Slot::Node(b)) => a.cmp(b),
            (a, b) => a.text().cmp(&b.text()),
        }
    }

    fn text(&self) -> String {
        match self {
            Slot::Num(n) => format!("{n:08}"),
            Slot::Node(n) => n.to_string(),
        }
    }
}

/// Slot key: (service ID, slot).
fn slot_key(t: &Task) -> (&str, Slot<'_>) {
    let svc = t.service_id.as_deref().unwrap_or("");
    match t.slot {
        Some(s) if s > 0 => (svc, Slot::Num(s)),
        _ => (svc, Slot::Node(t.node_id.as_deref().unwrap_or(""))),
    }
}

fn is_current(t: &Task) -> bool {
    task_is_active(t)
}

/// Writes the rows, in the pane's order, straight into `out` (cell by cell: no row object is
/// made per task, see `rowset`).
pub fn rows(c: &Cluster, nd: &NodeData, filter: Filter, out: &mut RowsBuilder) {
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
    let mut current_of_slot: HashMap<(&str, Slot), &Task> = HashMap::with_capacity(c.tasks.len());
    for t in &c.tasks {
        if is_current(t) {
            current_of_slot.insert(slot_key(t), t);
        }
    }

    // order: service name, slot, current task first, then history newest first. Names are
    // ranked once per service, so 40,000 tasks sort on numbers, not on names
    let names = service_ranks(c, &tasks);
    struct Keyed<'a> {
        rank: u32,
        name: &'a str,
        key: (&'a str, Slot<'a>),
        history: bool,
        time: std::cmp::Reverse<Option<&'a str>>,
        task: &'a Task,
    }
    let mut keyed: Vec<Keyed> = tasks
        .iter()
        .map(|t| {
            let key = slot_key(t);
            let (rank, name) = names.get(key.0).copied().unwrap_or((0, key.0));
            Keyed {
                rank,
                name,
                key,
                history: !is_current(t),
                time: std::cmp::Reverse(task_timestamp(t)),
                task: t,
            }
        })
        .collect();
    keyed.sort_by(|a, b| {
        a.rank
            .cmp(&b.rank)
            .then_with(|| a.key.1.cmp_key(&b.key.1))
            .then(a.history.cmp(&b.history))
            .then_with(|| a.time.cmp(&b.time))
    });

    // a handful of states: their words are made once, not once a task
    let mut words: Vec<(TaskState, String)> = Vec::new();
    let mut prev_slot: Option<(&str, Slot)> = None;
    for k in keyed {
        let (t, key) = (k.task, k.key);
        // on a node, a slot's tasks are not together: no history marks there
        let history = !matches!(filter, Filter::Node(_)) && prev_slot == Some(key);
        prev_slot = Some(key);
        let svc = if t.service_id.is_some() { k.name } else { "?" };
        let mark = if history { " \\_ " } else { "" };
        match t.slot {
            Some(slot) if slot > 0 => {
                out.text_fmt(format_args!("{mark}{svc}.{slot}"), Tone::Normal)
            }
            _ => out.text_fmt(
                format_args!("{mark}{svc}.{}", t.node_id.as_deref().unwrap_or("")),
                Tone::Normal,
            ),
        }
        let node_id = t.node_id.as_deref().unwrap_or("");
        let known = t.node_id.as_deref().and_then(|n| c.node_by_id(n));
        let node = match known {
            Some(n) => node_hostname(n),
            None => node_id,
        };
        let state = task_state(t);
        let mut tone = state_tone(t);
        // the manager still says `running` for a task whose node stopped answering: nobody
        // knows, and a green "Running" there misled an operator during an outage
        let lost = known.is_some_and(|n| node_state(n) != NodeState::READY)
            && matches!(
                state,
                TaskState::RUNNING | TaskState::STARTING | TaskState::PREPARING
            );
        if lost {
            tone = Tone::Warn;
            out.text("Unknown", tone);
            out.text_fmt(format_args!("{node} (down)"), Tone::Bad);
        } else {
            out.text(word(&mut words, state), tone);
            out.text(node, Tone::Normal);
        }
        // figures only for running tasks (and starting ones: their check has not passed
        // yet): the others have no container to read
        let id = t.id.as_deref().unwrap_or("");
        if matches!(state, TaskState::RUNNING | TaskState::STARTING) {
            let p = nd.task_point(id);
            out.cell(&usage::cpu(p, nd, node_id));
            out.cell(&usage::mem(p, nd, node_id));
            out.cell(&usage::health(nd.health(id)));
        } else {
            out.num(-1.0, "", Tone::Normal);
            out.num(-1.0, "", Tone::Normal);
            out.cell(&usage::health(swarmtop_model::nodes::Health::None));
        }
        let err = task_error(t);
        out.text(
            err,
            if err.is_empty() {
                Tone::Normal
            } else {
                Tone::Bad
            },
        );
        match task_exit_code(t) {
            Some(code) => out.text_num(
                code as f64,
                format_args!("{code}"),
                if code == 0 { Tone::Dim } else { Tone::Bad },
            ),
            None => out.num(-1.0, "", Tone::Normal),
        }
        out.age(task_timestamp(t).and_then(parse_time), Tone::Dim);
        out.text(word(&mut words, task_desired_state(t)), Tone::Dim);
        out.text(image_short(task_image(t)), Tone::Dim);
        let now_on = (!is_current(t))
            .then(|| current_of_slot.get(&key))
            .flatten()
            .filter(|cur| cur.id != t.id)
            .and_then(|cur| cur.node_id.as_deref())
            .map(|n| c.node_name(n))
            .unwrap_or("");
        out.text(now_on, Tone::Normal);
        out.id_text(short_id(id));
        out.end_row(id, if history { Tone::Dim } else { tone });
    }
}

/// A state's word (`Running`), made once per state, not once per task.
fn word(words: &mut Vec<(TaskState, String)>, st: TaskState) -> &str {
    let at = match words.iter().position(|(s, _)| *s == st) {
        Some(at) => at,
        None => {
            words.push((st, title(&st.to_string())));
            words.len() - 1
        }
    };
    &words[at].1
}

/// Each service the tasks name, with its place in name order and its name (its ID when it is
/// gone, as `docker service ps` shows it).
fn service_ranks<'a>(c: &'a Cluster, tasks: &[&'a Task]) -> HashMap<&'a str, (u32, &'a str)> {
    let mut named: Vec<(&str, &str)> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for t in tasks {
        let id = t.service_id.as_deref().unwrap_or("");
        if seen.insert(id) {
            named.push((c.service_name_of(id), id));
        }
    }
    named.sort_unstable();
    named
        .into_iter()
        .enumerate()
        .map(|(rank, (name, id))| (id, (u32::try_from(rank).unwrap_or(u32::MAX), name)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::{Cell, Value};
    use swarmtop_model::cluster::fixtures::sample;

    fn text(c: &Cell) -> &str {
        match &c.value {
            Value::Text(t) => t,
            Value::Age(_) => "",
        }
    }

    #[test]
    fn a_task_on_a_down_node_is_not_shown_running() {
        let mut c = sample();
        // web.3 was moved off node3 in the sample; say it still runs there, as a manager does
        // right after the node stopped answering
        for t in c.tasks.iter_mut() {
            if t.id.as_deref() == Some("t4aaaaaaaaaaaaaaaaaaaaaaa") {
                let st = t.status.get_or_insert_with(Default::default);
                st.state = Some(TaskState::RUNNING);
                t.desired_state = Some(TaskState::RUNNING);
            }
        }
        let mut b = RowsBuilder::default();
        rows(&c, &NodeData::default(), Filter::All, &mut b);
        let rows: Vec<crate::rows::Row> = b.finish().iter().collect();
        let row = rows
            .iter()
            .find(|r| r.id == "t4aaaaaaaaaaaaaaaaaaaaaaa")
            .expect("listed");
        assert_eq!(text(&row.cells[1]), "Unknown");
        assert_eq!(row.cells[1].tone, Tone::Warn);
        assert_eq!(text(&row.cells[2]), "node3 (down)");
        // a task on a ready node keeps its word
        let up = rows
            .iter()
            .find(|r| r.id == "t2aaaaaaaaaaaaaaaaaaaaaaa")
            .unwrap();
        assert_eq!(text(&up.cells[1]), "Running");
    }
}
