//! A task's container, as the effects that reach its node carry it (kept apart from
//! `container_update` so `msg` can name it without a cycle).

/// A task's container: where it is and what to call it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskContainer {
    pub task_id: String,
    pub node_id: String,
    pub container_id: String,
    /// `web.2.abc123`.
    pub name: String,
    /// The node's hostname, for messages.
    pub node: String,
}
