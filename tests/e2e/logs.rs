//! Issue 4: merged service logs through a rolling update, search, save; the events timeline.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::common::*;

struct RemoveService<'a>(&'a Lab, String);
impl Drop for RemoveService<'_> {
    fn drop(&mut self) {
        let _ = self.0.docker(&["service", "rm", &self.1]);
    }
}

/// What the docker CLI printed on stdout and stderr (it writes a service's stderr lines there).
fn both_streams(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Lines of the saved file as (container hostname, n).
fn numbered(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .filter_map(|l| {
            let i = l.find("host=")?;
            let rest = &l[i + 5..];
            let (host, rest) = rest.split_once(' ')?;
            let n = rest.strip_prefix("n=")?.trim().parse().ok()?;
            Some((host.to_string(), n))
        })
        .collect()
}

/// How many numbered lines each container of the logs test writes.
const LAST: u64 = 100;

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn merged_logs_survive_a_rolling_update_and_save_exactly_what_was_loaded() {
    let lab = Lab::get();
    let svc = unique("logs");
    let _rm = RemoveService(&lab, svc.clone());
    let img1 = lab.image(1);
    // numbered lines on stdout and stderr in turn: the engine stamps the two streams apart and
    // can write a line stamped before the one above it, which must not be taken for a repeat.
    // Each container writes LAST lines, then stays up quiet: the save below comes after the
    // writing, as a save while two streams write can hold one line of a pair and not yet the other.
    let script = format!(
        "i=0; while [ $i -lt {pairs} ]; do i=$((i+1)); echo \"host=$(hostname) n=$((2*i-1))\"; \
         echo \"host=$(hostname) n=$((2*i))\" >&2; \
         if [ $i = 5 ]; then echo NEEDLE-in-the-haystack >&2; fi; sleep 0.3; done; sleep 3600",
        pairs = LAST / 2
    );
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &svc,
        "--replicas",
        "3",
        "--stop-grace-period",
        "1s",
        &img1,
        "sh",
        "-c",
        &script,
    ]);
    eventually(Duration::from_secs(60), "3 tasks running", || {
        let ps = lab.docker_ok(&[
            "service",
            "ps",
            &svc,
            "--filter",
            "desired-state=running",
            "--format",
            "{{.CurrentState}}",
        ]);
        (ps.lines().filter(|l| l.starts_with("Running")).count() == 3).then_some(())
    });

    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(
        &format!(
            "cd {} && {} --host {}",
            dir.path().display(),
            swarmtop_bin().display(),
            lab.manager()
        ),
        120,
        30,
        &[],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    t.send(&["2", "/"]);
    t.type_text(&svc);
    t.send(&["Enter", "l"]);
    // lines from all three tasks, each labelled with its task and node
    let screen = t.wait_for(Duration::from_secs(30), "lines of the three tasks", |s| {
        (1..=3).all(|slot| s.contains(&format!("{svc}.{slot}@node")))
    });
    assert!(screen.contains("host="), "{screen}");

    // roll the service to :2 in the middle of streaming
    lab.docker_ok(&[
        "service",
        "update",
        "-d",
        "--no-resolve-image",
        "--image",
        &lab.image(2),
        "--update-parallelism",
        "1",
        "--update-delay",
        "0s",
        &svc,
    ]);
    eventually(Duration::from_secs(120), "update completed", || {
        let st = lab.docker_ok(&[
            "service",
            "inspect",
            &svc,
            "--format",
            "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}",
        ]);
        (st.trim() == "completed").then_some(())
    });
    eventually(
        Duration::from_secs(90),
        "the running containers wrote every line",
        || {
            let ids = lab.docker_ok(&[
                "service",
                "ps",
                "-q",
                "--filter",
                "desired-state=running",
                &svc,
            ]);
            let mut args = vec![
                "inspect",
                "--format",
                "{{.Status.ContainerStatus.ContainerID}}",
            ];
            args.extend(ids.split_whitespace());
            let hosts: Vec<String> = lab
                .docker_ok(&args)
                .lines()
                .map(|c| c.chars().take(12).collect())
                .collect();
            let out = lab.docker(&["service", "logs", "--raw", &svc]);
            let done = numbered(&both_streams(&out));
            (hosts.len() == 3
                && hosts
                    .iter()
                    .all(|h| done.iter().any(|(dh, n)| dh == h && *n == LAST)))
            .then_some(())
        },
    );
    std::thread::sleep(Duration::from_secs(2));

    // search finds the planted line
    t.send(&["/"]);
    t.type_text("NEEDLE-in");
    t.send(&["Enter"]);
    let screen = t.wait_text(Duration::from_secs(10), "/NEEDLE-in/");
    assert!(screen.contains("NEEDLE-in-the-haystack"), "{screen}");
    assert!(screen.contains("follow PAUSED"), "{screen}");

    // save what is loaded
    t.send(&["C-s"]);
    t.wait_text(Duration::from_secs(5), "save loaded lines to:");
    t.send(&["C-u"]);
    for _ in 0..80 {
        t.send(&["BSpace"]);
    }
    t.type_text("saved.log");
    t.send(&["Enter"]);
    let screen = t.wait_text(Duration::from_secs(10), "lines to saved.log");
    let saved = std::fs::read_to_string(dir.path().join("saved.log")).unwrap();
    let reported: usize = screen
        .split("saved ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("saved N lines");
    assert_eq!(
        saved.lines().count(),
        reported,
        "the file holds exactly the loaded lines"
    );

    // saving again to the same name asks before overwriting
    t.send(&["C-s"]);
    t.wait_text(Duration::from_secs(5), "save loaded lines to:");
    for _ in 0..80 {
        t.send(&["BSpace"]);
    }
    t.type_text("saved.log");
    t.send(&["Enter"]);
    t.wait_text(Duration::from_secs(5), "saved.log exists: overwrite it?");
    t.send(&["n", "Escape"]);

    // no line number lost or doubled for any container, across the update
    let ours = numbered(&saved);
    let mut per_host: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (h, n) in &ours {
        per_host.entry(h.clone()).or_default().push(*n);
    }
    assert!(
        per_host.len() >= 6,
        "3 old and 3 new containers: {:?}",
        per_host.keys()
    );
    for (h, ns) in &per_host {
        let mut sorted = ns.clone();
        sorted.sort();
        let uniq: BTreeSet<u64> = sorted.iter().copied().collect();
        assert_eq!(uniq.len(), sorted.len(), "{h}: a line is doubled");
        let (lo, hi) = (sorted[0], sorted[sorted.len() - 1]);
        if (hi - lo + 1) as usize != sorted.len() {
            let missing: Vec<u64> = (lo..=hi).filter(|n| !uniq.contains(n)).collect();
            // say whether the engine still has the line, to tell our loss from the stream's
            let out = lab.docker(&["service", "logs", "--raw", "--timestamps", &svc]);
            let cli = both_streams(&out);
            let near: Vec<&str> = cli
                .lines()
                .filter(|l| l.contains(&format!("host={h} ")))
                .collect();
            let markers: Vec<&str> = saved.lines().filter(|l| l.contains("—")).collect();
            panic!(
                "{h}: lines {missing:?} are missing between {lo} and {hi}\n\
                 docker service logs for that container:\n{}\nmarkers in the saved file: {markers:?}",
                near.join("\n")
            );
        }
    }

    // the same lines as `docker service logs` for the same window
    let out = lab.docker(&["service", "logs", "--raw", &svc]);
    let theirs: BTreeSet<(String, u64)> = numbered(&both_streams(&out)).into_iter().collect();
    for (h, ns) in &per_host {
        let (lo, hi) = (*ns.iter().min().unwrap(), *ns.iter().max().unwrap());
        let want: BTreeSet<u64> = theirs
            .iter()
            .filter(|(th, n)| th == h && *n >= lo && *n <= hi)
            .map(|(_, n)| *n)
            .collect();
        let got: BTreeSet<u64> = ns.iter().copied().collect();
        assert_eq!(got, want, "{h}: swarmtop and docker service logs disagree");
    }
    t.send(&["q"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn events_pane_tells_what_changed() {
    let lab = Lab::get();
    let svc = unique("ev");
    let sec = unique("evsec");
    let _rm = RemoveService(&lab, svc.clone());
    let t = Tmux::start(
        &format!("{} --host {}", swarmtop_bin().display(), lab.manager()),
        140,
        40,
        &[],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    t.send(&[":"]);
    t.type_text("events");
    t.send(&["Enter"]);
    t.wait_text(Duration::from_secs(5), "events (");

    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &svc,
        "--replicas",
        "1",
        "--stop-grace-period",
        "1s",
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    lab.docker_ok(&["service", "scale", "-d", &format!("{svc}=2")]);
    lab.docker_ok(&[
        "service",
        "update",
        "-d",
        "--no-resolve-image",
        "--image",
        &lab.image(2),
        &svc,
    ]);
    lab.docker_ok(&["node", "update", "--availability", "drain", "node2"]);
    lab.docker_ok(&["node", "update", "--availability", "active", "node2"]);
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s");
    std::fs::write(&f, "v").unwrap();
    lab.docker_ok(&["secret", "create", &sec, f.to_str().unwrap()]);
    let img1 = lab.var("LAB_IMAGE");
    let screen = t.wait_for(Duration::from_secs(30), "every change in words", |s| {
        s.contains(&format!("service {svc} created"))
            && s.contains(&format!("service {svc} updated: replicas 1 → 2"))
            // only the tag moved: the new one is written as the tag alone
            && s.contains(&format!("image {img1}:1 → :2"))
            && s.contains("node node2 availability active → drain")
            && s.contains("node node2 availability drain → active")
            && s.contains(&format!("secret {sec} created"))
    });
    // newest first
    let drain_back = screen.find("drain → active").unwrap();
    let drain = screen.find("active → drain").unwrap();
    assert!(drain_back < drain, "newest first:\n{screen}");
    let _ = lab.docker(&["secret", "rm", &sec]);
    t.send(&["q"]);
}
