//! Which engine to talk to, decided exactly like the docker CLI (`resolveContextName`):
//! `--context` > `-H/--host` > `DOCKER_HOST` > `DOCKER_CONTEXT` > `currentContext` in
//! `$DOCKER_CONFIG/config.json` > the local socket.

use std::fmt;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::context_store::{
    ContextError, ContextStore, DEFAULT_CONTEXT, TlsFiles, current_context,
};
use swarmtop_model::host::{DEFAULT_SOCKET, HostError, HostUrl, SshTarget};

/// The connection flags shared by the TUI and every subcommand.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub context: Option<String>,
    pub hosts: Vec<String>,
    pub tls: bool,
    pub tls_verify: bool,
    pub tls_ca: Option<PathBuf>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
}

/// How the endpoint was chosen; shown to the user so a surprise is explainable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    ContextFlag,
    HostFlag,
    DockerHostEnv,
    DockerContextEnv,
    CurrentContext,
    LocalSocket,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::ContextFlag => "--context",
            Source::HostFlag => "--host",
            Source::DockerHostEnv => "DOCKER_HOST",
            Source::DockerContextEnv => "DOCKER_CONTEXT",
            Source::CurrentContext => "currentContext in config.json",
            Source::LocalSocket => "the local socket",
        })
    }
}

/// TLS for a tcp endpoint. `verify: false` is docker's `--tls` without `--tlsverify`, or a
/// context's `SkipTLSVerify`.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsSettings {
    pub files: TlsFiles,
    pub verify: bool,
}

/// A resolved engine endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub context: String,
    pub host: HostUrl,
    pub tls: Option<TlsSettings>,
    pub source: Source,
    /// An ssh host to go through (`ssh -J`), for a node's engine reached through its manager.
    pub jump: Option<SshTarget>,
}

impl Endpoint {
    /// A unix socket given by hand (as with `--host`), under a context name: the demo's private
    /// socket, a simulated engine in tests and benchmarks.
    pub fn unix_socket(context: &str, path: impl Into<std::path::PathBuf>) -> Endpoint {
        Endpoint {
            context: context.into(),
            host: HostUrl::Unix(path.into()),
            tls: None,
            source: Source::HostFlag,
            jump: None,
        }
    }

    /// What the header shows: `ctx NAME · URL`.
    pub fn label(&self) -> String {
        let scheme = if self.tls.is_some() { "+tls" } else { "" };
        format!("{} · {}{}", self.context, self.host, scheme)
    }
}

#[derive(Debug, Error)]
pub enum ResolveError {
    #[error("conflicting options: either specify --host or --context, not both")]
    ContextAndHost,
    #[error(transparent)]
    Context(#[from] ContextError),
    #[error(transparent)]
    Host(#[from] HostError),
    #[error("context {context:?}: {err}")]
    ContextHost { context: String, err: HostError },
    #[error("TLS file {path} ({what}) does not exist")]
    MissingTlsFile { what: &'static str, path: String },
}

/// Where variables come from; the real process environment in production, a map in tests.
pub trait Env {
    fn var(&self, key: &str) -> Option<String>;
    fn home(&self) -> Option<PathBuf>;

    /// `$DOCKER_CONFIG`, else `~/.docker`.
    fn docker_config_dir(&self) -> PathBuf {
        match self.var("DOCKER_CONFIG") {
            Some(d) => PathBuf::from(d),
            None => self
                .home()
                .unwrap_or_else(|| PathBuf::from("/"))
                .join(".docker"),
        }
    }
}

/// The process environment. Empty variables count as unset, as in the docker CLI.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.is_empty())
    }
    fn home(&self) -> Option<PathBuf> {
        self.var("HOME").map(PathBuf::from)
    }
}

/// Resolves the endpoints to try, primary first (more than one only with several `--host`).
pub fn resolve(opts: &ConnectOptions, env: &dyn Env) -> Result<Vec<Endpoint>, ResolveError> {
    if opts.context.is_some() && !opts.hosts.is_empty() {
        return Err(ResolveError::ContextAndHost);
    }
    // SWARMTOP_HOSTS (comma-separated) stands for several --host: managers to fall back on
    if opts.context.is_none()
        && opts.hosts.is_empty()
        && let Some(list) = env.var("SWARMTOP_HOSTS")
    {
        let hosts: Vec<String> = list
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(str::to_string)
            .collect();
        if !hosts.is_empty() {
            let with_hosts = ConnectOptions {
                hosts,
                ..opts.clone()
            };
            return resolve(&with_hosts, env);
        }
    }
    let cfg_dir = env.docker_config_dir();
    let (name, source) = if let Some(c) = &opts.context {
        (c.clone(), Source::ContextFlag)
    } else if !opts.hosts.is_empty() {
        (DEFAULT_CONTEXT.to_string(), Source::HostFlag)
    } else if env.var("DOCKER_HOST").is_some() {
        (DEFAULT_CONTEXT.to_string(), Source::DockerHostEnv)
    } else if let Some(c) = env.var("DOCKER_CONTEXT") {
        (c, Source::DockerContextEnv)
    } else if let Some(c) = current_context(&cfg_dir)? {
        (c, Source::CurrentContext)
    } else {
        (DEFAULT_CONTEXT.to_string(), Source::LocalSocket)
    };

    if name != DEFAULT_CONTEXT {
        let stored = ContextStore::new(&cfg_dir).load(&name)?;
        let has_tls = !stored.tls.is_empty() || stored.skip_tls_verify;
        let host =
            HostUrl::parse(&stored.host, has_tls).map_err(|err| ResolveError::ContextHost {
                context: name.clone(),
                err,
            })?;
        let tls = (has_tls && host.is_tcp()).then(|| TlsSettings {
            files: stored.tls.clone(),
            verify: !stored.skip_tls_verify,
        });
        return Ok(vec![Endpoint {
            context: name,
            host,
            tls,
            source,
            jump: None,
        }]);
    }

    // The default context: -H, else DOCKER_HOST, else the local socket; TLS from flags/env.
    let tls = default_tls(opts, env)?;
    let hosts: Vec<String> = if !opts.hosts.is_empty() {
        opts.hosts.clone()
    } else if let Some(h) = env.var("DOCKER_HOST") {
        vec![h]
    } else {
        vec![format!("unix://{DEFAULT_SOCKET}")]
    };
    let source = match source {
        // `--context default` / DOCKER_CONTEXT=default still read -H/DOCKER_HOST
        Source::ContextFlag | Source::DockerContextEnv | Source::CurrentContext
            if env.var("DOCKER_HOST").is_some() =>
        {
            Source::DockerHostEnv
        }
        s => s,
    };
    hosts
        .iter()
        .map(|h| {
            let host = HostUrl::parse(h, tls.is_some())?;
            Ok(Endpoint {
                context: DEFAULT_CONTEXT.to_string(),
                tls: tls.clone().filter(|_| host.is_tcp()),
                host,
                source,
                jump: None,
            })
        })
        .collect()
}

/// docker's `--tls`/`--tlsverify`/`DOCKER_TLS_VERIFY`/`DOCKER_TLS`/`DOCKER_CERT_PATH`.
fn default_tls(opts: &ConnectOptions, env: &dyn Env) -> Result<Option<TlsSettings>, ResolveError> {
    let verify = opts.tls_verify || env.var("DOCKER_TLS_VERIFY").is_some();
    let tls = verify || opts.tls || env.var("DOCKER_TLS").is_some();
    if !tls {
        return Ok(None);
    }
    let cert_dir = env
        .var("DOCKER_CERT_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| env.docker_config_dir());
    let pick = |explicit: &Option<PathBuf>, default: &str, what: &'static str| {
        pick_file(explicit.as_deref(), &cert_dir.join(default), what)
    };
    Ok(Some(TlsSettings {
        files: TlsFiles {
            ca: pick(&opts.tls_ca, "ca.pem", "CA certificate")?,
            cert: pick(&opts.tls_cert, "cert.pem", "client certificate")?,
            key: pick(&opts.tls_key, "key.pem", "client key")?,
        },
        verify,
    }))
}

/// An explicit file must exist; a default one is used only if it does.
fn pick_file(
    explicit: Option<&Path>,
    default: &Path,
    what: &'static str,
) -> Result<Option<PathBuf>, ResolveError> {
    match explicit {
        Some(p) if p.is_file() => Ok(Some(p.to_path_buf())),
        Some(p) => Err(ResolveError::MissingTlsFile {
            what,
            path: p.display().to_string(),
        }),
        None => Ok(default.is_file().then(|| default.to_path_buf())),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::context_store::testing::write_context;
    use super::*;

    struct MapEnv(HashMap<&'static str, String>, PathBuf);
    impl Env for MapEnv {
        fn var(&self, k: &str) -> Option<String> {
            self.0.get(k).cloned()
        }
        fn home(&self) -> Option<PathBuf> {
            Some(self.1.clone())
        }
    }

    fn env(dir: &Path, vars: &[(&'static str, &str)]) -> MapEnv {
        let mut m: HashMap<_, _> = vars.iter().map(|(k, v)| (*k, v.to_string())).collect();
        m.insert("DOCKER_CONFIG", dir.display().to_string());
        MapEnv(m, dir.to_path_buf())
    }

    fn one(opts: &ConnectOptions, env: &dyn Env) -> Endpoint {
        let mut v = resolve(opts, env).unwrap();
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    #[test]
    fn local_socket_when_nothing_is_set() {
        let d = tempfile::tempdir().unwrap();
        let ep = one(&ConnectOptions::default(), &env(d.path(), &[]));
        assert_eq!(ep.host.to_string(), "unix:///var/run/docker.sock");
        assert_eq!(ep.source, Source::LocalSocket);
        assert_eq!(ep.context, "default");
    }

    #[test]
    fn precedence_follows_the_docker_cli() {
        let d = tempfile::tempdir().unwrap();
        write_context(d.path(), "flagctx", "ssh://flag", false);
        write_context(d.path(), "envctx", "ssh://envctx", false);
        write_context(d.path(), "cfgctx", "ssh://cfg", false);
        std::fs::write(
            d.path().join("config.json"),
            r#"{"currentContext":"cfgctx"}"#,
        )
        .unwrap();
        let all = env(
            d.path(),
            &[
                ("DOCKER_HOST", "tcp://envhost:2375"),
                ("DOCKER_CONTEXT", "envctx"),
            ],
        );

        let ctx = ConnectOptions {
            context: Some("flagctx".into()),
            ..Default::default()
        };
        assert_eq!(one(&ctx, &all).host.to_string(), "ssh://flag");
        assert_eq!(one(&ctx, &all).source, Source::ContextFlag);

        let host = ConnectOptions {
            hosts: vec!["unix:///h.sock".into()],
            ..Default::default()
        };
        assert_eq!(one(&host, &all).host.to_string(), "unix:///h.sock");

        let none = ConnectOptions::default();
        assert_eq!(one(&none, &all).host.to_string(), "tcp://envhost:2375");
        let no_host = env(d.path(), &[("DOCKER_CONTEXT", "envctx")]);
        assert_eq!(one(&none, &no_host).host.to_string(), "ssh://envctx");
        assert_eq!(
            one(&none, &env(d.path(), &[])).host.to_string(),
            "ssh://cfg"
        );
        assert_eq!(
            one(&none, &env(d.path(), &[])).source,
            Source::CurrentContext
        );
    }

    #[test]
    fn context_with_host_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        let o = ConnectOptions {
            context: Some("x".into()),
            hosts: vec!["tcp://h".into()],
            ..Default::default()
        };
        let e = resolve(&o, &env(d.path(), &[])).unwrap_err().to_string();
        assert!(e.contains("either specify --host or --context"), "{e}");
    }

    #[test]
    fn context_tls_files_and_skip_verify() {
        let d = tempfile::tempdir().unwrap();
        let tls = write_context(d.path(), "secure", "tcp://10.1.1.1", true);
        std::fs::create_dir_all(&tls).unwrap();
        std::fs::write(tls.join("ca.pem"), "ca").unwrap();
        let o = ConnectOptions {
            context: Some("secure".into()),
            ..Default::default()
        };
        let ep = one(&o, &env(d.path(), &[]));
        assert_eq!(ep.host.to_string(), "tcp://10.1.1.1:2376");
        let t = ep.tls.unwrap();
        assert!(!t.verify);
        assert!(t.files.ca.is_some());
    }

    #[test]
    fn docker_tls_verify_uses_cert_path() {
        let d = tempfile::tempdir().unwrap();
        let certs = d.path().join("certs");
        std::fs::create_dir_all(&certs).unwrap();
        for f in ["ca.pem", "cert.pem", "key.pem"] {
            std::fs::write(certs.join(f), f).unwrap();
        }
        let e = env(
            d.path(),
            &[
                ("DOCKER_HOST", "tcp://m:2376"),
                ("DOCKER_TLS_VERIFY", "1"),
                ("DOCKER_CERT_PATH", certs.to_str().unwrap()),
            ],
        );
        let t = one(&ConnectOptions::default(), &e).tls.unwrap();
        assert!(t.verify);
        assert_eq!(t.files.key.unwrap(), certs.join("key.pem"));
    }

    #[test]
    fn explicit_tls_file_must_exist() {
        let d = tempfile::tempdir().unwrap();
        let o = ConnectOptions {
            hosts: vec!["tcp://m".into()],
            tls_verify: true,
            tls_ca: Some(d.path().join("nope.pem")),
            ..Default::default()
        };
        let e = resolve(&o, &env(d.path(), &[])).unwrap_err().to_string();
        assert!(
            e.contains("nope.pem") && e.contains("CA certificate"),
            "{e}"
        );
    }

    #[test]
    fn swarmtop_hosts_are_fallbacks_too() {
        let d = tempfile::tempdir().unwrap();
        let e = env(d.path(), &[("SWARMTOP_HOSTS", "unix:///a.sock, ssh://b ,")]);
        let v = resolve(&ConnectOptions::default(), &e).unwrap();
        let hosts: Vec<String> = v.iter().map(|e| e.host.to_string()).collect();
        assert_eq!(hosts, ["unix:///a.sock", "ssh://b"]);
        // --context still wins
        write_context(d.path(), "c1", "ssh://ctx", false);
        let o = ConnectOptions {
            context: Some("c1".into()),
            ..Default::default()
        };
        assert_eq!(one(&o, &e).host.to_string(), "ssh://ctx");
    }

    #[test]
    fn several_hosts_become_fallbacks_in_order() {
        let d = tempfile::tempdir().unwrap();
        let o = ConnectOptions {
            hosts: vec!["unix:///a.sock".into(), "ssh://b".into()],
            ..Default::default()
        };
        let v = resolve(&o, &env(d.path(), &[])).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].host.to_string(), "ssh://b");
    }
}
