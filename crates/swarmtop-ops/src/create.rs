//! A new service from a small set of answers (the TUI's form and `swarmtop service create`),
//! built into the same spec `docker service create` sends with the same flags: its defaults
//! (restart delay 5 s, update and rollback settings, stop grace period 10 s, ...) included.
//! The flags' grammars are the CLI's: `--mount` in `mounts`, sizes and CPU counts in the model's
//! `units`, durations in its `duration`, `--network` in `resolve::network_target`.

use std::collections::HashMap;

use bollard_stubs::models::{
    EndpointPortConfig, EndpointPortConfigProtocolEnum, EndpointPortConfigPublishModeEnum,
    EndpointSpec, EndpointSpecModeEnum, HealthConfig, Limit, Mount, NetworkAttachmentConfig,
    ResourceObject, ServiceSpec, ServiceSpecMode, ServiceSpecModeReplicated,
    ServiceSpecRollbackConfig, ServiceSpecRollbackConfigFailureActionEnum,
    ServiceSpecRollbackConfigOrderEnum, ServiceSpecUpdateConfig,
    ServiceSpecUpdateConfigFailureActionEnum, ServiceSpecUpdateConfigOrderEnum, TaskSpec,
    TaskSpecContainerSpec, TaskSpecContainerSpecConfigs, TaskSpecContainerSpecFile,
    TaskSpecContainerSpecFile1, TaskSpecContainerSpecSecrets, TaskSpecPlacement, TaskSpecResources,
    TaskSpecRestartPolicy, TaskSpecRestartPolicyConditionEnum,
};

use super::validate::{check_object_name, parse_image};
use crate::cluster::placement::Constraint;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub published: i64,
    pub target: i64,
    pub udp: bool,
    pub host_mode: bool,
}

/// What a new service is made of.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceDraft {
    pub name: String,
    pub image: String,
    pub global: bool,
    pub replicas: u64,
    pub args: Vec<String>,
    pub env: Vec<String>,
    pub ports: Vec<Port>,
    pub constraints: Vec<String>,
    pub update_parallelism: Option<i64>,
    pub update_delay: Option<i64>,
    /// (ID, name)
    pub secrets: Vec<(String, String)>,
    pub configs: Vec<(String, String)>,
    /// any, on-failure or none
    pub restart_condition: Option<String>,
    /// What each `--network` resolved to (`resolve::network_target`).
    pub networks: Vec<String>,
    pub mounts: Vec<Mount>,
    /// Nano CPUs and bytes; 0 is no limit, as the CLI leaves it.
    pub limit_cpu: i64,
    pub limit_memory: i64,
    pub reserve_cpu: i64,
    pub reserve_memory: i64,
    /// Service labels, in the order typed (a key given twice: the last value, as the CLI).
    pub labels: Vec<(String, String)>,
    pub health: Option<HealthConfig>,
}

/// `--limit-cpu` / `--reserve-cpu`: empty is none; else as the CLI reads it, and at least what
/// the engine takes (0.001).
pub fn parse_cpus(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    let n = crate::units::parse_nano_cpus(t)?;
    if n != 0 && n < 1_000_000 {
        return Err(format!(
            "cpus {t:?}: at least 0.001 (the engine refuses less), or 0 for no limit"
        ));
    }
    Ok(n)
}

/// `--limit-memory` / `--reserve-memory`: empty is none; else as the CLI reads it (`512M`,
/// `1.5g`), and at least what the engine takes (4MiB).
pub fn parse_memory(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    let n = crate::units::parse_ram_bytes(t)?;
    if n != 0 && n < 4 * 1024 * 1024 {
        return Err(format!(
            "memory {t:?} is {n} bytes: at least 4M (the engine refuses less), or 0 for no limit"
        ));
    }
    Ok(n)
}

/// Service labels as `--label` takes them, written like env: `tier=web team="on call"`; a key
/// alone is an empty value. Keys are checked as the CLI checks them (not empty, no spaces).
pub fn parse_service_labels(text: &str) -> Result<Vec<(String, String)>, String> {
    split_words(text)
        .map_err(|e| e.replacen("command", "labels", 1))?
        .iter()
        .map(|w| parse_label(w))
        .collect()
}

/// One `--label` value: `key=value`, or `key` for an empty value.
pub fn parse_label(word: &str) -> Result<(String, String), String> {
    let (k, v) = word.split_once('=').unwrap_or((word, ""));
    if k.is_empty() {
        return Err(format!("label {word:?} has no name: write key=value"));
    }
    if k.chars().any(char::is_whitespace) {
        return Err(format!("label {k:?} has spaces in its name"));
    }
    Ok((k.to_string(), v.to_string()))
}

/// The healthcheck fields as typed, each empty when not given.
#[derive(Debug, Clone, Default)]
pub struct HealthText<'a> {
    pub cmd: &'a str,
    pub interval: &'a str,
    pub timeout: &'a str,
    pub retries: &'a str,
    pub start_period: &'a str,
}

/// `--health-cmd` (run by the shell: `CMD-SHELL`), `--health-interval`, `--health-timeout`,
/// `--health-retries`, `--health-start-period`, as the CLI turns them into a healthcheck: none
/// when nothing is given; else only what was given (the image's own settings fill the rest).
/// A refused field is named by its form label.
pub fn parse_health(h: &HealthText) -> Result<Option<HealthConfig>, (&'static str, String)> {
    let duration =
        |label: &'static str, text: &str| -> Result<Option<i64>, (&'static str, String)> {
            let t = text.trim();
            if t.is_empty() {
                return Ok(None);
            }
            let ns =
                crate::validate::parse_duration(t).map_err(|e| (label, format!("{label}: {e}")))?;
            if ns != 0 && ns < 1_000_000 {
                return Err((
                    label,
                    format!("{label} {t:?}: at least 1ms (the engine refuses less), or 0"),
                ));
            }
            Ok(Some(ns))
        };
    let interval = duration("health interval", h.interval)?;
    let timeout = duration("health timeout", h.timeout)?;
    let start_period = duration("health start period", h.start_period)?;
    let retries = match h.retries.trim() {
        "" => None,
        t => Some(t.parse::<u32>().map_err(|_| {
            (
                "health retries",
                format!("health retries {t:?}: a number of failures in a row, 0 or more"),
            )
        })?),
    };
    let cmd = h.cmd.trim();
    if cmd.is_empty()
        && interval.is_none()
        && timeout.is_none()
        && start_period.is_none()
        && retries.unwrap_or(0) == 0
    {
        return Ok(None);
    }
    let nonzero = |v: Option<i64>| v.filter(|n| *n != 0);
    Ok(Some(HealthConfig {
        test: (!cmd.is_empty()).then(|| vec!["CMD-SHELL".to_string(), cmd.to_string()]),
        interval: nonzero(interval),
        timeout: nonzero(timeout),
        retries: retries.filter(|r| *r != 0).map(i64::from),
        start_period: nonzero(start_period),
        start_interval: None,
    }))
}

/// `8080:80`, `8080:80/udp`, `host:8081:81`, or docker's long form
/// `mode=host,published=8081,target=81,protocol=udp`; several separated by spaces or commas
/// between entries (long forms by spaces).
pub fn parse_ports(text: &str) -> Result<Vec<Port>, String> {
    let mut out = Vec::new();
    for item in text.split_whitespace() {
        if item.contains('=') {
            out.push(long_port(item)?);
            continue;
        }
        for p in item.split(',').filter(|p| !p.is_empty()) {
            out.push(short_port(p)?);
        }
    }
    Ok(out)
}

fn port_number(s: &str, what: &str, whole: &str) -> Result<i64, String> {
    match s.parse::<u16>() {
        Ok(n) if n > 0 => Ok(n as i64),
        _ => Err(format!(
            "port {whole:?}: {what} {s:?} is not a port number (1-65535)"
        )),
    }
}

fn short_port(p: &str) -> Result<Port, String> {
    let (rest, udp) = match p.rsplit_once('/') {
        Some((r, "udp")) => (r, true),
        Some((r, "tcp")) => (r, false),
        Some((_, proto)) => {
            return Err(format!("port {p:?}: protocol {proto:?} is not tcp or udp"));
        }
        None => (p, false),
    };
    let (rest, host_mode) = match rest.strip_prefix("host:") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let (published, target) = rest
        .split_once(':')
        .ok_or_else(|| format!("port {p:?}: write PUBLISHED:TARGET, e.g. 8080:80"))?;
    Ok(Port {
        published: port_number(published, "published port", p)?,
        target: port_number(target, "target port", p)?,
        udp,
        host_mode,
    })
}

fn long_port(p: &str) -> Result<Port, String> {
    let mut port = Port {
        published: 0,
        target: 0,
        udp: false,
        host_mode: false,
    };
    for kv in p.split(',') {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| format!("port {p:?}: {kv:?} is not key=value"))?;
        match k {
            "published" => port.published = port_number(v, "published port", p)?,
            "target" => port.target = port_number(v, "target port", p)?,
            "protocol" => port.udp = v == "udp",
            "mode" => match v {
                "host" => port.host_mode = true,
                "ingress" => port.host_mode = false,
                _ => return Err(format!("port {p:?}: mode {v:?} is not ingress or host")),
            },
            _ => return Err(format!("port {p:?}: unknown key {k:?}")),
        }
    }
    if port.target == 0 {
        return Err(format!("port {p:?} needs a target"));
    }
    Ok(port)
}

/// Splits a command line into words: spaces separate, quotes group, backslash escapes.
pub fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    in_word = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(format!("command {text:?}: a quote is not closed"));
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// Checks a draft before it is sent; each message names the field.
pub fn check(d: &ServiceDraft) -> Result<(), (&'static str, String)> {
    check_object_name("service", &d.name).map_err(|e| ("name", e))?;
    parse_image(&d.image).map_err(|e| ("image", e))?;
    for e in &d.env {
        if !e.contains('=') || e.starts_with('=') {
            return Err(("env", format!("env {e:?}: write NAME=value")));
        }
    }
    for c in &d.constraints {
        if Constraint::parse(c).is_none() {
            return Err((
                "constraints",
                format!("constraint {c:?}: write e.g. node.role==worker or node.labels.zone!=eu"),
            ));
        }
    }
    Ok(())
}

fn file(name: &str) -> TaskSpecContainerSpecFile {
    TaskSpecContainerSpecFile {
        name: Some(name.to_string()),
        uid: Some("0".into()),
        gid: Some("0".into()),
        mode: Some(0o444),
    }
}

/// The spec `docker service create` would send for the same answers.
pub fn spec(d: &ServiceDraft) -> ServiceSpec {
    let secrets: Vec<TaskSpecContainerSpecSecrets> = d
        .secrets
        .iter()
        .map(|(id, name)| TaskSpecContainerSpecSecrets {
            file: Some(file(name)),
            secret_id: Some(id.clone()),
            secret_name: Some(name.clone()),
        })
        .collect();
    let configs: Vec<TaskSpecContainerSpecConfigs> = d
        .configs
        .iter()
        .map(|(id, name)| {
            let f = file(name);
            TaskSpecContainerSpecConfigs {
                file: Some(TaskSpecContainerSpecFile1 {
                    name: f.name,
                    uid: f.uid,
                    gid: f.gid,
                    mode: f.mode,
                }),
                config_id: Some(id.clone()),
                config_name: Some(name.clone()),
                ..Default::default()
            }
        })
        .collect();
    let condition = match d.restart_condition.as_deref() {
        Some("none") => TaskSpecRestartPolicyConditionEnum::NONE,
        Some("on-failure") => TaskSpecRestartPolicyConditionEnum::ON_FAILURE,
        _ => TaskSpecRestartPolicyConditionEnum::ANY,
    };
    let ports: Vec<EndpointPortConfig> = d
        .ports
        .iter()
        .map(|p| EndpointPortConfig {
            protocol: Some(if p.udp {
                EndpointPortConfigProtocolEnum::UDP
            } else {
                EndpointPortConfigProtocolEnum::TCP
            }),
            target_port: Some(p.target),
            published_port: (p.published > 0).then_some(p.published),
            publish_mode: Some(if p.host_mode {
                EndpointPortConfigPublishModeEnum::HOST
            } else {
                EndpointPortConfigPublishModeEnum::INGRESS
            }),
            ..Default::default()
        })
        .collect();
    // the CLI sends the networks sorted by what it resolved them to
    let mut networks: Vec<NetworkAttachmentConfig> = d
        .networks
        .iter()
        .map(|n| NetworkAttachmentConfig {
            target: Some(n.clone()),
            ..Default::default()
        })
        .collect();
    networks.sort_by(|a, b| a.target.cmp(&b.target));
    let nonzero = |n: i64| (n != 0).then_some(n);
    ServiceSpec {
        name: Some(d.name.clone()),
        labels: Some(d.labels.iter().cloned().collect()),
        task_template: Some(TaskSpec {
            container_spec: Some(TaskSpecContainerSpec {
                image: Some(d.image.clone()),
                args: (!d.args.is_empty()).then(|| d.args.clone()),
                env: (!d.env.is_empty()).then(|| d.env.clone()),
                init: Some(false),
                stop_grace_period: Some(10_000_000_000),
                dns_config: Some(Default::default()),
                secrets: (!secrets.is_empty()).then_some(secrets),
                configs: (!configs.is_empty()).then_some(configs),
                isolation: Some(bollard_stubs::models::TaskSpecContainerSpecIsolationEnum::DEFAULT),
                mounts: (!d.mounts.is_empty()).then(|| d.mounts.clone()),
                health_check: d.health.clone(),
                ..Default::default()
            }),
            resources: Some(TaskSpecResources {
                limits: Some(Limit {
                    nano_cpus: nonzero(d.limit_cpu),
                    memory_bytes: nonzero(d.limit_memory),
                    ..Default::default()
                }),
                reservations: Some(ResourceObject {
                    nano_cpus: nonzero(d.reserve_cpu),
                    memory_bytes: nonzero(d.reserve_memory),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            networks: (!networks.is_empty()).then_some(networks),
            restart_policy: Some(TaskSpecRestartPolicy {
                condition: Some(condition),
                delay: Some(5_000_000_000),
                max_attempts: Some(0),
                window: None,
            }),
            placement: (!d.constraints.is_empty()).then(|| TaskSpecPlacement {
                constraints: Some(d.constraints.clone()),
                ..Default::default()
            }),
            force_update: Some(0),
            runtime: Some("container".into()),
            ..Default::default()
        }),
        mode: Some(if d.global {
            ServiceSpecMode {
                global: Some(HashMap::new()),
                ..Default::default()
            }
        } else {
            ServiceSpecMode {
                replicated: Some(ServiceSpecModeReplicated {
                    replicas: Some(d.replicas as i64),
                }),
                ..Default::default()
            }
        }),
        update_config: Some(ServiceSpecUpdateConfig {
            parallelism: Some(d.update_parallelism.unwrap_or(1)),
            delay: d.update_delay.filter(|x| *x > 0),
            failure_action: Some(ServiceSpecUpdateConfigFailureActionEnum::PAUSE),
            monitor: Some(5_000_000_000),
            max_failure_ratio: Some(0.0),
            order: Some(ServiceSpecUpdateConfigOrderEnum::STOP_FIRST),
        }),
        rollback_config: Some(ServiceSpecRollbackConfig {
            parallelism: Some(1),
            delay: None,
            failure_action: Some(ServiceSpecRollbackConfigFailureActionEnum::PAUSE),
            monitor: Some(5_000_000_000),
            max_failure_ratio: Some(0.0),
            order: Some(ServiceSpecRollbackConfigOrderEnum::STOP_FIRST),
        }),
        endpoint_spec: Some(EndpointSpec {
            mode: Some(EndpointSpecModeEnum::VIP),
            ports: (!ports.is_empty()).then_some(ports),
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_short_long_and_host() {
        let p = parse_ports("8080:80 host:8081:81/udp mode=host,published=9000,target=90").unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(
            p[1],
            Port {
                published: 8081,
                target: 81,
                udp: true,
                host_mode: true
            }
        );
        assert!(p[2].host_mode);
        assert!(parse_ports("80").unwrap_err().contains("PUBLISHED:TARGET"));
        assert!(
            parse_ports("99999:80")
                .unwrap_err()
                .contains("not a port number")
        );
    }

    #[test]
    fn words_like_a_shell() {
        assert_eq!(
            split_words(r#"sh -c "echo 'hi there'; sleep 1" x\ y"#).unwrap(),
            vec!["sh", "-c", "echo 'hi there'; sleep 1", "x y"]
        );
        assert!(split_words("echo \"open").is_err());
    }

    #[test]
    fn the_spec_carries_docker_service_create_defaults() {
        let d = ServiceDraft {
            name: "web".into(),
            image: "busybox:1".into(),
            replicas: 2,
            args: vec!["sleep".into(), "3600".into()],
            restart_condition: Some("on-failure".into()),
            ..Default::default()
        };
        let v = serde_json::to_value(spec(&d)).unwrap();
        assert_eq!(
            v["TaskTemplate"]["RestartPolicy"]["Delay"],
            5_000_000_000i64
        );
        assert_eq!(
            v["TaskTemplate"]["RestartPolicy"]["Condition"],
            "on-failure"
        );
        assert_eq!(v["TaskTemplate"]["ContainerSpec"]["Args"][0], "sleep");
        assert_eq!(v["UpdateConfig"]["Order"], "stop-first");
        assert_eq!(v["Mode"]["Replicated"]["Replicas"], 2);
        assert_eq!(v["EndpointSpec"]["Mode"], "vip");
    }

    #[test]
    fn checks_name_the_field() {
        let d = ServiceDraft {
            name: "web".into(),
            image: "Bad Image".into(),
            ..Default::default()
        };
        assert_eq!(check(&d).unwrap_err().0, "image");
    }

    #[test]
    fn limits_and_reservations_as_the_cli_converts_them() {
        // what `docker service create --limit-cpu 0.5 --limit-memory 512m --reserve-cpu 1e-3
        // --reserve-memory 1.5G` put in the spec (docker service inspect)
        let d = ServiceDraft {
            name: "web".into(),
            image: "busybox:1".into(),
            limit_cpu: parse_cpus("0.5").unwrap(),
            limit_memory: parse_memory("512m").unwrap(),
            reserve_cpu: parse_cpus("1e-3").unwrap(),
            reserve_memory: parse_memory("1.5G").unwrap(),
            ..Default::default()
        };
        let v = serde_json::to_value(spec(&d)).unwrap();
        assert_eq!(
            v["TaskTemplate"]["Resources"],
            serde_json::json!({
                "Limits": {"NanoCPUs": 500_000_000, "MemoryBytes": 536_870_912},
                "Reservations": {"NanoCPUs": 1_000_000, "MemoryBytes": 1_610_612_736i64}
            })
        );
        assert_eq!(parse_cpus(" "), Ok(0));
        assert_eq!(parse_memory(""), Ok(0));
        // the engine's floor, said before anything is sent
        assert!(parse_cpus("0.0005").unwrap_err().contains("at least 0.001"));
        assert!(parse_cpus("-1").unwrap_err().contains("at least 0.001"));
        assert!(parse_memory("10kb").unwrap_err().contains("at least 4M"));
        assert!(parse_memory("lots").unwrap_err().contains("\"lots\""));
    }

    #[test]
    fn labels_like_the_cli() {
        assert_eq!(
            parse_service_labels(r#"tier=web team="on call" flag a=b=c"#).unwrap(),
            vec![
                ("tier".to_string(), "web".to_string()),
                ("team".into(), "on call".into()),
                ("flag".into(), "".into()),
                ("a".into(), "b=c".into()),
            ]
        );
        assert!(parse_service_labels("=x").unwrap_err().contains("no name"));
        assert!(
            parse_service_labels(r#""a b=1""#)
                .unwrap_err()
                .contains("spaces")
        );
        assert!(
            parse_service_labels("a=\"x")
                .unwrap_err()
                .contains("labels")
        );
        // a key given twice: the last value, as the CLI's map
        let d = ServiceDraft {
            labels: parse_service_labels("a=1 a=2").unwrap(),
            ..Default::default()
        };
        let v = serde_json::to_value(spec(&d)).unwrap();
        assert_eq!(v["Labels"], serde_json::json!({"a": "2"}));
    }

    #[test]
    fn healthchecks_as_the_cli_builds_them() {
        // docker service create --health-cmd "wget -q localhost || exit 1" --health-interval
        // 1m30s --health-timeout 500ms --health-retries 3 --health-start-period 1.5s
        let h = parse_health(&HealthText {
            cmd: "wget -q localhost || exit 1",
            interval: "1m30s",
            timeout: "500ms",
            retries: "3",
            start_period: "1.5s",
        })
        .unwrap();
        assert_eq!(
            serde_json::to_value(&h).unwrap(),
            serde_json::json!({"Test": ["CMD-SHELL", "wget -q localhost || exit 1"],
                "Interval": 90_000_000_000i64, "Timeout": 500_000_000, "StartPeriod": 1_500_000_000,
                "Retries": 3})
        );
        // --health-interval 0s: a healthcheck with nothing in it; --health-retries 2 alone
        let zero = HealthText {
            interval: "0s",
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(parse_health(&zero).unwrap()).unwrap(),
            serde_json::json!({})
        );
        let retries = HealthText {
            retries: "2",
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(parse_health(&retries).unwrap()).unwrap(),
            serde_json::json!({"Retries": 2})
        );
        assert_eq!(parse_health(&HealthText::default()), Ok(None));
        for (h, field, why) in [
            (
                HealthText {
                    interval: "5",
                    ..Default::default()
                },
                "health interval",
                "5",
            ),
            (
                HealthText {
                    timeout: "500us",
                    ..Default::default()
                },
                "health timeout",
                "at least 1ms",
            ),
            (
                HealthText {
                    start_period: "-1s",
                    ..Default::default()
                },
                "health start period",
                "negative",
            ),
            (
                HealthText {
                    retries: "-1",
                    ..Default::default()
                },
                "health retries",
                "0 or more",
            ),
        ] {
            let (f, e) = parse_health(&h).unwrap_err();
            assert_eq!(f, field);
            assert!(e.contains(why) && e.contains(field), "{e}");
        }
    }

    #[test]
    fn networks_are_sent_sorted_and_mounts_in_the_container_spec() {
        let d = ServiceDraft {
            networks: vec!["kab686i0dxq7".into(), "guz4173xyvas".into()],
            mounts: crate::mounts::parse_mounts("type=bind,src=/srv,dst=/data,ro").unwrap(),
            ..Default::default()
        };
        let v = serde_json::to_value(spec(&d)).unwrap();
        assert_eq!(
            v["TaskTemplate"]["Networks"],
            serde_json::json!([{"Target": "guz4173xyvas"}, {"Target": "kab686i0dxq7"}])
        );
        assert_eq!(
            v["TaskTemplate"]["ContainerSpec"]["Mounts"][0]["Source"],
            "/srv"
        );
        // none given: no key at all, as the CLI omits them
        let v = serde_json::to_value(spec(&ServiceDraft::default())).unwrap();
        assert!(v["TaskTemplate"].get("Networks").is_none());
        assert!(v["TaskTemplate"]["ContainerSpec"].get("Mounts").is_none());
        assert!(
            v["TaskTemplate"]["ContainerSpec"]
                .get("HealthCheck")
                .is_none()
        );
    }
}
