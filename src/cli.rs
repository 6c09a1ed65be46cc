//! Command line: the connection flags of the docker CLI, the TUI's options, and the headless
//! subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::connect::ConnectOptions;

#[derive(Debug, Parser)]
#[command(
    name = "swarmtop",
    version,
    about = "A terminal UI for Docker Swarm: see what is broken, and fix it from the keyboard.",
    after_help = "Connection: --context > --host > DOCKER_HOST > DOCKER_CONTEXT > the docker CLI's current context > the local socket."
)]
pub struct Cli {
    #[command(flatten)]
    pub conn: ConnArgs,

    /// Change nothing in the cluster: actions that would are refused. Wins over config.yaml.
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Write a debug log here (connections, actions and their outcome; never typed keys,
    /// secret data or tokens). Nothing is logged without it.
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,

    /// Try swarmtop on a simulated swarm with a few problems (no engine needed).
    #[arg(long, conflicts_with_all = ["context", "hosts"])]
    pub demo: bool,

    /// Theme to use (built in: default, light, mono, red-alert; or a file in the config
    /// directory's themes/). Wins over config.yaml.
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,

    /// Keymap to use (built in: default, vim, tmux; or a file in the config directory's
    /// keymaps/). Wins over config.yaml.
    #[arg(long, global = true, value_name = "NAME")]
    pub keymap: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The docker CLI's connection flags.
#[derive(Debug, Args, Clone, Default)]
pub struct ConnArgs {
    /// Docker context to use (see `docker context ls`). Give it before the subcommand, as with
    /// docker: `-c` after `stack deploy` names a compose file.
    #[arg(short = 'c', long, value_name = "NAME")]
    pub context: Option<String>,

    /// Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat
    /// it to list fallback managers.
    #[arg(short = 'H', long = "host", global = true, value_name = "URL")]
    pub hosts: Vec<String>,

    /// Use TLS; implied by --tlsverify.
    #[arg(long, global = true)]
    pub tls: bool,

    /// Use TLS and verify the engine's certificate.
    #[arg(long, global = true)]
    pub tlsverify: bool,

    /// Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem).
    #[arg(long, global = true, value_name = "FILE")]
    pub tlscacert: Option<PathBuf>,

    /// TLS certificate file (default $DOCKER_CERT_PATH/cert.pem).
    #[arg(long, global = true, value_name = "FILE")]
    pub tlscert: Option<PathBuf>,

    /// TLS key file (default $DOCKER_CERT_PATH/key.pem).
    #[arg(long, global = true, value_name = "FILE")]
    pub tlskey: Option<PathBuf>,
}

impl Cli {
    /// The settings the command line gives; they win over every file.
    pub fn flags(&self) -> crate::config::Flags {
        crate::config::Flags {
            theme: self.theme.clone(),
            keymap: self.keymap.clone(),
            read_only: self.read_only,
            // no-color.org: set and not empty
            no_colour: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        }
    }
}

impl ConnArgs {
    pub fn options(&self) -> ConnectOptions {
        ConnectOptions {
            context: self.context.clone(),
            hosts: self.hosts.clone(),
            tls: self.tls,
            tls_verify: self.tlsverify,
            tls_ca: self.tlscacert.clone(),
            tls_cert: self.tlscert.clone(),
            tls_key: self.tlskey.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the cluster once (nodes, services, tasks, stacks, secrets and configs metadata) and exit.
    Snapshot {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Drain, activate, pause, promote or demote a node (demote has the quorum guard).
    Node {
        #[command(subcommand)]
        cmd: NodeCommand,
    },
    /// Scale, update the image of, or roll back a service.
    Service {
        #[command(subcommand)]
        cmd: ServiceCommand,
    },
    /// Create a secret from a file or stdin.
    Secret {
        #[command(subcommand)]
        cmd: SecretCommand,
    },
    /// Deploy, list and remove stacks (compose files), like `docker stack`.
    Stack {
        #[command(subcommand)]
        cmd: StackCommand,
    },
    /// Serve a simulated swarm manager's Engine API until interrupted.
    #[command(hide = true)]
    Sim(SimArgs),
    /// Print the keys of the active keymap (config.yaml, the context, --keymap).
    Keys {
        /// As Markdown: KEYS.md is this for the default keymap.
        #[arg(long)]
        markdown: bool,
    },
    /// Every swarm at a glance: each docker context (or config.yaml's `fleet:`) with its
    /// health in one line, all checked at once, 5 s each at most. Only reads.
    Fleet {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Where the settings files are, and whether they are right.
    Config {
        #[command(subcommand)]
        cmd: ConfigCommand,
    },
    /// Print the shell completion script for bash, zsh or fish (README: Shell completion).
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the man page (roff): `swarmtop man | man -l -`; with --dir, write it and a page for
    /// each subcommand (swarmtop-stack-deploy.1, ...) there.
    Man {
        /// Write every page into this directory (e.g. /usr/local/share/man/man1).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Make `docker swarmtop` run this swarmtop: a link named docker-swarmtop in the docker
    /// CLI's plugin directory ($DOCKER_CONFIG/cli-plugins, else ~/.docker/cli-plugins).
    InstallPlugin {
        /// Put the link in this directory instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Replace a docker-swarmtop there that is not a link to swarmtop.
        #[arg(long)]
        force: bool,
    },
    /// Names for the shell completion scripts: docker contexts, or the stacks, services or
    /// nodes of the swarm the connection flags name. Prints nothing when it cannot.
    #[command(name = "__complete", hide = true)]
    Complete {
        #[arg(value_enum)]
        what: CompleteWhat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompleteWhat {
    Contexts,
    Stacks,
    Services,
    Nodes,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print where config.yaml, keymaps/ and themes/ are looked up, and which exist.
    Path,
    /// Check every settings file; print each problem (file:line: key: what) and exit 1 if any.
    Check,
}

#[derive(Debug, Subcommand)]
pub enum StackCommand {
    /// Deploy a new stack or update an existing one (shows the plan, then applies it).
    Deploy {
        /// Compose file; repeat to merge several, later files override earlier ones.
        #[arg(
            short = 'c',
            long = "compose-file",
            value_name = "FILE",
            required = true
        )]
        files: Vec<PathBuf>,
        /// Remove services that are no longer in the file.
        #[arg(long)]
        prune: bool,
        /// Ask a registry for image digests: always, changed (images that changed) or never.
        #[arg(long, value_name = "WHEN", default_value = "always")]
        resolve_image: String,
        /// Print the plan and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The stack's name.
        name: String,
    },
    /// Remove a stack: its services, secrets, configs and networks.
    #[command(alias = "remove")]
    Rm { name: String },
    /// List the stacks.
    Ls,
    /// List a stack's tasks.
    Ps { name: String },
    /// Print the stack's compose file: the one swarmtop stored, or one rebuilt from the specs.
    File { name: String },
}

#[derive(Debug, Subcommand)]
pub enum NodeCommand {
    /// Move the node's tasks elsewhere and schedule nothing there (prints what moves).
    Drain { node: String },
    /// Schedule tasks on the node again.
    Activate { node: String },
    /// Keep the node's tasks but schedule no new ones there.
    Pause { node: String },
    /// Make the node a manager.
    Promote { node: String },
    /// Make the manager a worker; refused when it would lose the raft quorum.
    Demote {
        node: String,
        /// Demote even though the quorum would be lost.
        #[arg(long)]
        force: bool,
    },
}

impl NodeCommand {
    /// The command's words, for a refusal.
    pub fn describe(&self) -> &'static str {
        match self {
            NodeCommand::Drain { .. } => "node drain",
            NodeCommand::Activate { .. } => "node activate",
            NodeCommand::Pause { .. } => "node pause",
            NodeCommand::Promote { .. } => "node promote",
            NodeCommand::Demote { .. } => "node demote",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Set the number of replicas: `swarmtop service scale web=5`.
    Scale {
        #[arg(value_name = "SERVICE=REPLICAS")]
        arg: String,
    },
    /// Roll the service to another image, change how it rolls, or restart its tasks
    /// (`--force`), as `docker service update` with the same flags. Everything else in the
    /// service's spec is kept as it is.
    Update(Box<UpdateArgs>),
    /// Roll the service back to its previous spec.
    Rollback { service: String },
    /// Create a service, with the flags of `docker service create` that swarmtop's form has.
    Create(Box<CreateArgs>),
}

impl ServiceCommand {
    /// The command's words, for a refusal.
    pub fn describe(&self) -> &'static str {
        match self {
            ServiceCommand::Scale { .. } => "service scale",
            ServiceCommand::Update(_) => "service update",
            ServiceCommand::Rollback { .. } => "service rollback",
            ServiceCommand::Create(_) => "service create",
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct CreateArgs {
    #[arg(long)]
    pub name: String,
    /// replicated or global
    #[arg(long, default_value = "replicated")]
    pub mode: String,
    #[arg(long, default_value_t = 1)]
    pub replicas: u64,
    /// NAME=value; repeat for more
    #[arg(short = 'e', long = "env")]
    pub env: Vec<String>,
    /// PUBLISHED:TARGET[/udp], host:PUBLISHED:TARGET, or mode=host,published=N,target=N
    #[arg(short = 'p', long = "publish")]
    pub publish: Vec<String>,
    /// e.g. node.role==worker; repeat for more
    #[arg(long = "constraint")]
    pub constraints: Vec<String>,
    #[arg(long)]
    pub update_parallelism: Option<i64>,
    /// e.g. 10s
    #[arg(long)]
    pub update_delay: Option<String>,
    /// a secret's name; repeat for more
    #[arg(long = "secret")]
    pub secrets: Vec<String>,
    /// a config's name; repeat for more
    #[arg(long = "config")]
    pub configs: Vec<String>,
    /// any, on-failure or none
    #[arg(long)]
    pub restart_condition: Option<String>,
    /// a swarm-scoped network's name or ID; repeat for more
    #[arg(long = "network")]
    pub networks: Vec<String>,
    /// as docker's --mount: type=bind,src=/srv,dst=/data,ro; repeat for more
    #[arg(long = "mount")]
    pub mounts: Vec<String>,
    /// CPUs, e.g. 0.5
    #[arg(long)]
    pub limit_cpu: Option<String>,
    /// bytes, e.g. 512M
    #[arg(long)]
    pub limit_memory: Option<String>,
    /// CPUs, e.g. 0.25
    #[arg(long)]
    pub reserve_cpu: Option<String>,
    /// bytes, e.g. 256M
    #[arg(long)]
    pub reserve_memory: Option<String>,
    /// a service label, key=value; repeat for more
    #[arg(short = 'l', long = "label")]
    pub labels: Vec<String>,
    /// run by the shell in the container (CMD-SHELL)
    #[arg(long)]
    pub health_cmd: Option<String>,
    /// e.g. 30s
    #[arg(long)]
    pub health_interval: Option<String>,
    /// e.g. 5s
    #[arg(long)]
    pub health_timeout: Option<String>,
    #[arg(long)]
    pub health_retries: Option<String>,
    /// e.g. 1m
    #[arg(long)]
    pub health_start_period: Option<String>,
    pub image: String,
    /// The command and its arguments.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// `swarmtop service update`: the flags of `docker service update` that swarmtop's rolling
/// update form has.
#[derive(Debug, Args, Clone)]
pub struct UpdateArgs {
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Tasks updated at once (0: all).
    #[arg(long, value_name = "N")]
    pub update_parallelism: Option<i64>,
    /// Pause between batches, e.g. 10s.
    #[arg(long, value_name = "DURATION")]
    pub update_delay: Option<String>,
    /// How long a new task must run to count as updated, e.g. 5s.
    #[arg(long, value_name = "DURATION")]
    pub update_monitor: Option<String>,
    /// pause, continue or rollback
    #[arg(long, value_name = "ACTION")]
    pub update_failure_action: Option<String>,
    /// stop-first or start-first
    #[arg(long, value_name = "ORDER")]
    pub update_order: Option<String>,
    /// Restart every task even though nothing changed (a force update).
    #[arg(long)]
    pub force: bool,
    pub service: String,
}

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Create a secret from FILE, or from stdin with `-`.
    Create {
        name: String,
        #[arg(value_name = "FILE|-")]
        source: String,
    },
}

/// `swarmtop sim`: serve a simulated engine (for scripts, tests and benchmarks).
#[derive(Debug, Args, Clone)]
pub struct SimArgs {
    /// Unix socket to serve on.
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// TCP address to serve on (plain HTTP), e.g. 127.0.0.1:2375.
    #[arg(long, value_name = "ADDR")]
    pub tcp: Option<std::net::SocketAddr>,
    /// Serve each node's own engine on DIR/<hostname>.sock (containers, stats, health, top,
    /// logs of its tasks); default: nodes/ beside --socket. Prints the config.yaml
    /// node_template line that points swarmtop at them.
    #[arg(long, value_name = "DIR")]
    pub nodes_dir: Option<PathBuf>,
    /// Serve the --demo cluster instead of a generated one.
    #[arg(long = "demo-cluster")]
    pub demo_cluster: bool,
    /// A size of the benchmarks (S, M, L, XL: see BENCHMARKS.md); sets --nodes, --managers,
    /// --services and --tasks-per-service.
    #[arg(long, value_name = "SIZE", value_parser = ["S", "M", "L", "XL", "s", "m", "l", "xl"])]
    pub size: Option<String>,
    #[arg(long, default_value_t = 3)]
    pub nodes: usize,
    #[arg(long, default_value_t = 1)]
    pub managers: usize,
    #[arg(long, default_value_t = 20)]
    pub services: usize,
    #[arg(long, default_value_t = 3)]
    pub tasks_per_service: usize,
    /// Earlier tasks kept per slot.
    #[arg(long, default_value_t = 1)]
    pub history: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Simulated time runs this many times faster (update delays, restarts).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Log lines per second per task.
    #[arg(long, default_value_t = 1.0)]
    pub log_rate: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Table,
}
