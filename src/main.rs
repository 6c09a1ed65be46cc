use std::ffi::OsString;
use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use clap::{CommandFactory, FromArgMatches, Parser};

use swarmtop::access::{Access, Reading};
use swarmtop::app::State;
use swarmtop::cli::{Cli, Command, CompleteWhat, ConfigCommand, Format, StackCommand};
use swarmtop::cluster::format::escape_controls;
use swarmtop::config::{Files, Settings};
use swarmtop::connect::{Endpoint, ProcessEnv, resolve};
use swarmtop::engine::{Engine, load_cluster};
use swarmtop::keydoc;
use swarmtop::plugin::{self, Call};
use swarmtop::runtime::{self, UiConfig};
use swarmtop::snapshot::Snapshot;
use swarmtop::{out, outln};
use swarmtop_sim::demo::Demo;

/// glibc gives threads that allocate their own heap arenas (up to eight per core) and seldom
/// hands freed memory back from them; swarmtop parses the engine's answers on worker threads and
/// keeps the result on another, which left idle memory at 200 nodes / 2,000 services stranded in
/// half-empty arenas (peak RSS at L 78 MB with the default, 72 MB with two arenas, 65 MB with
/// one; BENCHMARKS.md). Allocation is not contended here: one arena does.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
// mallopt through libc: std has no allocator tuning
#[allow(unsafe_code)]
fn limit_malloc_arenas() {
    // SAFETY: sets an allocator parameter; called first in main, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    limit_malloc_arenas();
    let cli = match parse_args() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("swarmtop: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            swarmtop::terminal::restore_terminal_if_raw();
            eprintln!("swarmtop: {}", escape_controls(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

/// The command line, as `swarmtop` or as the docker CLI's plugin (`docker swarmtop`, see
/// `swarmtop::plugin`). Err: what the docker CLI asked is answered, or the arguments were wrong.
fn parse_args() -> std::result::Result<Cli, ExitCode> {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let from_docker = std::env::var_os(plugin::REEXEC_ENV).is_some();
    match plugin::call(&argv, from_docker) {
        Ok(Call::Standalone) => Ok(Cli::parse_from(argv)),
        Ok(Call::Metadata) => {
            outln!("{}", plugin::metadata_json());
            Err(ExitCode::SUCCESS)
        }
        Ok(Call::Complete { words }) => {
            out!("{}", swarmtop::completions::cobra(&words));
            Err(ExitCode::SUCCESS)
        }
        Ok(Call::Run { globals, args }) => {
            let words = std::iter::once(OsString::from(plugin::NAME)).chain(args);
            let matches = Cli::command()
                .bin_name("docker swarmtop")
                .get_matches_from(words);
            let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
            globals.apply(&mut cli.conn);
            if let Some(dir) = &globals.config {
                set_docker_config(dir);
            }
            plugin::watch_cli_socket(terminate_self);
            Ok(cli)
        }
        Err(e) => {
            eprintln!("docker swarmtop: {}", escape_controls(&e));
            Err(ExitCode::FAILURE)
        }
    }
}

/// docker's `--config DIR` before the plugin's name: the contexts and config.json are read from
/// there, as `DOCKER_CONFIG` says everywhere else (and to the processes swarmtop starts).
#[allow(unsafe_code)]
fn set_docker_config(dir: &std::path::Path) {
    // SAFETY: called from main before the runtime or any other thread exists.
    unsafe {
        std::env::set_var("DOCKER_CONFIG", dir);
    }
}

/// The docker CLI asked its plugin to stop: as if it were sent SIGTERM itself (the TUI restores
/// the terminal and exits 143; a headless command ends).
#[allow(unsafe_code)]
fn terminate_self() {
    // SAFETY: kill(2) on our own pid with a valid signal number; no memory is touched.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGTERM);
    }
}

/// `swarmtop install-plugin`: the link, and what to type next.
fn install_plugin(dir: Option<&std::path::Path>, force: bool) -> Result<ExitCode> {
    use swarmtop::connect::Env;
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => ProcessEnv.docker_config_dir().join("cli-plugins"),
    };
    let exe = std::env::current_exe()
        .map_err(|e| anyhow::anyhow!("cannot tell where this swarmtop is: {e}"))?;
    let link = dir.join(plugin::FILE_NAME);
    match plugin::install(&dir, &exe, force).map_err(anyhow::Error::msg)? {
        plugin::Installed::AlreadyThere => {
            outln!("{} already links to {}", link.display(), exe.display())
        }
        plugin::Installed::Linked => outln!("{} -> {}", link.display(), exe.display()),
        plugin::Installed::Replaced { old } => outln!(
            "{} -> {} (was {})",
            link.display(),
            exe.display(),
            old.display()
        ),
    }
    outln!("docker swarmtop now runs it, e.g. `docker --context NAME swarmtop`.");
    Ok(ExitCode::SUCCESS)
}

/// `swarmtop __complete WHAT`: one name a line, for the completion scripts. The swarm is read
/// through a read-only gate and within a few seconds; a failure prints nothing (a completion
/// never shows an error).
async fn complete_names(cli: &Cli, start: &Start, what: CompleteWhat) -> Vec<String> {
    use swarmtop::access::{Access, Because};
    use swarmtop::cluster::{node_hostname, service_name};
    use swarmtop::connect::{ContextStore, Env};
    if what == CompleteWhat::Contexts {
        let store = ContextStore::new(&ProcessEnv.docker_config_dir());
        return std::iter::once("default".to_string())
            .chain(store.list().into_iter().map(|c| c.name))
            .collect();
    }
    let read = async {
        let (engine, _demo) = connect(cli, start, &Access::read_only(Because::Flag)).await?;
        anyhow::Ok(load_cluster(&engine).await?)
    };
    let Ok(Ok(cluster)) = tokio::time::timeout(std::time::Duration::from_secs(5), read).await
    else {
        return Vec::new();
    };
    let mut names: Vec<String> = match what {
        CompleteWhat::Stacks => cluster.stacks().into_iter().map(|s| s.name).collect(),
        CompleteWhat::Services => cluster
            .services
            .iter()
            .map(|s| service_name(s).to_string())
            .collect(),
        CompleteWhat::Nodes => cluster
            .nodes
            .iter()
            .map(|n| node_hostname(n).to_string())
            .collect(),
        CompleteWhat::Contexts => Vec::new(),
    };
    names.sort();
    names.dedup();
    names
}

/// The demo's endpoint: context `demo` on its private socket.
fn demo_endpoint(demo: &Demo) -> Endpoint {
    Endpoint::unix_socket("demo", demo.socket.clone())
}

/// What every command knows before it connects: the settings files, read-only as config.yaml
/// and its memory say, and the flags.
struct Start {
    reading: Reading,
    flags: swarmtop::config::Flags,
}

impl Start {
    /// Read-only for the context the connection flags name (decided once, here).
    fn access(&self, cli: &Cli) -> Access {
        let context = if cli.demo {
            "demo".to_string()
        } else {
            context_name(cli)
        };
        self.reading.decide(&context, &self.flags)
    }
}

/// Resolves the endpoint and connects to a manager; every failure is one line. With `--demo`
/// the manager is a simulated one served in this process (kept alive by the returned guard).
/// Every request goes through the read-only gate `access` makes.
async fn connect(cli: &Cli, start: &Start, access: &Access) -> Result<(Engine, Option<Demo>)> {
    let gate = start.reading.gate(access);
    if cli.demo {
        let demo = Demo::start().await?;
        let engine = try_manager(&demo_endpoint(&demo), &gate).await?;
        return Ok((engine, Some(demo)));
    }
    let endpoints = resolve(&cli.conn.options(), &ProcessEnv)?;
    let mut last = None;
    for ep in &endpoints {
        match try_manager(ep, &gate).await {
            Ok(e) => return Ok((e, None)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| anyhow::anyhow!("no endpoint to connect to")))
}

async fn try_manager(ep: &Endpoint, gate: &swarmtop::access::Gate) -> Result<Engine> {
    let engine = Engine::connect(ep, gate).await?;
    engine.require_manager().await?;
    Ok(engine)
}

/// A subcommand that changes the swarm: refused before connecting when read-only is known from
/// the flag or config.yaml, and after connecting when the swarm is one remembered read-only
/// (the transport would refuse its first write anyway; this says it before anything is read).
async fn connect_to_write(cli: &Cli, start: &Start, what: &str) -> Result<(Engine, Option<Demo>)> {
    let access = start.access(cli);
    if let Some(refused) = access.refusal(what) {
        anyhow::bail!(refused);
    }
    let (engine, demo) = connect(cli, start, &access).await?;
    if let Some(why) = engine.read_only() {
        anyhow::bail!(swarmtop::access::refusal(why, what));
    }
    Ok((engine, demo))
}

/// The docker context the connection flags and environment name, without connecting (for
/// the subcommands that only need the context's settings).
fn context_name(cli: &Cli) -> String {
    if let Some(c) = &cli.conn.context {
        return c.clone();
    }
    resolve(&cli.conn.options(), &ProcessEnv)
        .ok()
        .and_then(|eps| eps.first().map(|e| e.context.clone()))
        .unwrap_or_else(|| "default".to_string())
}

/// Settings problems, for the commands that print instead of drawing.
fn warn(settings: &Settings) {
    for w in &settings.warnings {
        eprintln!("swarmtop: warning: {}", escape_controls(w));
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    // these print what the command line is; no settings file can change them
    match &cli.command {
        Some(Command::Completions { shell }) => {
            out!(
                "{}",
                swarmtop::completions::script(*shell).map_err(anyhow::Error::msg)?
            );
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Man { dir: None }) => {
            out!("{}", swarmtop::completions::man()?);
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Man { dir: Some(dir) }) => {
            let pages = swarmtop::completions::man_pages(dir).map_err(|e| {
                anyhow::anyhow!("cannot write the man pages into {}: {e}", dir.display())
            })?;
            for p in pages {
                outln!("{}", p.display());
            }
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::InstallPlugin { dir, force }) => {
            return install_plugin(dir.as_deref(), *force);
        }
        _ => {}
    }
    if let Some(p) = &cli.log_file {
        swarmtop::logfile::open(p)
            .map_err(|e| anyhow::anyhow!("cannot open the log file {}: {e}", p.display()))?;
    }
    let paths = swarmtop::settings_disk::config_paths();
    let files = Files::read(&paths, &swarmtop::settings_disk::Disk);
    let flags = cli.flags();
    files.check_flags(&flags).map_err(anyhow::Error::msg)?;
    let (reading, memory_problem) = Reading::load(&files);
    // said by every command that connects, on stderr (the TUI: on its status line)
    let read_only_notes: Vec<String> = reading
        .warning()
        .into_iter()
        .chain(memory_problem)
        .collect();
    let start = Start {
        reading,
        flags: flags.clone(),
    };
    if let Some(Command::Complete { what }) = &cli.command {
        for name in complete_names(&cli, &start, *what).await {
            outln!("{}", escape_controls(&name));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !matches!(
        cli.command,
        None | Some(Command::Config { .. }) | Some(Command::Sim(_)) | Some(Command::Fleet { .. })
    ) {
        for n in &read_only_notes {
            eprintln!("swarmtop: warning: {}", escape_controls(n));
        }
    }
    match &cli.command {
        Some(Command::Sim(args)) => swarmtop::sim_cmd::run(args).await?,
        Some(Command::Snapshot { format }) => {
            let (engine, _demo) = connect(&cli, &start, &start.access(&cli)).await?;
            let cluster = load_cluster(&engine).await?;
            let snap = Snapshot::build(
                &cluster,
                &engine.endpoint.context,
                &engine.label(),
                engine.version.version.as_deref().unwrap_or(""),
                &engine.api_version(),
                chrono::Utc::now(),
            );
            match format {
                Format::Json => outln!("{}", escape_controls(&snap.to_json())),
                Format::Table => out!("{}", escape_controls(&snap.to_table())),
            }
        }
        Some(Command::Node { cmd }) => {
            let (engine, _demo) = connect_to_write(&cli, &start, cmd.describe()).await?;
            use swarmtop::cli::NodeCommand as N;
            use swarmtop::ops::commands::{NodeVerb as V, node};
            let (verb, key, force) = match cmd {
                N::Drain { node } => (V::Drain, node, false),
                N::Activate { node } => (V::Activate, node, false),
                N::Pause { node } => (V::Pause, node, false),
                N::Promote { node } => (V::Promote, node, false),
                N::Demote { node, force } => (V::Demote, node, *force),
            };
            out!(
                "{}",
                escape_controls(&node(&engine, verb, key, force).await?)
            );
        }
        Some(Command::Service { cmd }) => {
            let (engine, _demo) = connect_to_write(&cli, &start, cmd.describe()).await?;
            use swarmtop::cli::ServiceCommand as S;
            use swarmtop::ops::commands;
            let out = match cmd {
                S::Scale { arg } => commands::scale(&engine, arg).await?,
                S::Update(args) => commands::update(&engine, args).await?,
                S::Rollback { service } => commands::rollback(&engine, service).await?,
                S::Create(args) => commands::create_service(&engine, args).await?,
            };
            out!("{}", escape_controls(&out));
        }
        Some(Command::Secret { cmd }) => {
            let (engine, _demo) = connect_to_write(&cli, &start, "secret create").await?;
            let swarmtop::cli::SecretCommand::Create { name, source } = cmd;
            let out = swarmtop::ops::commands::object_create(
                &engine,
                swarmtop::ops::ObjectKind::Secret,
                name,
                source,
            )
            .await?;
            out!("{}", escape_controls(&out));
        }
        Some(Command::Stack { cmd }) => {
            let writes = matches!(cmd, StackCommand::Rm { .. })
                || matches!(cmd, StackCommand::Deploy { dry_run: false, .. });
            let (engine, _demo) = if writes {
                let what = match cmd {
                    StackCommand::Rm { .. } => "stack rm",
                    _ => "stack deploy",
                };
                connect_to_write(&cli, &start, what).await?
            } else {
                connect(&cli, &start, &start.access(&cli)).await?
            };
            let settings = files.resolve(&engine.endpoint.context, &flags);
            warn(&settings);
            run_stack(&engine, cmd).await?;
        }
        Some(Command::Fleet { format }) => {
            let settings = files.resolve(&context_name(&cli), &flags);
            warn(&settings);
            let out = swarmtop::fleet::command(&files, *format).await;
            out!("{}", escape_controls(&out));
        }
        Some(Command::Keys { markdown }) => {
            let settings = files.resolve(&context_name(&cli), &flags);
            warn(&settings);
            let name = &settings.keymap_name;
            if *markdown {
                out!("{}", keydoc::markdown(&settings.keymap, name));
                out!("{}", keydoc::commands_markdown(&settings.commands));
            } else {
                out!("{}", keydoc::text(&settings.keymap, name));
                out!("{}", keydoc::commands_text(&settings.commands));
            }
        }
        // answered before the settings were read
        Some(Command::Completions { .. })
        | Some(Command::Man { .. })
        | Some(Command::InstallPlugin { .. })
        | Some(Command::Complete { .. }) => {}
        Some(Command::Config { cmd }) => match cmd {
            ConfigCommand::Path => out!("{}", paths.report(&swarmtop::settings_disk::Disk)),
            ConfigCommand::Check => {
                let (report, ok) = files.check_report();
                out!("{report}");
                if !ok {
                    return Ok(ExitCode::FAILURE);
                }
            }
        },
        None => {
            let (engine, _demo) = connect(&cli, &start, &start.access(&cli)).await?;
            let settings = files.resolve(&engine.endpoint.context, &flags);
            let mut state = State::new(
                engine.endpoint.context.clone(),
                engine.label(),
                settings.keymap.clone(),
                Utc::now(),
            );
            state.log_capacity = settings.log_capacity;
            state.theme = settings.theme.clone();
            state.commands = settings.commands.clone();
            // a broken settings file does not stop swarmtop: the status line says what was
            // wrong and what is used instead
            if let Some(line) = settings.status_line() {
                state.error(line);
            } else if let Some(note) = read_only_notes.first() {
                state.error(note.clone());
            } else if let Some(why) = engine.read_only() {
                state.info(format!("read-only: {why}"));
            }
            let ended = runtime::run(
                engine,
                state,
                UiConfig {
                    endpoints: match &_demo {
                        Some(_) => Vec::new(),
                        None => resolve(&cli.conn.options(), &ProcessEnv).unwrap_or_default(),
                    },
                    intervals: settings.intervals,
                    reading: start.reading.clone(),
                    files: files.clone(),
                    flags: flags.clone(),
                    connect: cli.conn.options(),
                    // the demo's nodes answer on sockets of their own
                    node_template: _demo.as_ref().map(|d| d.node_template()),
                },
            )
            .await?;
            // the terminal is restored by now: 143 after SIGTERM, 129 after SIGHUP
            return Ok(ExitCode::from(swarmtop::exit::status(ended)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `swarmtop stack ...`; every failure is one line (a file error names the file and the place).
async fn run_stack(engine: &Engine, cmd: &StackCommand) -> Result<()> {
    use swarmtop::stack::commands;
    let out = match cmd {
        StackCommand::Deploy {
            files,
            prune,
            resolve_image,
            dry_run,
            name,
        } => commands::deploy(engine, name, files, *prune, resolve_image, *dry_run).await?,
        StackCommand::Rm { name } => commands::remove(engine, name).await?,
        StackCommand::Ls => commands::list(engine).await?,
        StackCommand::Ps { name } => commands::ps(engine, name).await?,
        StackCommand::File { name } => commands::file(engine, name).await?.text().to_string(),
    };
    out!("{}", escape_controls(&out));
    Ok(())
}
