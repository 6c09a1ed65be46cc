//! Overlay address pressure: a swarm network's subnet running out of addresses. When it is
//! full, new tasks on it wait in NEW with no error at all (moby#43052), and the tasks placed
//! stay in PREPARING while their node cannot get its own address on it. Each service on the
//! network takes one address for its VIP, each task one, and each node running its tasks one
//! (the node's load balancer); the manager hands them out, and the API does not say how many
//! are left, so they are counted from the services and tasks.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use bollard_stubs::models::{Network, Service, TaskState};

use super::by_service::TasksByService;
use super::problem::{Problem, Severity, Subject};
use super::{Cluster, service_id, task_is_active, task_state};

/// From this share of a subnet on, the problems view warns.
const NEAR_FULL: f64 = 0.8;

/// Addresses a subnet gives to tasks, VIPs and nodes: all but the network, broadcast and
/// gateway addresses. None for IPv6 (too many to run out) or what does not parse.
pub fn usable_addresses(subnet: &str) -> Option<u64> {
    let (addr, bits) = subnet.split_once('/')?;
    if addr.parse::<std::net::Ipv4Addr>().is_err() {
        return None;
    }
    let bits: u32 = bits.parse().ok().filter(|b| *b <= 32)?;
    Some((1u64 << (32 - bits)).saturating_sub(3))
}

/// The networks a service's tasks are attached to: its own, and the ingress network when it
/// publishes a port through the routing mesh.
fn service_networks(s: &Service, ingress: Option<&str>) -> Vec<String> {
    let spec = s.spec.as_ref();
    let mut out: Vec<String> = spec
        .and_then(|sp| sp.task_template.as_ref())
        .and_then(|t| t.networks.as_ref())
        .or_else(|| spec.and_then(|sp| sp.networks.as_ref()))
        .map(|ns| ns.iter().filter_map(|n| n.target.clone()).collect())
        .unwrap_or_default();
    let mesh = spec
        .and_then(|sp| sp.endpoint_spec.as_ref())
        .and_then(|e| e.ports.as_ref())
        .is_some_and(|ps| {
            ps.iter().any(|p| {
                p.publish_mode
                    != Some(bollard_stubs::models::EndpointPortConfigPublishModeEnum::HOST)
            })
        });
    if let (true, Some(i)) = (mesh, ingress) {
        out.push(i.to_string());
    }
    out
}

/// How one network's addresses are taken.
#[derive(Debug, Default, PartialEq)]
struct Use<'a> {
    vips: u64,
    tasks: u64,
    nodes: foldhash::HashSet<&'a str>,
    /// Tasks that should run and wait in NEW: no address given yet.
    waiting: u64,
}

/// A network's addresses as taken now, and the problem when it is full or nearly.
fn problem(net: &Network, usable: u64, u: &Use<'_>) -> Option<Problem> {
    let needed = u.vips + u.tasks + u.nodes.len() as u64;
    let share = needed as f64 / usable.max(1) as f64;
    if share < NEAR_FULL && u.waiting == 0 {
        return None;
    }
    let id = net.id.clone().unwrap_or_default();
    let name = net.name.clone().unwrap_or_default();
    let subnets: Vec<String> = net
        .ipam
        .as_ref()
        .and_then(|i| i.config.as_ref())
        .map(|cs| cs.iter().filter_map(|c| c.subnet.clone()).collect())
        .unwrap_or_default();
    let taken = format!(
        "{} VIP{}, {} task{} and {} node{} need {needed} of its {usable} addresses",
        u.vips,
        if u.vips == 1 { "" } else { "s" },
        u.tasks,
        if u.tasks == 1 { "" } else { "s" },
        u.nodes.len(),
        if u.nodes.len() == 1 { "" } else { "s" },
    );
    let full = needed >= usable;
    let (severity, text) = if full && u.waiting > 0 {
        (
            Severity::Critical,
            format!(
                "network {name} ({}) is out of addresses: {taken}; {} task{} wait in NEW for one \
                 (a larger subnet means recreating the network)",
                subnets.join(", "),
                u.waiting,
                if u.waiting == 1 { "" } else { "s" }
            ),
        )
    } else if full {
        (
            Severity::Critical,
            format!(
                "network {name} ({}) is full: {taken}; the next task or node on it waits",
                subnets.join(", ")
            ),
        )
    } else {
        (
            Severity::Warning,
            format!(
                "network {name} ({}) is nearly full ({:.0}%): {taken}",
                subnets.join(", "),
                share * 100.0
            ),
        )
    };
    Some(Problem {
        key: format!("network:{id}:addresses"),
        severity,
        subject: Subject::Network(id),
        object: format!("network {name}"),
        text,
        since: None,
    })
}

/// Swarm networks near or at the end of their subnets. `by_service`: each service's tasks
/// (grouped once for all the checks: at 40,000 tasks this runs on every refresh).
pub fn pressure(c: &Cluster, by_service: &TasksByService<'_>, out: &mut Vec<Problem>) {
    let swarm_nets: Vec<&Network> = c
        .networks
        .iter()
        .filter(|n| n.scope.as_deref() == Some("swarm") && n.driver.as_deref() == Some("overlay"))
        .collect();
    if swarm_nets.is_empty() {
        return;
    }
    let ingress = swarm_nets
        .iter()
        .find(|n| n.ingress == Some(true))
        .and_then(|n| n.id.as_deref());
    // a service's networks may be named by name or by ID
    let by_name: BTreeMap<&str, &str> = swarm_nets
        .iter()
        .filter_map(|n| Some((n.name.as_deref()?, n.id.as_deref()?)))
        .collect();
    let mut uses: HashMap<&str, Use> = HashMap::new();
    for s in &c.services {
        for vip in s
            .endpoint
            .as_ref()
            .and_then(|e| e.virtual_ips.as_ref())
            .into_iter()
            .flatten()
        {
            if let Some(n) = vip.network_id.as_deref()
                && let Some(id) = swarm_nets
                    .iter()
                    .find_map(|x| x.id.as_deref().filter(|i| *i == n))
            {
                uses.entry(id).or_default().vips += 1;
            }
        }
        let nets: Vec<&str> = service_networks(s, ingress)
            .iter()
            .filter_map(|t| {
                swarm_nets
                    .iter()
                    .find_map(|x| x.id.as_deref().filter(|i| i == t))
                    .or_else(|| by_name.get(t.as_str()).copied())
            })
            .collect();
        let Some(tasks) = by_service.get(service_id(s)).filter(|_| !nets.is_empty()) else {
            continue;
        };
        // the service's figures once, then added to each of its networks
        let (mut holding, mut waiting) = (0, 0);
        let mut nodes: Vec<&str> = Vec::new();
        for t in tasks {
            let state = task_state(t);
            // a task holds its addresses from allocation until it ends
            if state > TaskState::NEW && state <= TaskState::RUNNING {
                holding += 1;
                if let Some(node) = t.node_id.as_deref().filter(|n| !n.is_empty()) {
                    nodes.push(node);
                }
            } else if state == TaskState::NEW && task_is_active(t) {
                waiting += 1;
            }
        }
        for id in nets {
            let u = uses.entry(id).or_default();
            u.tasks += holding;
            u.waiting += waiting;
            u.nodes.extend(nodes.iter().copied());
        }
    }
    for net in swarm_nets {
        let Some(id) = net.id.as_deref() else {
            continue;
        };
        let usable: Option<u64> = net
            .ipam
            .as_ref()
            .and_then(|i| i.config.as_ref())
            .map(|cs| {
                cs.iter()
                    .filter_map(|c| c.subnet.as_deref().and_then(usable_addresses))
                    .sum()
            })
            .filter(|n: &u64| *n > 0);
        if let (Some(usable), Some(u)) = (usable, uses.get(id))
            && let Some(p) = problem(net, usable, u)
        {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::sample;
    use super::*;
    use serde_json::json;

    #[test]
    fn usable_addresses_of_a_subnet() {
        assert_eq!(usable_addresses("10.0.0.0/24"), Some(253));
        assert_eq!(usable_addresses("10.99.0.0/29"), Some(5));
        assert_eq!(usable_addresses("10.0.0.0/32"), Some(0));
        assert_eq!(usable_addresses("fd00::/64"), None);
        assert_eq!(usable_addresses("nonsense"), None);
    }

    /// As seen on a lab swarm: a /29 (5 addresses), a service of 6 replicas on it: its VIP
    /// and 4 tasks took them, 2 tasks wait in NEW, the 3 nodes got none.
    #[test]
    fn a_full_subnet_says_who_waits() {
        let mut c = sample();
        let mut nets = c.networks.clone();
        nets.push(
            serde_json::from_value(json!({"Id": "tinyxxxxxxxxxxxxxxxxxxxxx", "Name": "tinynet",
                "Driver": "overlay", "Scope": "swarm",
                "IPAM": {"Config": [{"Subnet": "10.99.0.0/29", "Gateway": "10.99.0.1"}]}}))
            .unwrap(),
        );
        c.networks = nets;
        let mut services = c.services.clone();
        services.push(
            serde_json::from_value(json!({"ID": "tinysvcxxxxxxxxxxxxxxxxxx", "Version": {"Index": 5},
                "Spec": {"Name": "tinysvc", "Mode": {"Replicated": {"Replicas": 6}},
                    "TaskTemplate": {"ContainerSpec": {"Image": "busybox"},
                        "Networks": [{"Target": "tinyxxxxxxxxxxxxxxxxxxxxx"}]}},
                "Endpoint": {"VirtualIPs": [{"NetworkID": "tinyxxxxxxxxxxxxxxxxxxxxx", "Addr": "10.99.0.2/29"}]}}))
            .unwrap(),
        );
        c.set_services(services);
        let mut tasks = c.tasks.clone();
        for i in 0..6 {
            let state = if i < 4 { "preparing" } else { "new" };
            let node = ["n1aaaaaaaaaaaaaaaaaaaaaaa", "n2bbbbbbbbbbbbbbbbbbbbbbb"][i % 2];
            let t: bollard_stubs::models::Task = serde_json::from_value(json!({
                "ID": format!("tiny{i}xxxxxxxxxxxxxxxxxxxx"), "ServiceID": "tinysvcxxxxxxxxxxxxxxxxxx",
                "Slot": i + 1, "NodeID": if i < 4 { node } else { "" },
                "DesiredState": "running", "Status": {"State": state}}))
            .unwrap();
            tasks.push(t.into());
        }
        c.merge_tasks(&super::super::TaskSet::All, tasks);
        let mut out = Vec::new();
        pressure(
            &c,
            &super::super::by_service::tasks_by_service(&c),
            &mut out,
        );
        assert_eq!(out.len(), 1, "{out:?}");
        let p = &out[0];
        assert_eq!(p.severity, Severity::Critical);
        assert_eq!(
            p.subject,
            Subject::Network("tinyxxxxxxxxxxxxxxxxxxxxx".into())
        );
        assert_eq!(
            p.text,
            "network tinynet (10.99.0.0/29) is out of addresses: 1 VIP, 4 tasks and 2 nodes \
             need 7 of its 5 addresses; 2 tasks wait in NEW for one (a larger subnet means \
             recreating the network)"
        );
        // the sample's own networks have room: nothing said of them
        assert!(out.iter().all(|p| !p.text.contains("shop_default")));
    }

    #[test]
    fn nearly_full_warns_with_the_share() {
        let net: Network = serde_json::from_value(json!({"Id": "n", "Name": "backend",
            "IPAM": {"Config": [{"Subnet": "10.1.0.0/24"}]}}))
        .unwrap();
        let u = Use {
            vips: 10,
            tasks: 190,
            nodes: ["a", "b", "c", "d", "e"].into_iter().collect(),
            waiting: 0,
        };
        let p = problem(&net, 253, &u).unwrap();
        assert_eq!(p.severity, Severity::Warning);
        assert!(
            p.text
                .starts_with("network backend (10.1.0.0/24) is nearly full (81%)"),
            "{}",
            p.text
        );
        let u = Use {
            vips: 1,
            tasks: 10,
            ..Default::default()
        };
        assert_eq!(problem(&net, 253, &u), None);
    }
}
