//! What a deploy would do, before it does anything: which networks, secrets, configs and
//! services would be created, updated (with the spec fields that change) or removed (with
//! `--prune`), and what stops the deploy (a missing external network, a config whose content
//! changed). Redeploying an unchanged file plans nothing.
//!
//! [`make_plan`] is pure: it compares the converted file with what the engine has ([`Live`]).

use std::collections::{BTreeMap, HashMap};

use bollard_stubs::models::{Config, Network, Secret, Service, ServiceSpec};
use serde_json::Value as Json;

use super::convert::{Desired, fill_ids};
use super::image_ref::as_docker_sends;
use super::source::SourceFile;
use super::{IMAGE_LABEL, NAMESPACE_LABEL};

/// `--resolve-image`: whether to ask a registry for the image digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResolveImage {
    Always,
    #[default]
    Changed,
    Never,
}

impl std::str::FromStr for ResolveImage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "always" => Ok(ResolveImage::Always),
            "changed" => Ok(ResolveImage::Changed),
            "never" => Ok(ResolveImage::Never),
            _ => Err(format!(
                "invalid --resolve-image {s:?} (always, changed or never)"
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanOptions {
    pub prune: bool,
    pub resolve_image: ResolveImage,
}

/// What the engine has that a deploy of this stack touches.
#[derive(Debug, Clone, Default)]
pub struct Live {
    /// The stack's services (by the namespace label).
    pub services: Vec<Service>,
    /// Every swarm network, secret and config: the stack's own and the external ones it uses.
    pub networks: Vec<Network>,
    pub secrets: Vec<Secret>,
    pub configs: Vec<Config>,
}

impl Live {
    fn secret_ids(&self) -> BTreeMap<String, String> {
        self.secrets
            .iter()
            .filter_map(|s| Some((s.spec.as_ref()?.name.clone()?, s.id.clone()?)))
            .collect()
    }

    fn config_ids(&self) -> BTreeMap<String, String> {
        self.configs
            .iter()
            .filter_map(|s| Some((s.spec.as_ref()?.name.clone()?, s.id.clone()?)))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Network,
    Secret,
    Config,
    Service,
    /// The compose file swarmtop stores with the stack.
    Source,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Network => "network",
            Kind::Secret => "secret",
            Kind::Config => "config",
            Kind::Service => "service",
            Kind::Source => "stack file",
        }
    }
}

/// One spec field that changes: `TaskTemplate.ContainerSpec.Image: busybox:1 -> busybox:2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub path: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Create,
    Update {
        id: String,
        version: i64,
        changes: Vec<FieldChange>,
    },
    Remove {
        id: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub kind: Kind,
    pub name: String,
    pub action: Action,
}

/// A deploy, worked out. `blockers` non-empty means it must not run.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub stack: String,
    pub steps: Vec<Step>,
    pub unchanged: Vec<(Kind, String)>,
    pub blockers: Vec<String>,
    pub warnings: Vec<String>,
    /// The specs to send, with the live image kept where the CLI keeps it and IDs filled in.
    pub desired: Desired,
    pub source: Option<SourceFile>,
    pub options: PlanOptions,
}

impl Plan {
    /// Every field the plan changes in a service that stays (what a redeploy would alter).
    pub fn service_changes(&self) -> Vec<FieldChange> {
        self.steps
            .iter()
            .filter_map(|s| match &s.action {
                Action::Update { changes, .. } if s.kind == Kind::Service => Some(changes.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The plan in words, one line per step, diffs indented under their service.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for b in &self.blockers {
            out.push_str(&format!("cannot deploy: {b}\n"));
        }
        for w in &self.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
        for s in &self.steps {
            match &s.action {
                Action::Create => out.push_str(&format!("+ create {} {}\n", s.kind.word(), s.name)),
                Action::Remove { .. } => {
                    out.push_str(&format!("- remove {} {}\n", s.kind.word(), s.name))
                }
                Action::Update { changes, .. } => {
                    out.push_str(&format!("~ update {} {}\n", s.kind.word(), s.name));
                    for c in changes {
                        out.push_str(&format!(
                            "    {}: {} -> {}\n",
                            c.path,
                            c.old.as_deref().unwrap_or("(none)"),
                            c.new.as_deref().unwrap_or("(none)")
                        ));
                    }
                }
            }
        }
        if self.steps.is_empty() && self.blockers.is_empty() {
            out.push_str(&format!(
                "stack {}: nothing to change ({} objects up to date)\n",
                self.stack,
                self.unchanged.len()
            ));
        } else if !self.unchanged.is_empty() {
            out.push_str(&format!("  ({} unchanged)\n", self.unchanged.len()));
        }
        out
    }
}

fn labels_of_secret(s: &Secret) -> HashMap<String, String> {
    s.spec
        .as_ref()
        .and_then(|x| x.labels.clone())
        .unwrap_or_default()
}

/// Compares the file's specs with the engine's objects.
pub fn make_plan(
    mut desired: Desired,
    live: &Live,
    options: PlanOptions,
    source: Option<SourceFile>,
) -> Plan {
    let stack = desired.stack.clone();
    let mut plan = Plan {
        stack: stack.clone(),
        options,
        ..Default::default()
    };
    // externals must exist, with the right scope
    for name in &desired.external_networks {
        if matches!(name.as_str(), "host" | "bridge" | "none") {
            continue;
        }
        match live.networks.iter().find(|n| n.name.as_deref() == Some(name)) {
            None => plan.blockers.push(format!(
                "network {name:?} is declared as external, but it does not exist: create a swarm-scoped network first"
            )),
            Some(n) if n.scope.as_deref() != Some("swarm") => plan.blockers.push(format!(
                "network {name:?} is declared as external, but its scope is {:?}, not \"swarm\"",
                n.scope.as_deref().unwrap_or("")
            )),
            _ => {}
        }
    }
    let secret_ids = live.secret_ids();
    let config_ids = live.config_ids();
    for name in &desired.external_secrets {
        if !secret_ids.contains_key(name) {
            plan.blockers.push(format!(
                "secret {name:?} is declared as external, but it does not exist"
            ));
        }
    }
    for name in &desired.external_configs {
        if !config_ids.contains_key(name) {
            plan.blockers.push(format!(
                "config {name:?} is declared as external, but it does not exist"
            ));
        }
    }
    // networks are created when missing and never updated, as the CLI does
    for name in desired.networks.keys() {
        let exists = live.networks.iter().any(|n| {
            n.name.as_deref() == Some(name)
                && n.labels
                    .as_ref()
                    .and_then(|l| l.get(NAMESPACE_LABEL))
                    .is_some_and(|v| *v == stack)
        });
        if exists {
            plan.unchanged.push((Kind::Network, name.clone()));
        } else {
            plan.steps.push(Step {
                kind: Kind::Network,
                name: name.clone(),
                action: Action::Create,
            });
        }
    }
    for (name, spec) in &desired.secrets {
        match live
            .secrets
            .iter()
            .find(|s| s.spec.as_ref().and_then(|x| x.name.as_deref()) == Some(name))
        {
            None => plan.steps.push(Step {
                kind: Kind::Secret,
                name: name.clone(),
                action: Action::Create,
            }),
            Some(s) => {
                // the engine never shows a secret's data: only labels can be compared
                let want = spec.labels.clone().unwrap_or_default();
                let have = labels_of_secret(s);
                if want == have {
                    plan.unchanged.push((Kind::Secret, name.clone()));
                } else {
                    plan.steps.push(Step {
                        kind: Kind::Secret,
                        name: name.clone(),
                        action: Action::Update {
                            id: s.id.clone().unwrap_or_default(),
                            version: s.version.as_ref().and_then(|v| v.index).unwrap_or(0) as i64,
                            changes: map_changes("Labels", &have, &want),
                        },
                    });
                }
            }
        }
    }
    for (name, spec) in &desired.configs {
        match live
            .configs
            .iter()
            .find(|s| s.spec.as_ref().and_then(|x| x.name.as_deref()) == Some(name))
        {
            None => plan.steps.push(Step {
                kind: Kind::Config,
                name: name.clone(),
                action: Action::Create,
            }),
            Some(c) => {
                let live_spec = c.spec.clone().unwrap_or_default();
                if live_spec.data != spec.data {
                    plan.blockers.push(format!(
                        "config {name:?} exists with other content, and the engine cannot change a config's content: give it a new name (for example `name: {name}_v2`) or remove the stack first"
                    ));
                    continue;
                }
                let want = spec.labels.clone().unwrap_or_default();
                let have = live_spec.labels.unwrap_or_default();
                if want == have {
                    plan.unchanged.push((Kind::Config, name.clone()));
                } else {
                    plan.steps.push(Step {
                        kind: Kind::Config,
                        name: name.clone(),
                        action: Action::Update {
                            id: c.id.clone().unwrap_or_default(),
                            version: c.version.as_ref().and_then(|v| v.index).unwrap_or(0) as i64,
                            changes: map_changes("Labels", &have, &want),
                        },
                    });
                }
            }
        }
    }
    if let Some(src) = &source {
        if config_ids.contains_key(&src.config_name) {
            plan.unchanged.push((Kind::Source, src.config_name.clone()));
        } else {
            plan.steps.push(Step {
                kind: Kind::Source,
                name: src.config_name.clone(),
                action: Action::Create,
            });
        }
    }
    for (name, spec) in desired.services.iter_mut() {
        fill_ids(spec, &secret_ids, &config_ids);
        let Some(svc) = live
            .services
            .iter()
            .find(|s| s.spec.as_ref().and_then(|x| x.name.as_deref()) == Some(name))
        else {
            plan.steps.push(Step {
                kind: Kind::Service,
                name: name.clone(),
                action: Action::Create,
            });
            continue;
        };
        let mut live_spec = svc.spec.clone().unwrap_or_default();
        // the engine keeps network attachments by ID; the file names them
        if let Some(nets) = live_spec
            .task_template
            .as_mut()
            .and_then(|t| t.networks.as_mut())
        {
            for n in nets.iter_mut() {
                let by_id = live
                    .networks
                    .iter()
                    .find(|x| x.id.is_some() && x.id == n.target);
                if let Some(name) = by_id.and_then(|x| x.name.clone()) {
                    n.target = Some(name);
                }
            }
            nets.sort_by(|a, b| a.target.cmp(&b.target));
        }
        keep_live_fields(spec, &live_spec, options.resolve_image);
        let changes = spec_changes(&live_spec, spec);
        if changes.is_empty() {
            plan.unchanged.push((Kind::Service, name.clone()));
        } else {
            plan.steps.push(Step {
                kind: Kind::Service,
                name: name.clone(),
                action: Action::Update {
                    id: svc.id.clone().unwrap_or_default(),
                    version: svc.version.as_ref().and_then(|v| v.index).unwrap_or(0) as i64,
                    changes,
                },
            });
        }
    }
    if options.prune {
        for s in &live.services {
            let name = s
                .spec
                .as_ref()
                .and_then(|x| x.name.clone())
                .unwrap_or_default();
            if !desired.services.contains_key(&name) {
                plan.steps.push(Step {
                    kind: Kind::Service,
                    name,
                    action: Action::Remove {
                        id: s.id.clone().unwrap_or_default(),
                    },
                });
            }
        }
    }
    plan.steps
        .sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    plan.desired = desired;
    plan.source = source;
    plan
}

/// What the CLI carries over from the running service: the resolved image when the file's
/// image did not change (tagged as the client sends it), and the force-update counter (stack deploy never forces).
pub fn keep_live_fields(spec: &mut ServiceSpec, live: &ServiceSpec, resolve: ResolveImage) {
    let file_image = spec
        .labels
        .as_ref()
        .and_then(|l| l.get(IMAGE_LABEL))
        .cloned();
    let live_label = live
        .labels
        .as_ref()
        .and_then(|l| l.get(IMAGE_LABEL))
        .cloned();
    let live_task = live.task_template.as_ref();
    if let Some(t) = spec.task_template.as_mut() {
        let same_image = file_image.is_some() && file_image == live_label;
        if same_image && resolve != ResolveImage::Always {
            let live_image = live_task
                .and_then(|t| t.container_spec.as_ref())
                .and_then(|c| c.image.clone());
            // the client then tags it on the way out, as it does every image it sends
            if let (Some(c), Some(img)) = (t.container_spec.as_mut(), live_image) {
                c.image = Some(as_docker_sends(&img));
            }
        }
        t.force_update = live_task.and_then(|t| t.force_update);
    }
}

/// The engine fills in defaults for what a spec leaves out; put them in before comparing, so
/// that an unchanged file compares equal to what it created.
fn with_engine_defaults(mut v: Json) -> Json {
    fn set_default(v: &mut Json, path: &[&str], value: Json) {
        let mut cur = v;
        for (i, k) in path.iter().enumerate() {
            let Some(obj) = cur.as_object_mut() else {
                return;
            };
            if i + 1 == path.len() {
                obj.entry(k.to_string()).or_insert(value);
                return;
            }
            match obj.get_mut(*k) {
                Some(next) => cur = next,
                None => return,
            }
        }
    }
    set_default(&mut v, &["Mode", "Replicated", "Replicas"], Json::from(1));
    set_default(&mut v, &["EndpointSpec", "Mode"], Json::from("vip"));
    set_default(
        &mut v,
        &["TaskTemplate", "ContainerSpec", "Isolation"],
        Json::from("default"),
    );
    set_default(
        &mut v,
        &["TaskTemplate", "Runtime"],
        Json::from("container"),
    );
    for cfg in ["UpdateConfig", "RollbackConfig"] {
        set_default(&mut v, &[cfg, "FailureAction"], Json::from("pause"));
        set_default(&mut v, &[cfg, "Order"], Json::from("stop-first"));
    }
    if let Some(ports) = v
        .pointer_mut("/EndpointSpec/Ports")
        .and_then(Json::as_array_mut)
    {
        for p in ports {
            set_default(p, &["Protocol"], Json::from("tcp"));
            set_default(p, &["PublishMode"], Json::from("ingress"));
        }
    }
    v
}

/// Drops what carries no meaning (null, false, 0, "", [], {}), so "absent" equals "empty".
fn prune(v: Json) -> Option<Json> {
    match v {
        Json::Null => None,
        Json::Bool(false) => None,
        Json::Number(n) if n.as_f64() == Some(0.0) => None,
        Json::String(s) if s.is_empty() => None,
        Json::Array(a) => {
            let a: Vec<Json> = a
                .into_iter()
                .map(|x| prune(x).unwrap_or(Json::Null))
                .collect();
            (!a.is_empty()).then_some(Json::Array(a))
        }
        Json::Object(o) => {
            let o: serde_json::Map<String, Json> = o
                .into_iter()
                .filter_map(|(k, x)| prune(x).map(|x| (k, x)))
                .collect();
            (!o.is_empty()).then_some(Json::Object(o))
        }
        other => Some(other),
    }
}

fn canonical(spec: &ServiceSpec) -> Json {
    let v = serde_json::to_value(spec).unwrap_or(Json::Null);
    let mut v = prune(with_engine_defaults(v)).unwrap_or(Json::Null);
    // ports are a multiset: docker sorts them by published port with Go's unstable sort, so
    // with more than 12 its order differs from ours and is no change
    if let Some(ports) = v
        .pointer_mut("/EndpointSpec/Ports")
        .and_then(Json::as_array_mut)
    {
        ports.sort_by_cached_key(Json::to_string);
    }
    v
}

/// Leaves of an object by dotted path; arrays are leaves (shown whole).
fn flatten(prefix: &str, v: &Json, out: &mut BTreeMap<String, Json>) {
    match v {
        Json::Object(o) => {
            for (k, x) in o {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, x, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}

fn show(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The spec fields that differ between what runs and what the file wants.
pub fn spec_changes(live: &ServiceSpec, want: &ServiceSpec) -> Vec<FieldChange> {
    let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
    flatten("", &canonical(live), &mut a);
    flatten("", &canonical(want), &mut b);
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| FieldChange {
            path: k.clone(),
            old: a.get(k).map(show),
            new: b.get(k).map(show),
        })
        .collect()
}

fn map_changes(
    prefix: &str,
    have: &HashMap<String, String>,
    want: &HashMap<String, String>,
) -> Vec<FieldChange> {
    let mut keys: Vec<&String> = have.keys().chain(want.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| have.get(*k) != want.get(*k))
        .map(|k| FieldChange {
            path: format!("{prefix}.{k}"),
            old: have.get(k).cloned(),
            new: want.get(k).cloned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use bollard_stubs::models::{ObjectVersion, ServiceSpecMode, ServiceSpecModeReplicated};

    use super::*;
    use crate::convert::convert;
    use crate::files::MemFiles;
    use crate::interpolate::Env;
    use crate::load::{Source, load_sources};

    fn desired(text: &str) -> Desired {
        let l = load_sources(
            &MemFiles::new(),
            &[Source {
                name: "s.yml".into(),
                text: text.into(),
            }],
            Path::new("/"),
            &Env::new(),
        )
        .unwrap();
        convert(&MemFiles::new(), "st", &l).unwrap()
    }

    /// What the engine shows for a spec it was sent: defaults filled in, as the lab shows.
    fn as_engine_keeps(spec: &ServiceSpec) -> Service {
        let mut s = spec.clone();
        if let Some(ServiceSpecMode {
            replicated: Some(ServiceSpecModeReplicated { replicas: r @ None }),
            ..
        }) = s.mode.as_mut()
        {
            *r = Some(1);
        }
        if let Some(t) = s.task_template.as_mut() {
            t.force_update = Some(0);
            t.runtime = Some("container".into());
        }
        Service {
            id: Some("id-web".into()),
            version: Some(ObjectVersion { index: Some(42) }),
            spec: Some(s),
            ..Default::default()
        }
    }

    #[test]
    fn new_stack_creates_everything() {
        let d = desired("services:\n  web:\n    image: a\n");
        let p = make_plan(d, &Live::default(), PlanOptions::default(), None);
        let names: Vec<String> = p
            .steps
            .iter()
            .map(|s| format!("{:?} {}", s.kind, s.name))
            .collect();
        assert_eq!(names, ["Network st_default", "Service st_web"]);
        assert!(p.render().contains("+ create service st_web"));
    }

    #[test]
    fn unchanged_file_plans_nothing() {
        let d =
            desired("services:\n  web:\n    image: a\n    deploy: {update_config: {delay: 1s}}\n");
        let live = Live {
            services: vec![as_engine_keeps(&d.services["st_web"])],
            networks: vec![Network {
                name: Some("st_default".into()),
                labels: Some(HashMap::from([(
                    NAMESPACE_LABEL.to_string(),
                    "st".to_string(),
                )])),
                scope: Some("swarm".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let p = make_plan(d, &live, PlanOptions::default(), None);
        assert!(p.is_empty(), "{}", p.render());
        assert!(p.render().contains("nothing to change"));
    }

    /// The service's spec with its image set as the engine would hold it.
    fn live_with_image(d: &Desired, image: &str) -> Live {
        let mut spec = d.services["st_web"].clone();
        if let Some(c) = spec
            .task_template
            .as_mut()
            .and_then(|t| t.container_spec.as_mut())
        {
            c.image = Some(image.into());
        }
        Live {
            services: vec![as_engine_keeps(&spec)],
            ..Default::default()
        }
    }

    #[test]
    fn images_compare_as_the_docker_client_sends_them() {
        let d = desired("services:\n  web:\n    image: busybox\n");
        // deployed by `docker stack deploy`: the engine holds busybox:latest
        let p = make_plan(
            d.clone(),
            &live_with_image(&d, "busybox:latest"),
            PlanOptions::default(),
            None,
        );
        assert!(p.service_changes().is_empty(), "{}", p.render());
        // an older swarmtop sent `busybox`: the CLI's next deploy would send busybox:latest, and
        // so does ours, so the plan says so
        let p = make_plan(
            d.clone(),
            &live_with_image(&d, "busybox"),
            PlanOptions::default(),
            None,
        );
        let c = p.service_changes();
        assert_eq!(c.len(), 1, "{}", p.render());
        assert_eq!(
            (c[0].old.as_deref(), c[0].new.as_deref()),
            (Some("busybox"), Some("busybox:latest"))
        );
        // what a deploy sends is what the plan compared
        let sent = &p.desired.services["st_web"];
        let img = sent
            .task_template
            .as_ref()
            .and_then(|t| t.container_spec.as_ref())
            .and_then(|c| c.image.as_deref());
        assert_eq!(img, Some("busybox:latest"));
    }

    #[test]
    fn port_order_is_no_change() {
        let ports: Vec<String> = (0..14).map(|i| format!("'{}:80'", 8000 + i)).collect();
        let d = desired(&format!(
            "services:\n  web:\n    image: a:1\n    ports: [{}]\n",
            ports.join(", ")
        ));
        let mut live_spec = d.services["st_web"].clone();
        if let Some(p) = live_spec
            .endpoint_spec
            .as_mut()
            .and_then(|e| e.ports.as_mut())
        {
            // as Go's unstable sort may leave them
            p.reverse();
            p.swap(0, 5);
        }
        let live = Live {
            services: vec![as_engine_keeps(&live_spec)],
            ..Default::default()
        };
        let p = make_plan(d.clone(), &live, PlanOptions::default(), None);
        assert!(p.service_changes().is_empty(), "{}", p.render());
        // a port that really changes still shows
        let fewer = desired("services:\n  web:\n    image: a:1\n    ports: ['8000:80']\n");
        let p = make_plan(fewer, &live, PlanOptions::default(), None);
        assert_eq!(p.service_changes().len(), 1, "{}", p.render());
    }

    #[test]
    fn a_changed_field_is_the_only_change() {
        let old = desired("services:\n  web:\n    image: a:1\n    environment: [A=1]\n");
        let new = desired("services:\n  web:\n    image: a:2\n    environment: [A=1]\n");
        let live = Live {
            services: vec![as_engine_keeps(&old.services["st_web"])],
            ..Default::default()
        };
        let p = make_plan(
            new,
            &live,
            PlanOptions {
                prune: false,
                resolve_image: ResolveImage::Never,
            },
            None,
        );
        let svc = p.steps.iter().find(|s| s.kind == Kind::Service).unwrap();
        let Action::Update {
            changes, version, ..
        } = &svc.action
        else {
            panic!("{:?}", svc.action)
        };
        assert_eq!(*version, 42);
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Labels.com.docker.stack.image",
                "TaskTemplate.ContainerSpec.Image"
            ]
        );
        assert!(
            p.render()
                .contains("TaskTemplate.ContainerSpec.Image: a:1 -> a:2"),
            "{}",
            p.render()
        );
    }

    #[test]
    fn prune_removes_services_no_longer_in_the_file() {
        let old = desired("services:\n  web:\n    image: a\n  old:\n    image: a\n");
        let new = desired("services:\n  web:\n    image: a\n");
        let live = Live {
            services: old.services.values().map(as_engine_keeps).collect(),
            ..Default::default()
        };
        let p = make_plan(
            new.clone(),
            &live,
            PlanOptions {
                prune: true,
                ..Default::default()
            },
            None,
        );
        assert!(
            p.steps
                .iter()
                .any(|s| s.name == "st_old" && matches!(s.action, Action::Remove { .. }))
        );
        let p = make_plan(new, &live, PlanOptions::default(), None);
        assert!(!p.steps.iter().any(|s| s.name == "st_old"));
    }

    #[test]
    fn missing_externals_and_changed_configs_block() {
        let dir = Path::new("/stack");
        let files = MemFiles::new().with(dir.join("c"), "new");
        let l = load_sources(&files,
            &[Source {
                name: "s.yml".into(),
                text: "services:\n  web:\n    image: a\n    networks: [ext]\n    configs: [c]\nnetworks:\n  ext: {external: true}\nconfigs:\n  c: {file: c}\n".into(),
            }],
            dir,
            &Env::new(),
        )
        .unwrap();
        let d = convert(&files, "st", &l).unwrap();
        let live = Live {
            configs: vec![Config {
                id: Some("c1".into()),
                spec: Some(bollard_stubs::models::ConfigSpec {
                    name: Some("st_c".into()),
                    data: Some("b2xk".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        };
        let p = make_plan(d, &live, PlanOptions::default(), None);
        assert_eq!(p.blockers.len(), 2, "{:?}", p.blockers);
        assert!(p.blockers[0].contains("\"ext\" is declared as external"));
        assert!(p.blockers[1].contains("cannot change a config's content"));
    }
}
