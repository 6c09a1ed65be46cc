//! Which tasks the UI is looking at: the watcher polls for it, the tracker keeps by it, the
//! app asks for it. Its own module so that these point at it, not at each other.

/// Which tasks the UI is looking at. Tasks have no swarm events, so they are polled, and only
/// for what the user looks at (plus degraded services): fetching cost must not grow with what
/// is off-screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TaskScope {
    #[default]
    None,
    /// What the nodes and problems views need: every task that should run (counts per node,
    /// tasks left on dead nodes), recent failures, the tasks of degraded services.
    Summary,
    /// Every task, history included (the tasks pane).
    All,
    Service(String),
    Node(String),
}
