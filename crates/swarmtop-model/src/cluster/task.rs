//! A task as swarmtop keeps it. bollard's `Task` holds the whole task spec inline: 1,864 bytes
//! before any string, of which the spec is 1,432 and mostly empty. A large swarm keeps tens of
//! thousands of tasks, so here the spec is boxed and present only when it was read whole (small
//! swarms, single tasks), and the image, the one spec field the panes show, is kept apart.

use std::collections::HashMap;

use bollard_stubs::models::{
    GenericResources, ObjectVersion, TaskSpec, TaskSpecContainerSpec, TaskState, TaskStatus,
};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Task {
    pub id: Option<String>,
    pub version: Option<ObjectVersion>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub name: Option<String>,
    pub labels: Option<HashMap<String, String>>,
    /// The whole spec when it was read (not for the tasks of a large swarm).
    pub spec: Option<Box<TaskSpec>>,
    /// The container image, from the spec.
    pub image: Option<String>,
    pub service_id: Option<String>,
    pub slot: Option<i64>,
    pub node_id: Option<String>,
    pub assigned_generic_resources: Option<GenericResources>,
    pub status: Option<TaskStatus>,
    pub desired_state: Option<TaskState>,
    pub job_iteration: Option<ObjectVersion>,
}

impl From<bollard_stubs::models::Task> for Task {
    fn from(t: bollard_stubs::models::Task) -> Self {
        let image = t
            .spec
            .as_ref()
            .and_then(|s| s.container_spec.as_ref())
            .and_then(|c| c.image.clone());
        Task {
            id: t.id,
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
            name: t.name,
            labels: t.labels,
            spec: t.spec.map(Box::new),
            image,
            service_id: t.service_id,
            slot: t.slot,
            node_id: t.node_id,
            assigned_generic_resources: t.assigned_generic_resources,
            status: t.status,
            desired_state: t.desired_state,
            job_iteration: t.job_iteration,
        }
    }
}

impl Task {
    /// The engine's form, for describing it: the spec as read, or one naming only the image.
    pub fn to_engine(&self) -> bollard_stubs::models::Task {
        let spec = match (&self.spec, &self.image) {
            (Some(s), _) => Some((**s).clone()),
            (None, Some(image)) => Some(TaskSpec {
                container_spec: Some(TaskSpecContainerSpec {
                    image: Some(image.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            (None, None) => None,
        };
        bollard_stubs::models::Task {
            id: self.id.clone(),
            version: self.version.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            name: self.name.clone(),
            labels: self.labels.clone(),
            spec,
            service_id: self.service_id.clone(),
            slot: self.slot,
            node_id: self.node_id.clone(),
            assigned_generic_resources: self.assigned_generic_resources.clone(),
            status: self.status.clone(),
            desired_state: self.desired_state,
            job_iteration: self.job_iteration.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_is_a_fraction_of_the_engines_form() {
        assert!(
            std::mem::size_of::<Task>() * 3 < std::mem::size_of::<bollard_stubs::models::Task>(),
            "{} bytes",
            std::mem::size_of::<Task>()
        );
    }

    #[test]
    fn the_engines_form_comes_back_whole() {
        let t = bollard_stubs::models::Task {
            id: Some("t1".into()),
            name: Some("web.1".into()),
            spec: Some(TaskSpec {
                container_spec: Some(TaskSpecContainerSpec {
                    image: Some("busybox:1".into()),
                    args: Some(vec!["sleep".into()]),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            slot: Some(1),
            desired_state: Some(TaskState::RUNNING),
            ..Default::default()
        };
        let ours = Task::from(t.clone());
        assert_eq!(ours.image.as_deref(), Some("busybox:1"));
        assert_eq!(ours.to_engine(), t);
    }

    #[test]
    fn without_a_spec_the_image_is_still_described() {
        let t = Task {
            image: Some("busybox:2".into()),
            ..Default::default()
        };
        let e = t.to_engine();
        let image = e.spec.and_then(|s| s.container_spec).and_then(|c| c.image);
        assert_eq!(image.as_deref(), Some("busybox:2"));
    }
}
