//! Which object a name or ID typed on the command line means, decided as the engine decides it
//! for the docker CLI (moby `daemon/cluster/helpers.go`): the full ID, else the exact name, else a
//! unique ID prefix. An empty key is refused: as a prefix it would match everything, and a script
//! with an unset variable (`swarmtop service scale "$SVC=0"`) must not scale the only service.

use crate::cluster::{Cluster, ObjectKind, node_hostname, node_id, service_id, service_name};

/// The ID and the name of the one object `key` means, or why there is none.
pub fn resolve<'a>(
    kind: &str,
    key: &str,
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(String, String), String> {
    if key.trim().is_empty() {
        return Err(format!("empty {kind} name or ID {key:?}"));
    }
    let items: Vec<(&str, &str)> = items.into_iter().filter(|(id, _)| !id.is_empty()).collect();
    let owned = |(id, name): &(&str, &str)| (id.to_string(), name.to_string());
    if let Some(hit) = items.iter().find(|(id, _)| *id == key) {
        return Ok(owned(hit));
    }
    let by_name: Vec<_> = items.iter().filter(|(_, name)| *name == key).collect();
    let hits = if by_name.is_empty() {
        items.iter().filter(|(id, _)| id.starts_with(key)).collect()
    } else {
        by_name
    };
    match hits.as_slice() {
        [one] => Ok(owned(one)),
        [] => Err(format!("{kind} {key} not found")),
        many => Err(format!(
            "{kind} {key} is ambiguous ({} matches found: {}): give the full ID",
            many.len(),
            many.iter()
                .map(|(id, _)| *id)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The network a service attaches to, as `docker service create --network` finds it (a
/// network inspect with scope swarm): the swarm-scoped network by ID, name or unique ID prefix,
/// given as its ID, which is what the CLI sends. `items` are (ID, name, is the ingress network).
/// `host` and `bridge` are swarm networks the engine predefines but does not list: their name is
/// sent and the engine resolves it, as it does for the CLI. The ingress network is refused, with
/// the engine's reason.
pub fn network_target<'a>(
    key: &str,
    items: impl IntoIterator<Item = (&'a str, &'a str, bool)>,
) -> Result<String, String> {
    let items: Vec<(&str, &str, bool)> = items.into_iter().collect();
    match resolve(
        "network",
        key,
        items.iter().map(|(id, name, _)| (*id, *name)),
    ) {
        Ok((id, name)) => {
            if items.iter().any(|(i, _, ingress)| *i == id && *ingress) {
                return Err(format!(
                    "network {name} is the ingress network: a service cannot be attached to it explicitly (published ports use it already)"
                ));
            }
            Ok(id)
        }
        Err(_) if key == "host" || key == "bridge" => Ok(key.to_string()),
        Err(e) if e.ends_with("not found") => Err(format!(
            "{e}: a service attaches to swarm-scoped networks (overlay; docker network ls --filter scope=swarm)"
        )),
        Err(e) => Err(e),
    }
}

/// A node by ID, hostname or unique ID prefix; `self` is the node swarmtop is connected to, as
/// in `docker node inspect self`.
pub fn find_node(c: &Cluster, key: &str) -> Result<(String, String), String> {
    let key = if key == "self" {
        c.info
            .as_ref()
            .and_then(|i| i.swarm.as_ref())
            .and_then(|s| s.node_id.as_deref())
            .filter(|id| !id.is_empty())
            .ok_or("self: the engine did not say which node it is (no node ID in /info)")?
    } else {
        key
    };
    resolve(
        "node",
        key,
        c.nodes.iter().map(|n| (node_id(n), node_hostname(n))),
    )
    .map_err(|e| format!("{e} (see docker node ls)"))
}

/// A service by ID, name or unique ID prefix.
pub fn find_service(c: &Cluster, key: &str) -> Result<(String, String), String> {
    resolve(
        "service",
        key,
        c.services.iter().map(|s| (service_id(s), service_name(s))),
    )
    .map_err(|e| format!("{e} (see docker service ls)"))
}

/// A secret or config by ID, name or unique ID prefix.
pub fn find_object(c: &Cluster, kind: ObjectKind, key: &str) -> Result<(String, String), String> {
    resolve(
        kind.word(),
        key,
        c.objects(kind).into_iter().map(|o| (o.id(), o.name())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::fixtures::sample;

    #[test]
    fn full_id_then_exact_name_then_unique_prefix() {
        let c = sample();
        assert_eq!(
            find_node(&c, "node2").unwrap().0,
            "n2bbbbbbbbbbbbbbbbbbbbbbb"
        );
        assert_eq!(find_node(&c, "n3cc").unwrap().1, "node3");
        assert_eq!(
            find_service(&c, "s1webwebwebwebwebwebwebwe").unwrap().1,
            "web"
        );
        assert_eq!(
            find_service(&c, "web").unwrap().0,
            "s1webwebwebwebwebwebwebwe"
        );
        assert!(
            find_node(&c, "nodeX")
                .unwrap_err()
                .contains("node nodeX not found")
        );
    }

    #[test]
    fn an_empty_key_matches_nothing() {
        let c = sample();
        for key in ["", " "] {
            let e = find_service(&c, key).unwrap_err();
            assert!(e.contains("empty service name"), "{e}");
            let e = find_node(&c, key).unwrap_err();
            assert!(e.contains("empty node name"), "{e}");
        }
        // with one object the old prefix rule took "" for it
        let mut one = sample();
        one.services.truncate(1);
        assert!(find_service(&one, "").is_err());
    }

    #[test]
    fn an_ambiguous_prefix_or_name_is_an_error() {
        let c = sample();
        let e = find_node(&c, "n").unwrap_err();
        assert!(e.contains("ambiguous (3 matches found"), "{e}");
        // two objects of one name (two nodes with one hostname) are ambiguous too
        let e = resolve("node", "a", [("x1", "a"), ("x2", "a")]).unwrap_err();
        assert!(e.contains("ambiguous (2 matches found"), "{e}");
        // an exact name wins over a prefix of another's ID
        assert_eq!(
            resolve("service", "ab", [("ab12", "x"), ("zz", "ab")])
                .unwrap()
                .0,
            "zz"
        );
        // a full ID wins over a name
        assert_eq!(
            resolve("service", "ab12", [("zz", "ab12"), ("ab12", "x")])
                .unwrap()
                .1,
            "x"
        );
    }

    #[test]
    fn self_is_the_node_connected_to() {
        let mut c = sample();
        assert!(find_node(&c, "self").unwrap_err().contains("/info"));
        c.info = Some(
            serde_json::from_value(serde_json::json!({
                "Swarm": {"NodeID": "n2bbbbbbbbbbbbbbbbbbbbbbb"}
            }))
            .unwrap(),
        );
        assert_eq!(find_node(&c, "self").unwrap().1, "node2");
    }

    #[test]
    fn secrets_and_configs_resolve_the_same_way() {
        let c = sample();
        assert!(
            find_object(&c, ObjectKind::Secret, "")
                .unwrap_err()
                .contains("empty secret name")
        );
        assert!(
            find_object(&c, ObjectKind::Config, "")
                .unwrap_err()
                .contains("empty config name")
        );
        if let Some(s) = c.secrets.first() {
            let name = s.spec.as_ref().and_then(|x| x.name.clone()).unwrap();
            assert_eq!(find_object(&c, ObjectKind::Secret, &name).unwrap().1, name);
        }
    }

    #[test]
    fn networks_resolve_like_the_cli_and_the_ingress_is_refused() {
        let items = [
            ("guz4173xyvasbjdn8doceeikl", "front", false),
            ("kab686i0dxq7kbz31n7wix43w", "back", false),
            ("vr76s4vmfnd4wwwwwwwwwwwww", "ingress", true),
        ];
        assert_eq!(
            network_target("front", items).unwrap(),
            "guz4173xyvasbjdn8doceeikl"
        );
        assert_eq!(
            network_target("kab686", items).unwrap(),
            "kab686i0dxq7kbz31n7wix43w"
        );
        assert!(
            network_target("ingress", items)
                .unwrap_err()
                .contains("ingress network")
        );
        let e = network_target("docker_gwbridge", items).unwrap_err();
        assert!(e.contains("network docker_gwbridge not found"), "{e}");
        assert!(e.contains("swarm-scoped"), "{e}");
        assert_eq!(network_target("host", items).unwrap(), "host");
        assert!(network_target("", items).is_err());
    }
}
