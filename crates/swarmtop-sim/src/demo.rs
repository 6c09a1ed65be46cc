//! `swarmtop --demo`: a small production-like swarm with the problems an operator meets — a
//! worker down (its tasks rescheduled), a service that cannot be scheduled (pending: no
//! suitable node), a worker that keeps crashing (failed tasks with exit codes), and a rolling
//! update under way. It is made by playing its recent history through the simulator, so
//! tasks, timestamps and events agree with each other; it then keeps living in real time.

use std::path::PathBuf;

use bollard::models::{ConfigSpec, NetworkCreateRequest, SecretSpec, ServiceSpec};

use super::Sim;
use super::containers::{LABEL_IMAGE_DRIFT, LABEL_UNHEALTHY};
use super::model::{LABEL_EXIT_CODE, LABEL_RUN_SECONDS, Model};
use super::seed::{NodeShape, ServiceShape, node, service_spec};
use super::server::{NodeSockets, PrivateDir, SimServer};
use super::time::{Nanos, SECOND};

const MINUTE: Nanos = 60 * SECOND;
const HOUR: Nanos = 60 * MINUTE;
const DAY: Nanos = 24 * HOUR;

/// The worker that is down in the demo.
pub const DOWN_NODE: &str = "wrk-4";
/// The service whose tasks cannot be placed.
pub const PENDING_SERVICE: &str = "analytics_spark";
/// The service whose containers exit non-zero.
pub const CRASHING_SERVICE: &str = "billing_worker";
/// The service in a rolling update.
pub const UPDATING_SERVICE: &str = "shop_web";
/// The service with a task failing its healthcheck.
pub const UNHEALTHY_SERVICE: &str = "shop_api";
/// The service whose replicas run two image IDs (`:latest` pulled at different times).
pub const DRIFTING_SERVICE: &str = "shop_cart";

struct Svc<'a> {
    name: &'a str,
    stack: &'a str,
    image: &'a str,
    replicas: Option<i64>,
    constraints: &'a [&'a str],
    port: Option<i64>,
    memory: i64,
    labels: &'a [(&'a str, &'a str)],
    update_delay: Nanos,
    /// The healthcheck command, if any.
    health: Option<&'a str>,
}

impl<'a> Svc<'a> {
    fn new(name: &'a str, stack: &'a str, image: &'a str, replicas: i64) -> Svc<'a> {
        Svc {
            name,
            stack,
            image,
            replicas: Some(replicas),
            constraints: &[],
            port: None,
            memory: 0,
            labels: &[],
            update_delay: 10 * SECOND,
            health: None,
        }
    }

    fn spec(&self, m: &Model) -> ServiceSpec {
        let net = m
            .network(&format!("{}_default", self.stack))
            .ok()
            .and_then(|n| n.id.clone());
        let constraints: Vec<String> = self.constraints.iter().map(|c| c.to_string()).collect();
        let mut spec = service_spec(&ServiceShape {
            name: self.name,
            stack: Some(self.stack),
            image: self.image,
            replicas: self.replicas,
            args: &[],
            constraints: &constraints,
            network: net.as_deref(),
            secret: None,
            config: None,
            port: self.port,
            memory_reservation: self.memory,
            container_labels: self.labels,
            update_delay: self.update_delay,
        });
        if let (Some(cmd), Some(c)) = (
            self.health,
            spec.task_template
                .as_mut()
                .and_then(|t| t.container_spec.as_mut()),
        ) {
            c.health_check = Some(bollard::models::HealthConfig {
                test: Some(vec!["CMD-SHELL".into(), cmd.into()]),
                interval: Some(10 * SECOND),
                timeout: Some(3 * SECOND),
                retries: Some(3),
                start_period: Some(0),
                start_interval: None,
            });
        }
        spec
    }
}

fn create(m: &mut Model, s: &Svc<'_>, at: Nanos) {
    m.advance(at);
    let spec = s.spec(m);
    // the names are fixed and distinct: creation cannot conflict
    let _ = m.create_service(spec, at);
}

/// Changes a service's image the way `docker service update --image` does.
fn set_image(m: &mut Model, name: &str, image: &str, at: Nanos) {
    m.advance(at);
    let Ok(s) = m.service(name) else {
        return;
    };
    let version = s
        .service
        .version
        .as_ref()
        .and_then(|v| v.index)
        .unwrap_or(0);
    let mut spec = s.spec().clone();
    if let Some(c) = spec
        .task_template
        .as_mut()
        .and_then(|t| t.container_spec.as_mut())
    {
        c.image = Some(image.to_string());
    }
    if let Some(l) = spec.labels.as_mut() {
        l.insert("com.docker.stack.image".into(), image.to_string());
    }
    let _ = m.update_service(name, version, spec, false, at);
}

/// The demo cluster as it stands at `now`.
pub fn build(now: Nanos) -> Model {
    let born = now - 60 * DAY;
    let mut m = Model::new(42, born);
    let shape = |hostname, manager, addr, cpus, mem_gib, engine, labels| NodeShape {
        hostname,
        manager,
        addr,
        cpus,
        mem_gib,
        engine,
        labels,
    };
    let nodes = [
        shape("mgr-1", true, "10.0.1.11", 4, 8, "26.1.5", &[("zone", "a")]),
        shape("mgr-2", true, "10.0.1.12", 4, 8, "26.1.5", &[("zone", "b")]),
        shape("mgr-3", true, "10.0.1.13", 4, 8, "26.1.5", &[("zone", "c")]),
        shape(
            "wrk-1",
            false,
            "10.0.2.21",
            8,
            32,
            "26.1.5",
            &[("zone", "a"), ("db", "true")],
        ),
        shape(
            "wrk-2",
            false,
            "10.0.2.22",
            8,
            32,
            "26.1.5",
            &[("zone", "b")],
        ),
        shape(
            "wrk-3",
            false,
            "10.0.2.23",
            8,
            32,
            "26.1.5",
            &[("zone", "c")],
        ),
        shape(
            "wrk-4",
            false,
            "10.0.2.24",
            8,
            32,
            "26.1.5",
            &[("zone", "a")],
        ),
        shape(
            "wrk-5",
            false,
            "10.0.2.25",
            16,
            64,
            "25.0.5",
            &[("zone", "b")],
        ),
    ];
    for (i, n) in nodes.iter().enumerate() {
        m.add_node(node(n, born + i as Nanos * HOUR), born);
    }

    let setup = now - 30 * DAY;
    for stack in ["shop", "billing", "auth", "monitoring", "analytics", "edge"] {
        let _ = m.create_network(
            NetworkCreateRequest {
                name: format!("{stack}_default"),
                driver: Some("overlay".into()),
                labels: Some([(super::seed::STACK_LABEL.to_string(), stack.to_string())].into()),
                ..Default::default()
            },
            setup,
        );
    }
    let _ = m.create_network(
        NetworkCreateRequest {
            name: "ingress".into(),
            ingress: Some(true),
            ..Default::default()
        },
        born,
    );
    for (name, stack) in [
        ("shop_db_password", "shop"),
        ("billing_stripe_key", "billing"),
        ("auth_jwt_key", "auth"),
    ] {
        let _ = m.create_secret(
            SecretSpec {
                name: Some(name.into()),
                labels: Some([(super::seed::STACK_LABEL.to_string(), stack.to_string())].into()),
                ..Default::default()
            },
            setup,
        );
    }
    for (name, stack) in [
        ("shop_nginx_conf", "shop"),
        ("monitoring_prometheus_yml", "monitoring"),
    ] {
        let _ = m.create_config(
            ConfigSpec {
                name: Some(name.into()),
                labels: Some([(super::seed::STACK_LABEL.to_string(), stack.to_string())].into()),
                data: Some("IyBtYW5hZ2VkIGJ5IHN3YXJtdG9wIGRlbW8K".into()),
                ..Default::default()
            },
            setup,
        );
    }

    let healthy = [
        Svc {
            port: Some(8080),
            update_delay: 40 * SECOND,
            health: Some("curl -fsS http://localhost:8080/healthz"),
            ..Svc::new(
                UPDATING_SERVICE,
                "shop",
                "registry.example.com/shop/web:2.3.0",
                6,
            )
        },
        Svc {
            health: Some("curl -fsS http://localhost:8080/healthz"),
            labels: &[(LABEL_UNHEALTHY, "1")],
            ..Svc::new(
                UNHEALTHY_SERVICE,
                "shop",
                "registry.example.com/shop/api:5.12.0",
                4,
            )
        },
        Svc {
            labels: &[(LABEL_IMAGE_DRIFT, "1")],
            ..Svc::new(
                DRIFTING_SERVICE,
                "shop",
                "registry.example.com/shop/cart:latest",
                2,
            )
        },
        Svc {
            constraints: &["node.labels.db==true"],
            memory: 2 << 30,
            health: Some("pg_isready -U postgres"),
            ..Svc::new("shop_db", "shop", "postgres:16.2", 1)
        },
        Svc::new("shop_cache", "shop", "redis:7.2.4-alpine", 1),
        Svc::new(
            "billing_api",
            "billing",
            "registry.example.com/billing/api:3.4.1",
            2,
        ),
        Svc {
            health: Some("wget -qO- http://localhost:9000/health"),
            ..Svc::new("auth_api", "auth", "registry.example.com/auth/api:2.0.7", 3)
        },
        Svc {
            constraints: &["node.role==worker"],
            ..Svc::new("auth_db", "auth", "postgres:15.6", 1)
        },
        Svc {
            replicas: None,
            ..Svc::new(
                "monitoring_node-exporter",
                "monitoring",
                "prom/node-exporter:v1.7.0",
                0,
            )
        },
        Svc {
            constraints: &["node.role==manager"],
            ..Svc::new(
                "monitoring_prometheus",
                "monitoring",
                "prom/prometheus:v2.51.0",
                1,
            )
        },
        Svc::new(
            "monitoring_grafana",
            "monitoring",
            "grafana/grafana:10.4.1",
            1,
        ),
        Svc {
            constraints: &["node.role==manager"],
            port: Some(443),
            ..Svc::new("edge_traefik", "edge", "traefik:v2.11.0", 2)
        },
    ];
    for (i, s) in healthy.iter().enumerate() {
        create(&mut m, s, setup + i as Nanos * HOUR);
    }

    // yesterday's deploys left earlier tasks behind
    set_image(
        &mut m,
        "shop_api",
        "registry.example.com/shop/api:5.12.1",
        now - DAY,
    );
    set_image(
        &mut m,
        "auth_api",
        "registry.example.com/auth/api:2.0.8",
        now - DAY + 2 * HOUR,
    );

    create(
        &mut m,
        &Svc {
            memory: 96 << 30,
            ..Svc::new(
                PENDING_SERVICE,
                "analytics",
                "registry.example.com/analytics/spark:3.5.1",
                2,
            )
        },
        now - 10 * MINUTE,
    );
    m.advance(now - 6 * MINUTE);
    let _ = m.set_node_down(DOWN_NODE, true, now - 6 * MINUTE);
    // deployed after the node died, so no stale task of it on the down node counts as running
    // (the engine counts those) and it shows as degraded while it crashes
    create(
        &mut m,
        &Svc {
            labels: &[(LABEL_EXIT_CODE, "1"), (LABEL_RUN_SECONDS, "20")],
            ..Svc::new(
                CRASHING_SERVICE,
                "billing",
                "registry.example.com/billing/worker:3.4.1",
                3,
            )
        },
        now - 5 * MINUTE,
    );
    set_image(
        &mut m,
        UPDATING_SERVICE,
        "registry.example.com/shop/web:2.4.0",
        now - 2 * MINUTE,
    );
    m.advance(now);
    m
}

/// Keeps the demo alive: a minute and a half after the rolling update completes, the next
/// version of the service starts rolling out.
pub fn director() -> impl FnMut(&mut Model, Nanos) + Send {
    move |m: &mut Model, now: Nanos| {
        let Ok(s) = m.service(UPDATING_SERVICE) else {
            return;
        };
        if s.update_state() != Some(bollard::models::ServiceUpdateStatusStateEnum::COMPLETED) {
            return;
        }
        let done = s
            .service
            .update_status
            .as_ref()
            .and_then(|u| u.completed_at.as_deref())
            .and_then(super::time::parse_rfc3339)
            .unwrap_or(now);
        if now - done < 90 * SECOND {
            return;
        }
        let next = next_patch(s.image());
        set_image(m, UPDATING_SERVICE, &next, now);
    }
}

/// `repo:2.4.0` → `repo:2.4.1`.
fn next_patch(image: &str) -> String {
    match image.rsplit_once(':') {
        Some((repo, tag)) => match tag.rsplit_once('.') {
            Some((head, patch)) => match patch.parse::<u32>() {
                Ok(p) => format!("{repo}:{head}.{}", p + 1),
                Err(_) => format!("{repo}:{tag}.1"),
            },
            None => format!("{repo}:{tag}.1"),
        },
        None => format!("{image}:1"),
    }
}

impl Sim {
    /// The `--demo` cluster: a node down, a service that cannot be scheduled, one that keeps
    /// crashing, one in a rolling update.
    pub fn demo() -> Sim {
        let sim = Sim::new(build(super::time::now()));
        sim.set_director(Box::new(director()));
        sim
    }
}

/// The demo served on a private socket, for the UI to connect to like any engine, and each
/// node's own engine on `nodes/<hostname>.sock` beside it.
pub struct Demo {
    pub sim: Sim,
    pub socket: PathBuf,
    pub nodes: NodeSockets,
    _server: SimServer,
    _dir: PrivateDir,
}

impl Demo {
    pub async fn start() -> std::io::Result<Demo> {
        let sim = Sim::demo();
        let dir = PrivateDir::new("swarmtop-demo")?;
        let socket = dir.path().join("docker.sock");
        let server = sim.serve_unix(&socket).await?;
        let nodes = sim.serve_nodes(dir.path().join("nodes")).await?;
        Ok(Demo {
            sim,
            socket,
            nodes,
            _server: server,
            _dir: dir,
        })
    }

    /// config.yaml's `node_template` for the demo's node sockets.
    pub fn node_template(&self) -> String {
        self.nodes.template()
    }
}

#[cfg(test)]
mod tests {
    use bollard::models::{NodeState, ServiceUpdateStatusStateEnum, TaskState};

    use super::*;

    #[test]
    fn the_demo_has_its_problems() {
        let now = 1_800_000_000 * SECOND;
        let m = build(now);
        // a node down, its tasks shut down and replaced
        let down = m.node(DOWN_NODE).unwrap();
        assert_eq!(down.status.as_ref().unwrap().state, Some(NodeState::DOWN));
        let down_id = down.id.clone().unwrap();
        assert!(
            m.tasks_on_node(&down_id)
                .any(|t| t.desired() == TaskState::SHUTDOWN)
        );
        assert!(!m.tasks_on_node(&down_id).any(|t| t.is_active()));
        // pending with the scheduler's reason
        let spark = m.service(PENDING_SERVICE).unwrap();
        let pending: Vec<_> = m
            .tasks_of_service(spark.id())
            .filter(|t| t.state() == TaskState::PENDING)
            .collect();
        assert_eq!(pending.len(), 2);
        let err = pending[0]
            .task
            .status
            .as_ref()
            .unwrap()
            .err
            .clone()
            .unwrap();
        assert!(
            err.starts_with("no suitable node (insufficient resources on 7 nodes"),
            "{err}"
        );
        // crashing with exit codes
        let worker = m.service(CRASHING_SERVICE).unwrap();
        let failed = m
            .tasks_of_service(worker.id())
            .filter(|t| t.state() == TaskState::FAILED)
            .count();
        assert!(failed >= 3, "{failed}");
        // rolling
        let web = m.service(UPDATING_SERVICE).unwrap();
        assert_eq!(
            web.update_state(),
            Some(ServiceUpdateStatusStateEnum::UPDATING)
        );
        let images: std::collections::BTreeSet<_> = m
            .tasks_of_service(web.id())
            .filter(|t| t.is_active())
            .map(|t| {
                t.spec
                    .container_spec
                    .as_ref()
                    .unwrap()
                    .image
                    .clone()
                    .unwrap()
            })
            .collect();
        assert_eq!(images.len(), 2, "some slots updated, some not: {images:?}");
        // healthy services are at their replicas; a task left on the down node still counts
        // as running, as the engine counts it
        for name in ["shop_api", "auth_api", "shop_cart", "edge_traefik"] {
            let s = m.service(name).unwrap();
            let st = m.service_status(s);
            assert!(st.running_tasks >= st.desired_tasks, "{name}: {st:?}");
            let active_running = m
                .tasks_of_service(s.id())
                .filter(|t| t.is_active() && t.state() == TaskState::RUNNING)
                .count() as u64;
            assert_eq!(Some(active_running), st.desired_tasks, "{name}");
        }
    }

    #[test]
    fn the_director_starts_the_next_rollout() {
        assert_eq!(next_patch("r.example/web:2.4.0"), "r.example/web:2.4.1");
        let now = 1_800_000_000 * SECOND;
        let mut m = build(now);
        let mut d = director();
        let mut t = now;
        // let the current rollout finish, then give the director its pause
        while m.service(UPDATING_SERVICE).unwrap().update_state()
            != Some(ServiceUpdateStatusStateEnum::COMPLETED)
        {
            t += 10 * SECOND;
            m.advance(t);
            assert!(t < now + 3600 * SECOND, "the rollout never completed");
        }
        for _ in 0..12 {
            t += 10 * SECOND;
            m.advance(t);
            d(&mut m, t);
        }
        let web = m.service(UPDATING_SERVICE).unwrap();
        assert_eq!(web.image(), "registry.example.com/shop/web:2.4.1");
        assert_eq!(
            web.update_state(),
            Some(ServiceUpdateStatusStateEnum::UPDATING)
        );
    }

    #[test]
    fn the_demo_is_repeatable() {
        let now = 1_800_000_000 * SECOND;
        let ids = |m: &Model| m.tasks().map(|t| t.id().to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&build(now)), ids(&build(now)));
    }
}
