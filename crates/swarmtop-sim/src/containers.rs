//! The containers of a node's engine, made up from the tasks the simulated swarm placed on it
//! (nothing is stored): each task that started has a container with its ID from
//! `Status.ContainerStatus.ContainerID`, the swarm's labels, its image and image ID, a health
//! when its template has a healthcheck, and figures (CPU, memory, network, block I/O, PIDs)
//! that grow steadily at a rate of its service, so CPU % holds still and differs per service.
//! Answered in the engine's JSON shapes (`/containers/json`, `/containers/{id}/json`,
//! `/containers/{id}/stats`, `/containers/{id}/top`).
//!
//! Health: a container whose template has a healthcheck is `starting` until its first check,
//! then `healthy`, unless the lowest `N` running slots of its service fail: container label
//! `swarmtop.sim.unhealthy=N`, or `Faults::set_unhealthy` at run time. Image drift: a service
//! with container label `swarmtop.sim.image-drift` runs an earlier pull of its image (another
//! image ID) in its odd slots (global services: on every other node).

use std::collections::{HashMap, HashSet};

use bollard::models::{HealthConfig, TaskState};
use serde_json::{Value, json};

use super::faults::Faults;
use super::model::{Model, SimError, SimTask, labels_match};
use super::rng::hash;
use super::time::{MILLI, Nanos, SECOND, rfc3339};

pub const LABEL_UNHEALTHY: &str = "swarmtop.sim.unhealthy";
pub const LABEL_IMAGE_DRIFT: &str = "swarmtop.sim.image-drift";

/// The engine's default healthcheck interval and retries.
const DEFAULT_INTERVAL: Nanos = 30 * SECOND;
const DEFAULT_RETRIES: i64 = 3;
/// Health results kept per container, as the engine keeps them.
const HEALTH_LOG: i64 = 5;
/// The time the engine's zero `time.Time` prints as.
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// A task's container, as its node's engine would see it.
pub struct Container<'a> {
    pub task: &'a SimTask,
    pub id: &'a str,
    pub started: Nanos,
    pub running: bool,
}

impl<'a> Container<'a> {
    pub fn of(t: &'a SimTask) -> Option<Container<'a>> {
        let id = t
            .task
            .status
            .as_ref()?
            .container_status
            .as_ref()?
            .container_id
            .as_deref()
            .filter(|c| !c.is_empty())?;
        Some(Container {
            task: t,
            id,
            started: t.started?,
            running: t.state() == TaskState::RUNNING && t.stopped.is_none(),
        })
    }

    fn exit_code(&self) -> i64 {
        self.task
            .task
            .status
            .as_ref()
            .and_then(|s| s.container_status.as_ref())
            .and_then(|c| c.exit_code)
            .unwrap_or(0)
    }

    fn image(&self) -> &str {
        self.task
            .spec
            .container_spec
            .as_ref()
            .and_then(|c| c.image.as_deref())
            .unwrap_or("")
    }

    fn container_label(&self, k: &str) -> Option<&str> {
        self.task
            .spec
            .container_spec
            .as_ref()
            .and_then(|c| c.labels.as_ref())
            .and_then(|l| l.get(k))
            .map(String::as_str)
    }

    /// `sha256:...` of the image; an earlier pull in a drifting service's odd slots.
    pub fn image_id(&self) -> String {
        let drift = self.container_label(LABEL_IMAGE_DRIFT).is_some()
            && match self.task.task.slot {
                Some(n) if n > 0 => n % 2 == 1,
                _ => hash(self.task.node().unwrap_or("")) % 2 == 1,
            };
        let key = if drift {
            format!("{}@earlier-pull", self.image())
        } else {
            self.image().to_string()
        };
        format!("sha256:{}", hex64(&key))
    }

    fn healthcheck(&self) -> Option<&HealthConfig> {
        let h = self
            .task
            .spec
            .container_spec
            .as_ref()?
            .health_check
            .as_ref()?;
        match h.test.as_deref() {
            Some([first, ..]) if first != "NONE" => Some(h),
            _ => None,
        }
    }

    fn name(&self, m: &Model) -> String {
        m.task_name(self.task)
    }
}

/// 64 hex digits from a text (an ID that looks like the engine's).
pub fn hex64(s: &str) -> String {
    (0..4u64)
        .map(|i| format!("{:016x}", hash(&format!("{i}:{s}"))))
        .collect()
}

/// What a container's healthcheck says now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// `starting`, `healthy`, `unhealthy`.
    pub status: &'static str,
    pub failing_streak: i64,
    /// Start, end, exit code, output of the last checks, oldest first.
    pub log: Vec<(Nanos, Nanos, i64, String)>,
}

/// The tasks of each service (with unhealthy slots) that fail their healthchecks: the lowest
/// running slots, as many as the label or the fault says.
pub struct Unhealthy(HashSet<String>);

impl Unhealthy {
    pub fn of(m: &Model, faults: &Faults) -> Unhealthy {
        let rules = faults.unhealthy_rules();
        let mut out = HashSet::new();
        for s in m.services() {
            let label = s
                .template
                .container_spec
                .as_ref()
                .and_then(|c| c.labels.as_ref())
                .and_then(|l| l.get(LABEL_UNHEALTHY))
                .and_then(|v| v.trim().parse::<usize>().ok());
            let rule = rules
                .get(s.id())
                .or_else(|| rules.get(s.name()))
                .copied()
                .map(|n| n as usize);
            let Some(n) = rule.or(label).filter(|n| *n > 0) else {
                continue;
            };
            let mut running: Vec<&SimTask> = m
                .tasks_of_service(s.id())
                .filter(|t| t.state() == TaskState::RUNNING && t.is_active())
                .collect();
            running.sort_by_key(|t| (t.task.slot.unwrap_or(0), t.node().map(str::to_string)));
            out.extend(running.into_iter().take(n).map(|t| t.id().to_string()));
        }
        Unhealthy(out)
    }

    pub fn contains(&self, task: &str) -> bool {
        self.0.contains(task)
    }
}

fn health(c: &Container<'_>, sick: &Unhealthy, now: Nanos) -> Option<Health> {
    let h = c.healthcheck()?;
    let interval = h
        .interval
        .filter(|i| *i > 0)
        .unwrap_or(DEFAULT_INTERVAL)
        .max(SECOND);
    let retries = h.retries.filter(|r| *r > 0).unwrap_or(DEFAULT_RETRIES);
    let until = if c.running {
        now
    } else {
        c.task.stopped.unwrap_or(now)
    };
    let checks = ((until - c.started) / interval).max(0);
    let failing = sick.contains(c.task.id());
    let status = match (checks, failing) {
        (0, _) => "starting",
        (n, true) if n < retries => "starting",
        (_, true) => "unhealthy",
        (_, false) => "healthy",
    };
    let output = if failing {
        "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Connection refused\n"
    } else {
        "HTTP/1.1 200 OK\n"
    };
    let log = (checks.saturating_sub(HEALTH_LOG) + 1..=checks)
        .map(|k| {
            let start = c.started + k * interval;
            (
                start,
                start + 23 * MILLI,
                i64::from(failing),
                output.to_string(),
            )
        })
        .collect();
    Some(Health {
        status,
        failing_streak: if failing { checks } else { 0 },
        log,
    })
}

/// Go's `units.HumanDuration`, which the engine's `Status` uses.
pub fn human_duration(d: Nanos) -> String {
    let secs = d / SECOND;
    let minutes = d / (60 * SECOND);
    let hours = minutes / 60;
    if secs < 1 {
        "Less than a second".into()
    } else if secs == 1 {
        "1 second".into()
    } else if secs < 60 {
        format!("{secs} seconds")
    } else if minutes == 1 {
        "About a minute".into()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours.max(1) == 1 && minutes < 120 {
        "About an hour".into()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", hours / 24 / 365)
    }
}

fn status_text(c: &Container<'_>, h: Option<&Health>, now: Nanos) -> String {
    if c.running {
        let suffix = match h.map(|h| h.status) {
            Some("starting") => " (health: starting)",
            Some("healthy") => " (healthy)",
            Some("unhealthy") => " (unhealthy)",
            _ => "",
        };
        format!("Up {}{suffix}", human_duration(now - c.started))
    } else {
        let stopped = c.task.stopped.unwrap_or(now);
        format!(
            "Exited ({}) {} ago",
            c.exit_code(),
            human_duration(now - stopped)
        )
    }
}

fn labels(m: &Model, c: &Container<'_>) -> HashMap<String, String> {
    let t = c.task;
    let mut l: HashMap<String, String> = t
        .spec
        .container_spec
        .as_ref()
        .and_then(|c| c.labels.clone())
        .unwrap_or_default();
    let svc = m.service(t.service()).ok();
    l.insert(
        "com.docker.swarm.node.id".into(),
        t.node().unwrap_or("").into(),
    );
    l.insert("com.docker.swarm.service.id".into(), t.service().into());
    l.insert(
        "com.docker.swarm.service.name".into(),
        svc.map(|s| s.name().to_string()).unwrap_or_default(),
    );
    l.insert("com.docker.swarm.task".into(), String::new());
    l.insert("com.docker.swarm.task.id".into(), t.id().into());
    l.insert("com.docker.swarm.task.name".into(), m.task_name(t));
    l
}

/// Every container of a node's tasks, newest first.
pub fn on_node<'a>(m: &'a Model, node: &str) -> Vec<Container<'a>> {
    let mut v: Vec<Container<'a>> = m.tasks_on_node(node).filter_map(Container::of).collect();
    v.sort_by(|a, b| b.started.cmp(&a.started).then(a.id.cmp(b.id)));
    v
}

/// A container of the node by full ID, unique ID prefix or name (the engine's lookup).
pub fn find<'a>(m: &'a Model, node: &str, key: &str) -> Result<Container<'a>, SimError> {
    let key = key.trim_start_matches('/');
    let all = on_node(m, node);
    let not_found = || SimError::NotFound(format!("No such container: {key}"));
    if key.is_empty() {
        return Err(not_found());
    }
    if let Some(i) = all.iter().position(|c| c.id == key || c.name(m) == key) {
        return all.into_iter().nth(i).ok_or_else(not_found);
    }
    let mut hits: Vec<Container<'a>> = all.into_iter().filter(|c| c.id.starts_with(key)).collect();
    match hits.len() {
        0 => Err(not_found()),
        1 => hits.pop().ok_or_else(not_found),
        _ => Err(SimError::Invalid(format!(
            "multiple IDs found with provided prefix: {key}"
        ))),
    }
}

const LIST_FILTERS: [&str; 15] = [
    "ancestor",
    "before",
    "expose",
    "exited",
    "health",
    "id",
    "isolation",
    "is-task",
    "label",
    "name",
    "network",
    "publish",
    "since",
    "status",
    "volume",
];

/// `GET /containers/json`: `all`, and the `label`, `id`, `name`, `status`, `health` and
/// `is-task` filters (the others are accepted and not applied).
pub fn list(
    m: &Model,
    faults: &Faults,
    node: &str,
    all: bool,
    filters: &HashMap<String, Vec<String>>,
    now: Nanos,
) -> Result<Vec<Value>, SimError> {
    super::http::accept(filters, &LIST_FILTERS)?;
    let sick = Unhealthy::of(m, faults);
    let get = |k: &str| filters.get(k).cloned().unwrap_or_default();
    let (ids, names, statuses, healths) = (get("id"), get("name"), get("status"), get("health"));
    let mut out = Vec::new();
    for c in on_node(m, node) {
        let state = if c.running { "running" } else { "exited" };
        let l = labels(m, &c);
        let name = c.name(m);
        let h = health(&c, &sick, now);
        let hword = h.as_ref().map_or("none", |h| h.status);
        let keep = (all || c.running || !statuses.is_empty())
            && labels_match(Some(&l), &get("label"))
            && (ids.is_empty() || ids.iter().any(|p| c.id.starts_with(p.as_str())))
            && (names.is_empty() || names.iter().any(|n| name.contains(n.as_str())))
            && (statuses.is_empty() || statuses.iter().any(|s| s == state))
            && (healths.is_empty() || healths.iter().any(|s| s == hword));
        if !keep {
            continue;
        }
        out.push(json!({
            "Id": c.id,
            "Names": [format!("/{name}")],
            "Image": c.image(),
            "ImageID": c.image_id(),
            "Command": "/docker-entrypoint.sh",
            "Created": c.started / SECOND,
            "Ports": [],
            "Labels": l,
            "State": state,
            "Status": status_text(&c, h.as_ref(), now),
            "HostConfig": {"NetworkMode": "default"},
            "NetworkSettings": {"Networks": {}},
            "Mounts": [],
        }));
    }
    Ok(out)
}

/// `GET /containers/{id}/json`, the parts a client reads: State (with Health), Config, Image.
pub fn inspect(m: &Model, faults: &Faults, c: &Container<'_>, now: Nanos) -> Value {
    let sick = Unhealthy::of(m, faults);
    let h = health(c, &sick, now);
    let name = c.name(m);
    let mut state = json!({
        "Status": if c.running { "running" } else { "exited" },
        "Running": c.running,
        "Paused": false,
        "Restarting": false,
        "OOMKilled": false,
        "Dead": false,
        "Pid": if c.running { pid_of(c) } else { 0 },
        "ExitCode": if c.running { 0 } else { c.exit_code() },
        "Error": "",
        "StartedAt": rfc3339(c.started),
        "FinishedAt": c.task.stopped.filter(|_| !c.running).map_or(ZERO_TIME.to_string(), rfc3339),
    });
    if let Some(h) = &h {
        state["Health"] = json!({
            "Status": h.status,
            "FailingStreak": h.failing_streak,
            "Log": h.log.iter().map(|(s, e, code, out)| json!({
                "Start": rfc3339(*s), "End": rfc3339(*e), "ExitCode": code, "Output": out,
            })).collect::<Vec<_>>(),
        });
    }
    let cs = c.task.spec.container_spec.as_ref();
    let healthcheck = c.healthcheck().map(|hc| {
        json!({
            "Test": hc.test,
            "Interval": hc.interval.unwrap_or(0),
            "Timeout": hc.timeout.unwrap_or(0),
            "Retries": hc.retries.unwrap_or(0),
            "StartPeriod": hc.start_period.unwrap_or(0),
        })
    });
    json!({
        "Id": c.id,
        "Created": rfc3339(c.started),
        "Path": "/docker-entrypoint.sh",
        "Args": cs.and_then(|c| c.args.clone()).unwrap_or_default(),
        "State": state,
        "Image": c.image_id(),
        "Name": format!("/{name}"),
        "RestartCount": 0,
        "Driver": "overlay2",
        "Platform": "linux",
        "Config": {
            "Hostname": &c.id[..12.min(c.id.len())],
            "Image": c.image(),
            "Env": cs.and_then(|c| c.env.clone()).unwrap_or_default(),
            "Labels": labels(m, c),
            "Healthcheck": healthcheck,
        },
        "HostConfig": {"NetworkMode": "default", "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0}},
        "NetworkSettings": {"Networks": {}},
        "Mounts": [],
    })
}

fn pid_of(c: &Container<'_>) -> i64 {
    c.task
        .task
        .status
        .as_ref()
        .and_then(|s| s.container_status.as_ref())
        .and_then(|c| c.pid)
        .unwrap_or(0)
}

/// A service's steady figures: CPU in cores, memory in bytes, bytes per second received,
/// sent and written, and its processes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    pub cores: f64,
    pub memory: u64,
    pub rx: u64,
    pub tx: u64,
    pub write: u64,
    pub read: u64,
    pub pids: u64,
}

impl Rates {
    pub fn of(service: &str, task: &str) -> Rates {
        let h = hash(service);
        // a task of a service is within ±10 % of its siblings
        let jitter = 0.9 + (hash(task) % 201) as f64 / 1000.0;
        // most services idle along, a few are busy: 0.2 % .. 80 % of a core
        let cores = match h % 10 {
            0 => 0.3 + ((h >> 8) % 500) as f64 / 1000.0,
            1..=3 => 0.05 + ((h >> 8) % 150) as f64 / 1000.0,
            _ => 0.002 + ((h >> 8) % 40) as f64 / 1000.0,
        } * jitter;
        let mib = 16 + (h >> 20) % 480;
        Rates {
            cores,
            memory: ((mib << 20) as f64 * jitter) as u64,
            rx: (1 + (h >> 30) % 200) * 1024,
            tx: (1 + (h >> 38) % 100) * 1024,
            write: ((h >> 44) % 64) * 1024,
            read: (4 + (h >> 50) % 60) << 20,
            pids: 1 + (h >> 56) % 30,
        }
    }
}

/// The host's CPUs, memory and boot time (its joining the swarm stands in for it).
fn node_resources(m: &Model, node: &str) -> (u64, u64, Nanos) {
    let n = m.node(node).ok();
    let boot = n
        .and_then(|n| n.created_at.as_deref())
        .and_then(super::time::parse_rfc3339)
        .unwrap_or(0);
    let res = n
        .and_then(|n| n.description.as_ref())
        .and_then(|d| d.resources.as_ref());
    let cpus = res
        .and_then(|r| r.nano_cpus)
        .map_or(1, |n| (n / 1_000_000_000).max(1) as u64);
    let mem = res.and_then(|r| r.memory_bytes).unwrap_or(1 << 30).max(0) as u64;
    (cpus, mem, boot)
}

fn cpu_at(c: &Container<'_>, r: &Rates, (cpus, boot): (u64, Nanos), at: Nanos) -> Value {
    let used = ((at - c.started).max(0) as f64 * r.cores) as u64;
    json!({
        "cpu_usage": {
            "total_usage": used,
            "usage_in_kernelmode": used / 5,
            "usage_in_usermode": used - used / 5,
        },
        // the host's CPU time since boot, every CPU counted
        "system_cpu_usage": ((at - boot).max(0) as u64).saturating_mul(cpus),
        "online_cpus": cpus,
        "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0},
    })
}

fn zero_cpu() -> Value {
    json!({
        "cpu_usage": {"total_usage": 0, "usage_in_kernelmode": 0, "usage_in_usermode": 0},
        "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0},
    })
}

/// `GET /containers/{id}/stats`, one reading at `at`; with `pre`, `precpu_stats` is the
/// reading at that earlier time (the engine's previous sample), else zero (`one-shot`).
pub fn stats(m: &Model, c: &Container<'_>, at: Nanos, pre: Option<Nanos>) -> Value {
    let name = format!("/{}", c.name(m));
    if !c.running {
        return json!({
            "name": name, "id": c.id, "read": ZERO_TIME, "preread": ZERO_TIME,
            "pids_stats": {}, "blkio_stats": {
                "io_service_bytes_recursive": null, "io_serviced_recursive": null,
                "io_queue_recursive": null, "io_service_time_recursive": null,
                "io_wait_time_recursive": null, "io_merged_recursive": null,
                "io_time_recursive": null, "sectors_recursive": null,
            },
            "num_procs": 0, "storage_stats": {}, "cpu_stats": zero_cpu(), "precpu_stats": zero_cpu(),
            "memory_stats": {},
        });
    }
    let r = Rates::of(c.task.service(), c.task.id());
    let (cpus, host_mem, boot) = node_resources(m, c.task.node().unwrap_or(""));
    let limit = c
        .task
        .spec
        .resources
        .as_ref()
        .and_then(|r| r.limits.as_ref())
        .and_then(|l| l.memory_bytes)
        .filter(|b| *b > 0)
        .map_or(host_mem, |b| b as u64);
    let up = ((at - c.started).max(0) / SECOND) as u64;
    // memory breathes a little around its level, a minute up and a minute down
    let wiggle = (up % 120).abs_diff(60) * 16 * 1024;
    let usage = (r.memory + wiggle).min(limit);
    let inactive = usage / 10;
    json!({
        "name": name,
        "id": c.id,
        "read": rfc3339(at),
        "preread": pre.map_or(ZERO_TIME.to_string(), rfc3339),
        "pids_stats": {"current": r.pids, "limit": 4_194_304u64},
        "blkio_stats": {
            "io_service_bytes_recursive": [
                {"major": 8, "minor": 0, "op": "read", "value": r.read},
                {"major": 8, "minor": 0, "op": "write", "value": r.write * up},
            ],
            "io_serviced_recursive": null, "io_queue_recursive": null,
            "io_service_time_recursive": null, "io_wait_time_recursive": null,
            "io_merged_recursive": null, "io_time_recursive": null, "sectors_recursive": null,
        },
        "num_procs": 0,
        "storage_stats": {},
        "cpu_stats": cpu_at(c, &r, (cpus, boot), at),
        "precpu_stats": pre.map_or_else(zero_cpu, |p| cpu_at(c, &r, (cpus, boot), p)),
        "memory_stats": {
            "usage": usage,
            "stats": {
                "active_anon": usage - inactive,
                "active_file": 0,
                "anon": usage - inactive,
                "file": inactive,
                "inactive_anon": 0,
                "inactive_file": inactive,
                "pgfault": up * 100,
                "pgmajfault": 0,
            },
            "limit": limit,
        },
        "networks": {
            "eth0": {
                "rx_bytes": r.rx * up, "rx_packets": r.rx * up / 800, "rx_errors": 0, "rx_dropped": 0,
                "tx_bytes": r.tx * up, "tx_packets": r.tx * up / 800, "tx_errors": 0, "tx_dropped": 0,
            }
        },
    })
}

/// `GET /containers/{id}/top`: a few processes (409 when the container is not running).
pub fn top(c: &Container<'_>) -> Result<Value, SimError> {
    if !c.running {
        return Err(SimError::Conflict(format!(
            "Container {} is not running",
            c.id
        )));
    }
    let pid = pid_of(c).max(1000);
    let r = Rates::of(c.task.service(), c.task.id());
    let stime = rfc3339(c.started);
    let stime = stime.get(11..16).unwrap_or("00:00").to_string();
    let cmd = match c.image().rsplit('/').next().unwrap_or("") {
        i if i.starts_with("postgres") => "postgres",
        i if i.starts_with("redis") => "redis-server *:6379",
        i if i.starts_with("nginx") || i.starts_with("traefik") => "nginx: master process",
        _ => "/app/server --port 8080",
    };
    let mut procs = vec![json!([
        "root",
        pid.to_string(),
        (pid - 25).to_string(),
        "0",
        stime,
        "?",
        "00:00:03",
        cmd
    ])];
    for i in 1..r.pids.min(4) as i64 {
        procs.push(json!([
            "101",
            (pid + i).to_string(),
            pid.to_string(),
            "0",
            stime,
            "?",
            "00:00:01",
            format!("{cmd} (worker {i})")
        ]));
    }
    Ok(json!({
        "Titles": ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"],
        "Processes": procs,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_the_engines() {
        assert_eq!(human_duration(0), "Less than a second");
        assert_eq!(human_duration(SECOND), "1 second");
        assert_eq!(human_duration(45 * SECOND), "45 seconds");
        assert_eq!(human_duration(90 * SECOND), "About a minute");
        assert_eq!(human_duration(3 * 60 * SECOND), "3 minutes");
        assert_eq!(human_duration(61 * 60 * SECOND), "About an hour");
        assert_eq!(human_duration(5 * 3600 * SECOND), "5 hours");
        assert_eq!(human_duration(3 * 86400 * SECOND), "3 days");
    }

    #[test]
    fn services_differ_and_tasks_stay_close() {
        let a = Rates::of("svc-a", "t1");
        let a2 = Rates::of("svc-a", "t2");
        let b = Rates::of("svc-b", "t3");
        assert!((a.cores / a2.cores - 1.0).abs() < 0.25);
        assert_ne!(a.cores, b.cores);
        assert!(a.cores > 0.0 && a.cores < 1.0);
    }
}
