//! The stack editor's work that must not hold up a key: noticing a pause in typing, checking
//! the text, writing the autosave. Each is one task fed through a `watch` channel, so only the
//! newest request waits: a burst of keys while a slow check runs costs one more check, not one
//! per key. Results come back as messages tagged with the text's generation (the editor drops
//! any that are not for the text it holds now).

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::app::Msg;
use crate::app::editor;
use crate::autosave;

/// How long typing must pause before the text is checked and autosaved.
pub const QUIET: Duration = Duration::from_millis(250);

/// One request for the checker.
#[derive(Clone)]
pub struct CheckJob {
    pub generation: u64,
    pub name: String,
    pub text: String,
    pub dir: PathBuf,
    pub env: crate::stack::interpolate::Env,
}

/// One request for the autosave writer; a discard supersedes a write still waiting.
#[derive(Clone)]
pub enum AutosaveJob {
    Write {
        record: editor::Autosave,
        replaces: Option<PathBuf>,
    },
    Discard {
        stack: String,
        also: Option<PathBuf>,
    },
    Remove {
        path: PathBuf,
    },
}

pub struct EditorJobs {
    edits: watch::Sender<u64>,
    checks: watch::Sender<Option<CheckJob>>,
    autosaves: watch::Sender<Option<AutosaveJob>>,
}

impl EditorJobs {
    /// Starts the three tasks (on the current tokio runtime); they end when `self` is dropped.
    pub fn start(msgs: mpsc::Sender<Msg>, state_dir: PathBuf) -> EditorJobs {
        let (edits, edits_rx) = watch::channel(0u64);
        let (checks, checks_rx) = watch::channel(None);
        let (autosaves, autosaves_rx) = watch::channel(None);
        tokio::spawn(debounce(edits_rx, msgs.clone()));
        tokio::spawn(checker(checks_rx, msgs.clone()));
        tokio::spawn(autosaver(autosaves_rx, msgs, state_dir));
        EditorJobs {
            edits,
            checks,
            autosaves,
        }
    }

    /// The text changed: `Msg::EditorQuiet(generation)` follows once typing pauses.
    pub fn edited(&self, generation: u64) {
        let _ = self.edits.send(generation);
    }

    pub fn check(&self, job: CheckJob) {
        let _ = self.checks.send(Some(job));
    }

    pub fn autosave(&self, job: AutosaveJob) {
        let _ = self.autosaves.send(Some(job));
    }
}

/// Waits for `QUIET` without a newer generation, then says so.
async fn debounce(mut rx: watch::Receiver<u64>, out: mpsc::Sender<Msg>) {
    while rx.changed().await.is_ok() {
        loop {
            tokio::select! {
                changed = rx.changed() => if changed.is_err() { return },
                _ = tokio::time::sleep(QUIET) => break,
            }
        }
        let generation = *rx.borrow_and_update();
        if out.send(Msg::EditorQuiet(generation)).await.is_err() {
            return;
        }
    }
}

/// Checks the newest text, one check at a time, on a blocking thread.
async fn checker(mut rx: watch::Receiver<Option<CheckJob>>, out: mpsc::Sender<Msg>) {
    while rx.changed().await.is_ok() {
        let Some(job) = rx.borrow_and_update().clone() else {
            continue;
        };
        let generation = job.generation;
        let result = tokio::task::spawn_blocking(move || {
            editor::check(&job.name, &job.text, &job.dir, &job.env)
        })
        .await;
        // a check that panicked says so instead of leaving "checking…" forever
        let result = result.unwrap_or_else(|e| editor::CheckResult {
            diagnostic: Some(editor::Diagnostic {
                line: None,
                column: None,
                message: format!("the check failed: {e}"),
            }),
            warnings: Vec::new(),
        });
        if out
            .send(Msg::EditorChecked { generation, result })
            .await
            .is_err()
        {
            return;
        }
    }
}

/// Writes (or removes) the autosave, newest request first, off the UI task.
async fn autosaver(
    mut rx: watch::Receiver<Option<AutosaveJob>>,
    out: mpsc::Sender<Msg>,
    state_dir: PathBuf,
) {
    while rx.changed().await.is_ok() {
        let Some(job) = rx.borrow_and_update().clone() else {
            continue;
        };
        let dir = state_dir.clone();
        let failed = tokio::task::spawn_blocking(move || match job {
            AutosaveJob::Write { record, replaces } => {
                autosave::write(&dir, &record, replaces.as_deref())
                    .err()
                    .map(|e| format!("cannot autosave to {}: {e}", dir.display()))
            }
            // best effort: a leftover autosave is offered again, which is harmless
            AutosaveJob::Discard { stack, also } => {
                let _ = autosave::discard(&dir, &stack, also.as_deref());
                None
            }
            AutosaveJob::Remove { path } => autosave::remove(&path)
                .err()
                .map(|e| format!("cannot delete {}: {e}", path.display())),
        })
        .await
        .ok()
        .flatten();
        if let Some(why) = failed
            && out.send(Msg::AutosaveFailed(why)).await.is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stack::interpolate::Env;

    fn job(generation: u64, text: &str) -> CheckJob {
        CheckJob {
            generation,
            name: "web.yml".into(),
            text: text.into(),
            dir: "/srv".into(),
            env: Env::new(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_of_edits_gives_one_quiet_for_the_newest() {
        let (tx, mut rx) = mpsc::channel(8);
        let jobs = EditorJobs::start(tx, std::env::temp_dir());
        for g in 1..=50 {
            jobs.edited(g);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        match rx.recv().await {
            Some(Msg::EditorQuiet(g)) => assert_eq!(g, 50),
            other => panic!("expected one quiet message, got {other:?}"),
        }
        assert!(rx.try_recv().is_err(), "one message for the whole burst");
    }

    #[tokio::test]
    async fn the_checker_answers_for_the_newest_text() {
        let (tx, mut rx) = mpsc::channel(8);
        let jobs = EditorJobs::start(tx, std::env::temp_dir());
        jobs.check(job(7, "services:\n  web:\n    imag: x\n"));
        match rx.recv().await {
            Some(Msg::EditorChecked { generation, result }) => {
                assert_eq!(generation, 7);
                assert!(result.diagnostic.is_some(), "{result:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}
