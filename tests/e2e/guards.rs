//! Issue 15, guard rails: names resolve as the docker CLI resolves them, read-only holds on every
//! write path, every write from the TUI asks first, label edits change only what was edited. The
//! docker CLI is the judge of what changed.

use crate::common::*;

/// Removes the service when the test ends, however it ends.
struct Service<'a>(&'a Lab, String);
impl Drop for Service<'_> {
    fn drop(&mut self) {
        let _ = self.0.docker(&["service", "rm", &self.1]);
    }
}

fn service<'a>(lab: &'a Lab, prefix: &str, replicas: u32) -> Service<'a> {
    let name = unique(prefix);
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &name,
        "--replicas",
        &replicas.to_string(),
        "--stop-grace-period",
        "1s",
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    Service(lab, name)
}

fn replicas(lab: &Lab, svc: &str) -> String {
    lab.docker_ok(&[
        "service",
        "inspect",
        svc,
        "--format",
        "{{.Spec.Mode.Replicated.Replicas}}",
    ])
    .trim()
    .to_string()
}

fn availabilities(lab: &Lab) -> String {
    lab.docker_ok(&["node", "ls", "--format", "{{.Hostname}} {{.Availability}}"])
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn an_empty_or_ambiguous_name_changes_nothing() {
    let lab = Lab::get();
    let svc = service(&lab, "gn", 2);
    let nodes_before = availabilities(&lab);
    let (ok, _, err) = run(lab
        .swarmtop()
        .args(["-H", &lab.manager(), "service", "scale", "=0"]));
    assert!(!ok);
    assert!(err.contains("empty service name in \"=0\""), "{err}");
    let (ok, _, err) = run(lab
        .swarmtop()
        .args(["-H", &lab.manager(), "node", "drain", ""]));
    assert!(!ok);
    assert!(err.contains("empty node name"), "{err}");
    assert_eq!(replicas(&lab, &svc.1), "2");
    assert_eq!(availabilities(&lab), nodes_before);
    // `self` is the node swarmtop is connected to, as in the docker CLI
    let me = lab.docker_ok(&[
        "node",
        "inspect",
        "self",
        "--format",
        "{{.Description.Hostname}}",
    ]);
    let (ok, out, err) =
        run(lab
            .swarmtop()
            .args(["-H", &lab.manager(), "node", "activate", "self"]));
    assert!(ok, "{err}");
    assert!(out.contains(me.trim()), "{out}");
}
