//! What flows between the UI and the per-node worker: which containers the screen needs
//! figures for, and what each node's own engine says (its reach, its swarm containers with
//! their health and image, their usage). A manager knows services, tasks and nodes for the
//! whole swarm, but containers, stats, exec and container logs only for itself: these come
//! from each node's engine, reached over ssh or TLS (`swarmtop-engine`'s node pool).

use crate::stats::Sample;

/// What the swarm says of a node, enough to reach its engine.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeFacts {
    pub id: String,
    pub hostname: String,
    /// `Status.Addr`: where the node is reached from the manager.
    pub addr: String,
}

/// A task's container the screen wants figures for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Watched {
    pub task_id: String,
    pub container_id: String,
    pub node_id: String,
}

/// What the UI wants from the nodes now. Sent when it changes; an empty one stops all polling
/// (connections then close when idle).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeWatch {
    /// Every node the swarm lists (to reach them, and for the reach view).
    pub nodes: Vec<NodeFacts>,
    /// Containers whose usage is polled (what is on screen).
    pub usage: Vec<Watched>,
    /// Nodes whose every running swarm container's usage is polled (the nodes pane shows a
    /// node's sums): the node's worker takes them from its own container list, so the UI need
    /// not name a hundred tasks a node.
    pub whole_nodes: Vec<String>,
    /// Nodes whose swarm containers (health, image) are listed.
    pub containers_of: Vec<String>,
    /// The reach view is open: try every node, to say whether it works.
    pub probe_all: bool,
}

/// How a node's engine is reached, and whether it works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeReach {
    pub node_id: String,
    pub hostname: String,
    /// The endpoint, `ssh://root@10.0.0.3 via ssh://admin@mgr` for a jump; empty when there is
    /// none.
    pub endpoint: String,
    /// Where the endpoint came from, in words (`config.yaml nodes.node3`, `docker context n3`).
    pub source: String,
    pub state: ReachState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReachState {
    /// Not needed yet: nothing on screen asked for this node.
    Unused,
    Connecting,
    /// Answering; the engine's version.
    Reached {
        engine: String,
    },
    /// Why not, in words that start with the node's name (`node3: ssh: Permission denied`).
    Failed(String),
}

/// A container's health, as its healthcheck last said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Health {
    /// The image or service has no healthcheck.
    None,
    Starting,
    Healthy,
    Unhealthy,
}

impl Health {
    /// From the engine's words (`State.Health.Status`, or the `(healthy)` of a list's Status).
    pub fn parse(s: &str) -> Health {
        match s {
            "starting" | "health: starting" => Health::Starting,
            "healthy" => Health::Healthy,
            "unhealthy" => Health::Unhealthy,
            _ => Health::None,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Health::None => "",
            Health::Starting => "starting",
            Health::Healthy => "healthy",
            Health::Unhealthy => "unhealthy",
        }
    }
}

/// One swarm container on a node, as the node's engine lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerFacts {
    pub container_id: String,
    pub node_id: String,
    /// `com.docker.swarm.task.id`.
    pub task_id: String,
    pub service_id: String,
    /// The image the container runs (`sha256:...`).
    pub image_id: String,
    /// `running`, `exited`, ...
    pub state: String,
    pub health: Health,
}

/// One container's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    pub task_id: String,
    pub container_id: String,
    pub node_id: String,
    /// With `pre_*` from swarmtop's previous reading of the same container (CPU needs two).
    pub sample: Sample,
}

/// What the per-node worker tells the UI.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeMsg {
    /// Every node's reach, whenever one changes.
    Reach(Vec<NodeReach>),
    /// A node's swarm containers (all of them, replacing what the UI had of that node).
    Containers {
        node_id: String,
        containers: Vec<ContainerFacts>,
    },
    /// One round of readings.
    Usage(Vec<Usage>),
}

/// The health of a container from a list's Status text (`Up 3 minutes (healthy)`).
pub fn health_from_status(status: &str) -> Health {
    let Some(open) = status.rfind('(') else {
        return Health::None;
    };
    let inner = status[open + 1..].trim_end_matches(')');
    Health::parse(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_is_read_from_a_list_status() {
        assert_eq!(
            health_from_status("Up 3 minutes (healthy)"),
            Health::Healthy
        );
        assert_eq!(
            health_from_status("Up 2 seconds (health: starting)"),
            Health::Starting
        );
        assert_eq!(
            health_from_status("Up About a minute (unhealthy)"),
            Health::Unhealthy
        );
        assert_eq!(health_from_status("Up 5 hours"), Health::None);
        assert_eq!(health_from_status("Exited (1) 2 minutes ago"), Health::None);
    }
}
