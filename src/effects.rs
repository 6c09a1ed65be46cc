//! Carrying out `update`'s effects: engine commands, log streams, file writes, stack plans and
//! deploys. Quick ones answer at once with messages; slow ones run as tasks whose results come
//! back as `Msg`s through the runtime's channel, so the UI never waits.

use std::io;
use std::path::{Path, PathBuf};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::app::editor::{self, EditorEffect};
use crate::app::{Effect, Msg};
use crate::engine::logs::{self, LogEvent, LogRequest};
use crate::engine::{Engine, EngineCmd};
use crate::stack::commands;
use crate::stack::interpolate::Env;
use crate::stack::plan::PlanOptions;

pub struct Executor {
    pub engine: Engine,
    /// The same, for log streams: they follow it when the session moves (`set_engine`).
    pub engine_watch: tokio::sync::watch::Sender<Engine>,
    pub engine_cmd: mpsc::Sender<EngineCmd>,
    /// Results of background jobs.
    pub msgs: mpsc::Sender<Msg>,
    pub log_events: mpsc::Sender<(u64, LogEvent)>,
    pub log_task: Option<JoinHandle<()>>,
    /// Where editor autosaves go.
    pub state_dir: PathBuf,
    pub env: Env,
    /// Nothing that changes the cluster runs (the second line of the read-only guard).
    pub read_only: bool,
}

/// What the runtime must do after an effect.
pub enum Next {
    Continue,
    Quit,
}

impl Executor {
    /// Runs one effect; messages that are ready at once are returned.
    pub async fn run(&mut self, effect: Effect, now: &mut Vec<Msg>) -> Next {
        match effect {
            Effect::Quit => {
                self.stop_logs();
                return Next::Quit;
            }
            Effect::Engine(cmd) => {
                let _ = self.engine_cmd.send(cmd).await;
            }
            Effect::StartLogs {
                generation,
                request,
            } => {
                self.stop_logs();
                self.log_task = Some(start_logs(
                    self.engine_watch.subscribe(),
                    generation,
                    request,
                    self.log_events.clone(),
                ));
            }
            Effect::StopLogs => self.stop_logs(),
            Effect::SaveFile {
                path,
                contents,
                overwrite,
            } => now.push(save_file(&path, &contents, overwrite)),
            Effect::LoadStackFile { stack } => {
                let engine = self.engine.clone();
                self.spawn(async move {
                    let result = commands::file(&engine, &stack)
                        .await
                        .map_err(|e| e.to_string());
                    Msg::StackFile { stack, result }
                });
            }
            Effect::OpenFile { path, stack } => now.push(open_file(path, stack)),
            Effect::DiscardAutosave { stack } => {
                // best effort: a leftover autosave is offered again, which is harmless
                let _ = editor::discard_autosave(&self.state_dir, &stack);
            }
            Effect::Editor(e) => self.editor(e, now),
            // the runtime itself restarts the worker for these
            Effect::Switch { .. } | Effect::ListContexts => {}
            Effect::LoadJoin { manager } => {
                let engine = self.engine.clone();
                self.spawn(async move { Msg::Join(join_command(&engine, manager).await) });
            }
            Effect::Copy(text) => {
                use base64::Engine as _;
                use std::io::Write;
                // OSC 52: the terminal (even at the far end of ssh, or through tmux with
                // set-clipboard on) puts the text on the local clipboard
                let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
                let mut out = std::io::stdout();
                let _ = write!(out, "\x1b]52;c;{b64}\x07");
                let _ = out.flush();
            }
            Effect::Run(op) => {
                crate::logfile::log(&format!("action asked: {}", op.describe()));
                if self.read_only {
                    now.push(Msg::OpDone {
                        what: op.describe(),
                        rolls: None,
                        result: Err("read-only mode".into()),
                    });
                    return Next::Continue;
                }
                // an action in flight follows the session if its manager is lost
                let engines = self.engine_watch.subscribe();
                self.spawn(async move {
                    let result = crate::ops::follow::run_following(engines, &op).await;
                    Msg::OpDone {
                        what: op.describe(),
                        rolls: op.rolls_service().map(str::to_string),
                        result,
                    }
                });
            }
            Effect::CreateFromFile {
                secret,
                name,
                path,
                labels,
            } => {
                let kind = if secret { "secret" } else { "config" };
                let what = format!("create {kind} {name}");
                if self.read_only {
                    now.push(Msg::OpDone {
                        what,
                        rolls: None,
                        result: Err("read-only mode".into()),
                    });
                    return Next::Continue;
                }
                let data = match std::fs::read(&path) {
                    Ok(d) if d.iter().all(|b| b.is_ascii_whitespace()) => {
                        now.push(Msg::OpDone {
                            what,
                            rolls: None,
                            result: Err(format!("{} is empty: nothing to store", path.display())),
                        });
                        return Next::Continue;
                    }
                    Ok(d) => d,
                    Err(e) => {
                        now.push(Msg::OpDone {
                            what,
                            rolls: None,
                            result: Err(format!("cannot read {}: {e}", path.display())),
                        });
                        return Next::Continue;
                    }
                };
                let op = if secret {
                    crate::ops::Op::CreateSecret {
                        name,
                        data: crate::ops::SecretBytes(data),
                        labels,
                    }
                } else {
                    crate::ops::Op::CreateConfig { name, data, labels }
                };
                return Box::pin(self.run(Effect::Run(op), now)).await;
            }
        }
        Next::Continue
    }

    fn spawn<F>(&self, job: F)
    where
        F: std::future::Future<Output = Msg> + Send + 'static,
    {
        let tx = self.msgs.clone();
        tokio::spawn(async move {
            let m = job.await;
            let _ = tx.send(m).await;
        });
    }

    /// The session moved (another manager, or the same one reconnected): what starts from now
    /// goes there, and the log stream moves there.
    pub fn set_engine(&mut self, e: Engine) {
        self.engine = e.clone();
        self.engine_watch.send_replace(e);
    }

    pub fn stop_logs(&mut self) {
        if let Some(t) = self.log_task.take() {
            t.abort();
        }
    }

    fn editor(&mut self, e: EditorEffect, now: &mut Vec<Msg>) {
        match e {
            EditorEffect::Save {
                path,
                text,
                expected,
                force,
            } => now.push(save_edited_file(path, &text, expected.as_deref(), force)),
            EditorEffect::Autosave { stack, text } => {
                if let Err(err) = editor::write_autosave(&self.state_dir, &stack, &text) {
                    now.push(Msg::EditorSaved(Err(format!(
                        "cannot autosave to {}: {err}",
                        self.state_dir.display()
                    ))));
                }
            }
            EditorEffect::Plan { stack, text, dir }
            | EditorEffect::PlanForDeploy { stack, text, dir } => {
                let engine = self.engine.clone();
                let env = self.env.clone();
                self.spawn(async move {
                    let name = format!("{stack}.yml");
                    let r = commands::plan_text(
                        &engine,
                        &stack,
                        &name,
                        &text,
                        &dir,
                        &env,
                        PlanOptions::default(),
                    )
                    .await
                    .map(|p| p.render())
                    .map_err(|e| e.to_string());
                    Msg::EditorPlan(r)
                });
            }
            EditorEffect::Deploy { .. } if self.read_only => {
                now.push(Msg::EditorDeployed(Err("read-only mode".into())));
            }
            EditorEffect::Deploy { stack, text, dir } => {
                // cut part way: what is in place and what is not, read again wherever the
                // session is then
                let engines = self.engine_watch.subscribe();
                let env = self.env.clone();
                self.spawn(async move {
                    let name = format!("{stack}.yml");
                    let r = crate::stack::cut::deploy_text_accounted(
                        engines, &stack, &name, &text, &dir, &env,
                    )
                    .await;
                    Msg::EditorDeployed(r)
                });
            }
            EditorEffect::Leave => {}
        }
    }
}

/// `docker swarm join --token TOKEN ADDR:PORT`, with this manager's own address as
/// `docker swarm join-token` prints it.
async fn join_command(
    engine: &Engine,
    manager: bool,
) -> Result<crate::app::join::JoinView, String> {
    let api = |e: bollard::errors::Error| {
        crate::engine::error::from_bollard(&engine.label(), &e).to_string()
    };
    let swarm = engine.docker.inspect_swarm().await.map_err(api)?;
    let tokens = swarm.join_tokens.unwrap_or_default();
    let token = if manager {
        tokens.manager
    } else {
        tokens.worker
    }
    .ok_or("the engine sent no join token")?;
    let info = engine.info().await.map_err(|e| e.to_string())?;
    let sw = info.swarm.unwrap_or_default();
    let mut addr = None;
    if let Some(id) = sw.node_id.as_deref()
        && let Ok(n) = engine.docker.inspect_node(id).await
    {
        addr = n.manager_status.and_then(|m| m.addr);
    }
    let addr = addr
        .or_else(|| sw.node_addr.map(|a| format!("{a}:2377")))
        .ok_or("cannot tell this manager's address")?;
    Ok(crate::app::join::JoinView {
        manager,
        command: format!("docker swarm join --token {token} {addr}"),
    })
}

/// Runs a log stream, tagging its events with the generation that asked for it.
fn start_logs(
    engine: tokio::sync::watch::Receiver<Engine>,
    generation: u64,
    request: LogRequest,
    out: mpsc::Sender<(u64, LogEvent)>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let (tx, mut rx) = mpsc::channel(64);
        let stream = tokio::spawn(logs::follow(engine, request, tx));
        while let Some(ev) = rx.recv().await {
            if out.send((generation, ev)).await.is_err() {
                break;
            }
        }
        stream.abort();
    })
}

/// Writes a file the user asked for; an existing one only with `overwrite`.
pub fn save_file(path: &str, contents: &str, overwrite: bool) -> Msg {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    if overwrite {
        opts.create(true).truncate(true);
    } else {
        opts.create_new(true);
    }
    match opts.open(path) {
        Ok(mut f) => match f.write_all(contents.as_bytes()) {
            Ok(()) => Msg::Saved(Ok(path.to_string())),
            Err(e) => Msg::Saved(Err(format!("cannot write {path}: {e}"))),
        },
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Msg::SaveExists(path.to_string()),
        Err(e) => Msg::Saved(Err(format!("cannot create {path}: {e}"))),
    }
}

/// Writes the editor's text to the file it edits. Unless `force`, first checks that the file
/// still holds what the editor last knew of it (`expected`; `None`: there was no file), so an
/// edit made meanwhile by someone else is not lost without asking.
pub fn save_edited_file(path: PathBuf, text: &str, expected: Option<&str>, force: bool) -> Msg {
    if !force {
        let changed = match std::fs::read_to_string(&path) {
            Ok(now) => expected != Some(now.as_str()),
            // removed meanwhile: writing it again loses nothing; other errors show at the write
            Err(_) => false,
        };
        if changed {
            return Msg::EditorSaveConflict(path);
        }
    }
    Msg::EditorSaved(
        std::fs::write(&path, text)
            .map(|_| path.clone())
            .map_err(|err| format!("cannot write {}: {err}", path.display())),
    )
}

/// Reads a file for the editor; a missing one is a new file.
fn open_file(path: PathBuf, stack: String) -> Msg {
    let result = match std::fs::read_to_string(&path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    };
    Msg::FileOpened {
        path,
        stack,
        result,
    }
}

/// `$XDG_STATE_HOME/swarmtop` (or the platform's equivalent): editor autosaves live there.
pub fn state_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "swarmtop")
        .map(|d| {
            d.state_dir()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| d.data_local_dir().to_path_buf())
        })
        .unwrap_or_else(|| std::env::temp_dir().join("swarmtop-state"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_does_not_overwrite_a_file_changed_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("shop.yml");
        std::fs::write(&p, "services: {}\n").unwrap();
        // unchanged since opened: written
        let m = save_edited_file(p.clone(), "a: 1\n", Some("services: {}\n"), false);
        assert!(matches!(m, Msg::EditorSaved(Ok(_))));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a: 1\n");
        // someone else wrote it since: not written, asked
        std::fs::write(&p, "theirs\n").unwrap();
        let m = save_edited_file(p.clone(), "mine\n", Some("a: 1\n"), false);
        assert!(matches!(m, Msg::EditorSaveConflict(ref q) if q == &p));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "theirs\n");
        // a new file that appeared meanwhile: asked as well
        let m = save_edited_file(p.clone(), "mine\n", None, false);
        assert!(matches!(m, Msg::EditorSaveConflict(_)));
        // the user said yes
        let m = save_edited_file(p.clone(), "mine\n", Some("a: 1\n"), true);
        assert!(matches!(m, Msg::EditorSaved(Ok(_))));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "mine\n");
        // removed meanwhile: written again
        std::fs::remove_file(&p).unwrap();
        let m = save_edited_file(p.clone(), "again\n", Some("mine\n"), false);
        assert!(matches!(m, Msg::EditorSaved(Ok(_))));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "again\n");
    }

    #[test]
    fn saving_over_an_existing_file_asks_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("web.log");
        std::fs::write(&path, "old\n").unwrap();
        let p = path.to_str().unwrap();
        assert!(matches!(save_file(p, "new\n", false), Msg::SaveExists(q) if q == p));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        assert!(matches!(save_file(p, "new\n", true), Msg::Saved(Ok(_))));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
    }

    #[test]
    fn a_new_file_is_written_and_a_bad_place_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.log");
        let p = path.to_str().unwrap();
        assert!(matches!(save_file(p, "x\n", false), Msg::Saved(Ok(_))));
        let bad = dir.path().join("no/such/dir/x.log");
        match save_file(bad.to_str().unwrap(), "x", false) {
            Msg::Saved(Err(e)) => assert!(e.contains("no/such/dir/x.log"), "{e}"),
            _ => panic!("expected an error naming the path"),
        }
    }
}
