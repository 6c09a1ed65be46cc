//! swarmtop as a docker CLI plugin (`docker swarmtop`), as docker/cli's `cli-plugins` defines
//! one: an executable `docker-swarmtop` in a cli-plugins directory that answers
//! `docker-cli-plugin-metadata` with its metadata (JSON), and that the CLI runs with the CLI's
//! own arguments unchanged: `docker --context prod swarmtop snapshot` runs
//! `docker-swarmtop --context prod swarmtop snapshot`. docker's global options come before the
//! plugin's name; the environment (DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG, ...) is passed as
//! it is. `install` puts the link in place (`swarmtop install-plugin`).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::cli::ConnArgs;

/// The argument the docker CLI probes a plugin candidate with.
pub const METADATA_SUBCOMMAND: &str = "docker-cli-plugin-metadata";
/// Set by the docker CLI when it runs a plugin (to the command it was started as).
pub const REEXEC_ENV: &str = "DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND";
/// Set by the docker CLI to a unix socket it closes to tell a plugin to stop (after a SIGINT
/// or SIGTERM, when the plugin's output is not a terminal and so got no signal of its own).
pub const SOCKET_ENV: &str = "DOCKER_CLI_PLUGIN_SOCKET";
/// The plugin's name: `docker swarmtop`.
pub const NAME: &str = "swarmtop";
/// The executable's name in a cli-plugins directory.
pub const FILE_NAME: &str = "docker-swarmtop";

/// What the docker CLI wants, from our argv.
#[derive(Debug, PartialEq)]
pub enum Call {
    /// Not run as a plugin: parse the arguments as `swarmtop`'s.
    Standalone,
    /// `docker-cli-plugin-metadata`: print [`metadata_json`].
    Metadata,
    /// `docker [GLOBAL OPTIONS] swarmtop ARGS`: swarmtop's own arguments, and docker's.
    Run {
        globals: DockerGlobals,
        args: Vec<OsString>,
    },
    /// cobra's completion request, which the docker CLI hands to a plugin as
    /// `__complete swarmtop WORDS... PARTIAL`: the words after `swarmtop`.
    Complete { words: Vec<String> },
}

/// docker's global options, given before the plugin's name (docker/cli `cli/flags`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DockerGlobals {
    /// `--config DIR`: the docker CLI's config directory (contexts, config.json).
    pub config: Option<PathBuf>,
    pub context: Option<String>,
    pub hosts: Vec<String>,
    pub tls: bool,
    pub tls_verify: bool,
    pub tls_ca: Option<PathBuf>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
}

impl DockerGlobals {
    /// Adds docker's options to swarmtop's: an option given after `swarmtop` wins, as a later
    /// occurrence of a global option does in the docker CLI.
    pub fn apply(&self, conn: &mut ConnArgs) {
        if conn.context.is_none() && conn.hosts.is_empty() {
            conn.context = self.context.clone();
            conn.hosts = self.hosts.clone();
        }
        conn.tls |= self.tls;
        conn.tlsverify |= self.tls_verify;
        for (mine, theirs) in [
            (&mut conn.tlscacert, &self.tls_ca),
            (&mut conn.tlscert, &self.tls_cert),
            (&mut conn.tlskey, &self.tls_key),
        ] {
            if mine.is_none() {
                *mine = theirs.clone();
            }
        }
    }
}

/// Reads our argv as the docker CLI gives it. `from_docker`: the CLI started us (its
/// [`REEXEC_ENV`] is set) under a plugin's file name.
pub fn call(argv: &[OsString], from_docker: bool) -> Result<Call, String> {
    if argv.get(1).map(OsString::as_os_str) == Some(OsStr::new(METADATA_SUBCOMMAND)) {
        return Ok(Call::Metadata);
    }
    let plugin_name = argv
        .first()
        .map(Path::new)
        .and_then(Path::file_name)
        .is_some_and(|n| n == FILE_NAME);
    if !(from_docker && plugin_name) {
        return Ok(Call::Standalone);
    }
    let mut globals = DockerGlobals::default();
    let mut rest = argv.iter().skip(1);
    let mut completing = false;
    // `docker help swarmtop [CMD]` and `docker --help swarmtop` run the plugin with those words
    let mut help = false;
    while let Some(arg) = rest.next() {
        let Some(word) = arg.to_str() else {
            return Err(format!(
                "docker option {} is not UTF-8",
                arg.to_string_lossy()
            ));
        };
        if word == "__complete" && !completing {
            completing = true;
            continue;
        }
        if matches!(word, "help" | "--help" | "-h") {
            help = true;
            continue;
        }
        if word == NAME {
            let args: Vec<OsString> = rest.cloned().collect();
            if completing {
                return Ok(Call::Complete {
                    words: args
                        .iter()
                        .map(|a| a.to_string_lossy().into_owned())
                        .collect(),
                });
            }
            let mut args = args;
            if help {
                args.push("--help".into());
            }
            return Ok(Call::Run { globals, args });
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match name {
                "debug" | "tls" | "tlsverify" => {
                    let on = match inline.as_deref() {
                        None | Some("true") | Some("1") => true,
                        Some("false") | Some("0") => false,
                        Some(v) => {
                            return Err(format!("docker option --{name}={v}: not a boolean"));
                        }
                    };
                    match name {
                        "tls" => globals.tls = on,
                        "tlsverify" => globals.tls_verify = on,
                        _ => {}
                    }
                }
                "config" | "context" | "host" | "log-level" | "tlscacert" | "tlscert"
                | "tlskey" => {
                    let value = match inline {
                        Some(v) => v,
                        None => next_value(&mut rest, word)?,
                    };
                    set_value(&mut globals, name, value);
                }
                _ => return Err(format!("unknown docker option {word} before '{NAME}'")),
            }
            continue;
        }
        if let Some(shorts) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            // pflag's shorthands: -D, -c NAME, -cNAME, -c=NAME, and bools combined (-Dc NAME)
            for (i, c) in shorts.char_indices() {
                let name = match c {
                    'D' => continue,
                    'c' => "context",
                    'H' => "host",
                    'l' => "log-level",
                    _ => {
                        return Err(format!(
                            "unknown docker option -{c} in {word} before '{NAME}'"
                        ));
                    }
                };
                let tail = &shorts[i + c.len_utf8()..];
                let value = match tail.strip_prefix('=').unwrap_or(tail) {
                    "" => next_value(&mut rest, word)?,
                    v => v.to_string(),
                };
                set_value(&mut globals, name, value);
                break;
            }
            continue;
        }
        return Err(format!(
            "expected '{NAME}' after docker's options, found {word:?}"
        ));
    }
    Err(format!("the docker CLI did not name the plugin ('{NAME}')"))
}

fn next_value<'a>(
    rest: &mut impl Iterator<Item = &'a OsString>,
    flag: &str,
) -> Result<String, String> {
    rest.next()
        .map(|v| v.to_string_lossy().into_owned())
        .ok_or_else(|| format!("docker option {flag} needs a value"))
}

fn set_value(g: &mut DockerGlobals, name: &str, value: String) {
    match name {
        "config" => g.config = Some(PathBuf::from(value)),
        "context" => g.context = Some(value),
        "host" => g.hosts.push(value),
        "tlscacert" => g.tls_ca = Some(PathBuf::from(value)),
        "tlscert" => g.tls_cert = Some(PathBuf::from(value)),
        "tlskey" => g.tls_key = Some(PathBuf::from(value)),
        // docker's own log level: swarmtop logs only with --log-file
        _ => {}
    }
}

/// Connects to the docker CLI's socket ([`SOCKET_ENV`]) and calls `stop` when the CLI closes
/// it. Without the variable, or when the socket cannot be reached, nothing happens (an older
/// CLI has none).
pub fn watch_cli_socket(stop: impl FnOnce() + Send + 'static) {
    use std::io::Read;
    use std::os::unix::net::{SocketAddr, UnixStream};
    let Some(addr) = std::env::var_os(SOCKET_ENV) else {
        return;
    };
    let addr = addr.to_string_lossy().into_owned();
    // on Linux the CLI listens on an abstract socket, written "@name"
    let sa = match addr.strip_prefix('@') {
        #[cfg(target_os = "linux")]
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            SocketAddr::from_abstract_name(name.as_bytes())
        }
        _ => SocketAddr::from_pathname(&addr),
    };
    let Ok(mut stream) = sa.and_then(|sa| UnixStream::connect_addr(&sa)) else {
        return;
    };
    std::thread::spawn(move || {
        let mut byte = [0u8; 1];
        loop {
            match stream.read(&mut byte) {
                Ok(0) => return stop(),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    });
}

/// The metadata the docker CLI asks for before it lists or runs the plugin (schema 0.1.0:
/// `SchemaVersion` and `Vendor` are required, or docker lists the plugin as invalid).
pub fn metadata_json() -> String {
    let meta = serde_json::json!({
        "SchemaVersion": "0.1.0",
        "Vendor": "swarmtop",
        "Version": env!("CARGO_PKG_VERSION"),
        "ShortDescription": "A terminal UI for Docker Swarm",
    });
    serde_json::to_string_pretty(&meta).unwrap_or_default()
}

/// What `install` did.
#[derive(Debug, PartialEq)]
pub enum Installed {
    Linked,
    Replaced { old: PathBuf },
    AlreadyThere,
}

/// Puts `dir/docker-swarmtop`, a symbolic link to `exe`, in place. Replaces a link of ours (to
/// an executable named swarmtop, e.g. an older build); any other file only with `force`.
pub fn install(dir: &Path, exe: &Path, force: bool) -> Result<Installed, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the plugin directory {}: {e}", dir.display()))?;
    let link = dir.join(FILE_NAME);
    let mut outcome = Installed::Linked;
    match std::fs::symlink_metadata(&link) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot read {}: {e}", link.display())),
        Ok(meta) => {
            let target = std::fs::read_link(&link).ok();
            if target.as_deref() == Some(exe) {
                return Ok(Installed::AlreadyThere);
            }
            let ours = meta.file_type().is_symlink()
                && target
                    .as_deref()
                    .and_then(Path::file_name)
                    .is_some_and(|n| n == "swarmtop" || n == FILE_NAME);
            if !ours && !force {
                let what = match &target {
                    Some(t) => format!("a link to {}", t.display()),
                    None => "a file".to_string(),
                };
                return Err(format!(
                    "{} is already there ({what}, not swarmtop's): nothing changed; remove it, \
                     or pass --force to replace it",
                    link.display()
                ));
            }
            std::fs::remove_file(&link)
                .map_err(|e| format!("cannot replace {}: {e}", link.display()))?;
            outcome = Installed::Replaced {
                old: target.unwrap_or_else(|| link.clone()),
            };
        }
    }
    std::os::unix::fs::symlink(exe, &link)
        .map_err(|e| format!("cannot create {}: {e}", link.display()))?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    const EXE: &str = "/home/u/.docker/cli-plugins/docker-swarmtop";

    #[test]
    fn metadata_is_answered_by_any_name() {
        assert_eq!(
            call(&argv(&["swarmtop", METADATA_SUBCOMMAND]), false),
            Ok(Call::Metadata)
        );
        let meta: serde_json::Value = serde_json::from_str(&metadata_json()).unwrap();
        assert_eq!(meta["SchemaVersion"], "0.1.0");
        assert_eq!(meta["Vendor"], "swarmtop");
        assert_eq!(meta["Version"], env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn standalone_unless_docker_ran_the_plugin_file() {
        let words = &["swarmtop", "--context", "x", "snapshot"];
        assert_eq!(call(&argv(words), true), Ok(Call::Standalone));
        let words = &[EXE, "snapshot"];
        assert_eq!(call(&argv(words), false), Ok(Call::Standalone));
    }

    #[test]
    fn docker_globals_before_the_name_and_ours_after() {
        let got = call(
            &argv(&[
                EXE,
                "--config=/cfg",
                "-D",
                "-l",
                "warn",
                "--context",
                "prod",
                "--tlsverify",
                "--tlscacert",
                "/ca.pem",
                "swarmtop",
                "stack",
                "deploy",
                "-c",
                "swarmtop",
                "app",
            ]),
            true,
        );
        let Ok(Call::Run { globals, args }) = got else {
            panic!("{got:?}")
        };
        assert_eq!(
            globals,
            DockerGlobals {
                config: Some("/cfg".into()),
                context: Some("prod".into()),
                tls_verify: true,
                tls_ca: Some("/ca.pem".into()),
                ..Default::default()
            }
        );
        assert_eq!(args, argv(&["stack", "deploy", "-c", "swarmtop", "app"]));
    }

    #[test]
    fn shorthands_as_pflag_reads_them() {
        for words in [
            &[EXE, "-H", "tcp://h:1", "swarmtop"][..],
            &[EXE, "-Htcp://h:1", "swarmtop"],
            &[EXE, "-H=tcp://h:1", "swarmtop"],
            &[EXE, "-DH", "tcp://h:1", "swarmtop"],
        ] {
            let Ok(Call::Run { globals, args }) = call(&argv(words), true) else {
                panic!("{words:?}")
            };
            assert_eq!(globals.hosts, vec!["tcp://h:1".to_string()], "{words:?}");
            assert!(args.is_empty());
        }
        // a context named like the plugin is a value, not the plugin's name
        let Ok(Call::Run { globals, args }) = call(
            &argv(&[EXE, "-c", "swarmtop", "swarmtop", "snapshot"]),
            true,
        ) else {
            panic!()
        };
        assert_eq!(globals.context.as_deref(), Some("swarmtop"));
        assert_eq!(args, argv(&["snapshot"]));
    }

    #[test]
    fn bad_docker_options_are_named() {
        let e = call(&argv(&[EXE, "--bogus", "swarmtop"]), true).unwrap_err();
        assert!(e.contains("--bogus"), "{e}");
        let e = call(&argv(&[EXE, "--context"]), true).unwrap_err();
        assert!(e.contains("--context needs a value"), "{e}");
        let e = call(&argv(&[EXE, "ps"]), true).unwrap_err();
        assert!(e.contains("\"ps\""), "{e}");
    }

    #[test]
    fn docker_help_shows_ours() {
        for words in [
            &[EXE, "help", "swarmtop", "stack"][..],
            &[EXE, "--help", "swarmtop", "stack"],
        ] {
            let Ok(Call::Run { args, .. }) = call(&argv(words), true) else {
                panic!("{words:?}")
            };
            assert_eq!(args, argv(&["stack", "--help"]));
        }
    }

    #[test]
    fn cobra_completion_request() {
        assert_eq!(
            call(
                &argv(&[EXE, "__complete", "swarmtop", "--context", ""]),
                true
            ),
            Ok(Call::Complete {
                words: vec!["--context".into(), "".into()]
            })
        );
    }

    #[test]
    fn options_after_the_name_win() {
        let g = DockerGlobals {
            context: Some("a".into()),
            tls_ca: Some("/a.pem".into()),
            ..Default::default()
        };
        let mut conn = ConnArgs {
            hosts: vec!["tcp://b:1".into()],
            ..Default::default()
        };
        g.apply(&mut conn);
        assert_eq!(
            conn.context, None,
            "-H after the name replaces --context before it"
        );
        assert_eq!(conn.hosts, vec!["tcp://b:1".to_string()]);
        assert_eq!(conn.tlscacert, Some(PathBuf::from("/a.pem")));
        let mut conn = ConnArgs::default();
        g.apply(&mut conn);
        assert_eq!(conn.context.as_deref(), Some("a"));
    }

    #[test]
    fn install_links_and_refuses_a_stranger() {
        let dir = tempfile::tempdir().unwrap();
        let plugins = dir.path().join("cli-plugins");
        let exe = dir.path().join("bin/swarmtop");
        assert_eq!(install(&plugins, &exe, false), Ok(Installed::Linked));
        let link = plugins.join(FILE_NAME);
        assert_eq!(std::fs::read_link(&link).unwrap(), exe);
        assert_eq!(install(&plugins, &exe, false), Ok(Installed::AlreadyThere));
        // a link to another swarmtop (an older build) is ours to replace
        let newer = dir.path().join("new/swarmtop");
        assert_eq!(
            install(&plugins, &newer, false),
            Ok(Installed::Replaced { old: exe.clone() })
        );
        // someone else's file stays unless --force
        std::fs::remove_file(&link).unwrap();
        std::fs::write(&link, "#!/bin/sh\n").unwrap();
        let e = install(&plugins, &exe, false).unwrap_err();
        assert!(e.contains("--force") && e.contains("not swarmtop's"), "{e}");
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "#!/bin/sh\n");
        assert!(matches!(
            install(&plugins, &exe, true),
            Ok(Installed::Replaced { .. })
        ));
        assert_eq!(std::fs::read_link(&link).unwrap(), exe);
    }
}
