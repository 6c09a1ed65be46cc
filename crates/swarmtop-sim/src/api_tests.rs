//! The simulated engine over a real socket, read with bollard's own client (and raw HTTP
//! where the exact bytes matter).

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::models::{EventMessageTypeEnum, ServiceSpec, TaskState};
use bollard::query_parameters::{
    EventsOptions, ListServicesOptions, ListTasksOptions, LogsOptions, UpdateServiceOptions,
};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::faults::{ErrorRule, Route};
use crate::{PrivateDir, SeedSpec, Sim, SimServer, seed, time};

/// The engine's answer in an error: its HTTP status and message.
fn answer(err: &bollard::errors::Error) -> (u16, String) {
    match err {
        bollard::errors::Error::DockerResponseServerError {
            status_code,
            message,
        } => (*status_code, message.clone()),
        other => panic!("not an answer of the engine: {other}"),
    }
}

struct Running {
    sim: Sim,
    docker: Docker,
    server: SimServer,
    _dir: PrivateDir,
}

async fn start(sim: Sim) -> Running {
    let dir = PrivateDir::new("swarmtop-sim-test").unwrap();
    let sock = dir.path().join("docker.sock");
    let server = sim.serve_unix(&sock).await.unwrap();
    let docker =
        Docker::connect_with_unix(&sock.to_string_lossy(), 30, bollard::API_DEFAULT_VERSION)
            .unwrap()
            .negotiate_version()
            .await
            .unwrap();
    Running {
        sim,
        docker,
        server,
        _dir: dir,
    }
}

fn socket(r: &Running) -> String {
    r.server.host().trim_start_matches("unix://").to_string()
}

/// One HTTP/1.0 exchange: (status, headers, body).
async fn raw(sock: &str, method: &str, path: &str, body: &str) -> (u16, String, Vec<u8>) {
    let mut s = tokio::net::UnixStream::connect(Path::new(sock))
        .await
        .unwrap();
    let req = format!(
        "{method} {path} HTTP/1.0\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&out[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, out[split + 4..].to_vec())
}

fn lab_sim() -> Sim {
    Sim::new(seed::lab(3, 3, time::now()))
}

fn busybox(name: &str, replicas: i64) -> ServiceSpec {
    serde_json::from_value(serde_json::json!({
        "Name": name,
        "TaskTemplate": {"ContainerSpec": {"Image": "busybox:1", "Args": ["sleep", "3600"]}},
        "Mode": {"Replicated": {"Replicas": replicas}},
    }))
    .unwrap()
}

#[tokio::test]
async fn bollard_reads_nodes_services_and_filtered_tasks() {
    let r = start(Sim::seeded(&SeedSpec::small())).await;
    let info = r.docker.info().await.unwrap();
    let swarm = info.swarm.unwrap();
    assert_eq!(swarm.control_available, Some(true));
    assert_eq!(swarm.nodes, Some(3));
    assert_eq!(r.docker.client_version().to_string(), "1.45");
    let nodes = r
        .docker
        .list_nodes(None::<bollard::query_parameters::ListNodesOptions>)
        .await
        .unwrap();
    assert_eq!(nodes.len(), 3);
    let services = r
        .docker
        .list_services(Some(ListServicesOptions {
            status: Some(true),
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(services.len(), 20);
    assert!(
        services
            .iter()
            .all(|s| s.service_status.as_ref().unwrap().running_tasks == Some(3))
    );
    let svc = services[0].id.clone().unwrap();
    let tasks = r
        .docker
        .list_tasks(Some(ListTasksOptions {
            filters: Some(HashMap::from([
                ("service".to_string(), vec![svc.clone()]),
                ("desired-state".to_string(), vec!["running".to_string()]),
            ])),
        }))
        .await
        .unwrap();
    assert_eq!(tasks.len(), 3);
    assert!(tasks.iter().all(|t| t.service_id.as_deref() == Some(&svc)));
    assert!(
        tasks
            .iter()
            .all(|t| t.spec.as_ref().unwrap().container_spec.is_some())
    );
    // a name works where an ID does, as with the engine
    let name = services[0].spec.as_ref().unwrap().name.clone().unwrap();
    let by_name = r
        .docker
        .list_tasks(Some(ListTasksOptions {
            filters: Some(HashMap::from([("service".to_string(), vec![name])])),
        }))
        .await
        .unwrap();
    assert_eq!(by_name.len(), 6, "3 running and 3 earlier tasks");
    let missing = r
        .docker
        .list_tasks(Some(ListTasksOptions {
            filters: Some(HashMap::from([(
                "service".to_string(),
                vec!["nope".to_string()],
            )])),
        }))
        .await
        .unwrap_err();
    assert!(
        missing.to_string().contains("service nope not found"),
        "{missing}"
    );
}

#[tokio::test]
async fn paths_work_with_and_without_a_version_and_errors_have_the_engine_shape() {
    let r = start(lab_sim()).await;
    let sock = socket(&r);
    for p in ["/nodes", "/v1.41/nodes", "/v1.45/nodes"] {
        let (status, _, body) = raw(&sock, "GET", p, "").await;
        assert_eq!(status, 200, "{p}");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 3);
    }
    let (status, head, body) = raw(&sock, "GET", "/v1.41/nope", "").await;
    assert_eq!(status, 404);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    assert_eq!(
        String::from_utf8_lossy(&body),
        "{\"message\":\"page not found\"}\n"
    );
    let (status, _, body) = raw(&sock, "GET", "/v1.99/nodes", "").await;
    assert_eq!(status, 400);
    assert!(
        String::from_utf8_lossy(&body)
            .contains("client version 1.99 is too new. Maximum supported API version is 1.45")
    );
    let (status, head, body) = raw(&sock, "HEAD", "/_ping", "").await;
    assert_eq!(status, 200);
    assert!(
        head.contains("Api-Version: 1.45")
            || head.to_ascii_lowercase().contains("api-version: 1.45"),
        "{head}"
    );
    assert!(body.is_empty());
    let (status, _, body) = raw(
        &sock,
        "GET",
        "/tasks?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D",
        "",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        String::from_utf8_lossy(&body),
        "{\"message\":\"Invalid filter 'bogus'\"}\n"
    );
    // the docker CLI's filter form
    let (status, _, body) = raw(
        &sock,
        "GET",
        "/nodes?filters=%7B%22name%22%3A%7B%22node2%22%3Atrue%7D%7D",
        "",
    )
    .await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_stale_version_is_out_of_sequence() {
    let r = start(lab_sim()).await;
    let created = r
        .docker
        .create_service(busybox("web", 1), None)
        .await
        .unwrap();
    let id = created.id.unwrap();
    let svc = r.docker.inspect_service(&id, None).await.unwrap();
    let version = svc.version.unwrap().index.unwrap() as i32;
    let spec = svc.spec.unwrap();
    let opts = |v: i32| UpdateServiceOptions {
        version: v,
        ..Default::default()
    };
    r.docker
        .update_service(&id, spec.clone(), opts(version), None)
        .await
        .unwrap();
    let err = r
        .docker
        .update_service(&id, spec.clone(), opts(version), None)
        .await
        .unwrap_err();
    let (status, message) = answer(&err);
    assert_eq!(status, 500);
    assert!(message.contains("update out of sequence"), "{message}");
    // rollback goes through the same call
    let svc = r.docker.inspect_service(&id, None).await.unwrap();
    let rollback = UpdateServiceOptions {
        version: svc.version.unwrap().index.unwrap() as i32,
        rollback: Some("previous".into()),
        ..Default::default()
    };
    r.docker
        .update_service(&id, spec, rollback, None)
        .await
        .unwrap();
    let states: Vec<String> = r.sim.with(|m| {
        m.events()
            .history()
            .filter_map(|e| {
                e.actor
                    .as_ref()?
                    .attributes
                    .as_ref()?
                    .get("updatestate.new")
                    .cloned()
            })
            .collect()
    });
    assert!(
        states.contains(&"rollback_started".to_string()),
        "{states:?}"
    );
}

/// Log frames decoded by bollard: stdout and stderr apart, timestamps first, tail per task.
#[tokio::test]
async fn log_streams_are_framed_like_the_engine() {
    let r = start(lab_sim()).await;
    r.sim.set_log_rate(50.0);
    r.sim.set_speed(20.0);
    r.docker
        .create_service(busybox("web", 2), None)
        .await
        .unwrap();
    let running = |sim: &Sim| {
        sim.with(|m| {
            m.tasks()
                .filter(|t| t.state() == TaskState::RUNNING)
                .count()
        })
    };
    wait(|| running(&r.sim) == 2).await;
    // let some lines accumulate
    tokio::time::sleep(Duration::from_millis(400)).await;
    let opts = LogsOptions {
        stdout: true,
        stderr: true,
        timestamps: true,
        tail: "5".into(),
        ..Default::default()
    };
    let out: Vec<LogOutput> = r
        .docker
        .service_logs("web", Some(opts))
        .map(|l| l.unwrap())
        .collect()
        .await;
    assert_eq!(out.len(), 10, "5 lines of each of 2 tasks: {out:?}");
    for l in &out {
        let (LogOutput::StdOut { message } | LogOutput::StdErr { message }) = l else {
            panic!("not demultiplexed: {l:?}");
        };
        let text = String::from_utf8_lossy(message);
        let (ts, rest) = text.split_once(' ').unwrap();
        assert!(time::parse_rfc3339(ts).is_some(), "{text}");
        assert!(rest.starts_with("level="), "{text}");
        assert!(text.ends_with('\n'));
    }

    // follow: lines keep coming until the streams are cut
    let task = r.sim.with(|m| m.tasks().next().unwrap().id().to_string());
    let follow = LogsOptions {
        stdout: true,
        stderr: true,
        follow: true,
        tail: "0".into(),
        ..Default::default()
    };
    let mut stream = r.docker.task_logs(&task, Some(follow));
    let first = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap();
    assert!(first.unwrap().is_ok());
    r.sim.faults().drop_streams();
    let end = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(item) = stream.next().await {
            if item.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(
        end.is_ok(),
        "the followed log ended when the streams were cut"
    );
}

async fn wait(f: impl Fn() -> bool) {
    for _ in 0..500 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("condition not reached in 10 s");
}

#[tokio::test]
async fn events_stream_history_and_live_changes() {
    let r = start(lab_sim()).await;
    let since = (time::now() / time::SECOND - 1).to_string();
    r.docker
        .create_service(busybox("early", 1), None)
        .await
        .unwrap();
    let opts = EventsOptions {
        since: Some(since),
        until: None,
        filters: Some(HashMap::from([
            (
                "type".to_string(),
                vec!["service".to_string(), "node".to_string()],
            ),
            ("scope".to_string(), vec!["swarm".to_string()]),
        ])),
    };
    let mut events = r.docker.events(Some(opts));
    let first = tokio::time::timeout(Duration::from_secs(10), events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.typ, Some(EventMessageTypeEnum::SERVICE));
    assert_eq!(first.action.as_deref(), Some("create"));
    r.sim.node_down("node2").unwrap();
    let next = tokio::time::timeout(Duration::from_secs(10), events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let attrs = next.actor.unwrap().attributes.unwrap();
    assert_eq!(next.typ, Some(EventMessageTypeEnum::NODE));
    assert_eq!(attrs["state.new"], "down");
    r.sim.faults().drop_streams();
    let end = tokio::time::timeout(Duration::from_secs(10), events.next())
        .await
        .unwrap();
    assert!(end.is_none(), "the stream ended: {end:?}");
}

#[tokio::test]
async fn faults_fail_chosen_routes_and_nodes_go_down() {
    let r = start(lab_sim()).await;
    r.sim.faults().fail(ErrorRule {
        route: Route::new(Some("GET"), "/tasks"),
        status: 503,
        message: "simulated outage".into(),
        times: Some(1),
    });
    let err = r
        .docker
        .list_tasks(None::<ListTasksOptions>)
        .await
        .unwrap_err();
    assert_eq!(answer(&err), (503, "simulated outage".to_string()));
    assert!(
        r.docker.list_tasks(None::<ListTasksOptions>).await.is_ok(),
        "the rule lapsed"
    );

    // the same over the HTTP control endpoint
    let sock = socket(&r);
    let (status, _, _) = raw(
        &sock,
        "POST",
        "/_sim/errors",
        r#"{"path":"/nodes","status":500,"message":"boom"}"#,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _, body) = raw(&sock, "GET", "/v1.45/nodes", "").await;
    assert_eq!(
        (status, String::from_utf8_lossy(&body).trim()),
        (500, "{\"message\":\"boom\"}")
    );
    raw(&sock, "POST", "/_sim/clear", "").await;
    assert_eq!(raw(&sock, "GET", "/nodes", "").await.0, 200);
    let (status, _, _) = raw(&sock, "POST", "/_sim/nodes/node3/down", "").await;
    assert_eq!(status, 204);
    let down = r
        .sim
        .with(|m| m.node("node3").unwrap().status.clone().unwrap().state);
    assert_eq!(down, Some(bollard::models::NodeState::DOWN));
    let (_, _, stats) = raw(&sock, "GET", "/_sim/stats", "").await;
    let stats: serde_json::Value = serde_json::from_slice(&stats).unwrap();
    assert!(
        stats["requests"]["GET /nodes"].as_u64().unwrap() >= 2,
        "{stats}"
    );
    let requests = r.sim.requests();
    assert!(requests.contains_key("GET /tasks"), "{requests:?}");
}
