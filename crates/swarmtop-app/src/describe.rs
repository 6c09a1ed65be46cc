//! Describe: one object's spec and status as YAML, scrollable and searchable. Built from the
//! data already loaded (no I/O). Secret and config data never appear.

use serde::Serialize;

use super::node_data::{NodeData, problems};
use super::panes::{Pane, View};
use swarmtop_model::cluster::problems::Subject;
use swarmtop_model::cluster::{Cluster, ObjectKind, ObjectRef, STACK_LABEL, service_stack};

#[derive(Debug, Clone, PartialEq)]
pub struct Describe {
    pub title: String,
    pub lines: Vec<String>,
    pub offset: usize,
    /// Typing a search (`/`): the text so far.
    pub typing: Option<String>,
    /// The active search and the lines that match it.
    pub search: String,
    pub matches: Vec<usize>,
    pub current: usize,
    /// A config's data, decoded, shown on request (configs are not secret; secrets never).
    pub config_data: Option<String>,
    pub data_shown: bool,
    /// What it shows, where keys depend on it (`h` on a service's, `d` in its history).
    pub shows: Shows,
}

/// What a describe view shows, where its keys depend on it.
#[derive(Debug, Clone, PartialEq)]
pub enum Shows {
    Other,
    /// A service (by ID): `h` opens its spec history.
    Service(String),
    /// A service's spec history (`spec_history`), and how the engine's read of it went.
    History {
        service_id: String,
        read: SpecRead,
    },
    /// A custom command's output (`crate::custom`), by its run's id; while it runs, the stop
    /// key (and closing the view) stops it.
    Output {
        id: u64,
        running: bool,
    },
}

/// The read of a service's spec and previous spec that the history view asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum SpecRead {
    Asking,
    Read,
    Failed(String),
}

impl Shows {
    /// The service it is about, if any.
    pub fn service(&self) -> Option<&str> {
        match self {
            Shows::Other | Shows::Output { .. } => None,
            Shows::Service(id) | Shows::History { service_id: id, .. } => Some(id),
        }
    }
}

impl Describe {
    pub fn new(title: String, text: &str) -> Describe {
        Describe {
            title,
            lines: text.lines().map(str::to_string).collect(),
            offset: 0,
            typing: None,
            search: String::new(),
            matches: Vec::new(),
            current: 0,
            config_data: None,
            data_shown: false,
            shows: Shows::Other,
        }
    }

    /// Shows or hides a config's data below its spec.
    pub fn toggle_data(&mut self) -> bool {
        let Some(data) = self.config_data.clone() else {
            return false;
        };
        if self.data_shown {
            if let Some(i) = self.lines.iter().position(|l| l == DATA_MARK) {
                self.lines.truncate(i);
            }
        } else {
            self.lines.push(DATA_MARK.to_string());
            self.lines.extend(data.lines().map(str::to_string));
        }
        self.data_shown = !self.data_shown;
        true
    }

    pub fn scroll(&mut self, delta: isize, height: usize) {
        let max = self.lines.len().saturating_sub(height) as isize;
        self.offset = (self.offset as isize + delta).clamp(0, max.max(0)) as usize;
    }

    /// Sets the search and jumps to the first match at or after the top line.
    pub fn set_search(&mut self, text: &str, height: usize) {
        self.search = text.to_string();
        let needle = text.to_lowercase();
        self.matches = if needle.is_empty() {
            Vec::new()
        } else {
            self.lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.to_lowercase().contains(&needle))
                .map(|(i, _)| i)
                .collect()
        };
        self.current = self
            .matches
            .iter()
            .position(|&m| m >= self.offset)
            .unwrap_or(0);
        self.show_current(height);
    }

    pub fn next_match(&mut self, forward: bool, height: usize) {
        if self.matches.is_empty() {
            return;
        }
        let n = self.matches.len();
        self.current = if forward {
            (self.current + 1) % n
        } else {
            (self.current + n - 1) % n
        };
        self.show_current(height);
    }

    fn show_current(&mut self, height: usize) {
        if let Some(&line) = self.matches.get(self.current)
            && (line < self.offset || line >= self.offset + height)
        {
            self.offset = line.saturating_sub(height / 3);
            self.scroll(0, height);
        }
    }
}

const DATA_MARK: &str = "--- data (decoded) ---";

/// A config's base64 data as text, or what it is when it is not text.
fn decode(b64: Option<&str>) -> String {
    use base64::Engine as _;
    let Some(b64) = b64 else {
        return "(no data)".into();
    };
    match base64::engine::general_purpose::STANDARD.decode(b64) {
        Ok(bytes) => match String::from_utf8(bytes) {
            // line by line: sanitizing drops control characters, newlines among them, and a
            // config's lines ran together (`listen=80mode=prod`)
            Ok(text) => text
                .lines()
                .map(|l| crate::logs::plain(&crate::logs::sanitize(l)))
                .collect::<Vec<_>>()
                .join("\n"),
            Err(e) => format!("({} bytes of binary data, not shown)", e.as_bytes().len()),
        },
        Err(_) => "(the engine sent data that is not base64)".into(),
    }
}

fn yaml<T: Serialize>(v: &T) -> String {
    yaml_serde::to_string(v).unwrap_or_else(|e| format!("# cannot show this object: {e}\n"))
}

/// The describe view of the object behind a row, if it exists.
pub fn build(
    c: &Cluster,
    nd: &NodeData,
    view: &View,
    id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Describe> {
    match view.pane {
        Pane::Nodes => node(c, nd, id),
        Pane::Services => service(c, id),
        Pane::Tasks | Pane::Top => {
            let t = c.tasks.iter().find(|t| t.id.as_deref() == Some(id))?;
            let head = super::describe_nodes::task_lines(c, nd, t);
            Some(Describe::new(
                format!("task {}", c.task_name(t)),
                &format!("{head}{}", yaml(&t.to_engine())),
            ))
        }
        Pane::Secrets | Pane::Configs => object(c, view.pane.object_kind()?, id),
        Pane::Networks => network(c, id),
        Pane::Stacks => stack(c, id),
        Pane::Events | Pane::Map | Pane::Fleet => None,
        Pane::Reach => node(c, nd, id),
        Pane::Rollout => match &view.drill {
            super::panes::Drill::Service(sid) => service(c, sid),
            _ => None,
        },
        Pane::Problems => match problems(c, now, nd)
            .into_iter()
            .find(|p| p.key == id)?
            .subject
        {
            Subject::Node(n) => node(c, nd, &n),
            Subject::Service(s) => service(c, &s),
            Subject::Network(n) => network(c, &n),
            Subject::Swarm => {
                let swarm = c.info.as_ref().and_then(|i| i.swarm.as_ref())?;
                Some(Describe::new("swarm".into(), &yaml(swarm)))
            }
        },
    }
}

fn network(c: &Cluster, id: &str) -> Option<Describe> {
    let n = c.networks.iter().find(|n| n.id.as_deref() == Some(id))?;
    Some(Describe::new(
        format!("network {}", n.name.as_deref().unwrap_or("")),
        &yaml(n),
    ))
}

fn node(c: &Cluster, nd: &NodeData, id: &str) -> Option<Describe> {
    let n = c.node_by_id(id)?;
    let head = super::describe_nodes::node_lines(nd, id);
    Some(Describe::new(
        format!("node {}", swarmtop_model::cluster::node_hostname(n)),
        &format!("{head}{}", yaml(n)),
    ))
}

pub fn service(c: &Cluster, id: &str) -> Option<Describe> {
    let s = c.service_by_id(id)?;
    let mut d = Describe::new(
        format!("service {}", swarmtop_model::cluster::service_name(s)),
        &yaml(s),
    );
    d.shows = Shows::Service(id.to_string());
    Some(d)
}

/// A secret or config: its spec without the data; a config's data kept apart for `v`.
fn object(c: &Cluster, kind: ObjectKind, id: &str) -> Option<Describe> {
    let o = c.object(kind, id)?;
    // bollard has a type per kind; either way the data is not in the spec shown
    let spec = match o {
        ObjectRef::Secret(x) => {
            let mut x = x.clone();
            if let Some(spec) = x.spec.as_mut() {
                spec.data = None;
            }
            yaml(&x)
        }
        ObjectRef::Config(x) => {
            let mut x = x.clone();
            if let Some(spec) = x.spec.as_mut() {
                spec.data = None;
            }
            yaml(&x)
        }
    };
    let (word, name) = (kind.word(), o.name());
    if !kind.data_shown() {
        return Some(Describe::new(
            format!("{word} {name} (data is never shown)"),
            &spec,
        ));
    }
    let mut d = Describe::new(format!("{word} {name} (v shows its data)"), &spec);
    d.config_data = Some(decode(o.data()));
    Some(d)
}

/// A stack has no engine object: show what carries its label.
fn stack(c: &Cluster, name: &str) -> Option<Describe> {
    #[derive(Serialize)]
    struct StackDoc<'a> {
        stack: &'a str,
        services: Vec<&'a bollard_stubs::models::Service>,
        networks: Vec<&'a str>,
        secrets: Vec<&'a str>,
        configs: Vec<&'a str>,
    }
    let has = |l: Option<&std::collections::HashMap<String, String>>| {
        l.and_then(|l| l.get(STACK_LABEL)).map(String::as_str) == Some(name)
    };
    let names = |kind| {
        c.objects(kind)
            .into_iter()
            .filter(|o| o.stack() == Some(name))
            .map(|o| o.name())
            .collect()
    };
    let doc = StackDoc {
        stack: name,
        services: c
            .services
            .iter()
            .filter(|s| service_stack(s) == Some(name))
            .collect(),
        networks: c
            .networks
            .iter()
            .filter(|n| has(n.labels.as_ref()))
            .filter_map(|n| n.name.as_deref())
            .collect(),
        secrets: names(ObjectKind::Secret),
        configs: names(ObjectKind::Config),
    };
    if doc.services.is_empty() {
        return None;
    }
    Some(Describe::new(format!("stack {name}"), &yaml(&doc)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use swarmtop_model::cluster::fixtures::{NOW, sample};
    use swarmtop_model::cluster::format::parse_time;

    #[test]
    fn secret_data_is_never_in_describe() {
        let mut c = sample();
        c.secrets[0].spec.as_mut().unwrap().data = Some("c2VjcmV0".into());
        let d = build(
            &c,
            &NodeData::default(),
            &View::top(Pane::Secrets),
            "sec1xxxxxxxxxxxxxxxxxxxxx",
            parse_time(NOW).unwrap(),
        )
        .unwrap();
        let text = d.lines.join("\n");
        assert!(!text.contains("c2VjcmV0"), "{text}");
        assert!(text.contains("db_password"));
    }

    #[test]
    fn search_finds_lines_and_cycles() {
        let mut d = Describe::new("x".into(), "a: 1\nImage: busybox\nb: 2\nimage2: x\n");
        d.set_search("image", 2);
        assert_eq!(d.matches, vec![1, 3]);
        d.next_match(true, 2);
        assert_eq!(d.current, 1);
        d.next_match(true, 2);
        assert_eq!(d.current, 0);
    }

    #[test]
    fn a_configs_data_keeps_its_lines() {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD
            .encode("listen=80\r\nmode=prod\n\x1b[31mred\x1b[0m\n");
        assert_eq!(decode(Some(&b64)), "listen=80\nmode=prod\nred");
    }
}
