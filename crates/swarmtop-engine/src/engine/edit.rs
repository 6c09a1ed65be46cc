//! Changing a live object the way the docker CLI does, without losing anything: read it as the
//! engine's JSON, change only the fields the action is about, and send everything else back
//! exactly as read, with the version read. A typed model never stands in between: bollard's
//! models disagree with what the engine writes (see `wire`) and do not know fields a newer
//! engine adds, so a spec read through one and sent back would lose them.
//!
//! When the engine answers "update out of sequence" (someone changed the object meanwhile) the
//! object is read again, the same change made to what is there now, and sent once more.

use bytes::Bytes;
use serde_json::{Map, Value};

use swarmtop_model::cluster::ObjectKind;

use super::raw::percent_encode;
use super::{Engine, EngineError};

/// An object whose spec can be edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    Service(&'a str),
    Node(&'a str),
    Swarm,
}

impl Target<'_> {
    fn read_path(&self, prefix: &str) -> String {
        match self {
            Target::Service(id) => format!("{prefix}/services/{}", percent_encode(id)),
            Target::Node(id) => format!("{prefix}/nodes/{}", percent_encode(id)),
            Target::Swarm => format!("{prefix}/swarm"),
        }
    }

    fn update_path(&self, prefix: &str, version: u64, query: &[(&str, &str)]) -> String {
        let base = match self {
            Target::Service(id) => format!("{prefix}/services/{}/update", percent_encode(id)),
            Target::Node(id) => format!("{prefix}/nodes/{}/update", percent_encode(id)),
            Target::Swarm => format!("{prefix}/swarm/update"),
        };
        let mut q = format!("version={version}");
        for (k, v) in query {
            q.push_str(&format!("&{}={}", percent_encode(k), percent_encode(v)));
        }
        format!("{base}?{q}")
    }
}

/// An object as the engine sent it: the version to write against and its spec, untouched.
#[derive(Debug, Clone, PartialEq)]
pub struct Live {
    pub version: u64,
    pub spec: Map<String, Value>,
    /// The whole object (status, previous spec), for actions that need to look around.
    pub object: Value,
}

/// Reads `target` as the engine's JSON.
pub async fn read(engine: &Engine, target: Target<'_>) -> Result<Live, EngineError> {
    let bytes = engine
        .raw
        .call(
            &engine.label(),
            hyper::Method::GET,
            &target.read_path(&engine.api_prefix()),
            None,
        )
        .await?;
    live_from(&bytes).map_err(|e| {
        EngineError::Other(format!(
            "the engine at {} sent an object swarmtop cannot read: {e}",
            engine.label()
        ))
    })
}

fn live_from(bytes: &[u8]) -> Result<Live, String> {
    let object: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let version = object
        .pointer("/Version/Index")
        .and_then(Value::as_u64)
        .ok_or("it has no version")?;
    let spec = match object.get("Spec") {
        Some(Value::Object(m)) => m.clone(),
        _ => return Err("it has no spec".into()),
    };
    Ok(Live {
        version,
        spec,
        object,
    })
}

/// Sends `spec` as the new spec of `target`, against `version`; the engine's warnings come back.
pub async fn write(
    engine: &Engine,
    target: Target<'_>,
    version: u64,
    spec: &Map<String, Value>,
    query: &[(&str, &str)],
) -> Result<Vec<String>, EngineError> {
    let body = serde_json::to_vec(spec).map_err(|e| EngineError::Other(e.to_string()))?;
    let answer = engine
        .raw
        .call(
            &engine.label(),
            hyper::Method::POST,
            &target.update_path(&engine.api_prefix(), version, query),
            Some(Bytes::from(body)),
        )
        .await?;
    Ok(warnings(&answer))
}

fn warnings(answer: &[u8]) -> Vec<String> {
    serde_json::from_slice::<Value>(answer)
        .ok()
        .and_then(|v| {
            v.get("Warnings")?.as_array().map(|w| {
                w.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
        })
        .unwrap_or_default()
}

pub fn out_of_sequence(e: &EngineError) -> bool {
    e.to_string().contains("out of sequence")
}

/// Read, change, write; once more on "update out of sequence". `change` sees the object as read
/// and edits its spec; an `Err` from it stops before anything is written.
pub async fn edit(
    engine: &Engine,
    target: Target<'_>,
    query: &[(&str, &str)],
    change: impl Fn(&Live, &mut Map<String, Value>) -> Result<(), String>,
) -> Result<Vec<String>, EngineError> {
    let change = &change;
    once_more_if_out_of_sequence(|_| async move {
        let live = read(engine, target).await?;
        let mut spec = live.spec.clone();
        change(&live, &mut spec).map_err(EngineError::Other)?;
        write(engine, target, live.version, &spec, query).await
    })
    .await
}

/// The one retry rule of every write: `attempt(0)`, and `attempt(1)` when the engine answers
/// "update out of sequence" (the object changed since it was read; the second attempt reads
/// it again). Never more: a write that keeps losing the race says so.
pub async fn once_more_if_out_of_sequence<T, F, Fut>(mut attempt: F) -> Result<T, EngineError>
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = Result<T, EngineError>>,
{
    match attempt(0).await {
        Err(e) if out_of_sequence(&e) => attempt(1).await,
        other => other,
    }
}

/// The spec of a secret or config as the engine sent it (a secret's without its data, which
/// the engine never returns).
pub async fn read_object_spec(
    engine: &Engine,
    kind: ObjectKind,
    id: &str,
) -> Result<Map<String, Value>, EngineError> {
    let path = format!(
        "{}/{}/{}",
        engine.api_prefix(),
        kind.plural(),
        percent_encode(id)
    );
    let bytes = engine
        .raw
        .call(&engine.label(), hyper::Method::GET, &path, None)
        .await?;
    let object: Value = serde_json::from_slice(&bytes).map_err(|e| {
        EngineError::Other(format!(
            "the engine at {} sent a {} swarmtop cannot read: {e}",
            engine.label(),
            kind.word()
        ))
    })?;
    match object.get("Spec") {
        Some(Value::Object(m)) => Ok(m.clone()),
        _ => Err(EngineError::Other(format!(
            "the engine at {} sent a {} without a spec",
            engine.label(),
            kind.word()
        ))),
    }
}

/// Creates a secret or config from `spec` as it is (raw JSON: nothing the engine wrote is
/// lost on the way); the new object's ID.
pub async fn create_object(
    engine: &Engine,
    kind: ObjectKind,
    spec: &Map<String, Value>,
) -> Result<String, EngineError> {
    let body = serde_json::to_vec(spec).map_err(|e| EngineError::Other(e.to_string()))?;
    let path = format!("{}/{}/create", engine.api_prefix(), kind.plural());
    let answer = engine
        .raw
        .call(
            &engine.label(),
            hyper::Method::POST,
            &path,
            Some(Bytes::from(body)),
        )
        .await?;
    serde_json::from_slice::<Value>(&answer)
        .ok()
        .and_then(|v| v.get("ID")?.as_str().map(str::to_string))
        .ok_or_else(|| {
            EngineError::Other(format!(
                "the engine at {} created the {} but did not say its ID",
                engine.label(),
                kind.word()
            ))
        })
}

/// The object at `path` under `root`, made (empty) where it is missing or null. A value of
/// another kind in the way is an error naming the path: nothing is overwritten silently.
pub fn object_at<'a>(
    root: &'a mut Map<String, Value>,
    path: &[&str],
) -> Result<&'a mut Map<String, Value>, String> {
    let mut cur = root;
    for (i, key) in path.iter().enumerate() {
        let slot = cur
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if slot.is_null() {
            *slot = Value::Object(Map::new());
        }
        cur = match slot {
            Value::Object(m) => m,
            other => {
                return Err(format!(
                    "{} is {other}, not an object",
                    path[..=i].join(".")
                ));
            }
        };
    }
    Ok(cur)
}

/// The object at `path` when it is there (nothing is made).
pub fn existing<'a>(root: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Map<String, Value>> {
    let mut cur = root;
    for key in path {
        cur = cur.get(*key)?.as_object()?;
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raced() -> EngineError {
        EngineError::Api {
            status: 500,
            message: "rpc error: code = Unknown desc = update out of sequence".into(),
        }
    }

    /// How many attempts a write makes when the engine answers with `answers` in turn.
    async fn attempts(answers: Vec<Result<u8, EngineError>>) -> (usize, Result<u8, EngineError>) {
        let answers = std::sync::Mutex::new(answers.into_iter());
        let made = std::sync::atomic::AtomicUsize::new(0);
        let (answers, made_ref) = (&answers, &made);
        let r = once_more_if_out_of_sequence(|_| async move {
            made_ref.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            answers.lock().unwrap().next().unwrap()
        })
        .await;
        (made.into_inner(), r)
    }

    #[tokio::test]
    async fn a_write_is_tried_once_more_only_when_it_lost_a_race() {
        let (n, r) = attempts(vec![Ok(1)]).await;
        assert_eq!((n, r.unwrap()), (1, 1));
        let (n, r) = attempts(vec![Err(raced()), Ok(2)]).await;
        assert_eq!((n, r.unwrap()), (2, 2), "read again and sent once more");
        let (n, r) = attempts(vec![Err(raced()), Err(raced()), Ok(3)]).await;
        assert_eq!(n, 2, "never a third time");
        assert!(out_of_sequence(&r.unwrap_err()));
        let refused = EngineError::Api {
            status: 400,
            message: "invalid mount".into(),
        };
        let (n, r) = attempts(vec![Err(refused), Ok(4)]).await;
        assert_eq!(n, 1, "any other refusal is final");
        assert_eq!(r.unwrap_err().status(), Some(400));
    }

    #[test]
    fn an_object_is_read_whole_with_its_version() {
        let body = json!({
            "ID": "s1", "Version": {"Index": 7},
            "Spec": {"Name": "web", "SomethingNewer": {"A": 1}},
            "PreviousSpec": {"Name": "web"}
        });
        let live = live_from(body.to_string().as_bytes()).unwrap();
        assert_eq!(live.version, 7);
        assert_eq!(live.spec["SomethingNewer"], json!({"A": 1}));
        assert_eq!(live.object["PreviousSpec"]["Name"], "web");
        assert!(
            live_from(b"{\"Spec\": {}}")
                .unwrap_err()
                .contains("version")
        );
    }

    #[test]
    fn paths_and_queries_are_what_the_engine_takes() {
        let t = Target::Service("abc");
        assert_eq!(t.read_path("/v1.41"), "/v1.41/services/abc");
        assert_eq!(
            t.update_path("/v1.41", 12, &[("rollback", "previous")]),
            "/v1.41/services/abc/update?version=12&rollback=previous"
        );
        assert_eq!(
            Target::Swarm.update_path("/v1.45", 3, &[("rotateWorkerToken", "true")]),
            "/v1.45/swarm/update?version=3&rotateWorkerToken=true"
        );
        assert_eq!(
            Target::Node("a/b").read_path("/v1.41"),
            "/v1.41/nodes/a%2Fb"
        );
    }

    #[test]
    fn object_at_makes_what_is_missing_and_keeps_what_is_there() {
        let mut spec = json!({"Mode": {"Replicated": {"Replicas": 2}, "Other": 1}, "Null": null})
            .as_object()
            .unwrap()
            .clone();
        object_at(&mut spec, &["Mode", "Replicated"])
            .unwrap()
            .insert("Replicas".into(), json!(3));
        object_at(&mut spec, &["UpdateConfig"])
            .unwrap()
            .insert("Parallelism".into(), json!(1));
        object_at(&mut spec, &["Null", "X"]).unwrap();
        assert_eq!(
            Value::Object(spec.clone()),
            json!({"Mode": {"Replicated": {"Replicas": 3}, "Other": 1},
                   "UpdateConfig": {"Parallelism": 1}, "Null": {"X": {}}})
        );
        let err = object_at(&mut spec, &["Mode", "Other", "X"]).unwrap_err();
        assert_eq!(err, "Mode.Other is 1, not an object");
    }

    #[test]
    fn warnings_come_from_the_answer() {
        assert_eq!(
            warnings(br#"{"Warnings":["image x could not be accessed"]}"#),
            ["image x could not be accessed"]
        );
        assert!(warnings(b"").is_empty());
        assert!(warnings(br#"{"Warnings":null}"#).is_empty());
    }
}
