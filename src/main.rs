use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use clap::Parser;

use swarmtop::app::State;
use swarmtop::cli::{Cli, Command, Format};
use swarmtop::connect::{Endpoint, ProcessEnv, resolve};
use swarmtop::engine::{Engine, TaskScope, load_cluster};
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
            let cluster = load_cluster(&engine, &TaskScope::All).await?;
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
