//! `fleet:` in config.yaml: the swarms `:fleet` and `swarmtop fleet` list, instead of every
//! docker context. Context names, or names with the URL of a manager, as a list or a map:
//!
//! ```yaml
//! fleet: [prod, staging]
//! fleet:
//!   prod:                          # the docker context prod
//!   edge: ssh://root@edge-mgr-1    # a manager by URL, under the name edge
//! ```
//!
//! A bad entry is reported with its line and left out; the others stay.

use yaml_serde::Value;

use super::problem::{Problem, ProblemKind};
use crate::yaml_locate::{Seg, locate};

/// One swarm of the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetEntry {
    /// A docker context's name, or the name given to `url`.
    pub name: String,
    /// A manager's URL (ssh://, tcp://, unix://); none: `name` is a docker context.
    pub url: Option<String>,
}

/// The docker CLI's rule for a context name: a letter or digit first, then letters, digits,
/// `_`, `.`, `+`, `-`; two characters at least.
pub fn valid_context_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() => {}
        _ => return false,
    }
    name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-'))
}

/// Where problems go: the file's text (to place them) and name.
pub(super) struct Report<'a> {
    pub text: &'a str,
    pub file: &'a str,
    pub problems: &'a mut Vec<Problem>,
}

/// Reads `fleet:`; every bad entry is one problem in `r`, named by its place.
pub(super) fn read(r: &mut Report, v: &Value) -> Vec<FleetEntry> {
    let mut out: Vec<FleetEntry> = Vec::new();
    let mut add = |r: &mut Report, at: &[Seg], name: String, url: Option<&Value>| {
        let entry = match url {
            None | Some(Value::Null) => {
                if !valid_context_name(&name) {
                    bad(
                        r,
                        at,
                        format!(
                            "{name:?} is not a docker context name (a letter or digit first, then letters, digits, '_', '.', '+', '-'); a manager by URL is `NAME: ssh://user@host`"
                        ),
                    );
                    return;
                }
                FleetEntry { name, url: None }
            }
            Some(u) => match url_text(u) {
                Ok(url) => FleetEntry {
                    name,
                    url: Some(url),
                },
                Err(why) => {
                    bad(r, at, why);
                    return;
                }
            },
        };
        if out.iter().any(|e| e.name == entry.name) {
            bad(r, at, format!("{:?} is listed twice", entry.name));
            return;
        }
        out.push(entry);
    };
    match v {
        Value::Null => {}
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                let at = [Seg::Key("fleet".into()), Seg::Index(i)];
                match item {
                    Value::String(s) => add(r, &at, s.trim().to_string(), None),
                    Value::Mapping(m) if m.len() == 1 => {
                        if let Some((k, u)) = m.iter().next() {
                            add(r, &at, scalar(k), Some(u));
                        }
                    }
                    _ => bad(
                        r,
                        &at,
                        "expected a context name, or NAME: URL".to_string(),
                    ),
                }
            }
        }
        Value::Mapping(m) => {
            for (k, u) in m {
                let name = scalar(k);
                let at = [Seg::Key("fleet".into()), Seg::Key(name.clone())];
                add(r, &at, name, Some(u));
            }
        }
        _ => bad(
            r,
            &[Seg::Key("fleet".into())],
            "expected a list of docker context names (fleet: [prod, staging]), or names with a manager's URL".to_string(),
        ),
    }
    out
}

/// A manager's URL as `nodes:` takes them.
fn url_text(v: &Value) -> Result<String, String> {
    let Value::String(s) = v else {
        return Err("expected a manager's URL (ssh://user@host, tcp://host:2376, unix:///path), or nothing for a docker context".into());
    };
    let s = s.trim();
    if ["ssh://", "tcp://", "unix://"]
        .iter()
        .any(|p| s.starts_with(p))
    {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not an engine URL: it starts with ssh://, tcp:// or unix://"
        ))
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn bad(r: &mut Report, at: &[Seg], message: String) {
    let mut p = Problem::new(ProblemKind::BadValue, r.file, message);
    p.key = Some(crate::yaml_locate::path_text(at));
    p.line = locate(r.text, at).map(|p| p.line);
    r.problems.push(p);
}

#[cfg(test)]
mod tests {
    use super::super::file::ConfigFile;
    use super::*;

    fn entry(name: &str, url: Option<&str>) -> FleetEntry {
        FleetEntry {
            name: name.into(),
            url: url.map(str::to_string),
        }
    }

    #[test]
    fn a_list_of_contexts_and_a_map_with_urls() {
        let (c, p) = ConfigFile::parse("fleet: [prod, staging]\n", "config.yaml");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(c.fleet, vec![entry("prod", None), entry("staging", None)]);

        let text = "theme: mono\nfleet:\n  prod:\n  edge: ssh://root@edge-1\n";
        let (c, p) = ConfigFile::parse(text, "config.yaml");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            c.fleet,
            vec![
                entry("prod", None),
                entry("edge", Some("ssh://root@edge-1"))
            ]
        );

        let text = "fleet:\n  - prod\n  - edge: tcp://10.0.0.1:2376\n";
        let (c, p) = ConfigFile::parse(text, "config.yaml");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            c.fleet,
            vec![
                entry("prod", None),
                entry("edge", Some("tcp://10.0.0.1:2376"))
            ]
        );
    }

    #[test]
    fn a_bad_entry_is_named_with_its_line_and_the_others_stay() {
        let text =
            "theme: mono\nfleet:\n  - prod\n  - -bad\n  - edge: 10.0.0.1\n  - prod\n  - lab\n";
        let (c, p) = ConfigFile::parse(text, "config.yaml");
        let said: Vec<String> = p.iter().map(|p| p.to_string()).collect();
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(
            said[0].starts_with("config.yaml:4: fleet[1]: \"-bad\" is not a docker context name"),
            "{said:?}"
        );
        assert_eq!(
            said[1],
            "config.yaml:5: fleet[2]: \"10.0.0.1\" is not an engine URL: it starts with ssh://, tcp:// or unix://"
        );
        assert_eq!(said[2], "config.yaml:6: fleet[3]: \"prod\" is listed twice");
        assert_eq!(c.fleet, vec![entry("prod", None), entry("lab", None)]);
        assert_eq!(
            c.base.theme.unwrap().name,
            "mono",
            "the rest of the file is read"
        );
    }

    #[test]
    fn a_map_entry_and_the_wrong_shape() {
        let (_, p) = ConfigFile::parse("fleet:\n  ok:\n  edge: 42\n", "config.yaml");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].line, Some(3));
        assert_eq!(p[0].key.as_deref(), Some("fleet.edge"));
        let (c, p) = ConfigFile::parse("fleet: prod\n", "config.yaml");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].line, Some(1));
        assert!(c.fleet.is_empty());
        // the fleet is the top level's: a context has none
        let (_, p) = ConfigFile::parse("contexts:\n  prod:\n    fleet: [a1]\n", "config.yaml");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].line, Some(3));
        assert!(p[0].message.contains("top level"), "{p:?}");
    }
}
