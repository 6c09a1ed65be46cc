//! Every swarm at a glance: which swarms (`targets`: config.yaml's `fleet:`, else every docker
//! context, each resolved as `--context NAME` would be), and one reading of each (`check`):
//! `/info`, the nodes, the services with their counts and the tasks the problems need, then
//! nothing more. Read-only by construction (the gate is closed), bounded in time and in how
//! many are checked at once; a connection is dropped (its ssh process with it) as soon as its
//! answer, or its deadline, is there.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;

use crate::access::Gate;
use crate::connect::context_store::DEFAULT_CONTEXT;
use crate::connect::{ConnectOptions, ContextStore, Endpoint, Env, resolve};
use crate::engine::{Engine, EngineError};
use swarmtop_model::cluster::{
    Cluster, Task, node_id, node_state, service_counts, service_id, service_is_degraded,
};
use swarmtop_model::fleet::{Health, Line, Status, Via, not_manager, short_reason};
use swarmtop_settings::config::{FleetEntry, Intervals};

/// How long one swarm may take to answer everything.
pub const DEADLINE: Duration = Duration::from_secs(5);
/// Swarms checked at once.
pub const AT_ONCE: usize = 8;

/// One swarm to check: its line as shown before the answer, and where it is.
#[derive(Debug, Clone)]
pub struct Target {
    pub line: Line,
    /// Where to connect, or why it cannot be worked out (a context not found, a bad URL).
    pub endpoint: Result<Endpoint, String>,
}

/// The fleet: `entries` (config.yaml's `fleet:`) when there are any, else the default context
/// and every context in the docker CLI's store, by name. Each resolved as the docker CLI would
/// (`--context NAME`, or `--host URL`); no network I/O.
pub fn targets(entries: &[FleetEntry], env: &dyn Env) -> Vec<Target> {
    let listed: Vec<FleetEntry> = if entries.is_empty() {
        let store = ContextStore::new(&env.docker_config_dir());
        std::iter::once(DEFAULT_CONTEXT.to_string())
            .chain(store.list().into_iter().map(|c| c.name))
            .map(|name| FleetEntry { name, url: None })
            .collect()
    } else {
        entries.to_vec()
    };
    listed
        .into_iter()
        .map(|e| {
            let (opts, via) = match &e.url {
                None => (
                    ConnectOptions {
                        context: Some(e.name.clone()),
                        ..Default::default()
                    },
                    Via::Context(e.name.clone()),
                ),
                Some(url) => (
                    ConnectOptions {
                        hosts: vec![url.clone()],
                        ..Default::default()
                    },
                    Via::Host(url.clone()),
                ),
            };
            let endpoint = resolve(&opts, env)
                .map_err(|err| err.to_string())
                .and_then(|eps| {
                    eps.into_iter()
                        .next()
                        .ok_or_else(|| "no endpoint to connect to".to_string())
                });
            let shown = match &endpoint {
                Ok(ep) => ep.host.to_string(),
                Err(_) => e.url.clone().unwrap_or_default(),
            };
            Target {
                line: Line {
                    name: e.name,
                    endpoint: shown,
                    via,
                    status: match &endpoint {
                        Ok(_) => Status::Checking,
                        Err(why) => Status::Unreachable(why.clone()),
                    },
                },
                endpoint,
            }
        })
        .collect()
}

/// Reads one swarm's health within `deadline`; every way it can fail is a status in words.
pub async fn check(endpoint: &Endpoint, deadline: Duration) -> Status {
    let label = endpoint.host.to_string();
    match tokio::time::timeout(deadline, read(endpoint)).await {
        Ok(Ok(status)) => status,
        Ok(Err(e)) => Status::Unreachable(short_reason(&e.to_string(), &label)),
        Err(_) => Status::Unreachable(format!(
            "no answer within {} s",
            deadline.as_secs_f64().round() as u64
        )),
    }
}

async fn read(endpoint: &Endpoint) -> Result<Status, EngineError> {
    // only reads leave: whatever the session may do, the fleet changes nothing
    let gate = Gate::open();
    gate.close("the fleet view only reads".into());
    let engine = Engine::connect(endpoint, &gate).await?;
    let info = engine.info().await?;
    if let Some(why) = not_manager(&info) {
        return Ok(Status::NotManager(why));
    }
    let (nodes, services) = tokio::join!(engine.nodes(), engine.services());
    let (nodes, services) = (nodes?, services?);
    let tasks = read_tasks(&engine, &nodes, &services).await?;
    let c = Cluster::new(
        Some(info),
        nodes,
        services,
        tasks,
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let version = engine.version.version.clone().unwrap_or_default();
    Ok(Status::Swarm(Box::new(Health::of(
        &c,
        &version,
        Utc::now(),
    ))))
}

/// The tasks the problems need: every task of a small swarm (as the TUI's first load reads
/// them); of a large one (`Intervals::large_swarm` tasks that should run: tens of megabytes),
/// only those of its degraded services and on its nodes that are down, as the TUI's worker
/// keeps for its problems view there.
async fn read_tasks(
    engine: &Engine,
    nodes: &[bollard::models::Node],
    services: &[bollard::models::Service],
) -> Result<Vec<Task>, EngineError> {
    let desired: u64 = services.iter().map(|s| service_counts(s).1).sum();
    if desired < Intervals::default().large_swarm as u64 {
        return engine.tasks(HashMap::new()).await;
    }
    let degraded: Vec<String> = services
        .iter()
        .filter(|s| service_is_degraded(s))
        .map(|s| service_id(s).to_string())
        .collect();
    let down: Vec<String> = nodes
        .iter()
        .filter(|n| node_state(n) != bollard::models::NodeState::READY)
        .map(|n| node_id(n).to_string())
        .collect();
    let mut out: Vec<Task> = Vec::new();
    for (key, ids) in [("service", degraded), ("node", down)] {
        if ids.is_empty() {
            continue;
        }
        for t in engine
            .tasks(HashMap::from([(key.to_string(), ids)]))
            .await?
        {
            if !out.iter().any(|o| o.id == t.id) {
                out.push(t);
            }
        }
    }
    Ok(out)
}

/// Checks every target, `AT_ONCE` at a time, each within `deadline`; `answer` is told each
/// line's index and status as it comes, slow ones never holding the others. Targets whose
/// endpoint could not be worked out are not checked (their line already says why).
pub async fn check_all(
    targets: &[Target],
    deadline: Duration,
    mut answer: impl FnMut(usize, Status),
) {
    let mut to_check: Vec<(usize, Endpoint)> = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        if let Ok(ep) = &t.endpoint {
            to_check.push((i, ep.clone()));
        }
    }
    let work = to_check
        .into_iter()
        .map(|(i, ep)| async move { (i, check(&ep, deadline).await) });
    let mut answers = futures_util::stream::iter(work).buffer_unordered(AT_ONCE);
    while let Some((i, status)) = answers.next().await {
        answer(i, status);
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::connect::context_store::testing::write_context;

    struct MapEnv(PathBuf);
    impl Env for MapEnv {
        fn var(&self, k: &str) -> Option<String> {
            (k == "DOCKER_CONFIG").then(|| self.0.display().to_string())
        }
        fn home(&self) -> Option<PathBuf> {
            Some(self.0.clone())
        }
    }

    fn names(t: &[Target]) -> Vec<&str> {
        t.iter().map(|t| t.line.name.as_str()).collect()
    }

    #[test]
    fn every_context_and_the_default_one_without_a_list() {
        let d = tempfile::tempdir().unwrap();
        write_context(d.path(), "prod", "ssh://root@prod-1", false);
        write_context(d.path(), "lab", "unix:///tmp/lab.sock", false);
        let t = targets(&[], &MapEnv(d.path().to_path_buf()));
        assert_eq!(names(&t), ["default", "lab", "prod"]);
        assert_eq!(t[2].line.endpoint, "ssh://root@prod-1");
        assert_eq!(t[2].line.via, Via::Context("prod".into()));
        assert_eq!(t[2].line.status, Status::Checking);
        assert_eq!(
            t[0].line.endpoint, "unix:///var/run/docker.sock",
            "default: the local socket here"
        );
    }

    #[test]
    fn the_configured_list_in_its_order_and_what_cannot_be_resolved() {
        let d = tempfile::tempdir().unwrap();
        write_context(d.path(), "prod", "ssh://root@prod-1", false);
        let entries = [
            FleetEntry {
                name: "missing".into(),
                url: None,
            },
            FleetEntry {
                name: "edge".into(),
                url: Some("tcp://10.0.0.9:2375".into()),
            },
            FleetEntry {
                name: "prod".into(),
                url: None,
            },
        ];
        let t = targets(&entries, &MapEnv(d.path().to_path_buf()));
        assert_eq!(names(&t), ["missing", "edge", "prod"]);
        match &t[0].line.status {
            Status::Unreachable(why) => {
                assert!(why.contains("context \"missing\" not found"), "{why}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(t[1].line.via, Via::Host("tcp://10.0.0.9:2375".into()));
        assert_eq!(t[1].line.endpoint, "tcp://10.0.0.9:2375");
    }

    #[tokio::test]
    async fn a_dead_socket_says_so_and_a_manager_answers_with_its_health() {
        let demo = swarmtop_sim::demo::Demo::start().await.unwrap();
        let d = tempfile::tempdir().unwrap();
        let dead = Endpoint::unix_socket("dead", d.path().join("nothing.sock"));
        let live = Endpoint::unix_socket("demo", demo.socket.clone());
        let t = [
            Target {
                line: line("dead"),
                endpoint: Ok(dead),
            },
            Target {
                line: line("demo"),
                endpoint: Ok(live),
            },
        ];
        let mut got = vec![Status::Checking; 2];
        check_all(&t, DEADLINE, |i, s| got[i] = s).await;
        match &got[0] {
            Status::Unreachable(why) => assert!(why.starts_with("no socket at"), "{why}"),
            other => panic!("{other:?}"),
        }
        // the demo has a node down: the line says it as the problems view does
        match &got[1] {
            Status::Swarm(h) => {
                assert!(h.nodes_down >= 1, "{h:?}");
                assert!(h.worst.is_some(), "{h:?}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn an_engine_that_never_answers_is_given_up_at_the_deadline() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("mute.sock");
        let listener = tokio::net::UnixListener::bind(&path).unwrap();
        // accepts, reads nothing, answers nothing
        let held = tokio::spawn(async move {
            let mut kept = Vec::new();
            while let Ok((conn, _)) = listener.accept().await {
                kept.push(conn);
            }
        });
        let mute = Endpoint::unix_socket("mute", path);
        let status = check(&mute, Duration::from_secs(1)).await;
        assert_eq!(status, Status::Unreachable("no answer within 1 s".into()));
        held.abort();
    }

    fn line(name: &str) -> Line {
        Line {
            name: name.into(),
            endpoint: String::new(),
            via: Via::Context(name.into()),
            status: Status::Checking,
        }
    }
}
