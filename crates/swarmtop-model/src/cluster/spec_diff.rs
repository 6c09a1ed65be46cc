//! What changed between two service specs, field by field, in the words of `docker service
//! update`'s flags (`image`, `replicas`, `env FOO`, `mount /data`, `constraint`): what the spec
//! history and the rollback dialog list. It reads the engine's own JSON, not bollard's model,
//! so a field a newer engine adds is not dropped: a field without a word here is named by its
//! JSON path (`TaskTemplate.ContainerSpec.Foo`) and shown as JSON.
//!
//! A field that is not set and one set to its zero value (`false`, `0`, `""`, `[]`, `{}`) are
//! the same to the engine (Go reads a missing field as its zero value), so they are not a
//! change. The docker CLI also writes the engine's defaults out on a service's first update
//! (`UpdateConfig`, `RestartPolicy`, `StopGracePeriod`): those are marked `default_only`, so a
//! view can name them apart from what changes in effect.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::duration;

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The field as a docker CLI user names it (`image`, `env A`, `port 8080/tcp`), or its JSON
    /// path when it has no such name.
    pub what: String,
    /// Before and after, as the CLI writes them; `None`: not set.
    pub from: Option<String>,
    pub to: Option<String>,
    /// One side is not set and the other is what the engine does when it is not set: written
    /// out, but no change in effect.
    pub default_only: bool,
}

impl Change {
    /// `image: busybox:1 -> busybox:2`, `env B: (none) -> 2`, `label gone: yes -> (removed)`.
    pub fn line(&self) -> String {
        format!(
            "{}: {} -> {}",
            self.what,
            self.from.as_deref().unwrap_or("(none)"),
            self.to.as_deref().unwrap_or("(removed)")
        )
    }

    /// `restart-condition any`: the value that was written out.
    fn default_word(&self) -> String {
        match self.from.as_deref().or(self.to.as_deref()) {
            Some(v) => format!("{} {v}", self.what),
            None => self.what.clone(),
        }
    }
}

/// Every field that differs from `before` to `after` (two `Spec` objects of a service, as the
/// engine writes them), the most telling first: image, replicas, command, env, ports, mounts
/// ... then fields named by their path. `network_name` turns a network ID into its name.
pub fn changes(
    before: &Value,
    after: &Value,
    network_name: &dyn Fn(&str) -> Option<String>,
) -> Vec<Change> {
    let mut out = Out {
        found: Vec::new(),
        names: network_name,
    };
    walk(&mut out, "", Some(before), Some(after));
    // stable: within a rank, the order the fields were met in
    out.found.sort_by_key(|(rank, _)| *rank);
    out.found.into_iter().map(|(_, c)| c).collect()
}

/// The changes as lines: each one that changes something, then one line that names the
/// defaults written out (no change in effect); says so when nothing differs at all.
pub fn lines(changes: &[Change]) -> Vec<String> {
    let mut out: Vec<String> = changes
        .iter()
        .filter(|c| !c.default_only)
        .map(Change::line)
        .collect();
    let defaults: Vec<String> = changes
        .iter()
        .filter(|c| c.default_only)
        .map(Change::default_word)
        .collect();
    if !defaults.is_empty() {
        out.push(format!(
            "engine defaults written out (no change in effect): {}",
            defaults.join(", ")
        ));
    }
    if out.is_empty() {
        out.push("no field differs".into());
    }
    out
}

/// A value longer than this is cut (an env value can be a whole certificate).
const MAX_VALUE: usize = 120;

struct Out<'a> {
    found: Vec<(usize, Change)>,
    names: &'a dyn Fn(&str) -> Option<String>,
}

impl Out<'_> {
    fn push(
        &mut self,
        rank: usize,
        path: &str,
        what: String,
        from: Option<String>,
        to: Option<String>,
    ) {
        let default_only = is_default(path, from.as_deref(), to.as_deref());
        self.found.push((
            rank,
            Change {
                what,
                from: from.map(|v| one_line(&v)),
                to: to.map(|v| one_line(&v)),
                default_only,
            },
        ));
    }
}

/// How a value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Show {
    Plain,
    /// An image with its digest cut to 12 hex digits.
    Image,
    /// Nanoseconds, as docker writes a duration (`1m30s`).
    Duration,
    /// Nano-CPUs as CPUs (`0.5`).
    Cpus,
    Bytes,
    /// A list of words, as typed on a command line.
    Words,
    /// A healthcheck's test (`CMD-SHELL curl -f x` is shown as `curl -f x`).
    HealthTest,
    /// A counter that starts at 0 (`ForceUpdate`): not set is 0.
    Count,
}

/// What a field is, to say what changed in it.
#[derive(Clone, Copy)]
enum Rule {
    /// One value, named `what`.
    Value(&'static str, Show),
    /// A map of strings: one change per key (`label team`).
    PerKey(&'static str),
    /// `KEY=VALUE` strings: one change per variable (`env A`).
    Env,
    /// Strings whose order does not matter: each one added or removed (`constraint`).
    Set(&'static str),
    /// Objects, each known by a name: one change per name (`mount /data`).
    Items(&'static str, Item),
    /// The mode (replicated, global, jobs) and the replicas.
    Mode,
}

/// The kinds of objects in a list, each with its name and how it is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Item {
    Port,
    Mount,
    Network,
    Secret,
    Config,
    Ulimit,
}

/// The fields with a name of their own, in the order they are listed.
const RULES: &[(&str, Rule)] = &[
    (
        "TaskTemplate.ContainerSpec.Image",
        Rule::Value("image", Show::Image),
    ),
    ("Mode", Rule::Mode),
    (
        "TaskTemplate.ContainerSpec.Command",
        Rule::Value("entrypoint", Show::Words),
    ),
    (
        "TaskTemplate.ContainerSpec.Args",
        Rule::Value("args", Show::Words),
    ),
    ("TaskTemplate.ContainerSpec.Env", Rule::Env),
    ("EndpointSpec.Ports", Rule::Items("port", Item::Port)),
    (
        "EndpointSpec.Mode",
        Rule::Value("endpoint-mode", Show::Plain),
    ),
    (
        "TaskTemplate.ContainerSpec.Mounts",
        Rule::Items("mount", Item::Mount),
    ),
    (
        "TaskTemplate.Networks",
        Rule::Items("network", Item::Network),
    ),
    // the old place of a service's networks, still read by the engine
    ("Networks", Rule::Items("network", Item::Network)),
    (
        "TaskTemplate.ContainerSpec.Secrets",
        Rule::Items("secret", Item::Secret),
    ),
    (
        "TaskTemplate.ContainerSpec.Configs",
        Rule::Items("config", Item::Config),
    ),
    ("Labels", Rule::PerKey("label")),
    (
        "TaskTemplate.ContainerSpec.Labels",
        Rule::PerKey("container-label"),
    ),
    (
        "TaskTemplate.Placement.Constraints",
        Rule::Set("constraint"),
    ),
    (
        "TaskTemplate.Placement.Preferences",
        Rule::Value("placement-pref", Show::Plain),
    ),
    (
        "TaskTemplate.Placement.MaxReplicas",
        Rule::Value("replicas-max-per-node", Show::Plain),
    ),
    (
        "TaskTemplate.Resources.Limits.NanoCPUs",
        Rule::Value("limit-cpu", Show::Cpus),
    ),
    (
        "TaskTemplate.Resources.Limits.MemoryBytes",
        Rule::Value("limit-memory", Show::Bytes),
    ),
    (
        "TaskTemplate.Resources.Limits.Pids",
        Rule::Value("limit-pids", Show::Plain),
    ),
    (
        "TaskTemplate.Resources.Reservations.NanoCPUs",
        Rule::Value("reserve-cpu", Show::Cpus),
    ),
    (
        "TaskTemplate.Resources.Reservations.MemoryBytes",
        Rule::Value("reserve-memory", Show::Bytes),
    ),
    (
        "TaskTemplate.Resources.Reservations.GenericResources",
        Rule::Value("generic-resource", Show::Plain),
    ),
    (
        "TaskTemplate.ContainerSpec.Healthcheck.Test",
        Rule::Value("health-cmd", Show::HealthTest),
    ),
    (
        "TaskTemplate.ContainerSpec.Healthcheck.Interval",
        Rule::Value("health-interval", Show::Duration),
    ),
    (
        "TaskTemplate.ContainerSpec.Healthcheck.Timeout",
        Rule::Value("health-timeout", Show::Duration),
    ),
    (
        "TaskTemplate.ContainerSpec.Healthcheck.Retries",
        Rule::Value("health-retries", Show::Plain),
    ),
    (
        "TaskTemplate.ContainerSpec.Healthcheck.StartPeriod",
        Rule::Value("health-start-period", Show::Duration),
    ),
    (
        "TaskTemplate.ContainerSpec.Healthcheck.StartInterval",
        Rule::Value("health-start-interval", Show::Duration),
    ),
    (
        "TaskTemplate.RestartPolicy.Condition",
        Rule::Value("restart-condition", Show::Plain),
    ),
    (
        "TaskTemplate.RestartPolicy.Delay",
        Rule::Value("restart-delay", Show::Duration),
    ),
    (
        "TaskTemplate.RestartPolicy.MaxAttempts",
        Rule::Value("restart-max-attempts", Show::Plain),
    ),
    (
        "TaskTemplate.RestartPolicy.Window",
        Rule::Value("restart-window", Show::Duration),
    ),
    (
        "UpdateConfig.Parallelism",
        Rule::Value("update-parallelism", Show::Plain),
    ),
    (
        "UpdateConfig.Delay",
        Rule::Value("update-delay", Show::Duration),
    ),
    (
        "UpdateConfig.FailureAction",
        Rule::Value("update-failure-action", Show::Plain),
    ),
    (
        "UpdateConfig.Monitor",
        Rule::Value("update-monitor", Show::Duration),
    ),
    (
        "UpdateConfig.MaxFailureRatio",
        Rule::Value("update-max-failure-ratio", Show::Plain),
    ),
    (
        "UpdateConfig.Order",
        Rule::Value("update-order", Show::Plain),
    ),
    (
        "RollbackConfig.Parallelism",
        Rule::Value("rollback-parallelism", Show::Plain),
    ),
    (
        "RollbackConfig.Delay",
        Rule::Value("rollback-delay", Show::Duration),
    ),
    (
        "RollbackConfig.FailureAction",
        Rule::Value("rollback-failure-action", Show::Plain),
    ),
    (
        "RollbackConfig.Monitor",
        Rule::Value("rollback-monitor", Show::Duration),
    ),
    (
        "RollbackConfig.MaxFailureRatio",
        Rule::Value("rollback-max-failure-ratio", Show::Plain),
    ),
    (
        "RollbackConfig.Order",
        Rule::Value("rollback-order", Show::Plain),
    ),
    (
        "TaskTemplate.ContainerSpec.Hostname",
        Rule::Value("hostname", Show::Plain),
    ),
    (
        "TaskTemplate.ContainerSpec.User",
        Rule::Value("user", Show::Plain),
    ),
    ("TaskTemplate.ContainerSpec.Groups", Rule::Set("group")),
    (
        "TaskTemplate.ContainerSpec.Dir",
        Rule::Value("workdir", Show::Plain),
    ),
    (
        "TaskTemplate.ContainerSpec.Init",
        Rule::Value("init", Show::Plain),
    ),
    (
        "TaskTemplate.ContainerSpec.TTY",
        Rule::Value("tty", Show::Plain),
    ),
    (
        "TaskTemplate.ContainerSpec.ReadOnly",
        Rule::Value("read-only", Show::Plain),
    ),
    (
        "TaskTemplate.ContainerSpec.StopSignal",
        Rule::Value("stop-signal", Show::Plain),
    ),
    (
        "TaskTemplate.ContainerSpec.StopGracePeriod",
        Rule::Value("stop-grace-period", Show::Duration),
    ),
    ("TaskTemplate.ContainerSpec.Hosts", Rule::Set("host")),
    (
        "TaskTemplate.ContainerSpec.DNSConfig.Nameservers",
        Rule::Set("dns"),
    ),
    (
        "TaskTemplate.ContainerSpec.DNSConfig.Search",
        Rule::Set("dns-search"),
    ),
    (
        "TaskTemplate.ContainerSpec.DNSConfig.Options",
        Rule::Set("dns-option"),
    ),
    (
        "TaskTemplate.ContainerSpec.CapabilityAdd",
        Rule::Set("cap-add"),
    ),
    (
        "TaskTemplate.ContainerSpec.CapabilityDrop",
        Rule::Set("cap-drop"),
    ),
    ("TaskTemplate.ContainerSpec.Sysctls", Rule::PerKey("sysctl")),
    (
        "TaskTemplate.ContainerSpec.Ulimits",
        Rule::Items("ulimit", Item::Ulimit),
    ),
    (
        "TaskTemplate.ContainerSpec.Isolation",
        Rule::Value("isolation", Show::Plain),
    ),
    (
        "TaskTemplate.LogDriver.Name",
        Rule::Value("log-driver", Show::Plain),
    ),
    ("TaskTemplate.LogDriver.Options", Rule::PerKey("log-opt")),
    (
        "TaskTemplate.ForceUpdate",
        Rule::Value("forced restarts (--force)", Show::Count),
    ),
    ("Name", Rule::Value("name", Show::Plain)),
];

/// Fields without a name of their own come after those with one.
const UNNAMED: usize = RULES.len();

/// What the engine does when a field is not set (swarmkit's service defaults, which the docker
/// CLI writes out on a service's first update).
const DEFAULTS: &[(&str, &str)] = &[
    ("TaskTemplate.ContainerSpec.StopGracePeriod", "10s"),
    ("TaskTemplate.ContainerSpec.Isolation", "default"),
    ("TaskTemplate.RestartPolicy.Condition", "any"),
    ("TaskTemplate.RestartPolicy.Delay", "5s"),
    ("TaskTemplate.Runtime", "container"),
    ("UpdateConfig.Parallelism", "1"),
    ("UpdateConfig.FailureAction", "pause"),
    ("UpdateConfig.Monitor", "5s"),
    ("UpdateConfig.Order", "stop-first"),
    ("RollbackConfig.Parallelism", "1"),
    ("RollbackConfig.FailureAction", "pause"),
    ("RollbackConfig.Monitor", "5s"),
    ("RollbackConfig.Order", "stop-first"),
    ("EndpointSpec.Mode", "vip"),
];

fn is_default(path: &str, from: Option<&str>, to: Option<&str>) -> bool {
    let written = match (from, to) {
        (None, Some(v)) | (Some(v), None) => v,
        _ => return false,
    };
    DEFAULTS.iter().any(|(p, d)| *p == path && *d == written)
}

fn rule(path: &str) -> Option<(usize, Rule)> {
    RULES
        .iter()
        .position(|(p, _)| *p == path)
        .map(|i| (i, RULES[i].1))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `None` for a value the engine reads as not set: missing, null or a zero value.
fn set(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    })
}

fn walk(out: &mut Out, path: &str, b: Option<&Value>, a: Option<&Value>) {
    if let Some((rank, r)) = rule(path) {
        apply(out, rank, path, r, b, a);
        return;
    }
    let (b, a) = (set(b), set(a));
    if b == a {
        return;
    }
    match (b, a) {
        (None | Some(Value::Object(_)), None | Some(Value::Object(_))) => {
            let empty = Map::new();
            let bm = b.and_then(Value::as_object).unwrap_or(&empty);
            let am = a.and_then(Value::as_object).unwrap_or(&empty);
            let keys: BTreeSet<&String> = bm.keys().chain(am.keys()).collect();
            for k in keys {
                walk(out, &join(path, k), bm.get(k), am.get(k));
            }
        }
        _ => out.push(
            UNNAMED,
            path,
            path.to_string(),
            b.map(compact),
            a.map(compact),
        ),
    }
}

fn apply(out: &mut Out, rank: usize, path: &str, r: Rule, b: Option<&Value>, a: Option<&Value>) {
    match r {
        Rule::Value(what, show) => {
            let (b, a) = (set(b), set(a));
            if b == a {
                return;
            }
            let fmt = |v: Option<&Value>| match (v, show) {
                (None, Show::Count) => Some("0".to_string()),
                (v, _) => v.map(|v| shown(v, show)),
            };
            let (mut from, mut to) = (fmt(b), fmt(a));
            // different values written alike (a digest past its 12 digits): show them whole
            if from == to {
                (from, to) = (b.map(compact), a.map(compact));
            }
            out.push(rank, path, what.to_string(), from, to);
        }
        Rule::PerKey(what) => {
            let (bm, am) = (strings_by_key(set(b)), strings_by_key(set(a)));
            for k in bm.keys().chain(am.keys()).collect::<BTreeSet<_>>() {
                let (x, y) = (bm.get(k), am.get(k));
                if x != y {
                    out.push(rank, path, format!("{what} {k}"), x.cloned(), y.cloned());
                }
            }
        }
        Rule::Env => {
            let (bm, am) = (env(set(b)), env(set(a)));
            for k in bm.keys().chain(am.keys()).collect::<BTreeSet<_>>() {
                let (x, y) = (bm.get(k), am.get(k));
                if x != y {
                    out.push(rank, path, format!("env {k}"), x.cloned(), y.cloned());
                }
            }
        }
        Rule::Set(what) => {
            let (bl, al) = (words(set(b)), words(set(a)));
            let (bs, as_): (BTreeSet<&String>, BTreeSet<&String>) =
                (bl.iter().collect(), al.iter().collect());
            for gone in bl.iter().filter(|x| !as_.contains(x)) {
                out.push(rank, path, what.to_string(), Some(gone.clone()), None);
            }
            for new in al.iter().filter(|x| !bs.contains(x)) {
                out.push(rank, path, what.to_string(), None, Some(new.clone()));
            }
            // the same ones in another order (the order of dns servers counts)
            if bs == as_ && bl != al {
                out.push(
                    rank,
                    path,
                    format!("{what} order"),
                    Some(bl.join(", ")),
                    Some(al.join(", ")),
                );
            }
        }
        Rule::Items(what, kind) => {
            let names = out.names;
            let (bm, am) = (items(set(b), kind, names), items(set(a), kind, names));
            for k in bm.keys().chain(am.keys()).collect::<BTreeSet<_>>() {
                let (x, y) = (bm.get(k), am.get(k));
                if x == y {
                    continue;
                }
                let (mut from, mut to) = (x.map(|v| item(v, kind)), y.map(|v| item(v, kind)));
                // a difference in something the short form leaves out: show them whole
                if from == to {
                    (from, to) = (x.map(compact), y.map(compact));
                }
                out.push(rank, path, format!("{what} {k}"), from, to);
            }
        }
        Rule::Mode => mode(out, rank, b, a),
    }
}

/// The mode and, for a replicated service, its replicas (0 is a count here, not "not set").
fn mode(out: &mut Out, rank: usize, b: Option<&Value>, a: Option<&Value>) {
    fn kind(m: Option<&Value>) -> (&'static str, &'static str) {
        let has = |k: &str| m.and_then(|m| m.get(k)).is_some();
        if has("Global") {
            ("global", "Global")
        } else if has("ReplicatedJob") {
            ("replicated-job", "ReplicatedJob")
        } else if has("GlobalJob") {
            ("global-job", "GlobalJob")
        } else {
            // the engine's default
            ("replicated", "Replicated")
        }
    }
    let ((bk, bkey), (ak, akey)) = (kind(b), kind(a));
    let inner = |m: Option<&Value>, key: &str| m.and_then(|m| m.get(key)).cloned();
    let (bi, ai) = (inner(b, bkey), inner(a, akey));
    let count = |m: &Option<Value>, k: &str| {
        m.as_ref()
            .and_then(|m| m.get(k))
            .filter(|v| !v.is_null())
            .map(|v| shown(v, Show::Plain))
    };
    if bk != ak {
        out.push(
            rank,
            "Mode",
            "mode".into(),
            Some(bk.into()),
            Some(ak.into()),
        );
    }
    let named: &[(&str, &str)] = &[
        ("Replicas", "replicas"),
        ("MaxConcurrent", "max-concurrent"),
        ("TotalCompletions", "total-completions"),
    ];
    for (key, what) in named {
        let (x, y) = (count(&bi, key), count(&ai, key));
        if x != y {
            out.push(rank, "Mode", (*what).into(), x, y);
        }
    }
    // anything else a mode may hold, when the mode stays
    if bk == ak {
        let strip = |m: Option<Value>| {
            let mut m = m.unwrap_or(Value::Null);
            if let Value::Object(o) = &mut m {
                for (key, _) in named {
                    o.remove(*key);
                }
            }
            m
        };
        let (x, y) = (strip(bi), strip(ai));
        walk(out, &format!("Mode.{bkey}"), Some(&x), Some(&y));
    }
}

fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn shown(v: &Value, show: Show) -> String {
    match (show, v) {
        (Show::Image, Value::String(s)) => image(s),
        (Show::Duration, Value::Number(n)) => n
            .as_i64()
            .map(duration::short)
            .unwrap_or_else(|| n.to_string()),
        (Show::Cpus, Value::Number(n)) => match n.as_i64() {
            Some(nano) => cpus(nano),
            None => n.to_string(),
        },
        (Show::Bytes, Value::Number(n)) => n
            .as_i64()
            .map(super::format::bytes)
            .unwrap_or_else(|| n.to_string()),
        (Show::Words, Value::Array(items)) => command_line(items),
        (Show::HealthTest, Value::Array(items)) => health_test(items),
        _ => compact(v),
    }
}

/// `busybox:1@sha256:0123456789ab`: a digest's first 12 digits tell versions apart.
fn image(s: &str) -> String {
    match s.split_once("@sha256:") {
        Some((name, digest)) if digest.len() > 12 => {
            format!("{name}@sha256:{}", &digest[..12])
        }
        _ => s.to_string(),
    }
}

fn cpus(nano: i64) -> String {
    let s = format!("{:.9}", nano as f64 / 1e9);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Words as typed on a command line: one with a space (or none at all) is quoted.
fn command_line(items: &[Value]) -> String {
    items
        .iter()
        .map(|w| match w {
            Value::String(s) if s.is_empty() || s.chars().any(char::is_whitespace) => {
                format!("{s:?}")
            }
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn health_test(items: &[Value]) -> String {
    let first = items.first().and_then(Value::as_str);
    match first {
        Some("NONE") => "none (--no-healthcheck)".into(),
        Some("CMD-SHELL") => items.get(1).map(compact).unwrap_or_default(),
        Some("CMD") => command_line(&items[1..]),
        _ => command_line(items),
    }
}

fn strings_by_key(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let v = match v {
                        // an empty value is a value: say so, or it would read as nothing
                        Value::String(s) if s.is_empty() => "\"\"".to_string(),
                        other => compact(other),
                    };
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `A=1` by name; a variable written without `=` is shown as written.
fn env(v: Option<&Value>) -> BTreeMap<String, String> {
    words(v)
        .into_iter()
        .map(|item| match item.split_once('=') {
            Some((k, "")) => (k.to_string(), "\"\"".to_string()),
            Some((k, val)) => (k.to_string(), val.to_string()),
            None => (item.clone(), "(no value)".to_string()),
        })
        .collect()
}

fn words(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().map(compact).collect())
        .unwrap_or_default()
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k)?;
    }
    cur.as_str()
}

fn num_at(v: &Value, path: &[&str]) -> Option<i64> {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k)?;
    }
    cur.as_i64()
}

/// The objects of a list by the name a user knows each by.
fn items(
    v: Option<&Value>,
    kind: Item,
    names: &dyn Fn(&str) -> Option<String>,
) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for x in v.and_then(Value::as_array).into_iter().flatten() {
        let key = match kind {
            Item::Port => {
                let proto = str_at(x, &["Protocol"]).unwrap_or("tcp");
                match num_at(x, &["PublishedPort"]).filter(|p| *p > 0) {
                    Some(p) => format!("{p}/{proto}"),
                    None => format!(
                        "{}/{proto} (not published)",
                        num_at(x, &["TargetPort"]).unwrap_or(0)
                    ),
                }
            }
            Item::Mount => str_at(x, &["Target"]).unwrap_or("?").to_string(),
            Item::Network => {
                let id = str_at(x, &["Target"]).unwrap_or("?");
                names(id).unwrap_or_else(|| id.to_string())
            }
            // a secret or config is known by where it appears in the container, so a new
            // version of it in the same place reads as a change of that place
            Item::Secret => str_at(x, &["File", "Name"])
                .or_else(|| str_at(x, &["SecretName"]))
                .unwrap_or("?")
                .to_string(),
            Item::Config => str_at(x, &["File", "Name"])
                .or_else(|| str_at(x, &["ConfigName"]))
                .unwrap_or("?")
                .to_string(),
            Item::Ulimit => str_at(x, &["Name"]).unwrap_or("?").to_string(),
        };
        // two of the same name: both are kept, the second by its place in the list
        let key = if out.contains_key(&key) {
            format!("{key} #{}", out.len() + 1)
        } else {
            key
        };
        out.insert(key, x.clone());
    }
    out
}

/// One object of a list in the docker CLI's words.
fn item(x: &Value, kind: Item) -> String {
    match kind {
        Item::Port => {
            let proto = str_at(x, &["Protocol"]).unwrap_or("tcp");
            let target = num_at(x, &["TargetPort"]).unwrap_or(0);
            let mode = str_at(x, &["PublishMode"]).unwrap_or("ingress");
            match num_at(x, &["PublishedPort"]).filter(|p| *p > 0) {
                Some(p) => format!("{p}:{target}/{proto} ({mode})"),
                None => format!("{target}/{proto} ({mode})"),
            }
        }
        Item::Mount => {
            let mut parts = vec![format!("type={}", str_at(x, &["Type"]).unwrap_or("volume"))];
            if let Some(s) = str_at(x, &["Source"]).filter(|s| !s.is_empty()) {
                parts.push(format!("src={s}"));
            }
            if x.get("ReadOnly").and_then(Value::as_bool) == Some(true) {
                parts.push("readonly".into());
            }
            if let Some(p) = str_at(x, &["BindOptions", "Propagation"]) {
                parts.push(format!("bind-propagation={p}"));
            }
            if x.pointer("/VolumeOptions/NoCopy").and_then(Value::as_bool) == Some(true) {
                parts.push("volume-nocopy".into());
            }
            if let Some(d) = str_at(x, &["VolumeOptions", "DriverConfig", "Name"]) {
                parts.push(format!("volume-driver={d}"));
            }
            if let Some(s) = num_at(x, &["TmpfsOptions", "SizeBytes"]) {
                parts.push(format!("tmpfs-size={s}"));
            }
            if let Some(m) = num_at(x, &["TmpfsOptions", "Mode"]) {
                parts.push(format!("tmpfs-mode={m:o}"));
            }
            parts.join(",")
        }
        Item::Network => {
            let aliases = words(x.get("Aliases"));
            if aliases.is_empty() {
                "attached".into()
            } else {
                format!("aliases {}", aliases.join(","))
            }
        }
        Item::Secret | Item::Config => {
            let name = str_at(x, &["SecretName"])
                .or_else(|| str_at(x, &["ConfigName"]))
                .unwrap_or("?");
            match x.get("File") {
                Some(f) => {
                    // what `--secret source=x,target=y` leaves as it is goes unsaid
                    let mut parts = Vec::new();
                    match str_at(f, &["UID"]) {
                        Some(uid) if uid != "0" => parts.push(format!("uid {uid}")),
                        _ => {}
                    }
                    match str_at(f, &["GID"]) {
                        Some(gid) if gid != "0" => parts.push(format!("gid {gid}")),
                        _ => {}
                    }
                    match num_at(f, &["Mode"]) {
                        Some(mode) if mode != 0o444 => parts.push(format!("mode {mode:04o}")),
                        _ => {}
                    }
                    if parts.is_empty() {
                        name.to_string()
                    } else {
                        format!("{name} ({})", parts.join(", "))
                    }
                }
                None => format!("{name} (runtime)"),
            }
        }
        Item::Ulimit => format!(
            "{}:{}",
            num_at(x, &["Soft"]).unwrap_or(0),
            num_at(x, &["Hard"]).unwrap_or(0)
        ),
    }
}

/// A value on one line, safe for a terminal, and not too long to read.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_VALUE + 8));
    for (n, c) in s.chars().enumerate() {
        if n == MAX_VALUE {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[path = "spec_diff_tests.rs"]
mod tests;
