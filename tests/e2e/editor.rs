//! Issue 6 in the TUI: a stack file edited, planned and deployed from the editor matches
//! `docker stack deploy` of the same file; the deployed file comes back with `e`; an edit cut
//! off by a dropped session (SIGHUP) is offered back at the next start; a file changed on disk
//! meanwhile is not overwritten without asking; Enter keeps the indentation of the line above.

use std::process::Command;
use std::time::Duration;

use crate::common::*;
use crate::stacks::{Cleanup, assert_same, stack_state};

fn compose(lab: &Lab) -> String {
    format!(
        "version: \"3.8\"\nservices:\n  web:\n    image: {}\n    command: [\"sleep\", \"3600\"]\n    stop_grace_period: 1s\n    environment:\n      MODE: editor\n    deploy:\n      replicas: 2\n      labels:\n        team: ops\n      update_config:\n        parallelism: 1\n        delay: 1s\n  worker:\n    image: {}\n    command: [\"sleep\", \"3600\"]\n    stop_grace_period: 1s\n    networks: [back]\nnetworks:\n  back:\n    driver: overlay\n    attachable: true\n",
        lab.image(1),
        lab.image(2)
    )
}

fn start(lab: &Lab, dir: &std::path::Path, state: &std::path::Path) -> Tmux {
    let t = Tmux::start(
        &format!(
            "cd {} && {} --host {}",
            dir.display(),
            swarmtop_bin().display(),
            lab.manager()
        ),
        120,
        36,
        &[("XDG_STATE_HOME", state.display().to_string())],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    t
}

/// swarmtop started in a fresh folder holding `NAME.yml` (the compose file above), with that
/// file opened in the editor (`:edit NAME.yml`).
struct Editing {
    t: Tmux,
    dir: tempfile::TempDir,
    state: tempfile::TempDir,
    file: std::path::PathBuf,
}

fn edit_a_copy(lab: &Lab, name: &str) -> Editing {
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.yml"));
    std::fs::write(&file, compose(lab)).unwrap();
    let t = start(lab, dir.path(), state.path());
    t.send(&[":"]);
    t.type_text(&format!("edit {name}.yml"));
    t.send(&["Enter"]);
    t.wait_text(Duration::from_secs(10), &format!("stack {name}"));
    Editing {
        t,
        dir,
        state,
        file,
    }
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_stack_deployed_from_the_editor_matches_docker_stack_deploy() {
    let lab = Lab::get();
    let ours = unique("ed");
    let theirs = unique("cli");
    let mut cleanup = Cleanup {
        lab: &lab,
        stacks: vec![ours.clone(), theirs.clone()],
        networks: Vec::new(),
        secrets: Vec::new(),
    };
    // bound, not `..`: the folders live as long as the test
    let Editing {
        t,
        dir,
        state: _state,
        file,
    } = edit_a_copy(&lab, &ours);
    t.wait_text(Duration::from_secs(5), "ok: the file is valid");
    // the plan says what would be created
    t.send(&["C-p"]);
    let screen = t.wait_text(Duration::from_secs(20), &format!("{ours}_web"));
    assert!(screen.contains("create"), "{screen}");
    t.send(&["Escape"]);
    // deploy: plan, confirm, done
    t.send(&["C-g"]);
    t.wait_text(Duration::from_secs(20), "deploy?");
    t.send(&["y"]);
    eventually(
        Duration::from_secs(30),
        "the stack's services exist",
        || {
            let out = lab.docker_ok(&["stack", "services", &ours, "--format", "{{.Name}}"]);
            (out.lines().count() == 2).then_some(())
        },
    );

    // the same file through the docker CLI, under another name
    let out = Command::new(docker_cli())
        .current_dir(dir.path())
        .args([
            "-H",
            &lab.manager(),
            "stack",
            "deploy",
            "--resolve-image",
            "never",
            "-c",
        ])
        .arg(&file)
        .arg(&theirs)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli = stack_state(&lab, &theirs, &[]);
    let tui = stack_state(&lab, &ours, &[]);
    assert_same(&cli, &tui, "stack deployed from the TUI editor");

    // leave the editor; `e` on the stack brings back the file as deployed
    t.send(&["Escape"]);
    t.send(&["4"]);
    t.wait_text(Duration::from_secs(10), &ours);
    t.send(&["/"]);
    t.type_text(&ours);
    t.send(&["Enter", "e"]);
    // the title can be on screen before the rest of the frame (a capture taken while the
    // terminal is still drawing it): wait for the file's text too
    t.wait_for(
        Duration::from_secs(20),
        "the stored file, whole, in the editor",
        |s| s.contains("as deployed (stored in the swarm)") && s.contains("MODE: editor"),
    );
    t.send(&["Escape"]);
    // and for the CLI's stack, a file rebuilt from the live specs, said so
    t.send(&["Escape", "Escape", "/"]);
    t.type_text(&theirs);
    t.send(&["Enter", "e"]);
    t.wait_text(Duration::from_secs(20), "RECONSTRUCTED");
    t.send(&["Escape"]);
    // ctrl-d removes a stack, after naming what goes
    t.send(&["Escape", "/"]);
    t.type_text(&ours);
    t.send(&["Enter", "C-d"]);
    t.wait_text(Duration::from_secs(5), &format!("Remove stack {ours}?"));
    t.send(&["y"]);
    eventually(
        Duration::from_secs(30),
        "the stack gone from docker stack ls",
        || {
            let ls = lab.docker_ok(&["stack", "ls", "--format", "{{.Name}}"]);
            (!ls.lines().any(|l| l == ours)).then_some(())
        },
    );
    t.send(&["q"]);
    cleanup.stacks.sort();
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn an_edit_cut_off_by_sighup_is_offered_back() {
    let lab = Lab::get();
    let name = unique("hup");
    let Editing {
        t,
        dir,
        state,
        file,
    } = edit_a_copy(&lab, &name);
    t.send(&["Enter", "Up"]);
    t.type_text("# typed just before the ssh session died");
    // everything typed is on screen (and so autosaved) before the session drops
    t.wait_text(
        Duration::from_secs(5),
        "# typed just before the ssh session died",
    );
    // the session drops: SIGHUP to swarmtop
    let pid = t.program_pid().expect("swarmtop's pid");
    let st = Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    t.wait_text(Duration::from_secs(10), "[exit");
    let left = std::fs::read_to_string(&file).unwrap();
    assert!(
        !left.contains("typed just before"),
        "the file itself was not saved"
    );
    drop(t);

    // the next start offers the text back
    let t = start(&lab, dir.path(), state.path());
    t.wait_text(Duration::from_secs(10), "unsaved stack edit found");
    t.send(&["y"]);
    let screen = t.wait_text(Duration::from_secs(10), "restored from");
    assert!(
        screen.contains("typed just before the ssh session died"),
        "{screen}"
    );
    t.send(&["Escape", "d", "q"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_file_changed_on_disk_is_not_overwritten_without_asking() {
    let lab = Lab::get();
    let name = unique("both");
    let Editing {
        t,
        file,
        dir: _dir,
        state: _state,
    } = edit_a_copy(&lab, &name);
    t.send(&["Enter", "Up"]);
    t.type_text("# mine");
    t.wait_text(Duration::from_secs(5), "# mine");

    // a colleague changes the file meanwhile
    let theirs = format!("# theirs\n{}", compose(&lab));
    std::fs::write(&file, &theirs).unwrap();
    t.send(&["C-s"]);
    t.wait_text(Duration::from_secs(10), "changed by someone else");
    t.send(&["n"]);
    let screen = t.wait_text(Duration::from_secs(5), "not saved");
    assert!(screen.contains("# mine"), "the text stays: {screen}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), theirs);

    // save and leave, answering y: written, and the editor closes
    t.send(&["Escape"]);
    t.wait_text(Duration::from_secs(5), "s save and leave");
    t.send(&["s"]);
    t.wait_text(Duration::from_secs(10), "changed by someone else");
    t.send(&["y"]);
    t.wait_for(Duration::from_secs(10), "the editor to close", |s| {
        !s.contains(&format!("stack {name} "))
    });
    let now = std::fs::read_to_string(&file).unwrap();
    assert!(now.contains("# mine") && !now.contains("# theirs"), "{now}");
    t.send(&["q"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn typed_lines_keep_the_indentation_of_the_line_above() {
    let lab = Lab::get();
    let name = unique("indent");
    let Editing {
        t,
        file,
        dir: _dir,
        state: _state,
    } = edit_a_copy(&lab, &name);
    // to the end of `    environment:` (the 7th line), then two lines typed without spaces
    t.send(&["M-<"]);
    for _ in 0..6 {
        t.send(&["Down"]);
    }
    t.send(&["End", "Enter"]);
    t.type_text("LEVEL: debug");
    t.send(&["Enter"]);
    t.type_text("TIER: edge");
    t.wait_text(Duration::from_secs(5), "TIER: edge");
    t.send(&["C-s"]);
    t.wait_text(Duration::from_secs(10), "saved");
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(
        saved.contains(
            "    environment:\n      LEVEL: debug\n      TIER: edge\n      MODE: editor\n"
        ),
        "{saved}"
    );
    t.send(&["Escape"]);
    t.send(&["q"]);
}
