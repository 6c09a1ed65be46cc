//! A new service from a small set of answers (the TUI's form and `swarmtop service create`),
//! built into the same spec `docker service create` sends with the same flags: its defaults
//! (restart delay 5 s, update and rollback settings, stop grace period 10 s, ...) included.

use std::collections::HashMap;

use bollard_stubs::models::{
    EndpointPortConfig, EndpointPortConfigProtocolEnum, EndpointPortConfigPublishModeEnum,
    EndpointSpec, EndpointSpecModeEnum, Limit, ResourceObject, ServiceSpec, ServiceSpecMode,
    ServiceSpecModeReplicated, ServiceSpecRollbackConfig,
    ServiceSpecRollbackConfigFailureActionEnum, ServiceSpecRollbackConfigOrderEnum,
    ServiceSpecUpdateConfig, ServiceSpecUpdateConfigFailureActionEnum,
    ServiceSpecUpdateConfigOrderEnum, TaskSpec, TaskSpecContainerSpec,
    TaskSpecContainerSpecConfigs, TaskSpecContainerSpecFile, TaskSpecContainerSpecFile1,
    TaskSpecContainerSpecSecrets, TaskSpecPlacement, TaskSpecResources, TaskSpecRestartPolicy,
    TaskSpecRestartPolicyConditionEnum,
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    ServiceSpec {
        name: Some(d.name.clone()),
        labels: Some(HashMap::new()),
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
                ..Default::default()
            }),
            resources: Some(TaskSpecResources {
                limits: Some(Limit::default()),
                reservations: Some(ResourceObject::default()),
                ..Default::default()
            }),
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
}
