//! The changes a large swarm's refresh brings to the tasks. Apart from `merge`, which applies
//! them and needs the cluster: the cluster module re-exports this without pointing back at it.

use super::task::Task;

/// Changes to the tasks the UI holds (data: the engine's tracker makes them, the cluster
/// applies them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskDelta {
    /// The UI's tasks are replaced by `upsert` (the first answer).
    pub replace_all: bool,
    /// New tasks, and tasks whose version changed.
    pub upsert: Vec<Task>,
    /// IDs of tasks gone, or no longer wanted.
    pub remove: Vec<String>,
}

impl TaskDelta {
    pub fn is_empty(&self) -> bool {
        !self.replace_all && self.upsert.is_empty() && self.remove.is_empty()
    }
}
