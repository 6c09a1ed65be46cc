//! Applying a plan: prune, networks, secrets, configs, the stored stack file, then services, in
//! the order `docker stack deploy` uses. Services are updated with the version they had (the
//! whole spec is sent); a stale version ("update out of sequence") is re-read and retried once.
//! A plan with blockers is refused before anything is written.

use std::collections::BTreeMap;
use std::time::Duration;

use bollard::models::{ServiceSpec, TaskSpecPlacement};
use bollard::query_parameters::{UpdateConfigOptions, UpdateSecretOptions, UpdateServiceOptions};

use super::StackError;
use super::convert::fill_ids;
use super::plan::{Action, Kind, Plan, ResolveImage, keep_live_fields};
use crate::cluster::ObjectKind;
use crate::engine::Engine;
use crate::engine::edit::once_more_if_out_of_sequence;
use crate::engine::error::{EngineError, from_bollard};

/// What a deploy did, line by line, in the CLI's words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub done: Vec<String>,
    pub warnings: Vec<String>,
}

/// How long a registry lookup for `--resolve-image` may take before the image is used as
/// written (the CLI goes on with a warning too).
const RESOLVE_DEADLINE: Duration = Duration::from_secs(20);

/// Runs the plan. Every step is tried in order; the first failure stops the deploy and is
/// returned with what was done before it.
pub async fn deploy(engine: &Engine, plan: &Plan) -> Result<Report, StackError> {
    if !plan.blockers.is_empty() {
        return Err(StackError::Invalid(plan.blockers.join("; ")));
    }
    let mut report = Report::default();
    match apply(engine, plan, &mut report).await {
        Ok(()) => Ok(report),
        Err(e) if report.done.is_empty() => Err(e),
        Err(e) => Err(StackError::Partial(format!(
            "{e}\n(done before the failure: {})",
            report.done.join("; ")
        ))),
    }
}

async fn apply(engine: &Engine, plan: &Plan, report: &mut Report) -> Result<(), StackError> {
    let d = &engine.docker;
    let err = |e: bollard::errors::Error| from_bollard(&engine.label(), &e);
    let ctx = |what: String| {
        move |e: EngineError| StackError::Engine(EngineError::Other(format!("{what}: {e}")))
    };

    for s in &plan.steps {
        if let (Kind::Service, Action::Remove { id }) = (s.kind, &s.action) {
            d.delete_service(id)
                .await
                .map_err(err)
                .map_err(ctx(format!("failed to remove service {}", s.name)))?;
            report.done.push(format!("Removing service {}", s.name));
        }
    }
    for s in plan.steps.iter().filter(|s| s.kind == Kind::Network) {
        if let (Action::Create, Some(req)) = (&s.action, plan.desired.networks.get(&s.name)) {
            d.create_network(req.clone())
                .await
                .map_err(err)
                .map_err(ctx(format!("failed to create network {}", s.name)))?;
            report.done.push(format!("Creating network {}", s.name));
        }
    }
    let mut secret_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut config_ids: BTreeMap<String, String> = BTreeMap::new();
    for s in plan
        .steps
        .iter()
        .filter(|s| matches!(s.kind, Kind::Secret | Kind::Config | Kind::Source))
    {
        let kind = match s.kind {
            Kind::Secret => Some(ObjectKind::Secret),
            Kind::Config => Some(ObjectKind::Config),
            _ => None,
        };
        match (kind, &s.action) {
            // a secret and a config go the same way; bollard has a call (and a spec type) each
            (Some(kind), Action::Create) => {
                let word = kind.word();
                let created = match kind {
                    ObjectKind::Secret => {
                        let spec = plan.desired.secrets.get(&s.name).cloned();
                        d.create_secret(spec.unwrap_or_default()).await
                    }
                    ObjectKind::Config => {
                        let spec = plan.desired.configs.get(&s.name).cloned();
                        d.create_config(spec.unwrap_or_default()).await
                    }
                };
                let r = created
                    .map_err(err)
                    .map_err(ctx(format!("failed to create {word} {}", s.name)))?;
                let ids = match kind {
                    ObjectKind::Secret => &mut secret_ids,
                    ObjectKind::Config => &mut config_ids,
                };
                ids.insert(s.name.clone(), r.id);
                report.done.push(format!("Creating {word} {}", s.name));
            }
            (Some(kind), Action::Update { id, version, .. }) => {
                let word = kind.word();
                let updated = match kind {
                    ObjectKind::Secret => {
                        let spec = plan.desired.secrets.get(&s.name).cloned();
                        // the engine refuses data in a secret update unless it is the same:
                        // send labels only
                        let spec = bollard::models::SecretSpec {
                            data: None,
                            ..spec.unwrap_or_default()
                        };
                        let opts = UpdateSecretOptions { version: *version };
                        d.update_secret(id, spec, opts).await
                    }
                    ObjectKind::Config => {
                        let spec = plan.desired.configs.get(&s.name).cloned();
                        let opts = UpdateConfigOptions { version: *version };
                        d.update_config(id, spec.unwrap_or_default(), opts).await
                    }
                };
                updated
                    .map_err(err)
                    .map_err(ctx(format!("failed to update {word} {}", s.name)))?;
                report.done.push(format!("Updating {word} {}", s.name));
            }
            (None, Action::Create) if s.kind == Kind::Source => {
                if let Some(src) = &plan.source {
                    d.create_config(src.config_spec(&plan.stack))
                        .await
                        .map_err(err)
                        .map_err(ctx(format!(
                            "failed to store the stack file as config {}",
                            s.name
                        )))?;
                    report
                        .done
                        .push(format!("Storing the stack file as config {}", s.name));
                }
            }
            _ => {}
        }
    }
    for s in plan.steps.iter().filter(|s| s.kind == Kind::Service) {
        let Some(spec) = plan.desired.services.get(&s.name) else {
            continue;
        };
        let mut spec = spec.clone();
        fill_new_ids(&mut spec, &secret_ids, &config_ids);
        match &s.action {
            Action::Create => {
                if plan.options.resolve_image != ResolveImage::Never {
                    resolve_image(engine, &mut spec, report).await;
                }
                d.create_service(spec, None)
                    .await
                    .map_err(err)
                    .map_err(ctx(format!("failed to create service {}", s.name)))?;
                report.done.push(format!("Creating service {}", s.name));
            }
            Action::Update {
                id,
                version,
                changes,
            } => {
                let image_label = format!("Labels.{}", super::IMAGE_LABEL);
                let image_changed = changes.iter().any(|c| c.path == image_label);
                if plan.options.resolve_image == ResolveImage::Always
                    || (plan.options.resolve_image == ResolveImage::Changed && image_changed)
                {
                    resolve_image(engine, &mut spec, report).await;
                }
                update_service(engine, id, *version, spec, plan, report)
                    .await
                    .map_err(ctx(format!("failed to update service {}", s.name)))?;
                report
                    .done
                    .push(format!("Updating service {} (id: {id})", s.name));
            }
            Action::Remove { .. } => {}
        }
    }
    if plan.source.is_some() {
        remove_older_sources(engine, plan, report).await;
    }
    Ok(())
}

fn fill_new_ids(
    spec: &mut ServiceSpec,
    secrets: &BTreeMap<String, String>,
    configs: &BTreeMap<String, String>,
) {
    // IDs of objects that existed are in the spec already; add those just created
    let Some(c) = spec
        .task_template
        .as_ref()
        .and_then(|t| t.container_spec.as_ref())
    else {
        return;
    };
    let mut s_ids = secrets.clone();
    for r in c.secrets.iter().flatten() {
        if let (Some(n), Some(id)) = (&r.secret_name, &r.secret_id) {
            s_ids.entry(n.clone()).or_insert(id.clone());
        }
    }
    let mut c_ids = configs.clone();
    for r in c.configs.iter().flatten() {
        if let (Some(n), Some(id)) = (&r.config_name, &r.config_id) {
            c_ids.entry(n.clone()).or_insert(id.clone());
        }
    }
    fill_ids(spec, &s_ids, &c_ids);
}

/// Sends the whole spec with the version the plan saw; on "update out of sequence" the
/// service is read again and the update retried once with its new version.
async fn update_service(
    engine: &Engine,
    id: &str,
    version: i64,
    spec: ServiceSpec,
    plan: &Plan,
    report: &mut Report,
) -> Result<(), EngineError> {
    let d = &engine.docker;
    let err = |e: bollard::errors::Error| from_bollard(&engine.label(), &e);
    let opts = |v: i64| UpdateServiceOptions {
        version: v as i32,
        ..Default::default()
    };
    let (err, opts, spec) = (&err, &opts, &spec);
    let sent = once_more_if_out_of_sequence(|attempt| async move {
        if attempt == 0 {
            return d
                .update_service(id, spec.clone(), opts(version), None)
                .await
                .map_err(err);
        }
        // changed since the plan read it: send the same spec on what is there now
        let fresh = engine.service(id).await?.ok_or_else(|| {
            EngineError::Other(format!("service {id} was removed while deploying"))
        })?;
        let mut spec = spec.clone();
        if let Some(live) = &fresh.spec {
            keep_live_fields(&mut spec, live, plan.options.resolve_image);
        }
        let v = fresh.version.and_then(|v| v.index).unwrap_or(0) as i64;
        d.update_service(id, spec, opts(v), None).await.map_err(err)
    })
    .await?;
    report.warnings.extend(sent.warnings.unwrap_or_default());
    Ok(())
}

/// `--resolve-image always|changed`: pin the image to the digest the registry has, and the
/// platforms it supports, like the CLI's client does. Without a registry the image is used as
/// written and a warning says so.
async fn resolve_image(engine: &Engine, spec: &mut ServiceSpec, report: &mut Report) {
    let Some(task) = spec.task_template.as_mut() else {
        return;
    };
    let Some(image) = task.container_spec.as_ref().and_then(|c| c.image.clone()) else {
        return;
    };
    let lookup = engine.docker.inspect_registry_image(&image, None);
    match tokio::time::timeout(RESOLVE_DEADLINE, lookup).await {
        Ok(Ok(dist)) if dist.descriptor.digest.is_some() => {
            let digest = dist.descriptor.digest.clone().unwrap_or_default();
            let name = image.split('@').next().unwrap_or(&image);
            // keep the tag for people to read, pin the digest for the engine
            if let Some(c) = task.container_spec.as_mut() {
                c.image = Some(format!("{name}@{digest}"));
            }
            let platforms: Vec<bollard::models::Platform> = dist
                .platforms
                .iter()
                .map(|p| bollard::models::Platform {
                    architecture: p.architecture.clone(),
                    os: p.os.clone(),
                })
                .collect();
            if !platforms.is_empty() {
                task.placement.get_or_insert_with(TaskSpecPlacement::default).platforms = Some(platforms);
            }
        }
        _ => report.warnings.push(format!(
            "image {image} could not be accessed on a registry to record its digest; each node will access {image} independently"
        )),
    }
}

/// Only the newest stored stack file is kept.
async fn remove_older_sources(engine: &Engine, plan: &Plan, report: &mut Report) {
    let Some(src) = &plan.source else { return };
    let filters = std::collections::HashMap::from([(
        "label".to_string(),
        vec![
            format!("{}={}", super::NAMESPACE_LABEL, plan.stack),
            super::source::SOURCE_LABEL.to_string(),
        ],
    )]);
    let Ok(list) = engine
        .docker
        .list_configs(Some(bollard::query_parameters::ListConfigsOptions {
            filters: Some(filters),
        }))
        .await
    else {
        return;
    };
    for c in list {
        let name = c
            .spec
            .as_ref()
            .and_then(|s| s.name.clone())
            .unwrap_or_default();
        if name != src.config_name
            && let Some(id) = &c.id
            && let Err(e) = engine.docker.delete_config(id).await
        {
            report
                .warnings
                .push(format!("could not remove the older stack file {name}: {e}"));
        }
    }
}
