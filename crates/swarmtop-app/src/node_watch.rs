//! What the screen asks of the nodes' own engines (`NodeWatch`): usage only for what is shown,
//! containers (health, image) of the nodes those run on, every node probed while the reach
//! view is open. Worked out again only when what is shown changes.

use std::hash::{Hash, Hasher};

use swarmtop_model::nodes::{NodeFacts, NodeWatch, Watched};

use super::msg::Effect;
use super::node_data::WatchIndex;
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

/// The index for the tasks as they are now, kept in the state until the tasks change (at XL
/// it is 50,000 running tasks: a change of the services or nodes does not rebuild it).
fn index(state: &mut State) -> std::sync::Arc<WatchIndex> {
    match &state.node_data.watch_index {
        Some((generation, ix)) if *generation == state.tasks_gen => ix.clone(),
        _ => {
            let ix = std::sync::Arc::new(WatchIndex::new(&state.cluster.tasks));
            state.node_data.watch_index = Some((state.tasks_gen, ix.clone()));
            ix
        }
    }
}

/// What the screen needs from the nodes now.
fn wanted(state: &State, ix: &WatchIndex) -> NodeWatch {
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
    let near: foldhash::HashSet<&str> = state.rows_near_screen().into_iter().collect();
    let running = || ix.running.iter().cloned();
    let mut usage: Vec<Watched> = match state.pane() {
        // the rows near the screen are tasks
        Pane::Tasks => ix.pick(near.iter().filter_map(|t| ix.by_task.get(*t))),
        Pane::Services => ix.pick(near.iter().filter_map(|s| ix.by_service.get(*s)).flatten()),
        // the nodes' sums: named by node, see `whole_nodes`
        // every running task: this one follows the swarm's size, bounded by how many
        // containers the worker reads at once (its concurrency), not by the screen
        Pane::Top => running().collect(),
        _ => Vec::new(),
    };
    usage.sort_unstable();
    // a node near the screen runs a hundred tasks at L: the worker reads them from the node's
    // own list instead of the UI naming each (a sort there named 13,500 tasks)
    let whole_nodes: Vec<String> = match state.pane() {
        Pane::Nodes => {
            let mut v: Vec<String> = near
                .iter()
                .filter(|n| ix.by_node.contains_key(**n))
                .map(|n| n.to_string())
                .collect();
            v.sort_unstable();
            v
        }
        _ => Vec::new(),
    };
    let containers_of: Vec<String> = match state.pane() {
        // health and image drift are problems: the nodes that run tasks are asked
        Pane::Problems => ix.nodes_running.clone(),
        Pane::Nodes => whole_nodes.clone(),
        _ => {
            let mut v: Vec<String> = usage.iter().map(|w| w.node_id.clone()).collect();
            v.sort();
            v.dedup();
            v
        }
    };
    NodeWatch {
        nodes,
        usage,
        whole_nodes,
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
    let ix = index(state);
    let want = wanted(state, &ix);
    if want == state.node_data.asked {
        return None;
    }
    state.node_data.keep_watched(&want, &state.cluster);
    state.node_data.asked = want.clone();
    Some(Effect::WatchNodes(want))
}
