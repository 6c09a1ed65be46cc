//! Shared helpers of the end-to-end tests: the lab's endpoints, the docker CLI as the oracle,
//! swarmtop run headless or inside tmux like a person would use it.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The lab started by `tests/lab/lab.sh up` (its env file).
pub struct Lab {
    env: HashMap<String, String>,
}

impl Lab {
    pub fn get() -> Lab {
        let path = std::env::var("SWARMTOP_LAB_ENV")
            .unwrap_or_else(|_| "/tmp/swarmtop-lab/env".to_string());
        Lab::at(&path)
    }

    /// The lab whose env file is at `path` (a second lab, for tests across swarms).
    pub fn at(path: &str) -> Lab {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
            panic!("no lab env at {path} ({e}): start the lab with tests/lab/lab.sh up, or run scripts/test.sh")
        });
        let mut env = HashMap::new();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("export ") else {
                continue;
            };
            for (k, v) in export_words(rest) {
                env.insert(k, v);
            }
        }
        Lab { env }
    }

    /// The nodes' own addresses (each runs an sshd on port 22 serving its engine), node1 first.
    pub fn node_ips(&self) -> Vec<String> {
        self.var("LAB_NODE_IPS")
            .split_whitespace()
            .map(str::to_string)
            .collect()
    }

    pub fn var(&self, k: &str) -> String {
        self.env
            .get(k)
            .cloned()
            .unwrap_or_else(|| panic!("lab env has no {k}"))
    }

    /// The manager's unix socket URL.
    pub fn manager(&self) -> String {
        self.var("LAB_N1")
    }

    pub fn ssh_url(&self) -> String {
        format!("ssh://root@127.0.0.1:{}", self.var("LAB_SSH_PORT"))
    }

    /// PATH with the lab's `ssh` wrapper first (it points ssh at the lab's key and known_hosts).
    pub fn ssh_path(&self) -> String {
        format!(
            "{}:{}",
            self.var("LAB_SSH_BIN"),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    /// Runs the docker CLI against the manager.
    pub fn docker(&self, args: &[&str]) -> Output {
        Command::new(docker_cli())
            .arg("-H")
            .arg(self.manager())
            .args(args)
            .output()
            .expect("run docker")
    }

    /// Runs the docker CLI against node `n`'s own engine (1-based); stdout, panics on failure.
    pub fn docker_on(&self, n: u8, args: &[&str]) -> String {
        let out = Command::new(docker_cli())
            .arg("-H")
            .arg(self.var(&format!("LAB_N{n}")))
            .args(args)
            .output()
            .expect("run docker");
        assert!(
            out.status.success(),
            "docker on node{n} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs the docker CLI and returns stdout; panics with stderr on failure.
    pub fn docker_ok(&self, args: &[&str]) -> String {
        let out = self.docker(args);
        assert!(
            out.status.success(),
            "docker {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `docker ... --format '{{json .}}'` lines as JSON values.
    pub fn docker_json_lines(&self, args: &[&str]) -> Vec<serde_json::Value> {
        self.docker_ok(args)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("docker json line"))
            .collect()
    }

    /// A swarmtop command with the test environment (no user config: neither the docker CLI's
    /// nor swarmtop's settings files; lab ssh wrapper).
    pub fn swarmtop(&self) -> Command {
        let mut c = Command::new(swarmtop_bin());
        c.env("PATH", self.ssh_path())
            .env("DOCKER_CONFIG", empty_docker_config())
            .env("XDG_CONFIG_HOME", empty_docker_config())
            .env_remove("DOCKER_HOST")
            .env_remove("DOCKER_CONTEXT")
            .stdin(Stdio::null());
        c
    }

    /// The lab's image (busybox, imported offline).
    pub fn image(&self, tag: u8) -> String {
        format!("{}:{tag}", self.var("LAB_IMAGE"))
    }
}

/// `K=V K2="v w"` as the shell reads it (double quotes keep spaces; nothing else is special).
fn export_words(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut push = |word: &mut String| {
        if let Some((k, v)) = word.split_once('=') {
            out.push((k.to_string(), v.to_string()));
        }
        word.clear();
    };
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => push(&mut word),
            c => word.push(c),
        }
    }
    push(&mut word);
    out
}

pub fn docker_cli() -> String {
    std::env::var("DOCKER_CLI").unwrap_or_else(|_| "docker".to_string())
}

/// The binary under test; `SWARMTOP_BIN` points the tests at another build (to check that a
/// new test fails on the code before a fix).
pub fn swarmtop_bin() -> PathBuf {
    std::env::var_os("SWARMTOP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_swarmtop")))
}

fn empty_docker_config() -> PathBuf {
    let p = std::env::temp_dir().join("swarmtop-e2e-empty-docker-config");
    std::fs::create_dir_all(&p).expect("mkdir");
    p
}

/// A name no other test uses.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}{}x{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Polls `f` until it returns Some, or panics with `what` after `timeout`.
pub fn eventually<T>(timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        if start.elapsed() > timeout {
            panic!("timed out after {timeout:?} waiting for: {what}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// swarmtop running in a tmux pane, driven with send-keys and read with capture-pane.
pub struct Tmux {
    pub session: String,
}

const TMUX_SOCKET: &str = "swarmtop-e2e";

impl Tmux {
    /// Starts `cmd` (a shell command line) in a detached session of the given size.
    pub fn start(cmd: &str, width: u16, height: u16, env: &[(&str, String)]) -> Tmux {
        let session = unique("st");
        let mut line = String::new();
        for (k, v) in env {
            line.push_str(&format!("export {k}='{v}'; "));
        }
        // keep the pane open after the program exits so its last words can be read
        line.push_str(cmd);
        // (a loop: a pane that traps ctrl-c outlives a stray one that ends a sleep)
        line.push_str("; echo \"[exit $?]\"; while :; do sleep 600; done");
        // a tmux server whose last session was just killed may be exiting: try again
        for attempt in 0..5 {
            let st = Command::new("tmux")
                .args(["-L", TMUX_SOCKET, "new-session", "-d", "-s", &session])
                .args(["-x", &width.to_string(), "-y", &height.to_string()])
                .arg(&line)
                .env("TERM", "xterm-256color")
                .status()
                .expect("tmux");
            if st.success() {
                return Tmux { session };
            }
            assert!(attempt < 4, "tmux new-session failed");
            std::thread::sleep(Duration::from_millis(300));
        }
        unreachable!()
    }

    pub fn capture(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", TMUX_SOCKET, "capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("tmux capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen with its colours and attributes as escape sequences.
    pub fn capture_styled(&self) -> String {
        let out = Command::new("tmux")
            .args([
                "-L",
                TMUX_SOCKET,
                "capture-pane",
                "-p",
                "-e",
                "-t",
                &self.session,
            ])
            .output()
            .expect("tmux capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The pid of the program started in the pane (the child of the pane's shell).
    pub fn program_pid(&self) -> Option<u32> {
        let out = Command::new("tmux")
            .args([
                "-L",
                TMUX_SOCKET,
                "display",
                "-p",
                "-t",
                &self.session,
                "#{pane_pid}",
            ])
            .output()
            .ok()?;
        let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let out = Command::new("pgrep").args(["-P", &shell]).output().ok()?;
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .and_then(|l| l.trim().parse().ok())
    }

    /// Whether the program in the pane has switched to the alternate screen (a TUI is up).
    pub fn alternate_screen(&self) -> bool {
        let out = Command::new("tmux")
            .args(["-L", TMUX_SOCKET, "display", "-p", "-t", &self.session])
            .arg("#{alternate_on}")
            .output()
            .expect("tmux display");
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Sends keys in tmux's syntax ("q", "Enter", "C-c", "Escape").
    /// An Escape followed at once by another key reads as alt+key in a terminal (as when a
    /// person presses them together), so a pause follows each Escape.
    pub fn send(&self, keys: &[&str]) {
        for k in keys {
            let st = Command::new("tmux")
                .args(["-L", TMUX_SOCKET, "send-keys", "-t", &self.session, k])
                .status()
                .expect("tmux send-keys");
            assert!(st.success());
            if *k == "Escape" {
                std::thread::sleep(Duration::from_millis(150));
            }
        }
    }

    /// Resizes the pane's window, as a person resizing the terminal (the program gets SIGWINCH).
    pub fn resize(&self, width: u16, height: u16) {
        let st = Command::new("tmux")
            .args(["-L", TMUX_SOCKET, "resize-window", "-t", &self.session])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .status()
            .expect("tmux resize-window");
        assert!(st.success());
    }

    /// Sends literal text.
    pub fn type_text(&self, text: &str) {
        let st = Command::new("tmux")
            .args([
                "-L",
                TMUX_SOCKET,
                "send-keys",
                "-l",
                "-t",
                &self.session,
                text,
            ])
            .status()
            .expect("tmux send-keys");
        assert!(st.success());
    }

    /// Pastes `text` as a terminal does when the user pastes: one bracketed paste if the
    /// program asked for bracketed paste, else the text as typed.
    pub fn paste(&self, text: &str) {
        use std::io::Write;
        let buffer = unique("paste");
        let mut child = Command::new("tmux")
            .args(["-L", TMUX_SOCKET, "load-buffer", "-b", &buffer, "-"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("tmux load-buffer");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write to tmux");
        assert!(child.wait().expect("tmux load-buffer").success());
        let st = Command::new("tmux")
            .args(["-L", TMUX_SOCKET, "paste-buffer", "-p", "-d", "-b", &buffer])
            .args(["-t", &self.session])
            .status()
            .expect("tmux paste-buffer");
        assert!(st.success());
    }

    /// Waits until the screen satisfies `pred`; returns that screen.
    /// Whether the screen comes to answer `pred` within `timeout` (for what may need asking
    /// again).
    pub fn wait_for_or_none(&self, timeout: Duration, pred: impl Fn(&str) -> bool) -> bool {
        let start = Instant::now();
        while start.elapsed() <= timeout {
            if pred(&self.capture()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    pub fn wait_for(&self, timeout: Duration, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if pred(&screen) {
                // a capture can catch the terminal half-way through drawing a frame (the
                // title already new, the rows below still the old screen's): the screen a
                // moment later, if it still answers, is the one returned
                std::thread::sleep(Duration::from_millis(150));
                let settled = self.capture();
                if pred(&settled) {
                    return settled;
                }
            }
            if start.elapsed() > timeout {
                panic!("timed out after {timeout:?} waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn wait_text(&self, timeout: Duration, text: &str) -> String {
        self.wait_for(timeout, &format!("{text:?} on screen"), |s| {
            s.contains(text)
        })
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", TMUX_SOCKET, "kill-session", "-t", &self.session])
            .status();
    }
}

/// The line of `screen` that contains `needle` (pane titles, which repeat filters, excluded).
pub fn line_with<'a>(screen: &'a str, needle: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.contains(needle) && !l.starts_with('┌'))
}

pub fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().expect("run");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn file_exists(p: &Path) -> bool {
    p.exists()
}

impl Lab {
    /// Runs `tests/lab/lab.sh ARGS` on this lab (stop/start/crash/cut a node ...).
    pub fn sh(&self, args: &[&str]) -> bool {
        let root = env!("CARGO_MANIFEST_DIR");
        Command::new(format!("{root}/tests/lab/lab.sh"))
            .args(args)
            .env("LAB_DIR", self.var("LAB_DIR"))
            .env("LAB_PREFIX", self.var("LAB_PREFIX"))
            .env("LAB_SUBNET", self.var("LAB_SUBNET"))
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }
}

/// swarmtop in tmux on the lab's manager, once it shows live data.
pub fn start_on(lab: &Lab, width: u16, height: u16) -> Tmux {
    let t = Tmux::start(
        &format!("{} --host {}", swarmtop_bin().display(), lab.manager()),
        width,
        height,
        &[],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    t
}

/// Puts the cursor on the row whose first column is `name` (filtering the list).
pub fn select_row(t: &Tmux, name: &str) {
    t.send(&["/"]);
    t.type_text(name);
    t.send(&["Enter"]);
    t.wait_for(Duration::from_secs(10), &format!("{name} selected"), |s| {
        s.contains(&format!("/{name}")) && s.lines().any(|l| l.starts_with('│') && l.contains(name))
    });
}
