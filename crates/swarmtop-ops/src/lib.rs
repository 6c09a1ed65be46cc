//! Operator actions: every change swarmtop can make to the cluster, as a named [`Op`], with
//! the checks in front of them (`validate`, `guards`) and the names resolved like docker
//! (`resolve`). Pure: the engine calls behind the ops are the binary's (`swarmtop::ops::run`),
//! so the app core can describe, check and ask for an op without a Docker client.

#![forbid(unsafe_code)]

pub mod create;
pub mod guards;
pub mod mounts;
pub mod resolve;
pub mod validate;

// The model's modules, at the paths the ops have always used.
use swarmtop_model::{cluster, duration, units};

pub use swarmtop_model::cluster::ObjectKind;

use std::fmt;

/// Bytes of a secret (or a config: one type for both). Its `Debug` never shows them, so no log
/// or panic message can.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(pub Vec<u8>);

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes(<{} bytes, redacted>)", self.0.len())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    Active,
    Pause,
    Drain,
}

impl Availability {
    pub fn word(self) -> &'static str {
        match self {
            Availability::Active => "active",
            Availability::Pause => "pause",
            Availability::Drain => "drain",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Manager,
    Worker,
}

/// The rolling update form: what is set replaces the service's value, what is None stays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateForm {
    pub image: Option<String>,
    pub parallelism: Option<i64>,
    /// Nanoseconds.
    pub delay: Option<i64>,
    /// `pause`, `continue` or `rollback`.
    pub failure_action: Option<String>,
    /// Nanoseconds.
    pub monitor: Option<i64>,
    /// `stop-first` or `start-first`.
    pub order: Option<String>,
    /// Restart every task as well (`docker service update --force`).
    pub force: bool,
}

/// One change to the cluster.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    SetAvailability {
        node_id: String,
        node: String,
        availability: Availability,
    },
    SetRole {
        node_id: String,
        node: String,
        role: Role,
    },
    Scale {
        service_id: String,
        service: String,
        replicas: u64,
    },
    SetImage {
        service_id: String,
        service: String,
        image: String,
    },
    Update {
        service_id: String,
        service: String,
        form: UpdateForm,
    },
    Restart {
        service_id: String,
        service: String,
    },
    Rollback {
        service_id: String,
        service: String,
    },
    RemoveService {
        service_id: String,
        service: String,
    },
    /// A new secret or config.
    CreateObject {
        kind: ObjectKind,
        name: String,
        data: SecretBytes,
        labels: Vec<(String, String)>,
    },
    RemoveObject {
        kind: ObjectKind,
        id: String,
        name: String,
    },
    /// Change only these labels of the node, on its labels as they are when written (a label
    /// someone else added meanwhile stays): `set` key and value (kept byte for byte), `remove`
    /// keys.
    SetNodeLabels {
        node_id: String,
        node: String,
        set: Vec<(String, String)>,
        remove: Vec<String>,
    },
    /// Remove a node from the swarm (`force` for one that still answers).
    RemoveNode {
        node_id: String,
        node: String,
        force: bool,
    },
    CreateService {
        name: String,
        spec: Box<bollard_stubs::models::ServiceSpec>,
    },
    /// A new join token (the old one stops working).
    RotateJoinToken {
        manager: bool,
    },
    /// Remove a stack: its services, secrets, configs, then networks.
    RemoveStack {
        name: String,
    },
}

impl Op {
    /// In words, for the status line and the confirmation; never any secret data.
    pub fn describe(&self) -> String {
        match self {
            Op::SetAvailability {
                node, availability, ..
            } => match availability {
                Availability::Drain => format!("drain node {node}"),
                Availability::Active => format!("activate node {node}"),
                Availability::Pause => format!("pause node {node}"),
            },
            Op::SetRole {
                node,
                role: Role::Manager,
                ..
            } => format!("promote {node} to manager"),
            Op::SetRole {
                node,
                role: Role::Worker,
                ..
            } => format!("demote {node} to worker"),
            Op::Scale {
                service, replicas, ..
            } => format!("scale {service} to {replicas}"),
            Op::SetImage { service, image, .. } => format!("set the image of {service} to {image}"),
            Op::Update { service, .. } => format!("rolling update of {service}"),
            Op::Restart { service, .. } => format!("restart {service} (force update)"),
            Op::Rollback { service, .. } => format!("roll back {service}"),
            Op::RemoveService { service, .. } => format!("remove service {service}"),
            Op::CreateObject { kind, name, .. } => Op::create_words(*kind, name),
            Op::RemoveObject { kind, name, .. } => format!("remove {} {name}", kind.word()),
            Op::SetNodeLabels { node, .. } => format!("change the labels of node {node}"),
            Op::RemoveNode {
                node, force: false, ..
            } => format!("remove node {node}"),
            Op::RemoveNode {
                node, force: true, ..
            } => format!("force-remove node {node}"),
            Op::CreateService { name, .. } => format!("create service {name}"),
            Op::RotateJoinToken { manager: true } => "rotate the manager join token".into(),
            Op::RotateJoinToken { manager: false } => "rotate the worker join token".into(),
            Op::RemoveStack { name } => format!("remove stack {name}"),
        }
    }

    /// `describe` of a create, before its data is read (a create from a file): the answer to
    /// it is matched by these words.
    pub fn create_words(kind: ObjectKind, name: &str) -> String {
        format!("create {} {name}", kind.word())
    }

    /// Running it twice leaves what running it once does (it sets values): an op cut off by
    /// a lost manager is run once more on the next one only then (`swarmtop::ops::follow`).
    pub fn repeatable(&self) -> bool {
        match self {
            Op::SetAvailability { .. }
            | Op::SetRole { .. }
            | Op::Scale { .. }
            | Op::SetImage { .. }
            | Op::SetNodeLabels { .. } => true,
            Op::Update { form, .. } => !form.force,
            _ => false,
        }
    }

    /// What the UI shows once this op is done: the rollout of the service it rolls, or the
    /// join command with the token it rotated. Said by the op, never guessed from its words.
    pub fn follow_up(&self) -> Option<FollowUp> {
        match self {
            Op::SetImage { service_id, .. }
            | Op::Update { service_id, .. }
            | Op::Restart { service_id, .. }
            | Op::Rollback { service_id, .. } => Some(FollowUp::Rollout(service_id.clone())),
            Op::RotateJoinToken { manager } => Some(FollowUp::JoinCommand { manager: *manager }),
            _ => None,
        }
    }
}

/// What follows a finished op on screen (see `Op::follow_up`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp {
    /// The rollout view of this service.
    Rollout(String),
    /// The join command, with the new token.
    JoinCommand { manager: bool },
}
