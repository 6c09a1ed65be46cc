//! The worker against the simulated engine (the lab's real engine is small; these are the
//! large-swarm ways of reading, forced with a low `large_swarm`).

use std::time::Duration;

use bollard::models::TaskState;
use tokio::sync::mpsc;

use super::*;
use swarmtop_model::cluster::{Cluster, task_is_active, task_state};
use swarmtop_sim::{PrivateDir, SeedSpec, Sim};

struct Setup {
    sim: Sim,
    rx: mpsc::Receiver<EngineMsg>,
    cmd: mpsc::Sender<EngineCmd>,
    cluster: Cluster,
    _server: swarmtop_sim::SimServer,
    _dir: PrivateDir,
}

async fn start(large_swarm: usize) -> Setup {
    start_with(Intervals {
        large_swarm,
        ..Intervals::default()
    })
    .await
}

async fn start_with(intervals: Intervals) -> Setup {
    let sim = Sim::seeded(&SeedSpec {
        nodes: 4,
        managers: 1,
        services: 6,
        tasks_per_service: 3,
        history: 1,
        seed: 3,
    });
    let dir = PrivateDir::new("swarmtop-watch").unwrap();
    let sock = dir.path().join("docker.sock");
    let server = sim.serve_unix(&sock).await.unwrap();
    let endpoint = Endpoint::unix_socket("test", sock);
    let gate = crate::access::Gate::open();
    let engine = Engine::connect(&endpoint, &gate).await.unwrap();
    let (tx, rx) = mpsc::channel(64);
    let (cmd, crx) = mpsc::channel(8);
    let worker = Worker {
        endpoints: vec![endpoint],
        current: 0,
        engines: None,
        tx,
        rx: crx,
        intervals,
        engine: Some(engine),
        gate,
    };
    tokio::spawn(worker.run());
    cmd.send(EngineCmd::WatchTasks(TaskScope::Summary))
        .await
        .unwrap();
    Setup {
        sim,
        rx,
        cmd,
        cluster: Cluster::default(),
        _server: server,
        _dir: dir,
    }
}

impl Setup {
    /// Applies messages as the UI does until `done` says so (a liveness bound, not a timing).
    async fn until(&mut self, what: &str, mut done: impl FnMut(&EngineMsg, &Cluster) -> bool) {
        let wait = async {
            loop {
                let m = self.rx.recv().await.expect("worker stopped");
                match &m {
                    EngineMsg::Loaded(c) => self.cluster.reload_keeping_tasks((**c).clone()),
                    EngineMsg::Part(Part::Services(s)) => self.cluster.set_services(s.clone()),
                    EngineMsg::Part(Part::Nodes(n)) => self.cluster.set_nodes(n.clone()),
                    EngineMsg::Part(Part::Tasks(set, t)) => {
                        self.cluster.merge_tasks(set, t.clone())
                    }
                    EngineMsg::Part(Part::TaskDelta(d)) => self.cluster.apply_task_delta(d.clone()),
                    _ => {}
                }
                if done(&m, &self.cluster) {
                    return;
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(60), wait)
            .await
            .unwrap_or_else(|_| panic!("no {what} within a minute"));
    }

    fn tasks_requests(&self) -> u64 {
        self.sim.requests().get("GET /tasks").copied().unwrap_or(0)
    }
}

fn scale(sim: &Sim, name: &str, replicas: i64) {
    sim.with(|m| {
        let s = m.service(name).ok()?;
        let id = s.id().to_string();
        let version = s.service.version.as_ref()?.index?;
        let mut spec = s.spec().clone();
        spec.mode.as_mut()?.replicated.as_mut()?.replicas = Some(replicas);
        m.update_service(&id, version, spec, false, swarmtop_sim::time::now())
            .ok()
    })
    .expect("scaled");
}

#[tokio::test]
async fn a_large_swarm_shows_objects_first_then_tracked_tasks_and_follows_a_scale() {
    let mut s = start(1).await;
    s.until("first load", |m, _| matches!(m, EngineMsg::Loaded(_)))
        .await;
    // the first frame's data carries no task: the first frame does not wait for them
    assert!(s.cluster.tasks.is_empty());
    assert_eq!(s.cluster.services.len(), 6);
    s.until(
        "the tasks",
        |m, _| matches!(m, EngineMsg::Part(Part::TaskDelta(d)) if d.replace_all),
    )
    .await;
    // every task that should run, and no history of healthy services
    assert_eq!(s.cluster.tasks.len(), 18);
    assert!(s.cluster.tasks.iter().all(task_is_active));
    // kept slim: the image, not the rest of the spec
    let t = &s.cluster.tasks[0];
    assert!(!swarmtop_model::cluster::task_image(t).is_empty());
    assert!(t.spec.is_none());

    let name = swarmtop_model::cluster::service_name(&s.cluster.services[0]).to_string();
    let id = swarmtop_model::cluster::service_id(&s.cluster.services[0]).to_string();
    let before = s.tasks_requests();
    scale(&s.sim, &name, 5);
    // the service event refreshes the services, then the changed service's tasks are read
    s.until("the new replicas", |_, c| {
        c.tasks
            .iter()
            .filter(|t| t.service_id.as_deref() == Some(id.as_str()) && task_is_active(t))
            .count()
            == 5
    })
    .await;
    let reads = s.sim.requests();
    assert!(
        s.tasks_requests() - before <= 3,
        "a scale costs a few filtered task reads, not polling: {reads:?}"
    );

    // the tasks pane wants history too; leaving it lets the history go
    s.cmd
        .send(EngineCmd::WatchTasks(TaskScope::All))
        .await
        .unwrap();
    s.until("every task", |_, c| {
        c.tasks.iter().any(|t| !task_is_active(t))
    })
    .await;
    s.cmd
        .send(EngineCmd::WatchTasks(TaskScope::Summary))
        .await
        .unwrap();
    s.until("history dropped", |_, c| {
        c.tasks
            .iter()
            .all(|t| task_is_active(t) || task_state(t) == TaskState::FAILED)
    })
    .await;
}

#[tokio::test]
async fn a_small_swarm_reads_every_task_after_the_load() {
    let mut s = start(2000).await;
    s.until("first load", |m, _| matches!(m, EngineMsg::Loaded(_)))
        .await;
    assert!(s.cluster.tasks.is_empty());
    s.until("every task", |m, _| {
        matches!(m, EngineMsg::Part(Part::Tasks(TaskSet::All, _)))
    })
    .await;
    // history included, full specs
    assert_eq!(s.cluster.tasks.len(), 36);
    assert!(s.cluster.tasks.iter().any(|t| {
        t.spec
            .as_ref()
            .and_then(|x| x.container_spec.as_ref())
            .and_then(|c| c.env.as_ref())
            .is_some()
    }));
}

/// No resync within a test: what shows, shows by the polls.
fn no_resync() -> Intervals {
    Intervals {
        resync: Duration::from_secs(3600),
        ..Intervals::default()
    }
}

/// Every regular poll answered says so, changed or not, with how often it is asked: the
/// header's "data N ago" counts from it (a large swarm at rest sent nothing for 15 s and the
/// header said its data was old).
#[tokio::test]
async fn every_answered_poll_is_said_with_its_period_even_when_nothing_changed() {
    let mut s = start_with(Intervals {
        services: Duration::from_millis(300),
        ..no_resync()
    })
    .await;
    let mut answers = Vec::new();
    let mut nodes_sent = 0;
    s.until("three answers after the load", |m, _| {
        match m {
            EngineMsg::Answered { every } => answers.push(*every),
            EngineMsg::Part(Part::Nodes(_)) => nodes_sent += 1,
            _ => {}
        }
        answers.len() == 3
    })
    .await;
    assert_eq!(answers, vec![Duration::from_millis(300); 3]);
    assert_eq!(nodes_sent, 0, "the nodes did not change: not sent again");

    // a large swarm is asked every 15 s, and says so from its load on
    let mut s = start(10).await;
    let mut every = None;
    s.until("the first answer", |m, _| {
        if let EngineMsg::Answered { every: e } = m {
            every = Some(*e);
        }
        every.is_some()
    })
    .await;
    assert_eq!(every, Some(Duration::from_secs(15)));
}

#[tokio::test]
async fn a_manager_unreachable_without_an_event_shows_by_the_node_poll() {
    use bollard::models::Reachability;
    let mut s = start_with(no_resync()).await;
    s.until("first load", |m, _| matches!(m, EngineMsg::Loaded(_)))
        .await;
    // the engine works reachability out when asked: no event says it changed
    let manager = s.sim.with(|m| {
        let (id, n) = m
            .nodes_mut()
            .find(|(_, n)| n.manager_status.is_some())
            .expect("a manager");
        n.manager_status.as_mut().unwrap().reachability = Some(Reachability::UNREACHABLE);
        id.clone()
    });
    s.until("the manager shown unreachable", |_, c| {
        c.nodes.iter().any(|n| {
            n.id.as_deref() == Some(manager.as_str())
                && n.manager_status.as_ref().and_then(|m| m.reachability)
                    == Some(Reachability::UNREACHABLE)
        })
    })
    .await;
}

#[tokio::test]
async fn failing_polls_make_the_data_stale_with_the_error_in_words() {
    use swarmtop_sim::faults::{ErrorRule, Route};
    let mut s = start_with(no_resync()).await;
    s.until("first load", |m, _| matches!(m, EngineMsg::Loaded(_)))
        .await;
    for path in ["/services", "/tasks"] {
        s.sim.faults().fail(ErrorRule {
            route: Route::new(Some("GET"), path),
            status: 500,
            message: "rpc error: code = Unknown desc = raft: stopped".into(),
            times: None,
        });
    }
    let mut lost = None;
    s.until("the data marked stale", |m, _| match m {
        EngineMsg::Lost { error, failure, .. } => {
            lost = Some((error.clone(), *failure));
            true
        }
        _ => false,
    })
    .await;
    let (error, failure) = lost.unwrap();
    assert_eq!(failure, Failure::Answered);
    assert!(error.contains("raft: stopped"), "{error}");
    // the engine answers again: live again, without waiting long
    s.sim.faults().clear();
    s.until("loaded again", |m, _| matches!(m, EngineMsg::Loaded(_)))
        .await;
}

#[tokio::test]
async fn no_leader_is_said_as_such() {
    use swarmtop_sim::faults::{ErrorRule, Route};
    let mut s = start_with(no_resync()).await;
    s.until("first load", |m, _| matches!(m, EngineMsg::Loaded(_)))
        .await;
    // what a manager answers every read with when a majority of managers is gone
    s.sim.faults().fail(ErrorRule {
        route: Route::new(Some("GET"), "/nodes"),
        status: 503,
        message: "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.".into(),
        times: None,
    });
    let mut failure = None;
    s.until("the data marked stale", |m, _| match m {
        EngineMsg::Lost { failure: f, .. } => {
            failure = Some(*f);
            true
        }
        _ => false,
    })
    .await;
    assert_eq!(failure, Some(Failure::NoLeader));
}

#[tokio::test]
async fn a_spec_that_changes_while_watching_is_sent_as_the_engine_wrote_it() {
    let mut s = start(10_000).await;
    s.until("first load", |m, _| matches!(m, EngineMsg::Loaded(_)))
        .await;
    let name = swarmtop_model::cluster::service_name(&s.cluster.services[0]).to_string();
    let id = swarmtop_model::cluster::service_id(&s.cluster.services[0]).to_string();
    scale(&s.sim, &name, 5);
    let mut sent = Vec::new();
    s.until("the changed spec", |m, _| match m {
        EngineMsg::Part(Part::ServiceSpecs(v)) => {
            sent = v.clone();
            true
        }
        _ => false,
    })
    .await;
    // that service only: the specs found at the start did not change while watched
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].service_id, id);
    assert_eq!(sent[0].spec["Mode"]["Replicated"]["Replicas"], 5);
    let previous = sent[0]
        .previous
        .as_ref()
        .expect("the spec before the scale");
    assert_eq!(previous["Mode"]["Replicated"]["Replicas"], 3);
}
