//! The way out when the UI task is stuck (a write to a pipe nobody reads, a hung file system):
//! a thread of its own, with its own signal listeners, ends the program on SIGTERM, SIGHUP or
//! SIGINT if the UI has not done so within a grace period, with the conventional status
//! 128 + signal (`crate::exit`). While the UI loop has not come round for a while it also
//! gives ctrl-c back to the terminal (ISIG on), so ctrl-c sends SIGINT again although the TUI
//! reads no keys.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::signal::unix::{SignalKind, signal};

/// How long the UI gets to stop by itself after a signal (its last autosave included).
pub const GRACE: Duration = Duration::from_secs(3);
/// The UI loop comes round at least once a second (its tick): this long without means stuck.
pub const STUCK: Duration = Duration::from_secs(3);

/// When the UI loop last came round, in ms since `START`.
static HEARTBEAT_MS: AtomicU64 = AtomicU64::new(0);
static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

fn since_start() -> u64 {
    START.get_or_init(Instant::now).elapsed().as_millis() as u64
}

/// The UI loop came round.
pub fn beat() {
    HEARTBEAT_MS.store(since_start(), Ordering::Relaxed);
}

/// Whether a loop that last came round at `last_ms` is stuck at `now_ms`.
pub fn stuck(last_ms: u64, now_ms: u64) -> bool {
    now_ms.saturating_sub(last_ms) > STUCK.as_millis() as u64
}

/// Starts the watchdog thread. Call once, before the terminal is put in raw mode.
pub fn start() {
    beat();
    let spawned = std::thread::Builder::new()
        .name("watchdog".into())
        .spawn(|| {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(watch());
        });
    if let Err(e) = spawned {
        crate::logfile::log(&format!("no watchdog: {e}"));
    }
}

async fn watch() {
    let kinds = [
        (SignalKind::terminate(), libc::SIGTERM),
        (SignalKind::hangup(), libc::SIGHUP),
        (SignalKind::interrupt(), libc::SIGINT),
    ];
    let mut listeners = Vec::new();
    for (kind, number) in kinds {
        match signal(kind) {
            Ok(l) => listeners.push((l, number)),
            Err(e) => eprintln!("swarmtop: watchdog: no listener for signal {number}: {e}"),
        }
    }
    let [(term, _), (hup, _), (int, _)] = &mut listeners[..] else {
        return;
    };
    let mut check = tokio::time::interval(Duration::from_millis(500));
    let mut isig = false;
    let sig = loop {
        tokio::select! {
            _ = term.recv() => break libc::SIGTERM,
            _ = hup.recv() => break libc::SIGHUP,
            _ = int.recv() => break libc::SIGINT,
            _ = check.tick() => {
                let is_stuck = stuck(HEARTBEAT_MS.load(Ordering::Relaxed), since_start());
                if is_stuck != isig && set_isig(is_stuck) {
                    isig = is_stuck;
                }
            }
        }
    };
    tokio::time::sleep(GRACE).await;
    // still here: the UI did not stop by itself. No log line: the log file may be what the UI
    // is stuck on (a pipe nobody reads), and its lock is held there
    crate::terminal::restore_terminal_if_raw();
    eprintln!(
        "swarmtop: stopped by signal {sig} while the screen was not answering (unsaved editor text is in the last autosave)"
    );
    std::process::exit(i32::from(crate::exit::status(crate::exit::Ended::Signal(
        sig,
    ))));
}

/// Turns the terminal's signal keys (ctrl-c) on or off, when stdin is a terminal in raw mode.
// termios through libc: std has no safe way to switch ISIG
#[allow(unsafe_code)]
fn set_isig(on: bool) -> bool {
    if !crossterm::terminal::is_raw_mode_enabled().unwrap_or(false) {
        return false;
    }
    // SAFETY: termios is plain data; tcgetattr fills it, tcsetattr reads it
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0 {
            return false;
        }
        if on {
            t.c_lflag |= libc::ISIG;
        } else {
            t.c_lflag &= !libc::ISIG;
        }
        libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stuck_only_after_the_loop_missed_its_ticks() {
        assert!(!stuck(10_000, 10_500));
        assert!(!stuck(10_000, 13_000));
        assert!(stuck(10_000, 13_001));
        // a clock read before the beat was stored
        assert!(!stuck(10_000, 9_000));
    }
}
