//! The services pane: `docker service ls` plus update state and age.

use super::usage;
use crate::node_data::NodeData;
use crate::rows::{Cell, Column, Row, Tone, col, grow};
use swarmtop_model::cluster::format::{image_short, parse_time, ports, replicas};
use swarmtop_model::cluster::{
    Cluster, service_counts, service_id, service_image, service_mode, service_name, service_stack,
    service_update_state,
};

pub const COLUMNS: &[Column] = &[
    col("NAME", 8, 40, 1),
    col("MODE", 6, 14, 3),
    col("REPLICAS", 8, 24, 1),
    usage::CPU,
    usage::MEM,
    grow("IMAGE", 10, 60, 2),
    col("UPDATE", 6, 18, 2),
    col("PORTS", 5, 30, 4),
    col("STACK", 5, 20, 5),
    col("AGE", 3, 4, 4),
    col("ID", 12, 12, 6),
];

/// `stack`: only the services of that stack.
/// Tasks the engine still counts as running on nodes that are not ready, by service: during
/// an outage its counts said `cache 1/1` (green) while that one task was on the dead node.
fn on_down_nodes(c: &Cluster) -> foldhash::HashMap<&str, u64> {
    let mut out = foldhash::HashMap::default();
    for t in c
        .tasks
        .iter()
        .filter(|t| swarmtop_model::cluster::runs_on_a_down_node(c, t))
    {
        if let Some(sid) = t.service_id.as_deref() {
            *out.entry(sid).or_default() += 1;
        }
    }
    out
}

/// What the engine's update state means, in words (`paused` is a stop after failures).
pub fn update_words(state: &str) -> String {
    match state {
        "updating" => "updating",
        "paused" => "PAUSED: tasks failed",
        "completed" => "updated",
        "rollback_started" => "rolling back",
        "rollback_paused" => "rollback PAUSED",
        "rollback_completed" => "rolled back",
        other => other,
    }
    .to_string()
}

pub fn rows(c: &Cluster, nd: &NodeData, stack: Option<&str>) -> Vec<Row> {
    let lost = on_down_nodes(c);
    let mut v: Vec<Row> = c
        .services
        .iter()
        .filter(|s| stack.is_none() || service_stack(s) == stack)
        .map(|s| {
            let (engine_running, desired) = service_counts(s);
            let on_down = lost.get(service_id(s)).copied().unwrap_or(0);
            let running = engine_running.saturating_sub(on_down);
            let job = service_mode(s).ends_with("job");
            let rep_tone = if job {
                Tone::Normal
            } else if running == 0 && desired > 0 {
                Tone::Bad
            } else if running < desired {
                Tone::Warn
            } else {
                Tone::Ok
            };
            let state = service_update_state(s).unwrap_or_default();
            let up_tone = match state.as_str() {
                "paused" | "rollback_paused" => Tone::Bad,
                "updating" | "rollback_started" => Tone::Warn,
                _ => Tone::Dim,
            };
            let update = update_words(&state);
            let tone = if matches!(rep_tone, Tone::Bad) || matches!(up_tone, Tone::Bad) {
                Tone::Bad
            } else if matches!(rep_tone, Tone::Warn) || matches!(up_tone, Tone::Warn) {
                Tone::Warn
            } else {
                Tone::Normal
            };
            let rep = if on_down > 0 {
                format!("{running}/{desired} ({on_down} on down nodes)")
            } else {
                replicas(s)
            };
            let [cpu, mem] = usage::sum_cells(nd.by_service.get(service_id(s)));
            Row {
                id: service_id(s).to_string(),
                cells: vec![
                    Cell::text(service_name(s)),
                    Cell::text(service_mode(s)),
                    Cell::num(
                        // sort by health: the most missing tasks first when ascending
                        running as f64 - desired as f64,
                        rep,
                    )
                    .tone(rep_tone),
                    cpu,
                    mem,
                    Cell::text(image_short(service_image(s))),
                    Cell::text(update).tone(up_tone),
                    Cell::text(ports(s)),
                    Cell::text(service_stack(s).unwrap_or("")).tone(Tone::Dim),
                    // how long the service has existed, as `docker service ls` users read AGE
                    Cell::age(s.created_at.as_deref().and_then(parse_time)),
                    Cell::id(swarmtop_model::cluster::format::short_id(service_id(s))),
                ],
                tone,
            }
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

#[cfg(test)]
mod down_tests {
    use super::*;
    use swarmtop_model::cluster::fixtures::sample;

    #[test]
    fn update_states_in_words() {
        assert_eq!(update_words("paused"), "PAUSED: tasks failed");
        assert_eq!(update_words("rollback_completed"), "rolled back");
        assert_eq!(update_words(""), "");
    }

    #[test]
    fn a_task_on_a_down_node_is_not_counted_running() {
        let mut c = sample();
        // web.2 "runs" on node3, which is down; the engine still says 3/3
        let mut tasks = c.tasks.clone();
        let t = tasks
            .iter_mut()
            .find(|t| t.id.as_deref() == Some("t2aaaaaaaaaaaaaaaaaaaaaaa"))
            .unwrap();
        t.node_id = Some("n3ccccccccccccccccccccccc".into());
        c.merge_tasks(&swarmtop_model::cluster::TaskSet::All, tasks);
        let before = rows(&c, &NodeData::default(), None);
        let web = before
            .iter()
            .find(|r| r.id == "s1webwebwebwebwebwebwebwe")
            .unwrap();
        match &web.cells[2].value {
            crate::rows::Value::Text(t) => assert_eq!(t, "2/3 (1 on down nodes)"),
            other => panic!("{other:?}"),
        }
        assert_eq!(web.cells[2].tone, Tone::Warn);

        // an update (or the node's loss) set its desired state to shutdown: the dead node never
        // confirmed, the engine still counts it running (a global service read 3/2)
        let mut tasks = c.tasks.clone();
        let t = tasks
            .iter_mut()
            .find(|t| t.id.as_deref() == Some("t2aaaaaaaaaaaaaaaaaaaaaaa"))
            .unwrap();
        t.desired_state = Some(bollard_stubs::models::TaskState::SHUTDOWN);
        c.merge_tasks(&swarmtop_model::cluster::TaskSet::All, tasks);
        let after = rows(&c, &NodeData::default(), None);
        let web = after
            .iter()
            .find(|r| r.id == "s1webwebwebwebwebwebwebwe")
            .unwrap();
        match &web.cells[2].value {
            crate::rows::Value::Text(t) => assert_eq!(t, "2/3 (1 on down nodes)"),
            other => panic!("{other:?}"),
        }
    }
}
