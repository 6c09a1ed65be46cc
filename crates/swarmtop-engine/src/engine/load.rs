//! Reading the cluster: the objects (everything but tasks, in parallel) for the first frame and
//! each resync, every task at once (snapshots, small swarms), and the streamed, tracked task
//! reads of large swarms.

use std::collections::HashMap;

use super::client::Engine;
use super::error::EngineError;
use super::raw::with_filters;
use super::spec_watch::SpecWatch;
use super::tracker::{Keep, TaskDelta, Tracker, parse};
use swarmtop_model::cluster::spec_history::SpecSeen;
use swarmtop_model::cluster::{Cluster, TaskSet};

/// Engine filters for a set of tasks.
pub fn task_filters(set: &TaskSet) -> HashMap<String, Vec<String>> {
    match set {
        TaskSet::All => HashMap::new(),
        TaskSet::Services(ids) => HashMap::from([("service".into(), ids.clone())]),
        TaskSet::Node(id) => HashMap::from([("node".into(), vec![id.clone()])]),
    }
}

/// Everything in one go, all tasks included (snapshots).
pub async fn load_cluster(engine: &Engine) -> Result<Cluster, EngineError> {
    let (objects, tasks) = tokio::join!(load_objects(engine), engine.tasks(HashMap::new()));
    let mut c = objects?;
    c.tasks = tasks?;
    Ok(c)
}

/// Nodes, services with their counts, secrets, configs, networks and `/info`, in parallel: what
/// the first frame needs. Tasks come after (see the watcher): a large swarm's task list is
/// tens of megabytes the first frame need not wait for.
pub async fn load_objects(engine: &Engine) -> Result<Cluster, EngineError> {
    let (info, nodes, services, secrets, configs, networks) = tokio::join!(
        engine.info_once(),
        engine.nodes(),
        engine.services(),
        engine.secrets(),
        engine.configs(),
        engine.networks(),
    );
    Ok(Cluster::new(
        Some(info?),
        nodes?,
        services?,
        Vec::new(),
        secrets?,
        configs?,
        networks?,
    ))
}

/// [`load_objects`] for the worker, which also follows the services' specs (`SpecWatch`): the
/// specs that changed since it last looked come with the cluster.
pub async fn load_objects_watched(
    engine: &Engine,
    watch: &mut SpecWatch,
) -> Result<(Cluster, Vec<SpecSeen>), EngineError> {
    let (info, nodes, services, secrets, configs, networks) = tokio::join!(
        engine.info_once(),
        engine.nodes(),
        engine.services_watched(watch),
        engine.secrets(),
        engine.configs(),
        engine.networks(),
    );
    let (services, changed) = services?;
    let c = Cluster::new(
        Some(info?),
        nodes?,
        services,
        Vec::new(),
        secrets?,
        configs?,
        networks?,
    );
    Ok((c, changed))
}

/// Reads the tasks of `set` as a stream, keeps what `keep` wants in `tracker`, and returns what
/// changed for the UI.
pub async fn tracked_tasks(
    engine: &Engine,
    set: &TaskSet,
    tracker: &mut Tracker,
    keep: &Keep,
) -> Result<TaskDelta, EngineError> {
    let path = with_filters(
        &format!("{}/tasks", engine.api_prefix()),
        &task_filters(set),
    );
    let mut delta = tracker.begin();
    engine
        .raw
        .get_array(&engine.label(), &path, |element| {
            // a task the engine describes oddly is skipped, not the whole answer
            if let Ok(t) = parse(element) {
                tracker.offer(t, keep, &mut delta);
            }
        })
        .await?;
    tracker.end(set, &mut delta);
    Ok(delta)
}
