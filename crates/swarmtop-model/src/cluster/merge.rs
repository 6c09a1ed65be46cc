//! Changing the cluster's tasks in place: a large swarm's refresh brings only what changed, and
//! a reload of the other objects keeps the tasks already known, so the UI never holds two
//! copies of tens of thousands of tasks.

use std::collections::{HashMap, HashSet};

use super::{Cluster, Task};

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

impl Cluster {
    /// Applies a large swarm's task changes.
    pub fn apply_task_delta(&mut self, d: TaskDelta) {
        if d.replace_all {
            self.tasks = d.upsert;
        } else {
            if !d.remove.is_empty() {
                let gone: HashSet<&str> = d.remove.iter().map(String::as_str).collect();
                self.tasks
                    .retain(|t| !gone.contains(t.id.as_deref().unwrap_or("")));
            }
            if !d.upsert.is_empty() {
                let at: HashMap<String, usize> = self
                    .tasks
                    .iter()
                    .enumerate()
                    .filter_map(|(i, t)| Some((t.id.clone()?, i)))
                    .collect();
                for t in d.upsert {
                    match t.id.as_deref().and_then(|id| at.get(id)) {
                        Some(&i) => self.tasks[i] = t,
                        None => self.tasks.push(t),
                    }
                }
            }
        }
        self.drop_orphan_tasks();
    }

    /// Takes everything but the tasks from `fresh` (a reload of the objects), keeping the
    /// tasks known so far: they are refreshed on their own.
    pub fn reload_keeping_tasks(&mut self, fresh: Cluster) {
        let tasks: Vec<Task> = std::mem::take(&mut self.tasks);
        *self = fresh;
        if self.tasks.is_empty() {
            self.tasks = tasks;
        }
        self.drop_orphan_tasks();
    }

    /// Tasks of removed services go with them.
    fn drop_orphan_tasks(&mut self) {
        let known = &self.service_index;
        self.tasks.retain(|t| {
            t.service_id
                .as_deref()
                .is_none_or(|s| known.contains_key(s))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::sample;
    use super::*;

    fn ids(c: &Cluster) -> Vec<String> {
        let mut v: Vec<String> = c.tasks.iter().filter_map(|t| t.id.clone()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_delta_changes_tasks_in_place() {
        let mut c = sample();
        let before = ids(&c);
        let mut changed = c.tasks[0].clone();
        changed.desired_state = Some(bollard_stubs::models::TaskState::SHUTDOWN);
        let gone = c.tasks[1].id.clone().unwrap();
        let mut new = c.tasks[2].clone();
        new.id = Some("new-task".into());
        c.apply_task_delta(TaskDelta {
            replace_all: false,
            upsert: vec![changed.clone(), new],
            remove: vec![gone.clone()],
        });
        let after = ids(&c);
        assert_eq!(after.len(), before.len());
        assert!(after.contains(&"new-task".to_string()));
        assert!(!after.contains(&gone));
        let t = c.tasks.iter().find(|t| t.id == changed.id).unwrap();
        assert_eq!(
            t.desired_state,
            Some(bollard_stubs::models::TaskState::SHUTDOWN)
        );
    }

    #[test]
    fn replace_all_and_orphans() {
        let mut c = sample();
        let mut orphan = c.tasks[0].clone();
        orphan.id = Some("orphan".into());
        orphan.service_id = Some("no-such-service".into());
        let keep = c.tasks[0].clone();
        c.apply_task_delta(TaskDelta {
            replace_all: true,
            upsert: vec![keep.clone(), orphan],
            remove: Vec::new(),
        });
        assert_eq!(ids(&c), vec![keep.id.unwrap()]);
    }

    #[test]
    fn a_reload_keeps_the_tasks() {
        let mut c = sample();
        let n = c.tasks.len();
        let mut fresh = sample();
        fresh.tasks.clear();
        // one service is gone in the reload: its tasks go too
        let gone = fresh.services[0].id.clone().unwrap();
        let services: Vec<_> = fresh.services[1..].to_vec();
        fresh.set_services(services);
        let of_gone = c
            .tasks
            .iter()
            .filter(|t| t.service_id.as_deref() == Some(gone.as_str()))
            .count();
        c.reload_keeping_tasks(fresh);
        assert_eq!(c.tasks.len(), n - of_gone);
        assert_eq!(c.services.len(), sample().services.len() - 1);
    }
}
