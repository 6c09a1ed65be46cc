//! The terminal runtime: owns the terminal, turns terminal input, engine messages, ticks and
//! signals into `Msg`s, runs `update`, carries out effects, and redraws when something changed.
//! The terminal is restored on every way out: quit, error, panic, SIGTERM/SIGHUP/SIGINT.

use std::io::{self, Stdout};
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::Utc;
use crossterm::event::{EnableBracketedPaste, Event, EventStream};
use crossterm::terminal::{EnterAlternateScreen, enable_raw_mode};
use crossterm::{cursor, execute};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::app::{Msg, State, update, update_deferred};
use crate::colour_out::ColourOut;

/// Engine messages handled together before the screen is drawn again.
const BURST: usize = 512;
use crate::effects::{self, Executor, Next};
use crate::engine::logs::LogEvent;
use crate::engine::watch::{Intervals, Worker};
use crate::engine::{Engine, EngineCmd};
use crate::ui;
// the restore lives apart so the watchdog can use it without importing the runtime
pub use crate::terminal::{restore_terminal, restore_terminal_if_raw};

type Backend = CrosstermBackend<ColourOut<Stdout>>;

/// The screen's output, its colours as the terminal can show them.
fn backend(out: Stdout) -> Backend {
    CrosstermBackend::new(ColourOut::new(out, crate::colour_out::sixteen_only_here()))
}

/// Puts the terminal back however we leave.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> Result<(TerminalGuard, Terminal<Backend>)> {
        enable_raw_mode().context("cannot put the terminal in raw mode")?;
        let guard = TerminalGuard;
        let mut out = io::stdout();
        // a paste arrives as one event, not as thousands of keys
        execute!(
            out,
            EnterAlternateScreen,
            EnableBracketedPaste,
            cursor::Hide
        )?;
        let terminal = Terminal::new(backend(out))?;
        Ok((guard, terminal))
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

pub fn install_panic_hook() {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        prev(info);
    }));
}

pub struct UiConfig {
    /// Every manager to use, in order (`--host` given several times); the engine given to
    /// `run` is one of them.
    pub endpoints: Vec<crate::connect::Endpoint>,
    pub intervals: Intervals,
    /// config.yaml as read for read-only, with its memory, to decide again on `:ctx`/`:host`.
    pub reading: crate::access::Reading,
    /// The settings files and flags, to work the settings out again on `:ctx`.
    pub files: crate::config::Files,
    pub flags: crate::config::Flags,
    pub connect: crate::connect::ConnectOptions,
    /// The nodes' own engines of a simulated swarm (`--demo`): this `node_template` over
    /// config.yaml's `nodes` and `node_template`.
    pub node_template: Option<String>,
}

/// The engine worker and its channels; replaced when `:ctx` or `:host` switch managers.
struct WorkerHandle {
    task: tokio::task::JoinHandle<()>,
    msgs: mpsc::Receiver<crate::engine::EngineMsg>,
}

fn spawn_worker(
    endpoints: Vec<crate::connect::Endpoint>,
    current: usize,
    engine: Option<Engine>,
    intervals: Intervals,
    engines_tx: mpsc::UnboundedSender<Engine>,
    gate: crate::access::Gate,
) -> (WorkerHandle, mpsc::Sender<EngineCmd>) {
    let (etx, erx) = mpsc::channel(256);
    let (ctx, crx) = mpsc::channel::<EngineCmd>(64);
    let worker = Worker {
        endpoints,
        current,
        engines: Some(engines_tx),
        tx: etx,
        rx: crx,
        intervals,
        engine,
        gate,
    };
    (
        WorkerHandle {
            task: tokio::spawn(worker.run()),
            msgs: erx,
        },
        ctx,
    )
}

/// Where a switch goes, with its settings and its read-only gate.
struct Target {
    context: String,
    endpoints: Vec<crate::connect::Endpoint>,
    settings: crate::config::Settings,
    gate: crate::access::Gate,
}

/// `:ctx NAME` / `:host URL`: where to connect now, the settings for it, and whether it is
/// read-only: `:ctx` decides again for the context named; `:host` keeps a read-only session
/// read-only (`current`: why the session is read-only now).
fn switch_target(
    cfg: &UiConfig,
    context: Option<String>,
    host: Option<String>,
    current: Option<&str>,
) -> Result<Target, String> {
    use crate::connect::{ConnectOptions, ProcessEnv, resolve};
    let opts = match (&context, &host) {
        (Some(c), _) => ConnectOptions {
            context: Some(c.clone()),
            ..Default::default()
        },
        (None, Some(h)) => ConnectOptions {
            hosts: vec![h.clone()],
            context: None,
            ..cfg.connect.clone()
        },
        (None, None) => return Err("nothing to switch to".into()),
    };
    let endpoints = resolve(&opts, &ProcessEnv).map_err(|e| e.to_string())?;
    let ctx_name = endpoints
        .first()
        .map(|e| e.context.clone())
        .unwrap_or_else(|| "default".into());
    let settings = cfg.files.resolve(&ctx_name, &cfg.flags);
    let access = match (&context, current) {
        (None, Some(why)) => crate::access::Access::kept_by_session(why),
        _ => cfg.reading.decide(&ctx_name, &cfg.flags),
    };
    Ok(Target {
        gate: cfg.reading.gate(&access),
        context: ctx_name,
        endpoints,
        settings,
    })
}

/// How long a switch waits for each manager of its target before giving up on it.
const SWITCH_DEADLINE: Duration = Duration::from_secs(15);

/// Connects to the first of the target's managers that answers as one (its index and engine),
/// or says why none did. Runs beside the UI: the connection in use stays until this succeeds.
async fn connect_target(
    endpoints: &[crate::connect::Endpoint],
    gate: &crate::access::Gate,
) -> Result<(usize, Engine), String> {
    let mut last = None;
    for (i, ep) in endpoints.iter().enumerate() {
        let attempt = async {
            let e = Engine::connect(ep, gate).await?;
            e.require_manager().await?;
            Ok::<_, crate::engine::EngineError>(e)
        };
        match tokio::time::timeout(SWITCH_DEADLINE, attempt).await {
            Ok(Ok(e)) => return Ok((i, e)),
            Ok(Err(e)) => last = Some(e.to_string()),
            Err(_) => {
                last = Some(format!(
                    "{} did not answer within {} s",
                    ep.host,
                    SWITCH_DEADLINE.as_secs()
                ))
            }
        }
    }
    Err(last.unwrap_or_else(|| "no endpoint to connect to".into()))
}

/// `:ctx` alone: the docker CLI's contexts, the one in use marked.
fn list_contexts(current: &str) -> Vec<String> {
    use crate::connect::{ContextStore, Env, ProcessEnv};
    let store = ContextStore::new(&ProcessEnv.docker_config_dir());
    let mut lines = vec![format!(
        "{}default (DOCKER_HOST or the local socket)",
        if current == "default" { "* " } else { "  " }
    )];
    for c in store.list() {
        let mark = if c.name == current { "* " } else { "  " };
        let desc = c.description.map(|d| format!(" — {d}")).unwrap_or_default();
        lines.push(format!("{mark}{} {}{desc}", c.name, c.host));
    }
    lines.push(String::new());
    lines.push(
        ":ctx NAME switches for this session only (docker's current context is never changed)"
            .into(),
    );
    lines
}

/// Runs the TUI until it is quit or stopped; says how it ended (`crate::exit`).
pub async fn run(engine: Engine, mut state: State, cfg: UiConfig) -> Result<crate::exit::Ended> {
    use crate::exit::Ended;
    let mut ended = Ended::Normally;
    install_panic_hook();
    let (ltx, mut lrx) = mpsc::channel::<(u64, LogEvent)>(64);
    let (mtx, mut mrx) = mpsc::channel::<Msg>(64);
    let state_dir = effects::state_dir();
    let env = crate::stack::commands::process_env();
    state.env = env.clone();
    if let Ok(d) = std::env::current_dir() {
        state.work_dir = d;
    }
    let mut endpoints = cfg.endpoints.clone();
    let current = match endpoints
        .iter()
        .position(|e| e.host == engine.endpoint.host)
    {
        Some(i) => i,
        None => {
            endpoints.insert(0, engine.endpoint.clone());
            0
        }
    };
    let (engines_tx, mut engines_rx) = mpsc::unbounded_channel();
    // a switch's connection, made beside the UI
    let (switch_tx, mut switch_rx) = mpsc::channel::<(Target, Result<(usize, Engine), String>)>(4);
    let (mut worker, ctx) = spawn_worker(
        endpoints,
        current,
        Some(engine.clone()),
        cfg.intervals.clone(),
        engines_tx.clone(),
        engine.gate.clone(),
    );
    let mut exec = Executor {
        engine: engine.clone(),
        engine_watch: tokio::sync::watch::channel(engine.clone()).0,
        engine_cmd: ctx.clone(),
        msgs: mtx.clone(),
        log_events: ltx,
        log_task: None,
        state_dir: state_dir.clone(),
        env,
        editor_jobs: crate::background::EditorJobs::start(mtx.clone(), state_dir.clone()),
        plan_task: None,
        gate: engine.gate.clone(),
        read_task: None,
        commands: Default::default(),
        nodes: crate::nodes::NodeWorker::start(
            engine.clone(),
            &{
                let mut s = cfg.files.resolve(&state.context, &cfg.flags);
                if let Some(t) = &cfg.node_template {
                    s.node_template = Some(t.clone());
                    s.nodes.clear();
                }
                s
            },
            mtx.clone(),
        ),
    };
    let _ = ctx
        .send(EngineCmd::WatchTasks(crate::app::nav::task_scope(
            &state.view,
        )))
        .await;
    // an editor buffer left by a session that was cut off is offered back
    let found = crate::autosave::find(&state_dir);
    if !found.is_empty() {
        update(&mut state, Msg::Autosaves(found));
    }

    // a stuck UI task must not make the program unstoppable
    crate::watchdog::start();
    let (_guard, mut terminal) = TerminalGuard::enter()?;
    if let Ok(size) = terminal.size() {
        state.size = (size.width, size.height);
    }
    state.read_only = engine.read_only().map(str::to_string);
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut dirty = true;
    // `:fleet`'s checks, run beside the UI
    let mut fleet_task: Option<tokio::task::JoinHandle<()>> = None;

    crate::logfile::log(&format!("swarmtop started on {}", state.endpoint));
    'main: loop {
        crate::watchdog::beat();
        if dirty {
            state.catch_up();
            terminal.draw(|f| ui::draw(f, &state))?;
            dirty = false;
        }
        let msg = tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(Event::Key(k))) => Msg::Key(k),
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                Some(Ok(_)) => continue,
                // stdin is gone (the terminal closed): nothing more can be shown
                Some(Err(_)) | None => break,
            },
            m = worker.msgs.recv() => match m {
                Some(m) => Msg::Engine(m),
                None => break,
            },
            // log streams and actions follow the worker to another manager
            e = engines_rx.recv() => {
                if let Some(e) = e {
                    exec.set_engine(e);
                }
                continue;
            }
            s = switch_rx.recv() => match s {
                Some((t, Ok((current, engine)))) => {
                    // the new manager answered: only now is the old connection let go
                    crate::logfile::log(&format!("switched to context {}", t.context));
                    worker.task.abort();
                    exec.stop_logs();
                    exec.gate = t.gate.clone();
                    exec.engine = engine.clone();
                    exec.nodes =
                        crate::nodes::NodeWorker::start(engine.clone(), &t.settings, mtx.clone());
                    let read_only = engine.read_only().map(str::to_string);
                    let (w, cmd) = spawn_worker(
                        t.endpoints,
                        current,
                        Some(engine),
                        t.settings.intervals.clone(),
                        engines_tx.clone(),
                        t.gate,
                    );
                    worker = w;
                    exec.engine_cmd = cmd;
                    Msg::Switched {
                        context: t.context,
                        settings: Box::new(t.settings),
                        read_only,
                    }
                }
                Some((_, Err(why))) => Msg::SwitchFailed(why),
                None => continue,
            },
            l = lrx.recv() => match l {
                Some((generation, ev)) => Msg::Logs(generation, ev),
                None => continue,
            },
            m = mrx.recv() => match m {
                Some(m) => m,
                None => continue,
            },
            _ = tick.tick() => Msg::Tick(Utc::now()),
            _ = sigterm.recv() => {
                crate::logfile::log("stopped by SIGTERM");
                ended = Ended::Signal(libc::SIGTERM);
                break
            }
            _ = sighup.recv() => {
                crate::logfile::log("stopped by SIGHUP (the terminal went away)");
                ended = Ended::Signal(libc::SIGHUP);
                break
            }
            _ = sigint.recv() => {
                crate::logfile::log("stopped by SIGINT");
                ended = Ended::Signal(libc::SIGINT);
                break
            }
        };
        // a burst (thousands of events in a minute) is handled as one batch, drawn once
        let mut pending = vec![msg];
        let mut burst = 0;
        while burst < BURST {
            match worker.msgs.try_recv() {
                Ok(m) => pending.insert(0, Msg::Engine(m)),
                Err(_) => break,
            }
            burst += 1;
        }
        while let Some(msg) = pending.pop() {
            if let Some(line) = crate::logfile::describe(&msg) {
                crate::logfile::log(&line);
            }
            let effects = update_deferred(&mut state, msg);
            for e in effects {
                match e {
                    crate::app::Effect::ListContexts => {
                        pending.push(Msg::Contexts(list_contexts(&state.context)));
                    }
                    crate::app::Effect::CheckFleet(generation) => {
                        // a check still under way is for lines no longer shown
                        if let Some(t) = fleet_task.take() {
                            t.abort();
                        }
                        fleet_task = Some(crate::fleet::start(&cfg.files, generation, mtx.clone()));
                    }
                    crate::app::Effect::Shell(req) => {
                        // "starting sh in ..." is on screen while the node is reached
                        state.catch_up();
                        terminal.draw(|f| ui::draw(f, &state))?;
                        // crossterm's reader must not take the keys meant for the container
                        drop(input);
                        let engine = exec.nodes.engine_for(&req.node_id);
                        let stops = crate::shell::Stops {
                            term: &mut sigterm,
                            hup: &mut sighup,
                        };
                        let outcome = crate::shell::run(engine, &req, stops).await;
                        input = EventStream::new();
                        // the alternate screen came back blank: a new terminal (its last frame
                        // blank too) draws all of it, at today's size. Not `clear()`: it asks
                        // the terminal where the cursor is and reads the answer as a key.
                        let _ = execute!(
                            io::stdout(),
                            crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
                        );
                        terminal = Terminal::new(backend(io::stdout()))?;
                        if let Ok(size) = terminal.size() {
                            pending.push(Msg::Resize(size.width, size.height));
                        }
                        match outcome {
                            crate::shell::Outcome::Ended(result) => {
                                if let Err(why) = &result {
                                    crate::logfile::log(&format!("shell in {}: {why}", req.name));
                                }
                                pending.insert(
                                    0,
                                    Msg::ShellEnded {
                                        name: req.name.clone(),
                                        result,
                                    },
                                );
                            }
                            crate::shell::Outcome::Signal(sig) => {
                                ended = Ended::Signal(sig);
                                break 'main;
                            }
                        }
                    }
                    crate::app::Effect::RunCommand(run) if run.foreground => {
                        // "running …" is on screen until the terminal is handed over
                        state.catch_up();
                        terminal.draw(|f| ui::draw(f, &state))?;
                        // crossterm's reader must not take the keys meant for the program
                        drop(input);
                        let stops = crate::custom_run::Stops {
                            term: &mut sigterm,
                            hup: &mut sighup,
                            int: &mut sigint,
                        };
                        let outcome = crate::custom_run::foreground(&run, stops).await;
                        input = EventStream::new();
                        // as after a shell: a new terminal draws everything at today's size
                        let _ = execute!(
                            io::stdout(),
                            crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
                        );
                        terminal = Terminal::new(backend(io::stdout()))?;
                        if let Ok(size) = terminal.size() {
                            pending.push(Msg::Resize(size.width, size.height));
                        }
                        match outcome {
                            crate::custom_run::Outcome::Ended(result) => pending.insert(
                                0,
                                Msg::CommandEnded {
                                    id: run.id,
                                    name: run.name.clone(),
                                    result,
                                },
                            ),
                            crate::custom_run::Outcome::Signal(sig) => {
                                ended = Ended::Signal(sig);
                                break 'main;
                            }
                        }
                    }
                    crate::app::Effect::Switch { context, host } => {
                        match switch_target(&cfg, context, host, exec.gate.why()) {
                            Err(why) => pending.push(Msg::SwitchFailed(why)),
                            Ok(t) => {
                                crate::logfile::log(&format!("switching to context {}", t.context));
                                let tx = switch_tx.clone();
                                tokio::spawn(async move {
                                    let r = connect_target(&t.endpoints, &t.gate).await;
                                    let _ = tx.send((t, r)).await;
                                });
                            }
                        }
                    }
                    other => {
                        if let Next::Quit = exec.run(other, &mut pending).await {
                            break 'main;
                        }
                    }
                }
            }
        }
        dirty = true;
        if state.quit {
            break;
        }
    }
    worker.task.abort();
    if let Some(t) = fleet_task.take() {
        t.abort();
    }
    exec.run(crate::app::Effect::StopLogs, &mut Vec::new())
        .await;
    // the autosave waits for a pause in typing: what was typed just before the end is
    // written now, whatever the way out
    if let Some((record, replaces)) = state.editor().and_then(|e| e.unsaved()) {
        let _ = crate::autosave::write(&state_dir, &record, replaces.as_deref());
    }
    Ok(ended)
}
