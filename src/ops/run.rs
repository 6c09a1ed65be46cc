//! Carrying out an [`Op`] on the engine. Every update goes through `engine::edit`: the object
//! is read as the engine's JSON, only what the action is about is changed, everything else is
//! sent back exactly as read with the version read (once more on "update out of sequence").
//! What each action changes is what the docker CLI's equivalent command changes.

use std::collections::HashMap;

use base64::Engine as _;
use bollard::models::{ConfigSpec, SecretSpec};
use serde_json::{Map, Value, json};

use super::{ObjectKind, Op, Role, UpdateForm};
use crate::engine::edit::{self, Target, object_at};
use crate::engine::{Engine, EngineError};
use crate::image_ref::as_docker_sends;

type Spec = Map<String, Value>;

/// `docker service scale`: the replicas of a replicated service, the completions of a job.
fn set_replicas(spec: &mut Spec, n: u64) -> Result<(), String> {
    let mode = edit::existing(spec, &["Mode"]).cloned().unwrap_or_default();
    let key = if mode.get("Replicated").is_some_and(Value::is_object) {
        ["Mode", "Replicated", "Replicas"]
    } else if mode.get("ReplicatedJob").is_some_and(Value::is_object) {
        ["Mode", "ReplicatedJob", "TotalCompletions"]
    } else {
        return Err(
            "only replicated services and replicated jobs can be scaled (this one is global)"
                .into(),
        );
    };
    object_at(spec, &key[..2])?.insert(key[2].to_string(), json!(n));
    Ok(())
}

/// What `docker service update` does to every spec it sends, whatever its flags: mounts are
/// kept once per target (the first) and sorted by source then target; ulimits once per name
/// (the last) and sorted by name (docker/cli `updateMounts`, `updateUlimits`). swarmtop's
/// equivalents of that command (image, the rolling-update form, restart) do the same, so the
/// spec is the one the docker CLI would make. Scale and rollback, like `docker service scale`
/// and `docker service rollback`, leave them as they are.
fn as_docker_service_update(spec: &mut Spec) -> Result<(), String> {
    let Some(c) = spec
        .get_mut("TaskTemplate")
        .and_then(|t| t.get_mut("ContainerSpec"))
        .and_then(Value::as_object_mut)
    else {
        return Ok(());
    };
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    if let Some(Value::Array(mounts)) = c.get_mut("Mounts") {
        let mut seen = std::collections::HashSet::new();
        mounts.retain(|m| seen.insert(text(m, "Target")));
        mounts.sort_by_key(|m| (text(m, "Source"), text(m, "Target")));
        if mounts.is_empty() {
            c.remove("Mounts");
        }
    }
    if let Some(Value::Array(limits)) = c.get_mut("Ulimits") {
        let mut by_name: std::collections::BTreeMap<String, Value> = Default::default();
        for l in limits.drain(..) {
            by_name.insert(text(&l, "Name"), l);
        }
        limits.extend(by_name.into_values());
        if limits.is_empty() {
            c.remove("Ulimits");
        }
    }
    Ok(())
}

/// `docker service update --image`: the image as the docker client sends it (`:latest` added).
fn set_image(spec: &mut Spec, image: &str) -> Result<(), String> {
    let has_container = edit::existing(spec, &["TaskTemplate", "ContainerSpec"]).is_some();
    if !has_container {
        return Err("this service has no container spec (a plugin service?)".into());
    }
    object_at(spec, &["TaskTemplate", "ContainerSpec"])?
        .insert("Image".into(), json!(as_docker_sends(image)));
    Ok(())
}

/// What the docker CLI puts in an update config that was never set (`updateConfigFromDefaults`
/// with swarmkit's defaults): parallelism 1, no delay, monitor 5 s, pause on failure, stop-first.
fn default_update_config() -> Value {
    json!({
        "Parallelism": 1,
        "FailureAction": "pause",
        "Monitor": 5_000_000_000u64,
        "MaxFailureRatio": 0,
        "Order": "stop-first"
    })
}

/// The rolling-update form: what it sets replaces the service's value, the rest stays as read.
fn apply_form(spec: &mut Spec, f: &UpdateForm) -> Result<(), String> {
    if let Some(a) = &f.failure_action
        && !matches!(a.as_str(), "pause" | "continue" | "rollback")
    {
        return Err(format!(
            "failure action {a:?}: use pause, continue or rollback"
        ));
    }
    if let Some(o) = &f.order
        && !matches!(o.as_str(), "stop-first" | "start-first")
    {
        return Err(format!("order {o:?}: use stop-first or start-first"));
    }
    if let Some(img) = &f.image {
        set_image(spec, img)?;
    }
    if f.force {
        force_update(spec)?;
    }
    let touches_config = f.parallelism.is_some()
        || f.delay.is_some()
        || f.monitor.is_some()
        || f.failure_action.is_some()
        || f.order.is_some();
    if !touches_config {
        return Ok(());
    }
    if !spec.get("UpdateConfig").is_some_and(Value::is_object) {
        spec.insert("UpdateConfig".into(), default_update_config());
    }
    let uc = object_at(spec, &["UpdateConfig"])?;
    let mut set = |k: &str, v: Value| {
        uc.insert(k.to_string(), v);
    };
    if let Some(p) = f.parallelism {
        set("Parallelism", json!(p));
    }
    if let Some(d) = f.delay {
        set("Delay", json!(d));
    }
    if let Some(m) = f.monitor {
        set("Monitor", json!(m));
    }
    if let Some(a) = &f.failure_action {
        set("FailureAction", json!(a));
    }
    if let Some(o) = &f.order {
        set("Order", json!(o));
    }
    Ok(())
}

/// `docker service update --force`: one more on the force-update counter, nothing else.
fn force_update(spec: &mut Spec) -> Result<(), String> {
    let task = object_at(spec, &["TaskTemplate"])?;
    let n = task.get("ForceUpdate").and_then(Value::as_u64).unwrap_or(0);
    task.insert("ForceUpdate".into(), json!(n + 1));
    Ok(())
}

/// `rollback`: the engine puts the previous spec back itself (the spec sent is ignored, as
/// with `docker service rollback`).
async fn update_service(
    engine: &Engine,
    id: &str,
    rollback: bool,
    change: impl Fn(&mut Spec) -> Result<(), String>,
) -> Result<Vec<String>, EngineError> {
    // the docker CLI sends registryAuthFrom=spec: the engine keeps the pull credentials it has
    let mut query = vec![("registryAuthFrom", "spec")];
    if rollback {
        query.push(("rollback", "previous"));
    }
    edit::edit(engine, Target::Service(id), &query, |_, spec| change(spec)).await
}

async fn update_node(
    engine: &Engine,
    id: &str,
    change: impl Fn(&mut Spec) -> Result<(), String>,
) -> Result<(), EngineError> {
    edit::edit(engine, Target::Node(id), &[], |_, spec| change(spec))
        .await
        .map(|_| ())
}

/// Sets and removes only the labels named, on `Spec.Labels` as just read: every other label,
/// and every value, stays as the engine holds it.
fn patch_labels(spec: &mut Spec, set: &[(String, String)], remove: &[String]) {
    if set.is_empty() && remove.iter().all(|k| !has_label(spec, k)) {
        return;
    }
    let labels = match spec.get_mut("Labels") {
        Some(Value::Object(m)) => m,
        _ => {
            spec.insert("Labels".into(), Value::Object(Map::new()));
            match spec.get_mut("Labels") {
                Some(Value::Object(m)) => m,
                _ => return,
            }
        }
    };
    for (k, v) in set {
        labels.insert(k.clone(), json!(v));
    }
    for k in remove {
        labels.remove(k);
    }
}

fn has_label(spec: &Spec, key: &str) -> bool {
    spec.get("Labels")
        .and_then(Value::as_object)
        .is_some_and(|m| m.contains_key(key))
}

fn labels(l: &[(String, String)]) -> Option<HashMap<String, String>> {
    (!l.is_empty()).then(|| l.iter().cloned().collect())
}

/// A new join token: the swarm's spec is sent back as read, with the rotate flag.
async fn rotate(engine: &Engine, manager: bool, what: String) -> Result<String, EngineError> {
    let flag = if manager {
        "rotateManagerToken"
    } else {
        "rotateWorkerToken"
    };
    edit::edit(engine, Target::Swarm, &[(flag, "true")], |_, _| Ok(())).await?;
    Ok(what)
}

/// Runs the op; the answer says what was done (with the engine's warnings).
pub async fn run(engine: &Engine, op: &Op) -> Result<String, EngineError> {
    let api = |e: bollard::errors::Error| crate::engine::error::from_bollard(&engine.label(), &e);
    let with_warnings = |done: String, w: Vec<String>| {
        if w.is_empty() {
            done
        } else {
            format!("{done} (engine warns: {})", w.join("; "))
        }
    };
    let what = op.describe();
    match op {
        Op::SetAvailability {
            node_id,
            availability,
            ..
        } => {
            let a = availability.word();
            update_node(engine, node_id, |s| {
                s.insert("Availability".into(), json!(a));
                Ok(())
            })
            .await?;
        }
        Op::SetRole { node_id, role, .. } => {
            let r = match role {
                Role::Manager => "manager",
                Role::Worker => "worker",
            };
            update_node(engine, node_id, |s| {
                s.insert("Role".into(), json!(r));
                Ok(())
            })
            .await?;
        }
        Op::Scale {
            service_id,
            replicas,
            ..
        } => {
            let w = update_service(engine, service_id, false, |spec| {
                set_replicas(spec, *replicas)
            })
            .await?;
            return Ok(with_warnings(what, w));
        }
        Op::SetImage {
            service_id, image, ..
        } => {
            let w = update_service(engine, service_id, false, |spec| {
                set_image(spec, image)?;
                as_docker_service_update(spec)
            })
            .await?;
            return Ok(with_warnings(what, w));
        }
        Op::Update {
            service_id, form, ..
        } => {
            let w = update_service(engine, service_id, false, |spec| {
                apply_form(spec, form)?;
                as_docker_service_update(spec)
            })
            .await?;
            return Ok(with_warnings(what, w));
        }
        Op::Restart { service_id, .. } => {
            let w = update_service(engine, service_id, false, |spec| {
                force_update(spec)?;
                as_docker_service_update(spec)
            })
            .await?;
            return Ok(with_warnings(what, w));
        }
        Op::Rollback { service_id, .. } => {
            let w = update_service(engine, service_id, true, |_| Ok(())).await?;
            return Ok(with_warnings(what, w));
        }
        Op::RemoveService { service_id, .. } => {
            engine
                .docker
                .delete_service(service_id)
                .await
                .map_err(api)?;
        }
        Op::CreateObject {
            kind,
            name,
            data,
            labels: l,
        } => {
            let (name, labels, data) = (
                Some(name.clone()),
                labels(l),
                Some(base64::engine::general_purpose::STANDARD.encode(&data.0)),
            );
            // bollard has a call and a spec type per kind
            match kind {
                ObjectKind::Secret => {
                    let spec = SecretSpec {
                        name,
                        labels,
                        data,
                        ..Default::default()
                    };
                    engine.docker.create_secret(spec).await.map_err(api)?;
                }
                ObjectKind::Config => {
                    let spec = ConfigSpec {
                        name,
                        labels,
                        data,
                        ..Default::default()
                    };
                    engine.docker.create_config(spec).await.map_err(api)?;
                }
            }
        }
        Op::RotateObject { rotation, data } => {
            let report = super::rotation::rotate(engine, rotation, data).await;
            let text = report.lines().join("\n");
            return if report.finished() {
                Ok(text)
            } else {
                Err(EngineError::Other(text))
            };
        }
        Op::RemoveObject { kind, id, .. } => match kind {
            ObjectKind::Secret => engine.docker.delete_secret(id).await.map_err(api)?,
            ObjectKind::Config => engine.docker.delete_config(id).await.map_err(api)?,
        },
        Op::SetNodeLabels {
            node_id,
            set,
            remove,
            ..
        } => {
            update_node(engine, node_id, |s| {
                patch_labels(s, set, remove);
                Ok(())
            })
            .await?;
        }
        Op::RemoveNode { node_id, force, .. } => {
            let opts = bollard::query_parameters::DeleteNodeOptions { force: *force };
            engine
                .docker
                .delete_node(node_id, Some(opts))
                .await
                .map_err(api)?;
        }
        Op::CreateService { spec, .. } => {
            let r = engine
                .docker
                .create_service((**spec).clone(), None)
                .await
                .map_err(api)?;
            return Ok(with_warnings(what, r.warnings.unwrap_or_default()));
        }
        Op::RotateJoinToken { manager } => return rotate(engine, *manager, what).await,
        Op::RemoveStack { name } => {
            let done = crate::stack::commands::remove(engine, name)
                .await
                .map_err(|e| EngineError::Other(e.to_string()))?;
            let n = done.lines().count();
            return Ok(format!("{what} ({n} objects removed)"));
        }
    }
    Ok(what)
}

#[cfg(test)]
mod tests {

    #[test]
    fn label_edits_change_only_what_was_named_and_keep_values_whole() {
        let original = json!({
            "Name": "",
            "Labels": {"zones": "eu-1,eu-2", "pad": "  padded  ", "added.meanwhile": "by someone"},
            "Role": "worker",
            "Availability": "active"
        });
        let mut spec = original.as_object().unwrap().clone();
        patch_labels(&mut spec, &[], &[]);
        assert_eq!(Value::Object(spec.clone()), original, "no edit, no change");
        patch_labels(
            &mut spec,
            &[("disk".into(), " ssd, fast ".into())],
            &["pad".into()],
        );
        assert_eq!(
            spec["Labels"],
            json!({"zones": "eu-1,eu-2", "added.meanwhile": "by someone", "disk": " ssd, fast "})
        );
        // a node without labels gets the map only when something is set
        let mut bare = json!({"Role": "worker"}).as_object().unwrap().clone();
        patch_labels(&mut bare, &[], &["nothing".into()]);
        assert_eq!(Value::Object(bare.clone()), json!({"Role": "worker"}));
        patch_labels(&mut bare, &[("a".into(), "".into())], &[]);
        assert_eq!(bare["Labels"], json!({"a": ""}));
    }

    use super::*;

    /// A spec as dockerd writes it for `docker service create --health-cmd ...`, with a field
    /// bollard's model does not know (a newer engine's), to show nothing is lost on the way.
    fn live_spec() -> Spec {
        json!({
            "Name": "web",
            "Labels": {"team": "a"},
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": "busybox:1@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                    "Healthcheck": {"Test": ["CMD-SHELL", "true"], "Interval": 5000000000u64},
                    "FieldFromTheFuture": {"x": [1, 2]}
                },
                "ForceUpdate": 2,
                "Runtime": "container"
            },
            "Mode": {"Replicated": {"Replicas": 2}},
            "UpdateConfig": {"Parallelism": 2, "Delay": 5, "FailureAction": "pause",
                             "Monitor": 5000000000u64, "MaxFailureRatio": 0.3, "Order": "stop-first"},
            "EndpointSpec": {"Mode": "vip"}
        })
        .as_object()
        .unwrap()
        .clone()
    }

    /// Everything but `changed` is as it was: the whole object is compared.
    fn only_changed(before: &Spec, after: &Spec, changed: &[(&str, Value)]) {
        let mut want = Value::Object(before.clone());
        for (pointer, v) in changed {
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            want.pointer_mut(parent).unwrap()[key] = v.clone();
        }
        assert_eq!(Value::Object(after.clone()), want);
    }

    #[test]
    fn scale_changes_the_replicas_and_nothing_else() {
        let before = live_spec();
        let mut s = before.clone();
        set_replicas(&mut s, 3).unwrap();
        only_changed(&before, &s, &[("/Mode/Replicated/Replicas", json!(3))]);
    }

    #[test]
    fn scale_of_a_job_sets_its_completions_and_a_global_service_refuses() {
        let mut job =
            json!({"Mode": {"ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 1}}})
                .as_object()
                .unwrap()
                .clone();
        set_replicas(&mut job, 4).unwrap();
        assert_eq!(
            job["Mode"]["ReplicatedJob"],
            json!({"MaxConcurrent": 1, "TotalCompletions": 4})
        );
        let mut global = json!({"Mode": {"Global": {}}}).as_object().unwrap().clone();
        let before = global.clone();
        assert!(set_replicas(&mut global, 4).unwrap_err().contains("global"));
        assert_eq!(global, before);
    }

    #[test]
    fn set_image_sends_what_the_docker_client_sends() {
        let before = live_spec();
        let mut s = before.clone();
        set_image(&mut s, "busybox").unwrap();
        only_changed(
            &before,
            &s,
            &[("/TaskTemplate/ContainerSpec/Image", json!("busybox:latest"))],
        );
        let mut plugin = json!({"TaskTemplate": {"PluginSpec": {}}})
            .as_object()
            .unwrap()
            .clone();
        assert!(set_image(&mut plugin, "x").unwrap_err().contains("plugin"));
    }

    #[test]
    fn restart_counts_the_force_update_up() {
        let before = live_spec();
        let mut s = before.clone();
        force_update(&mut s).unwrap();
        only_changed(&before, &s, &[("/TaskTemplate/ForceUpdate", json!(3))]);
        let mut bare = Spec::new();
        force_update(&mut bare).unwrap();
        assert_eq!(bare["TaskTemplate"]["ForceUpdate"], 1);
    }

    #[test]
    fn the_form_changes_only_what_it_sets() {
        let before = live_spec();
        let mut s = before.clone();
        apply_form(
            &mut s,
            &UpdateForm {
                parallelism: Some(1),
                order: Some("start-first".into()),
                ..Default::default()
            },
        )
        .unwrap();
        only_changed(
            &before,
            &s,
            &[
                ("/UpdateConfig/Parallelism", json!(1)),
                ("/UpdateConfig/Order", json!("start-first")),
            ],
        );
    }

    #[test]
    fn the_form_fills_an_unset_update_config_as_the_cli_does() {
        let mut s = json!({"TaskTemplate": {"ContainerSpec": {"Image": "a:1"}}})
            .as_object()
            .unwrap()
            .clone();
        apply_form(
            &mut s,
            &UpdateForm {
                delay: Some(10),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            s["UpdateConfig"],
            json!({"Parallelism": 1, "Delay": 10, "FailureAction": "pause",
                   "Monitor": 5000000000u64, "MaxFailureRatio": 0, "Order": "stop-first"})
        );
    }

    #[test]
    fn updates_order_mounts_and_ulimits_as_docker_service_update_does() {
        let mut s = json!({"TaskTemplate": {"ContainerSpec": {
            "Image": "a:1",
            "Mounts": [
                {"Type": "tmpfs", "Target": "/scratch"},
                {"Type": "bind", "Source": "/tmp", "Target": "/host-tmp", "ReadOnly": true},
                {"Type": "volume", "Source": "data", "Target": "/data"},
                {"Type": "volume", "Source": "other", "Target": "/data"}
            ],
            "Ulimits": [{"Name": "nproc", "Soft": 1, "Hard": 2}, {"Name": "nofile", "Soft": 3, "Hard": 4}]
        }}})
        .as_object()
        .unwrap()
        .clone();
        as_docker_service_update(&mut s).unwrap();
        let c = &s["TaskTemplate"]["ContainerSpec"];
        assert_eq!(
            c["Mounts"],
            json!([
                {"Type": "tmpfs", "Target": "/scratch"},
                {"Type": "bind", "Source": "/tmp", "Target": "/host-tmp", "ReadOnly": true},
                {"Type": "volume", "Source": "data", "Target": "/data"}
            ])
        );
        assert_eq!(c["Ulimits"][0]["Name"], "nofile");
        assert_eq!(c["Image"], "a:1");
    }

    #[test]
    fn a_bad_form_value_changes_nothing() {
        let before = live_spec();
        let mut s = before.clone();
        let err = apply_form(
            &mut s,
            &UpdateForm {
                image: Some("busybox:2".into()),
                order: Some("sideways".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(err.contains("sideways"), "{err}");
        assert_eq!(s, before);
    }

    #[test]
    fn secret_bytes_never_print() {
        let s = super::super::SecretBytes(b"hunter2".to_vec());
        assert!(!format!("{s:?}").contains("hunter2"));
        let op = Op::CreateObject {
            kind: ObjectKind::Secret,
            name: "pw".into(),
            data: s,
            labels: vec![],
        };
        assert!(!format!("{op:?}").contains("hunter2"));
        assert_eq!(op.describe(), "create secret pw");
    }
}
