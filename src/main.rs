use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use clap::Parser;

use swarmtop::app::State;
use swarmtop::cli::{Cli, Command, Format, StackCommand};
use swarmtop::connect::{Endpoint, ProcessEnv, resolve};
use swarmtop::engine::{Engine, load_cluster};
use swarmtop::keymap::Keymap;
use swarmtop::runtime::{self, UiConfig};
use swarmtop::sim::demo::Demo;
use swarmtop::snapshot::Snapshot;
use swarmtop::theme::Theme;

fn main() -> ExitCode {
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
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            runtime::restore_terminal_if_raw();
            eprintln!("swarmtop: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves the endpoint and connects to a manager; every failure is one line. With `--demo`
/// the manager is a simulated one served in this process (kept alive by the returned guard).
async fn connect(cli: &Cli) -> Result<(Engine, Option<Demo>)> {
    if cli.demo {
        let demo = Demo::start().await?;
        let engine = try_manager(&demo.endpoint()).await?;
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

async fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Some(Command::Sim(args)) => swarmtop::sim::cmd::run(args).await,
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
            Ok(())
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
            Ok(())
        }
        Some(Command::Service { cmd }) => {
            refuse_if_read_only(cli.read_only)?;
            let (engine, _demo) = connect(&cli).await?;
            use swarmtop::cli::ServiceCommand as S;
            use swarmtop::ops::commands;
            let out = match cmd {
                S::Scale { arg } => commands::scale(&engine, arg).await?,
                S::Update { image, service } => {
                    commands::set_image(&engine, service, image).await?
                }
                S::Rollback { service } => commands::rollback(&engine, service).await?,
            };
            print!("{out}");
            Ok(())
        }
        Some(Command::Secret { cmd }) => {
            refuse_if_read_only(cli.read_only)?;
            let (engine, _demo) = connect(&cli).await?;
            let swarmtop::cli::SecretCommand::Create { name, source } = cmd;
            print!(
                "{}",
                swarmtop::ops::commands::secret_create(&engine, name, source).await?
            );
            Ok(())
        }
        Some(Command::Stack { cmd }) => {
            let (engine, _demo) = connect(&cli).await?;
            run_stack(&engine, cmd, cli.read_only).await
        }
        None => {
            let (engine, _demo) = connect(&cli).await?;
            let state = State::new(
                engine.endpoint.context.clone(),
                engine.label(),
                Keymap::default_keymap(),
                Utc::now(),
            );
            runtime::run(
                engine,
                state,
                UiConfig {
                    theme: Theme::default_theme(),
                    read_only: cli.read_only,
                    intervals: Default::default(),
                },
            )
            .await
        }
    }
}

fn refuse_if_read_only(read_only: bool) -> Result<()> {
    if read_only {
        anyhow::bail!("--read-only: this command would change the swarm");
    }
    Ok(())
}

/// `swarmtop stack ...`; every failure is one line (a file error names the file and the place).
async fn run_stack(engine: &Engine, cmd: &StackCommand, read_only: bool) -> Result<()> {
    use swarmtop::stack::commands;
    let writes = matches!(cmd, StackCommand::Rm { .. })
        || matches!(cmd, StackCommand::Deploy { dry_run: false, .. });
    if writes && read_only {
        anyhow::bail!("--read-only: this command would change the swarm");
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
