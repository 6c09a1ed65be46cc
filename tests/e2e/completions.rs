//! The shell completion scripts and the man page: the committed files are what the command
//! line's definition generates, and the shells really complete with them (options, the docker
//! CLI's contexts after `--context`, the swarm's names after `stack rm` and the like).

use std::path::{Path, PathBuf};
use std::process::Command;

use std::time::Duration;

use crate::common::{Lab, Tmux, docker_cli, run, swarmtop_bin, unique};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// PATH with the swarmtop under test first: the scripts call `swarmtop __complete`.
fn path_with_swarmtop() -> String {
    let bin = swarmtop_bin();
    format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn committed_completions_and_man_page_are_current() {
    for (args, file) in [
        (&["completions", "bash"][..], "completions/swarmtop.bash"),
        (&["completions", "zsh"], "completions/_swarmtop"),
        (&["completions", "fish"], "completions/swarmtop.fish"),
        (&["man"], "man/swarmtop.1"),
    ] {
        let (ok, out, err) = run(Command::new(swarmtop_bin()).args(args));
        assert!(ok, "swarmtop {args:?}: {err}");
        let committed = std::fs::read_to_string(repo(file)).unwrap_or_default();
        assert!(
            committed == out,
            "{file} is not what `swarmtop {}` prints now: run scripts/refresh-completions.sh",
            args.join(" ")
        );
    }
    // a page for each subcommand, the ones the top page refers to
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(Command::new(swarmtop_bin())
        .args(["man", "--dir"])
        .arg(dir.path()));
    assert!(ok, "swarmtop man --dir: {err}");
    let pages = |d: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".1"))
            .collect();
        names.sort();
        names
    };
    let generated = pages(dir.path());
    assert!(
        generated.contains(&"swarmtop-stack-deploy.1".to_string()),
        "{generated:?}"
    );
    assert_eq!(
        pages(&repo("man")),
        generated,
        "man/ has other pages than `swarmtop man --dir` writes: run scripts/refresh-completions.sh"
    );
    for page in &generated {
        let want = std::fs::read_to_string(dir.path().join(page)).unwrap();
        let committed = std::fs::read_to_string(repo("man").join(page)).unwrap();
        assert!(
            committed == want,
            "man/{page} is out of date: run scripts/refresh-completions.sh"
        );
    }
    let top = std::fs::read_to_string(repo("man/swarmtop.1")).unwrap();
    assert!(
        top.contains("swarmtop\\-stack(1)"),
        "the top page names the others"
    );
}

/// A docker config directory with contexts the docker CLI itself created.
fn docker_config_with(contexts: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, host) in contexts {
        let (ok, _, err) = run(Command::new(docker_cli())
            .env("DOCKER_CONFIG", dir.path())
            .args(["context", "create", name, "--docker"])
            .arg(format!("host={host}")));
        assert!(ok, "docker context create {name}: {err}");
    }
    dir
}

/// What bash's completion of `words` (the last one being typed) offers, with
/// completions/swarmtop.bash sourced as a user's shell would.
fn bash_complete(config: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
        .collect();
    let script = format!(
        r#"source "{file}"
COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}
# the function complete -p names, called as bash calls it: command, word, previous word
f=$(complete -p swarmtop | sed -E 's/.* -F ([^ ]+) .*/\1/')
"$f" swarmtop "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        file = repo("completions/swarmtop.bash").display(),
        words = quoted.join(" "),
    );
    let (ok, out, err) = run(Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .env("PATH", path_with_swarmtop())
        .env("DOCKER_CONFIG", config)
        .current_dir(repo("tests/stacks")));
    assert!(ok, "bash completion of {words:?}: {err}");
    out.lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_options_and_docker_contexts() {
    let cfg = docker_config_with(&[
        ("lab-a", "unix:///nonexistent-a.sock"),
        ("prod-eu", "tcp://127.0.0.1:1"),
    ]);
    let c = cfg.path();
    assert_eq!(bash_complete(c, &["swarmtop", "--con"]), ["--context"]);
    assert_eq!(
        bash_complete(c, &["swarmtop", "--context", ""]),
        ["default", "lab-a", "prod-eu"]
    );
    assert_eq!(bash_complete(c, &["swarmtop", "-c", "pr"]), ["prod-eu"]);
    // --context=la: bash splits the word at '='
    assert_eq!(
        bash_complete(c, &["swarmtop", "--context", "=", "la"]),
        ["lab-a"]
    );
    assert_eq!(bash_complete(c, &["swarmtop", "sta"]), ["stack"]);
    assert_eq!(
        bash_complete(c, &["swarmtop", "stack", "d"]),
        ["deploy"],
        "the subcommands of stack"
    );
    // -c after `stack deploy` is the compose file: files, not contexts
    let files = bash_complete(c, &["swarmtop", "stack", "deploy", "-c", ""]);
    assert!(!files.contains(&"prod-eu".to_string()), "{files:?}");
    assert!(!files.is_empty(), "the files of the directory: {files:?}");
}

#[test]
fn zsh_and_fish_read_their_scripts_and_fish_completes_contexts() {
    let cfg = docker_config_with(&[("lab-a", "unix:///nonexistent-a.sock")]);
    let (ok, _, err) = run(Command::new("zsh")
        .arg("-n")
        .arg(repo("completions/_swarmtop")));
    assert!(
        ok,
        "zsh -n completions/_swarmtop (is zsh installed?): {err}"
    );
    let script = format!(
        "source {}; complete -C 'swarmtop --context '; complete -C 'swarmtop --cont'",
        repo("completions/swarmtop.fish").display()
    );
    let (ok, out, err) = run(Command::new("fish")
        .args(["--no-config", "-c", &script])
        .env("PATH", path_with_swarmtop())
        .env("DOCKER_CONFIG", cfg.path()));
    assert!(ok, "fish (is fish installed?): {err}");
    let lines: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(lines, ["default", "lab-a", "--context"], "{out}");
}

/// zsh, as a person uses it: completions/ in $fpath, compinit, Tab; the contexts are offered
/// after the first Tab too (the autoloaded file redefines the function zsh calls).
#[test]
fn zsh_completes_contexts_at_every_tab() {
    let cfg = docker_config_with(&[("lab-a", "unix:///nonexistent-a.sock")]);
    let t = Tmux::start(
        "zsh -f",
        100,
        20,
        &[
            ("PATH", path_with_swarmtop()),
            ("DOCKER_CONFIG", cfg.path().display().to_string()),
        ],
    );
    t.type_text(&format!(
        "fpath=({} $fpath); autoload -U compinit; compinit -u; clear\n",
        repo("completions").display()
    ));
    t.type_text("swarmtop sn");
    t.send(&["Tab"]);
    t.wait_text(Duration::from_secs(20), "swarmtop snapshot");
    t.send(&["C-u"]);
    t.type_text("swarmtop --context la");
    t.send(&["Tab"]);
    t.wait_text(Duration::from_secs(20), "swarmtop --context lab-a");
    t.send(&["C-u"]);
    t.type_text("swarmtop --context=la");
    t.send(&["Tab"]);
    t.wait_text(Duration::from_secs(20), "swarmtop --context=lab-a");
}

/// The swarm's names where the docker CLI completes them, asked of the lab with the
/// connection options typed on the line; and through `docker swarmtop` (cobra's protocol).
#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn bash_and_docker_complete_the_swarms_names() {
    let lab = Lab::get();
    let cfg = docker_config_with(&[("lab", &lab.manager())]);
    let c = cfg.path();
    let stack = unique("cst");
    let svc = format!("{stack}_web");
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--name",
        &svc,
        "--label",
        &format!("com.docker.stack.namespace={stack}"),
        &lab.image(1),
        "sleep",
        "1d",
    ]);
    let _cleanup = scopeguard(&lab, &svc);

    let stacks = bash_complete(c, &["swarmtop", "--context", "lab", "stack", "rm", ""]);
    assert!(stacks.contains(&stack), "{stacks:?}");
    let services = bash_complete(
        c,
        &[
            "swarmtop",
            "-H",
            &lab.manager(),
            "service",
            "update",
            "--image",
            "x",
            "",
        ],
    );
    assert!(services.contains(&svc), "{services:?}");
    let nodes = bash_complete(
        c,
        &["swarmtop", "--context", "lab", "node", "drain", "node"],
    );
    assert_eq!(nodes, ["node1", "node2", "node3"]);
    // the same names as the docker CLI lists
    let want: Vec<String> = lab
        .docker_ok(&["node", "ls", "--format", "{{.Hostname}}"])
        .lines()
        .map(str::to_string)
        .collect();
    let mut want = want;
    want.sort();
    assert_eq!(nodes, want);

    // `docker swarmtop stack rm <TAB>`: docker asks the plugin with cobra's __complete
    let plugins = c.join("cli-plugins");
    let (ok, _, err) = run(Command::new(swarmtop_bin())
        .args(["install-plugin", "--dir"])
        .arg(&plugins));
    assert!(ok, "{err}");
    let (ok, out, err) = run(Command::new(docker_cli())
        .env("DOCKER_CONFIG", c)
        .env("DOCKER_CONTEXT", "lab")
        .args(["__complete", "swarmtop", "stack", "rm", ""]));
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.contains(&stack.as_str()), "{out}");
    assert_eq!(lines.last(), Some(&":4"), "no file completion: {out}");
    let (ok, out, err) = run(Command::new(docker_cli()).env("DOCKER_CONFIG", c).args([
        "__complete",
        "swarmtop",
        "--context",
        "",
    ]));
    assert!(ok, "{err}");
    assert!(out.lines().any(|l| l == "lab"), "{out}");
}

struct RemoveService<'a>(&'a Lab, String);

impl Drop for RemoveService<'_> {
    fn drop(&mut self) {
        let _ = self.0.docker(&["service", "rm", &self.1]);
    }
}

fn scopeguard<'a>(lab: &'a Lab, svc: &str) -> RemoveService<'a> {
    RemoveService(lab, svc.to_string())
}
