//! What the screen asks of the nodes' own engines (`NodeWatch`): usage only for what is shown,
//! containers (health, image) of the nodes those run on, every node probed while the reach
//! view is open. Worked out again only when what is shown changes.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use bollard_stubs::models::TaskState;
use swarmtop_model::cluster::{Task, task_state};
use swarmtop_model::nodes::{NodeFacts, NodeWatch, Watched};

use super::msg::Effect;
use super::panes::Pane;
use super::state::State;

/// What changes `wanted`: the cluster, the view, the rows near the screen (not for the top
/// view, which watches every running task) and whether the reach view is open.
fn key(state: &State) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    state.cluster_gen.hash(&mut h);
    state.view.hash(&mut h);
    if matches!(state.pane(), Pane::Tasks | Pane::Services | Pane::Nodes) {
        state.rows_near_screen().hash(&mut h);
    }
    h.finish()
}

fn watched(t: &Task) -> Option<Watched> {
    // a task whose healthcheck has not passed yet is `starting`, its container running: its
    // figures and health are what an operator asks about
    if !matches!(task_state(t), TaskState::RUNNING | TaskState::STARTING) {
        return None;
    }
    let container = t
        .status
        .as_ref()
        .and_then(|s| s.container_status.as_ref())
        .and_then(|c| c.container_id.clone())?;
    Some(Watched {
        task_id: t.id.clone()?,
        container_id: container,
        node_id: t.node_id.clone()?,
    })
}

/// What the screen needs from the nodes now.
pub fn wanted(state: &State) -> NodeWatch {
    let c = &state.cluster;
    let nodes: Vec<NodeFacts> = c
        .nodes
        .iter()
        .filter_map(|n| {
            Some(NodeFacts {
                id: n.id.clone()?,
                hostname: n.description.as_ref()?.hostname.clone()?,
                addr: n.status.as_ref()?.addr.clone().unwrap_or_default(),
            })
        })
        .collect();
    let near: HashSet<&str> = state.rows_near_screen().into_iter().collect();
    let running = || c.tasks.iter().filter_map(watched);
    let mut usage: Vec<Watched> = match state.pane() {
        // the rows near the screen are tasks
        Pane::Tasks => running()
            .filter(|w| near.contains(w.task_id.as_str()))
            .collect(),
        Pane::Services => c
            .tasks
            .iter()
            .filter(|t| t.service_id.as_deref().is_some_and(|s| near.contains(s)))
            .filter_map(watched)
            .collect(),
        Pane::Nodes => running()
            .filter(|w| near.contains(w.node_id.as_str()))
            .collect(),
        // every running task: this one follows the swarm's size, bounded by how many
        // containers the worker reads at once (its concurrency), not by the screen
        Pane::Top => running().collect(),
        _ => Vec::new(),
    };
    usage.sort();
    let mut containers_of: Vec<String> = match state.pane() {
        // health and image drift are problems: the nodes that run tasks are asked
        Pane::Problems => running().map(|w| w.node_id).collect(),
        _ => usage.iter().map(|w| w.node_id.clone()).collect(),
    };
    containers_of.sort();
    containers_of.dedup();
    NodeWatch {
        nodes,
        usage,
        containers_of,
        probe_all: state.pane() == Pane::Reach,
    }
}

/// The effect that tells the worker, when what the screen needs changed; what is no longer
/// watched is forgotten.
pub fn watch_effect(state: &mut State) -> Option<Effect> {
    let key = key(state);
    if state.node_data.asked_key == Some(key) {
        return None;
    }
    state.node_data.asked_key = Some(key);
    let want = wanted(state);
    if want == state.node_data.asked {
        return None;
    }
    state.node_data.keep_watched(&want, &state.cluster);
    state.node_data.asked = want.clone();
    Some(Effect::WatchNodes(want))
}
