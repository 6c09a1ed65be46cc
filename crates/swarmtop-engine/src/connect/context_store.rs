//! Reads the docker CLI's context store: `$DOCKER_CONFIG/contexts/meta/<sha256(name)>/meta.json`
//! and the TLS material beside it in `contexts/tls/<sha256(name)>/docker/`. Read-only: swarmtop
//! never writes the user's docker configuration.

use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The name docker gives the context made from `-H`/`DOCKER_HOST`/the local socket.
pub const DEFAULT_CONTEXT: &str = "default";

#[derive(Debug, Error)]
pub enum ContextError {
    #[error("context {name:?} not found (looked in {dir}); `docker context ls` lists the contexts")]
    NotFound { name: String, dir: String },
    #[error(
        "context name {name:?} is not valid: it must start with a letter or digit and hold only letters, digits, '_', '.', '+' and '-'"
    )]
    BadName { name: String },
    #[error("context {name:?}: cannot read {path}: {why}")]
    Unreadable {
        name: String,
        path: String,
        why: String,
    },
    #[error("context {name:?}: {path} is not a valid context file: {why}")]
    Malformed {
        name: String,
        path: String,
        why: String,
    },
    #[error("context {name:?} has no docker endpoint")]
    NoDockerEndpoint { name: String },
}

/// One context as stored by `docker context create`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredContext {
    pub name: String,
    pub description: Option<String>,
    pub host: String,
    pub skip_tls_verify: bool,
    pub tls: TlsFiles,
}

/// TLS files of a context's docker endpoint; each is optional, as in the CLI's store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TlsFiles {
    pub ca: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

impl TlsFiles {
    pub fn is_empty(&self) -> bool {
        self.ca.is_none() && self.cert.is_none() && self.key.is_none()
    }
}

#[derive(Deserialize)]
struct MetaFile {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Metadata", default)]
    metadata: Option<serde_json::Value>,
    #[serde(rename = "Endpoints", default)]
    endpoints: BTreeMap<String, EndpointMeta>,
}

#[derive(Deserialize)]
struct EndpointMeta {
    #[serde(rename = "Host", default)]
    host: Option<String>,
    #[serde(rename = "SkipTLSVerify", default)]
    skip_tls_verify: bool,
}

/// Same rule as the docker CLI's context name validation (config.yaml's `fleet:` checks it too).
pub use swarmtop_settings::config::valid_context_name;

fn context_id(name: &str) -> String {
    hex::encode(Sha256::digest(name.as_bytes()))
}

/// The context store under one docker config directory.
#[derive(Debug, Clone)]
pub struct ContextStore {
    root: PathBuf,
}

impl ContextStore {
    pub fn new(docker_config_dir: &Path) -> Self {
        ContextStore {
            root: docker_config_dir.join("contexts"),
        }
    }

    fn meta_dir(&self) -> PathBuf {
        self.root.join("meta")
    }

    /// Loads the context called `name`.
    pub fn load(&self, name: &str) -> Result<StoredContext, ContextError> {
        if !valid_context_name(name) {
            return Err(ContextError::BadName {
                name: name.to_string(),
            });
        }
        let id = context_id(name);
        let path = self.meta_dir().join(&id).join("meta.json");
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(ContextError::NotFound {
                    name: name.to_string(),
                    dir: self.meta_dir().display().to_string(),
                });
            }
            Err(e) => {
                return Err(ContextError::Unreadable {
                    name: name.to_string(),
                    path: path.display().to_string(),
                    why: e.to_string(),
                });
            }
        };
        self.parse(name, &id, &path, &text)
    }

    fn parse(
        &self,
        name: &str,
        id: &str,
        path: &Path,
        text: &str,
    ) -> Result<StoredContext, ContextError> {
        let meta: MetaFile = serde_json::from_str(text).map_err(|e| ContextError::Malformed {
            name: name.to_string(),
            path: path.display().to_string(),
            why: e.to_string(),
        })?;
        let ep = meta
            .endpoints
            .get("docker")
            .ok_or_else(|| ContextError::NoDockerEndpoint {
                name: name.to_string(),
            })?;
        let host = ep.host.clone().filter(|h| !h.is_empty()).ok_or_else(|| {
            ContextError::NoDockerEndpoint {
                name: name.to_string(),
            }
        })?;
        let tls_dir = self.root.join("tls").join(id).join("docker");
        let file = |f: &str| {
            let p = tls_dir.join(f);
            p.is_file().then_some(p)
        };
        let description = meta
            .metadata
            .as_ref()
            .and_then(|m| m.get("Description"))
            .and_then(|d| d.as_str())
            .map(str::to_string);
        Ok(StoredContext {
            name: meta.name,
            description,
            host,
            skip_tls_verify: ep.skip_tls_verify,
            tls: TlsFiles {
                ca: file("ca.pem"),
                cert: file("cert.pem"),
                key: file("key.pem"),
            },
        })
    }

    /// Every readable context, sorted by name. Unreadable entries are skipped: listing is a
    /// convenience and one broken context must not hide the others.
    pub fn list(&self) -> Vec<StoredContext> {
        let Ok(dir) = fs::read_dir(self.meta_dir()) else {
            return Vec::new();
        };
        let mut out: Vec<StoredContext> = dir
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let id = entry.file_name().to_string_lossy().into_owned();
                let path = entry.path().join("meta.json");
                let text = fs::read_to_string(&path).ok()?;
                let name = serde_json::from_str::<MetaFile>(&text).ok()?.name;
                self.parse(&name, &id, &path, &text).ok()
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

/// Reads `currentContext` from `config.json` in the docker config dir; a missing or unreadable
/// file means "no current context", as in the CLI.
pub fn current_context(docker_config_dir: &Path) -> Result<Option<String>, ContextError> {
    let path = docker_config_dir.join("config.json");
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ContextError::Unreadable {
                name: DEFAULT_CONTEXT.into(),
                path: path.display().to_string(),
                why: e.to_string(),
            });
        }
    };
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ContextError::Malformed {
            name: "(current)".into(),
            path: path.display().to_string(),
            why: e.to_string(),
        })?;
    Ok(v.get("currentContext")
        .and_then(|c| c.as_str())
        .filter(|c| !c.is_empty())
        .map(str::to_string))
}

#[cfg(test)]
pub mod testing {
    use super::*;

    /// Writes a context the way `docker context create` lays it out on disk.
    pub fn write_context(
        docker_config: &Path,
        name: &str,
        host: &str,
        skip_verify: bool,
    ) -> PathBuf {
        let id = context_id(name);
        let dir = docker_config.join("contexts/meta").join(&id);
        fs::create_dir_all(&dir).unwrap();
        let meta = serde_json::json!({
            "Name": name,
            "Metadata": {"Description": format!("{name} manager")},
            "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip_verify}}
        });
        fs::write(dir.join("meta.json"), meta.to_string()).unwrap();
        docker_config.join("contexts/tls").join(&id).join("docker")
    }
}

#[cfg(test)]
mod tests {
    use super::testing::write_context;
    use super::*;

    #[test]
    fn loads_a_context_and_its_optional_tls_files() {
        let d = tempfile::tempdir().unwrap();
        let tls = write_context(d.path(), "prod", "tcp://10.0.0.1:2376", false);
        fs::create_dir_all(&tls).unwrap();
        fs::write(tls.join("ca.pem"), "x").unwrap();
        let c = ContextStore::new(d.path()).load("prod").unwrap();
        assert_eq!(c.host, "tcp://10.0.0.1:2376");
        assert_eq!(c.description.as_deref(), Some("prod manager"));
        assert!(c.tls.ca.is_some() && c.tls.cert.is_none() && c.tls.key.is_none());
    }

    #[test]
    fn unknown_context_names_it_and_the_place() {
        let d = tempfile::tempdir().unwrap();
        let e = ContextStore::new(d.path())
            .load("nope")
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"nope\"") && e.contains("contexts/meta"), "{e}");
    }

    #[test]
    fn malformed_meta_is_reported_with_its_path() {
        let d = tempfile::tempdir().unwrap();
        write_context(d.path(), "bad", "x", false);
        let p = d
            .path()
            .join("contexts/meta")
            .join(context_id("bad"))
            .join("meta.json");
        fs::write(&p, "{not json").unwrap();
        let e = ContextStore::new(d.path())
            .load("bad")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("meta.json") && e.contains("not a valid context file"),
            "{e}"
        );
    }

    #[test]
    fn rejects_names_the_cli_rejects() {
        for bad in ["-x", "", "a", "a/b", "../etc"] {
            assert!(!valid_context_name(bad), "{bad}");
        }
        assert!(valid_context_name("node-1"));
    }

    #[test]
    fn lists_sorted_and_reads_current_context() {
        let d = tempfile::tempdir().unwrap();
        write_context(d.path(), "zeta", "unix:///z.sock", false);
        write_context(d.path(), "alpha", "ssh://a", false);
        let names: Vec<_> = ContextStore::new(d.path())
            .list()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["alpha", "zeta"]);
        assert_eq!(current_context(d.path()).unwrap(), None);
        fs::write(
            d.path().join("config.json"),
            r#"{"auths":{},"currentContext":"zeta"}"#,
        )
        .unwrap();
        assert_eq!(current_context(d.path()).unwrap().as_deref(), Some("zeta"));
    }
}
