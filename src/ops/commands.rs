//! The operator actions as subcommands for scripts (`swarmtop node drain node2`, `swarmtop
//! service scale web=5`, ...), with the same checks as the keys: the quorum guard (only
//! `--force` passes it), the drain preview, and the input checks.

use std::io::Read;

use crate::cluster::{service_mode, service_name};
use crate::engine::{Engine, load_cluster};
use crate::ops::guards::{QuorumVerdict, demote_check, drain_lines};
pub use crate::ops::resolve::{find_node, find_service};
use crate::ops::validate::{check_object_name, parse_image, parse_replicas};
use crate::ops::{Availability, ObjectKind, Op, Role, SecretBytes, UpdateForm, run};

pub enum NodeVerb {
    Drain,
    Activate,
    Pause,
    Promote,
    Demote,
}

/// `swarmtop node VERB NODE`: returns what to print; the drain preview goes first.
pub async fn node(
    engine: &Engine,
    verb: NodeVerb,
    key: &str,
    force: bool,
) -> anyhow::Result<String> {
    let c = load_cluster(engine).await?;
    let (id, name) = find_node(&c, key).map_err(anyhow::Error::msg)?;
    let mut out = String::new();
    let op = match verb {
        NodeVerb::Drain => {
            let (lines, _) = drain_lines(&c, &id);
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
            Op::SetAvailability {
                node_id: id,
                node: name,
                availability: Availability::Drain,
            }
        }
        NodeVerb::Activate => Op::SetAvailability {
            node_id: id,
            node: name,
            availability: Availability::Active,
        },
        NodeVerb::Pause => Op::SetAvailability {
            node_id: id,
            node: name,
            availability: Availability::Pause,
        },
        NodeVerb::Promote => Op::SetRole {
            node_id: id,
            node: name,
            role: Role::Manager,
        },
        NodeVerb::Demote => {
            match demote_check(&c, &id) {
                QuorumVerdict::Impossible(why) => anyhow::bail!("demote refused: {why}"),
                QuorumVerdict::Refuse(why) if !force => {
                    anyhow::bail!("demote refused: {} (--force overrides)", why.join("; "))
                }
                QuorumVerdict::Refuse(why) => {
                    out.push_str(&format!("--force: demoting although {}\n", why.join("; ")));
                }
                QuorumVerdict::Ok(_) => {}
            }
            Op::SetRole {
                node_id: id,
                node: name,
                role: Role::Worker,
            }
        }
    };
    let done = run::run(engine, &op).await?;
    out.push_str(&format!("{done}: done\n"));
    Ok(out)
}

/// `SERVICE=REPLICAS` of `swarmtop service scale`, checked before anything is read.
pub fn parse_scale_arg(arg: &str) -> anyhow::Result<(&str, u64)> {
    let (key, n) = arg
        .split_once('=')
        .ok_or_else(|| anyhow::anyhow!("{arg:?}: write SERVICE=REPLICAS, e.g. web=5"))?;
    if key.trim().is_empty() {
        anyhow::bail!("empty service name in {arg:?}: write SERVICE=REPLICAS, e.g. web=5");
    }
    let replicas = parse_replicas(n).map_err(|e| anyhow::anyhow!("{arg:?}: {e}"))?;
    Ok((key, replicas))
}

/// `swarmtop service scale SVC=N`
pub async fn scale(engine: &Engine, arg: &str) -> anyhow::Result<String> {
    let (key, replicas) = parse_scale_arg(arg)?;
    let c = load_cluster(engine).await?;
    let (id, name) = find_service(&c, key).map_err(anyhow::Error::msg)?;
    if let Some(s) = c.service_by_id(&id)
        && service_mode(s) != "replicated"
    {
        anyhow::bail!(
            "{name} is {}: only replicated services scale",
            service_mode(s)
        );
    }
    let done = run::run(
        engine,
        &Op::Scale {
            service_id: id,
            service: name,
            replicas,
        },
    )
    .await?;
    Ok(format!("{done}: done\n"))
}

/// `swarmtop service update [--image IMG] [--update-...] [--force] SVC`: what is given changes,
/// nothing else.
pub async fn update(engine: &Engine, a: &crate::cli::UpdateArgs) -> anyhow::Result<String> {
    use crate::ops::validate::parse_duration;
    let duration = |flag: &str, v: &Option<String>| -> anyhow::Result<Option<i64>> {
        v.as_deref()
            .map(|d| parse_duration(d).map_err(|e| anyhow::anyhow!("--{flag}: {e}")))
            .transpose()
    };
    let choice =
        |flag: &str, v: &Option<String>, allowed: &[&str]| -> anyhow::Result<Option<String>> {
            match v {
                Some(x) if !allowed.contains(&x.as_str()) => {
                    anyhow::bail!("--{flag} {x:?}: use {}", allowed.join(", "))
                }
                other => Ok(other.clone()),
            }
        };
    if a.update_parallelism.is_some_and(|p| p < 0) {
        anyhow::bail!("--update-parallelism: give 0 (all at once) or more tasks");
    }
    let form = UpdateForm {
        image: a
            .image
            .as_deref()
            .map(|i| parse_image(i).map_err(anyhow::Error::msg))
            .transpose()?,
        parallelism: a.update_parallelism,
        delay: duration("update-delay", &a.update_delay)?,
        monitor: duration("update-monitor", &a.update_monitor)?,
        failure_action: choice(
            "update-failure-action",
            &a.update_failure_action,
            &["pause", "continue", "rollback"],
        )?,
        order: choice(
            "update-order",
            &a.update_order,
            &["stop-first", "start-first"],
        )?,
        force: a.force,
    };
    if form == UpdateForm::default() {
        anyhow::bail!(
            "nothing to change: give --image, --force or an --update-... flag (see swarmtop service update --help)"
        );
    }
    let c = load_cluster(engine).await?;
    let (id, name) = find_service(&c, &a.service).map_err(anyhow::Error::msg)?;
    let op = if form
        == (UpdateForm {
            image: form.image.clone(),
            ..Default::default()
        }) {
        Op::SetImage {
            service_id: id,
            service: name,
            image: form.image.clone().unwrap_or_default(),
        }
    } else if form
        == (UpdateForm {
            force: true,
            ..Default::default()
        })
    {
        Op::Restart {
            service_id: id,
            service: name,
        }
    } else {
        Op::Update {
            service_id: id,
            service: name,
            form,
        }
    };
    let done = run::run(engine, &op).await?;
    Ok(format!(
        "{done}: started (follow it with swarmtop, or docker service ps)\n"
    ))
}

/// `swarmtop service create ...`: the same spec as the TUI's form, checked the same way.
pub async fn create_service(engine: &Engine, a: &crate::cli::CreateArgs) -> anyhow::Result<String> {
    use crate::ops::create::{ServiceDraft, check, parse_ports, spec};
    use crate::ops::validate::parse_duration;
    let c = load_cluster(engine).await?;
    if c.services.iter().any(|s| service_name(s) == a.name) {
        anyhow::bail!("a service named {} exists already", a.name);
    }
    let global = match a.mode.as_str() {
        "replicated" => false,
        "global" => true,
        other => anyhow::bail!("--mode {other}: replicated or global"),
    };
    let mut ports = Vec::new();
    for p in &a.publish {
        ports.extend(parse_ports(p).map_err(anyhow::Error::msg)?);
    }
    // by exact name only, as `docker service create --secret NAME` finds them
    let find = |kind: &str, items: Vec<(Option<String>, Option<String>)>, name: &str| {
        if name.trim().is_empty() {
            anyhow::bail!("empty {kind} name in --{kind}");
        }
        items
            .into_iter()
            .find(|(_, n)| n.as_deref() == Some(name))
            .and_then(|(id, _)| id)
            .map(|id| (id, name.to_string()))
            .ok_or_else(|| anyhow::anyhow!("no {kind} named {name}"))
    };
    let mut secrets = Vec::new();
    for n in &a.secrets {
        let items = c
            .secrets
            .iter()
            .map(|s| (s.id.clone(), s.spec.as_ref().and_then(|x| x.name.clone())))
            .collect();
        secrets.push(find("secret", items, n)?);
    }
    let mut configs = Vec::new();
    for n in &a.configs {
        let items = c
            .configs
            .iter()
            .map(|s| (s.id.clone(), s.spec.as_ref().and_then(|x| x.name.clone())))
            .collect();
        configs.push(find("config", items, n)?);
    }
    if let Some(r) = &a.restart_condition
        && !["any", "on-failure", "none"].contains(&r.as_str())
    {
        anyhow::bail!("--restart-condition {r}: any, on-failure or none");
    }
    let networks = a
        .networks
        .iter()
        .map(|n| {
            crate::ops::resolve::network_target(
                n,
                c.networks.iter().map(|x| {
                    (
                        x.id.as_deref().unwrap_or_default(),
                        x.name.as_deref().unwrap_or_default(),
                        x.ingress.unwrap_or(false),
                    )
                }),
            )
            .map_err(|e| anyhow::anyhow!("--network {n}: {e}"))
        })
        .collect::<anyhow::Result<Vec<String>>>()?;
    let mut mounts = Vec::new();
    for m in &a.mounts {
        mounts.extend(crate::ops::mounts::parse_mounts(m).map_err(anyhow::Error::msg)?);
    }
    let flag = |name: &str, v: &Option<String>, parse: fn(&str) -> Result<i64, String>| {
        parse(v.as_deref().unwrap_or_default()).map_err(|e| anyhow::anyhow!("--{name}: {e}"))
    };
    let labels = a
        .labels
        .iter()
        .map(|l| crate::ops::create::parse_label(l).map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (cmd, interval, timeout, retries, start_period) = (
        text(&a.health_cmd),
        text(&a.health_interval),
        text(&a.health_timeout),
        text(&a.health_retries),
        text(&a.health_start_period),
    );
    let health = crate::ops::create::parse_health(&crate::ops::create::HealthText {
        cmd: &cmd,
        interval: &interval,
        timeout: &timeout,
        retries: &retries,
        start_period: &start_period,
    })
    .map_err(|(field, e)| anyhow::anyhow!("--{}: {e}", field.replace(' ', "-")))?;
    let draft = ServiceDraft {
        name: a.name.clone(),
        image: a.image.clone(),
        global,
        replicas: if global { 0 } else { a.replicas },
        args: a.args.clone(),
        env: a.env.clone(),
        ports,
        constraints: a.constraints.clone(),
        update_parallelism: a.update_parallelism,
        update_delay: match &a.update_delay {
            Some(d) => Some(parse_duration(d).map_err(anyhow::Error::msg)?),
            None => None,
        },
        secrets,
        configs,
        restart_condition: a.restart_condition.clone(),
        networks,
        mounts,
        limit_cpu: flag("limit-cpu", &a.limit_cpu, crate::ops::create::parse_cpus)?,
        limit_memory: flag(
            "limit-memory",
            &a.limit_memory,
            crate::ops::create::parse_memory,
        )?,
        reserve_cpu: flag(
            "reserve-cpu",
            &a.reserve_cpu,
            crate::ops::create::parse_cpus,
        )?,
        reserve_memory: flag(
            "reserve-memory",
            &a.reserve_memory,
            crate::ops::create::parse_memory,
        )?,
        labels,
        health,
    };
    check(&draft).map_err(|(field, why)| anyhow::anyhow!("{field}: {why}"))?;
    let done = run::run(
        engine,
        &Op::CreateService {
            name: a.name.clone(),
            spec: Box::new(spec(&draft)),
        },
    )
    .await?;
    Ok(format!("{done}: done\n"))
}

/// `swarmtop service rollback SVC`
pub async fn rollback(engine: &Engine, key: &str) -> anyhow::Result<String> {
    let c = load_cluster(engine).await?;
    let (id, name) = find_service(&c, key).map_err(anyhow::Error::msg)?;
    let done = run::run(
        engine,
        &Op::Rollback {
            service_id: id,
            service: name,
        },
    )
    .await?;
    Ok(format!("{done}: started\n"))
}

/// `swarmtop secret create NAME FILE|-` (any kind: the words are the kind's): the data is read
/// from the file or stdin, checked not to be empty, sent, and never printed.
pub async fn object_create(
    engine: &Engine,
    kind: ObjectKind,
    name: &str,
    source: &str,
) -> anyhow::Result<String> {
    let word = kind.word();
    check_object_name(word, name).map_err(anyhow::Error::msg)?;
    let data = if source == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(|e| anyhow::anyhow!("cannot read the {word} from stdin: {e}"))?;
        b
    } else {
        crate::files::read_bytes(std::path::Path::new(source), crate::files::OBJECT_LIMIT)?
    };
    if data.iter().all(|b| b.is_ascii_whitespace()) {
        let from = if source == "-" { "stdin" } else { source };
        anyhow::bail!("the {word} from {from} is empty: nothing to store");
    }
    let c = load_cluster(engine).await?;
    if c.objects(kind).iter().any(|o| o.name() == name) {
        anyhow::bail!(
            "a {word} named {name} exists already ({} cannot be changed: pick a new name)",
            kind.plural()
        );
    }
    let done = run::run(
        engine,
        &Op::CreateObject {
            kind,
            name: name.to_string(),
            data: SecretBytes(data),
            labels: Vec::new(),
        },
    )
    .await?;
    Ok(format!("{done}: done\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_refuses_an_empty_service_name() {
        let e = parse_scale_arg("=0").unwrap_err().to_string();
        assert!(e.contains("empty service name in \"=0\""), "{e}");
        assert!(parse_scale_arg(" =1").is_err());
        assert_eq!(parse_scale_arg("web=5").unwrap(), ("web", 5));
        assert!(parse_scale_arg("web").is_err());
    }
}
