//! Settings files: a key remapped in a user keymap does its action in the running UI, a broken
//! file is named (with its line) on the status line while swarmtop starts anyway, a context's
//! overrides apply; and the headless `config path`, `config check` and `keys` commands.
//!
//! The headless tests need no lab and run with every `cargo test`; the TUI ones are ignored
//! like the rest of the suite and need the lab.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::*;

/// A config directory (XDG_CONFIG_HOME) holding `files`, under `swarmtop/`.
fn xdg_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let p = d.path().join("swarmtop").join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    d
}

/// swarmtop with only the given config directory and no docker CLI configuration.
fn headless(xdg: &Path, docker_config: &Path) -> Command {
    let mut c = Command::new(swarmtop_bin());
    c.env("XDG_CONFIG_HOME", xdg)
        .env("DOCKER_CONFIG", docker_config)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .stdin(Stdio::null());
    c
}

fn keymap_file(xdg: &Path, name: &str) -> PathBuf {
    xdg.join("swarmtop/keymaps").join(format!("{name}.yaml"))
}

const REMAP: &str = "# services on x instead of 2\nglobal:\n  pane_services: [x]\n";
const BROKEN: &str = "global:\n  pane_services: [x]\nnodes:\n  drian: [y]\n";

#[test]
fn config_path_follows_xdg_config_home() {
    let xdg = xdg_with(&[("keymaps/mine.yaml", REMAP)]);
    let docker = tempfile::tempdir().expect("tempdir");
    let (ok, out, err) = run(headless(xdg.path(), docker.path()).args(["config", "path"]));
    assert!(ok, "{err}");
    let dir = xdg.path().join("swarmtop");
    assert!(
        out.contains(&format!("config directory  {}  (exists)", dir.display())),
        "{out}"
    );
    assert!(
        out.contains("config.yaml  (missing: built-in settings)"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "{}/  (exists: mine)",
            dir.join("keymaps").display()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("{}/  (missing)", dir.join("themes").display())),
        "{out}"
    );
}

#[test]
fn config_check_names_file_line_and_key_and_fails() {
    let xdg = xdg_with(&[
        ("config.yaml", "keymap: mine\nrefresh:\n  taks: 5s\n"),
        ("keymaps/mine.yaml", BROKEN),
        ("themes/calm.yaml", "selected: {fg: white, bg: magenta}\n"),
    ]);
    let docker = tempfile::tempdir().expect("tempdir");
    let out = headless(xdg.path(), docker.path())
        .args(["config", "check"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let mine = keymap_file(xdg.path(), "mine");
    assert!(
        text.contains(&format!(
            "error   {}:4: nodes.drian: unknown action (did you mean drain?)",
            mine.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("config.yaml:3: refresh.taks: unknown interval"),
        "{text}"
    );
    assert!(
        text.contains("ok      ") && text.contains("themes/calm.yaml"),
        "{text}"
    );
    // fixed, it passes
    std::fs::write(&mine, REMAP).expect("write");
    std::fs::write(xdg.path().join("swarmtop/config.yaml"), "keymap: mine\n").expect("write");
    let (ok, text, _) = run(headless(xdg.path(), docker.path()).args(["config", "check"]));
    assert!(ok, "{text}");
}

#[test]
fn keys_markdown_is_keys_md_and_keys_shows_a_remap() {
    let empty = xdg_with(&[]);
    let docker = tempfile::tempdir().expect("tempdir");
    let (ok, md, err) = run(headless(empty.path(), docker.path()).args(["keys", "--markdown"]));
    assert!(ok, "{err}");
    let repo = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("KEYS.md"))
        .expect("KEYS.md");
    assert!(
        md == repo,
        "KEYS.md is not what `swarmtop keys --markdown` prints"
    );

    let xdg = xdg_with(&[
        ("config.yaml", "keymap: mine\n"),
        ("keymaps/mine.yaml", REMAP),
    ]);
    let (ok, table, err) = run(headless(xdg.path(), docker.path()).arg("keys"));
    assert!(ok, "{err}");
    assert!(table.starts_with("keymap: mine"), "{table}");
    let row = table
        .lines()
        .find(|l| l.contains("pane_services"))
        .expect("pane_services row");
    assert!(row.split_whitespace().any(|w| w == "x"), "{row}");
    // --keymap wins over config.yaml
    let (ok, table, _) = run(headless(xdg.path(), docker.path()).args(["keys", "--keymap", "vim"]));
    assert!(ok);
    assert!(table.starts_with("keymap: vim"), "{table}");
}

#[test]
fn an_unknown_theme_flag_is_refused_before_connecting() {
    let empty = xdg_with(&[]);
    let docker = tempfile::tempdir().expect("tempdir");
    let (ok, _, err) = run(headless(empty.path(), docker.path()).args([
        "--host",
        "unix:///nonexistent.sock",
        "--theme",
        "mnoo",
    ]));
    assert!(!ok);
    assert_eq!(
        err.trim(),
        "swarmtop: --theme mnoo: there is no theme of that name (did you mean mono?) (themes: default, light, mono, red-alert)"
    );
}

/// swarmtop in tmux against the lab's manager, with this config directory.
fn start(lab: &Lab, xdg: &Path, docker: &Path, width: u16) -> Tmux {
    let t = Tmux::start(
        &format!("{} --host {}", swarmtop_bin().display(), lab.manager()),
        width,
        24,
        &[
            ("XDG_CONFIG_HOME", xdg.display().to_string()),
            ("DOCKER_CONFIG", docker.display().to_string()),
        ],
    );
    t.wait_for(Duration::from_secs(30), "the nodes, live", |s| {
        s.contains("● live") && s.contains("nodes (3)")
    });
    t
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_remapped_key_performs_its_action() {
    let lab = Lab::get();
    let xdg = xdg_with(&[
        ("config.yaml", "keymap: mine\n"),
        ("keymaps/mine.yaml", REMAP),
    ]);
    let docker = tempfile::tempdir().expect("tempdir");
    let t = start(&lab, xdg.path(), docker.path(), 100);
    // 2 is not bound any more. Keys are handled in order, so once the help opened by the `?`
    // after it is on screen, the `2` has been handled too.
    t.send(&["2", "?"]);
    let help = t.wait_text(Duration::from_secs(10), "scroll · other keys close");
    // the help is generated from the keymap in force
    assert!(
        help.lines()
            .any(|l| l.contains("  x ") && l.contains("services")),
        "no `x services` row in the help:\n{help}"
    );
    t.send(&["Escape"]);
    let screen = t.wait_for(Duration::from_secs(10), "the help closed", |s| {
        !s.contains("scroll · other keys close")
    });
    assert!(screen.contains("nodes (3)"), "2 switched panes:\n{screen}");
    t.send(&["x"]);
    t.wait_for(Duration::from_secs(10), "the services pane", |s| {
        s.contains("┌ services (")
    });
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_broken_user_file_is_named_on_the_status_line_and_swarmtop_starts() {
    let lab = Lab::get();
    let xdg = xdg_with(&[
        ("config.yaml", "keymap: mine\n"),
        ("keymaps/mine.yaml", BROKEN),
    ]);
    let docker = tempfile::tempdir().expect("tempdir");
    let t = start(&lab, xdg.path(), docker.path(), 220);
    let screen = t.capture();
    let mine = keymap_file(xdg.path(), "mine");
    let status = screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    assert!(
        status.contains(&format!(
            "{}:4: nodes.drian: unknown action",
            mine.display()
        )),
        "{screen}"
    );
    assert!(
        status.contains("(using the built-in default keymap)"),
        "{status}"
    );
    // the defaults are in force: 2 shows the services, x does nothing
    t.send(&["2"]);
    t.wait_for(Duration::from_secs(10), "the services pane", |s| {
        s.contains("┌ services (")
    });
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_context_override_makes_it_read_only_in_red() {
    let lab = Lab::get();
    // --host is the docker CLI's "default" context
    let xdg = xdg_with(&[(
        "config.yaml",
        "contexts:\n  default:\n    read_only: true\n    theme: red-alert\n",
    )]);
    let docker = tempfile::tempdir().expect("tempdir");
    let t = start(&lab, xdg.path(), docker.path(), 160);
    let screen = t.capture();
    let header = screen.lines().next().unwrap_or_default();
    assert!(header.contains("read-only"), "{screen}");
    // the header bar is drawn on red: SGR 41, which tmux writes as 48;5;1 (the default
    // theme's is blue, 48;5;4)
    let styled = t.capture_styled();
    let first = styled.lines().next().unwrap_or_default();
    let red = ["[41m", ";41m", "[48;5;1m", ";48;5;1m"];
    assert!(
        red.iter().any(|r| first.contains(r)),
        "header not red: {first:?}"
    );
}

/// `:ctx` to a context with its own theme: the screen is redrawn in that theme (it kept the
/// start's theme: drawing read a copy fixed at start).
#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn ctx_switches_to_the_contexts_theme() {
    let lab = Lab::get();
    let xdg = xdg_with(&[(
        "config.yaml",
        "contexts:\n  lab-prod:\n    theme: red-alert\n",
    )]);
    let docker = tempfile::tempdir().expect("tempdir");
    let host = format!("host={}", lab.manager());
    let made = Command::new(docker_cli())
        .env("DOCKER_CONFIG", docker.path())
        .args(["context", "create", "lab-prod", "--docker", &host])
        .output()
        .expect("docker context create");
    assert!(made.status.success(), "{made:?}");
    let t = start(&lab, xdg.path(), docker.path(), 160);
    let red = ["[41m", ";41m", "[48;5;1m", ";48;5;1m"];
    let header = |t: &Tmux| {
        t.capture_styled()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let before = header(&t);
    assert!(
        !red.iter().any(|r| before.contains(r)),
        "the default context's header is already red: {before:?}"
    );
    t.send(&[":"]);
    t.type_text("ctx lab-prod");
    t.send(&["Enter"]);
    t.wait_for(Duration::from_secs(30), "lab-prod, live", |s| {
        let first = s.lines().next().unwrap_or_default();
        first.contains("lab-prod") && s.contains("● live") && s.contains("nodes (3)")
    });
    let after = header(&t);
    assert!(
        red.iter().any(|r| after.contains(r)),
        "after :ctx lab-prod the header is not red: {after:?}"
    );
}
