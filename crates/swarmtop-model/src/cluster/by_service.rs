//! Each service's tasks, grouped once per look at the problems: the service checks and the
//! overlay address check both need them, and at 40,000 tasks this runs on every refresh.

use foldhash::{HashMap, HashMapExt};

use super::{Cluster, Task};

/// Each service's tasks, by service ID.
pub type TasksByService<'a> = HashMap<&'a str, Vec<&'a Task>>;

/// By hash, not by order.
pub fn tasks_by_service(c: &Cluster) -> TasksByService<'_> {
    let mut by_service: TasksByService = HashMap::with_capacity(c.services.len());
    for t in &c.tasks {
        if let Some(s) = t.service_id.as_deref() {
            by_service.entry(s).or_default().push(t);
        }
    }
    by_service
}
