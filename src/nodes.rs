//! The per-node worker's handle for the runtime: what the screen needs from the nodes goes in
//! (`watch`), their data comes out as `Msg::Engine(EngineMsg::Node(..))`, and actions that run
//! on a task's node (shell, container logs, processes) get that node's engine (`engine_for`).

use swarmtop_model::nodes::NodeWatch;

use crate::engine::Engine;

pub struct NodeWorker {
    session: Engine,
}

impl NodeWorker {
    pub fn new(session: Engine) -> NodeWorker {
        NodeWorker { session }
    }

    /// What the screen needs now; polling follows it.
    pub fn watch(&mut self, _w: NodeWatch) {}

    /// The engine of the node with this ID, connected (or the reason it cannot be reached,
    /// starting with the node's name).
    pub async fn engine_for(&self, _node_id: &str) -> Result<Engine, String> {
        Ok(self.session.clone())
    }
}
