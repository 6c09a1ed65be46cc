//! `config.yaml`: which theme and keymap, refresh intervals, the log buffer, read-only, and the
//! same settings per docker context. Every setting is read on its own: a mistake in one is
//! reported (file, line, key) and only that setting takes its default, so a typo elsewhere
//! never drops a context's `read_only: true`.

use std::collections::BTreeMap;
use std::time::Duration;

use yaml_serde::{Mapping, Value};

use super::problem::{Problem, ProblemKind, did_you_mean, line_of, scalar_text, shown};

/// The settings, in the order the README documents them.
const SETTINGS: &[&str] = &[
    "theme",
    "keymap",
    "read_only",
    "log_buffer",
    "refresh",
    "nodes",
    "node_template",
    "commands",
    "contexts",
    "fleet",
];
const REFRESH: &[&str] = &["tasks", "services", "resync"];

/// Log lines kept per logs view: enough for a day of a chatty service, bounded for memory.
pub const LOG_BUFFER_RANGE: (usize, usize) = (100, 5_000_000);
/// Lines the logs view keeps when config.yaml does not say.
pub const LOG_BUFFER_DEFAULT: usize = 50_000;

/// A theme or keymap name, with where it was written (to report a name that names nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    /// The dotted key (`contexts.prod.theme`).
    pub key: String,
    pub line: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refresh {
    pub tasks: Option<Duration>,
    pub services: Option<Duration>,
    pub resync: Option<Duration>,
}

/// One set of settings: the top level of the file, or one context's overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layer {
    pub theme: Option<Named>,
    pub keymap: Option<Named>,
    pub read_only: Option<bool>,
    pub log_buffer: Option<usize>,
    pub refresh: Refresh,
    /// Where each node's own engine is (node hostname or ID -> URL).
    pub nodes: BTreeMap<String, String>,
    /// A URL with `{addr}`, `{hostname}`, `{id}` for the nodes without an entry.
    pub node_template: Option<String>,
    /// Custom commands (`commands:`, `super::commands`).
    pub commands: Vec<super::commands::CustomCommand>,
}

impl Layer {
    /// `over`'s settings where it has them, self's elsewhere.
    pub fn with(&self, over: &Layer) -> Layer {
        Layer {
            theme: over.theme.clone().or_else(|| self.theme.clone()),
            keymap: over.keymap.clone().or_else(|| self.keymap.clone()),
            read_only: over.read_only.or(self.read_only),
            log_buffer: over.log_buffer.or(self.log_buffer),
            refresh: Refresh {
                tasks: over.refresh.tasks.or(self.refresh.tasks),
                services: over.refresh.services.or(self.refresh.services),
                resync: over.refresh.resync.or(self.refresh.resync),
            },
            // a context's entries over the top level's, node by node
            nodes: self
                .nodes
                .iter()
                .chain(&over.nodes)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            node_template: over
                .node_template
                .clone()
                .or_else(|| self.node_template.clone()),
            // a context's command of the same name replaces the top level's; the rest add
            commands: self
                .commands
                .iter()
                .filter(|c| !over.commands.iter().any(|o| o.name == c.name))
                .chain(&over.commands)
                .cloned()
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigFile {
    pub base: Layer,
    /// Overrides by docker context name (`default` is the context of `--host` and DOCKER_HOST).
    pub contexts: BTreeMap<String, Layer>,
    /// `fleet:`: the swarms `:fleet` lists (none: every docker context).
    pub fleet: Vec<super::fleet::FleetEntry>,
}

impl ConfigFile {
    /// Reads what can be read, and says what cannot.
    pub fn parse(text: &str, file: &str) -> (ConfigFile, Vec<Problem>) {
        let mut problems = Vec::new();
        let doc: Value = match yaml_serde::from_str(text) {
            Ok(v) => v,
            Err(e) => return (ConfigFile::default(), vec![Problem::yaml(file, text, &e)]),
        };
        let top = match doc {
            Value::Null => Mapping::new(),
            Value::Mapping(m) => m,
            _ => {
                let p = Problem::new(
                    ProblemKind::Yaml,
                    file,
                    "config.yaml is a map of settings (theme: mono ...)",
                );
                return (ConfigFile::default(), vec![p]);
            }
        };
        let r = Reader {
            text,
            file,
            problems: &mut problems,
        };
        let mut r = r;
        let base = r.layer(&top, &[], true);
        let mut contexts = BTreeMap::new();
        if let Some(v) = top.get("contexts") {
            match v {
                Value::Null => {}
                Value::Mapping(m) => {
                    for (k, v) in m {
                        let name = scalar_text(k);
                        let path = ["contexts", name.as_str()];
                        match v {
                            Value::Mapping(lm) => {
                                let layer = r.layer(lm, &path, false);
                                contexts.insert(name, layer);
                            }
                            Value::Null => {
                                contexts.insert(name, Layer::default());
                            }
                            _ => r.problem(
                                ProblemKind::BadValue,
                                &path,
                                "expected the context's settings (theme: red-alert ...)",
                            ),
                        }
                    }
                }
                _ => r.problem(
                    ProblemKind::BadValue,
                    &["contexts"],
                    "expected a map of context names to settings",
                ),
            }
        }
        let fleet = match top.get("fleet") {
            Some(v) => super::fleet::read(
                &mut super::fleet::Report {
                    text,
                    file,
                    problems: r.problems,
                },
                v,
            ),
            None => Vec::new(),
        };
        (
            ConfigFile {
                base,
                contexts,
                fleet,
            },
            problems,
        )
    }

    /// The settings for a context: its overrides over the top level.
    pub fn layer_for(&self, context: &str) -> Layer {
        match self.contexts.get(context) {
            Some(c) => self.base.with(c),
            None => self.base.clone(),
        }
    }

    /// Every theme or keymap name the file mentions, for checking that each names something.
    pub fn names(&self) -> Vec<(&'static str, &Named)> {
        let mut out = Vec::new();
        for l in std::iter::once(&self.base).chain(self.contexts.values()) {
            if let Some(n) = &l.theme {
                out.push(("theme", n));
            }
            if let Some(n) = &l.keymap {
                out.push(("keymap", n));
            }
        }
        out
    }
}

struct Reader<'a> {
    text: &'a str,
    file: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl Reader<'_> {
    fn problem(&mut self, kind: ProblemKind, path: &[&str], message: impl Into<String>) {
        self.problems
            .push(Problem::new(kind, self.file, message).at(self.text, path));
    }

    fn layer(&mut self, m: &Mapping, prefix: &[&str], top: bool) -> Layer {
        let mut layer = Layer::default();
        for (k, v) in m {
            let key = scalar_text(k);
            let mut path: Vec<&str> = prefix.to_vec();
            path.push(&key);
            match key.as_str() {
                "theme" => layer.theme = self.name(v, &path),
                "keymap" => layer.keymap = self.name(v, &path),
                "read_only" => match v {
                    Value::Bool(b) => layer.read_only = Some(*b),
                    other => self.problem(
                        ProblemKind::BadValue,
                        &path,
                        format!("expected true or false, found {}", shown(other)),
                    ),
                },
                "log_buffer" => layer.log_buffer = self.log_buffer(v, &path),
                "refresh" => layer.refresh = self.refresh(v, &path),
                "nodes" => layer.nodes = self.nodes(v, &path),
                // an empty `node_template:` is no template, as in the README's defaults
                "node_template" if v.is_null() => layer.node_template = None,
                "node_template" => layer.node_template = self.endpoint(v, &path, true),
                "commands" => {
                    layer.commands =
                        super::commands::parse(v, &path, self.text, self.file, self.problems)
                }
                "contexts" | "fleet" if top => {}
                "contexts" | "fleet" => self.problem(
                    ProblemKind::UnknownKey,
                    &path,
                    format!(
                        "{key} {} at the top level of config.yaml, not inside a context",
                        if key == "fleet" { "goes" } else { "go" }
                    ),
                ),
                _ => {
                    let known = SETTINGS
                        .iter()
                        .copied()
                        .filter(|s| top || !matches!(*s, "contexts" | "fleet"));
                    let hint = did_you_mean(&key, known.clone());
                    self.problem(
                        ProblemKind::UnknownKey,
                        &path,
                        format!(
                            "unknown setting{hint} (settings: {})",
                            known.collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
            }
        }
        layer
    }

    fn name(&mut self, v: &Value, path: &[&str]) -> Option<Named> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(Named {
                name: s.trim().to_string(),
                key: path.join("."),
                line: line_of(self.text, path),
            }),
            other => {
                self.problem(
                    ProblemKind::BadValue,
                    path,
                    format!("expected a name, found {}", shown(other)),
                );
                None
            }
        }
    }

    /// `nodes:`: node hostname or ID -> the URL of its engine. A bad entry is reported and
    /// left out; the others stay.
    fn nodes(&mut self, v: &Value, path: &[&str]) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let m = match v {
            Value::Null => return out,
            Value::Mapping(m) => m,
            other => {
                self.problem(
                    ProblemKind::BadValue,
                    path,
                    format!(
                        "expected node names with the URL of each one's engine \
                         (node3: ssh://root@10.0.0.3), found {}",
                        shown(other)
                    ),
                );
                return out;
            }
        };
        for (k, v) in m {
            let key = scalar_text(k);
            let mut p: Vec<&str> = path.to_vec();
            p.push(&key);
            if let Some(url) = self.endpoint(v, &p, false) {
                out.insert(key, url);
            }
        }
        out
    }

    /// An engine URL (ssh://, tcp://, unix://), or a template of one.
    fn endpoint(&mut self, v: &Value, path: &[&str], template: bool) -> Option<String> {
        let text = match v {
            Value::String(s) => s.trim().to_string(),
            other => {
                self.problem(
                    ProblemKind::BadValue,
                    path,
                    format!(
                        "expected an engine URL (ssh://user@host, tcp://host:2376, unix:///path), \
                         found {}",
                        shown(other)
                    ),
                );
                return None;
            }
        };
        let scheme_ok = ["ssh://", "tcp://", "unix://"]
            .iter()
            .any(|s| text.starts_with(s));
        if !scheme_ok {
            self.problem(
                ProblemKind::BadValue,
                path,
                format!("{text:?} is not an engine URL: it starts with ssh://, tcp:// or unix://"),
            );
            return None;
        }
        if template {
            let mut rest = text.as_str();
            while let Some(open) = rest.find('{') {
                let after = &rest[open + 1..];
                let Some(close) = after.find('}') else {
                    self.problem(ProblemKind::BadValue, path, "a `{` is not closed");
                    return None;
                };
                let name = &after[..close];
                if !["addr", "hostname", "id"].contains(&name) {
                    self.problem(
                        ProblemKind::BadValue,
                        path,
                        format!(
                            "unknown {{{name}}}: the template knows {{addr}}, {{hostname}}, {{id}}"
                        ),
                    );
                    return None;
                }
                rest = &after[close + 1..];
            }
        }
        Some(text)
    }

    fn log_buffer(&mut self, v: &Value, path: &[&str]) -> Option<usize> {
        let (lo, hi) = LOG_BUFFER_RANGE;
        match v.as_u64().and_then(|n| usize::try_from(n).ok()) {
            Some(n) if (lo..=hi).contains(&n) => Some(n),
            _ => {
                self.problem(
                    ProblemKind::BadValue,
                    path,
                    format!(
                        "expected a number of log lines from {lo} to {hi}, found {}",
                        shown(v)
                    ),
                );
                None
            }
        }
    }

    fn refresh(&mut self, v: &Value, path: &[&str]) -> Refresh {
        let mut r = Refresh::default();
        let m = match v {
            Value::Null => return r,
            Value::Mapping(m) => m,
            other => {
                self.problem(
                    ProblemKind::BadValue,
                    path,
                    format!(
                        "expected tasks:, services:, resync: durations, found {}",
                        shown(other)
                    ),
                );
                return r;
            }
        };
        for (k, v) in m {
            let key = scalar_text(k);
            let mut p: Vec<&str> = path.to_vec();
            p.push(&key);
            // polling faster than this loads a big swarm's managers for nothing; resync is the
            // safety net behind events, so it may be slow but not hammering
            let (slot, min, max) = match key.as_str() {
                "tasks" => (
                    &mut r.tasks,
                    Duration::from_millis(500),
                    Duration::from_secs(3600),
                ),
                "services" => (
                    &mut r.services,
                    Duration::from_millis(500),
                    Duration::from_secs(3600),
                ),
                "resync" => (
                    &mut r.resync,
                    Duration::from_secs(5),
                    Duration::from_secs(86_400),
                ),
                _ => {
                    let hint = did_you_mean(&key, REFRESH.iter().copied());
                    self.problem(
                        ProblemKind::UnknownKey,
                        &p,
                        format!("unknown interval{hint} (intervals: {})", REFRESH.join(", ")),
                    );
                    continue;
                }
            };
            match duration(v) {
                Some(d) if d >= min && d <= max => *slot = Some(d),
                Some(_) => self.problem(
                    ProblemKind::BadValue,
                    &p,
                    format!(
                        "{} is out of range ({} to {})",
                        shown(v),
                        words(min),
                        words(max)
                    ),
                ),
                None => self.problem(
                    ProblemKind::BadValue,
                    &p,
                    format!("{} is not a duration (write 2s, 500ms, 1m or 1h)", shown(v)),
                ),
            }
        }
        r
    }
}

/// `2s`, `500ms`, `1m`, `1h`, or a bare number of seconds.
pub fn duration(v: &Value) -> Option<Duration> {
    if let Some(n) = v.as_u64() {
        return Some(Duration::from_secs(n));
    }
    let s = v.as_str()?.trim();
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    match unit.trim() {
        "ms" => Some(Duration::from_millis(n)),
        "s" => Some(Duration::from_secs(n)),
        "m" => n.checked_mul(60).map(Duration::from_secs),
        "h" => n.checked_mul(3600).map(Duration::from_secs),
        _ => None,
    }
}

fn words(d: Duration) -> String {
    match d.as_millis() {
        ms if ms % 3_600_000 == 0 => format!("{}h", ms / 3_600_000),
        ms if ms % 60_000 == 0 => format!("{}m", ms / 60_000),
        ms if ms % 1000 == 0 => format!("{}s", ms / 1000),
        ms => format!("{ms}ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "\
theme: light
keymap: vim
log_buffer: 20000
refresh:
  tasks: 5s
  services: 3s
  resync: 2m
contexts:
  prod:
    theme: red-alert
    read_only: true
    refresh: {tasks: 10s}
";

    #[test]
    fn reads_every_setting_and_context_overrides() {
        let (c, problems) = ConfigFile::parse(EXAMPLE, "config.yaml");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.base.theme.as_ref().unwrap().name, "light");
        assert_eq!(c.base.log_buffer, Some(20_000));
        let prod = c.layer_for("prod");
        assert_eq!(prod.theme.as_ref().unwrap().name, "red-alert");
        assert_eq!(prod.theme.as_ref().unwrap().line, Some(10));
        assert_eq!(prod.keymap.as_ref().unwrap().name, "vim", "inherited");
        assert_eq!(prod.read_only, Some(true));
        assert_eq!(prod.refresh.tasks, Some(Duration::from_secs(10)));
        assert_eq!(prod.refresh.services, Some(Duration::from_secs(3)));
        let other = c.layer_for("staging");
        assert_eq!(other.read_only, None);
        assert_eq!(other.refresh.tasks, Some(Duration::from_secs(5)));
    }

    #[test]
    fn node_endpoints_per_context_over_the_top_level() {
        let text = "\
nodes:
  node1: ssh://root@10.0.0.1
  node2: ssh://root@10.0.0.2
node_template: ssh://root@{addr}
contexts:
  prod:
    nodes:
      node2: tcp://10.9.0.2:2376
    node_template: ssh://ops@{hostname}.prod
";
        let (c, problems) = ConfigFile::parse(text, "config.yaml");
        assert!(problems.is_empty(), "{problems:?}");
        let prod = c.layer_for("prod");
        assert_eq!(prod.nodes["node1"], "ssh://root@10.0.0.1", "inherited");
        assert_eq!(
            prod.nodes["node2"], "tcp://10.9.0.2:2376",
            "the context's own"
        );
        assert_eq!(
            prod.node_template.as_deref(),
            Some("ssh://ops@{hostname}.prod")
        );
        let other = c.layer_for("staging");
        assert_eq!(other.nodes["node2"], "ssh://root@10.0.0.2");
        assert_eq!(other.node_template.as_deref(), Some("ssh://root@{addr}"));
    }

    #[test]
    fn a_bad_node_endpoint_is_named_and_the_others_stay() {
        let text = "nodes:\n  node1: 10.0.0.1\n  node2: ssh://root@10.0.0.2\nnode_template: ssh://root@{address}\n";
        let (c, problems) = ConfigFile::parse(text, "config.yaml");
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            vec![
                "config.yaml:2: nodes.node1: \"10.0.0.1\" is not an engine URL: it starts with ssh://, tcp:// or unix://",
                "config.yaml:4: node_template: unknown {address}: the template knows {addr}, {hostname}, {id}",
            ]
        );
        assert_eq!(c.base.nodes.len(), 1);
        assert_eq!(c.base.nodes["node2"], "ssh://root@10.0.0.2");
        assert_eq!(c.base.node_template, None);
        // the README's defaults read without a word
        let (_, problems) = ConfigFile::parse("nodes: {}\nnode_template:\n", "config.yaml");
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn the_readmes_config_examples_read_without_a_word() {
        let readme = include_str!("../../../../README.md");
        let mut checked = 0;
        for block in readme.split("```yaml\n").skip(1) {
            let block = block.split("```").next().unwrap_or("");
            // keymap and theme files have their own formats
            let first = block.lines().next().unwrap_or("");
            if first.starts_with("# ~/.config/swarmtop/keymaps/")
                || first.starts_with("# ~/.config/swarmtop/themes/")
            {
                continue;
            }
            let (_, problems) = ConfigFile::parse(block, "README.md");
            assert!(problems.is_empty(), "{block}\n{problems:?}");
            checked += 1;
        }
        assert!(
            checked >= 2,
            "the README's config.yaml examples were not found"
        );
    }

    #[test]
    fn a_mistake_costs_only_its_own_setting() {
        let text = "theme: mono\nrefresh:\n  taks: 5s\ncontexts:\n  prod:\n    read_only: yes\n    readonly: true\n    theme: red-alert\n";
        let (c, problems) = ConfigFile::parse(text, "config.yaml");
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            vec![
                "config.yaml:3: refresh.taks: unknown interval (did you mean tasks?) (intervals: tasks, services, resync)",
                "config.yaml:6: contexts.prod.read_only: expected true or false, found \"yes\"",
                "config.yaml:7: contexts.prod.readonly: unknown setting (did you mean read_only?) (settings: theme, keymap, read_only, log_buffer, refresh, nodes, node_template, commands)",
            ]
        );
        assert_eq!(c.base.theme.unwrap().name, "mono");
        assert_eq!(c.contexts["prod"].theme.as_ref().unwrap().name, "red-alert");
    }

    #[test]
    fn values_out_of_range_and_bad_yaml() {
        let (_, p) = ConfigFile::parse("log_buffer: 5\nrefresh: {tasks: 10ms}\n", "c.yaml");
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!((p[0].line, p[0].kind), (Some(1), ProblemKind::BadValue));
        assert!(
            p[1].message.contains("out of range (500ms to 1h)"),
            "{}",
            p[1]
        );
        let (c, p) = ConfigFile::parse("theme: [mono\n", "c.yaml");
        assert_eq!(c, ConfigFile::default());
        assert_eq!((p[0].kind, p[0].line), (ProblemKind::Yaml, Some(2)));
    }

    #[test]
    fn durations() {
        let d = |s: &str| duration(&yaml_serde::from_str(s).unwrap());
        assert_eq!(d("2s"), Some(Duration::from_secs(2)));
        assert_eq!(d("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(d("1m"), Some(Duration::from_secs(60)));
        assert_eq!(d("3"), Some(Duration::from_secs(3)));
        assert_eq!(d("2x"), None);
        assert_eq!(d("s"), None);
    }
}
