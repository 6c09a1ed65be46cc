//! What describe says from the nodes' own engines, above the object's YAML: a task's
//! container (health in words, image, figures), a node's reach (why it cannot be reached).

use swarmtop_model::cluster::problems::short_image_id;
use swarmtop_model::cluster::{Cluster, Task};
use swarmtop_model::nodes::{Health, ReachState};

use super::node_data::NodeData;
use super::panes::reach::state_text;

/// A container's health in words.
pub fn health_words(h: Health) -> &'static str {
    match h {
        Health::None => "no healthcheck",
        Health::Starting => "starting: no healthcheck has passed yet",
        Health::Healthy => "healthy: its healthcheck passes",
        Health::Unhealthy => "unhealthy: its healthcheck fails",
    }
}

/// Comment lines for a task (empty when its node told nothing).
pub fn task_lines(c: &Cluster, nd: &NodeData, t: &Task) -> String {
    let id = t.id.as_deref().unwrap_or("");
    let mut out = String::new();
    if let Some(f) = nd.containers.get(id) {
        out.push_str(&format!(
            "# container {}: {}, image {}\n",
            short_image_id(&f.container_id),
            health_words(f.health),
            short_image_id(&f.image_id)
        ));
    }
    if let Some(u) = nd.usage.get(id) {
        let [cpu, mem, mem_pct, net, block, pids] = u.sample.columns();
        out.push_str(&format!(
            "# usage: CPU {cpu}, MEM {mem} ({mem_pct}), NET I/O {net}, BLOCK I/O {block}, PIDS {pids}\n"
        ));
    }
    if let Some(node) = t.node_id.as_deref()
        && let Some(why) = nd.unreachable(node)
    {
        out.push_str(&format!(
            "# its node {} cannot be reached: {why}\n",
            c.node_name(node)
        ));
    }
    out
}

/// Comment lines for a node: how its engine is reached and whether that works.
pub fn node_lines(nd: &NodeData, node_id: &str) -> String {
    let Some(r) = nd.reach_of(node_id) else {
        return String::new();
    };
    let (state, _) = state_text(&r.state);
    let via = match (&r.state, r.endpoint.is_empty()) {
        (_, true) => "no endpoint".to_string(),
        (_, false) if r.source.is_empty() => r.endpoint.clone(),
        (_, false) => format!("{} (from {})", r.endpoint, r.source),
    };
    let state = match &r.state {
        ReachState::Failed(_) => format!("cannot be reached: {state}"),
        _ => state,
    };
    let mut out = format!("# engine: {via}: {state}\n");
    if let Some(s) = nd.by_node.get(node_id) {
        out.push_str(&format!(
            "# usage of its {} tasks read: CPU {}, MEM {}\n",
            s.tasks,
            super::node_data::cpu_text(s.cpu),
            swarmtop_model::stats::bytes_binary(s.mem)
        ));
    }
    out
}
