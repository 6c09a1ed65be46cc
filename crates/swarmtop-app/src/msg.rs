//! What reaches the core ([`Msg`]: keys, engine messages, answers of effects) and what it
//! asks of the runtime ([`Effect`]). Data only.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use swarmtop_model::feed::{EngineCmd, EngineMsg};
use swarmtop_model::feed::{LogEvent, LogRequest};

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// Once a second: ages and the stale timer move on.
    Tick(DateTime<Utc>),
    Engine(EngineMsg),
    /// From the log stream started with that generation.
    Logs(u64, LogEvent),
    /// A file was written (the path), or not (why).
    Saved(Result<String, String>),
    /// The file exists: saving needs the user's yes.
    SaveExists(String),
    /// A stack's file for the editor (stored in the swarm or rebuilt).
    StackFile {
        stack: String,
        result: Result<swarmtop_compose::source::StackFile, String>,
    },
    /// A file read for the editor; `Ok(None)`: it does not exist yet.
    FileOpened {
        path: std::path::PathBuf,
        stack: String,
        result: Result<Option<String>, String>,
    },
    EditorSaved(Result<std::path::PathBuf, String>),
    /// The file the editor saves to changed on disk since it was opened or saved from there.
    EditorSaveConflict(std::path::PathBuf),
    /// The plan asked for with that generation of the text.
    EditorPlan {
        generation: u64,
        result: Result<String, String>,
    },
    /// No edit came for a moment after generation `.0`: time to check and autosave it.
    EditorQuiet(u64),
    /// The background check of that generation of the editor's text.
    EditorChecked {
        generation: u64,
        result: super::editor::CheckResult,
    },
    /// The autosave could not be written (why).
    AutosaveFailed(String),
    /// A bracketed paste: the text pasted, as one event.
    Paste(String),
    EditorDeployed(Result<String, String>),
    /// Editor buffers left by an earlier session, found at start-up.
    Autosaves(Vec<super::editor::Autosave>),
    /// Connected elsewhere (`:ctx`, `:host`), with the settings for that context.
    Switched {
        context: String,
        settings: Box<swarmtop_settings::config::Settings>,
        /// Why the new target is read-only, if it is.
        read_only: Option<String>,
    },
    SwitchFailed(String),
    /// `:ctx`: the contexts, one line each.
    Contexts(Vec<String>),
    /// The join command (`:join`), or why it could not be had.
    Join(Result<super::join::JoinView, String>),
    /// The shell (or exec) in a task's container ended: how (`exit 0`), or what went wrong.
    ShellEnded {
        name: String,
        result: Result<String, String>,
    },
    /// The processes of a task's container (a table), or why not.
    Processes {
        container: super::task_container::TaskContainer,
        result: Result<String, String>,
    },
    /// A task's container health, in words, for describe.
    Health {
        task_id: String,
        result: Result<String, String>,
    },
    /// A service's spec and previous spec as the engine wrote them (`Ok(None)`: no such
    /// service), for the history view or the rollback dialog.
    ServiceSpec {
        service_id: String,
        then: SpecFor,
        result: Result<Option<swarmtop_model::cluster::spec_history::SpecSeen>, String>,
    },
    /// An operator action finished: what it was, and what happened.
    OpDone {
        what: String,
        /// What to show once it is done (`Op::follow_up`).
        then: Option<swarmtop_ops::FollowUp>,
        result: Result<String, String>,
    },
    /// A rotation finished, as far as it went (`swarmtop_ops::rotate`).
    Rotated(Box<swarmtop_ops::rotate::RotateReport>),
    /// Lines a custom command wrote (stdout and stderr as they came), by its run's id.
    CommandOutput {
        id: u64,
        lines: Vec<String>,
    },
    /// A custom command ended: `Ok("exit 0")`, `Ok("stopped")`, or why it could not run.
    CommandEnded {
        id: u64,
        name: String,
        result: Result<String, String>,
    },
    /// `:fleet`: the swarms of the check of that generation, each still being checked (or
    /// already known not to resolve).
    FleetLines(u64, Vec<swarmtop_model::fleet::Line>),
    /// One swarm's answer in the check of that generation.
    FleetAnswer {
        generation: u64,
        index: usize,
        status: swarmtop_model::fleet::Status,
    },
}

/// What `update` asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    Engine(EngineCmd),
    /// Start (or restart) the log stream; its messages carry `generation`.
    StartLogs {
        generation: u64,
        request: LogRequest,
    },
    StopLogs,
    /// Write a file; without `overwrite` an existing file is left alone (Msg::SaveExists).
    SaveFile {
        path: String,
        contents: String,
        overwrite: bool,
    },
    /// Fetch a stack's file (stored or rebuilt) for the editor.
    LoadStackFile {
        stack: String,
    },
    /// Read a file for the editor (off the UI task; bounded; regular files only).
    OpenFile {
        path: std::path::PathBuf,
        stack: String,
    },
    /// Stop reading the file for the editor (Esc while it is read).
    CancelRead,
    /// What the stack editor asked for (save, plan, deploy, autosave).
    Editor(super::editor::EditorEffect),
    /// This session's autosave of `stack` is not needed any more (and `also`, the autosave a
    /// restored edit came from).
    DiscardAutosave {
        stack: String,
        also: Option<std::path::PathBuf>,
    },
    /// Delete an autosave the user said to delete.
    RemoveAutosave {
        path: std::path::PathBuf,
    },
    /// Change the cluster.
    Run(swarmtop_ops::Op),
    /// Read a service's spec and previous spec (raw) for the history view or a rollback's
    /// dialog (`Msg::ServiceSpec`).
    ReadServiceSpec {
        service_id: String,
        then: SpecFor,
    },
    /// Fetch the join token and the manager address.
    LoadJoin {
        manager: bool,
    },
    /// Connect elsewhere for this session (`:ctx NAME`, `:host URL`); done by the runtime.
    Switch {
        context: Option<String>,
        host: Option<String>,
    },
    /// List the docker contexts (`:ctx`).
    ListContexts,
    /// Check every swarm of the fleet (`:fleet`); the answers carry the generation.
    CheckFleet(u64),
    /// Ask a task's node for the processes in its container.
    LoadProcesses(super::task_container::TaskContainer),
    /// Ask a task's node for its container's health (describe).
    LoadHealth(super::task_container::TaskContainer),
    /// What the screen needs from the nodes' own engines (the per-node worker).
    WatchNodes(swarmtop_model::nodes::NodeWatch),
    /// Hand the terminal to a process in a task's container until it ends (the runtime).
    Shell(ShellRequest),
    /// Put text on the user's clipboard with OSC 52 (works through SSH and tmux).
    Copy(String),
    /// Create a secret or config from a file (read by the runtime; an empty one is refused).
    CreateFromFile {
        kind: swarmtop_model::cluster::ObjectKind,
        name: String,
        path: std::path::PathBuf,
        labels: Vec<(String, String)>,
    },
    /// Rotate a secret or config to new data read from a file (read by the runtime; an empty
    /// one is refused); answered with `Msg::Rotated`.
    RotateFromFile {
        rotation: swarmtop_ops::Rotation,
        path: std::path::PathBuf,
    },
    /// Run a custom command (`crate::custom`): in the background, its output sent back as it
    /// comes, or in the foreground with the terminal (the runtime).
    RunCommand(CommandRun),
    /// Stop the background command of that run.
    StopCommand(u64),
}

/// A custom command to run, its variables filled (`crate::custom`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRun {
    pub id: u64,
    pub name: String,
    /// The program and its arguments (`sh -c LINE` for a shell line).
    pub argv: Vec<String>,
    /// Hand it the terminal until it ends.
    pub foreground: bool,
}

/// What a service's spec is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecFor {
    History,
    /// The rollback dialog: what the service returns to.
    Rollback,
}

/// What the runtime needs to start a process in a task's container (`crate::shell`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellRequest {
    /// `web.1.abcdef123456`: how the status line names it.
    pub name: String,
    pub task_id: String,
    /// The node the container runs on: its engine is the one to ask.
    pub node_id: String,
    pub container_id: String,
    pub cmd: Vec<String>,
}
