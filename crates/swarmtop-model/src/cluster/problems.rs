//! The problems view's brain: everything unhealthy in the cluster, worst first, each said in
//! words an operator can act on. Pure: a function of the cluster and the time.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use bollard_stubs::models::{
    NodeSpecAvailabilityEnum, NodeSpecRoleEnum, NodeState, Reachability,
    ServiceUpdateStatusStateEnum, TaskState,
};
use chrono::{DateTime, Duration, Utc};

use super::format::{ago, parse_time};
use super::{
    Cluster, Task, node_availability, node_hostname, node_id, node_reachability, node_role,
    node_state, service_counts, service_id, service_is_degraded, service_name, task_error,
    task_is_active, task_state, task_timestamp,
};
use crate::nodes::{ContainerFacts, Health};

use super::by_service::{TasksByService, tasks_by_service};
pub use super::problem::{Problem, Severity, Subject};

/// How far back failed tasks count as a problem.
pub const FAILURE_WINDOW_MINUTES: i64 = 60;

/// Every problem, worst first.
pub fn find(c: &Cluster, now: DateTime<Utc>) -> Vec<Problem> {
    find_with(c, now, &[])
}

/// Every problem, with those the nodes' own engines tell (`containers`: their swarm
/// containers, health and image), worst first.
pub fn find_with(c: &Cluster, now: DateTime<Utc>, containers: &[&ContainerFacts]) -> Vec<Problem> {
    let mut out = Vec::new();
    let by_service = tasks_by_service(c);
    quorum(c, &mut out);
    nodes(c, &mut out);
    services(c, now, &by_service, &mut out);
    unhealthy(c, containers, &mut out);
    image_drift(c, containers, &mut out);
    super::addresses::pressure(c, &by_service, &mut out);
    // worst first; at equal severity the swarm-wide problem leads, then by object and key:
    // an order that holds while the figures move (ordered by time, rows swapped every refresh
    // as a crash-looping service's last failure moved, and the cursor jumped)
    worst_first(&mut out);
    out
}

fn worst_first(out: &mut [Problem]) {
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| (b.subject == Subject::Swarm).cmp(&(a.subject == Subject::Swarm)))
            .then_with(|| a.object.cmp(&b.object))
            .then_with(|| a.key.cmp(&b.key))
    });
}

fn quorum(c: &Cluster, out: &mut Vec<Problem>) {
    let s = c.summary();
    if s.managers == 0 {
        return;
    }
    let q = s.quorum();
    let (severity, text) = if s.managers_reachable < q {
        (
            Severity::Critical,
            format!(
                "raft quorum LOST: {} of {} managers reachable, {q} needed; no change can be made until {} more are back",
                s.managers_reachable,
                s.managers,
                q - s.managers_reachable
            ),
        )
    } else if s.managers == 1 {
        (
            Severity::Info,
            "a single manager: losing it stops every change to the swarm (3 managers survive 1 loss)"
                .to_string(),
        )
    } else {
        let spare = s.managers_reachable - q;
        let sev = if spare == 0 {
            Severity::Warning
        } else {
            Severity::Info
        };
        let tail = if spare == 0 {
            "one more manager loss stops every change".to_string()
        } else {
            format!(
                "survives {spare} more manager loss{}",
                if spare == 1 { "" } else { "es" }
            )
        };
        (
            sev,
            format!(
                "{} of {} managers reachable, quorum {q}: {tail}",
                s.managers_reachable, s.managers
            ),
        )
    };
    out.push(Problem {
        key: "swarm:quorum".into(),
        severity,
        subject: Subject::Swarm,
        object: "swarm".into(),
        text,
        since: None,
    });
}

fn nodes(c: &Cluster, out: &mut Vec<Problem>) {
    for n in &c.nodes {
        let id = node_id(n).to_string();
        let name = node_hostname(n).to_string();
        let manager = node_role(n) == NodeSpecRoleEnum::MANAGER;
        let role = if manager { "manager" } else { "worker" };
        let state = node_state(n);
        if state != NodeState::READY {
            let msg = n
                .status
                .as_ref()
                .and_then(|s| s.message.as_deref())
                .filter(|m| !m.is_empty())
                .map(|m| format!(" ({m})"))
                .unwrap_or_default();
            let running = c.tasks_on_node(&id).filter(|t| task_is_active(t)).count();
            let tasks = match running {
                0 => String::new(),
                1 => "; 1 task is still assigned to it".into(),
                k => format!("; {k} tasks are still assigned to it"),
            };
            out.push(Problem {
                key: format!("node:{id}:state"),
                severity: if manager {
                    Severity::Critical
                } else {
                    Severity::Warning
                },
                subject: Subject::Node(id.clone()),
                object: format!("node {name}"),
                text: format!("{role} {name} is {state}{msg}{tasks}"),
                since: None,
            });
        } else if manager && node_reachability(n) == Some(Reachability::UNREACHABLE) {
            out.push(Problem {
                key: format!("node:{id}:raft"),
                severity: Severity::Critical,
                subject: Subject::Node(id.clone()),
                object: format!("node {name}"),
                text: format!("manager {name} is unreachable by the other managers (raft)"),
                since: None,
            });
        }
        match node_availability(n) {
            NodeSpecAvailabilityEnum::DRAIN => out.push(Problem {
                key: format!("node:{id}:drain"),
                severity: Severity::Info,
                subject: Subject::Node(id.clone()),
                object: format!("node {name}"),
                text: format!("{name} is drained: no tasks run there"),
                since: None,
            }),
            NodeSpecAvailabilityEnum::PAUSE => out.push(Problem {
                key: format!("node:{id}:pause"),
                severity: Severity::Info,
                subject: Subject::Node(id),
                object: format!("node {name}"),
                text: format!("{name} is paused: no new tasks are scheduled there"),
                since: None,
            }),
            _ => {}
        }
    }
}

fn task_time(t: &Task) -> Option<DateTime<Utc>> {
    task_timestamp(t).and_then(parse_time)
}

/// "2 pending: no suitable node (...)" for the tasks that should run but do not.
fn not_running_reasons(c: &Cluster, tasks: &[&Task]) -> Vec<(usize, String)> {
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    for t in tasks {
        let state = task_state(t);
        if !task_is_active(t) || state == TaskState::RUNNING {
            continue;
        }
        let why = match task_error(t) {
            "" => t
                .status
                .as_ref()
                .and_then(|s| s.message.clone())
                .unwrap_or_default(),
            e => e.to_string(),
        };
        // a task stuck on a dead node waits for the node, whatever its message says
        let dead_node = t
            .node_id
            .as_deref()
            .and_then(|n| c.node_by_id(n))
            .filter(|n| node_state(n) != NodeState::READY);
        let key = match dead_node {
            Some(n) => format!(
                "{state} on {}, which is {}",
                node_hostname(n),
                node_state(n)
            ),
            None if why.is_empty() => state.to_string(),
            None => format!("{state}: {why}"),
        };
        *groups.entry(key).or_default() += 1;
    }
    let mut v: Vec<(usize, String)> = groups.into_iter().map(|(k, n)| (n, k)).collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.0));
    v
}

/// A placement constraint no usable node meets, in words ("constraint node.labels.zone==mars
/// matches no node"), so "scheduling constraints not satisfied" says which one.
fn unsatisfiable(c: &Cluster, s: &bollard_stubs::models::Service) -> Option<String> {
    use super::placement::service_constraints;
    let usable: Vec<_> = c
        .nodes
        .iter()
        .filter(|n| {
            node_state(n) == NodeState::READY
                && node_availability(n) == NodeSpecAvailabilityEnum::ACTIVE
        })
        .collect();
    let constraints = service_constraints(s);
    if constraints.is_empty() {
        return None;
    }
    if let Some(k) = constraints
        .iter()
        .find(|k| !usable.iter().any(|n| k.matches(n)))
    {
        return Some(format!("constraint {k} matches no ready, active node"));
    }
    if !usable
        .iter()
        .any(|n| constraints.iter().all(|k| k.matches(n)))
    {
        return Some("no ready, active node meets all its constraints together".into());
    }
    None
}

/// Failed or rejected tasks since `cutoff`, newest first.
fn recent_failures<'a>(tasks: &[&'a Task], cutoff: DateTime<Utc>) -> Vec<&'a Task> {
    let mut v: Vec<&Task> = tasks
        .iter()
        .copied()
        .filter(|t| matches!(task_state(t), TaskState::FAILED | TaskState::REJECTED))
        .filter(|t| task_time(t).is_some_and(|ts| ts >= cutoff))
        .collect();
    v.sort_by_key(|t| std::cmp::Reverse(task_time(t)));
    v
}

/// How many tasks per slot the swarm keeps (`TaskHistoryRetentionLimit`, 5 by default).
fn history_limit(c: &Cluster) -> usize {
    c.info
        .as_ref()
        .and_then(|i| {
            i.swarm
                .as_ref()?
                .cluster
                .as_ref()?
                .spec
                .as_ref()?
                .orchestration
                .as_ref()
        })
        .and_then(|o| o.task_history_retention_limit)
        .filter(|n| *n > 0)
        .map_or(5, |n| n as usize)
}

/// The failures counted, in words: the engine forgets a slot's older tasks beyond its history
/// limit, so a slot whose kept tasks all failed may have failed many more times ("at least 6"
/// for a service that crashed dozens of times).
fn failure_count(failures: &[&Task], limit: usize) -> String {
    let mut per_slot: HashMap<(Option<i64>, Option<&str>), usize> = HashMap::new();
    for t in failures {
        // a global service's slot is its node
        let node = t.slot.is_none().then_some(t.node_id.as_deref()).flatten();
        *per_slot.entry((t.slot, node)).or_default() += 1;
    }
    let capped = per_slot.values().any(|n| *n + 1 >= limit);
    if capped {
        format!("at least {}", failures.len())
    } else {
        failures.len().to_string()
    }
}

/// A service at its replicas whose tasks failed this often, the last this recently, is
/// crash-looping (its task was caught in the moment it ran).
const CRASH_LOOP_FAILURES: usize = 3;
const CRASH_LOOP_SECONDS: i64 = 120;

fn services(
    c: &Cluster,
    now: DateTime<Utc>,
    by_service: &TasksByService<'_>,
    out: &mut Vec<Problem>,
) {
    let cutoff = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
    for s in &c.services {
        let id = service_id(s);
        let name = service_name(s);
        let tasks: &[&Task] = by_service.get(id).map_or(&[], Vec::as_slice);
        let failures = recent_failures(tasks, cutoff);
        let last_failure = failures.first().map(|t| {
            let node = t.node_id.as_deref().map(|n| c.node_name(n)).unwrap_or("?");
            let when = task_time(t)
                .map(|ts| ago((now - ts).num_seconds()))
                .unwrap_or_default();
            format!("{} on {node}, {when}", task_error(t))
        });

        // The engine's running count includes tasks still "running" on a node that is down;
        // with the tasks at hand, count only those that really run.
        let (engine_running, desired) = service_counts(s);
        let really_running = (!tasks.is_empty()).then(|| {
            tasks
                .iter()
                .filter(|t| task_is_active(t) && task_state(t) == TaskState::RUNNING)
                .filter(|t| {
                    t.node_id
                        .as_deref()
                        .and_then(|n| c.node_by_id(n))
                        .is_some_and(|n| node_state(n) == NodeState::READY)
                })
                .count() as u64
        });
        // only tasks seen running on a node that is not ready count as hidden by it: right
        // after a drain the task list and the engine's counts may simply not agree yet
        let on_down_nodes = tasks
            .iter()
            .filter(|t| crate::cluster::runs_on_a_down_node(c, t))
            .count() as u64;
        let job = crate::cluster::service_mode(s).ends_with("job");
        let hidden_by_down_nodes = !job
            && on_down_nodes > 0
            && really_running.is_some_and(|r| r < desired && r < engine_running);
        if service_is_degraded(s) || hidden_by_down_nodes {
            let running = really_running.unwrap_or(engine_running).min(engine_running);
            let reasons = not_running_reasons(c, tasks);
            let mut why: Vec<String> = reasons
                .iter()
                .take(2)
                .map(|(n, r)| format!("{n} {r}"))
                .collect();
            // the constraint no node meets is the answer: it goes first, before the
            // scheduler's words, where a narrow terminal still shows it
            if let Some(k) = unsatisfiable(c, s) {
                why.insert(0, k);
            }
            if hidden_by_down_nodes {
                why.push(format!(
                    "the engine still counts {on_down_nodes} task(s) on down nodes as running"
                ));
            }
            if let Some(f) = &last_failure {
                why.push(format!(
                    "{} failed in the last hour (last: {f})",
                    failure_count(&failures, history_limit(c))
                ));
            }
            let since = tasks
                .iter()
                .filter(|t| task_is_active(t) && task_state(t) != TaskState::RUNNING)
                .filter_map(|t| task_time(t))
                .min();
            let detail = if why.is_empty() {
                String::new()
            } else {
                format!(" — {}", why.join("; "))
            };
            out.push(Problem {
                key: format!("service:{id}:replicas"),
                severity: if running == 0 {
                    Severity::Critical
                } else {
                    Severity::Warning
                },
                subject: Subject::Service(id.to_string()),
                object: format!("service {name}"),
                text: format!("{name}: {running}/{desired} running{detail}"),
                since,
            });
        } else if !failures.is_empty() {
            // a crash loop counts its task as running for the moment between two failures:
            // it stays critical then, or it would leave the top of the list every restart
            let looping = failures.len() >= CRASH_LOOP_FAILURES
                && failures
                    .first()
                    .and_then(|t| task_time(t))
                    .is_some_and(|t| now - t <= Duration::seconds(CRASH_LOOP_SECONDS));
            out.push(Problem {
                key: format!("service:{id}:failures"),
                severity: if looping {
                    Severity::Critical
                } else {
                    Severity::Warning
                },
                subject: Subject::Service(id.to_string()),
                object: format!("service {name}"),
                text: format!(
                    "{name}: {}{} task{} failed in the last hour (last: {})",
                    if looping { "crash-looping — " } else { "" },
                    failure_count(&failures, history_limit(c)),
                    if failures.len() == 1 { "" } else { "s" },
                    last_failure.unwrap_or_default()
                ),
                since: failures.first().and_then(|t| task_time(t)),
            });
        }

        if let Some(u) = &s.update_status {
            let msg = u
                .message
                .as_deref()
                .filter(|m| !m.is_empty())
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            let since = u.started_at.as_deref().and_then(parse_time);
            let found = match u.state {
                Some(ServiceUpdateStatusStateEnum::PAUSED) => {
                    Some((Severity::Critical, format!("{name}: update paused{msg}")))
                }
                Some(ServiceUpdateStatusStateEnum::ROLLBACK_PAUSED) => {
                    Some((Severity::Critical, format!("{name}: rollback paused{msg}")))
                }
                Some(ServiceUpdateStatusStateEnum::ROLLBACK_STARTED) => {
                    Some((Severity::Warning, format!("{name}: rolling back{msg}")))
                }
                Some(ServiceUpdateStatusStateEnum::UPDATING) => Some((
                    Severity::Info,
                    format!("{name}: rolling update in progress{msg}"),
                )),
                _ => None,
            };
            if let Some((severity, text)) = found {
                out.push(Problem {
                    key: format!("service:{id}:update"),
                    severity,
                    subject: Subject::Service(id.to_string()),
                    object: format!("service {name}"),
                    text,
                    since,
                });
            }
        }
    }
}

/// The running (or starting) tasks whose healthcheck fails, one warning each.
fn unhealthy(c: &Cluster, containers: &[&ContainerFacts], out: &mut Vec<Problem>) {
    let sick: Vec<&&ContainerFacts> = containers
        .iter()
        .filter(|f| f.health == Health::Unhealthy)
        .collect();
    if sick.is_empty() {
        return;
    }
    // one pass over the tasks, however many are sick
    let tasks: HashMap<&str, &Task> = c
        .tasks
        .iter()
        .filter_map(|t| Some((t.id.as_deref()?, t)))
        .collect();
    for f in sick {
        let Some(t) = tasks.get(f.task_id.as_str()) else {
            continue;
        };
        // a task whose check has not passed yet is `starting` in the swarm, its container up
        if !matches!(task_state(t), TaskState::RUNNING | TaskState::STARTING) {
            continue;
        }
        let sid = t.service_id.clone().unwrap_or_default();
        out.push(Problem {
            key: format!("task:{}:health", f.task_id),
            severity: Severity::Warning,
            object: format!("service {}", c.service_name_of(&sid)),
            subject: Subject::Service(sid),
            text: format!(
                "{} is unhealthy on {}: its healthcheck fails",
                c.task_name(t),
                c.node_name(&f.node_id)
            ),
            since: None,
        });
    }
}

/// A service whose running containers run different images: a tag (`:latest`) pulled at
/// different times on different nodes (moby#37913).
fn image_drift(c: &Cluster, containers: &[&ContainerFacts], out: &mut Vec<Problem>) {
    // the image each task was given (its spec's reference): tasks of one reference that run
    // different images are drift; a rolling update's old and new tags are not. Only the
    // tasks of the containers read are looked up (a few hundred of 40,000 tasks)
    let mut wanted: HashMap<&str, &str> = containers
        .iter()
        .filter(|f| f.state == "running")
        .map(|f| (f.task_id.as_str(), ""))
        .collect();
    if wanted.is_empty() {
        return;
    }
    for t in &c.tasks {
        if let (Some(id), Some(image)) = (t.id.as_deref(), t.image.as_deref())
            && let Some(w) = wanted.get_mut(id)
        {
            *w = image;
        }
    }
    // (service, reference) -> image -> nodes
    type Nodes<'a> = BTreeMap<&'a str, Vec<&'a str>>;
    let mut by_ref: BTreeMap<(&str, &str), Nodes> = BTreeMap::new();
    for f in containers
        .iter()
        .filter(|f| f.state == "running" && !f.image_id.is_empty() && !f.service_id.is_empty())
    {
        let reference = wanted.get(f.task_id.as_str()).copied().unwrap_or("");
        let nodes = by_ref
            .entry((&f.service_id, reference))
            .or_default()
            .entry(&f.image_id)
            .or_default();
        let name = c.node_name(&f.node_id);
        if !nodes.contains(&name) {
            nodes.push(name);
        }
    }
    for ((sid, reference), images) in by_ref.into_iter().filter(|(_, i)| i.len() > 1) {
        let each: Vec<String> = images
            .iter()
            .map(|(image, nodes)| {
                let mut nodes = nodes.clone();
                nodes.sort_unstable();
                format!("{} on {}", short_image_id(image), nodes.join(", "))
            })
            .collect();
        let what = match super::format::image_short(reference) {
            "" => String::new(),
            r => format!(" for {r}"),
        };
        out.push(Problem {
            key: format!("service:{sid}:drift:{reference}"),
            severity: Severity::Warning,
            subject: Subject::Service(sid.to_string()),
            object: format!("service {}", c.service_name_of(sid)),
            text: format!(
                "{} runs {} different images{what}: {} (a tag pulled at different times; pin a digest)",
                c.service_name_of(sid),
                images.len(),
                each.join("; ")
            ),
            since: None,
        });
    }
}

/// `sha256:0123456789abcdef...` as docker shows it: 12 hex digits.
pub fn short_image_id(id: &str) -> &str {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    hex.get(..12).unwrap_or(hex)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{NOW, sample};
    use super::*;

    #[test]
    fn sample_problems_worst_first_in_words() {
        let now = parse_time(NOW).unwrap();
        let p = find(&sample(), now);
        let texts: Vec<String> = p
            .iter()
            .map(|p| format!("{} {}", p.severity.label(), p.text))
            .collect();
        // the degraded service explains itself: the constraint no node meets first (the
        // answer), then the scheduler's words
        let api = p.iter().find(|p| p.key.ends_with(":replicas")).unwrap();
        assert_eq!(api.severity, Severity::Warning);
        assert!(
            api.text.starts_with(
                "shop_api: 1/3 running — constraint node.labels.zone==us matches no ready, \
                 active node; 1 pending: no suitable node"
            ),
            "{}",
            api.text
        );
        assert!(
            api.text.contains("1 failed in the last hour"),
            "{}",
            api.text
        );
        // the down worker, the drained node, the update and the single manager are all there
        assert!(
            texts
                .iter()
                .any(|t| t.contains("worker node3 is down (heartbeat failure)")),
            "{texts:#?}"
        );
        assert!(
            texts.iter().any(|t| t.contains("node3 is drained")),
            "{texts:#?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains("rolling update in progress")),
            "{texts:#?}"
        );
        assert!(
            texts.iter().any(|t| t.contains("a single manager")),
            "{texts:#?}"
        );
        // worst first
        for w in p.windows(2) {
            assert!(w[0].severity >= w[1].severity);
        }
    }

    #[test]
    fn a_constraint_no_node_meets_is_named() {
        let p = find(&sample(), parse_time(NOW).unwrap());
        let api = p.iter().find(|p| p.key.ends_with(":replicas")).unwrap();
        assert!(
            api.text
                .contains("constraint node.labels.zone==us matches no ready, active node"),
            "{}",
            api.text
        );
    }

    #[test]
    fn tasks_still_counted_on_a_down_node_do_not_hide_a_degraded_service() {
        let mut c = sample();
        // web.2 "runs" on node3, which is down: the engine still says 3/3
        let mut tasks = c.tasks.clone();
        let t = tasks
            .iter_mut()
            .find(|t| t.id.as_deref() == Some("t2aaaaaaaaaaaaaaaaaaaaaaa"))
            .unwrap();
        t.node_id = Some("n3ccccccccccccccccccccccc".into());
        c.merge_tasks(&crate::cluster::TaskSet::All, tasks);
        let p = find(&c, parse_time(NOW).unwrap());
        let web = p
            .iter()
            .find(|p| p.key == "service:s1webwebwebwebwebwebwebwe:replicas")
            .expect("web degraded");
        assert!(web.text.starts_with("web: 2/3 running"), "{}", web.text);
        assert!(
            web.text.contains("still counts 1 task(s) on down nodes"),
            "{}",
            web.text
        );
    }

    #[test]
    fn a_task_list_behind_the_counts_is_not_blamed_on_down_nodes() {
        let mut c = sample();
        // just after a drain: web.2 shut down on node2, its replacement not listed yet, while
        // the engine's counts still say 3/3; no task runs on the down node3
        let mut tasks = c.tasks.clone();
        let t = tasks
            .iter_mut()
            .find(|t| t.id.as_deref() == Some("t2aaaaaaaaaaaaaaaaaaaaaaa"))
            .unwrap();
        t.status.as_mut().unwrap().state = Some(TaskState::SHUTDOWN);
        t.desired_state = Some(TaskState::SHUTDOWN);
        c.merge_tasks(&crate::cluster::TaskSet::All, tasks);
        let p = find(&c, parse_time(NOW).unwrap());
        assert!(
            p.iter().all(|p| !p.text.contains("on down nodes")),
            "{:?}",
            p.iter().map(|p| &p.text).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_crash_loop_stays_critical_while_its_task_is_caught_running() {
        let now = parse_time(NOW).unwrap();
        let with_failures = |ago_secs: [i64; 3]| {
            let mut c = sample();
            let running = c
                .tasks
                .iter()
                .find(|t| t.id.as_deref() == Some("t2aaaaaaaaaaaaaaaaaaaaaaa"))
                .unwrap()
                .clone();
            let mut tasks = c.tasks.clone();
            for (i, ago) in ago_secs.into_iter().enumerate() {
                let mut t = running.clone();
                t.id = Some(format!("failed{i}"));
                t.desired_state = Some(TaskState::SHUTDOWN);
                let st = t.status.as_mut().unwrap();
                st.state = Some(TaskState::FAILED);
                st.err = Some("task: non-zero exit (3)".into());
                st.timestamp = Some((now - Duration::seconds(ago)).to_rfc3339());
                tasks.push(t);
            }
            c.merge_tasks(&crate::cluster::TaskSet::All, tasks);
            let service = running.service_id.clone().unwrap();
            find(&c, now)
                .into_iter()
                .find(|p| p.key == format!("service:{service}:failures"))
                .expect("the failures said")
        };
        // the service is at its replicas, its tasks failed three times in the last minute
        let looping = with_failures([5, 20, 40]);
        assert_eq!(looping.severity, Severity::Critical);
        assert!(
            looping.text.contains("crash-looping — 3 tasks failed"),
            "{}",
            looping.text
        );
        assert!(
            looping.text.contains("non-zero exit (3)"),
            "{}",
            looping.text
        );
        // failures of half an hour ago are history: a warning
        let past = with_failures([1800, 1900, 2000]);
        assert_eq!(past.severity, Severity::Warning);
        assert!(!past.text.contains("crash-looping"), "{}", past.text);
    }

    #[test]
    fn quorum_lost_is_critical_and_says_how_many_are_missing() {
        let mut c = sample();
        let mut nodes = c.nodes.clone();
        for n in nodes.iter_mut().take(3) {
            n.spec.as_mut().unwrap().role = Some(NodeSpecRoleEnum::MANAGER);
            n.manager_status = Some(bollard_stubs::models::ManagerStatus {
                leader: Some(false),
                reachability: Some(Reachability::UNREACHABLE),
                addr: None,
            });
        }
        nodes[0].manager_status.as_mut().unwrap().reachability = Some(Reachability::REACHABLE);
        c.set_nodes(nodes);
        let p = find(&c, parse_time(NOW).unwrap());
        assert_eq!(p[0].severity, Severity::Critical);
        assert!(
            p[0].text
                .contains("quorum LOST: 1 of 3 managers reachable, 2 needed"),
            "{}",
            p[0].text
        );
    }

    #[test]
    fn three_healthy_managers_survive_one_loss() {
        let mut c = sample();
        let mut nodes = c.nodes.clone();
        for n in nodes.iter_mut() {
            n.spec.as_mut().unwrap().role = Some(NodeSpecRoleEnum::MANAGER);
            n.manager_status = Some(bollard_stubs::models::ManagerStatus {
                leader: Some(false),
                reachability: Some(Reachability::REACHABLE),
                addr: None,
            });
        }
        c.set_nodes(nodes);
        let p = find(&c, parse_time(NOW).unwrap());
        let q = p.iter().find(|p| p.key == "swarm:quorum").unwrap();
        assert!(
            q.text.contains("survives 1 more manager loss"),
            "{}",
            q.text
        );
    }

    fn container(
        task: &str,
        node: &str,
        image: &str,
        state: &str,
        health: Health,
    ) -> ContainerFacts {
        ContainerFacts {
            container_id: format!("c-{task}"),
            node_id: node.into(),
            task_id: task.into(),
            service_id: "s1webwebwebwebwebwebwebwe".into(),
            image_id: image.into(),
            state: state.into(),
            health,
        }
    }

    #[test]
    fn failures_capped_by_the_engines_history_say_at_least() {
        let task = |slot: i64| -> Task {
            serde_json::from_value::<bollard_stubs::models::Task>(serde_json::json!({
                "ID": format!("t{slot}"), "Slot": slot, "NodeID": "n1",
                "Status": {"State": "failed"}, "DesiredState": "shutdown"}))
            .unwrap()
            .into()
        };
        // slot 1 kept 4 failures of a history of 5 (the 5th is the task running now): the
        // engine forgot the ones before
        let many: Vec<Task> = (0..4).map(|_| task(1)).collect();
        let refs: Vec<&Task> = many.iter().collect();
        assert_eq!(failure_count(&refs, 5), "at least 4");
        // two slots failing once each: the count is whole
        let few = [task(1), task(2)];
        let refs: Vec<&Task> = few.iter().collect();
        assert_eq!(failure_count(&refs, 5), "2");
    }

    #[test]
    fn problems_keep_their_order_while_their_times_move() {
        let now: DateTime<Utc> = NOW.parse().unwrap();
        let p = |object: &str, minutes: i64| Problem {
            key: format!("k {object}"),
            severity: Severity::Warning,
            subject: Subject::Swarm,
            object: object.into(),
            text: String::new(),
            since: Some(now - chrono::Duration::minutes(minutes)),
        };
        let mut a = vec![p("service api", 1), p("service web", 9)];
        worst_first(&mut a);
        // web failed again, now newer than api: the rows stay where the cursor left them
        let mut b = vec![p("service web", 0), p("service api", 1)];
        worst_first(&mut b);
        let objects = |v: &[Problem]| v.iter().map(|p| p.object.clone()).collect::<Vec<_>>();
        assert_eq!(objects(&a), ["service api", "service web"]);
        assert_eq!(objects(&b), objects(&a));
    }

    #[test]
    fn the_nodes_engines_add_unhealthy_tasks_and_image_drift() {
        let c = sample();
        let now = parse_time(NOW).unwrap();
        let n1 = "n1aaaaaaaaaaaaaaaaaaaaaaa";
        let n2 = "n2bbbbbbbbbbbbbbbbbbbbbbb";
        let facts = [
            container(
                "t1aaaaaaaaaaaaaaaaaaaaaaa",
                n1,
                "sha256:aaaaaaaaaaaa0000",
                "running",
                Health::Healthy,
            ),
            container(
                "t2aaaaaaaaaaaaaaaaaaaaaaa",
                n2,
                "sha256:bbbbbbbbbbbb0000",
                "running",
                Health::Unhealthy,
            ),
            container(
                "t3aaaaaaaaaaaaaaaaaaaaaaa",
                n2,
                "sha256:bbbbbbbbbbbb0000",
                "running",
                Health::Starting,
            ),
            // an exited container of the same service runs no image any more: no drift from it
            container(
                "t4aaaaaaaaaaaaaaaaaaaaaaa",
                n2,
                "sha256:cccccccccccc0000",
                "exited",
                Health::Unhealthy,
            ),
        ];
        let refs: Vec<&ContainerFacts> = facts.iter().collect();
        let base = find(&c, now);
        let p = find_with(&c, now, &refs);
        let new: Vec<&Problem> = p.iter().filter(|x| !base.contains(x)).collect();
        let texts: Vec<&str> = new.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "web runs 2 different images for swarmtest/busybox:1: aaaaaaaaaaaa on node1; bbbbbbbbbbbb on node2 (a tag pulled at different times; pin a digest)",
                "web.2 is unhealthy on node2: its healthcheck fails",
            ]
        );
        // mid rolling update: web.1 was given another tag; two images for two references
        // are the update, not drift
        let mut c = c.clone();
        let mut tasks = c.tasks.clone();
        for t in tasks.iter_mut() {
            if t.id.as_deref() == Some("t1aaaaaaaaaaaaaaaaaaaaaaa") {
                t.image = Some("swarmtest/busybox:2".into());
            }
        }
        c.merge_tasks(&crate::cluster::TaskSet::All, tasks);
        let p = find_with(&c, now, &refs);
        assert!(
            p.iter().all(|p| !p.text.contains("different images")),
            "{:?}",
            p.iter().map(|p| &p.text).collect::<Vec<_>>()
        );
        assert!(new.iter().all(|p| p.severity == Severity::Warning
            && p.subject == Subject::Service("s1webwebwebwebwebwebwebwe".into())));
        // one image everywhere: no drift
        let one = [facts[1].clone(), facts[2].clone()];
        let refs: Vec<&ContainerFacts> = one.iter().collect();
        assert!(
            !find_with(&c, now, &refs)
                .iter()
                .any(|p| p.key.contains(":drift"))
        );
        // a task the swarm still calls starting (its check never passed) is unhealthy too
        for t in c.tasks.iter_mut() {
            if t.id.as_deref() == Some("t2aaaaaaaaaaaaaaaaaaaaaaa") {
                t.status.as_mut().unwrap().state = Some(TaskState::STARTING);
            }
        }
        assert!(
            find_with(&c, now, &refs)
                .iter()
                .any(|p| p.text == "web.2 is unhealthy on node2: its healthcheck fails")
        );
    }
}
