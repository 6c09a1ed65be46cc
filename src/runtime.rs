//! The terminal runtime: owns the terminal, turns terminal input, engine messages, ticks and
//! signals into `Msg`s, runs `update`, carries out effects, and redraws when something changed.
//! The terminal is restored on every way out: quit, error, panic, SIGTERM/SIGHUP/SIGINT.

use std::io::{self, Stdout};
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::Utc;
use crossterm::event::{Event, EventStream};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::app::{Msg, State, update};
use crate::effects::{self, Executor, Next};
use crate::engine::logs::LogEvent;
use crate::engine::watch::{Intervals, Worker};
use crate::engine::{Engine, EngineCmd};
use crate::theme::Theme;
use crate::ui;

/// Puts the terminal back however we leave.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> Result<(TerminalGuard, Terminal<CrosstermBackend<Stdout>>)> {
        enable_raw_mode().context("cannot put the terminal in raw mode")?;
        let guard = TerminalGuard;
        let mut out = io::stdout();
        execute!(out, EnterAlternateScreen, cursor::Hide)?;
        let terminal = Terminal::new(CrosstermBackend::new(out))?;
        Ok((guard, terminal))
    }
}

/// For error paths outside the TUI: restore only if raw mode is on, so a plain CLI error
/// never prints terminal escape codes.
pub fn restore_terminal_if_raw() {
    if crossterm::terminal::is_raw_mode_enabled().unwrap_or(false) {
        restore_terminal();
    }
}

pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
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
    pub theme: Theme,
    pub read_only: bool,
    pub intervals: Intervals,
}

pub async fn run(engine: Engine, mut state: State, cfg: UiConfig) -> Result<()> {
    install_panic_hook();
    let (etx, mut erx) = mpsc::channel(256);
    let (ctx, crx) = mpsc::channel::<EngineCmd>(64);
    let (ltx, mut lrx) = mpsc::channel::<(u64, LogEvent)>(64);
    let (mtx, mut mrx) = mpsc::channel::<Msg>(64);
    let state_dir = effects::state_dir();
    let env = crate::stack::commands::process_env();
    state.env = env.clone();
    state.theme = cfg.theme.clone();
    if let Ok(d) = std::env::current_dir() {
        state.work_dir = d;
    }
    let mut exec = Executor {
        engine: engine.clone(),
        engine_cmd: ctx.clone(),
        msgs: mtx.clone(),
        log_events: ltx,
        log_task: None,
        state_dir: state_dir.clone(),
        env,
        read_only: cfg.read_only,
    };
    let worker = Worker {
        endpoint: engine.endpoint.clone(),
        tx: etx,
        rx: crx,
        intervals: cfg.intervals,
        engine: Some(engine),
    };
    let worker = tokio::spawn(worker.run());
    let _ = ctx
        .send(EngineCmd::WatchTasks(crate::app::update::task_scope(
            &state.view,
        )))
        .await;
    // an editor buffer left by a session that was cut off is offered back
    let found = crate::app::editor::find_autosaves(&state_dir);
    if !found.is_empty() {
        update(&mut state, Msg::Autosaves(found));
    }

    let (_guard, mut terminal) = TerminalGuard::enter()?;
    if let Ok(size) = terminal.size() {
        state.size = (size.width, size.height);
    }
    state.read_only = cfg.read_only;
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut dirty = true;

    'main: loop {
        if dirty {
            terminal.draw(|f| ui::draw(f, &state, &cfg.theme))?;
            dirty = false;
        }
        let msg = tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(Event::Key(k))) => Msg::Key(k),
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(_)) => continue,
                // stdin is gone (the terminal closed): nothing more can be shown
                Some(Err(_)) | None => break,
            },
            m = erx.recv() => match m {
                Some(m) => Msg::Engine(m),
                None => break,
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
            _ = sigterm.recv() => break,
            _ = sighup.recv() => break,
            _ = sigint.recv() => break,
        };
        let mut pending = vec![msg];
        while let Some(msg) = pending.pop() {
            let effects = update(&mut state, msg);
            for e in effects {
                if let Next::Quit = exec.run(e, &mut pending).await {
                    break 'main;
                }
            }
        }
        dirty = true;
        if state.quit {
            break;
        }
    }
    worker.abort();
    exec.run(crate::app::Effect::StopLogs, &mut Vec::new())
        .await;
    Ok(())
}
