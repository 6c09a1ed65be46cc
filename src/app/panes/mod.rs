//! One module per pane: what it lists and its columns. Pure functions of the cluster.

pub mod nodes;

use super::rows::{Column, Row};
use crate::cluster::Cluster;

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
        }
    }

    pub fn from_name(s: &str) -> Option<Pane> {
        Pane::ALL.iter().copied().find(|p| p.name() == s)
    }

    /// Panes that exist today; the others say so when chosen.
    pub fn available(self) -> bool {
        matches!(self, Pane::Nodes)
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Pane::Nodes => nodes::COLUMNS,
            _ => &[],
        }
    }

    pub fn rows(self, c: &Cluster) -> Vec<Row> {
        match self {
            Pane::Nodes => nodes::rows(c),
            _ => Vec::new(),
        }
    }
}
