//! One module per pane: what it lists and its columns. Pure functions of the cluster.

pub mod events;
pub mod fleet;
pub mod networks;
pub mod nodes;
pub mod objects;
pub mod problems;
pub mod reach;
pub mod rollout;
pub mod services;
pub mod stacks;
pub mod tasks;
pub mod top;
pub mod usage;

use chrono::{DateTime, Utc};

use super::node_data::NodeData;
use super::rows::Column;
use super::rowset::{Rows, RowsBuilder};
use swarmtop_model::cluster::{Cluster, ObjectKind};

pub use events::EventLog;

/// Tasks on each service's current spec, for rollout views.
pub type UpToDate = std::collections::HashMap<String, Vec<swarmtop_model::cluster::Task>>;

/// The list panes, in the order of their number keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pane {
    Problems,
    Nodes,
    Services,
    Tasks,
    Stacks,
    Secrets,
    Configs,
    Networks,
    /// The event timeline (`:events`; no number key).
    Events,
    /// One service's rolling update or rollback, slot by slot.
    Rollout,
    /// Nodes side by side with their tasks (`:map`); drawn by `ui::map`, no rows.
    Map,
    /// The busiest running tasks of the swarm (`:top`).
    Top,
    /// Every node's own engine: how it is reached and whether it works (`:reach`).
    Reach,
    /// Every swarm at a glance: each docker context's health (`:fleet`).
    Fleet,
}

/// A pane narrowed to one object: a node's tasks, a service's tasks, a stack's services.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Drill {
    #[default]
    None,
    Node(String),
    Service(String),
    Stack(String),
}

/// What is on screen: a pane, maybe narrowed. Each view keeps its own cursor and filter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct View {
    pub pane: Pane,
    pub drill: Drill,
}

impl View {
    pub fn top(pane: Pane) -> View {
        View {
            pane,
            drill: Drill::None,
        }
    }
}

impl Pane {
    pub const ALL: &'static [Pane] = &[
        Pane::Problems,
        Pane::Nodes,
        Pane::Services,
        Pane::Tasks,
        Pane::Stacks,
        Pane::Secrets,
        Pane::Configs,
        Pane::Networks,
        Pane::Events,
        Pane::Rollout,
        Pane::Map,
        Pane::Top,
        Pane::Reach,
        Pane::Fleet,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Pane::Problems => "problems",
            Pane::Nodes => "nodes",
            Pane::Services => "services",
            Pane::Tasks => "tasks",
            Pane::Stacks => "stacks",
            Pane::Secrets => "secrets",
            Pane::Configs => "configs",
            Pane::Networks => "networks",
            Pane::Events => "events",
            Pane::Rollout => "rollout",
            Pane::Map => "map",
            Pane::Top => "top",
            Pane::Reach => "reach",
            Pane::Fleet => "fleet",
        }
    }

    pub fn from_name(s: &str) -> Option<Pane> {
        Pane::ALL.iter().copied().find(|p| p.name() == s)
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Pane::Problems => problems::COLUMNS,
            Pane::Nodes => nodes::COLUMNS,
            Pane::Services => services::COLUMNS,
            Pane::Tasks => tasks::COLUMNS,
            Pane::Stacks => stacks::COLUMNS,
            Pane::Secrets | Pane::Configs => objects::COLUMNS,
            Pane::Networks => networks::COLUMNS,
            Pane::Events => events::COLUMNS,
            Pane::Rollout => rollout::COLUMNS,
            Pane::Map => &[],
            Pane::Top => top::COLUMNS,
            Pane::Reach => reach::COLUMNS,
            Pane::Fleet => fleet::COLUMNS,
        }
    }
}

/// What the rows of a view are built from.
pub struct Sources<'a> {
    pub cluster: &'a Cluster,
    pub now: DateTime<Utc>,
    pub events: &'a EventLog,
    pub up_to_date: &'a UpToDate,
    /// What the nodes' own engines said (usage, health, reach).
    pub nodes: &'a NodeData,
    /// Every problem, worst first, as found at the last change.
    pub problems: &'a [swarmtop_model::cluster::problems::Problem],
    /// Every swarm's line (`:fleet`), and the session's context among them.
    pub fleet: &'a [swarmtop_model::fleet::Line],
    pub context: &'a str,
}

impl View {
    /// The view's rows, packed as they are built (the tasks pane's one by one: no list of
    /// every task's row is held).
    pub fn rows(&self, src: &Sources) -> Rows {
        let (c, now, events, up_to_date, nd) =
            (src.cluster, src.now, src.events, src.up_to_date, src.nodes);
        let rows = match (self.pane, &self.drill) {
            (Pane::Tasks, drill) => {
                let which = match drill {
                    Drill::Service(id) => tasks::Filter::Service(id),
                    Drill::Node(id) => tasks::Filter::Node(id),
                    _ => tasks::Filter::All,
                };
                let mut out = RowsBuilder::default();
                tasks::rows(c, nd, which, &mut out);
                return out.finish();
            }
            (Pane::Events, _) => events::rows(events),
            (Pane::Rollout, Drill::Service(id)) => rollout::rows(c, id, up_to_date.get(id), now),
            (Pane::Rollout, _) | (Pane::Map, _) => Vec::new(),
            (Pane::Problems, _) => problems::rows(src.problems),
            (Pane::Nodes, _) => nodes::rows(c, nd),
            (Pane::Services, Drill::Stack(s)) => services::rows(c, nd, Some(s)),
            (Pane::Services, _) => services::rows(c, nd, None),
            (Pane::Top, _) => top::rows(c, nd),
            (Pane::Reach, _) => reach::rows(c, nd),
            (Pane::Fleet, _) => fleet::rows(src.fleet, src.context),
            (Pane::Stacks, _) => stacks::rows(c),
            (Pane::Secrets, _) => objects::rows(c, ObjectKind::Secret),
            (Pane::Configs, _) => objects::rows(c, ObjectKind::Config),
            (Pane::Networks, _) => networks::rows(c),
        };
        Rows::new(rows)
    }

    /// A digest of everything the view's rows are built from, for the tasks pane (the
    /// largest by far; the others are rebuilt on every change): the tasks, the services'
    /// and nodes' names, the nodes' states, what the nodes said.
    pub fn input_key(&self, src: &Sources, tasks_gen: u64) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        if self.pane != Pane::Tasks {
            return None;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.drill.hash(&mut h);
        tasks_gen.hash(&mut h);
        src.nodes.generation.hash(&mut h);
        let c = src.cluster;
        for s in &c.services {
            s.id.hash(&mut h);
            swarmtop_model::cluster::service_name(s).hash(&mut h);
        }
        for n in &c.nodes {
            n.id.hash(&mut h);
            swarmtop_model::cluster::node_hostname(n).hash(&mut h);
            swarmtop_model::cluster::node_state(n)
                .to_string()
                .hash(&mut h);
        }
        Some(h.finish())
    }

    /// The pane's title: "tasks of web", "tasks on node3", "services of stack shop".
    pub fn title(&self, c: &Cluster) -> String {
        match &self.drill {
            Drill::None => self.pane.name().to_string(),
            Drill::Node(id) => format!("{} on {}", self.pane.name(), c.node_name(id)),
            Drill::Service(id) if self.pane == Pane::Rollout => {
                format!("rollout of {}", c.service_name_of(id))
            }
            Drill::Service(id) => format!("{} of {}", self.pane.name(), c.service_name_of(id)),
            Drill::Stack(name) => format!("{} of stack {name}", self.pane.name()),
        }
    }
}

impl Pane {
    /// The kind of object this pane lists, for the secrets and configs panes.
    pub fn object_kind(self) -> Option<ObjectKind> {
        match self {
            Pane::Secrets => Some(ObjectKind::Secret),
            Pane::Configs => Some(ObjectKind::Config),
            _ => None,
        }
    }

    /// The keymap scope whose keys work in this pane.
    pub fn scope(self) -> swarmtop_settings::keymap::Scope {
        match self {
            Pane::Problems => swarmtop_settings::keymap::Scope::Problems,
            Pane::Nodes => swarmtop_settings::keymap::Scope::Nodes,
            Pane::Services => swarmtop_settings::keymap::Scope::Services,
            Pane::Tasks => swarmtop_settings::keymap::Scope::Tasks,
            Pane::Stacks => swarmtop_settings::keymap::Scope::Stacks,
            Pane::Secrets => swarmtop_settings::keymap::Scope::Secrets,
            Pane::Configs => swarmtop_settings::keymap::Scope::Configs,
            Pane::Networks => swarmtop_settings::keymap::Scope::Networks,
            Pane::Events => swarmtop_settings::keymap::Scope::Global,
            // the actions of the service being rolled work there (rollback one key away)
            Pane::Rollout => swarmtop_settings::keymap::Scope::Services,
            Pane::Map => swarmtop_settings::keymap::Scope::Global,
            // a task per row: the tasks pane's keys
            Pane::Top => swarmtop_settings::keymap::Scope::Tasks,
            Pane::Reach | Pane::Fleet => swarmtop_settings::keymap::Scope::Global,
        }
    }
}
