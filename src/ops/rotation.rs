//! Carrying out a rotation (`Op::RotateObject`): the new object is made from the old one's
//! spec (new name, data and labels set over), then each service the preview named is read as
//! the engine's JSON, only its references to the old object are pointed at the new one, and it
//! is written back with the version read (once more, read again, on "update out of sequence").
//! Every step's outcome goes into the report: a service that could not be moved is named with
//! the engine's words, and the old object is never touched here.

use base64::Engine as _;
use serde_json::{Map, Value};

use swarmtop_ops::SecretBytes;
use swarmtop_ops::rotate::{RotateReport, Rotation, move_references, new_object_spec};

use crate::engine::edit::{self, Target};
use crate::engine::{Engine, EngineError};

/// What happened to one service.
enum Moved {
    /// Written; the engine's warnings.
    Yes(Vec<String>),
    /// Its spec no longer references the old object: nothing was sent.
    NotUsing,
}

/// Moves one service's references from `old_id` to the new object.
async fn move_service(
    engine: &Engine,
    service_id: &str,
    r: &Rotation,
    new_id: &str,
) -> Result<Moved, EngineError> {
    // the docker CLI sends registryAuthFrom=spec: the engine keeps the pull credentials it has
    let query = [("registryAuthFrom", "spec")];
    edit::once_more_if_out_of_sequence(|_| async {
        let live = edit::read(engine, Target::Service(service_id)).await?;
        let mut spec: Map<String, Value> = live.spec.clone();
        if move_references(&mut spec, r.kind, &r.old_id, new_id, &r.name) == 0 {
            return Ok(Moved::NotUsing);
        }
        let w = edit::write(
            engine,
            Target::Service(service_id),
            live.version,
            &spec,
            &query,
        )
        .await?;
        Ok(Moved::Yes(w))
    })
    .await
}

/// Runs the rotation; never stops half-way without the report saying where.
pub async fn rotate(engine: &Engine, r: &Rotation, data: &SecretBytes) -> RotateReport {
    let word = r.kind.word();
    let created = async {
        let old = edit::read_object_spec(engine, r.kind, &r.old_id)
            .await
            .map_err(|e| format!("{word} {} could not be read: {e}", r.old_name))?;
        let data = base64::engine::general_purpose::STANDARD.encode(&data.0);
        let spec = new_object_spec(&old, &r.name, &data, &r.labels);
        edit::create_object(engine, r.kind, &spec)
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    let new_id = match created {
        Ok(id) => id,
        Err(why) => return RotateReport::not_created(r, why),
    };
    let mut report = RotateReport {
        created: Ok(new_id.clone()),
        ..RotateReport::not_created(r, String::new())
    };
    for (id, name) in &r.services {
        match move_service(engine, id, r, &new_id).await {
            Ok(Moved::Yes(warnings)) if warnings.is_empty() => report.moved.push(name.clone()),
            Ok(Moved::Yes(warnings)) => report
                .moved
                .push(format!("{name} (engine warns: {})", warnings.join("; "))),
            Ok(Moved::NotUsing) => report.left_alone.push(name.clone()),
            // a service removed meanwhile uses nothing any more
            Err(EngineError::Api { status: 404, .. }) => report
                .left_alone
                .push(format!("{name} (removed meanwhile)")),
            Err(e) => report.not_moved.push((name.clone(), e.to_string())),
        }
    }
    report.still_used_by = match engine.services().await {
        Ok(services) => {
            let mut users: Vec<String> = services
                .iter()
                .filter(|s| r.kind.used_by(s).contains(&r.old_id.as_str()))
                .map(|s| swarmtop_model::cluster::service_name(s).to_string())
                .collect();
            users.sort();
            users.dedup();
            Ok(users)
        }
        Err(e) => Err(e.to_string()),
    };
    report
}
