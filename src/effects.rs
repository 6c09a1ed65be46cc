//! Carrying out `update`'s effects: engine commands, log streams, file writes, stack plans and
//! deploys. Quick ones answer at once with messages; slow ones run as tasks whose results come
//! back as `Msg`s through the runtime's channel, so the UI never waits.

use std::io;
use std::path::{Path, PathBuf};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::app::editor::EditorEffect;
use crate::app::{Effect, Msg};
use crate::background::{AutosaveJob, CheckJob};
use crate::engine::logs::{self, LogEvent, LogRequest, LogTarget};
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
    /// The editor's pause detection, check and autosave, off the UI task.
    pub editor_jobs: crate::background::EditorJobs,
    /// The plan being worked out for the editor (aborted by Esc or a newer plan).
    pub plan_task: Option<JoinHandle<()>>,
    /// The connection target's read-only gate: when closed nothing that changes the cluster
    /// runs (the second line of the guard; the transport itself is the last).
    pub gate: crate::access::Gate,
    /// The file being read for the editor (aborted by Esc or a newer read).
    pub read_task: Option<JoinHandle<()>>,
    /// The nodes' own engines (usage, containers, exec), reached lazily.
    pub nodes: crate::nodes::NodeWorker,
    /// Custom commands running in the background (`custom_run`).
    pub commands: crate::custom_run::Running,
}

/// The data of a new secret or config from the file a user named, read off the UI task:
/// bounded to what the engine accepts, never a FIFO, an empty one refused.
async fn read_object_file(path: PathBuf) -> Result<Vec<u8>, String> {
    let p = path.clone();
    let read = tokio::task::spawn_blocking(move || {
        crate::files::read_bytes(&p, crate::files::OBJECT_LIMIT)
    })
    .await;
    match read {
        Ok(Ok(d)) if d.iter().all(|b| b.is_ascii_whitespace()) => {
            Err(format!("{} is empty: nothing to store", path.display()))
        }
        Ok(Ok(d)) => Ok(d),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
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
                self.log_task = Some(match &request.target {
                    // a container's own logs: from its node's engine, wherever the session is
                    LogTarget::Container { node_id, .. } => start_container_logs(
                        self.nodes.clone(),
                        node_id.clone(),
                        generation,
                        request,
                        self.log_events.clone(),
                    ),
                    _ => start_logs(
                        self.engine_watch.subscribe(),
                        generation,
                        request,
                        self.log_events.clone(),
                    ),
                });
            }
            Effect::LoadProcesses(c) => {
                let nodes = self.nodes.clone();
                self.spawn(async move {
                    let result = match nodes.engine_for(&c.node_id).await {
                        Ok(e) => e
                            .container_processes(&c.container_id)
                            .await
                            .map_err(|e| e.to_string()),
                        Err(why) => Err(why),
                    };
                    Msg::Processes {
                        container: c,
                        result,
                    }
                });
            }
            Effect::LoadHealth(c) => {
                let nodes = self.nodes.clone();
                self.spawn(async move {
                    let result = match nodes.engine_for(&c.node_id).await {
                        Ok(e) => e
                            .container_health(&c.container_id, &c.node)
                            .await
                            .map_err(|e| e.to_string()),
                        Err(why) => Err(why),
                    };
                    Msg::Health {
                        task_id: c.task_id,
                        result,
                    }
                });
            }
            Effect::StopLogs => self.stop_logs(),
            Effect::WatchNodes(w) => self.nodes.watch(w),
            Effect::SaveFile {
                path,
                contents,
                overwrite,
            } => {
                let p = path.clone();
                self.blocking(
                    move || save_file(&path, &contents, overwrite),
                    move |e| Msg::Saved(Err(format!("cannot write {p}: {e}"))),
                );
            }
            Effect::LoadStackFile { stack } => {
                let engine = self.engine.clone();
                self.spawn(async move {
                    let result = commands::file(&engine, &stack)
                        .await
                        .map_err(|e| e.to_string());
                    Msg::StackFile { stack, result }
                });
            }
            Effect::OpenFile { path, stack } => {
                if let Some(t) = self.read_task.take() {
                    t.abort();
                }
                self.read_task = Some(self.spawn(async move {
                    let p = path.clone();
                    let read = tokio::task::spawn_blocking(move || open_file(p, stack)).await;
                    read.unwrap_or_else(|e| Msg::FileOpened {
                        result: Err(format!("cannot read {}: {e}", path.display())),
                        path,
                        stack: String::new(),
                    })
                }));
            }
            Effect::CancelRead => {
                // the blocking read itself is bounded; its answer is dropped
                if let Some(t) = self.read_task.take() {
                    t.abort();
                }
            }
            Effect::DiscardAutosave { stack, also } => {
                // through the writer, so an autosave still waiting cannot come back after it
                self.editor_jobs
                    .autosave(AutosaveJob::Discard { stack, also });
            }
            Effect::RemoveAutosave { path } => {
                self.editor_jobs.autosave(AutosaveJob::Remove { path });
            }
            Effect::Editor(e) => self.editor(e, now),
            // the runtime itself restarts the worker for these
            // the runtime's: they need the terminal or the UI loop itself
            Effect::Switch { .. }
            | Effect::ListContexts
            | Effect::CheckFleet(_)
            | Effect::Shell(_) => {}
            // a foreground one is the runtime's: it needs the terminal
            Effect::RunCommand(run) if !run.foreground => {
                self.commands.start(run, self.msgs.clone())
            }
            Effect::RunCommand(_) => {}
            Effect::StopCommand(id) => self.commands.stop(id),
            Effect::ReadServiceSpec { service_id, then } => {
                let engine = self.engine.clone();
                self.spawn(async move {
                    let result = engine
                        .service_spec(&service_id)
                        .await
                        .map_err(|e| e.to_string());
                    Msg::ServiceSpec {
                        service_id,
                        then,
                        result,
                    }
                });
            }
            Effect::LoadJoin { manager } => {
                if manager && let Some(why) = self.gate.why() {
                    let why = crate::access::refusal(why, "showing the manager join token");
                    now.push(Msg::Join(Err(why)));
                    return Next::Continue;
                }
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
                if let Some(why) = self.gate.why() {
                    now.push(Msg::OpDone {
                        what: op.describe(),
                        then: None,
                        result: Err(crate::access::refusal(why, &op.describe())),
                    });
                    return Next::Continue;
                }
                // a rotation's report says step by step what was done (`Msg::Rotated`)
                if let crate::ops::Op::RotateObject { rotation, data } = op {
                    let engine = self.engine.clone();
                    self.spawn(async move {
                        let report = crate::ops::rotation::rotate(&engine, &rotation, &data).await;
                        Msg::Rotated(Box::new(report))
                    });
                    return Next::Continue;
                }
                // an action in flight follows the session if its manager is lost
                let engines = self.engine_watch.subscribe();
                self.spawn(async move {
                    let result = crate::ops::follow::run_following(engines, &op).await;
                    Msg::OpDone {
                        what: op.describe(),
                        then: op.follow_up(),
                        result,
                    }
                });
            }
            Effect::CreateFromFile {
                kind,
                name,
                path,
                labels,
            } => {
                let what = crate::ops::Op::create_words(kind, &name);
                if let Some(why) = self.gate.why() {
                    let refused = crate::access::refusal(why, &what);
                    now.push(Msg::OpDone {
                        what,
                        then: None,
                        result: Err(refused),
                    });
                    return Next::Continue;
                }
                // read off the UI task: bounded to what the engine accepts, never a FIFO
                let engine = self.engine.clone();
                self.spawn(async move {
                    let data = read_object_file(path).await;
                    let op = match data {
                        Ok(data) => crate::ops::Op::CreateObject {
                            kind,
                            name,
                            data: crate::ops::SecretBytes(data),
                            labels,
                        },
                        Err(e) => {
                            return Msg::OpDone {
                                what,
                                then: None,
                                result: Err(e),
                            };
                        }
                    };
                    crate::logfile::log(&format!("action asked: {}", op.describe()));
                    let result = crate::ops::run::run(&engine, &op)
                        .await
                        .map_err(|e| e.to_string());
                    Msg::OpDone {
                        what: op.describe(),
                        then: None,
                        result,
                    }
                });
            }
            Effect::RotateFromFile { rotation, path } => {
                let what = rotation.describe();
                if let Some(why) = self.gate.why() {
                    now.push(Msg::OpDone {
                        result: Err(crate::access::refusal(why, &what)),
                        what,
                        then: None,
                    });
                    return Next::Continue;
                }
                let engine = self.engine.clone();
                self.spawn(async move {
                    let report = match read_object_file(path).await {
                        Ok(data) => {
                            crate::logfile::log(&format!("action asked: {what}"));
                            let data = crate::ops::SecretBytes(data);
                            crate::ops::rotation::rotate(&engine, &rotation, &data).await
                        }
                        // nothing was sent: the report says the new one was not made, and why
                        Err(why) => crate::ops::rotate::RotateReport::not_created(&rotation, why),
                    };
                    Msg::Rotated(Box::new(report))
                });
            }
        }
        Next::Continue
    }

    /// Runs blocking file work off the UI task (a slow disk or a full NFS mount must not
    /// freeze the screen); `lost` is the answer when the work itself panicked.
    fn blocking<F>(&self, work: F, lost: impl FnOnce(String) -> Msg + Send + 'static)
    where
        F: FnOnce() -> Msg + Send + 'static,
    {
        self.spawn(async move {
            tokio::task::spawn_blocking(work)
                .await
                .unwrap_or_else(|e| lost(e.to_string()))
        });
    }

    fn spawn<F>(&self, job: F) -> JoinHandle<()>
    where
        F: std::future::Future<Output = Msg> + Send + 'static,
    {
        let tx = self.msgs.clone();
        tokio::spawn(async move {
            let m = job.await;
            let _ = tx.send(m).await;
        })
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
            } => {
                let p = path.display().to_string();
                self.blocking(
                    move || save_edited_file(path, &text, expected.as_deref(), force),
                    move |e| Msg::EditorSaved(Err(format!("cannot write {p}: {e}"))),
                );
            }
            EditorEffect::Edited { generation } => self.editor_jobs.edited(generation),
            EditorEffect::Check {
                generation,
                name,
                text,
                dir,
                env,
            } => self.editor_jobs.check(CheckJob {
                generation,
                name,
                text,
                dir,
                env,
            }),
            EditorEffect::Autosave { record, replaces } => self
                .editor_jobs
                .autosave(AutosaveJob::Write { record, replaces }),
            EditorEffect::CancelPlan => {
                if let Some(t) = self.plan_task.take() {
                    t.abort();
                }
            }
            EditorEffect::Plan {
                stack,
                text,
                dir,
                generation,
            }
            | EditorEffect::PlanForDeploy {
                stack,
                text,
                dir,
                generation,
            } => {
                if let Some(t) = self.plan_task.take() {
                    t.abort();
                }
                let engine = self.engine.clone();
                let env = self.env.clone();
                self.plan_task = Some(self.spawn(async move {
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
                    Msg::EditorPlan {
                        generation,
                        result: r,
                    }
                }));
            }
            EditorEffect::Deploy { .. } if self.gate.why().is_some() => {
                let why = self.gate.why().unwrap_or_default();
                now.push(Msg::EditorDeployed(Err(crate::access::refusal(
                    why,
                    "deploying",
                ))));
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

/// A container's logs, from its node's engine (reached first; the stream stays on that node).
fn start_container_logs(
    nodes: crate::nodes::NodeWorker,
    node_id: String,
    generation: u64,
    request: LogRequest,
    out: mpsc::Sender<(u64, LogEvent)>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let engine = match nodes.engine_for(&node_id).await {
            Ok(e) => e,
            Err(why) => {
                let _ = out.send((generation, LogEvent::Failed(why))).await;
                return;
            }
        };
        // held for the stream's life: a closed channel would end the stream
        let (_keep, engines) = tokio::sync::watch::channel(engine);
        let (tx, mut rx) = mpsc::channel(64);
        let stream = tokio::spawn(logs::follow(engines, request, tx));
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
    use std::os::unix::fs::OpenOptionsExt;
    // opening a FIFO to write waits for a reader: on the UI task that would freeze it
    if let Ok(m) = std::fs::metadata(path)
        && !m.is_file()
    {
        return Msg::Saved(Err(format!("{path} is not a regular file: not written")));
    }
    let mut opts = std::fs::OpenOptions::new();
    // and if one was put there meanwhile, the open does not wait either
    opts.write(true).custom_flags(libc::O_NONBLOCK);
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
        use crate::files::{EDITOR_LIMIT, ReadError, read_text};
        let changed = match read_text(&path, EDITOR_LIMIT) {
            Ok(now) => expected != Some(now.as_str()),
            // removed meanwhile: writing it again loses nothing
            Err(ReadError::NotFound(_)) => false,
            Err(ReadError::TooBig { .. }) => true,
            // a FIFO or a device put in its place: writing could block, or go nowhere
            Err(e @ ReadError::NotRegular { .. }) => {
                return Msg::EditorSaved(Err(format!("not saved: {e}")));
            }
            // other errors show at the write
            Err(ReadError::Io { .. }) => false,
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

/// Reads a file for the editor; a missing one is a new file. Blocking, but bounded and never
/// waiting on a FIFO or a device: run it off the UI task.
pub fn open_file(path: PathBuf, stack: String) -> Msg {
    use crate::files::{EDITOR_LIMIT, ReadError, read_text};
    let result = match read_text(&path, EDITOR_LIMIT) {
        Ok(t) => Ok(Some(t)),
        Err(ReadError::NotFound(_)) => Ok(None),
        Err(e) => Err(e.to_string()),
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
    // a FIFO for the test: std has no mkfifo
    #[allow(unsafe_code)]
    fn the_editor_opens_only_regular_files() {
        let m = open_file("/dev/zero".into(), "zero".into());
        match m {
            Msg::FileOpened { result: Err(e), .. } => {
                assert!(e.starts_with("/dev/zero is not a regular file"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.yml");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // nobody writes to it: this must answer, not wait
        match open_file(fifo, "pipe".into()) {
            Msg::FileOpened { result: Err(e), .. } => assert!(e.contains("(a FIFO)"), "{e}"),
            other => panic!("{other:?}"),
        }
        match open_file(dir.path().join("new.yml"), "new".into()) {
            Msg::FileOpened {
                result: Ok(None), ..
            } => {}
            other => panic!("a missing file is a new one: {other:?}"),
        }
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
    // a FIFO for the test: std has no mkfifo
    #[allow(unsafe_code)]
    fn logs_are_not_saved_into_a_fifo_or_a_device() {
        match save_file("/dev/null", "x\n", true) {
            Msg::Saved(Err(e)) => assert!(e.contains("not a regular file"), "{e}"),
            _ => panic!("expected a refusal"),
        }
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // no reader: this must answer, not wait
        assert!(matches!(
            save_file(fifo.to_str().unwrap(), "x\n", true),
            Msg::Saved(Err(_))
        ));
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
