//! Whether swarmtop may change the swarm. Decided once per connection target from every source
//! (`--read-only`, `read_only: true` at the top of config.yaml or for a context, the memory of
//! the last good reading of config.yaml, the swarm's own cluster ID), and enforced where requests
//! leave: the engine client's transport holds a [`Gate`] that, once closed, lets only GET and
//! HEAD through. The TUI and the subcommands refuse earlier, with the same words, but nothing
//! depends on them remembering to.
//!
//! The memory (`read-only.json` next to config.yaml, mode 600) is written after every reading of
//! config.yaml that was whole; when a later one is not (a YAML syntax error, a duplicated key, a
//! `read_only` that is not true or false), the contexts read-only in the memory stay read-only,
//! and without a memory every context is. It also keeps the cluster IDs reached through a
//! read-only context, so another name for the same swarm (`:host`, another context, `-H`) is
//! read-only too.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use swarmtop_settings::config::file::ConfigFile;
use swarmtop_settings::config::{Files, Flags, ProblemKind};

/// The memory's file name, in the config directory.
pub const MEMORY_FILE: &str = "read-only.json";

/// Why swarmtop is read-only: every message that refuses a change names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Because {
    Flag,
    TopLevel {
        file: String,
    },
    Context {
        context: String,
        file: String,
    },
    /// config.yaml cannot be read whole; its last good reading had this context (or, with
    /// `None`, the top level) read-only.
    Remembered {
        context: Option<String>,
        file: String,
        problem: String,
    },
    /// config.yaml cannot be read whole and no good reading is remembered.
    Unknown {
        file: String,
        problem: String,
    },
    /// This swarm was reached read-only through a context before.
    Swarm {
        cluster: String,
        context: String,
    },
    /// `:host` from a session that was read-only: the session stays so.
    Session {
        earlier: String,
    },
}

impl fmt::Display for Because {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Because::Flag => write!(f, "--read-only"),
            Because::TopLevel { file } => write!(f, "read_only: true in {file}"),
            Because::Context { context, file } => {
                write!(f, "context {context} is read_only in {file}")
            }
            Because::Remembered {
                context,
                file,
                problem,
            } => {
                let what = match context {
                    Some(c) => format!("context {c} was read-only"),
                    None => "everything was read-only".to_string(),
                };
                write!(
                    f,
                    "{file} cannot be read whole ({problem}); {what} in its last good reading"
                )
            }
            Because::Unknown { file, problem } => write!(
                f,
                "{file} cannot be read whole ({problem}) and no earlier reading is remembered: every context is read-only until it is fixed"
            ),
            Because::Swarm { cluster, context } => write!(
                f,
                "swarm {} is read-only: it was reached through read-only context {context}",
                short(cluster)
            ),
            Because::Session { earlier } => {
                write!(f, "this session is read-only ({earlier})")
            }
        }
    }
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// The decision for one connection target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    because: Option<Because>,
}

impl Access {
    pub fn writable() -> Access {
        Access { because: None }
    }

    pub fn read_only(because: Because) -> Access {
        Access {
            because: Some(because),
        }
    }

    pub fn is_read_only(&self) -> bool {
        self.because.is_some()
    }

    pub fn because(&self) -> Option<&Because> {
        self.because.as_ref()
    }

    /// The refusal of `what`, when it must be refused.
    pub fn refusal(&self, what: &str) -> Option<String> {
        self.because.as_ref().map(|b| refusal(&b.to_string(), what))
    }

    /// What a `:host` switch keeps of a session read-only for `why` (its gate's reason): it
    /// stays read-only whatever the URL typed.
    pub fn kept_by_session(why: &str) -> Access {
        // one level of "this session is read-only (...)" is enough
        let earlier = why
            .strip_prefix("this session is read-only (")
            .and_then(|w| w.strip_suffix(')'))
            .unwrap_or(why);
        Access::read_only(Because::Session {
            earlier: earlier.to_string(),
        })
    }
}

/// One wording for every refusal (shared with the app core).
pub use swarmtop_model::feed::refusal;

/// What the memory keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    /// `read_only: true` at the top level.
    #[serde(default)]
    pub all: bool,
    /// Contexts with `read_only: true`.
    #[serde(default)]
    pub contexts: BTreeSet<String>,
    /// Cluster ID -> the read-only context it was reached through.
    #[serde(default)]
    pub swarms: BTreeMap<String, String>,
}

impl Memory {
    pub fn path(files: &Files) -> Option<PathBuf> {
        files
            .paths
            .as_ref()
            .and_then(|p| p.dir.as_ref())
            .map(|d| d.join(MEMORY_FILE))
    }

    /// None when there is none, or it cannot be read (as if never written).
    pub fn load(path: &Path) -> Option<Memory> {
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Written whole to a new file then renamed over the old one, mode 600 from the start.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        use std::io::Write as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    }

    /// The memory after a good reading: what the file says now, and the swarms of the contexts
    /// that are still read-only.
    fn from_reading(cfg: &ConfigFile, earlier: Option<&Memory>) -> Memory {
        let contexts: BTreeSet<String> = cfg
            .contexts
            .keys()
            .filter(|c| cfg.layer_for(c).read_only == Some(true))
            .cloned()
            .collect();
        let swarms = earlier
            .map(|m| {
                m.swarms
                    .iter()
                    .filter(|(_, c)| contexts.contains(*c))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        Memory {
            all: cfg.base.read_only == Some(true),
            contexts,
            swarms,
        }
    }
}

/// config.yaml as far as read-only goes, with the memory.
#[derive(Debug, Clone)]
pub struct Reading {
    file: String,
    /// The config, when it was read whole (or is absent).
    whole: Option<ConfigFile>,
    /// Why it was not read whole.
    problem: Option<String>,
    memory: Option<Memory>,
    memory_path: Option<PathBuf>,
}

impl Reading {
    /// Reads config.yaml (already in `files`) and the memory; after a good reading writes the
    /// memory. A memory that cannot be written is said in `warning`, not fatal.
    pub fn load(files: &Files) -> (Reading, Option<String>) {
        let path = Memory::path(files);
        let earlier = path.as_deref().and_then(Memory::load);
        let reading = Reading::new(files, earlier, path);
        let mut warning = None;
        if let (Some(cfg), Some(p)) = (&reading.whole, &reading.memory_path) {
            let now = Memory::from_reading(cfg, reading.memory.as_ref());
            // nothing to remember and nothing remembered: no file at all
            let empty = now == Memory::default() && !p.exists();
            if Some(&now) != reading.memory.as_ref()
                && !empty
                && let Err(e) = now.save(p)
            {
                warning = Some(format!(
                    "cannot write {}: {e} (read-only contexts will not be remembered if config.yaml breaks)",
                    p.display()
                ));
            }
        }
        let reading = match &reading.whole {
            Some(cfg) => Reading {
                memory: Some(Memory::from_reading(cfg, reading.memory.as_ref())),
                ..reading
            },
            None => reading,
        };
        (reading, warning)
    }

    /// Pure: the files as read, the memory as found.
    pub fn new(files: &Files, memory: Option<Memory>, memory_path: Option<PathBuf>) -> Reading {
        let file = files
            .paths
            .as_ref()
            .and_then(|p| p.config_file().map(|f| p.shown(&f)))
            .unwrap_or_else(|| "config.yaml".into());
        let unreadable = files
            .unreadable
            .iter()
            .find(|p| p.file == file && p.kind == ProblemKind::Io)
            .map(|p| p.message.clone());
        let (cfg, problems) = files.config_file();
        let broken = problems.iter().find(|p| {
            p.kind == ProblemKind::Yaml
                || p.key.as_deref().is_some_and(|k| {
                    let parts: Vec<&str> = k.split('.').collect();
                    matches!(
                        parts.as_slice(),
                        ["read_only"]
                            | ["contexts"]
                            | ["contexts", _]
                            | ["contexts", _, "read_only"]
                    )
                })
        });
        let problem = unreadable.or_else(|| {
            broken.map(|p| match p.line {
                Some(l) => format!("line {l}: {}", p.message),
                None => p.message.clone(),
            })
        });
        Reading {
            file,
            whole: problem.is_none().then_some(cfg),
            problem,
            memory,
            memory_path,
        }
    }

    /// Read-only for `context`, from the flag, the file, or the memory when the file is broken.
    pub fn decide(&self, context: &str, flags: &Flags) -> Access {
        if flags.read_only {
            return Access::read_only(Because::Flag);
        }
        let file = self.file.clone();
        if let Some(cfg) = &self.whole {
            return match (cfg.contexts.get(context), cfg.layer_for(context).read_only) {
                (Some(l), Some(true)) if l.read_only == Some(true) => {
                    Access::read_only(Because::Context {
                        context: context.into(),
                        file,
                    })
                }
                (_, Some(true)) => Access::read_only(Because::TopLevel { file }),
                _ => Access::writable(),
            };
        }
        let problem = self.problem.clone().unwrap_or_default();
        match &self.memory {
            None => Access::read_only(Because::Unknown { file, problem }),
            Some(m) if m.contexts.contains(context) => Access::read_only(Because::Remembered {
                context: Some(context.into()),
                file,
                problem,
            }),
            Some(m) if m.all => Access::read_only(Because::Remembered {
                context: None,
                file,
                problem,
            }),
            Some(_) => Access::writable(),
        }
    }

    /// What the program says about read-only at start, when the file is broken.
    pub fn warning(&self) -> Option<String> {
        let problem = self.problem.as_ref()?;
        let file = &self.file;
        Some(match &self.memory {
            None => format!(
                "{file} cannot be read whole ({problem}): every context is read-only until it is fixed (no earlier reading is remembered)"
            ),
            Some(m) if m.all => format!(
                "{file} cannot be read whole ({problem}): everything stays read-only, as in its last good reading"
            ),
            Some(m) if m.contexts.is_empty() => format!(
                "{file} cannot be read whole ({problem}): no context was read-only in its last good reading"
            ),
            Some(m) => format!(
                "{file} cannot be read whole ({problem}): {} stay read-only, as in its last good reading",
                m.contexts
                    .iter()
                    .map(|c| format!("context {c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }

    /// The transport's gate for a connection with this access: closed from the start when
    /// read-only; closed on connecting when the swarm is one remembered read-only; and, when
    /// read-only through a context, remembering the swarm it reaches.
    pub fn gate(&self, access: &Access) -> Gate {
        let swarms = self
            .memory
            .as_ref()
            .map(|m| m.swarms.clone())
            .unwrap_or_default();
        let remember = match access.because() {
            Some(Because::Context { context, .. })
            | Some(Because::Remembered {
                context: Some(context),
                ..
            }) => self.memory_path.clone().map(|p| (p, context.clone())),
            _ => None,
        };
        Gate::new(access, swarms, remember)
    }
}

/// The transport's latch: once closed (read-only), it never opens for that connection target.
#[derive(Clone, Default)]
pub struct Gate(Arc<GateInner>);

#[derive(Default)]
struct GateInner {
    closed: OnceLock<String>,
    /// Cluster IDs that are read-only, and why.
    swarms: BTreeMap<String, String>,
    /// Where to remember a swarm reached read-only, and through which context.
    remember: Option<(PathBuf, String)>,
    /// Cluster IDs already remembered, so a reconnection writes nothing.
    remembered: Mutex<BTreeSet<String>>,
}

impl fmt::Debug for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gate({:?})", self.why())
    }
}

/// A request the gate did not let out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", refusal(why, &format!("{method} {path}")))]
pub struct ReadOnlyRefusal {
    pub why: String,
    pub method: String,
    pub path: String,
}

impl Gate {
    /// Lets everything through (until closed).
    pub fn open() -> Gate {
        Gate::default()
    }

    pub fn new(
        access: &Access,
        swarms: BTreeMap<String, String>,
        remember: Option<(PathBuf, String)>,
    ) -> Gate {
        let swarms = swarms
            .into_iter()
            .map(|(cluster, context)| {
                let why = Because::Swarm {
                    cluster: cluster.clone(),
                    context,
                }
                .to_string();
                (cluster, why)
            })
            .collect();
        let g = GateInner {
            swarms,
            remember,
            ..GateInner::default()
        };
        if let Some(b) = access.because() {
            let _ = g.closed.set(b.to_string());
        }
        Gate(Arc::new(g))
    }

    /// Why it is closed, if it is.
    pub fn why(&self) -> Option<&str> {
        self.0.closed.get().map(String::as_str)
    }

    /// Closes it; the first reason stays.
    pub fn close(&self, why: String) {
        let _ = self.0.closed.set(why);
    }

    /// Whether a request may leave: reading (GET, HEAD) always; anything else only while open.
    pub fn check(&self, method: &hyper::Method, path: &str) -> Result<(), ReadOnlyRefusal> {
        if *method == hyper::Method::GET || *method == hyper::Method::HEAD {
            return Ok(());
        }
        match self.why() {
            None => Ok(()),
            Some(why) => Err(ReadOnlyRefusal {
                why: why.to_string(),
                method: method.to_string(),
                // the query may name what would have been written; the path is enough
                path: path.split('?').next().unwrap_or("").to_string(),
            }),
        }
    }

    /// The swarm this connection reached: closes the gate when it is remembered read-only, and
    /// remembers it when this connection is read-only through a context.
    pub fn learn_swarm(&self, cluster: &str) {
        if cluster.is_empty() {
            return;
        }
        if let Some(why) = self.0.swarms.get(cluster) {
            self.close(why.clone());
        }
        let Some((path, context)) = &self.0.remember else {
            return;
        };
        if self.why().is_none() {
            return;
        }
        let mut done = self.0.remembered.lock().unwrap_or_else(|e| e.into_inner());
        if !done.insert(cluster.to_string()) {
            return;
        }
        let mut m = Memory::load(path).unwrap_or_default();
        if m.swarms.get(cluster) != Some(context) {
            m.swarms.insert(cluster.to_string(), context.clone());
            // best effort: the context itself stays read-only by config.yaml either way
            let _ = m.save(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use swarmtop_settings::config::{ConfigPaths, MemDisk};

    /// config.yaml in memory; the memory file on the disk, in `dir`.
    fn files(dir: &Path, text: Option<&str>) -> Files {
        let disk = match text {
            Some(t) => MemDisk::new().with(dir.join("config.yaml"), t),
            None => MemDisk::new(),
        };
        Files::read(&ConfigPaths::in_dir(dir), &disk)
    }

    const GOOD: &str =
        "theme: mono\ncontexts:\n  prod:\n    read_only: true\n  dev:\n    theme: light\n";

    #[test]
    fn every_source_decides_once() {
        let dir = tempfile::tempdir().unwrap();
        let (r, _) = Reading::load(&files(dir.path(), Some(GOOD)));
        let flags = Flags::default();
        assert!(r.decide("prod", &flags).is_read_only());
        assert!(!r.decide("dev", &flags).is_read_only());
        let flag = Flags {
            read_only: true,
            ..Flags::default()
        };
        assert_eq!(r.decide("dev", &flag).because(), Some(&Because::Flag));
        let (top, _) = Reading::load(&files(dir.path(), Some("read_only: true\n")));
        assert!(matches!(
            top.decide("dev", &flags).because(),
            Some(Because::TopLevel { .. })
        ));
        // a context can turn the top level off
        let (off, _) = Reading::load(&files(
            dir.path(),
            Some("read_only: true\ncontexts:\n  dev:\n    read_only: false\n"),
        ));
        assert!(!off.decide("dev", &flags).is_read_only());
    }

    #[test]
    fn a_broken_config_keeps_the_remembered_read_only_contexts() {
        let dir = tempfile::tempdir().unwrap();
        let flags = Flags::default();
        Reading::load(&files(dir.path(), Some(GOOD)));
        let mem = dir.path().join(MEMORY_FILE);
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&mem).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // a duplicated key after the prod block: not valid YAML for the reader
        for broken in [
            format!("{GOOD}theme: light\ntheme: mono\n"),
            format!("{GOOD}  oops: [\n"),
            GOOD.replace("read_only: true", "read_only: yes"),
        ] {
            let (r, _) = Reading::load(&files(dir.path(), Some(&broken)));
            let a = r.decide("prod", &flags);
            assert!(
                matches!(a.because(), Some(Because::Remembered { .. })),
                "{broken}: {a:?}"
            );
            assert!(!r.decide("dev", &flags).is_read_only());
            let w = r.warning().unwrap();
            assert!(w.contains("context prod stay read-only"), "{w}");
        }
        // the memory is not overwritten by a broken reading
        assert!(Memory::load(&mem).unwrap().contexts.contains("prod"));
    }

    #[test]
    fn a_broken_config_without_memory_makes_every_context_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let (r, _) = Reading::load(&files(
            dir.path(),
            Some("contexts:\n  prod: {read_only: true\n"),
        ));
        let a = r.decide("anything", &Flags::default());
        assert!(
            matches!(a.because(), Some(Because::Unknown { .. })),
            "{a:?}"
        );
        assert!(r.warning().unwrap().contains("every context is read-only"));
        assert!(!dir.path().join(MEMORY_FILE).exists());
    }

    #[test]
    fn no_config_at_all_writes_no_memory() {
        let dir = tempfile::tempdir().unwrap();
        let (r, w) = Reading::load(&files(dir.path(), None));
        assert!(w.is_none());
        assert!(!r.decide("x", &Flags::default()).is_read_only());
        assert!(!dir.path().join(MEMORY_FILE).exists());
    }

    #[test]
    fn the_gate_lets_only_reads_out_once_closed() {
        let g = Gate::open();
        assert!(
            g.check(&hyper::Method::POST, "/v1.41/services/x/update")
                .is_ok()
        );
        g.close("--read-only".into());
        g.close("something else".into());
        assert!(g.check(&hyper::Method::GET, "/v1.41/services").is_ok());
        assert!(g.check(&hyper::Method::HEAD, "/_ping").is_ok());
        for m in [
            hyper::Method::POST,
            hyper::Method::PUT,
            hyper::Method::DELETE,
            hyper::Method::PATCH,
        ] {
            let e = g.check(&m, "/v1.41/nodes/n1/update?version=3").unwrap_err();
            let text = e.to_string();
            assert!(text.contains("read-only (--read-only)"), "{text}");
            assert!(!text.contains("version=3"), "{text}");
        }
    }

    #[test]
    fn a_swarm_reached_read_only_is_read_only_by_any_name() {
        let dir = tempfile::tempdir().unwrap();
        let flags = Flags::default();
        let (r, _) = Reading::load(&files(dir.path(), Some(GOOD)));
        let prod = r.gate(&r.decide("prod", &flags));
        prod.learn_swarm("clusteraaaaaaaaaaaaaaaaaa");
        // a new start: the same swarm through another context, or -H (context default)
        let (r, _) = Reading::load(&files(dir.path(), Some(GOOD)));
        for ctx in ["dev", "default"] {
            let g = r.gate(&r.decide(ctx, &flags));
            assert!(g.why().is_none());
            g.learn_swarm("clusterbbbbbbbbbbbbbbbbbb");
            assert!(g.why().is_none(), "another swarm stays writable");
            g.learn_swarm("clusteraaaaaaaaaaaaaaaaaa");
            let why = g.why().unwrap();
            assert!(why.contains("context prod"), "{why}");
        }
        // prod no longer read-only: its swarm is forgotten
        let (r, _) = Reading::load(&files(dir.path(), Some("contexts:\n  prod: {}\n")));
        let g = r.gate(&r.decide("dev", &flags));
        g.learn_swarm("clusteraaaaaaaaaaaaaaaaaa");
        assert!(g.why().is_none());
    }

    #[test]
    fn a_host_switch_keeps_a_read_only_session() {
        let a = Because::Context {
            context: "prod".into(),
            file: "config.yaml".into(),
        };
        let h = Access::kept_by_session(&a.to_string());
        let text = h.because().unwrap().to_string();
        assert_eq!(
            text,
            "this session is read-only (context prod is read_only in config.yaml)"
        );
        let again = Access::kept_by_session(&text);
        assert_eq!(again.because().unwrap().to_string(), text);
    }
}
