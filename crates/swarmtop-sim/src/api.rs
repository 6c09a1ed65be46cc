//! The Engine API routes swarmtop and the docker CLI use, answered from the model with the
//! engine's shapes, status codes and error messages. Paths work with and without `/vX.Y`.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use bollard::models::{
    ConfigSpec, NetworkCreateRequest, NetworkCreateResponse, NodeSpec, NodeSpecRoleEnum, Secret,
    SecretSpec, Service, ServiceCreateResponse, ServiceServiceStatus, ServiceSpec,
    ServiceUpdateResponse, Task, TaskSpec, TaskState,
};
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::Request;
use hyper::body::Incoming;
use serde::Serialize;

use super::control;
use super::http::{
    API_VERSION, MIN_API_VERSION, Reply, accept, empty, error, flag, json, parse_filters,
    parse_query, raw_json, sim_error, split_version, text, version_tuple,
};
use super::model::{Model, SimError, SimService, SimTask, TaskQuery, labels_match, node_hostname};
use super::node_api;
use super::shared::{Shared, Who};
use super::streams::{self, Target};
use super::system;
use super::time;

/// A service as the engine lists it: with `PreviousSpec` (bollard's model has no field for
/// it) and, when asked, `ServiceStatus`.
#[derive(Serialize)]
struct ServiceOut<'a> {
    #[serde(flatten)]
    service: &'a Service,
    #[serde(rename = "PreviousSpec", skip_serializing_if = "Option::is_none")]
    previous: Option<&'a ServiceSpec>,
    #[serde(rename = "ServiceStatus", skip_serializing_if = "Option::is_none")]
    status: Option<ServiceServiceStatus>,
}

/// A task with its (shared) spec.
#[derive(Serialize)]
struct TaskOut<'a> {
    #[serde(flatten)]
    task: &'a Task,
    #[serde(rename = "Spec")]
    spec: &'a TaskSpec,
}

fn task_out(t: &SimTask) -> TaskOut<'_> {
    TaskOut {
        task: &t.task,
        spec: &t.spec,
    }
}

fn service_out<'a>(m: &Model, s: &'a SimService, status: bool) -> ServiceOut<'a> {
    ServiceOut {
        service: &s.service,
        previous: s.previous.as_ref(),
        status: status.then(|| m.service_status(s)),
    }
}

/// The route without IDs, for request counts (`GET /services/{id}/logs`).
fn route_key(method: &str, path: &str) -> String {
    const WORDS: [&str; 5] = ["create", "update", "logs", "_ping", "events"];
    // what follows a container's ID (or names the list) is the route's own
    const CONTAINER_WORDS: [&str; 3] = ["json", "stats", "top"];
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let containers = segs.first() == Some(&"containers");
    let mut key = format!("{method} ");
    for (i, s) in segs.iter().enumerate() {
        key.push('/');
        if i == 0 || WORDS.contains(s) || (containers && CONTAINER_WORDS.contains(s)) {
            key.push_str(s);
        } else {
            key.push_str("{id}");
        }
    }
    key
}

pub(crate) async fn handle(shared: Arc<Shared>, who: &Who, req: Request<Incoming>) -> Reply {
    let method = req.method().as_str().to_string();
    let full_path = req.uri().path().to_string();
    let q = parse_query(req.uri().query());
    if let Some(rest) = full_path.strip_prefix("/_sim") {
        let body = read_body(req).await;
        let reply = control::handle(&shared, &method, rest, &q, &body);
        shared.poke();
        return reply;
    }
    let (requested, path) = split_version(&full_path);
    let max = version_tuple(API_VERSION);
    let min = version_tuple(MIN_API_VERSION);
    let api = match requested {
        Some(v) if v > max => {
            return error(
                400,
                &format!(
                    "client version {}.{} is too new. Maximum supported API version is {API_VERSION}",
                    v.0, v.1
                ),
            );
        }
        Some(v) if v < min => {
            return error(
                400,
                &format!(
                    "client version {}.{} is too old. Minimum supported API version is {MIN_API_VERSION}, please upgrade your client to a newer version",
                    v.0, v.1
                ),
            );
        }
        Some(v) => v,
        None => max,
    };
    let path = path.to_string();
    match who {
        Who::Manager => shared.count(route_key(&method, &path)),
        Who::Node { hostname, .. } => shared.count_node(hostname, route_key(&method, &path)),
    }
    let verdict = shared.faults.check(&method, &path);
    if !verdict.delay.is_zero() {
        tokio::time::sleep(verdict.delay).await;
    }
    if let Some((status, message)) = verdict.error {
        return error(status, &message);
    }
    if let Some(r) = node_api::containers(&shared, who, &method, &path, &q, api).await {
        return r;
    }
    if let Who::Node { id, .. } = who
        && let Some(r) = node_api::own(&shared, id, &method, &path)
    {
        return r;
    }
    let body = read_body(req).await;
    let reply = dispatch(&shared, &method, &path, &q, &body, api);
    if !matches!(method.as_str(), "GET" | "HEAD") {
        shared.poke();
    }
    reply
}

async fn read_body(req: Request<Incoming>) -> Bytes {
    match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    }
}

fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, SimError> {
    serde_json::from_slice(body).map_err(|e| SimError::Invalid(format!("invalid JSON: {e}")))
}

fn version_param(q: &HashMap<String, String>, what: &str) -> Result<u64, SimError> {
    let raw = q.get("version").map(String::as_str).unwrap_or("");
    raw.parse::<u64>().map_err(|_| {
        let why = if raw.is_empty() {
            format!("strconv.ParseUint: parsing \"{raw}\": invalid syntax")
        } else {
            format!("strconv.ParseUint: parsing {raw:?}: invalid syntax")
        };
        SimError::Invalid(format!("invalid {what} version '{raw}': {why}"))
    })
}

fn reply<T: Serialize>(status: u16, r: Result<T, SimError>) -> Reply {
    match r {
        Ok(v) => json(status, &v),
        Err(e) => sim_error(&e),
    }
}

fn done(status: u16, r: Result<(), SimError>) -> Reply {
    match r {
        Ok(()) => empty(status),
        Err(e) => sim_error(&e),
    }
}

fn dispatch(
    shared: &Arc<Shared>,
    method: &str,
    path: &str,
    q: &HashMap<String, String>,
    body: &[u8],
    api: (u32, u32),
) -> Reply {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let now = time::now();
    match (method, segs.as_slice()) {
        ("GET" | "HEAD", ["_ping"]) => {
            let headers = [
                ("Cache-Control", "no-cache, no-store, must-revalidate"),
                ("Pragma", "no-cache"),
                // what recent engines say; the docker CLI uses it to enable swarm commands
                ("Swarm", "active/manager"),
            ];
            text(200, if method == "HEAD" { "" } else { "OK" }, &headers)
        }
        ("GET", ["version"]) => json(200, &system::version()),
        ("GET", ["info"]) => json(200, &system::info(&shared.model())),
        ("GET", ["swarm"]) => json(200, &system::swarm(&shared.model())),

        ("GET", ["nodes"]) => {
            let m = shared.model();
            match list_nodes(&m, q) {
                Ok(bytes) => raw_json(200, bytes),
                Err(e) => sim_error(&e),
            }
        }
        ("GET", ["nodes", id]) => reply(200, shared.model().node(id).cloned()),
        ("POST", ["nodes", id, "update"]) => done(
            200,
            version_param(q, "node").and_then(|v| {
                let spec: NodeSpec = parse_body(body)?;
                shared.model().update_node(id, v, spec, now)
            }),
        ),
        ("DELETE", ["nodes", id]) => {
            done(200, shared.model().remove_node(id, flag(q, "force"), now))
        }

        ("GET", ["services"]) => {
            let status = flag(q, "status") && api >= (1, 41);
            let m = shared.model();
            match list_services(&m, q, status) {
                Ok(bytes) => raw_json(200, bytes),
                Err(e) => sim_error(&e),
            }
        }
        ("POST", ["services", "create"]) => reply(
            201,
            parse_body::<ServiceSpec>(body).and_then(|spec| {
                let id = shared.model().create_service(spec, now)?;
                Ok(ServiceCreateResponse {
                    id: Some(id),
                    warnings: None,
                })
            }),
        ),
        ("GET", ["services", id]) => {
            let m = shared.model();
            match m.service(id) {
                Ok(s) => json(200, &service_out(&m, s, false)),
                Err(e) => sim_error(&e),
            }
        }
        ("POST", ["services", id, "update"]) => reply(
            200,
            version_param(q, "service").and_then(|v| {
                let spec: ServiceSpec = parse_body(body)?;
                let rollback = q.get("rollback").map(String::as_str) == Some("previous");
                let warnings = shared.model().update_service(id, v, spec, rollback, now)?;
                Ok(ServiceUpdateResponse {
                    warnings: (!warnings.is_empty()).then_some(warnings),
                })
            }),
        ),
        ("DELETE", ["services", id]) => done(200, shared.model().remove_service(id, now)),
        ("GET", ["services", id, "logs"]) => {
            streams::logs(shared, q, Target::Service(id.to_string()), api)
        }

        ("GET", ["tasks"]) => {
            let m = shared.model();
            match list_tasks(&m, q) {
                Ok(bytes) => raw_json(200, bytes),
                Err(e) => sim_error(&e),
            }
        }
        ("GET", ["tasks", id]) => {
            let m = shared.model();
            match m.task(id) {
                Ok(t) => json(200, &task_out(t)),
                Err(e) => sim_error(&e),
            }
        }
        ("GET", ["tasks", id, "logs"]) => {
            streams::logs(shared, q, Target::Task(id.to_string()), api)
        }

        ("GET", ["secrets"]) => {
            let m = shared.model();
            reply(
                200,
                list_named(
                    q,
                    m.secrets(),
                    |s: &Secret| {
                        let spec = s.spec.as_ref();
                        (
                            s.id.as_deref(),
                            spec.and_then(|s| s.name.as_deref()),
                            spec.and_then(|s| s.labels.as_ref()),
                        )
                    },
                    true,
                ),
            )
        }
        ("POST", ["secrets", "create"]) => reply(
            201,
            parse_body::<SecretSpec>(body)
                .and_then(|s| shared.model().create_secret(s, now))
                .map(|id| serde_json::json!({ "ID": id })),
        ),
        ("GET", ["secrets", id]) => reply(200, shared.model().secret(id).cloned()),
        ("DELETE", ["secrets", id]) => done(204, shared.model().remove_secret(id, now)),
        ("POST", ["secrets", id, "update"]) => done(
            200,
            version_param(q, "secret").and_then(|v| {
                let spec: SecretSpec = parse_body(body)?;
                shared.model().update_secret(id, v, spec, now)
            }),
        ),

        ("GET", ["configs"]) => {
            let m = shared.model();
            reply(
                200,
                list_named(
                    q,
                    m.configs(),
                    |c: &bollard::models::Config| {
                        let spec = c.spec.as_ref();
                        (
                            c.id.as_deref(),
                            spec.and_then(|s| s.name.as_deref()),
                            spec.and_then(|s| s.labels.as_ref()),
                        )
                    },
                    false,
                ),
            )
        }
        ("POST", ["configs", "create"]) => reply(
            201,
            parse_body::<ConfigSpec>(body)
                .and_then(|s| shared.model().create_config(s, now))
                .map(|id| serde_json::json!({ "ID": id })),
        ),
        ("GET", ["configs", id]) => reply(200, shared.model().config(id).cloned()),
        ("DELETE", ["configs", id]) => done(204, shared.model().remove_config(id, now)),
        ("POST", ["configs", id, "update"]) => done(
            200,
            version_param(q, "config").and_then(|v| {
                let spec: ConfigSpec = parse_body(body)?;
                shared.model().update_config(id, v, spec, now)
            }),
        ),

        ("GET", ["networks"]) => {
            let m = shared.model();
            reply(200, list_networks(&m, q))
        }
        ("POST", ["networks", "create"]) => reply(
            201,
            parse_body::<NetworkCreateRequest>(body)
                .and_then(|r| shared.model().create_network(r, now))
                .map(|id| NetworkCreateResponse {
                    id,
                    warning: String::new(),
                }),
        ),
        ("GET", ["networks", id]) => reply(200, shared.model().network(id).cloned()),
        ("DELETE", ["networks", id]) => done(204, shared.model().remove_network(id, now)),

        ("GET", ["events"]) => streams::events(shared, q),

        _ => error(404, "page not found"),
    }
}

fn to_json<T: Serialize>(v: &T) -> Result<Vec<u8>, SimError> {
    let mut b = serde_json::to_vec(v).map_err(|e| SimError::Internal(e.to_string()))?;
    b.push(b'\n');
    Ok(b)
}

fn list_nodes(m: &Model, q: &HashMap<String, String>) -> Result<Vec<u8>, SimError> {
    let f = parse_filters(q)?;
    accept(
        &f,
        &["id", "name", "label", "role", "membership", "node.label"],
    )?;
    let mut roles = Vec::new();
    for r in f.get("role").into_iter().flatten() {
        match r.as_str() {
            "manager" => roles.push(NodeSpecRoleEnum::MANAGER),
            "worker" => roles.push(NodeSpecRoleEnum::WORKER),
            "" => {}
            other => return Err(SimError::Invalid(format!("Invalid role filter: '{other}'"))),
        }
    }
    for a in f.get("membership").into_iter().flatten() {
        if !matches!(a.as_str(), "accepted" | "pending" | "") {
            return Err(SimError::Invalid(format!(
                "Invalid membership filter: '{a}'"
            )));
        }
    }
    let any = |k: &str, pred: &dyn Fn(&str) -> bool| {
        f.get(k)
            .is_none_or(|vs| vs.is_empty() || vs.iter().any(|v| pred(v)))
    };
    let nodes: Vec<&bollard::models::Node> = m
        .nodes()
        .filter(|n| {
            let id = n.id.as_deref().unwrap_or("");
            let host = node_hostname(n);
            let role = n.spec.as_ref().and_then(|s| s.role);
            any("id", &|v| id.starts_with(v))
                && any("name", &|v| host.starts_with(v))
                && (roles.is_empty() || role.is_some_and(|r| roles.contains(&r)))
                && f.get("membership")
                    .is_none_or(|v| v.is_empty() || v.iter().any(|x| x == "accepted"))
                && labels_match(
                    n.description
                        .as_ref()
                        .and_then(|d| d.engine.as_ref())
                        .and_then(|e| e.labels.as_ref()),
                    f.get("label").map(Vec::as_slice).unwrap_or(&[]),
                )
                && labels_match(
                    n.spec.as_ref().and_then(|s| s.labels.as_ref()),
                    f.get("node.label").map(Vec::as_slice).unwrap_or(&[]),
                )
        })
        .collect();
    to_json(&nodes)
}

fn list_services(
    m: &Model,
    q: &HashMap<String, String>,
    status: bool,
) -> Result<Vec<u8>, SimError> {
    let f = parse_filters(q)?;
    accept(&f, &["id", "name", "label", "mode", "runtime"])?;
    let any = |k: &str, pred: &dyn Fn(&str) -> bool| {
        f.get(k)
            .is_none_or(|vs| vs.is_empty() || vs.iter().any(|v| pred(v)))
    };
    let out: Vec<ServiceOut<'_>> = m
        .services()
        .filter(|s| {
            let mode = if s.is_global() {
                "global"
            } else {
                "replicated"
            };
            any("id", &|v| s.id().starts_with(v))
                && any("name", &|v| s.name().starts_with(v))
                && any("mode", &|v| v == mode)
                && any("runtime", &|v| v == "container")
                && labels_match(
                    s.spec().labels.as_ref(),
                    f.get("label").map(Vec::as_slice).unwrap_or(&[]),
                )
        })
        .map(|s| service_out(m, s, status))
        .collect();
    to_json(&out)
}

fn list_tasks(m: &Model, q: &HashMap<String, String>) -> Result<Vec<u8>, SimError> {
    let f = parse_filters(q)?;
    accept(
        &f,
        &[
            "name",
            "id",
            "label",
            "service",
            "node",
            "desired-state",
            "_up-to-date",
            "runtime",
        ],
    )?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let mut query = TaskQuery {
        id_prefixes: get("id"),
        name_prefixes: get("name"),
        labels: get("label"),
        ..Default::default()
    };
    for s in get("service") {
        query.services.push(m.service_id(&s)?);
    }
    for n in get("node") {
        query.nodes.push(m.node_id(&n)?);
    }
    for d in get("desired-state") {
        match TaskState::from_str(&d.to_ascii_lowercase()) {
            Ok(s) => query.desired.push(s),
            Err(_) if d.is_empty() => {}
            Err(_) => {
                return Err(SimError::Internal(format!(
                    "Invalid desired-state filter: '{d}'"
                )));
            }
        }
    }
    let tasks: Vec<TaskOut<'_>> = m.list_tasks(&query).into_iter().map(task_out).collect();
    to_json(&tasks)
}

/// Secrets and configs: `id` and `name` prefixes, exact `names`, `label`.
fn list_named<'a, T: Serialize + 'a>(
    q: &HashMap<String, String>,
    items: impl Iterator<Item = &'a T>,
    parts: impl Fn(&T) -> (Option<&str>, Option<&str>, Option<&HashMap<String, String>>),
    names_filter: bool,
) -> Result<Vec<&'a T>, SimError> {
    let f = parse_filters(q)?;
    if names_filter {
        accept(&f, &["names", "name", "id", "label"])?;
    } else {
        accept(&f, &["name", "id", "label"])?;
    }
    let any = |k: &str, pred: &dyn Fn(&str) -> bool| {
        f.get(k)
            .is_none_or(|vs| vs.is_empty() || vs.iter().any(|v| pred(v)))
    };
    Ok(items
        .filter(|x| {
            let (id, name, labels) = parts(x);
            let id = id.unwrap_or("");
            let name = name.unwrap_or("");
            any("id", &|v| id.starts_with(v))
                && any("name", &|v| name.starts_with(v))
                && any("names", &|v| name == v)
                && labels_match(labels, f.get("label").map(Vec::as_slice).unwrap_or(&[]))
        })
        .collect())
}

fn list_networks<'a>(
    m: &'a Model,
    q: &HashMap<String, String>,
) -> Result<Vec<&'a bollard::models::Network>, SimError> {
    let f = parse_filters(q)?;
    accept(
        &f,
        &["scope", "name", "id", "driver", "label", "type", "dangling"],
    )?;
    let any = |k: &str, pred: &dyn Fn(&str) -> bool| {
        f.get(k)
            .is_none_or(|vs| vs.is_empty() || vs.iter().any(|v| pred(v)))
    };
    Ok(m.networks()
        .filter(|n| {
            let id = n.id.as_deref().unwrap_or("");
            let name = n.name.as_deref().unwrap_or("");
            let driver = n.driver.as_deref().unwrap_or("");
            any("scope", &|v| v == "swarm")
                && any("name", &|v| name.contains(v))
                && any("id", &|v| id.starts_with(v))
                && any("driver", &|v| v == driver)
                && any("type", &|v| {
                    v == "custom" || (v == "builtin" && n.ingress == Some(true))
                })
                && labels_match(
                    n.labels.as_ref(),
                    f.get("label").map(Vec::as_slice).unwrap_or(&[]),
                )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_counted_without_ids() {
        assert_eq!(route_key("GET", "/tasks"), "GET /tasks");
        assert_eq!(
            route_key("GET", "/services/abc/logs"),
            "GET /services/{id}/logs"
        );
        assert_eq!(
            route_key("POST", "/services/create"),
            "POST /services/create"
        );
        assert_eq!(route_key("HEAD", "/_ping"), "HEAD /_ping");
        assert_eq!(route_key("GET", "/containers/json"), "GET /containers/json");
        assert_eq!(
            route_key("GET", "/containers/abc/stats"),
            "GET /containers/{id}/stats"
        );
        assert_eq!(
            route_key("GET", "/containers/abc/json"),
            "GET /containers/{id}/json"
        );
    }
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod server_tests;
