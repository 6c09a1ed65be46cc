//! The per-node worker's handle for the runtime: what the screen needs from the nodes goes in
//! (`watch`), their data comes out as `Msg::Engine(EngineMsg::Node(..))`, and actions that run
//! on a task's node (shell, container logs, processes) get that node's engine (`engine_for`).
//! One per session: a switch of context starts another.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use swarmtop_engine::connect::node_reach::ReachSettings;
use swarmtop_engine::connect::{ConnectOptions, ContextStore, Endpoint, Env, ProcessEnv, resolve};
use swarmtop_engine::nodes::{NodeRequest, NodeSetup};
use swarmtop_model::feed::EngineMsg;
use swarmtop_model::nodes::NodeWatch;

use crate::app::Msg;
use crate::engine::Engine;

#[derive(Clone)]
pub struct NodeWorker {
    tx: mpsc::UnboundedSender<NodeRequest>,
    _tasks: Arc<Tasks>,
}

struct Tasks(Vec<JoinHandle<()>>);

impl Drop for Tasks {
    fn drop(&mut self) {
        for t in &self.0 {
            t.abort();
        }
    }
}

impl NodeWorker {
    /// Starts the worker for a session on `session`, with the context's settings; its
    /// messages go to `msgs`.
    pub fn start(
        session: Engine,
        settings: &crate::config::Settings,
        msgs: mpsc::Sender<Msg>,
    ) -> NodeWorker {
        let gate = session.gate.clone();
        let setup = NodeSetup {
            contexts: other_contexts(&session.endpoint),
            settings: ReachSettings {
                nodes: settings.nodes.clone(),
                template: settings.node_template.clone(),
            },
            session,
            gate,
        };
        let (tx, rx) = mpsc::unbounded_channel::<NodeRequest>();
        let (mtx, mut mrx) = mpsc::unbounded_channel();
        let worker = tokio::spawn(swarmtop_engine::nodes::run(setup, rx, mtx));
        let forward = tokio::spawn(async move {
            while let Some(m) = mrx.recv().await {
                if msgs.send(Msg::Engine(EngineMsg::Node(m))).await.is_err() {
                    return;
                }
            }
        });
        NodeWorker {
            tx,
            _tasks: Arc::new(Tasks(vec![worker, forward])),
        }
    }

    /// What the screen needs now; polling follows it.
    pub fn watch(&mut self, w: NodeWatch) {
        let _ = self.tx.send(NodeRequest::Watch(w));
    }

    /// The engine of the node with this ID, connected (or the reason it cannot be reached,
    /// starting with the node's name).
    pub async fn engine_for(&self, node_id: &str) -> Result<Engine, String> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(NodeRequest::Engine(node_id.to_string(), reply))
            .map_err(|_| "the node worker has stopped".to_string())?;
        answer
            .await
            .map_err(|_| "the node worker has stopped".to_string())?
    }
}

/// Every docker context but the session's, resolved as the docker CLI would (no network).
fn other_contexts(session: &Endpoint) -> Vec<Endpoint> {
    let store = ContextStore::new(&ProcessEnv.docker_config_dir());
    store
        .list()
        .into_iter()
        .filter(|c| c.name != session.context)
        .filter_map(|c| {
            let opts = ConnectOptions {
                context: Some(c.name.clone()),
                ..Default::default()
            };
            resolve(&opts, &ProcessEnv).ok()?.into_iter().next()
        })
        .collect()
}
