//! Issue 15, "nothing typed is lost, nothing blocks the UI", where a person sees it: a plan
//! asked for during a network cut does not freeze the editor; FIFOs, devices and huge files are
//! refused by `:edit` with a message while the UI stays live; a big paste is one edit.

use std::process::Command;
use std::time::Duration;

use crate::common::*;

const STACK: &str =
    "version: \"3.8\"\nservices:\n  web:\n    image: busybox\n    command: [\"sleep\", \"3600\"]\n";

/// swarmtop started in `dir` with `extra` connect flags and environment, once live.
fn start_in(
    dir: &std::path::Path,
    state: &std::path::Path,
    host: &str,
    env: &[(&str, String)],
) -> Tmux {
    let mut env = env.to_vec();
    env.push(("XDG_STATE_HOME", state.display().to_string()));
    let t = Tmux::start(
        &format!(
            "cd {} && {} --host {host}",
            dir.display(),
            swarmtop_bin().display()
        ),
        120,
        36,
        &env,
    );
    t.wait_text(Duration::from_secs(30), "● live");
    t
}

fn edit(t: &Tmux, file: &str) {
    t.send(&[":"]);
    t.type_text(&format!("edit {file}"));
    t.send(&["Enter"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_plan_during_a_network_cut_does_not_freeze_the_editor() {
    let lab = Lab::get();
    struct Heal<'a>(&'a Lab);
    impl Drop for Heal<'_> {
        fn drop(&mut self) {
            let _ = self.0.sh(&["heal", "1"]);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let name = unique("cut");
    let file = dir.path().join(format!("{name}.yml"));
    std::fs::write(&file, STACK).unwrap();
    // over TLS to node1: the connection `lab.sh cut` silences
    let t = start_in(
        dir.path(),
        state.path(),
        &lab.var("LAB_TLS"),
        &[
            ("DOCKER_TLS_VERIFY", "1".to_string()),
            ("DOCKER_CERT_PATH", lab.var("LAB_TLS_CERTS")),
        ],
    );
    edit(&t, &format!("{name}.yml"));
    t.wait_text(Duration::from_secs(10), "ok: the file is valid");

    assert!(lab.sh(&["cut", "1"]));
    let _heal = Heal(&lab);
    t.send(&["C-p"]);
    t.wait_text(
        Duration::from_secs(10),
        "working out what a deploy would change",
    );
    // the manager never answers; keys still reach the text
    t.send(&["M->", "End", "Enter"]);
    t.type_text("# typed during the cut");
    let screen = t.wait_text(Duration::from_secs(10), "# typed during the cut");
    assert!(screen.contains("working out what a deploy"), "{screen}");
    // Esc gives up on the plan, the text stays, and it can be saved
    t.send(&["Escape"]);
    let screen = t.wait_text(Duration::from_secs(10), "plan cancelled");
    assert!(screen.contains("# typed during the cut"), "{screen}");
    t.send(&["C-s"]);
    t.wait_text(Duration::from_secs(10), "saved ");
    let on_disk = std::fs::read_to_string(&file).unwrap();
    assert!(on_disk.contains("# typed during the cut"), "{on_disk}");
    t.send(&["Escape", "q"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn edit_refuses_fifos_devices_and_huge_files_and_the_ui_stays_live() {
    let lab = Lab::get();
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.yml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let huge = dir.path().join("huge.yml");
    std::fs::write(&huge, "#".repeat(9 * 1024 * 1024)).unwrap();
    let t = start_in(dir.path(), state.path(), &lab.manager(), &[]);

    // nobody ever writes to the FIFO: before, this froze the whole UI (ctrl-c included)
    edit(&t, "pipe.yml");
    t.wait_text(
        Duration::from_secs(10),
        "pipe.yml is not a regular file (a FIFO)",
    );
    edit(&t, "/dev/zero");
    t.wait_text(
        Duration::from_secs(10),
        "/dev/zero is not a regular file (a character device)",
    );
    edit(&t, "huge.yml");
    t.wait_text(Duration::from_secs(10), "huge.yml is larger than 8 MiB");
    // the UI answers keys as before
    t.send(&["2"]);
    t.wait_for(Duration::from_secs(10), "the services pane", |s| {
        s.lines()
            .any(|l| l.starts_with('┌') && l.contains("services"))
    });
    t.send(&["q"]);
    t.wait_text(Duration::from_secs(10), "[exit 0]");
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_big_paste_is_one_edit_and_nothing_of_it_is_lost() {
    let lab = Lab::get();
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let name = unique("paste");
    let file = dir.path().join(format!("{name}.yml"));
    std::fs::write(&file, STACK).unwrap();
    let t = start_in(dir.path(), state.path(), &lab.manager(), &[]);
    edit(&t, &format!("{name}.yml"));
    t.wait_text(Duration::from_secs(10), "ok: the file is valid");
    t.send(&["M->", "End", "Enter"]);
    // 20 KB of environment, pasted at once (before: over 5 minutes, 1,024 bytes per key)
    let mut pasted = String::from("    environment:\n");
    let mut i = 0;
    while pasted.len() < 20_000 {
        pasted.push_str(&format!(
            "      VAR_{i:04}: value-{i:04}-xxxxxxxxxxxxxxxxxxxx\n"
        ));
        i += 1;
    }
    let pasted = pasted.trim_end();
    let last = format!("VAR_{:04}: value-{:04}", i - 1, i - 1);
    t.paste(pasted);
    t.wait_text(Duration::from_secs(30), &last);
    t.wait_text(Duration::from_secs(30), "ok: the file is valid");
    // one edit: one undo takes the whole paste back (typed as keys, it would take one
    // character)
    t.send(&["C-u"]);
    t.wait_for(Duration::from_secs(10), "the paste undone", |s| {
        !s.contains("environment:") && !s.contains("VAR_")
    });
    t.paste(pasted);
    t.wait_text(Duration::from_secs(30), &last);
    t.send(&["C-s"]);
    t.wait_text(Duration::from_secs(10), "saved ");
    let on_disk = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        on_disk,
        format!("{STACK}{pasted}\n"),
        "the whole paste, as pasted"
    );
    t.send(&["Escape", "q"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_service_create_the_engine_refuses_keeps_the_form_as_typed() {
    let lab = Lab::get();
    let taken = unique("taken");
    let ours = unique("ours");
    // a port another service publishes already
    let port = 18000 + (std::process::id() % 1000) as u16;
    lab.docker_ok(&[
        "service",
        "create",
        "--detach",
        "--name",
        &taken,
        "--publish",
        &format!("{port}:80"),
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    struct Rm<'a>(&'a Lab, String);
    impl Drop for Rm<'_> {
        fn drop(&mut self) {
            let _ = self.0.docker(&["service", "rm", &self.1]);
        }
    }
    let _rm = Rm(&lab, taken.clone());
    let t = start_on(&lab, 120, 40);
    t.send(&["2", "n"]);
    t.wait_text(Duration::from_secs(10), "new service");
    t.type_text(&ours);
    t.send(&["Tab"]);
    t.type_text(&lab.image(1));
    t.send(&["Tab", "Tab", "Tab", "Tab", "Tab"]);
    t.type_text(&format!("{port}:80"));
    t.send(&["C-s"]);
    t.wait_text(Duration::from_secs(10), &format!("Create service {ours}"));
    t.send(&["y"]);
    // the engine says no; the form is back with what was typed and why, in place
    let screen = t.wait_text(Duration::from_secs(20), "already in use");
    assert!(screen.contains(&ours), "{screen}");
    assert!(screen.contains(&lab.image(1)), "{screen}");
    assert!(screen.contains(&format!("{port}:80")), "{screen}");
    assert!(screen.contains("new service"), "the form is open: {screen}");
    t.send(&["Escape", "q"]);
    let ls = lab.docker_ok(&["service", "ls", "--format", "{{.Name}}"]);
    assert!(!ls.lines().any(|l| l == ours), "{ls}");
}

/// The autosave files in a state directory.
fn autosaves(state: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(state.join("swarmtop").join("editor"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with(".autosave.json"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn autosaves_are_private_never_deleted_by_esc_and_restore_to_their_file() {
    use std::os::unix::fs::PermissionsExt;
    let lab = Lab::get();
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let name = unique("auto");
    let file = dir.path().join(format!("{name}.yml"));
    std::fs::write(&file, STACK).unwrap();
    let a = start_in(dir.path(), state.path(), &lab.manager(), &[]);
    edit(&a, &format!("{name}.yml"));
    a.wait_text(Duration::from_secs(10), "ok: the file is valid");
    a.send(&["M->", "End", "Enter"]);
    a.type_text("# typed in session A");
    let found = eventually(Duration::from_secs(10), "session A's autosave", || {
        autosaves(state.path()).into_iter().next()
    });
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&found), 0o600);
    assert_eq!(mode(found.parent().unwrap()), 0o700);

    // a second session while A still runs: A's autosave is not taken for a crash
    let b = start_in(dir.path(), state.path(), &lab.manager(), &[]);
    std::thread::sleep(Duration::from_secs(1));
    let screen = b.capture();
    assert!(!screen.contains("unsaved stack edit found"), "{screen}");
    b.send(&["q"]);
    drop(b);

    // A's terminal goes away
    let pid = a.program_pid().expect("swarmtop's pid");
    assert!(
        Command::new("kill")
            .args(["-HUP", &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
    a.wait_text(Duration::from_secs(10), "[exit");
    drop(a);

    // offered at the next start; Esc is "not now": nothing deleted, offered again
    let c = start_in(dir.path(), state.path(), &lab.manager(), &[]);
    c.wait_text(Duration::from_secs(10), "unsaved stack edit found");
    c.send(&["Escape"]);
    c.wait_for(Duration::from_secs(5), "the offer closed", |s| {
        !s.contains("unsaved stack edit found")
    });
    assert_eq!(autosaves(state.path()), vec![found.clone()]);
    c.send(&["q"]);
    drop(c);
    let d = start_in(dir.path(), state.path(), &lab.manager(), &[]);
    let screen = d.wait_text(Duration::from_secs(10), "unsaved stack edit found");
    assert!(
        screen.contains(&format!("{name}.yml")),
        "names its file: {screen}"
    );
    // restored with its file: saved back where it came from
    d.send(&["y"]);
    d.wait_text(Duration::from_secs(10), "# typed in session A");
    d.send(&["C-s"]);
    d.wait_text(Duration::from_secs(10), "saved ");
    let on_disk = std::fs::read_to_string(&file).unwrap();
    assert!(on_disk.contains("# typed in session A"), "{on_disk}");
    d.send(&["Escape"]);
    d.wait_for(Duration::from_secs(10), "the editor closed", |s| {
        !s.contains(&format!("stack {name}"))
    });
    d.send(&["q"]);
    eventually(
        Duration::from_secs(10),
        "the autosave gone once saved and closed",
        || autosaves(state.path()).is_empty().then_some(()),
    );
}

/// The process holding the FIFO open for reading; ended with the test, whatever happens.
struct Reader(std::process::Child);

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// swarmtop whose UI task is stuck: its `--log-file` is a FIFO whose reader never reads, the
/// pipe already full, so the first line it logs (once the screen is set up) never returns.
/// Returns the pane and what keeps the pipe in that state.
fn stuck_on_a_full_pipe(lab: &Lab, dir: &std::path::Path) -> (Tmux, Reader, std::fs::File) {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let fifo = dir.join("log.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // a reader that never reads
    let reader = Reader(
        Command::new("sh")
            .arg("-c")
            .arg(format!("exec sleep 600 < '{}'", fifo.display()))
            .spawn()
            .unwrap(),
    );
    let mut writer = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo);
    // the reader's open may not have happened yet
    while let Err(e) = &writer {
        assert_eq!(e.raw_os_error(), Some(libc::ENXIO), "{e}");
        std::thread::sleep(Duration::from_millis(50));
        writer = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo);
    }
    let mut writer = writer.unwrap();
    // fill the pipe
    while writer.write(&[b'#'; 4096]).is_ok() {}
    // the pane's shell survives a ctrl-c (it is in the same process group) to print the status
    let t = Tmux::start(
        &format!(
            "trap true INT; {} --host {} --log-file {}",
            swarmtop_bin().display(),
            lab.manager(),
            fifo.display()
        ),
        100,
        30,
        &[],
    );
    // the TUI is up: the next thing it does is log a line, and that never returns
    eventually(Duration::from_secs(30), "the TUI up", || {
        t.alternate_screen().then_some(())
    });
    (t, reader, writer)
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_stuck_ui_still_ends_on_sigterm_and_ctrl_c_with_128_plus_the_signal() {
    let lab = Lab::get();
    let dir = tempfile::tempdir().unwrap();
    let (t, _reader, _w) = stuck_on_a_full_pipe(&lab, dir.path());
    let pid = eventually(Duration::from_secs(10), "swarmtop running", || {
        t.program_pid()
    });
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
    let screen = t.wait_text(Duration::from_secs(30), "[exit ");
    assert!(screen.contains("[exit 143]"), "{screen}");
    drop(t);

    // ctrl-c: the TUI reads no keys while stuck; the watchdog gives ctrl-c back to the terminal
    let dir = tempfile::tempdir().unwrap();
    let (t, _reader, _w) = stuck_on_a_full_pipe(&lab, dir.path());
    let pid = eventually(Duration::from_secs(10), "swarmtop running", || {
        t.program_pid()
    });
    // ctrl-c is sent again until swarmtop is gone, never after: a late one would end the
    // pane's trailing sleep (and the pane) before its last words are read
    let alive = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|st| st.contains("(swarmtop)") && !st.contains(") Z "))
    };
    let screen = t.wait_for(Duration::from_secs(30), "exit after ctrl-c", |s| {
        if s.contains("[exit ") {
            return true;
        }
        if alive() {
            t.send(&["C-c"]);
            std::thread::sleep(Duration::from_millis(300));
        }
        false
    });
    assert!(screen.contains("[exit 130]"), "{screen}");
}
