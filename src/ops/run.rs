//! Carrying out an [`Op`] on the engine. Every update reads the object, changes the one thing,
//! and sends the whole spec back with the version it read; when the engine says "update out of
//! sequence" (someone changed it meanwhile) it reads again and retries once, then reports.

use std::collections::HashMap;

use base64::Engine as _;
use bollard::models::{
    ConfigSpec, NodeSpec, NodeSpecAvailabilityEnum, NodeSpecRoleEnum, SecretSpec, ServiceSpec,
    ServiceSpecUpdateConfig, ServiceSpecUpdateConfigFailureActionEnum,
    ServiceSpecUpdateConfigOrderEnum,
};
use bollard::query_parameters::UpdateNodeOptions;
use bollard::query_parameters::UpdateServiceOptions;

use super::{Availability, Op, Role, UpdateForm};
use crate::engine::{Engine, EngineError};

fn out_of_sequence(e: &EngineError) -> bool {
    e.to_string().contains("out of sequence")
}

/// Inspect, change, update; once more if the version moved under us.
async fn update_service(
    engine: &Engine,
    id: &str,
    rollback: bool,
    change: impl Fn(&mut ServiceSpec) -> Result<(), String>,
) -> Result<Vec<String>, EngineError> {
    let mut last = None;
    for _ in 0..2 {
        let svc = engine
            .docker
            .inspect_service(id, None)
            .await
            .map_err(|e| crate::engine::error::from_bollard(&engine.label(), &e))?;
        let version = svc.version.and_then(|v| v.index).unwrap_or(0);
        let mut spec = svc.spec.unwrap_or_default();
        change(&mut spec).map_err(EngineError::Other)?;
        let opts = UpdateServiceOptions {
            version: version as i32,
            rollback: rollback.then(|| "previous".to_string()),
            ..Default::default()
        };
        match engine.docker.update_service(id, spec, opts, None).await {
            Ok(r) => return Ok(r.warnings.unwrap_or_default()),
            Err(e) => {
                let e = crate::engine::error::from_bollard(&engine.label(), &e);
                if !out_of_sequence(&e) {
                    return Err(e);
                }
                last = Some(e);
            }
        }
    }
    Err(last.unwrap_or_else(|| EngineError::Other("update out of sequence".into())))
}

async fn update_node(
    engine: &Engine,
    id: &str,
    change: impl Fn(&mut NodeSpec),
) -> Result<(), EngineError> {
    let mut last = None;
    for _ in 0..2 {
        let node = engine
            .docker
            .inspect_node(id)
            .await
            .map_err(|e| crate::engine::error::from_bollard(&engine.label(), &e))?;
        let version = node.version.and_then(|v| v.index).unwrap_or(0);
        let mut spec = node.spec.unwrap_or_default();
        change(&mut spec);
        let opts = UpdateNodeOptions {
            version: version as i64,
        };
        match engine.docker.update_node(id, spec, opts).await {
            Ok(()) => return Ok(()),
            Err(e) => {
                let e = crate::engine::error::from_bollard(&engine.label(), &e);
                if !out_of_sequence(&e) {
                    return Err(e);
                }
                last = Some(e);
            }
        }
    }
    Err(last.unwrap_or_else(|| EngineError::Other("update out of sequence".into())))
}

fn set_image(spec: &mut ServiceSpec, image: &str) -> Result<(), String> {
    let cs = spec
        .task_template
        .get_or_insert_with(Default::default)
        .container_spec
        .as_mut()
        .ok_or("this service has no container spec (a plugin service?)")?;
    cs.image = Some(image.to_string());
    Ok(())
}

fn apply_form(spec: &mut ServiceSpec, f: &UpdateForm) -> Result<(), String> {
    if let Some(img) = &f.image {
        set_image(spec, img)?;
    }
    let uc = spec
        .update_config
        .get_or_insert_with(ServiceSpecUpdateConfig::default);
    if let Some(p) = f.parallelism {
        uc.parallelism = Some(p);
    }
    if let Some(d) = f.delay {
        uc.delay = Some(d);
    }
    if let Some(m) = f.monitor {
        uc.monitor = Some(m);
    }
    if let Some(a) = &f.failure_action {
        uc.failure_action = Some(match a.as_str() {
            "pause" => ServiceSpecUpdateConfigFailureActionEnum::PAUSE,
            "continue" => ServiceSpecUpdateConfigFailureActionEnum::CONTINUE,
            "rollback" => ServiceSpecUpdateConfigFailureActionEnum::ROLLBACK,
            other => {
                return Err(format!(
                    "failure action {other:?}: use pause, continue or rollback"
                ));
            }
        });
    }
    if let Some(o) = &f.order {
        uc.order = Some(match o.as_str() {
            "stop-first" => ServiceSpecUpdateConfigOrderEnum::STOP_FIRST,
            "start-first" => ServiceSpecUpdateConfigOrderEnum::START_FIRST,
            other => return Err(format!("order {other:?}: use stop-first or start-first")),
        });
    }
    Ok(())
}

fn labels(l: &[(String, String)]) -> Option<HashMap<String, String>> {
    (!l.is_empty()).then(|| l.iter().cloned().collect())
}

/// A new join token, with the swarm's current version (once more if it moved).
async fn rotate(engine: &Engine, manager: bool, what: String) -> Result<String, EngineError> {
    let api = |e: bollard::errors::Error| crate::engine::error::from_bollard(&engine.label(), &e);
    let mut last = None;
    for _ in 0..2 {
        let swarm = engine.docker.inspect_swarm().await.map_err(api)?;
        let opts = bollard::query_parameters::UpdateSwarmOptions {
            version: swarm.version.and_then(|v| v.index).unwrap_or(0) as i64,
            rotate_worker_token: !manager,
            rotate_manager_token: manager,
            rotate_manager_unlock_key: false,
        };
        match engine
            .docker
            .update_swarm(swarm.spec.unwrap_or_default(), opts)
            .await
        {
            Ok(()) => return Ok(what),
            Err(e) => {
                let e = api(e);
                if !out_of_sequence(&e) {
                    return Err(e);
                }
                last = Some(e);
            }
        }
    }
    Err(last.unwrap_or_else(|| EngineError::Other("update out of sequence".into())))
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
            let a = match availability {
                Availability::Active => NodeSpecAvailabilityEnum::ACTIVE,
                Availability::Pause => NodeSpecAvailabilityEnum::PAUSE,
                Availability::Drain => NodeSpecAvailabilityEnum::DRAIN,
            };
            update_node(engine, node_id, |s| s.availability = Some(a)).await?;
        }
        Op::SetRole { node_id, role, .. } => {
            let r = match role {
                Role::Manager => NodeSpecRoleEnum::MANAGER,
                Role::Worker => NodeSpecRoleEnum::WORKER,
            };
            update_node(engine, node_id, |s| s.role = Some(r)).await?;
        }
        Op::Scale {
            service_id,
            replicas,
            ..
        } => {
            let n = *replicas as i64;
            let w = update_service(engine, service_id, false, |spec| {
                let m = spec
                    .mode
                    .as_mut()
                    .and_then(|m| m.replicated.as_mut())
                    .ok_or(
                        "only replicated services can be scaled (this one is global or a job)",
                    )?;
                m.replicas = Some(n);
                Ok(())
            })
            .await?;
            return Ok(with_warnings(what, w));
        }
        Op::SetImage {
            service_id, image, ..
        } => {
            let w =
                update_service(engine, service_id, false, |spec| set_image(spec, image)).await?;
            return Ok(with_warnings(what, w));
        }
        Op::Update {
            service_id, form, ..
        } => {
            let w =
                update_service(engine, service_id, false, |spec| apply_form(spec, form)).await?;
            return Ok(with_warnings(what, w));
        }
        Op::Restart { service_id, .. } => {
            let w = update_service(engine, service_id, false, |spec| {
                let t = spec.task_template.get_or_insert_with(Default::default);
                t.force_update = Some(t.force_update.unwrap_or(0) + 1);
                Ok(())
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
        Op::CreateSecret {
            name,
            data,
            labels: l,
        } => {
            let spec = SecretSpec {
                name: Some(name.clone()),
                labels: labels(l),
                data: Some(base64::engine::general_purpose::STANDARD.encode(&data.0)),
                ..Default::default()
            };
            engine.docker.create_secret(spec).await.map_err(api)?;
        }
        Op::CreateConfig {
            name,
            data,
            labels: l,
        } => {
            let spec = ConfigSpec {
                name: Some(name.clone()),
                labels: labels(l),
                data: Some(base64::engine::general_purpose::STANDARD.encode(data)),
                ..Default::default()
            };
            engine.docker.create_config(spec).await.map_err(api)?;
        }
        Op::RemoveSecret { id, .. } => engine.docker.delete_secret(id).await.map_err(api)?,
        Op::RemoveConfig { id, .. } => engine.docker.delete_config(id).await.map_err(api)?,
        Op::SetNodeLabels {
            node_id, labels: l, ..
        } => {
            let map: HashMap<String, String> = l.iter().cloned().collect();
            update_node(engine, node_id, |s| s.labels = Some(map.clone())).await?;
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
    use super::*;

    #[test]
    fn the_form_changes_only_what_it_sets() {
        let mut spec = ServiceSpec {
            update_config: Some(ServiceSpecUpdateConfig {
                parallelism: Some(2),
                delay: Some(5),
                ..Default::default()
            }),
            ..Default::default()
        };
        apply_form(
            &mut spec,
            &UpdateForm {
                parallelism: Some(1),
                order: Some("start-first".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let uc = spec.update_config.unwrap();
        assert_eq!(uc.parallelism, Some(1));
        assert_eq!(uc.delay, Some(5));
        assert_eq!(
            uc.order,
            Some(ServiceSpecUpdateConfigOrderEnum::START_FIRST)
        );
    }

    #[test]
    fn secret_bytes_never_print() {
        let s = super::super::SecretBytes(b"hunter2".to_vec());
        assert!(!format!("{s:?}").contains("hunter2"));
        let op = Op::CreateSecret {
            name: "pw".into(),
            data: s,
            labels: vec![],
        };
        assert!(!format!("{op:?}").contains("hunter2"));
        assert_eq!(op.describe(), "create secret pw");
    }
}
