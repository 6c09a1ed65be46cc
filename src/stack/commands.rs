//! The headless `swarmtop stack ...` commands: each prints to stdout and returns an error of
//! one line when it fails.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;

use bollard::query_parameters::{
    ListConfigsOptions, ListNetworksOptions, ListSecretsOptions, ListTasksOptions,
};

use super::convert::convert;
use super::error::check_stack_name;
use super::interpolate::Env;
use super::load::load_files;
use super::plan::{Plan, PlanOptions, ResolveImage, make_plan, read_live};
use super::source::{SourceFile, StackFile, reconstruct, stored};
use super::{NAMESPACE_LABEL, StackError};
use crate::engine::Engine;
use crate::engine::error::from_bollard;
use crate::files::Disk;

/// The process environment, for interpolation.
pub fn process_env() -> Env {
    std::env::vars().collect()
}

/// Loads the files, converts them and compares them with the swarm: everything a deploy checks
/// before its first write.
pub async fn plan_files(
    engine: &Engine,
    stack: &str,
    files: &[PathBuf],
    env: &Env,
    options: PlanOptions,
) -> Result<Plan, StackError> {
    check_stack_name(stack)?;
    let loaded = load_files(&Disk, files, env)?;
    let desired = convert(&Disk, stack, &loaded)?;
    let live = read_live(engine, stack).await?;
    let source = SourceFile::new(stack, &loaded.sources);
    let mut plan = make_plan(desired, &live, options, Some(source));
    plan.warnings.extend(loaded.warnings);
    Ok(plan)
}

/// `swarmtop stack deploy`: prints the plan; unless `dry_run`, applies it.
pub async fn deploy(
    engine: &Engine,
    stack: &str,
    files: &[PathBuf],
    prune: bool,
    resolve: &str,
    dry_run: bool,
) -> Result<String, StackError> {
    let resolve: ResolveImage = resolve.parse().map_err(StackError::Invalid)?;
    let options = PlanOptions {
        prune,
        resolve_image: resolve,
    };
    let plan = plan_files(engine, stack, files, &process_env(), options).await?;
    let mut out = plan.render();
    if !plan.blockers.is_empty() {
        return Err(StackError::Invalid(plan.blockers.join("; ")));
    }
    if dry_run || plan.is_empty() {
        return Ok(out);
    }
    let report = super::deploy::deploy(engine, &plan).await?;
    for w in &report.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    for d in &report.done {
        let _ = writeln!(out, "{d}");
    }
    Ok(out)
}

/// `swarmtop stack rm`
pub async fn remove(engine: &Engine, stack: &str) -> Result<String, StackError> {
    // an empty name would be a label filter matching what has an empty namespace
    check_stack_name(stack)?;
    let r = super::remove::remove(engine, stack).await?;
    let mut out = String::new();
    for x in &r.removed {
        let _ = writeln!(out, "Removed {x}");
    }
    if !r.failed.is_empty() {
        return Err(StackError::Partial(format!(
            "failed to remove some objects of stack {stack}: {}{}",
            r.failed.join("; "),
            if out.is_empty() {
                String::new()
            } else {
                format!("\n{}", out.trim_end())
            }
        )));
    }
    Ok(out)
}

/// `swarmtop stack ls`: stacks by their services, like `docker stack ls`, with where their
/// file comes from.
pub async fn list(engine: &Engine) -> Result<String, StackError> {
    let d = &engine.docker;
    let err = |e: bollard::errors::Error| StackError::Engine(from_bollard(&engine.label(), &e));
    let services = engine
        .services_where(&HashMap::from([(
            "label".into(),
            vec![NAMESPACE_LABEL.to_string()],
        )]))
        .await?;
    let configs = d
        .list_configs(Some(ListConfigsOptions {
            filters: Some(HashMap::from([(
                "label".into(),
                vec![super::source::SOURCE_LABEL.to_string()],
            )])),
        }))
        .await
        .map_err(err)?;
    let mut stacks: BTreeMap<String, usize> = BTreeMap::new();
    for s in &services {
        if let Some(ns) = s
            .spec
            .as_ref()
            .and_then(|x| x.labels.as_ref())
            .and_then(|l| l.get(NAMESPACE_LABEL))
        {
            *stacks.entry(ns.clone()).or_default() += 1;
        }
    }
    let stored: Vec<String> = configs
        .iter()
        .filter_map(|c| {
            c.spec
                .as_ref()?
                .labels
                .as_ref()?
                .get(NAMESPACE_LABEL)
                .cloned()
        })
        .collect();
    let mut out = format!("{:<24} {:>8}  {}\n", "NAME", "SERVICES", "FILE");
    for (name, n) in stacks {
        let file = if stored.contains(&name) {
            "stored by swarmtop"
        } else {
            "-"
        };
        let _ = writeln!(out, "{name:<24} {n:>8}  {file}");
    }
    Ok(out)
}

/// `swarmtop stack ps`: the stack's tasks, newest first per slot.
pub async fn ps(engine: &Engine, stack: &str) -> Result<String, StackError> {
    check_stack_name(stack)?;
    let d = &engine.docker;
    let err = |e: bollard::errors::Error| StackError::Engine(from_bollard(&engine.label(), &e));
    let filter = HashMap::from([(
        "label".to_string(),
        vec![format!("{NAMESPACE_LABEL}={stack}")],
    )]);
    let (tasks, services, nodes) = tokio::join!(
        d.list_tasks(Some(ListTasksOptions {
            filters: Some(filter.clone())
        })),
        engine.services_where(&filter),
        engine.nodes(),
    );
    let mut tasks = tasks.map_err(err)?;
    let services = services?;
    let nodes = nodes?;
    if tasks.is_empty() && services.is_empty() {
        return Err(StackError::Invalid(format!(
            "nothing found in stack {stack}"
        )));
    }
    let svc_name: HashMap<String, String> = services
        .iter()
        .filter_map(|s| Some((s.id.clone()?, s.spec.as_ref()?.name.clone()?)))
        .collect();
    let node_name: HashMap<String, String> = nodes
        .iter()
        .filter_map(|n| Some((n.id.clone()?, n.description.as_ref()?.hostname.clone()?)))
        .collect();
    let name_of = |t: &bollard::models::Task| {
        let svc = t
            .service_id
            .as_ref()
            .and_then(|i| svc_name.get(i))
            .cloned()
            .unwrap_or_default();
        match t.slot {
            Some(s) => format!("{svc}.{s}"),
            None => format!("{svc}.{}", t.node_id.clone().unwrap_or_default()),
        }
    };
    tasks.sort_by(|a, b| {
        name_of(a)
            .cmp(&name_of(b))
            .then(b.created_at.cmp(&a.created_at))
    });
    let mut out = format!(
        "{:<14} {:<28} {:<24} {:<10} {:<10} {:<12} {}\n",
        "ID", "NAME", "IMAGE", "NODE", "DESIRED", "CURRENT", "ERROR"
    );
    for t in &tasks {
        let id: String = t.id.clone().unwrap_or_default().chars().take(12).collect();
        let image = t
            .spec
            .as_ref()
            .and_then(|s| s.container_spec.as_ref())
            .and_then(|c| c.image.clone())
            .unwrap_or_default();
        let image = image.split('@').next().unwrap_or_default().to_string();
        let node = t
            .node_id
            .as_ref()
            .and_then(|n| node_name.get(n))
            .cloned()
            .unwrap_or_default();
        let desired = t.desired_state.map(|s| s.to_string()).unwrap_or_default();
        let status = t.status.clone().unwrap_or_default();
        let state = status.state.map(|s| s.to_string()).unwrap_or_default();
        let error = status.err.unwrap_or_default();
        let _ = writeln!(
            out,
            "{id:<14} {:<28} {image:<24} {node:<10} {desired:<10} {state:<12} {error}",
            name_of(t)
        );
    }
    Ok(out)
}

/// The stack's file: the one swarmtop stored at its last deploy, or one rebuilt from the live
/// specs when the docker CLI deployed it.
pub async fn file(engine: &Engine, stack: &str) -> Result<StackFile, StackError> {
    check_stack_name(stack)?;
    let d = &engine.docker;
    let err = |e: bollard::errors::Error| StackError::Engine(from_bollard(&engine.label(), &e));
    let filter = || {
        Some(HashMap::from([(
            "label".to_string(),
            vec![format!("{NAMESPACE_LABEL}={stack}")],
        )]))
    };
    let by_stack = filter().unwrap_or_default();
    let (services, networks, secrets, configs) = tokio::join!(
        engine.services_where(&by_stack),
        d.list_networks(Some(ListNetworksOptions { filters: filter() })),
        d.list_secrets(Some(ListSecretsOptions { filters: filter() })),
        d.list_configs(Some(ListConfigsOptions { filters: filter() })),
    );
    let services = services?;
    let mut networks = networks.map_err(err)?;
    let configs = configs.map_err(err)?;
    if let Some(f) = stored(&configs) {
        return Ok(f);
    }
    if services.is_empty() {
        return Err(StackError::Invalid(format!(
            "nothing found in stack {stack}"
        )));
    }
    // service attachments name networks by ID: external ones are found among all networks
    if let Ok(all) = d.list_networks(None::<ListNetworksOptions>).await {
        for n in all {
            if !networks.iter().any(|x| x.id == n.id) {
                networks.push(n);
            }
        }
    }
    Ok(StackFile::Reconstructed {
        text: reconstruct(
            stack,
            &services,
            &networks,
            &secrets.map_err(err)?,
            &configs,
        ),
    })
}

/// The editor's plan: the buffer `text` (shown as `name` in errors) deployed as `stack`, with
/// relative paths from `dir`. What the runtime runs for `EditorEffect::Plan`.
pub async fn plan_text(
    engine: &Engine,
    stack: &str,
    name: &str,
    text: &str,
    dir: &std::path::Path,
    env: &Env,
    options: PlanOptions,
) -> Result<Plan, StackError> {
    check_stack_name(stack)?;
    let sources = [super::load::Source {
        name: name.to_string(),
        text: text.to_string(),
    }];
    let loaded = super::load::load_sources(&Disk, &sources, dir, env)?;
    let desired = convert(&Disk, stack, &loaded)?;
    let live = read_live(engine, stack).await?;
    let mut plan = make_plan(
        desired,
        &live,
        options,
        Some(SourceFile::new(stack, &loaded.sources)),
    );
    plan.warnings.extend(loaded.warnings);
    Ok(plan)
}

/// The editor's deploy (`EditorEffect::Deploy`): plans again, so what is applied is what the
/// swarm has now, and applies. Returns the lines of what was done.
pub async fn deploy_text(
    engine: &Engine,
    stack: &str,
    name: &str,
    text: &str,
    dir: &std::path::Path,
    env: &Env,
    options: PlanOptions,
) -> Result<String, StackError> {
    let plan = plan_text(engine, stack, name, text, dir, env, options).await?;
    if plan.is_empty() {
        return Ok(format!("stack {stack}: nothing to change"));
    }
    let report = super::deploy::deploy(engine, &plan).await?;
    Ok(report.done.join("\n"))
}
