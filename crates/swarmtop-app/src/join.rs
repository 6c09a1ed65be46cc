//! `:join worker` / `:join manager`: the full `docker swarm join` command for this swarm, ready
//! to copy (OSC 52 reaches the local clipboard over SSH), and rotating the token (the keys are
//! `join_update`). The token is held only while the dialog is open: never in snapshots, logs
//! or files.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinView {
    pub manager: bool,
    /// `docker swarm join --token ... ADDR:2377`
    pub command: String,
}
