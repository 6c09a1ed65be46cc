//! Where a deployed stack's file lives. swarmtop stores the file it deployed in the swarm, as a
//! config labelled with the stack's namespace (so `docker stack rm` removes it too); any
//! operator can get it back. A stack deployed by the docker CLI has no stored file: one is
//! rebuilt from the live specs and marked as reconstructed.

use std::collections::{BTreeMap, HashMap, HashSet};

use base64::Engine as _;
use bollard_stubs::models::{Config, ConfigSpec, MountType, Network, Secret, Service, ServiceSpec};
use sha2::{Digest, Sha256};

use super::NAMESPACE_LABEL;
use super::load::Source;
use super::model::*;
use super::values::format_duration;

/// Marks swarmtop's stored stack file; its value names the files it was made from.
pub const SOURCE_LABEL: &str = "io.swarmtop.stack.source";

/// The stack file as stored with a deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// `<stack>_swarmtop-source-<hash>`: configs cannot change, so each content has its name.
    pub config_name: String,
    pub text: String,
    pub files: Vec<String>,
}

impl SourceFile {
    /// The files of a deploy, joined (one file is stored as it is).
    pub fn new(stack: &str, sources: &[Source]) -> SourceFile {
        let text = if sources.len() == 1 {
            sources[0].text.clone()
        } else {
            sources
                .iter()
                .map(|s| format!("# swarmtop: file {}\n{}", s.name, s.text))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let hash = hex::encode(Sha256::digest(text.as_bytes()));
        SourceFile {
            config_name: format!("{stack}_swarmtop-source-{}", &hash[..12]),
            text,
            files: sources.iter().map(|s| s.name.clone()).collect(),
        }
    }

    pub fn config_spec(&self, stack: &str) -> ConfigSpec {
        ConfigSpec {
            name: Some(self.config_name.clone()),
            labels: Some(HashMap::from([
                (NAMESPACE_LABEL.to_string(), stack.to_string()),
                (SOURCE_LABEL.to_string(), self.files.join(",")),
            ])),
            data: Some(base64::engine::general_purpose::STANDARD.encode(&self.text)),
            templating: None,
        }
    }
}

/// A stack's file, as stored or rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackFile {
    Stored { text: String, files: Vec<String> },
    Reconstructed { text: String },
}

impl StackFile {
    pub fn text(&self) -> &str {
        match self {
            StackFile::Stored { text, .. } | StackFile::Reconstructed { text } => text,
        }
    }
}

/// Is this config one of swarmtop's stored stack files?
pub fn is_source_config(c: &Config) -> bool {
    c.spec
        .as_ref()
        .and_then(|s| s.labels.as_ref())
        .is_some_and(|l| l.contains_key(SOURCE_LABEL))
}

/// The newest stored file among the stack's configs, if swarmtop deployed it.
pub fn stored(configs: &[Config]) -> Option<StackFile> {
    let newest = configs
        .iter()
        .filter(|c| is_source_config(c))
        .max_by_key(|c| c.created_at.clone().unwrap_or_default())?;
    let spec = newest.spec.as_ref()?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(spec.data.as_deref()?)
        .ok()?;
    Some(StackFile::Stored {
        text: String::from_utf8_lossy(&data).into_owned(),
        files: spec
            .labels
            .as_ref()
            .and_then(|l| l.get(SOURCE_LABEL))
            .map(|f| f.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
    })
}

fn descope<'a>(stack: &str, name: &'a str) -> Option<&'a str> {
    name.strip_prefix(stack)?.strip_prefix('_')
}

fn without_stack_labels(l: &Option<HashMap<String, String>>) -> Option<ListOrDict> {
    let m: BTreeMap<String, Option<Scalar>> = l
        .iter()
        .flatten()
        .filter(|(k, _)| !k.starts_with("com.docker.stack."))
        .map(|(k, v)| (k.clone(), Some(Scalar::Str(v.clone()))))
        .collect();
    (!m.is_empty()).then_some(ListOrDict::Dict(m))
}

fn dur(ns: Option<i64>) -> Option<String> {
    ns.filter(|n| *n != 0).map(format_duration)
}

/// A compose file rebuilt from a stack's live objects (for stacks the CLI deployed).
pub fn reconstruct(
    stack: &str,
    services: &[Service],
    networks: &[Network],
    secrets: &[Secret],
    configs: &[Config],
) -> String {
    let mut f = ComposeFile {
        version: Some(Scalar::Str("3.8".into())),
        ..Default::default()
    };
    let stack_nets: BTreeMap<String, &Network> = networks
        .iter()
        .filter_map(|n| Some((n.name.clone()?, n)))
        .collect();
    for svc in services {
        let Some(spec) = &svc.spec else { continue };
        let Some(full) = spec.name.as_deref() else {
            continue;
        };
        let name = descope(stack, full).unwrap_or(full).to_string();
        f.services.insert(
            name.clone(),
            service_of(stack, &name, spec, &mut f.networks, &stack_nets),
        );
        add_volumes(stack, spec, &mut f.volumes);
    }
    for (full, n) in &stack_nets {
        let Some(key) = descope(stack, full) else {
            continue;
        };
        let is_stack = n
            .labels
            .as_ref()
            .and_then(|l| l.get(NAMESPACE_LABEL))
            .is_some_and(|v| v == stack);
        if !is_stack
            || (key == "default"
                && n.driver.as_deref() == Some("overlay")
                && n.options.as_ref().is_none_or(|o| {
                    o.keys()
                        .all(|k| k.starts_with("com.docker.network.driver.overlay.vxlanid"))
                }))
        {
            continue;
        }
        f.networks.insert(
            key.to_string(),
            super::model::Network {
                driver: n.driver.clone().filter(|d| d != "overlay"),
                attachable: n.attachable.filter(|a| *a),
                internal: n.internal.filter(|a| *a),
                labels: without_stack_labels(&n.labels),
                driver_opts: n
                    .options
                    .as_ref()
                    .map(|o| {
                        o.iter()
                            .filter(|(k, _)| {
                                !k.starts_with("com.docker.network.driver.overlay.vxlanid")
                            })
                            .map(|(k, v)| (k.clone(), Scalar::Str(v.clone())))
                            .collect()
                    })
                    .filter(|m: &BTreeMap<String, Scalar>| !m.is_empty()),
                ipam: ipam_of(n),
                ..Default::default()
            },
        );
    }
    for s in secrets {
        let Some(full) = s.spec.as_ref().and_then(|x| x.name.clone()) else {
            continue;
        };
        let key = descope(stack, &full).unwrap_or(&full).to_string();
        f.secrets.insert(
            key.clone(),
            FileObject {
                file: Some(format!("./secrets/{key}")),
                name: (descope(stack, &full).is_none()).then_some(full.clone()),
                labels: without_stack_labels(&s.spec.as_ref().and_then(|x| x.labels.clone())),
                ..Default::default()
            },
        );
    }
    for c in configs.iter().filter(|c| !is_source_config(c)) {
        let Some(full) = c.spec.as_ref().and_then(|x| x.name.clone()) else {
            continue;
        };
        let key = descope(stack, &full).unwrap_or(&full).to_string();
        f.configs.insert(
            key.clone(),
            FileObject {
                file: Some(format!("./configs/{key}")),
                name: (descope(stack, &full).is_none()).then_some(full.clone()),
                labels: without_stack_labels(&c.spec.as_ref().and_then(|x| x.labels.clone())),
                ..Default::default()
            },
        );
    }
    // secrets and configs a service uses but the stack does not own are external
    for svc in f.services.values() {
        for r in svc.secrets.iter().flatten() {
            let src = r.long().source;
            f.secrets.entry(src.clone()).or_insert(FileObject {
                external: Some(External::Flag(true)),
                ..Default::default()
            });
        }
        for r in svc.configs.iter().flatten() {
            let src = r.long().source;
            f.configs.entry(src.clone()).or_insert(FileObject {
                external: Some(External::Flag(true)),
                ..Default::default()
            });
        }
    }
    let body = yaml_serde::to_value(&f)
        .and_then(|mut v| {
            escape_dollars(&mut v);
            yaml_serde::to_string(&v)
        })
        .unwrap_or_default();
    format!(
        "# Reconstructed by swarmtop from the live specs of stack {stack:?}: it was not deployed by\n\
         # swarmtop, so its original file is not stored in the swarm. Before deploying this file,\n\
         # put each secret's and config's contents in the file named below: a secret's cannot be\n\
         # read back from the swarm (ask whoever made it); a config's can (`v` on it in the\n\
         # configs pane shows them; `docker config inspect --pretty` too).\n{body}"
    )
}

/// Loading a file interpolates every value, so a `$` from a live spec (`sh -c 'echo $HOME'`)
/// must be written `$$` or the deploy would substitute the operator's variables into it.
fn escape_dollars(v: &mut yaml_serde::Value) {
    use yaml_serde::Value;
    match v {
        Value::String(s) if s.contains('$') => *s = s.replace('$', "$$"),
        Value::Sequence(items) => items.iter_mut().for_each(escape_dollars),
        Value::Mapping(m) => m.iter_mut().for_each(|(_, x)| escape_dollars(x)),
        Value::Tagged(t) => escape_dollars(&mut t.value),
        _ => {}
    }
}

/// A network's IPAM as a compose file writes it: the subnets, and the driver unless it is the
/// engine's `default`. The engine fills in a subnet for every network, so a rebuilt file pins
/// the subnet the network has; it cannot tell one the file asked for from one assigned.
fn ipam_of(n: &Network) -> Option<Ipam> {
    let i = n.ipam.as_ref()?;
    let driver = i.driver.clone().filter(|d| !d.is_empty() && d != "default");
    let config: Vec<IpamPool> = i
        .config
        .iter()
        .flatten()
        .filter_map(|c| c.subnet.clone().filter(|s| !s.is_empty()))
        .map(|subnet| IpamPool {
            subnet: Some(subnet),
        })
        .collect();
    (driver.is_some() || !config.is_empty()).then(|| Ipam {
        driver,
        config: (!config.is_empty()).then_some(config),
    })
}

/// The top-level entry of each named volume a service mounts (a file naming a volume that is
/// not defined does not load): the stack's own volumes carry its label, with their driver and
/// labels; any other is external. The key is the one the service's mount uses.
fn add_volumes(stack: &str, spec: &ServiceSpec, volumes: &mut BTreeMap<String, Volume>) {
    let mounts = spec
        .task_template
        .as_ref()
        .and_then(|t| t.container_spec.as_ref())
        .and_then(|c| c.mounts.as_ref());
    for m in mounts.into_iter().flatten() {
        let Some(src) = m
            .source
            .as_deref()
            .filter(|_| m.typ == Some(MountType::VOLUME))
        else {
            continue;
        };
        let key = descope(stack, src).unwrap_or(src);
        let opts = m.volume_options.as_ref();
        let labels = opts.and_then(|o| o.labels.clone());
        let owned = labels
            .as_ref()
            .and_then(|l| l.get(NAMESPACE_LABEL))
            .is_some_and(|v| v == stack);
        let driver = opts
            .and_then(|o| o.driver_config.as_ref())
            .filter(|_| owned);
        volumes.entry(key.to_string()).or_insert(Volume {
            // a stack volume named `<stack>_<key>` gets that name back from its key
            name: (!owned || key == src).then(|| src.to_string()),
            external: (!owned).then_some(External::Flag(true)),
            labels: without_stack_labels(&labels.filter(|_| owned)),
            // `driver: ''` keeps a driver config that has neither a name nor options
            driver: driver.and_then(|d| {
                d.name
                    .clone()
                    .or_else(|| d.options.is_none().then(String::new))
            }),
            driver_opts: driver.and_then(|d| d.options.as_ref()).map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), Scalar::Str(v.clone())))
                    .collect()
            }),
        });
    }
}

/// The environment as the file writes it: a list, unless two entries share a name (the engine
/// keeps both, `docker service create -e A=1 -e A=2`; a list in a file keeps the last). Then
/// every entry is written whole as a name without a value, which converts back to exactly it.
fn environment_of(env: Vec<String>) -> ListOrDict {
    let mut names = HashSet::new();
    let shared = env
        .iter()
        .any(|e| !names.insert(e.split('=').next().unwrap_or(e)));
    if shared {
        ListOrDict::Dict(env.into_iter().map(|e| (e, None)).collect())
    } else {
        ListOrDict::List(env)
    }
}

/// A mounted file's target, uid, gid and mode.
type RefFile = (Option<String>, Option<String>, Option<String>, Option<u32>);

fn service_of(
    stack: &str,
    name: &str,
    spec: &ServiceSpec,
    networks: &mut BTreeMap<String, super::model::Network>,
    stack_nets: &BTreeMap<String, &Network>,
) -> super::model::Service {
    let task = spec.task_template.clone().unwrap_or_default();
    let c = task.container_spec.clone().unwrap_or_default();
    let image = spec
        .labels
        .as_ref()
        .and_then(|l| l.get(super::IMAGE_LABEL).cloned())
        .or(c.image.clone());
    let mut s = super::model::Service {
        image,
        command: c.args.clone().map(StringOrList::List),
        entrypoint: c.command.clone().map(StringOrList::List),
        environment: c.env.clone().map(environment_of),
        labels: without_stack_labels(&c.labels),
        hostname: c.hostname.clone(),
        user: c.user.clone(),
        working_dir: c.dir.clone(),
        // 0s is a real setting here (no grace), unlike the engine's zero durations elsewhere
        stop_grace_period: c.stop_grace_period.map(format_duration),
        stop_signal: c.stop_signal.clone(),
        init: c.init,
        tty: c.tty.filter(|t| *t),
        stdin_open: c.open_stdin.filter(|t| *t),
        read_only: c.read_only.filter(|t| *t),
        cap_add: c.capability_add.clone(),
        cap_drop: c.capability_drop.clone(),
        dns: c
            .dns_config
            .as_ref()
            .and_then(|d| d.nameservers.clone())
            .map(StringOrList::List),
        dns_search: c
            .dns_config
            .as_ref()
            .and_then(|d| d.search.clone())
            .map(StringOrList::List),
        extra_hosts: c.hosts.as_ref().map(|h| {
            ListOrDict::List(
                h.iter()
                    .filter_map(|e| e.split_once(' ').map(|(ip, host)| format!("{host}:{ip}")))
                    .collect(),
            )
        }),
        sysctls: c.sysctls.as_ref().map(|m| {
            ListOrDict::Dict(
                m.iter()
                    .map(|(k, v)| (k.clone(), Some(Scalar::Str(v.clone()))))
                    .collect(),
            )
        }),
        ulimits: c.ulimits.as_ref().map(|u| {
            u.iter()
                .filter_map(|x| {
                    Some((
                        x.name.clone()?,
                        Ulimit::Pair {
                            soft: x.soft.unwrap_or(0),
                            hard: x.hard.unwrap_or(0),
                        },
                    ))
                })
                .collect()
        }),
        ..Default::default()
    };
    if let Some(h) = &c.health_check {
        s.healthcheck = Some(Healthcheck {
            disable: (h.test.as_deref() == Some(&["NONE".to_string()][..])).then_some(true),
            test: h
                .test
                .clone()
                .filter(|t| t.first().map(String::as_str) != Some("NONE"))
                .map(StringOrList::List),
            interval: dur(h.interval),
            timeout: dur(h.timeout),
            retries: h.retries.map(Int),
            start_period: dur(h.start_period),
            start_interval: dur(h.start_interval),
        });
    }
    if let Some(l) = &task.log_driver {
        s.logging = Some(Logging {
            driver: l.name.clone(),
            options: l.options.as_ref().map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), Some(Scalar::Str(v.clone()))))
                    .collect()
            }),
        });
    }
    let mut nets = BTreeMap::new();
    for n in task.networks.iter().flatten() {
        let Some(target) = &n.target else { continue };
        let full = stack_nets
            .values()
            .find(|x| x.id.as_deref() == Some(target))
            .and_then(|x| x.name.clone())
            .unwrap_or(target.clone());
        let key = match descope(stack, &full) {
            Some(k) => k.to_string(),
            None => {
                networks
                    .entry(full.clone())
                    .or_insert(super::model::Network {
                        external: Some(External::Flag(true)),
                        ..Default::default()
                    });
                full.clone()
            }
        };
        let aliases: Vec<String> = n
            .aliases
            .iter()
            .flatten()
            .filter(|a| a.as_str() != name)
            .cloned()
            .collect();
        nets.insert(
            key,
            (!aliases.is_empty()).then_some(ServiceNetwork {
                aliases: Some(aliases),
                ..Default::default()
            }),
        );
    }
    if !(nets.len() == 1 && nets.get("default") == Some(&None)) {
        s.networks = Some(ServiceNetworks::Map(nets));
    }
    let refs = |name: Option<&String>, file: Option<RefFile>| {
        let src = name
            .map(|n| descope(stack, n).unwrap_or(n).to_string())
            .unwrap_or_default();
        let (target, uid, gid, mode) = file.unwrap_or_default();
        FileRef::Long(FileRefLong {
            target: target.filter(|t| *t != src),
            source: src,
            uid: uid.filter(|u| u != "0"),
            gid: gid.filter(|u| u != "0"),
            mode: mode.filter(|m| *m != 0o444).map(|m| Int(m as i64)),
        })
    };
    s.secrets = c.secrets.as_ref().map(|v| {
        v.iter()
            .map(|r| {
                refs(
                    r.secret_name.as_ref(),
                    r.file.clone().map(|f| (f.name, f.uid, f.gid, f.mode)),
                )
            })
            .collect()
    });
    s.configs = c.configs.as_ref().map(|v| {
        v.iter()
            .map(|r| {
                refs(
                    r.config_name.as_ref(),
                    r.file.clone().map(|f| (f.name, f.uid, f.gid, f.mode)),
                )
            })
            .collect()
    });
    s.volumes = c.mounts.as_ref().map(|ms| {
        ms.iter()
            .map(|m| {
                VolumeEntry::Long(VolumeLong {
                    kind: m
                        .typ
                        .map(|t| t.to_string())
                        .unwrap_or_else(|| "volume".into()),
                    source: m
                        .source
                        .as_ref()
                        .map(|x| descope(stack, x).unwrap_or(x).to_string()),
                    target: m.target.clone(),
                    read_only: m.read_only.filter(|r| *r),
                    consistency: m.consistency.clone(),
                    bind: m.bind_options.as_ref().map(|b| BindOptions {
                        propagation: b.propagation.map(|p| p.to_string()),
                    }),
                    volume: m
                        .volume_options
                        .as_ref()
                        .and_then(|v| v.no_copy)
                        .filter(|n| *n)
                        .map(|n| VolumeOptions { nocopy: Some(n) }),
                    tmpfs: m.tmpfs_options.as_ref().map(|t| TmpfsOptions {
                        size: t.size_bytes.map(Int),
                    }),
                })
            })
            .collect()
    });
    s.ports = spec
        .endpoint_spec
        .as_ref()
        .and_then(|e| e.ports.as_ref())
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    PortEntry::Long(PortLong {
                        target: p.target_port.map(Int),
                        published: p.published_port.map(Int),
                        protocol: p.protocol.map(|x| x.to_string()),
                        mode: p.publish_mode.map(|x| x.to_string()),
                    })
                })
                .collect()
        });
    let mut d = Deploy {
        labels: without_stack_labels(&spec.labels),
        endpoint_mode: spec
            .endpoint_spec
            .as_ref()
            .and_then(|e| e.mode)
            .map(|m| m.to_string())
            .filter(|m| m != "vip" && !m.is_empty()),
        ..Default::default()
    };
    if let Some(m) = &spec.mode {
        if let Some(r) = &m.replicated {
            d.replicas = r.replicas.map(Int);
        } else if m.global.is_some() {
            d.mode = Some("global".into());
        } else if let Some(j) = &m.replicated_job {
            d.mode = Some("replicated-job".into());
            d.replicas = j.total_completions.map(Int);
        } else if m.global_job.is_some() {
            d.mode = Some("global-job".into());
        }
    }
    if let Some(p) = &task.placement {
        let pl = Placement {
            constraints: p.constraints.clone(),
            preferences: p.preferences.as_ref().map(|v| {
                v.iter()
                    .filter_map(|x| {
                        Some(PlacementPreference {
                            spread: x.spread.as_ref()?.spread_descriptor.clone()?,
                        })
                    })
                    .collect()
            }),
            max_replicas_per_node: p.max_replicas.filter(|m| *m != 0).map(Int),
        };
        if pl != Placement::default() {
            d.placement = Some(pl);
        }
    }
    if let Some(r) = &task.resources {
        let limits = r.limits.as_ref().map(|l| ResourceLimits {
            cpus: l
                .nano_cpus
                .filter(|n| *n != 0)
                .map(|n| Scalar::Str(super::values::go_float(n as f64 / 1e9))),
            memory: l.memory_bytes.filter(|n| *n != 0).map(Scalar::Int),
            pids: l.pids.filter(|n| *n != 0).map(Int),
        });
        let reservations = r.reservations.as_ref().map(|l| ResourceReservations {
            cpus: l
                .nano_cpus
                .filter(|n| *n != 0)
                .map(|n| Scalar::Str(super::values::go_float(n as f64 / 1e9))),
            memory: l.memory_bytes.filter(|n| *n != 0).map(Scalar::Int),
            generic_resources: None,
        });
        if limits.is_some() || reservations.is_some() {
            d.resources = Some(Resources {
                limits,
                reservations,
            });
        }
    }
    if let Some(r) = &task.restart_policy {
        d.restart_policy = Some(RestartPolicy {
            condition: r.condition.map(|c| c.to_string()),
            delay: dur(r.delay),
            max_attempts: r.max_attempts.map(Int),
            window: dur(r.window),
        });
    }
    if let Some(u) = &spec.update_config {
        d.update_config = Some(UpdateConfig {
            parallelism: u.parallelism.map(Int),
            delay: dur(u.delay),
            failure_action: u.failure_action.map(|x| x.to_string()),
            monitor: dur(u.monitor),
            max_failure_ratio: u.max_failure_ratio.filter(|r| *r != 0.0),
            order: u.order.map(|x| x.to_string()),
        });
    }
    if let Some(u) = &spec.rollback_config {
        d.rollback_config = Some(UpdateConfig {
            parallelism: u.parallelism.map(Int),
            delay: dur(u.delay),
            failure_action: u.failure_action.map(|x| x.to_string()),
            monitor: dur(u.monitor),
            max_failure_ratio: u.max_failure_ratio.filter(|r| *r != 0.0),
            order: u.order.map(|x| x.to_string()),
        });
    }
    if d != Deploy::default() {
        s.deploy = Some(d);
    }
    s
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::convert::{Desired, convert};
    use crate::files::MemFiles;
    use crate::interpolate::Env;
    use crate::load::load_sources;

    #[test]
    fn stored_file_round_trips_through_a_config() {
        let src = [Source {
            name: "s.yml".into(),
            text: "services:\n  a:\n    image: x\n".into(),
        }];
        let f = SourceFile::new("st", &src);
        assert!(f.config_name.starts_with("st_swarmtop-source-"));
        let cfg = Config {
            spec: Some(f.config_spec("st")),
            ..Default::default()
        };
        assert_eq!(
            stored(&[cfg]),
            Some(StackFile::Stored {
                text: src[0].text.clone(),
                files: vec!["s.yml".into()]
            })
        );
    }

    #[test]
    fn reconstructed_file_converts_back_to_the_same_specs() {
        let text = "services:\n  web:\n    image: busybox:1\n    command: [sleep, '3600']\n    environment: [A=1]\n    stop_grace_period: 1s\n    networks:\n      front: {aliases: [www]}\n    ports: ['8080:80']\n    deploy:\n      replicas: 2\n      placement: {constraints: [node.role==worker]}\n      resources: {limits: {cpus: '0.5', memory: 64M}}\n      update_config: {parallelism: 2, delay: 5s}\nnetworks:\n  front: {attachable: true}\n";
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
        let d = convert(&MemFiles::new(), "st", &l).unwrap();
        let services = live_services(&d);
        let networks: Vec<Network> = d
            .networks
            .values()
            .map(|n| Network {
                name: Some(n.name.clone()),
                driver: n.driver.clone(),
                attachable: n.attachable,
                labels: n.labels.clone(),
                ..Default::default()
            })
            .collect();
        let rebuilt = reconstruct("st", &services, &networks, &[], &[]);
        assert!(
            rebuilt.starts_with("# Reconstructed by swarmtop"),
            "{rebuilt}"
        );
        let l2 = load_sources(
            &MemFiles::new(),
            &[Source {
                name: "r.yml".into(),
                text: rebuilt.clone(),
            }],
            Path::new("/"),
            &Env::new(),
        )
        .unwrap_or_else(|e| panic!("{e}\n{rebuilt}"));
        let d2 = convert(&MemFiles::new(), "st", &l2).unwrap();
        assert_eq!(d2.services, d.services, "{rebuilt}");
        assert_eq!(d2.networks, d.networks, "{rebuilt}");
    }

    /// The converted specs as the engine would list them.
    fn live_services(d: &Desired) -> Vec<Service> {
        d.services
            .values()
            .map(|s| Service {
                spec: Some(s.clone()),
                ..Default::default()
            })
            .collect()
    }

    /// Loads and converts `text`, rebuilds a file from the specs, and converts that again.
    fn rebuild(text: &str) -> (Desired, String, Desired) {
        rebuild_with(text, &Env::new())
    }

    /// `rebuild` with the variables `env` set for both loads.
    fn rebuild_with(text: &str, env: &Env) -> (Desired, String, Desired) {
        let load = |text: &str| {
            let src = Source {
                name: "s.yml".into(),
                text: text.into(),
            };
            let l = load_sources(&MemFiles::new(), &[src], Path::new("/"), env)
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
            convert(&MemFiles::new(), "st", &l).unwrap_or_else(|e| panic!("{e}\n{text}"))
        };
        let d = load(text);
        let services = live_services(&d);
        let rebuilt = reconstruct("st", &services, &[], &[], &[]);
        let d2 = load(&rebuilt);
        (d, rebuilt, d2)
    }

    /// Found by the compose_roundtrip fuzzer: `stop_grace_period: 0s` (stop at once) was left
    /// out of the rebuilt file, which gives the engine's default of 10s.
    #[test]
    fn reconstructed_file_keeps_a_zero_grace_period() {
        let (d, rebuilt, d2) =
            rebuild("services:\n  web:\n    image: busybox:1\n    stop_grace_period: 0s\n");
        assert!(rebuilt.contains("stop_grace_period: 0s"), "{rebuilt}");
        assert_eq!(d2.services, d.services, "{rebuilt}");
    }

    /// Found by the compose_roundtrip fuzzer: two entries of one name (`{"A=1": null, A: 2}`
    /// in a file, or `-e A=1 -e A=2` on the CLI) came back as one, so a redeploy changed them.
    #[test]
    fn reconstructed_file_keeps_two_entries_of_one_name() {
        let (d, rebuilt, d2) = rebuild(
            "services:\n  web:\n    image: busybox:1\n    environment:\n      \"A=1\":\n      A: \"2\"\n",
        );
        let env = |d: &Desired| {
            d.services["st_web"]
                .task_template
                .as_ref()?
                .container_spec
                .as_ref()?
                .env
                .clone()
        };
        assert_eq!(env(&d), Some(vec!["A=1".to_string(), "A=2".to_string()]));
        assert_eq!(d2.services, d.services, "{rebuilt}");
    }

    /// Named volumes (the stack's own with driver options, and an external one) and the
    /// options of volume, bind and tmpfs mounts come back in the rebuilt file.
    #[test]
    fn reconstructed_file_keeps_volumes_and_mount_options() {
        let (d, rebuilt, d2) = rebuild(
            "services:\n  db:\n    image: busybox:1\n    volumes:\n      - type: volume\n        source: data\n        target: /data\n        volume:\n          nocopy: true\n      - type: bind\n        source: /srv\n        target: /srv\n        bind:\n          propagation: rslave\n      - type: tmpfs\n        target: /scratch\n        tmpfs:\n          size: 1000\n      - shared:/shared\nvolumes:\n  data:\n    driver_opts:\n      type: tmpfs\n      device: tmpfs\n  shared:\n    external: true\n",
        );
        assert!(rebuilt.contains("external: true"), "{rebuilt}");
        assert!(rebuilt.contains("propagation: rslave"), "{rebuilt}");
        assert_eq!(d2.services, d.services, "{rebuilt}");
    }

    /// Found with the compose_roundtrip fuzz target's property: a `$` in a live spec was
    /// interpolated when the rebuilt file was deployed (`$HOME` became the operator's home).
    #[test]
    fn reconstructed_file_keeps_dollars_literal() {
        let text = "services:\n  web:\n    image: busybox:1\n    environment: [C=$$x]\n    command: sh -c 'echo $${HOME} $$$$'\n    labels: {a: $$b}\n";
        let env = Env::from([("HOME".to_string(), "/home/operator".to_string())]);
        let (d, rebuilt, d2) = rebuild_with(text, &env);
        assert!(rebuilt.contains("C=$$x"), "{rebuilt}");
        assert_eq!(d2.services, d.services, "{rebuilt}");
    }

    /// Found by the compose_roundtrip fuzzer: a network's subnet was lost in the rebuilt file.
    #[test]
    fn reconstructed_network_keeps_its_subnet() {
        let text = "services:\n  web:\n    image: busybox:1\n    networks: [back]\nnetworks:\n  back:\n    ipam:\n      config:\n        - subnet: 10.231.0.0/24\n";
        let load = |text: &str| {
            let src = Source {
                name: "s.yml".into(),
                text: text.into(),
            };
            convert(
                &MemFiles::new(),
                "st",
                &load_sources(&MemFiles::new(), &[src], Path::new("/"), &Env::new()).unwrap(),
            )
            .unwrap()
        };
        let d = load(text);
        let services = live_services(&d);
        // as the engine shows it: its own IPAM driver name, the gateway it picked
        let networks: Vec<Network> = d
            .networks
            .values()
            .map(|n| Network {
                name: Some(n.name.clone()),
                driver: n.driver.clone(),
                labels: n.labels.clone(),
                ipam: Some(bollard_stubs::models::Ipam {
                    driver: Some("default".into()),
                    config: Some(vec![bollard_stubs::models::IpamConfig {
                        subnet: Some("10.231.0.0/24".into()),
                        gateway: Some("10.231.0.1".into()),
                        ..Default::default()
                    }]),
                    options: None,
                }),
                ..Default::default()
            })
            .collect();
        let rebuilt = reconstruct("st", &services, &networks, &[], &[]);
        assert!(rebuilt.contains("subnet: 10.231.0.0/24"), "{rebuilt}");
        assert!(!rebuilt.contains("driver: default"), "{rebuilt}");
        assert_eq!(load(&rebuilt).networks, d.networks, "{rebuilt}");
    }
}
