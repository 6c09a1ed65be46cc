//! What the nodes' own engines said (reach, containers with health and image, usage), kept for
//! the views, and what the screen asks of them (`watch`): the per-node worker polls only the
//! containers of what is shown.

use std::collections::HashMap;

use swarmtop_model::nodes::{
    ContainerFacts, NodeFacts, NodeMsg, NodeReach, NodeWatch, Usage, Watched,
};

use super::msg::Effect;
use super::panes::Pane;
use super::state::State;

/// The nodes' own data, as last reported.
#[derive(Debug, Default)]
pub struct NodeData {
    pub reach: Vec<NodeReach>,
    /// By task ID.
    pub containers: HashMap<String, ContainerFacts>,
    /// By task ID: the latest reading.
    pub usage: HashMap<String, Usage>,
    /// What was last asked of the worker (sent again only when it changes).
    pub asked: NodeWatch,
    /// The data and view it was worked out for: not worked out again while they stay.
    asked_for: Option<(u64, super::panes::View)>,
}

impl NodeData {
    pub fn apply(&mut self, msg: NodeMsg) {
        match msg {
            NodeMsg::Reach(r) => self.reach = r,
            NodeMsg::Containers {
                node_id,
                containers,
            } => {
                self.containers.retain(|_, c| c.node_id != node_id);
                for c in containers {
                    self.containers.insert(c.task_id.clone(), c);
                }
            }
            NodeMsg::Usage(u) => {
                for x in u {
                    self.usage.insert(x.task_id.clone(), x);
                }
            }
        }
    }
}

/// What the screen needs from the nodes now.
pub fn wanted(state: &State) -> NodeWatch {
    let nodes: Vec<NodeFacts> = state
        .cluster
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
    let shows_usage = matches!(state.pane(), Pane::Tasks | Pane::Services | Pane::Nodes);
    let mut usage = Vec::new();
    if shows_usage {
        for t in state.cluster.tasks.iter() {
            let running = t
                .status
                .as_ref()
                .and_then(|s| s.state)
                .is_some_and(|s| s == bollard_stubs::models::TaskState::RUNNING);
            let container = t
                .status
                .as_ref()
                .and_then(|s| s.container_status.as_ref())
                .and_then(|c| c.container_id.clone());
            if let (true, Some(task_id), Some(container_id), Some(node_id)) =
                (running, t.id.clone(), container, t.node_id.clone())
            {
                usage.push(Watched {
                    task_id,
                    container_id,
                    node_id,
                });
            }
        }
        usage.sort();
    }
    let mut containers_of: Vec<String> = usage.iter().map(|w| w.node_id.clone()).collect();
    containers_of.dedup();
    NodeWatch {
        nodes,
        usage,
        containers_of,
        probe_all: false,
    }
}

/// The effect that tells the worker, when what the screen needs changed.
pub fn watch_effect(state: &mut State) -> Option<Effect> {
    let key = (state.data_gen, state.view.clone());
    if state.node_data.asked_for.as_ref() == Some(&key) {
        return None;
    }
    state.node_data.asked_for = Some(key);
    let want = wanted(state);
    if want == state.node_data.asked {
        return None;
    }
    state.node_data.asked = want.clone();
    Some(Effect::WatchNodes(want))
}
