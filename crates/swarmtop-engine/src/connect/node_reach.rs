//! Where each node's own engine is reached (containers, stats, exec and container logs live
//! there, not on the manager). Pure: which URL, and where that choice came from, in the order
//! an operator expects: the session's own node is the session; then an entry for the node in
//! the context's settings (by hostname or ID); then a docker context whose engine is that node
//! (its `Swarm.NodeID`, probed elsewhere); then the context's template; and with none of
//! these, over ssh through the manager the session is on (`ssh -J`), as a bastion-only setup
//! needs. Nothing is installed on the nodes.

use std::collections::BTreeMap;

use swarmtop_model::host::{HostUrl, SshTarget};

/// What the swarm says of a node.
#[derive(Debug, Clone, Copy)]
pub struct NodeFacts<'a> {
    pub id: &'a str,
    pub hostname: &'a str,
    /// `Status.Addr`: where the node is reached from the manager.
    pub addr: &'a str,
}

/// The context's settings for reaching nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReachSettings {
    /// Node hostname or ID -> engine URL.
    pub nodes: BTreeMap<String, String>,
    /// A URL with `{addr}`, `{hostname}`, `{id}` (e.g. `ssh://root@{addr}`).
    pub template: Option<String>,
}

/// Where a node's endpoint came from (said in the reach view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReachSource {
    /// The node the session is connected to.
    Session,
    /// An entry of the settings, under this key.
    Setting(String),
    /// A docker context whose engine is this node.
    Context(String),
    /// The context's template.
    Template,
    /// ssh to the node's address, through the session's manager.
    ThroughManager,
}

impl ReachSource {
    pub fn words(&self) -> String {
        match self {
            ReachSource::Session => "the session's own node".into(),
            ReachSource::Setting(k) => format!("config.yaml nodes.{k}"),
            ReachSource::Context(c) => format!("docker context {c}"),
            ReachSource::Template => "config.yaml node_template".into(),
            ReachSource::ThroughManager => "ssh through the manager".into(),
        }
    }
}

/// A node's endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub url: HostUrl,
    /// An ssh hop in between (`ssh -J`).
    pub jump: Option<SshTarget>,
    pub source: ReachSource,
}

/// The endpoint of `node`'s engine, or why there is none, in words that name the node and
/// the setting to change. `contexts` maps a node ID to the docker context whose engine is
/// that node, and its URL.
pub fn reach(
    node: NodeFacts<'_>,
    session: &HostUrl,
    session_node: &str,
    settings: &ReachSettings,
    contexts: &BTreeMap<String, (String, HostUrl)>,
) -> Result<Reach, String> {
    let name = node.hostname;
    if node.id == session_node {
        return Ok(Reach {
            url: session.clone(),
            jump: None,
            source: ReachSource::Session,
        });
    }
    for key in [node.hostname, node.id] {
        if let Some(url) = settings.nodes.get(key) {
            let url = HostUrl::parse(url, false)
                .map_err(|e| format!("{name}: config.yaml nodes.{key}: {e}"))?;
            return Ok(Reach {
                url,
                jump: None,
                source: ReachSource::Setting(key.to_string()),
            });
        }
    }
    if let Some((context, url)) = contexts.get(node.id) {
        return Ok(Reach {
            url: url.clone(),
            jump: None,
            source: ReachSource::Context(context.clone()),
        });
    }
    if let Some(template) = &settings.template {
        let text = fill(template, node)
            .map_err(|e| format!("{name}: config.yaml node_template {template:?}: {e}"))?;
        let url = HostUrl::parse(&text, false)
            .map_err(|e| format!("{name}: config.yaml node_template gives {text:?}: {e}"))?;
        return Ok(Reach {
            url,
            jump: None,
            source: ReachSource::Template,
        });
    }
    match session {
        HostUrl::Ssh(manager) => {
            let addr = address(node)?;
            Ok(Reach {
                url: HostUrl::Ssh(SshTarget {
                    user: manager.user.clone(),
                    host: addr.to_string(),
                    port: None,
                }),
                jump: Some(manager.clone()),
                source: ReachSource::ThroughManager,
            })
        }
        _ => Err(format!(
            "{name}: no way to reach its engine from here: set nodes.{name} or node_template \
             in config.yaml for this context, or connect over ssh:// so nodes are reached \
             through the manager"
        )),
    }
}

/// The node's address, when it has a usable one.
fn address<'a>(node: NodeFacts<'a>) -> Result<&'a str, String> {
    match node.addr {
        "" | "0.0.0.0" => Err(format!(
            "{}: the swarm reports no address for it",
            node.hostname
        )),
        a => Ok(a),
    }
}

/// The template with the node's facts in it; an unknown `{name}` is an error naming it.
fn fill(template: &str, node: NodeFacts<'_>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err("a `{` is not closed".into());
        };
        out.push_str(match &after[..close] {
            "addr" => address(node)?,
            "hostname" => node.hostname,
            "id" => node.id,
            other => {
                return Err(format!(
                    "unknown {{{other}}} (use {{addr}}, {{hostname}}, {{id}})"
                ));
            }
        });
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODE: NodeFacts<'static> = NodeFacts {
        id: "n3id",
        hostname: "node3",
        addr: "10.0.0.13",
    };

    fn ssh(s: &str) -> HostUrl {
        HostUrl::parse(s, false).unwrap()
    }

    fn reach_of(session: &str, settings: &ReachSettings) -> Result<Reach, String> {
        reach(NODE, &ssh(session), "n1id", settings, &BTreeMap::new())
    }

    #[test]
    fn the_session_node_is_the_session() {
        let r = reach(
            NODE,
            &ssh("ssh://ops@mgr"),
            "n3id",
            &Default::default(),
            &BTreeMap::new(),
        );
        assert_eq!(r.unwrap().source, ReachSource::Session);
    }

    #[test]
    fn through_the_manager_by_default_over_ssh() {
        let r = reach_of("ssh://ops@mgr.example:2222", &Default::default()).unwrap();
        assert_eq!(r.url.to_string(), "ssh://ops@10.0.0.13");
        assert_eq!(r.jump.unwrap().to_string(), "ssh://ops@mgr.example:2222");
        assert_eq!(r.source.words(), "ssh through the manager");
    }

    #[test]
    fn a_setting_then_a_context_then_the_template() {
        let mut s = ReachSettings {
            template: Some("tcp://{addr}:2376".into()),
            ..Default::default()
        };
        let mut contexts = BTreeMap::new();
        contexts.insert(
            "n3id".to_string(),
            ("node3-ctx".to_string(), ssh("ssh://root@n3")),
        );
        let r = |s: &ReachSettings, c: &BTreeMap<_, _>| {
            reach(NODE, &ssh("ssh://mgr"), "n1id", s, c).unwrap()
        };
        assert_eq!(
            r(&s, &BTreeMap::new()).url.to_string(),
            "tcp://10.0.0.13:2376"
        );
        assert_eq!(r(&s, &BTreeMap::new()).source, ReachSource::Template);
        assert_eq!(
            r(&s, &contexts).source,
            ReachSource::Context("node3-ctx".into())
        );
        s.nodes
            .insert("n3id".into(), "ssh://admin@bastion-3".into());
        let by_id = r(&s, &contexts);
        assert_eq!(by_id.url.to_string(), "ssh://admin@bastion-3");
        assert_eq!(by_id.source.words(), "config.yaml nodes.n3id");
        s.nodes.insert("node3".into(), "unix:///run/n3.sock".into());
        assert_eq!(
            r(&s, &contexts).source,
            ReachSource::Setting("node3".into()),
            "hostname first"
        );
    }

    #[test]
    fn templates_fill_every_fact_and_refuse_what_they_do_not_know() {
        let s = |t: &str| ReachSettings {
            template: Some(t.into()),
            ..Default::default()
        };
        let r = reach_of("ssh://mgr", &s("ssh://{hostname}.lan")).unwrap();
        assert_eq!(r.url.to_string(), "ssh://node3.lan");
        let e = reach_of("ssh://mgr", &s("ssh://{host}")).unwrap_err();
        assert!(e.starts_with("node3: config.yaml node_template"), "{e}");
        assert!(e.contains("unknown {host}"), "{e}");
        let e = reach_of("ssh://mgr", &s("ftp://{addr}")).unwrap_err();
        assert!(e.contains("gives \"ftp://10.0.0.13\""), "{e}");
    }

    #[test]
    fn no_way_is_said_in_words() {
        let e = reach(
            NODE,
            &HostUrl::parse("unix:///var/run/docker.sock", false).unwrap(),
            "n1id",
            &Default::default(),
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert!(e.starts_with("node3: no way to reach its engine"), "{e}");
        assert!(e.contains("nodes.node3"), "{e}");
        let lost = NodeFacts {
            addr: "0.0.0.0",
            ..NODE
        };
        let e = reach(
            lost,
            &ssh("ssh://mgr"),
            "n1id",
            &Default::default(),
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert_eq!(e, "node3: the swarm reports no address for it");
        let mut bad = ReachSettings::default();
        bad.nodes.insert("node3".into(), "ftp://x".into());
        let e = reach_of("ssh://mgr", &bad).unwrap_err();
        assert!(e.starts_with("node3: config.yaml nodes.node3: "), "{e}");
    }
}
