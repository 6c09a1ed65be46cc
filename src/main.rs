use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use clap::Parser;

use swarmtop::app::State;
use swarmtop::cli::{Cli, Command, ConfigCommand, Format, StackCommand};
use swarmtop::config::{ConfigPaths, Files, Settings};
use swarmtop::connect::{Endpoint, HostUrl, ProcessEnv, Source, resolve};
use swarmtop::engine::{Engine, load_cluster};
use swarmtop::keydoc;
use swarmtop::runtime::{self, UiConfig};
use swarmtop::snapshot::Snapshot;
use swarmtop_sim::demo::Demo;

/// glibc gives threads that allocate their own heap arenas (up to eight per core) and seldom
/// hands freed memory back from them; swarmtop parses the engine's answers on worker threads and
/// keeps the result on another, which left idle memory at 200 nodes / 2,000 services stranded in
/// half-empty arenas (peak RSS at L 78 MB with the default, 72 MB with two arenas, 65 MB with
/// one; BENCHMARKS.md). Allocation is not contended here: one arena does.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: sets an allocator parameter; called first in main, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    limit_malloc_arenas();
    let cli = Cli::parse();
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
        // stopped by a signal: the conventional 128 + signal
        Ok(_) if let Some(sig) = swarmtop::watchdog::stopped_by() => {
            ExitCode::from(swarmtop::watchdog::exit_status(sig))
        }
        Ok(code) => code,
        Err(e) => {
            runtime::restore_terminal_if_raw();
            eprintln!("swarmtop: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The demo's endpoint: context `demo` on its private socket.
fn demo_endpoint(demo: &Demo) -> Endpoint {
    Endpoint {
        context: "demo".into(),
        host: HostUrl::Unix(demo.socket.clone()),
        tls: None,
        source: Source::HostFlag,
    }
}

/// Resolves the endpoint and connects to a manager; every failure is one line. With `--demo`
/// the manager is a simulated one served in this process (kept alive by the returned guard).
async fn connect(cli: &Cli) -> Result<(Engine, Option<Demo>)> {
    if cli.demo {
        let demo = Demo::start().await?;
        let engine = try_manager(&demo_endpoint(&demo)).await?;
        return Ok((engine, Some(demo)));
    }
    let endpoints = resolve(&cli.conn.options(), &ProcessEnv)?;
    let mut last = None;
    for ep in &endpoints {
        match try_manager(ep).await {
            Ok(e) => return Ok((e, None)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| anyhow::anyhow!("no endpoint to connect to")))
}

async fn try_manager(ep: &Endpoint) -> Result<Engine> {
    let engine = Engine::connect(ep).await?;
    engine.require_manager().await?;
    Ok(engine)
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
        eprintln!("swarmtop: warning: {w}");
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    if let Some(p) = &cli.log_file {
        swarmtop::logfile::open(p)
            .map_err(|e| anyhow::anyhow!("cannot open the log file {}: {e}", p.display()))?;
    }
    let paths = ConfigPaths::from_env();
    let files = Files::read(&paths);
    let flags = cli.flags();
    files.check_flags(&flags).map_err(anyhow::Error::msg)?;
    match &cli.command {
        Some(Command::Sim(args)) => swarmtop::sim_cmd::run(args).await?,
        Some(Command::Snapshot { format }) => {
            let (engine, _demo) = connect(&cli).await?;
            let cluster = load_cluster(&engine).await?;
            let snap = Snapshot::build(
                &cluster,
                &engine.endpoint.context,
                &engine.label(),
                engine.version.version.as_deref().unwrap_or(""),
                &engine.api_version(),
            );
            match format {
                Format::Json => println!("{}", snap.to_json()),
                Format::Table => print!("{}", snap.to_table()),
            }
        }
        Some(Command::Node { cmd }) => {
            refuse_if_read_only(cli.read_only)?;
            let (engine, _demo) = connect(&cli).await?;
            use swarmtop::cli::NodeCommand as N;
            use swarmtop::ops::commands::{NodeVerb as V, node};
            let (verb, key, force) = match cmd {
                N::Drain { node } => (V::Drain, node, false),
                N::Activate { node } => (V::Activate, node, false),
                N::Pause { node } => (V::Pause, node, false),
                N::Promote { node } => (V::Promote, node, false),
                N::Demote { node, force } => (V::Demote, node, *force),
            };
            print!("{}", node(&engine, verb, key, force).await?);
        }
        Some(Command::Service { cmd }) => {
            refuse_if_read_only(cli.read_only)?;
            let (engine, _demo) = connect(&cli).await?;
            use swarmtop::cli::ServiceCommand as S;
            use swarmtop::ops::commands;
            let out = match cmd {
                S::Scale { arg } => commands::scale(&engine, arg).await?,
                S::Update(args) => commands::update(&engine, args).await?,
                S::Rollback { service } => commands::rollback(&engine, service).await?,
                S::Create(args) => commands::create_service(&engine, args).await?,
            };
            print!("{out}");
        }
        Some(Command::Secret { cmd }) => {
            refuse_if_read_only(cli.read_only)?;
            let (engine, _demo) = connect(&cli).await?;
            let swarmtop::cli::SecretCommand::Create { name, source } = cmd;
            print!(
                "{}",
                swarmtop::ops::commands::secret_create(&engine, name, source).await?
            );
        }
        Some(Command::Stack { cmd }) => {
            let (engine, _demo) = connect(&cli).await?;
            let settings = files.resolve(&engine.endpoint.context, &flags);
            warn(&settings);
            let read_only = match (cli.read_only, settings.read_only) {
                (true, _) => Some("--read-only".to_string()),
                (false, true) => Some(format!(
                    "context {} is read-only in config.yaml",
                    engine.endpoint.context
                )),
                _ => None,
            };
            run_stack(&engine, cmd, read_only).await?;
        }
        Some(Command::Keys { markdown }) => {
            let settings = files.resolve(&context_name(&cli), &flags);
            warn(&settings);
            let name = &settings.keymap_name;
            if *markdown {
                print!("{}", keydoc::markdown(&settings.keymap, name));
            } else {
                print!("{}", keydoc::text(&settings.keymap, name));
            }
        }
        Some(Command::Config { cmd }) => match cmd {
            ConfigCommand::Path => print!("{}", paths.report()),
            ConfigCommand::Check => {
                let (report, ok) = files.check_report();
                print!("{report}");
                if !ok {
                    return Ok(ExitCode::FAILURE);
                }
            }
        },
        None => {
            let (engine, _demo) = connect(&cli).await?;
            let settings = files.resolve(&engine.endpoint.context, &flags);
            let mut state = State::new(
                engine.endpoint.context.clone(),
                engine.label(),
                settings.keymap.clone(),
                Utc::now(),
            );
            state.log_capacity = settings.log_capacity;
            state.theme = settings.theme.clone();
            // a broken settings file does not stop swarmtop: the status line says what was
            // wrong and what is used instead
            if let Some(line) = settings.status_line() {
                state.error(line);
            }
            runtime::run(
                engine,
                state,
                UiConfig {
                    endpoints: match &_demo {
                        Some(_) => Vec::new(),
                        None => resolve(&cli.conn.options(), &ProcessEnv).unwrap_or_default(),
                    },
                    read_only: settings.read_only,
                    intervals: settings.intervals,
                    files: files.clone(),
                    flags: flags.clone(),
                    connect: cli.conn.options(),
                },
            )
            .await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn refuse_if_read_only(read_only: bool) -> Result<()> {
    if read_only {
        anyhow::bail!("--read-only: this command would change the swarm");
    }
    Ok(())
}

/// `swarmtop stack ...`; every failure is one line (a file error names the file and the place).
/// `read_only`: why changes are refused, if they are.
async fn run_stack(engine: &Engine, cmd: &StackCommand, read_only: Option<String>) -> Result<()> {
    use swarmtop::stack::commands;
    let writes = matches!(cmd, StackCommand::Rm { .. })
        || matches!(cmd, StackCommand::Deploy { dry_run: false, .. });
    if writes && let Some(why) = read_only {
        anyhow::bail!("{why}: this command would change the swarm");
    }
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
    print!("{out}");
    Ok(())
}
