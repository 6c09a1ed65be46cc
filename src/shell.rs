//! The terminal handed to a process in a task's container (`Effect::Shell`), and taken back.
//!
//! While it runs, the process has the terminal as `docker exec -it` gives it: the TUI leaves the
//! alternate screen, raw mode stays (every key, ctrl-c too, goes to the container as bytes),
//! crossterm's event reader is stopped (the runtime drops its `EventStream` before calling
//! [`run`]: a reader left running would take keys meant for the container), and the keys are
//! read here from a descriptor of our own (`/dev/tty`, non-blocking on that descriptor only, so
//! stdout stays as it was). SIGWINCH resizes the process's TTY. When the process ends (or its
//! connection drops) the alternate screen comes back and the runtime redraws everything.

use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::time::Duration;

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::signal::unix::{Signal, SignalKind, signal};

use crate::app::shell::ShellRequest;
use crate::engine::Engine;
use crate::engine::exec::{Attached, ExecSpec};

/// Connecting to the node and starting the process: longer than this is a failure.
const START_DEADLINE: Duration = Duration::from_secs(40);

/// How the hand-over ended.
pub enum Outcome {
    /// The process ended (`exit 0`), or why there was none or it was cut off.
    Ended(Result<String, String>),
    /// SIGTERM or SIGHUP came while it ran: swarmtop ends too.
    Signal(i32),
}

/// The signals that end swarmtop, which the runtime listens to; they must still work while a
/// shell runs.
pub struct Stops<'a> {
    pub term: &'a mut Signal,
    pub hup: &'a mut Signal,
}

/// Keeps the watchdog fed while `work` runs (it takes a UI loop that does not come round for a
/// few seconds for a stuck one).
async fn beating<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::pin!(work);
    let mut beat = tokio::time::interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            r = &mut work => return r,
            _ = beat.tick() => crate::watchdog::beat(),
        }
    }
}

/// Runs `req` in its container on `engine` with the terminal, until it ends. The caller has
/// stopped crossterm's event reader; the alternate screen is entered again before this returns
/// (the caller must clear and redraw).
pub async fn run(
    engine: impl std::future::Future<Output = Result<Engine, String>>,
    req: &ShellRequest,
    stops: Stops<'_>,
) -> Outcome {
    // everything that can fail before the screen changes does so first: a refusal is a line in
    // the status bar, not a flash of the shell's screen. Reaching the node may take seconds (an
    // ssh connection): the watchdog is fed meanwhile.
    let engine = match beating(tokio::time::timeout(START_DEADLINE, engine)).await {
        Ok(Ok(e)) => e,
        Ok(Err(why)) => return Outcome::Ended(Err(why)),
        Err(_) => {
            return Outcome::Ended(Err(format!(
                "its node did not answer within {} s",
                START_DEADLINE.as_secs()
            )));
        }
    };
    if let Some(why) = engine.read_only() {
        return Outcome::Ended(Err(crate::access::refusal(why, "exec")));
    }
    let tty = match open_tty() {
        Ok(t) => t,
        Err(e) => return Outcome::Ended(Err(format!("cannot read the terminal (/dev/tty): {e}"))),
    };
    let mut winch = match signal(SignalKind::window_change()) {
        Ok(s) => s,
        Err(e) => return Outcome::Ended(Err(format!("cannot follow the terminal's size: {e}"))),
    };
    let (width, height) = crossterm::terminal::size().unwrap_or((80, 24));
    let spec = ExecSpec {
        container: req.container_id.clone(),
        cmd: req.cmd.clone(),
        env: vec![format!(
            "TERM={}",
            std::env::var("TERM").unwrap_or_else(|_| "xterm".to_string())
        )],
        width,
        height,
    };
    let started = beating(tokio::time::timeout(
        START_DEADLINE,
        engine.exec_attached(&spec),
    ))
    .await;
    let attached = match started {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return Outcome::Ended(Err(e.to_string())),
        Err(_) => {
            return Outcome::Ended(Err(format!(
                "the engine at {} did not start it within {} s",
                engine.label(),
                START_DEADLINE.as_secs()
            )));
        }
    };
    crate::logfile::log(&format!(
        "exec {} in {} ({})",
        req.cmd.join(" "),
        req.name,
        attached.id
    ));
    let mut out = std::io::stdout();
    let _ = execute!(
        out,
        LeaveAlternateScreen,
        DisableBracketedPaste,
        cursor::Show
    );
    let _ = write!(
        out,
        "\r\nswarmtop: {} in {} (the TUI comes back when it ends; ctrl-p ctrl-q leaves it)\r\n",
        req.cmd.join(" "),
        req.name
    );
    let _ = out.flush();
    let id = attached.id.clone();
    let copied = beating(copy(&engine, attached, &tty, &mut winch, stops)).await;
    let _ = execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    );
    drop(tty);
    match copied {
        Copied::Signal(s) => Outcome::Signal(s),
        // the connection is dropped: a shell reads the end of its input and exits
        Copied::Left => Outcome::Ended(Ok("left with ctrl-p ctrl-q".to_string())),
        Copied::TerminalGone => Outcome::Ended(Err("the terminal closed".to_string())),
        Copied::Broken(why) => Outcome::Ended(Err(why)),
        Copied::Eof(tail) => Outcome::Ended(match engine.exec_exit_code(&id).await {
            // the command could not be run (not found, not executable): the runtime's reason
            // is the last thing it wrote, gone with the screen, so it is said here
            Ok(Some(code @ (126 | 127))) => {
                Ok(match last_line(&tail).map(|l| runtime_reason(&l)) {
                    Some(why) => format!("exit {code}: {why}"),
                    None => format!("exit {code}"),
                })
            }
            Ok(Some(code)) => Ok(format!("exit {code}")),
            // the stream ended but the process did not: its connection was cut
            Ok(None) => Err(format!(
                "the connection to {} ended while it ran",
                engine.label()
            )),
            Err(e) => Err(format!("it ended; its exit status is unknown: {e}")),
        }),
    }
}

/// The terminal, on a descriptor of its own: non-blocking there only (stdout shares the
/// terminal's first descriptor, and a non-blocking stdout fails writes with EAGAIN).
#[allow(unsafe_code)]
fn open_tty() -> std::io::Result<AsyncFd<std::fs::File>> {
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open("/dev/tty")?;
    // SAFETY: `f` owns the descriptor just opened; nothing else closes or replaces it while
    // the AsyncFd holds it, and it is dropped with the AsyncFd.
    Ok(unsafe { AsyncFd::register(f) }?)
}

/// `ctrl-p ctrl-q` leaves the process, as with `docker exec -it` (and the way out when its
/// connection hangs: nothing else reaches swarmtop while the process has the keys). A `ctrl-p`
/// is held until the next key says whether it was the start of that.
#[derive(Default)]
struct Detach {
    held: bool,
}

const CTRL_P: u8 = 0x10;
const CTRL_Q: u8 = 0x11;

impl Detach {
    /// The keys to send on, and whether they asked to leave.
    fn keys(&mut self, input: &[u8]) -> (Vec<u8>, bool) {
        let mut out = Vec::with_capacity(input.len() + 1);
        for &b in input {
            if self.held {
                self.held = false;
                if b == CTRL_Q {
                    return (out, true);
                }
                out.push(CTRL_P);
            }
            if b == CTRL_P {
                self.held = true;
            } else {
                out.push(b);
            }
        }
        (out, false)
    }
}

/// How much of the end of the output is kept (for [`last_line`]).
const TAIL: usize = 512;

/// The last line of `out` with text in it, control characters and escape sequences left out.
fn last_line(out: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(out);
    text.lines()
        .map(|l| {
            let mut clean = String::new();
            let mut chars = l.chars();
            while let Some(c) = chars.next() {
                if c == '\u{1b}' {
                    // CSI: ESC [ params final-byte
                    if chars.clone().next() == Some('[') {
                        chars.next();
                        for c in chars.by_ref() {
                            if ('@'..='~').contains(&c) {
                                break;
                            }
                        }
                    }
                } else if !c.is_control() {
                    clean.push(c);
                }
            }
            clean.trim().to_string()
        })
        .rfind(|l| !l.is_empty())
        .map(|l| l.chars().take(200).collect())
}

/// The part of an OCI runtime's refusal that says what is wrong: `OCI runtime exec failed: exec
/// failed: unable to start container process: exec: "x": executable file not found in $PATH:
/// unknown` is `exec: "x": executable file not found in $PATH` (the status line is one line).
fn runtime_reason(line: &str) -> String {
    let from = line.rfind("exec: \"").unwrap_or(0);
    line[from..].trim_end_matches(": unknown").to_string()
}

enum Copied {
    /// The process's output ended; its last bytes.
    Eof(Vec<u8>),
    /// ctrl-p ctrl-q.
    Left,
    TerminalGone,
    Broken(String),
    Signal(i32),
}

/// Keys to the process, its output to the screen, the terminal's size to its TTY.
async fn copy(
    engine: &Engine,
    mut attached: Attached,
    tty: &AsyncFd<std::fs::File>,
    winch: &mut Signal,
    stops: Stops<'_>,
) -> Copied {
    let mut from = vec![0u8; 16 * 1024];
    let mut keys = [0u8; 4096];
    let mut out = std::io::stdout();
    let mut detach = Detach::default();
    let mut tail = Vec::with_capacity(TAIL);
    loop {
        tokio::select! {
            n = attached.output.read(&mut from) => match n {
                Ok(0) => return Copied::Eof(tail),
                Ok(n) => {
                    tail.extend_from_slice(&from[..n]);
                    let cut = tail.len().saturating_sub(TAIL);
                    tail.drain(..cut);
                    if out.write_all(&from[..n]).and_then(|_| out.flush()).is_err() {
                        return Copied::TerminalGone;
                    }
                }
                // a connection cut (ssh gone, engine restarted) reads as an error or an end
                Err(e) => return Copied::Broken(format!("the connection to {} broke: {e}", engine.label())),
            },
            ready = tty.readable() => {
                let mut guard = match ready {
                    Ok(g) => g,
                    Err(_) => return Copied::TerminalGone,
                };
                match guard.try_io(|f| f.get_ref().read(&mut keys)) {
                    Ok(Ok(0)) | Ok(Err(_)) => return Copied::TerminalGone,
                    Ok(Ok(n)) => {
                        let (keys, leave) = detach.keys(&keys[..n]);
                        let sent = async {
                            attached.input.write_all(&keys).await?;
                            attached.input.flush().await
                        };
                        if let Err(e) = sent.await {
                            return Copied::Broken(format!("the connection to {} broke: {e}", engine.label()));
                        }
                        if leave {
                            return Copied::Left;
                        }
                    }
                    Err(_would_block) => continue,
                }
            }
            _ = winch.recv() => {
                if let Ok((w, h)) = crossterm::terminal::size() {
                    // beside the copying: a hung connection must not stop the keys
                    let (engine, id) = (engine.clone(), attached.id.clone());
                    tokio::spawn(async move { engine.exec_resize(&id, w, h).await });
                }
            }
            _ = stops.term.recv() => return Copied::Signal(libc::SIGTERM),
            _ = stops.hup.recv() => return Copied::Signal(libc::SIGHUP),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtimes_reason_is_the_last_line_with_text() {
        let out = b"\x1b[31mOCI runtime exec failed: exec: \"nosuchcmd\": executable file not found in $PATH: unknown\x1b[0m\r\n\r\n";
        assert_eq!(
            last_line(out).as_deref(),
            Some(
                "OCI runtime exec failed: exec: \"nosuchcmd\": executable file not found in $PATH: unknown"
            )
        );
        assert_eq!(last_line(b"\r\n \x07\r\n"), None);
        assert_eq!(
            runtime_reason(
                "OCI runtime exec failed: exec failed: unable to start container process: exec: \"x\": executable file not found in $PATH: unknown"
            ),
            "exec: \"x\": executable file not found in $PATH"
        );
        assert_eq!(runtime_reason("permission denied"), "permission denied");
    }

    #[test]
    fn ctrl_p_ctrl_q_leaves_and_a_lone_ctrl_p_is_sent_with_the_next_key() {
        let mut d = Detach::default();
        assert_eq!(d.keys(b"ls\r"), (b"ls\r".to_vec(), false));
        // held at the end of a read, until the next key says what it was
        assert_eq!(d.keys(&[b'a', CTRL_P]), (vec![b'a'], false));
        assert_eq!(d.keys(b"x"), (vec![CTRL_P, b'x'], false));
        assert_eq!(
            d.keys(&[CTRL_P, CTRL_P, b'y']),
            (vec![CTRL_P, CTRL_P, b'y'], false)
        );
        assert_eq!(d.keys(&[b'z', CTRL_P, CTRL_Q, b'w']), (vec![b'z'], true));
        let mut d = Detach::default();
        assert_eq!(d.keys(&[CTRL_P]), (vec![], false));
        assert_eq!(d.keys(&[CTRL_Q]), (vec![], true));
    }
}
