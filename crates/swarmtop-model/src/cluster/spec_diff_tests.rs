use super::*;
use serde_json::json;

fn fixture(name: &str) -> Value {
    crate::cluster::fixtures::inspected_service(name)
}

fn no_names(_: &str) -> Option<String> {
    None
}

fn named(before: &Value, after: &Value) -> Vec<String> {
    changes(before, after, &no_names)
        .iter()
        .filter(|c| !c.default_only)
        .map(Change::line)
        .collect()
}

#[test]
fn an_update_by_the_docker_cli_is_told_field_by_field_on_both_engines() {
    // docker service update --image swarmtest/busybox:2 --replicas 3 --env-add B=2
    //   --env-add A=changed --publish-add published=8080,target=80 web
    for engine in ["web-20", "web-26"] {
        let s = fixture(engine);
        let c = changes(&s["PreviousSpec"], &s["Spec"], &no_names);
        // exactly what the update changed: KEEP, the command, the mode are not listed
        assert_eq!(
            lines(&c),
            [
                "image: swarmtest/busybox:1 -> swarmtest/busybox:2",
                "replicas: 2 -> 3",
                "env A: 1 -> changed",
                "env B: (none) -> 2",
                "port 8080/tcp: (none) -> 8080:80/tcp (ingress)",
            ],
            "{engine}"
        );
    }
}

#[test]
fn defaults_written_out_are_named_apart_as_no_change_in_effect() {
    // `docker service inspect` (insertDefaults) and some clients write the engine's defaults
    // into a spec that had none: the same service to the engine
    let s = fixture("web-20");
    let mut after = s["Spec"].clone();
    after["UpdateConfig"] = json!({"Parallelism": 1, "FailureAction": "pause",
        "Monitor": 5_000_000_000i64, "MaxFailureRatio": 0, "Order": "stop-first"});
    after["TaskTemplate"]["RestartPolicy"] =
        json!({"Condition": "any", "Delay": 5_000_000_000i64, "MaxAttempts": 0});
    after["TaskTemplate"]["ContainerSpec"]["StopGracePeriod"] = json!(10_000_000_000i64);
    assert_eq!(
        lines(&changes(&s["Spec"], &after, &no_names)),
        [
            "engine defaults written out (no change in effect): restart-condition any, \
          restart-delay 5s, update-parallelism 1, update-failure-action pause, \
          update-monitor 5s, update-order stop-first, stop-grace-period 10s"
        ]
    );
    // a value other than the default is a change
    after["UpdateConfig"]["Parallelism"] = json!(2);
    assert_eq!(
        lines(&changes(&s["Spec"], &after, &no_names))[0],
        "update-parallelism: (none) -> 2"
    );
}

#[test]
fn a_rollback_is_the_same_changes_the_other_way() {
    let s = fixture("web-20");
    let back = named(&s["Spec"], &s["PreviousSpec"]);
    assert_eq!(
        back,
        [
            "image: swarmtest/busybox:2 -> swarmtest/busybox:1",
            "replicas: 3 -> 2",
            "env A: changed -> 1",
            "env B: 2 -> (removed)",
            "port 8080/tcp: 8080:80/tcp (ingress) -> (removed)",
        ]
    );
}

#[test]
fn every_option_the_cli_changed_has_its_flags_name() {
    // create with health, mounts, secret, config, network, constraints, limits, restart and
    // update policies, port, env, labels, hostname, user, dns, host, log options; update nearly
    // all of them (see the fixture's history in the tests' README: the lab, both engines)
    for engine in ["rich-20", "rich-26"] {
        let s = fixture(engine);
        // the network added: the one the previous spec does not have
        let targets = |spec: &Value| -> Vec<String> {
            spec["TaskTemplate"]["Networks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["Target"].as_str().unwrap().to_string())
                .collect()
        };
        let before = targets(&s["PreviousSpec"]);
        let net = targets(&s["Spec"])
            .into_iter()
            .find(|t| !before.contains(t))
            .unwrap();
        let names = move |id: &str| (id == net).then(|| "hist_net2".to_string());
        let c = changes(&s["PreviousSpec"], &s["Spec"], &names);
        let shown: Vec<String> = c
            .iter()
            .filter(|c| !c.default_only)
            .map(Change::line)
            .collect();
        for want in [
            "image: swarmtest/busybox:1 -> swarmtest/busybox:2",
            "replicas: 2 -> 4",
            "args: -c \"sleep 3600\" -> sleep 7200",
            "env A: 1 -> 2",
            "env NEW: (none) -> n",
            "port 9090/udp: (none) -> 9090:90/udp (ingress)",
            "mount /host-tmp: (none) -> type=bind,src=/tmp,readonly",
            "mount /scratch: type=tmpfs -> (removed)",
            "network hist_net2: (none) -> attached",
            "secret app_pw: hist_pw_v1 (mode 0400) -> hist_pw_v2 (mode 0400)",
            "label added: (none) -> 1",
            "label gone: yes -> (removed)",
            "label team: fid -> ops",
            "container-label c: 1 -> 2",
            "constraint: node.role!=nothing -> (removed)",
            "constraint: (none) -> node.platform.os==linux",
            "replicas-max-per-node: (none) -> 2",
            "limit-cpu: 0.5 -> 1",
            "reserve-memory: 8.0 MiB -> 16.0 MiB",
            "health-cmd: test -e /tmp -> test -e /data",
            "health-retries: 3 -> 5",
            "restart-condition: on-failure -> any",
            "update-parallelism: 2 -> 3",
            "update-order: stop-first -> start-first",
            "hostname: h1 -> h2",
            "user: nobody -> root",
            "host: (none) -> 10.0.0.5 other",
            "dns: (none) -> 10.0.0.4",
            "forced restarts (--force): 0 -> 1",
        ] {
            assert!(
                shown.iter().any(|l| l == want),
                "{engine}: no {want:?} in {shown:#?}"
            );
        }
        // the image comes first, then the replicas: what an operator reads first
        assert_eq!(
            shown[0],
            "image: swarmtest/busybox:1 -> swarmtest/busybox:2"
        );
        assert_eq!(shown[1], "replicas: 2 -> 4");
        // nothing the CLI changed needed its JSON path
        assert!(
            !shown
                .iter()
                .any(|l| l.starts_with("TaskTemplate") || l.contains("Spec.")),
            "{engine}: {shown:#?}"
        );
        // unchanged options are not listed: the config, the log options, the workdir
        assert!(
            !shown.iter().any(|l| l.starts_with("config ")
                || l.starts_with("log-opt")
                || l.starts_with("workdir")),
            "{engine}: {shown:#?}"
        );
    }
    // dockerd 26 also took the capability, sysctl and ulimit changes
    let s = fixture("rich-26");
    let shown = named(&s["PreviousSpec"], &s["Spec"]);
    for want in [
        "cap-drop: (none) -> CAP_MKNOD",
        "sysctl net.core.somaxconn: 1024 -> 2048",
        "ulimit nofile: 100:200 -> 150:250",
    ] {
        assert!(shown.iter().any(|l| l == want), "no {want:?} in {shown:#?}");
    }
}

#[test]
fn a_field_swarmtop_has_no_word_for_still_shows_by_its_path() {
    let s = fixture("web-26");
    let mut after = s["Spec"].clone();
    after["TaskTemplate"]["ContainerSpec"]["FutureOption"] = json!({"Level": 3});
    after["TaskTemplate"]["Platforms"] = json!([{"Architecture": "arm64", "OS": "linux"}]);
    let shown = named(&s["Spec"], &after);
    assert_eq!(
        shown,
        [
            "TaskTemplate.ContainerSpec.FutureOption.Level: (none) -> 3",
            "TaskTemplate.Platforms: (none) -> [{\"Architecture\":\"arm64\",\"OS\":\"linux\"}]",
        ]
    );
}

#[test]
fn a_digest_is_shortened_but_still_tells_images_apart() {
    let spec = |image: &str| json!({"TaskTemplate": {"ContainerSpec": {"Image": image}}});
    let a = "nginx:1.27@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let b = "nginx:1.27@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    assert_eq!(
        named(&spec(a), &spec(b)),
        ["image: nginx:1.27@sha256:0123456789ab -> nginx:1.27@sha256:fedcba987654"]
    );
    // alike in their first 12 digits: shown whole rather than as no change
    let c = "nginx:1.27@sha256:0123456789abffffffffffffffffffffffffffffffffffffffffffffffffffff";
    let line = &named(&spec(a), &spec(c))[0];
    assert!(line.contains("0123456789abcdef"), "{line}");
}

#[test]
fn not_set_and_zero_are_the_same_but_zero_replicas_is_a_count() {
    let a = json!({"Mode": {"Replicated": {"Replicas": 3}},
                   "TaskTemplate": {"ContainerSpec": {"Image": "a", "Init": false, "Env": []},
                                    "Resources": {"Limits": {}}}});
    let b = json!({"Mode": {"Replicated": {"Replicas": 0}},
                   "TaskTemplate": {"ContainerSpec": {"Image": "a"}}});
    assert_eq!(named(&a, &b), ["replicas: 3 -> 0"]);
    assert_eq!(lines(&changes(&a, &a, &no_names)), ["no field differs"]);
}

#[test]
fn a_mode_change_says_so() {
    let a = json!({"Mode": {"Replicated": {"Replicas": 2}}});
    let b = json!({"Mode": {"Global": {}}});
    assert_eq!(
        named(&a, &b),
        ["mode: replicated -> global", "replicas: 2 -> (removed)"]
    );
}

#[test]
fn values_are_one_safe_line() {
    let a = json!({"TaskTemplate": {"ContainerSpec": {"Env": ["CERT=a\nb\u{1b}]0;x\u{7}"]}}});
    let b =
        json!({"TaskTemplate": {"ContainerSpec": {"Env": [format!("CERT={}", "x".repeat(500))]}}});
    let shown = named(&a, &b);
    assert!(
        shown[0].starts_with("env CERT: a\\nb\\u001b]0;x\\u0007 -> xxx"),
        "{}",
        shown[0]
    );
    assert!(shown[0].ends_with("x…"), "{}", shown[0]);
    assert!(shown[0].chars().count() < 200);
}
