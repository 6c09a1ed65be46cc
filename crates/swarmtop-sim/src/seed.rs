//! Clusters by size and seed: nodes, stacks of services with their networks, secrets and
//! configs, a running task per slot and earlier tasks per slot — the same seed and time give
//! the same cluster. Generation places tasks itself (round robin), so a 20,000-task cluster is
//! built in well under a second.

use std::collections::HashMap;
use std::sync::Arc;

use bollard::models::{
    ConfigSpec, EndpointPortConfig, EndpointPortConfigProtocolEnum,
    EndpointPortConfigPublishModeEnum, EndpointSpec, EndpointSpecModeEnum, EngineDescription,
    EngineDescriptionPlugins, ManagerStatus, Network, NetworkAttachmentConfig, Node,
    NodeDescription, NodeSpec, NodeSpecAvailabilityEnum, NodeSpecRoleEnum, NodeState, NodeStatus,
    Platform, Reachability, ResourceObject, SecretSpec, ServiceSpec, ServiceSpecMode,
    ServiceSpecModeReplicated, ServiceSpecRollbackConfig,
    ServiceSpecRollbackConfigFailureActionEnum, ServiceSpecRollbackConfigOrderEnum,
    ServiceSpecUpdateConfig, ServiceSpecUpdateConfigFailureActionEnum,
    ServiceSpecUpdateConfigOrderEnum, TaskSpec, TaskSpecContainerSpec,
    TaskSpecContainerSpecConfigs, TaskSpecContainerSpecDnsConfig, TaskSpecContainerSpecFile,
    TaskSpecContainerSpecFile1, TaskSpecContainerSpecIsolationEnum, TaskSpecContainerSpecSecrets,
    TaskSpecPlacement, TaskSpecResources, TaskSpecRestartPolicy,
    TaskSpecRestartPolicyConditionEnum, TaskState,
};

use super::model::{Model, SlotKey};
use super::rng::Rng;
use super::scheduler::TaskSeed;
use super::time::{Nanos, SECOND, rfc3339};

/// How big a cluster to make, and from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSpec {
    pub nodes: usize,
    pub managers: usize,
    pub services: usize,
    pub tasks_per_service: usize,
    /// Earlier (shut down) tasks kept per slot besides the running one.
    pub history: usize,
    pub seed: u64,
}

impl Default for SeedSpec {
    fn default() -> Self {
        SeedSpec::small()
    }
}

impl SeedSpec {
    /// S: 3 nodes, 20 services, 60 tasks.
    pub fn small() -> SeedSpec {
        SeedSpec {
            nodes: 3,
            managers: 1,
            services: 20,
            tasks_per_service: 3,
            history: 1,
            seed: 1,
        }
    }

    /// M: 50 nodes, 500 services, 5,000 tasks.
    pub fn medium() -> SeedSpec {
        SeedSpec {
            nodes: 50,
            managers: 3,
            services: 500,
            tasks_per_service: 10,
            history: 1,
            seed: 1,
        }
    }

    /// L: 200 nodes, 2,000 services, 20,000 tasks.
    pub fn large() -> SeedSpec {
        SeedSpec {
            nodes: 200,
            managers: 5,
            services: 2000,
            tasks_per_service: 10,
            history: 1,
            seed: 1,
        }
    }

    /// XL: 1,000 nodes, 5,000 services, 50,000 tasks: the largest swarms reported (Docker's
    /// own scale test ran 1,000 nodes).
    pub fn extra_large() -> SeedSpec {
        SeedSpec {
            nodes: 1000,
            managers: 5,
            services: 5000,
            tasks_per_service: 10,
            history: 1,
            seed: 1,
        }
    }

    /// A size by its name: S, M, L or XL (any case).
    pub fn named(name: &str) -> Option<SeedSpec> {
        match name.to_ascii_uppercase().as_str() {
            "S" => Some(SeedSpec::small()),
            "M" => Some(SeedSpec::medium()),
            "L" => Some(SeedSpec::large()),
            "XL" => Some(SeedSpec::extra_large()),
            _ => None,
        }
    }

    /// Running tasks the cluster will have.
    pub fn running_tasks(&self) -> usize {
        self.services * self.tasks_per_service
    }
}

const STACKS: [&str; 20] = [
    "shop",
    "billing",
    "auth",
    "search",
    "media",
    "ledger",
    "notify",
    "ingest",
    "report",
    "chat",
    "maps",
    "orders",
    "catalog",
    "payments",
    "crm",
    "analytics",
    "gateway",
    "identity",
    "inventory",
    "shipping",
];

/// (role, image template: `{stack}` and `{v}` are filled in).
const ROLES: [(&str, &str); 8] = [
    ("web", "registry.example.com/{stack}/web:{v}"),
    ("api", "registry.example.com/{stack}/api:{v}"),
    ("worker", "registry.example.com/{stack}/worker:{v}"),
    ("cache", "redis:7.2.{p}-alpine"),
    ("db", "postgres:16.{p}"),
    ("queue", "rabbitmq:3.13.{p}-management"),
    ("cron", "registry.example.com/{stack}/cron:{v}"),
    ("metrics", "prom/statsd-exporter:v0.26.{p}"),
];

const PLUGINS: [(&str, &str); 8] = [
    ("Log", "json-file"),
    ("Log", "journald"),
    ("Log", "local"),
    ("Network", "bridge"),
    ("Network", "host"),
    ("Network", "overlay"),
    ("Network", "null"),
    ("Volume", "local"),
];

pub const STACK_LABEL: &str = "com.docker.stack.namespace";

/// The parts of a node that vary.
#[derive(Debug, Clone, Copy)]
pub struct NodeShape<'a> {
    pub hostname: &'a str,
    pub manager: bool,
    pub addr: &'a str,
    pub cpus: i64,
    pub mem_gib: i64,
    pub engine: &'a str,
    pub labels: &'a [(&'a str, &'a str)],
}

/// A node as the engine describes it.
pub fn node(s: &NodeShape<'_>, created: Nanos) -> Node {
    let NodeShape {
        hostname,
        manager,
        addr,
        cpus,
        mem_gib,
        engine,
        labels,
    } = *s;
    Node {
        id: None,
        version: None,
        created_at: Some(rfc3339(created)),
        updated_at: Some(rfc3339(created)),
        spec: Some(NodeSpec {
            name: None,
            labels: Some(
                labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            role: Some(if manager {
                NodeSpecRoleEnum::MANAGER
            } else {
                NodeSpecRoleEnum::WORKER
            }),
            availability: Some(NodeSpecAvailabilityEnum::ACTIVE),
        }),
        description: Some(NodeDescription {
            hostname: Some(hostname.to_string()),
            platform: Some(Platform {
                architecture: Some("x86_64".into()),
                os: Some("linux".into()),
            }),
            resources: Some(ResourceObject {
                nano_cpus: Some(cpus * 1_000_000_000),
                memory_bytes: Some(mem_gib << 30),
                generic_resources: None,
            }),
            engine: Some(EngineDescription {
                engine_version: Some(engine.to_string()),
                labels: Some(HashMap::new()),
                plugins: Some(
                    PLUGINS
                        .iter()
                        .map(|(t, n)| EngineDescriptionPlugins {
                            typ: Some(t.to_string()),
                            name: Some(n.to_string()),
                        })
                        .collect(),
                ),
            }),
            tls_info: None,
        }),
        status: Some(NodeStatus {
            state: Some(NodeState::READY),
            message: None,
            addr: Some(addr.to_string()),
        }),
        manager_status: manager.then(|| ManagerStatus {
            leader: Some(false),
            reachability: Some(Reachability::REACHABLE),
            addr: Some(format!("{addr}:2377")),
        }),
    }
}

/// The parts of a service spec that vary.
pub struct ServiceShape<'a> {
    pub name: &'a str,
    pub stack: Option<&'a str>,
    pub image: &'a str,
    pub replicas: Option<i64>,
    pub args: &'a [&'a str],
    pub constraints: &'a [String],
    pub network: Option<&'a str>,
    pub secret: Option<(&'a str, &'a str)>,
    pub config: Option<(&'a str, &'a str)>,
    pub port: Option<i64>,
    pub memory_reservation: i64,
    pub container_labels: &'a [(&'a str, &'a str)],
    pub update_delay: Nanos,
}

/// A service spec shaped like what `docker stack deploy` sends.
pub fn service_spec(s: &ServiceShape<'_>) -> ServiceSpec {
    let mut labels = HashMap::new();
    let mut clabels: HashMap<String, String> = s
        .container_labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Some(stack) = s.stack {
        labels.insert(STACK_LABEL.to_string(), stack.to_string());
        labels.insert("com.docker.stack.image".to_string(), s.image.to_string());
        clabels.insert(STACK_LABEL.to_string(), stack.to_string());
    }
    let short = s
        .stack
        .and_then(|st| s.name.strip_prefix(&format!("{st}_")))
        .unwrap_or(s.name);
    ServiceSpec {
        name: Some(s.name.to_string()),
        labels: Some(labels),
        task_template: Some(TaskSpec {
            container_spec: Some(TaskSpecContainerSpec {
                image: Some(s.image.to_string()),
                labels: Some(clabels),
                args: (!s.args.is_empty()).then(|| s.args.iter().map(|a| a.to_string()).collect()),
                env: Some(vec![
                    "APP_ENV=production".into(),
                    format!("SERVICE={short}"),
                ]),
                init: Some(false),
                stop_grace_period: Some(10 * SECOND),
                dns_config: Some(TaskSpecContainerSpecDnsConfig::default()),
                isolation: Some(TaskSpecContainerSpecIsolationEnum::DEFAULT),
                secrets: s.secret.map(|(id, name)| {
                    vec![TaskSpecContainerSpecSecrets {
                        file: Some(TaskSpecContainerSpecFile {
                            name: Some(name.to_string()),
                            uid: Some("0".into()),
                            gid: Some("0".into()),
                            mode: Some(0o444),
                        }),
                        secret_id: Some(id.to_string()),
                        secret_name: Some(name.to_string()),
                    }]
                }),
                configs: s.config.map(|(id, name)| {
                    vec![TaskSpecContainerSpecConfigs {
                        file: Some(TaskSpecContainerSpecFile1 {
                            name: Some(format!("/etc/{short}/config.yml")),
                            uid: Some("0".into()),
                            gid: Some("0".into()),
                            mode: Some(0o444),
                        }),
                        runtime: None,
                        config_id: Some(id.to_string()),
                        config_name: Some(name.to_string()),
                    }]
                }),
                ..Default::default()
            }),
            resources: Some(TaskSpecResources {
                limits: Some(Default::default()),
                reservations: Some(ResourceObject {
                    memory_bytes: (s.memory_reservation > 0).then_some(s.memory_reservation),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            restart_policy: Some(TaskSpecRestartPolicy {
                condition: Some(TaskSpecRestartPolicyConditionEnum::ANY),
                delay: Some(5 * SECOND),
                max_attempts: Some(0),
                window: None,
            }),
            placement: Some(TaskSpecPlacement {
                constraints: (!s.constraints.is_empty()).then(|| s.constraints.to_vec()),
                ..Default::default()
            }),
            force_update: Some(0),
            runtime: Some("container".into()),
            networks: s.network.map(|n| {
                vec![NetworkAttachmentConfig {
                    target: Some(n.to_string()),
                    aliases: Some(vec![short.to_string()]),
                    driver_opts: None,
                }]
            }),
            ..Default::default()
        }),
        mode: Some(match s.replicas {
            Some(r) => ServiceSpecMode {
                replicated: Some(ServiceSpecModeReplicated { replicas: Some(r) }),
                ..Default::default()
            },
            None => ServiceSpecMode {
                global: Some(HashMap::new()),
                ..Default::default()
            },
        }),
        update_config: Some(ServiceSpecUpdateConfig {
            parallelism: Some(1),
            delay: Some(s.update_delay),
            failure_action: Some(ServiceSpecUpdateConfigFailureActionEnum::PAUSE),
            monitor: Some(5 * SECOND),
            max_failure_ratio: Some(0.0),
            order: Some(ServiceSpecUpdateConfigOrderEnum::STOP_FIRST),
        }),
        rollback_config: Some(ServiceSpecRollbackConfig {
            parallelism: Some(1),
            delay: Some(0),
            failure_action: Some(ServiceSpecRollbackConfigFailureActionEnum::PAUSE),
            monitor: Some(5 * SECOND),
            max_failure_ratio: Some(0.0),
            order: Some(ServiceSpecRollbackConfigOrderEnum::STOP_FIRST),
        }),
        networks: None,
        endpoint_spec: Some(EndpointSpec {
            mode: Some(EndpointSpecModeEnum::VIP),
            ports: s.port.map(|p| {
                vec![EndpointPortConfig {
                    name: None,
                    protocol: Some(EndpointPortConfigProtocolEnum::TCP),
                    target_port: Some(80),
                    published_port: Some(p),
                    publish_mode: Some(EndpointPortConfigPublishModeEnum::INGRESS),
                }]
            }),
        }),
    }
}

/// An overlay network as the engine lists it.
pub fn overlay(
    id: String,
    name: &str,
    subnet: usize,
    stack: Option<&str>,
    ingress: bool,
    created: Nanos,
) -> Network {
    Network {
        name: Some(name.to_string()),
        id: Some(id),
        created: Some(rfc3339(created)),
        scope: Some("swarm".into()),
        driver: Some("overlay".into()),
        ipam: Some(bollard::models::Ipam {
            driver: Some("default".into()),
            config: Some(vec![bollard::models::IpamConfig {
                subnet: Some(format!("10.{}.{}.0/24", subnet / 256, subnet % 256)),
                gateway: Some(format!("10.{}.{}.1", subnet / 256, subnet % 256)),
                ..Default::default()
            }]),
            options: None,
        }),
        internal: Some(false),
        attachable: Some(false),
        ingress: Some(ingress),
        config_from: Some(bollard::models::ConfigReference {
            network: Some(String::new()),
        }),
        config_only: Some(false),
        options: Some(HashMap::from([(
            "com.docker.network.driver.overlay.vxlanid_list".to_string(),
            (4096 + subnet).to_string(),
        )])),
        labels: stack.map(|s| HashMap::from([(STACK_LABEL.to_string(), s.to_string())])),
        peers: None,
        enable_ipv4: None,
        enable_ipv6: Some(false),
    }
}

fn fill(template: &str, stack: &str, v: &str, p: i64) -> String {
    template
        .replace("{stack}", stack)
        .replace("{v}", v)
        .replace("{p}", &p.to_string())
}

/// A cluster of the given size, as it stands at `now`.
pub fn generate(spec: &SeedSpec, now: Nanos) -> Model {
    let mut m = Model::new(spec.seed, now - 90 * 86_400 * SECOND);
    let mut rng = Rng::new(spec.seed ^ 0x5EED);
    let managers = spec.managers.clamp(1, spec.nodes.max(1));
    let nodes = spec.nodes.max(1);
    let born = now - 90 * 86_400 * SECOND;
    let mut all = Vec::with_capacity(nodes);
    let mut workers = Vec::new();
    for k in 0..nodes {
        let manager = k < managers;
        let hostname = if manager {
            format!("manager-{}", k + 1)
        } else {
            format!("worker-{:03}", k + 1 - managers)
        };
        let addr = format!("10.10.{}.{}", k / 250, k % 250 + 2);
        let cpus = *rng.pick(&[4i64, 8, 16]);
        let mem = *rng.pick(&[16i64, 32, 64]);
        let engine = if rng.chance(0.1) { "25.0.5" } else { "26.1.5" };
        let zone = ["a", "b", "c"][k % 3];
        let n = node(
            &NodeShape {
                hostname: &hostname,
                manager,
                addr: &addr,
                cpus,
                mem_gib: mem,
                engine,
                labels: &[("zone", zone)],
            },
            born + k as Nanos * 60 * SECOND,
        );
        let id = m.add_node(n, born);
        if !manager {
            workers.push(id.clone());
        }
        all.push(id);
    }
    let db_nodes = if workers.is_empty() {
        all.clone()
    } else {
        workers.clone()
    };

    let mut stack_ids: HashMap<String, (String, String, String)> = HashMap::new();
    let ingress = m.rng.id();
    m.seed_network(overlay(ingress, "ingress", 0, None, true, born));
    let mut cursor_all = 0usize;
    let mut cursor_db = 0usize;
    for i in 0..spec.services {
        let stack_no = i / ROLES.len();
        let base = STACKS[stack_no % STACKS.len()];
        let stack = if stack_no < STACKS.len() {
            base.to_string()
        } else {
            format!("{base}{}", stack_no / STACKS.len() + 1)
        };
        let (role, template) = ROLES[i % ROLES.len()];
        let created = now - rng.range(2 * 86_400, 60 * 86_400) * SECOND;
        let (net, secret, config) = stack_ids
            .entry(stack.clone())
            .or_insert_with(|| {
                let net = m.rng.id();
                let n = overlay(
                    net.clone(),
                    &format!("{stack}_default"),
                    stack_no + 1,
                    Some(&stack),
                    false,
                    created,
                );
                m.seed_network(n);
                let labels = HashMap::from([(STACK_LABEL.to_string(), stack.clone())]);
                let secret = m
                    .create_secret(
                        SecretSpec {
                            name: Some(format!("{stack}_db_password")),
                            labels: Some(labels.clone()),
                            ..Default::default()
                        },
                        created,
                    )
                    .unwrap_or_default();
                let config = m
                    .create_config(
                        ConfigSpec {
                            name: Some(format!("{stack}_app_config")),
                            labels: Some(labels),
                            data: Some("bG9nX2xldmVsOiBpbmZvCg==".into()),
                            ..Default::default()
                        },
                        created,
                    )
                    .unwrap_or_default();
                (net, secret, config)
            })
            .clone();
        let (minor, patch) = (rng.range(0, 40), rng.range(1, 20));
        let v = format!("1.{minor}.{patch}");
        let v_old = format!("1.{minor}.{}", patch - 1);
        let image = fill(template, &stack, &v, patch);
        let old_image = fill(template, &stack, &v_old, patch - 1);
        let name = format!("{stack}_{role}");
        let constraints = if role == "db" && !workers.is_empty() {
            vec!["node.role==worker".to_string()]
        } else {
            Vec::new()
        };
        let secret_name = format!("{stack}_db_password");
        let config_name = format!("{stack}_app_config");
        let shape = |image: &str| {
            service_spec(&ServiceShape {
                name: &name,
                stack: Some(&stack),
                image,
                replicas: Some(spec.tasks_per_service as i64),
                args: &[],
                constraints: &constraints,
                network: Some(&net),
                secret: matches!(role, "api" | "db")
                    .then_some((secret.as_str(), secret_name.as_str())),
                config: (role == "web").then_some((config.as_str(), config_name.as_str())),
                port: (role == "web").then_some(30000 + stack_no as i64),
                memory_reservation: if role == "db" { 256 << 20 } else { 0 },
                container_labels: &[],
                update_delay: 10 * SECOND,
            })
        };
        let current = shape(&image);
        let previous = (spec.history > 0).then(|| shape(&old_image));
        let updated = created + rng.range(60, (now - created) / SECOND / 2 + 60) * SECOND;
        let sid = m.seed_service(current, previous, created, updated);
        let (template_now, template_old) = m.templates(&sid);
        let generation = m.services.get(&sid).map(|s| s.generation).unwrap_or(1);
        for slot in 1..=spec.tasks_per_service as i64 {
            let pool = if constraints.is_empty() {
                &all
            } else {
                &db_nodes
            };
            let cursor = if constraints.is_empty() {
                &mut cursor_all
            } else {
                &mut cursor_db
            };
            let node = pool[*cursor % pool.len()].clone();
            *cursor += 1;
            let start = updated + rng.range(1, 30) * SECOND + slot * SECOND;
            let mut older_at = start;
            for h in 0..spec.history {
                let old_node = pool[rng.below(pool.len() as u64) as usize].clone();
                let stopped = older_at - rng.range(1, 5) * SECOND;
                let began = created + (h as i64 + 1) * 60 * SECOND;
                m.seed_task(TaskSeed {
                    service: sid.clone(),
                    slot: SlotKey::Slot(slot),
                    node: Some(old_node),
                    spec: template_old.clone().unwrap_or_else(|| template_now.clone()),
                    generation: generation.saturating_sub(1),
                    state: TaskState::SHUTDOWN,
                    desired: TaskState::SHUTDOWN,
                    created: began,
                    at: stopped.max(began + SECOND),
                    started: Some(began + SECOND),
                    err: None,
                    exit_code: Some(0),
                });
                older_at = began;
            }
            m.seed_task(TaskSeed {
                service: sid.clone(),
                slot: SlotKey::Slot(slot),
                node: Some(node),
                spec: template_now.clone(),
                generation,
                state: TaskState::RUNNING,
                desired: TaskState::RUNNING,
                created: start - SECOND,
                at: start,
                started: Some(start),
                err: None,
                exit_code: None,
            });
        }
    }
    m
}

/// A cluster shaped like the project's test lab (`tests/lab/lab.sh`): `node1` (manager) to
/// `nodeN`, no services. Contract tests run the same scenarios on both.
pub fn lab(nodes: usize, seed: u64, now: Nanos) -> Model {
    let mut m = Model::new(seed, now);
    for k in 1..=nodes.max(1) {
        let mut n = node(
            &NodeShape {
                hostname: &format!("node{k}"),
                manager: k == 1,
                addr: &format!("10.213.99.{}", 10 + k),
                cpus: 2,
                mem_gib: 8,
                engine: super::http::ENGINE_VERSION,
                labels: &[],
            },
            now,
        );
        if let Some(e) = n.description.as_mut().and_then(|d| d.engine.as_mut()) {
            e.labels = Some(HashMap::from([(
                "lab.node".to_string(),
                format!("node{k}"),
            )]));
        }
        m.add_node(n, now);
    }
    let ingress = m.rng.id();
    m.seed_network(overlay(ingress, "ingress", 0, None, true, now));
    m
}

/// The shared task specs of a seeded service (current, previous).
impl Model {
    pub(crate) fn templates(&self, sid: &str) -> (Arc<TaskSpec>, Option<Arc<TaskSpec>>) {
        match self.services.get(sid) {
            Some(s) => {
                let old = s.previous.as_ref().map(|p| {
                    let mut t = p.task_template.clone().unwrap_or_default();
                    t.runtime = None;
                    Arc::new(t)
                });
                (s.template.clone(), old)
            }
            None => (Arc::new(TaskSpec::default()), None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_exact() {
        let spec = SeedSpec {
            nodes: 10,
            managers: 3,
            services: 40,
            tasks_per_service: 4,
            history: 2,
            seed: 9,
        };
        let m = generate(&spec, 1_800_000_000 * SECOND);
        assert_eq!(m.nodes().count(), 10);
        assert_eq!(m.managers().count(), 3);
        assert_eq!(m.services().count(), 40);
        let running = m
            .tasks()
            .filter(|t| t.state() == TaskState::RUNNING)
            .count();
        assert_eq!(running, 160);
        assert_eq!(m.tasks().count(), 160 * 3);
        for s in m.services() {
            let st = m.service_status(s);
            assert_eq!(
                (st.running_tasks, st.desired_tasks),
                (Some(4), Some(4)),
                "{}",
                s.name()
            );
        }
    }

    #[test]
    fn same_seed_same_cluster() {
        let now = 1_800_000_000 * SECOND;
        let a = generate(&SeedSpec::small(), now);
        let b = generate(&SeedSpec::small(), now);
        let ids = |m: &Model| m.tasks().map(|t| t.id().to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&a), ids(&b));
        let json = |m: &Model| serde_json::to_string(&m.nodes().collect::<Vec<_>>()).unwrap();
        assert_eq!(json(&a), json(&b));
        let other = generate(
            &SeedSpec {
                seed: 2,
                ..SeedSpec::small()
            },
            now,
        );
        assert_ne!(ids(&a), ids(&other));
    }

    #[test]
    fn databases_stay_on_workers() {
        let m = generate(&SeedSpec::medium(), 1_800_000_000 * SECOND);
        for s in m.services().filter(|s| s.name().ends_with("_db")) {
            for t in m.tasks_of_service(s.id()) {
                let node = m.node(t.node().unwrap()).unwrap();
                assert_eq!(
                    node.spec.as_ref().unwrap().role,
                    Some(NodeSpecRoleEnum::WORKER)
                );
            }
        }
    }
}
