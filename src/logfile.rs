//! The optional debug log (`--log-file PATH`). Nothing is written unless it is asked for, and
//! what is written is chosen here, never raw: connection changes, what actions were asked and
//! what the engine answered. No keys typed, no request bodies or headers, no secret data, no
//! join tokens.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use crate::app::Msg;
use crate::engine::EngineMsg;

static LOG: OnceLock<Mutex<File>> = OnceLock::new();

/// Opens (appends to) the log file; created readable by its owner only.
pub fn open(path: &Path) -> std::io::Result<()> {
    let mut opts = OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let f = opts.open(path)?;
    let _ = LOG.set(Mutex::new(f));
    Ok(())
}

pub fn log(line: &str) {
    if let Some(m) = LOG.get()
        && let Ok(mut f) = m.lock()
    {
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
        let _ = writeln!(f, "{now} {line}");
    }
}

/// The line a message leaves in the log, if any (most leave none).
pub fn describe(m: &Msg) -> Option<String> {
    match m {
        Msg::Engine(EngineMsg::Connected {
            endpoint,
            engine_version,
            api_version,
            switched_from,
            ..
        }) => Some(match switched_from {
            Some(from) => format!(
                "connected to {endpoint} (engine {engine_version}, API {api_version}), moved from {from}"
            ),
            None => format!("connected to {endpoint} (engine {engine_version}, API {api_version})"),
        }),
        Msg::Engine(EngineMsg::Lost {
            error, retry_in, ..
        }) => Some(format!(
            "connection lost: {error}; retry in {}s",
            retry_in.as_secs()
        )),
        Msg::OpDone { what, result, .. } => Some(match result {
            Ok(done) => format!("action done: {done}"),
            Err(e) => format!("action failed: {what}: {e}"),
        }),
        Msg::EditorDeployed(Ok(_)) => Some("stack deployed from the editor".into()),
        Msg::EditorDeployed(Err(e)) => Some(format!("stack deploy failed: {e}")),
        Msg::Logs(_, crate::engine::logs::LogEvent::Interrupted { reason, .. }) => {
            Some(format!("log stream interrupted: {reason}"))
        }
        Msg::Logs(_, crate::engine::logs::LogEvent::Moved { to }) => {
            Some(format!("log stream moved to {to}"))
        }
        Msg::Logs(_, crate::engine::logs::LogEvent::Failed(why)) => {
            Some(format!("logs unavailable: {why}"))
        }
        // keys (typed secrets), join tokens, data: never
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_join_tokens_leave_nothing() {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let key = Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE));
        assert!(describe(&key).is_none());
        let join = Msg::Join(Ok(crate::app::join::JoinView {
            manager: true,
            command: "docker swarm join --token SWMTKN-1-secret x:2377".into(),
        }));
        assert!(describe(&join).is_none());
    }
}
