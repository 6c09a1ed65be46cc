//! Running custom commands (`Effect::RunCommand`; the app decided what runs, `app::custom`).
//!
//! In the background: its own process group, stdin from /dev/null, stdout and stderr read line
//! by line and sent as `Msg::CommandOutput` (a burst in one message), `Msg::CommandEnded` with
//! its exit status once both pipes closed and it exited. Stopping sends SIGTERM to the group
//! (what it started goes too), SIGKILL if it is still there 3 s later.
//!
//! In the foreground: the terminal as a shell leaves it for a program (the normal screen,
//! cooked mode); swarmtop waits, ignoring the ctrl-c and ctrl-\ meant for the program, and
//! takes the terminal back when it ends (the runtime redraws).

use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Command;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::{mpsc, oneshot};

use crate::app::Msg;
use crate::app::msg::CommandRun;

/// Lines sent in one message at most (a chatty command is shown in batches, not key by key).
const BATCH: usize = 500;

/// The background commands running, by run id: a word to each stops it.
#[derive(Default)]
pub struct Running {
    stops: HashMap<u64, oneshot::Sender<()>>,
}

impl Running {
    /// Starts `run` in the background; its output and end come as messages on `msgs`.
    pub fn start(&mut self, run: CommandRun, msgs: mpsc::Sender<Msg>) {
        self.stops.retain(|_, s| !s.is_closed());
        let (stop_tx, stop_rx) = oneshot::channel();
        self.stops.insert(run.id, stop_tx);
        tokio::spawn(async move {
            let result = background(&run, stop_rx, &msgs).await;
            crate::logfile::log(&format!("command {} ended: {result:?}", run.name));
            let _ = msgs
                .send(Msg::CommandEnded {
                    id: run.id,
                    name: run.name,
                    result,
                })
                .await;
        });
    }

    pub fn stop(&mut self, id: u64) {
        if let Some(s) = self.stops.remove(&id) {
            let _ = s.send(());
        }
    }
}

/// `exit 0`, `killed by signal 15`.
fn status_words(s: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (s.code(), s.signal()) {
        (Some(c), _) => format!("exit {c}"),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        _ => "ended".to_string(),
    }
}

fn spawn_error(argv: &[String], e: std::io::Error) -> String {
    let prog = argv.first().map(String::as_str).unwrap_or("");
    format!("cannot start {prog}: {e}")
}

/// Sends a signal to the process group `pgid` (the command and what it started).
#[allow(unsafe_code)]
fn signal_group(pgid: u32, sig: i32) {
    let Ok(pgid) = i32::try_from(pgid) else {
        return;
    };
    if pgid <= 1 {
        return;
    }
    // SAFETY: kill(2) with a negative pid only sends a signal to that process group; no memory
    // is touched.
    unsafe {
        libc::kill(-pgid, sig);
    }
}

async fn background(
    run: &CommandRun,
    mut stop: oneshot::Receiver<()>,
    msgs: &mpsc::Sender<Msg>,
) -> Result<String, String> {
    let Some((prog, args)) = run.argv.split_first() else {
        return Err("nothing to run".to_string());
    };
    let mut child = Command::new(prog)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // its own group: a stop reaches what it started too (sh -c 'sleep 100')
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| spawn_error(&run.argv, e))?;
    let pgid = child.id().unwrap_or(0);
    let (line_tx, mut line_rx) = mpsc::channel::<String>(1024);
    let readers = [
        child.stdout.take().map(|o| read_lines(o, line_tx.clone())),
        child.stderr.take().map(|e| read_lines(e, line_tx.clone())),
    ];
    drop(line_tx);
    let mut stopped = false;
    let mut open = true;
    while open {
        tokio::select! {
            l = line_rx.recv() => match l {
                Some(first) => {
                    let mut lines = vec![first];
                    while lines.len() < BATCH {
                        match line_rx.try_recv() {
                            Ok(l) => lines.push(l),
                            Err(_) => break,
                        }
                    }
                    let _ = msgs.send(Msg::CommandOutput { id: run.id, lines }).await;
                }
                None => open = false,
            },
            _ = &mut stop, if !stopped => {
                stopped = true;
                signal_group(pgid, libc::SIGTERM);
                let group = pgid;
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_secs(3)).await;
                    signal_group(group, libc::SIGKILL);
                });
            }
        }
    }
    for r in readers.into_iter().flatten() {
        let _ = r.await;
    }
    let status = child.wait().await.map_err(|e| e.to_string())?;
    Ok(match stopped {
        true => format!("stopped ({})", status_words(status)),
        false => status_words(status),
    })
}

/// Each line of `r` (invalid UTF-8 replaced, control characters but tabs dropped: they would
/// move the cursor on swarmtop's screen).
fn read_lines(
    r: impl AsyncRead + Unpin + Send + 'static,
    tx: mpsc::Sender<String>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut r = BufReader::new(r);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match r.read_until(b'\n', &mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&buf);
                    let line: String = text
                        .trim_end_matches(['\n', '\r'])
                        .chars()
                        .map(|c| if c == '\t' { ' ' } else { c })
                        .filter(|c| !c.is_control())
                        .collect();
                    if tx.send(line).await.is_err() {
                        break;
                    }
                }
            }
        }
    })
}

/// The signals that end swarmtop, which the runtime listens to.
pub struct Stops<'a> {
    pub term: &'a mut Signal,
    pub hup: &'a mut Signal,
    /// ctrl-c reaches swarmtop too (one process group on the terminal): it is the program's.
    pub int: &'a mut Signal,
}

/// How a foreground command ended.
pub enum Outcome {
    Ended(Result<String, String>),
    /// SIGTERM or SIGHUP came while it ran: swarmtop ends too (the program has had it as well).
    Signal(i32),
}

/// Runs `run` with the terminal until it ends. The caller has stopped crossterm's event reader;
/// the alternate screen and raw mode are back when this returns (the caller redraws).
pub async fn foreground(run: &CommandRun, stops: Stops<'_>) -> Outcome {
    let Some((prog, args)) = run.argv.split_first() else {
        return Outcome::Ended(Err("nothing to run".to_string()));
    };
    // ctrl-\ is the program's too: caught here rather than ending swarmtop
    let mut quit = match signal(SignalKind::quit()) {
        Ok(s) => s,
        Err(e) => return Outcome::Ended(Err(format!("cannot catch SIGQUIT: {e}"))),
    };
    let mut out = std::io::stdout();
    let _ = execute!(
        out,
        LeaveAlternateScreen,
        DisableBracketedPaste,
        cursor::Show
    );
    let _ = crossterm::terminal::disable_raw_mode();
    println!(
        "swarmtop: {} (the TUI comes back when it ends)",
        run.argv.join(" ")
    );
    crate::logfile::log(&format!("command {} in the foreground", run.name));
    let outcome = match Command::new(prog).args(args).spawn() {
        Err(e) => Outcome::Ended(Err(spawn_error(&run.argv, e))),
        Ok(mut child) => loop {
            crate::watchdog::beat();
            tokio::select! {
                s = child.wait() => break Outcome::Ended(match s {
                    Ok(s) => Ok(status_words(s)),
                    Err(e) => Err(format!("its exit status is unknown: {e}")),
                }),
                _ = stops.int.recv() => {}
                _ = quit.recv() => {}
                _ = stops.term.recv() => break Outcome::Signal(libc::SIGTERM),
                _ = stops.hup.recv() => break Outcome::Signal(libc::SIGHUP),
                // the watchdog takes a UI loop that does not come round for a stuck one
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
        },
    };
    let _ = crossterm::terminal::enable_raw_mode();
    let _ = execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    );
    outcome
}
