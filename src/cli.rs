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

    /// Change nothing in the cluster: actions that would are refused.
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Try swarmtop on a simulated swarm with a few problems (no engine needed).
    #[arg(long, global = true, conflicts_with_all = ["context", "hosts"])]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The docker CLI's connection flags.
#[derive(Debug, Args, Clone, Default)]
pub struct ConnArgs {
    /// Docker context to use (see `docker context ls`).
    #[arg(short = 'c', long, global = true, value_name = "NAME")]
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
    /// Serve a simulated swarm manager's Engine API until interrupted.
    #[command(hide = true)]
    Sim(SimArgs),
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
    /// Serve the --demo cluster instead of a generated one.
    #[arg(long = "demo-cluster")]
    pub demo_cluster: bool,
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
