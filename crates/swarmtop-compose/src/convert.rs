//! A loaded compose file turned into engine specs, field for field as `docker stack deploy`
//! builds them (docker/cli `cli/compose/convert`): names `<stack>_<name>`, the namespace label
//! everywhere, the image label on services, the default overlay network, and the same choice
//! between an empty value and no value, because the engine keeps that difference.
//!
//! Pure: no engine calls. Secret and config IDs are filled in later ([`fill_ids`]), once the
//! objects exist.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use base64::Engine as _;
use bollard_stubs::models::{
    ConfigSpec, Driver, EndpointPortConfig, EndpointPortConfigProtocolEnum,
    EndpointPortConfigPublishModeEnum, EndpointSpec, EndpointSpecModeEnum, GenericResourcesInner,
    GenericResourcesInnerDiscreteResourceSpec, HealthConfig, Ipam, IpamConfig, Limit, Mount,
    MountBindOptions, MountBindOptionsPropagationEnum, MountTmpfsOptions, MountType,
    MountVolumeOptions, MountVolumeOptionsDriverConfig, NetworkAttachmentConfig,
    NetworkCreateRequest, ResourceObject, ResourcesUlimits, SecretSpec, ServiceSpec,
    ServiceSpecMode, ServiceSpecModeReplicated, ServiceSpecModeReplicatedJob,
    ServiceSpecRollbackConfig, ServiceSpecUpdateConfig, TaskSpec, TaskSpecContainerSpec,
    TaskSpecContainerSpecConfigs, TaskSpecContainerSpecDnsConfig, TaskSpecContainerSpecFile,
    TaskSpecContainerSpecFile1, TaskSpecContainerSpecPrivileges,
    TaskSpecContainerSpecPrivilegesCredentialSpec, TaskSpecContainerSpecSecrets, TaskSpecLogDriver,
    TaskSpecPlacement, TaskSpecPlacementPreferences, TaskSpecPlacementSpread, TaskSpecResources,
    TaskSpecRestartPolicy, TaskSpecRestartPolicyConditionEnum,
};

use super::error::FileError;
use super::files::{Files, OBJECT_LIMIT};
use super::image_ref::as_docker_sends;
use super::load::Loaded;
use super::locate::Seg;
use super::model::*;
use super::values::{go_float32, parse_duration, parse_nano_cpus, parse_ram_bytes};
use super::{IMAGE_LABEL, NAMESPACE_LABEL};

/// Everything a stack file asks for, as engine specs, by full object name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Desired {
    pub stack: String,
    /// Networks to create (name → request), `<stack>_default` among them when used.
    pub networks: BTreeMap<String, NetworkCreateRequest>,
    /// Networks that must exist already.
    pub external_networks: Vec<String>,
    pub secrets: BTreeMap<String, SecretSpec>,
    pub configs: BTreeMap<String, ConfigSpec>,
    /// External secrets and configs the services use (must exist).
    pub external_secrets: Vec<String>,
    pub external_configs: Vec<String>,
    pub services: BTreeMap<String, ServiceSpec>,
    /// The image of each service as written in the file (the `com.docker.stack.image` label).
    pub images: BTreeMap<String, String>,
}

/// `<stack>_<name>`
pub fn scoped(stack: &str, name: &str) -> String {
    format!("{stack}_{name}")
}

fn with_stack_label(stack: &str, labels: Option<&ListOrDict>) -> HashMap<String, String> {
    let mut m: HashMap<String, String> = labels
        .map(|l| {
            l.to_map('=', false)
                .into_iter()
                .map(|(k, v)| (k, v.unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    m.insert(NAMESPACE_LABEL.into(), stack.into());
    m
}

fn opts_map(m: &Option<BTreeMap<String, Scalar>>) -> Option<HashMap<String, String>> {
    m.as_ref()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.text())).collect())
}

type Fail = (Vec<Seg>, String);

/// Converts the loaded files for the stack `stack`. Files named by secrets and configs are
/// read here, from `files`; everything else was checked by the loader.
pub fn convert(files: &dyn Files, stack: &str, loaded: &Loaded) -> Result<Desired, FileError> {
    convert_inner(files, stack, &loaded.config).map_err(|(path, msg)| loaded.error_at(&path, msg))
}

fn convert_inner(files: &dyn Files, stack: &str, c: &ComposeFile) -> Result<Desired, Fail> {
    let mut d = Desired {
        stack: stack.to_string(),
        ..Default::default()
    };
    // networks: only those some service uses; "default" when a service names none
    let mut used: BTreeSet<String> = BTreeSet::new();
    for s in c.services.values() {
        match &s.networks {
            Some(ServiceNetworks::Map(m)) if !m.is_empty() => used.extend(m.keys().cloned()),
            Some(ServiceNetworks::List(l)) if !l.is_empty() => used.extend(l.iter().cloned()),
            _ => {
                used.insert("default".into());
            }
        }
    }
    for key in &used {
        let nw = c.networks.get(key).cloned().unwrap_or_default();
        if External::is_external(&nw.external) {
            d.external_networks
                .push(nw.name.clone().unwrap_or_else(|| key.clone()));
            continue;
        }
        let name = nw.name.clone().unwrap_or_else(|| scoped(stack, key));
        let ipam_cfg = nw.ipam.as_ref();
        let has_ipam = ipam_cfg.is_some_and(|i| {
            i.driver.as_deref().is_some_and(|d| !d.is_empty())
                || i.config.as_ref().is_some_and(|c| !c.is_empty())
        });
        let ipam = has_ipam.then(|| Ipam {
            driver: ipam_cfg
                .and_then(|i| i.driver.clone())
                .filter(|d| !d.is_empty()),
            config: ipam_cfg.and_then(|i| i.config.as_ref()).map(|pools| {
                pools
                    .iter()
                    .map(|p| IpamConfig {
                        subnet: p.subnet.clone().filter(|s| !s.is_empty()),
                        ..Default::default()
                    })
                    .collect()
            }),
            options: None,
        });
        d.networks.insert(
            name.clone(),
            NetworkCreateRequest {
                name,
                driver: Some(
                    nw.driver
                        .clone()
                        .filter(|d| !d.is_empty())
                        .unwrap_or_else(|| "overlay".into()),
                ),
                internal: Some(nw.internal.unwrap_or(false)),
                attachable: Some(nw.attachable.unwrap_or(false)),
                ipam,
                options: opts_map(&nw.driver_opts),
                labels: Some(with_stack_label(stack, nw.labels.as_ref())),
                ..Default::default()
            },
        );
    }
    for (key, o) in &c.secrets {
        let name = o.name.clone().unwrap_or_else(|| scoped(stack, key));
        if External::is_external(&o.external) {
            d.external_secrets.push(name);
            continue;
        }
        let path = [Seg::Key("secrets".into()), Seg::Key(key.clone())];
        let data = match &o.driver {
            Some(_) => Vec::new(),
            None => read_object(files, o, &path)?,
        };
        d.secrets.insert(
            name.clone(),
            SecretSpec {
                name: Some(name),
                labels: Some(with_stack_label(stack, o.labels.as_ref())),
                data: Some(base64::engine::general_purpose::STANDARD.encode(data)),
                driver: o.driver.as_ref().map(|dr| Driver {
                    name: dr.clone(),
                    options: opts_map(&o.driver_opts),
                }),
                templating: o.template_driver.as_ref().map(|t| Driver {
                    name: t.clone(),
                    options: None,
                }),
            },
        );
    }
    for (key, o) in &c.configs {
        let name = o.name.clone().unwrap_or_else(|| scoped(stack, key));
        if External::is_external(&o.external) {
            d.external_configs.push(name);
            continue;
        }
        let path = [Seg::Key("configs".into()), Seg::Key(key.clone())];
        let data = read_object(files, o, &path)?;
        d.configs.insert(
            name.clone(),
            ConfigSpec {
                name: Some(name),
                labels: Some(with_stack_label(stack, o.labels.as_ref())),
                data: Some(base64::engine::general_purpose::STANDARD.encode(data)),
                templating: o.template_driver.as_ref().map(|t| Driver {
                    name: t.clone(),
                    options: None,
                }),
            },
        );
    }
    for (name, s) in &c.services {
        let spec = service(stack, name, s, c)?;
        d.images
            .insert(scoped(stack, name), s.image.clone().unwrap_or_default());
        d.services.insert(scoped(stack, name), spec);
    }
    Ok(d)
}

fn read_object(files: &dyn Files, o: &FileObject, path: &[Seg]) -> Result<Vec<u8>, Fail> {
    let Some(f) = &o.file else {
        return Err((path.to_vec(), "needs `file:`".into()));
    };
    files
        .read(std::path::Path::new(f), OBJECT_LIMIT)
        .map_err(|e| {
            let mut p = path.to_vec();
            p.push(Seg::Key("file".into()));
            (p, format!("cannot read {f}: {}", e.reason()))
        })
}

fn dur(v: &Option<String>, path: Vec<Seg>) -> Result<Option<i64>, Fail> {
    v.as_ref()
        .map(|s| parse_duration(s).map_err(|e| (path, e)))
        .transpose()
}

fn parse_enum<T: std::str::FromStr>(
    v: &str,
    path: &[Seg],
    what: &str,
    choices: &str,
) -> Result<T, Fail> {
    v.parse::<T>().map_err(|_| {
        (
            path.to_vec(),
            format!("invalid {what} {v:?} (use {choices})"),
        )
    })
}

/// One service's spec, as the CLI builds it.
fn service(stack: &str, name: &str, s: &Service, c: &ComposeFile) -> Result<ServiceSpec, Fail> {
    let sp = |rest: &[&str]| {
        let mut p = vec![Seg::Key("services".into()), Seg::Key(name.to_string())];
        p.extend(rest.iter().map(|k| Seg::Key(k.to_string())));
        p
    };
    let deploy = s.deploy.clone().unwrap_or_default();
    let image = s.image.clone().unwrap_or_default();

    let mut labels = with_stack_label(stack, deploy.labels.as_ref());
    labels.insert(IMAGE_LABEL.into(), image.clone());

    let mode = deploy_mode(&deploy, &sp(&["deploy"]))?;
    let endpoint = endpoint_spec(&deploy, s, &sp(&[]))?;
    let resources = resources(&deploy, &sp(&["deploy", "resources"]))?;
    let restart_policy = restart_policy(s, &deploy, &sp(&[]))?;
    let healthcheck = healthcheck(s, &sp(&["healthcheck"]))?;
    let networks = networks(stack, name, s, c);
    let mounts = mounts(stack, s, c, &sp(&["volumes"]))?;
    let placement = deploy.placement.clone().unwrap_or_default();

    let env = s.environment.as_ref().map(|e| {
        let mut v: Vec<String> = e
            .to_map('=', true)
            .into_iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{k}={v}"),
                None => k,
            })
            .collect();
        v.sort();
        v
    });
    let (cap_add, cap_drop) = capabilities(
        s.cap_add.as_deref().unwrap_or(&[]),
        s.cap_drop.as_deref().unwrap_or(&[]),
    );
    let dns = (s.dns.is_some() || s.dns_search.is_some()).then(|| TaskSpecContainerSpecDnsConfig {
        nameservers: s.dns.as_ref().map(StringOrList::as_list),
        search: s.dns_search.as_ref().map(StringOrList::as_list),
        options: None,
    });
    let hosts = s
        .extra_hosts
        .as_ref()
        .map(extra_hosts)
        .filter(|h| !h.is_empty());
    let ulimits = s.ulimits.as_ref().map(|u| {
        u.iter()
            .map(|(n, l)| {
                let (soft, hard) = match l {
                    Ulimit::Single(v) if *v != 0 => (*v, *v),
                    Ulimit::Single(_) => (0, 0),
                    Ulimit::Pair { soft, hard } => (*soft, *hard),
                };
                ResourcesUlimits {
                    name: Some(n.clone()),
                    soft: Some(soft),
                    hard: Some(hard),
                }
            })
            .collect::<Vec<_>>()
    });
    let isolation = s
        .isolation
        .as_deref()
        .filter(|i| !i.is_empty())
        .map(|i| {
            parse_enum(
                i,
                &sp(&["isolation"]),
                "isolation",
                "default, process or hyperv",
            )
        })
        .transpose()?;
    let credential_spec = credential_spec(s, &sp(&["credential_spec"]))?;

    let container = TaskSpecContainerSpec {
        // moby's client tags and shortens the image on every create and update; the label
        // keeps the file's text
        image: Some(as_docker_sends(&image)),
        labels: Some(with_stack_label(stack, s.labels.as_ref())),
        command: s.entrypoint.as_ref().map(StringOrList::as_list),
        args: s.command.as_ref().map(StringOrList::as_list),
        hostname: s.hostname.clone().filter(|h| !h.is_empty()),
        env: env.filter(|e| !e.is_empty()),
        dir: s.working_dir.clone().filter(|h| !h.is_empty()),
        user: s.user.clone().filter(|h| !h.is_empty()),
        privileges: Some(TaskSpecContainerSpecPrivileges {
            credential_spec,
            ..Default::default()
        }),
        tty: s.tty.filter(|t| *t),
        open_stdin: s.stdin_open.filter(|t| *t),
        read_only: s.read_only.filter(|t| *t),
        mounts: (!mounts.is_empty()).then_some(mounts),
        stop_signal: s.stop_signal.clone().filter(|h| !h.is_empty()),
        stop_grace_period: dur(&s.stop_grace_period, sp(&["stop_grace_period"]))?,
        health_check: healthcheck,
        hosts,
        dns_config: dns,
        secrets: secret_refs(stack, s, c),
        configs: config_refs(stack, s, c),
        oom_score_adj: s.oom_score_adj.map(|i| i.0).filter(|i| *i != 0),
        isolation,
        init: s.init,
        sysctls: s
            .sysctls
            .as_ref()
            .map(|m| {
                m.to_map('=', false)
                    .into_iter()
                    .map(|(k, v)| (k, v.unwrap_or_default()))
                    .collect::<HashMap<_, _>>()
            })
            .filter(|m| !m.is_empty()),
        capability_add: cap_add,
        capability_drop: cap_drop,
        ulimits: ulimits.filter(|u| !u.is_empty()),
        ..Default::default()
    };
    let log_driver = s.logging.as_ref().map(|l| TaskSpecLogDriver {
        name: l.driver.clone().filter(|d| !d.is_empty()),
        options: l
            .options
            .as_ref()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), v.as_ref().map(Scalar::text).unwrap_or_default()))
                    .collect::<HashMap<_, _>>()
            })
            .filter(|m| !m.is_empty()),
    });
    let preferences: Vec<TaskSpecPlacementPreferences> = placement
        .preferences
        .iter()
        .flatten()
        .map(|p| TaskSpecPlacementPreferences {
            spread: Some(TaskSpecPlacementSpread {
                spread_descriptor: Some(p.spread.clone()),
            }),
        })
        .collect();
    let task = TaskSpec {
        container_spec: Some(container),
        resources: Some(resources),
        restart_policy,
        placement: Some(TaskSpecPlacement {
            constraints: placement.constraints.clone().filter(|c| !c.is_empty()),
            preferences: (!preferences.is_empty()).then_some(preferences),
            max_replicas: placement
                .max_replicas_per_node
                .map(|i| i.0)
                .filter(|i| *i != 0),
            platforms: None,
        }),
        networks: Some(networks).filter(|n| !n.is_empty()),
        log_driver,
        ..Default::default()
    };
    Ok(ServiceSpec {
        name: Some(scoped(stack, name)),
        labels: Some(labels),
        task_template: Some(task),
        mode: Some(mode),
        update_config: update_config(&deploy.update_config, &sp(&["deploy", "update_config"]))?,
        rollback_config: rollback_config(
            &deploy.rollback_config,
            &sp(&["deploy", "rollback_config"]),
        )?,
        networks: None,
        endpoint_spec: Some(endpoint),
    })
}

fn deploy_mode(d: &Deploy, path: &[Seg]) -> Result<ServiceSpecMode, Fail> {
    let replicas = d.replicas.map(|r| r.0);
    if replicas.is_some_and(|r| r < 0) {
        let mut p = path.to_vec();
        p.push(Seg::Key("replicas".into()));
        return Err((p, "replicas cannot be negative".into()));
    }
    let mode_path = || {
        let mut p = path.to_vec();
        p.push(Seg::Key("mode".into()));
        p
    };
    match d.mode.as_deref().unwrap_or("") {
        "" | "replicated" => Ok(ServiceSpecMode {
            replicated: Some(ServiceSpecModeReplicated { replicas }),
            ..Default::default()
        }),
        "global" | "global-job" if replicas.is_some() => Err((
            mode_path(),
            "replicas can only be used with replicated or replicated-job mode".into(),
        )),
        "global" => Ok(ServiceSpecMode {
            global: Some(HashMap::new()),
            ..Default::default()
        }),
        "global-job" => Ok(ServiceSpecMode {
            global_job: Some(HashMap::new()),
            ..Default::default()
        }),
        "replicated-job" => Ok(ServiceSpecMode {
            replicated_job: Some(ServiceSpecModeReplicatedJob {
                max_concurrent: replicas,
                total_completions: replicas,
            }),
            ..Default::default()
        }),
        other => Err((
            mode_path(),
            format!("unknown mode {other:?} (replicated, global, replicated-job or global-job)"),
        )),
    }
}

fn endpoint_spec(d: &Deploy, s: &Service, path: &[Seg]) -> Result<EndpointSpec, Fail> {
    let mut ports = Vec::new();
    for (i, p) in s.ports.iter().flatten().enumerate() {
        let PortEntry::Long(l) = p else { continue };
        let mut pp = path.to_vec();
        pp.extend([Seg::Key("ports".into()), Seg::Index(i)]);
        let protocol = l
            .protocol
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(|p| {
                parse_enum::<EndpointPortConfigProtocolEnum>(p, &pp, "protocol", "tcp, udp or sctp")
            })
            .transpose()?;
        let publish_mode = l
            .mode
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(|p| {
                parse_enum::<EndpointPortConfigPublishModeEnum>(
                    p,
                    &pp,
                    "port mode",
                    "ingress or host",
                )
            })
            .transpose()?;
        ports.push(EndpointPortConfig {
            protocol,
            target_port: l.target.map(|t| t.0).filter(|t| *t != 0),
            published_port: l.published.map(|t| t.0).filter(|t| *t != 0),
            publish_mode,
            name: None,
        });
    }
    // the CLI sorts by published port (a stable sort for the few ports a service has)
    ports.sort_by_key(|p| p.published_port.unwrap_or(0));
    let mode = d
        .endpoint_mode
        .as_deref()
        .filter(|m| !m.is_empty())
        .map(|m| {
            let mut p = path.to_vec();
            p.extend([Seg::Key("deploy".into()), Seg::Key("endpoint_mode".into())]);
            parse_enum::<EndpointSpecModeEnum>(
                &m.to_lowercase(),
                &p,
                "endpoint_mode",
                "vip or dnsrr",
            )
        })
        .transpose()?;
    Ok(EndpointSpec {
        mode,
        ports: (!ports.is_empty()).then_some(ports),
    })
}

fn resources(d: &Deploy, path: &[Seg]) -> Result<TaskSpecResources, Fail> {
    let mut out = TaskSpecResources::default();
    let Some(r) = &d.resources else {
        return Ok(out);
    };
    let at = |k: &[&str]| {
        let mut p = path.to_vec();
        p.extend(k.iter().map(|s| Seg::Key(s.to_string())));
        p
    };
    let cpus = |v: &Option<Scalar>, p: Vec<Seg>| -> Result<Option<i64>, Fail> {
        v.as_ref()
            .map(|s| parse_nano_cpus(&s.text()).map_err(|e| (p, e)))
            .transpose()
            .map(|o| o.filter(|n| *n != 0))
    };
    let mem = |v: &Option<Scalar>, p: Vec<Seg>| -> Result<Option<i64>, Fail> {
        v.as_ref()
            .map(|s| match s {
                Scalar::Int(i) => Ok(*i),
                other => parse_ram_bytes(&other.text()).map_err(|e| (p, e)),
            })
            .transpose()
            .map(|o| o.filter(|n| *n != 0))
    };
    if let Some(l) = &r.limits {
        out.limits = Some(Limit {
            nano_cpus: cpus(&l.cpus, at(&["limits", "cpus"]))?,
            memory_bytes: mem(&l.memory, at(&["limits", "memory"]))?,
            pids: l.pids.map(|p| p.0).filter(|p| *p != 0),
        });
    }
    if let Some(v) = &r.reservations {
        let generic: Vec<GenericResourcesInner> = v
            .generic_resources
            .iter()
            .flatten()
            .map(|g| GenericResourcesInner {
                discrete_resource_spec: g.discrete_resource_spec.as_ref().map(|d| {
                    GenericResourcesInnerDiscreteResourceSpec {
                        kind: Some(d.kind.clone()),
                        value: Some(d.value),
                    }
                }),
                named_resource_spec: None,
            })
            .collect();
        out.reservations = Some(ResourceObject {
            nano_cpus: cpus(&v.cpus, at(&["reservations", "cpus"]))?,
            memory_bytes: mem(&v.memory, at(&["reservations", "memory"]))?,
            generic_resources: (!generic.is_empty()).then_some(generic),
        });
    }
    Ok(out)
}

/// deploy.restart_policy, or else the old `restart:` key (which the CLI still reads).
fn restart_policy(
    s: &Service,
    d: &Deploy,
    path: &[Seg],
) -> Result<Option<TaskSpecRestartPolicy>, Fail> {
    let at = |k: &[&str]| {
        let mut p = path.to_vec();
        p.extend(k.iter().map(|s| Seg::Key(s.to_string())));
        p
    };
    if let Some(r) = &d.restart_policy {
        let condition = r
            .condition
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(|c| {
                parse_enum::<TaskSpecRestartPolicyConditionEnum>(
                    c,
                    &at(&["deploy", "restart_policy", "condition"]),
                    "restart condition",
                    "none, on-failure or any",
                )
            })
            .transpose()?;
        return Ok(Some(TaskSpecRestartPolicy {
            condition,
            delay: dur(&r.delay, at(&["deploy", "restart_policy", "delay"]))?,
            max_attempts: r.max_attempts.map(|m| m.0),
            window: dur(&r.window, at(&["deploy", "restart_policy", "window"]))?,
        }));
    }
    let Some(restart) = s.restart.as_deref().filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let (kind, count) = match restart.split_once(':') {
        Some((k, c)) => (k, Some(c)),
        None => (restart, None),
    };
    let bad = || {
        (
            at(&["restart"]),
            format!(
                "unknown restart policy {restart:?} (no, always, unless-stopped, on-failure[:N])"
            ),
        )
    };
    let max: i64 = match count.filter(|c| !c.is_empty()) {
        Some(c) => c.parse().map_err(|_| bad())?,
        None => 0,
    };
    match kind {
        "no" => Ok(None),
        "always" | "unless-stopped" => Ok(Some(TaskSpecRestartPolicy {
            condition: Some(TaskSpecRestartPolicyConditionEnum::ANY),
            ..Default::default()
        })),
        "on-failure" => Ok(Some(TaskSpecRestartPolicy {
            condition: Some(TaskSpecRestartPolicyConditionEnum::ON_FAILURE),
            max_attempts: Some(max),
            ..Default::default()
        })),
        _ => Err(bad()),
    }
}

fn healthcheck(s: &Service, path: &[Seg]) -> Result<Option<HealthConfig>, Fail> {
    let Some(h) = &s.healthcheck else {
        return Ok(None);
    };
    let at = |k: &str| {
        let mut p = path.to_vec();
        p.push(Seg::Key(k.into()));
        p
    };
    let test = h.test.as_ref().map(|t| match t {
        StringOrList::One(s) => vec!["CMD-SHELL".to_string(), s.clone()],
        StringOrList::List(l) => l.clone(),
    });
    if h.disable == Some(true) {
        if test.as_ref().is_some_and(|t| !t.is_empty()) {
            return Err((
                path.to_vec(),
                "test and disable cannot be set together".into(),
            ));
        }
        return Ok(Some(HealthConfig {
            test: Some(vec!["NONE".into()]),
            ..Default::default()
        }));
    }
    let nz = |v: Option<i64>| v.filter(|n| *n != 0);
    Ok(Some(HealthConfig {
        test: test.filter(|t| !t.is_empty()),
        interval: nz(dur(&h.interval, at("interval"))?),
        timeout: nz(dur(&h.timeout, at("timeout"))?),
        retries: h.retries.map(|r| r.0).filter(|r| *r != 0),
        start_period: nz(dur(&h.start_period, at("start_period"))?),
        start_interval: nz(dur(&h.start_interval, at("start_interval"))?),
    }))
}

/// Attachments sorted by target; the service's own name is an alias on user-defined networks.
fn networks(stack: &str, name: &str, s: &Service, c: &ComposeFile) -> Vec<NetworkAttachmentConfig> {
    let mut m = s
        .networks
        .as_ref()
        .map(ServiceNetworks::to_map)
        .unwrap_or_default();
    if m.is_empty() {
        m.insert("default".into(), None);
    }
    let mut out: Vec<NetworkAttachmentConfig> = m
        .iter()
        .map(|(net, cfg)| {
            let target = c
                .networks
                .get(net)
                .and_then(|n| n.name.clone())
                .unwrap_or_else(|| scoped(stack, net));
            let mut aliases = cfg
                .as_ref()
                .and_then(|c| c.aliases.clone())
                .unwrap_or_default();
            // host, bridge, none and container:... are not user-defined: no aliases there
            let user_defined = !matches!(target.as_str(), "host" | "bridge" | "none" | "default")
                && !target.starts_with("container:");
            if user_defined {
                aliases.push(name.to_string());
            }
            NetworkAttachmentConfig {
                target: Some(target),
                aliases: (!aliases.is_empty()).then_some(aliases),
                driver_opts: cfg.as_ref().and_then(|c| opts_map(&c.driver_opts)),
            }
        })
        .collect();
    out.sort_by(|a, b| a.target.cmp(&b.target));
    out
}

fn mounts(stack: &str, s: &Service, c: &ComposeFile, path: &[Seg]) -> Result<Vec<Mount>, Fail> {
    let mut out = Vec::new();
    for (i, v) in s.volumes.iter().flatten().enumerate() {
        let VolumeEntry::Long(v) = v else { continue };
        let mut p = path.to_vec();
        p.push(Seg::Index(i));
        let err = |m: &str| (p.clone(), m.to_string());
        let mut m = Mount {
            target: v.target.clone().filter(|t| !t.is_empty()),
            source: v.source.clone().filter(|t| !t.is_empty()),
            read_only: v.read_only.filter(|r| *r),
            consistency: v.consistency.clone().filter(|c| !c.is_empty()),
            ..Default::default()
        };
        match v.kind.as_str() {
            "volume" | "" => {
                m.typ = Some(MountType::VOLUME);
                if v.bind.is_some() {
                    return Err(err("bind options are incompatible with type volume"));
                }
                if v.tmpfs.is_some() {
                    return Err(err("tmpfs options are incompatible with type volume"));
                }
                if let Some(src) = m.source.clone() {
                    let top = c.volumes.get(&src).cloned().unwrap_or_default();
                    m.source = Some(top.name.clone().unwrap_or_else(|| scoped(stack, &src)));
                    let mut opts = MountVolumeOptions {
                        no_copy: v.volume.as_ref().and_then(|o| o.nocopy).filter(|n| *n),
                        ..Default::default()
                    };
                    if !External::is_external(&top.external) {
                        opts.labels = Some(with_stack_label(stack, top.labels.as_ref()));
                        if top.driver.is_some() || top.driver_opts.is_some() {
                            opts.driver_config = Some(MountVolumeOptionsDriverConfig {
                                name: top.driver.clone().filter(|d| !d.is_empty()),
                                options: opts_map(&top.driver_opts),
                            });
                        }
                    }
                    m.volume_options = Some(opts);
                }
            }
            "bind" => {
                m.typ = Some(MountType::BIND);
                if v.volume.is_some() {
                    return Err(err("volume options are incompatible with type bind"));
                }
                if v.tmpfs.is_some() {
                    return Err(err("tmpfs options are incompatible with type bind"));
                }
                if let Some(b) = &v.bind {
                    let propagation = b
                        .propagation
                        .as_deref()
                        .filter(|p| !p.is_empty())
                        .map(|pr| {
                            parse_enum::<MountBindOptionsPropagationEnum>(
                                pr,
                                &p,
                                "propagation",
                                "private, rprivate, shared, rshared, slave or rslave",
                            )
                        })
                        .transpose()?;
                    m.bind_options = Some(MountBindOptions {
                        propagation,
                        ..Default::default()
                    });
                }
            }
            "tmpfs" => {
                m.typ = Some(MountType::TMPFS);
                if m.source.is_some() {
                    return Err(err("a tmpfs mount takes no source"));
                }
                if v.bind.is_some() || v.volume.is_some() {
                    return Err(err(
                        "bind and volume options are incompatible with type tmpfs",
                    ));
                }
                if let Some(t) = &v.tmpfs {
                    m.tmpfs_options = Some(MountTmpfsOptions {
                        size_bytes: t.size.map(|s| s.0).filter(|s| *s != 0),
                        ..Default::default()
                    });
                }
            }
            other => {
                return Err(err(&format!(
                    "unsupported mount type {other:?} (volume, bind or tmpfs)"
                )));
            }
        }
        out.push(m);
    }
    Ok(out)
}

struct Ref {
    name: String,
    target: String,
    uid: String,
    gid: String,
    mode: u32,
}

fn refs(
    stack: &str,
    list: &Option<Vec<FileRef>>,
    defined: &BTreeMap<String, FileObject>,
) -> Vec<Ref> {
    let mut out: Vec<Ref> = list
        .iter()
        .flatten()
        .map(|r| {
            let l = r.long();
            let name = defined
                .get(&l.source)
                .and_then(|o| o.name.clone())
                .unwrap_or_else(|| scoped(stack, &l.source));
            Ref {
                name,
                target: l
                    .target
                    .clone()
                    .filter(|t| !t.is_empty())
                    .unwrap_or(l.source.clone()),
                uid: l
                    .uid
                    .clone()
                    .filter(|u| !u.is_empty())
                    .unwrap_or("0".into()),
                gid: l
                    .gid
                    .clone()
                    .filter(|u| !u.is_empty())
                    .unwrap_or("0".into()),
                mode: l.mode.map(|m| m.0 as u32).unwrap_or(0o444),
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.target.cmp(&b.target)));
    out
}

fn secret_refs(
    stack: &str,
    s: &Service,
    c: &ComposeFile,
) -> Option<Vec<TaskSpecContainerSpecSecrets>> {
    let v: Vec<_> = refs(stack, &s.secrets, &c.secrets)
        .into_iter()
        .map(|r| TaskSpecContainerSpecSecrets {
            file: Some(TaskSpecContainerSpecFile {
                name: Some(r.target),
                uid: Some(r.uid),
                gid: Some(r.gid),
                mode: Some(r.mode),
            }),
            secret_id: None,
            secret_name: Some(r.name),
        })
        .collect();
    (!v.is_empty()).then_some(v)
}

fn config_refs(
    stack: &str,
    s: &Service,
    c: &ComposeFile,
) -> Option<Vec<TaskSpecContainerSpecConfigs>> {
    let v: Vec<_> = refs(stack, &s.configs, &c.configs)
        .into_iter()
        .map(|r| TaskSpecContainerSpecConfigs {
            file: Some(TaskSpecContainerSpecFile1 {
                name: Some(r.target),
                uid: Some(r.uid),
                gid: Some(r.gid),
                mode: Some(r.mode),
            }),
            runtime: None,
            config_id: None,
            config_name: Some(r.name),
        })
        .collect();
    (!v.is_empty()).then_some(v)
}

fn credential_spec(
    s: &Service,
    path: &[Seg],
) -> Result<Option<TaskSpecContainerSpecPrivilegesCredentialSpec>, Fail> {
    let Some(c) = &s.credential_spec else {
        return Ok(None);
    };
    if c.config.is_some() {
        return Err((
            path.to_vec(),
            "credential_spec.config is not supported by swarmtop (Windows only); use file or registry".into(),
        ));
    }
    if c.file.is_some() && c.registry.is_some() {
        return Err((
            path.to_vec(),
            "credential_spec: give file or registry, not both".into(),
        ));
    }
    if c.file.is_none() && c.registry.is_none() {
        return Ok(None);
    }
    Ok(Some(TaskSpecContainerSpecPrivilegesCredentialSpec {
        file: c.file.clone(),
        registry: c.registry.clone(),
        config: None,
    }))
}

/// `host:ip` / `host=ip` entries to the engine's `ip host` form, order kept.
fn extra_hosts(l: &ListOrDict) -> Vec<String> {
    let pairs: Vec<(String, String)> = match l {
        ListOrDict::Dict(m) => m
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.text())))
            .collect(),
        ListOrDict::List(items) => items
            .iter()
            .filter_map(|e| {
                e.split_once('=')
                    .or_else(|| e.split_once(':'))
                    .map(|(h, ip)| (h.to_string(), ip.to_string()))
            })
            .collect(),
    };
    pairs
        .into_iter()
        .map(|(host, ip)| {
            let ip = ip
                .strip_prefix('[')
                .and_then(|i| i.strip_suffix(']'))
                .map(str::to_string)
                .unwrap_or(ip);
            format!("{ip} {host}")
        })
        .collect()
}

/// Normalised (`CAP_` prefix, upper case), de-duplicated and sorted; adding wins over dropping.
fn capabilities(add: &[String], drop: &[String]) -> (Option<Vec<String>>, Option<Vec<String>>) {
    let norm = |c: &String| {
        let c = c.trim().to_uppercase();
        if c == "ALL" || c == "RESET" || c.starts_with("CAP_") {
            c
        } else {
            format!("CAP_{c}")
        }
    };
    let mut add: BTreeSet<String> = add.iter().map(norm).collect();
    let mut drop: BTreeSet<String> = drop.iter().map(norm).collect();
    if add.contains("ALL") {
        add = ["ALL".to_string()].into();
    }
    if drop.contains("ALL") {
        drop = ["ALL".to_string()].into();
    }
    let drop: Vec<String> = drop
        .into_iter()
        .filter(|c| !add.contains(c) && c != "RESET")
        .collect();
    let add: Vec<String> = add.into_iter().filter(|c| c != "RESET").collect();
    (
        (!add.is_empty()).then_some(add),
        (!drop.is_empty()).then_some(drop),
    )
}

fn update_config(
    u: &Option<UpdateConfig>,
    path: &[Seg],
) -> Result<Option<ServiceSpecUpdateConfig>, Fail> {
    let Some(u) = u else { return Ok(None) };
    let at = |k: &str| {
        let mut p = path.to_vec();
        p.push(Seg::Key(k.into()));
        p
    };
    let failure_action = u
        .failure_action
        .as_deref()
        .filter(|f| !f.is_empty())
        .map(|f| {
            parse_enum(
                f,
                &at("failure_action"),
                "failure_action",
                "pause, continue or rollback",
            )
        })
        .transpose()?;
    let order = u
        .order
        .as_deref()
        .filter(|f| !f.is_empty())
        .map(|f| parse_enum(f, &at("order"), "order", "stop-first or start-first"))
        .transpose()?;
    Ok(Some(ServiceSpecUpdateConfig {
        // the CLI always sends parallelism, 1 when not given
        parallelism: Some(u.parallelism.map(|p| p.0).unwrap_or(1)),
        delay: dur(&u.delay, at("delay"))?.filter(|d| *d != 0),
        failure_action,
        monitor: dur(&u.monitor, at("monitor"))?.filter(|d| *d != 0),
        // the CLI holds it as a float32: send what the engine will store and show
        max_failure_ratio: Some(go_float32(u.max_failure_ratio.unwrap_or(0.0))),
        order,
    }))
}

/// The same settings as an update config; a rollback cannot itself fail into a rollback.
fn rollback_config(
    u: &Option<UpdateConfig>,
    path: &[Seg],
) -> Result<Option<ServiceSpecRollbackConfig>, Fail> {
    use bollard_stubs::models::ServiceSpecRollbackConfigOrderEnum as RO;
    use bollard_stubs::models::ServiceSpecUpdateConfigOrderEnum as UO;
    let Some(raw) = u else { return Ok(None) };
    let failure_action = raw
        .failure_action
        .as_deref()
        .filter(|f| !f.is_empty())
        .map(|f| {
            let mut p = path.to_vec();
            p.push(Seg::Key("failure_action".into()));
            parse_enum(f, &p, "failure_action", "pause or continue")
        })
        .transpose()?;
    let without_action = UpdateConfig {
        failure_action: None,
        ..raw.clone()
    };
    let Some(u) = update_config(&Some(without_action), path)? else {
        return Ok(None);
    };
    Ok(Some(ServiceSpecRollbackConfig {
        parallelism: u.parallelism,
        delay: u.delay,
        failure_action,
        monitor: u.monitor,
        max_failure_ratio: u.max_failure_ratio,
        order: u.order.map(|o| match o {
            UO::EMPTY => RO::EMPTY,
            UO::STOP_FIRST => RO::STOP_FIRST,
            UO::START_FIRST => RO::START_FIRST,
        }),
    }))
}

/// Fills the secret and config IDs of the service specs from name → ID maps. A name with no
/// ID is left without one (the plan shows it as new).
pub fn fill_ids(
    spec: &mut ServiceSpec,
    secret_ids: &BTreeMap<String, String>,
    config_ids: &BTreeMap<String, String>,
) {
    let Some(c) = spec
        .task_template
        .as_mut()
        .and_then(|t| t.container_spec.as_mut())
    else {
        return;
    };
    for s in c.secrets.iter_mut().flatten() {
        s.secret_id = s
            .secret_name
            .as_ref()
            .and_then(|n| secret_ids.get(n))
            .cloned();
    }
    for s in c.configs.iter_mut().flatten() {
        s.config_id = s
            .config_name
            .as_ref()
            .and_then(|n| config_ids.get(n))
            .cloned();
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::files::MemFiles;
    use crate::interpolate::Env;
    use crate::load::{Source, load_sources};

    fn conv(text: &str) -> Desired {
        let l = load_sources(
            &MemFiles::new(),
            &[Source {
                name: "s.yml".into(),
                text: text.into(),
            }],
            Path::new("/"),
            &Env::new(),
        )
        .unwrap();
        convert(&MemFiles::new(), "st", &l).unwrap()
    }

    fn json(v: &impl serde::Serialize) -> serde_json::Value {
        serde_json::to_value(v).unwrap()
    }

    #[test]
    fn minimal_service_like_the_cli() {
        let d = conv("services:\n  web:\n    image: busybox:1\n");
        let s = json(&d.services["st_web"]);
        assert_eq!(
            s,
            serde_json::json!({
                "Name": "st_web",
                "Labels": {"com.docker.stack.namespace": "st", "com.docker.stack.image": "busybox:1"},
                "TaskTemplate": {
                    "ContainerSpec": {
                        "Image": "busybox:1",
                        "Labels": {"com.docker.stack.namespace": "st"},
                        "Privileges": {}
                    },
                    "Resources": {},
                    "Placement": {},
                    "Networks": [{"Target": "st_default", "Aliases": ["web"]}]
                },
                "Mode": {"Replicated": {}},
                "EndpointSpec": {}
            })
        );
        let n = &d.networks["st_default"];
        assert_eq!(n.driver.as_deref(), Some("overlay"));
        assert_eq!(
            n.labels.as_ref().unwrap()["com.docker.stack.namespace"],
            "st"
        );
    }

    #[test]
    fn images_are_sent_as_the_docker_client_sends_them() {
        // moby's client tags an untagged image and writes it in its familiar form; the label
        // keeps the file's text (docker stack deploy does the same)
        let d = conv(
            "services:\n  a:\n    image: busybox\n  b:\n    image: docker.io/library/nginx:1\n  c:\n    image: prom/prometheus\n",
        );
        let img = |n: &str| {
            let s = json(&d.services[n]);
            (
                s["TaskTemplate"]["ContainerSpec"]["Image"].clone(),
                s["Labels"]["com.docker.stack.image"].clone(),
            )
        };
        assert_eq!(
            img("st_a"),
            (
                serde_json::json!("busybox:latest"),
                serde_json::json!("busybox")
            )
        );
        assert_eq!(
            img("st_b"),
            (
                serde_json::json!("nginx:1"),
                serde_json::json!("docker.io/library/nginx:1")
            )
        );
        assert_eq!(img("st_c").0, "prom/prometheus:latest");
    }

    #[test]
    fn max_failure_ratio_is_what_the_engine_stores() {
        let d = conv(
            "services:\n  web:\n    image: a\n    deploy:\n      update_config: {max_failure_ratio: 0.3}\n      rollback_config: {max_failure_ratio: 0.1}\n",
        );
        let s = json(&d.services["st_web"]);
        // the engine stores docker's float32 0.3 and shows 0.3
        assert_eq!(s["UpdateConfig"]["MaxFailureRatio"], serde_json::json!(0.3));
        assert_eq!(
            s["RollbackConfig"]["MaxFailureRatio"],
            serde_json::json!(0.1)
        );
    }

    #[test]
    fn deploy_settings_convert() {
        let d = conv(
            "services:\n  web:\n    image: a\n    command: sh -c 'sleep 1'\n    environment: [B=2, A=1]\n    ports: ['8080:80', {target: 90, published: 9090, mode: host}]\n    stop_grace_period: 1s\n    cap_add: [net_admin]\n    cap_drop: [ALL]\n    extra_hosts: ['db:10.0.0.2']\n    ulimits: {nofile: {soft: 10, hard: 20}, nproc: 5}\n    deploy:\n      replicas: 3\n      endpoint_mode: dnsrr\n      resources:\n        limits: {cpus: '0.5', memory: 64M}\n      restart_policy: {condition: on-failure, max_attempts: 2}\n      update_config: {delay: 5s, order: start-first}\n      placement:\n        constraints: [node.role==manager]\n        max_replicas_per_node: 2\n",
        );
        let s = json(&d.services["st_web"]);
        let c = &s["TaskTemplate"]["ContainerSpec"];
        assert_eq!(c["Args"], serde_json::json!(["sh", "-c", "sleep 1"]));
        assert_eq!(c["Env"], serde_json::json!(["A=1", "B=2"]));
        assert_eq!(c["StopGracePeriod"], 1_000_000_000i64);
        assert_eq!(c["CapabilityAdd"], serde_json::json!(["CAP_NET_ADMIN"]));
        assert_eq!(c["CapabilityDrop"], serde_json::json!(["ALL"]));
        assert_eq!(c["Hosts"], serde_json::json!(["10.0.0.2 db"]));
        assert_eq!(c["Ulimits"][0]["Name"], "nofile");
        assert_eq!(
            c["Ulimits"][1],
            serde_json::json!({"Name": "nproc", "Soft": 5, "Hard": 5})
        );
        assert_eq!(s["Mode"]["Replicated"]["Replicas"], 3);
        assert_eq!(s["EndpointSpec"]["Mode"], "dnsrr");
        assert_eq!(s["EndpointSpec"]["Ports"][0]["PublishedPort"], 8080);
        assert_eq!(s["EndpointSpec"]["Ports"][0]["PublishMode"], "ingress");
        assert_eq!(s["EndpointSpec"]["Ports"][1]["PublishMode"], "host");
        let t = &s["TaskTemplate"];
        assert_eq!(
            t["Resources"]["Limits"],
            serde_json::json!({"NanoCPUs": 500_000_000, "MemoryBytes": 67108864})
        );
        assert_eq!(
            t["RestartPolicy"],
            serde_json::json!({"Condition": "on-failure", "MaxAttempts": 2})
        );
        assert_eq!(t["Placement"]["MaxReplicas"], 2);
        assert_eq!(
            s["UpdateConfig"],
            serde_json::json!({"Parallelism": 1, "Delay": 5_000_000_000i64, "MaxFailureRatio": 0.0, "Order": "start-first"})
        );
    }

    #[test]
    fn networks_volumes_and_externals() {
        let d = conv(
            "services:\n  web:\n    image: a\n    networks:\n      front: {aliases: [www]}\n      ext:\n    volumes: ['data:/d:ro', '/tmp:/t', {type: tmpfs, target: /x, tmpfs: {size: 1000}}]\nnetworks:\n  front: {attachable: true, driver_opts: {mtu: 1400}}\n  ext: {external: true, name: shared}\n  unused: {}\nvolumes:\n  data: {driver_opts: {type: tmpfs}}\n",
        );
        assert_eq!(d.networks.keys().collect::<Vec<_>>(), ["st_front"]);
        assert_eq!(d.external_networks, ["shared"]);
        let n = &d.networks["st_front"];
        assert_eq!(n.attachable, Some(true));
        assert_eq!(n.options.as_ref().unwrap()["mtu"], "1400");
        let s = json(&d.services["st_web"]);
        assert_eq!(
            s["TaskTemplate"]["Networks"],
            serde_json::json!([{"Target": "shared", "Aliases": ["web"]}, {"Target": "st_front", "Aliases": ["www", "web"]}])
        );
        let m = &s["TaskTemplate"]["ContainerSpec"]["Mounts"];
        assert_eq!(m[0]["Source"], "st_data");
        assert_eq!(m[0]["ReadOnly"], true);
        assert_eq!(
            m[0]["VolumeOptions"]["DriverConfig"]["Options"]["type"],
            "tmpfs"
        );
        assert_eq!(m[1]["Type"], "bind");
        assert_eq!(m[2]["TmpfsOptions"]["SizeBytes"], 1000);
    }

    #[test]
    fn secrets_and_configs_read_their_files() {
        let dir = Path::new("/stack");
        let files = MemFiles::new()
            .with(dir.join("pw"), "hunter2")
            .with(dir.join("app.conf"), "a=1\n");
        let l = load_sources(&files,
            &[Source {
                name: "s.yml".into(),
                text: "services:\n  web:\n    image: a\n    secrets: [pw]\n    configs:\n      - source: conf\n        target: /etc/app.conf\n        mode: 0400\nsecrets:\n  pw: {file: pw}\n  ext: {external: true}\nconfigs:\n  conf: {file: app.conf, labels: {v: 1}}\n".into(),
            }],
            dir,
            &Env::new(),
        )
        .unwrap();
        let mut d = convert(&files, "st", &l).unwrap();
        assert_eq!(d.secrets["st_pw"].data.as_deref(), Some("aHVudGVyMg=="));
        assert_eq!(d.external_secrets, ["ext"]);
        assert_eq!(d.configs["st_conf"].labels.as_ref().unwrap()["v"], "1");
        let ids = BTreeMap::from([("st_pw".to_string(), "id1".to_string())]);
        fill_ids(
            d.services.get_mut("st_web").unwrap(),
            &ids,
            &BTreeMap::new(),
        );
        let s = json(&d.services["st_web"]);
        let c = &s["TaskTemplate"]["ContainerSpec"];
        assert_eq!(
            c["Secrets"],
            serde_json::json!([{"File": {"Name": "pw", "UID": "0", "GID": "0", "Mode": 292}, "SecretID": "id1", "SecretName": "st_pw"}])
        );
        assert_eq!(c["Configs"][0]["File"]["Mode"], 256);
    }

    #[test]
    fn restart_key_is_read_when_there_is_no_restart_policy() {
        let d = conv(
            "services:\n  a:\n    image: x\n    restart: on-failure:3\n  b:\n    image: x\n    restart: 'no'\n",
        );
        let a = json(&d.services["st_a"]);
        assert_eq!(
            a["TaskTemplate"]["RestartPolicy"],
            serde_json::json!({"Condition": "on-failure", "MaxAttempts": 3})
        );
        assert!(
            json(&d.services["st_b"])["TaskTemplate"]
                .get("RestartPolicy")
                .is_none()
        );
    }

    #[test]
    fn bad_values_are_placed() {
        let l = load_sources(
            &MemFiles::new(),
            &[Source {
                name: "s.yml".into(),
                text: "services:\n  web:\n    image: a\n    stop_grace_period: soon\n".into(),
            }],
            Path::new("/"),
            &Env::new(),
        )
        .unwrap();
        let e = convert(&MemFiles::new(), "st", &l).unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(5)), "{e}");
        assert!(e.message.contains("invalid duration \"soon\""), "{e}");
    }
}
