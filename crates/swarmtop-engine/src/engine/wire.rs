//! The engine's JSON and bollard's models disagree on some key names. The models come from the
//! API's swagger; the engine writes moby's Go structs, and Go matches JSON keys without regard
//! to case when it reads. So the engine writes `Healthcheck` where the model reads
//! `HealthCheck`, and serde (which is case-sensitive) drops the field. Every typed read of a
//! service, task or spec goes through [`from_engine`], which renames the keys the engine writes
//! to those the model reads. Writes never go through a model: see `engine::edit`.
//!
//! The list was made by comparing moby's `api/types/swarm` with bollard-stubs 1.53 and is
//! checked end to end against both lab engines (`tests/e2e/fidelity.rs`).

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Inside a `ContainerSpec` object: (engine key, model key).
const CONTAINER_SPEC: &[(&str, &str)] = &[("Healthcheck", "HealthCheck")];

/// Inside a `PluginSpec` object (moby's `RuntimeSpec` has lowercase JSON tags).
const PLUGIN_SPEC: &[(&str, &str)] = &[
    ("name", "Name"),
    ("remote", "Remote"),
    ("disabled", "Disabled"),
    ("privileges", "PluginPrivilege"),
];

/// Inside each plugin privilege.
const PLUGIN_PRIVILEGE: &[(&str, &str)] = &[
    ("name", "Name"),
    ("description", "Description"),
    ("value", "Value"),
];

#[derive(Clone, Copy)]
enum Direction {
    ToModel,
    ToEngine,
}

fn rename(obj: &mut Map<String, Value>, table: &[(&str, &str)], dir: Direction) {
    for (engine, model) in table {
        let (from, to) = match dir {
            Direction::ToModel => (engine, model),
            Direction::ToEngine => (model, engine),
        };
        // a key already in the target form wins: it is what the reader would see
        if !obj.contains_key(*to)
            && let Some(v) = obj.remove(*from)
        {
            obj.insert(to.to_string(), v);
        }
    }
}

fn walk(v: &mut Value, dir: Direction) {
    match v {
        Value::Object(obj) => {
            for (key, child) in obj.iter_mut() {
                match (key.as_str(), child) {
                    ("ContainerSpec", Value::Object(c)) => rename(c, CONTAINER_SPEC, dir),
                    ("PluginSpec", Value::Object(p)) => {
                        rename(p, PLUGIN_SPEC, dir);
                        let list = match dir {
                            Direction::ToModel => "PluginPrivilege",
                            Direction::ToEngine => "privileges",
                        };
                        if let Some(Value::Array(items)) = p.get_mut(list) {
                            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                                rename(item, PLUGIN_PRIVILEGE, dir);
                            }
                        }
                    }
                    _ => {}
                }
            }
            for child in obj.values_mut() {
                walk(child, dir);
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, dir);
            }
        }
        _ => {}
    }
}

/// Renames, in place, what the engine writes to what bollard's models read.
pub fn to_model_keys(v: &mut Value) {
    walk(v, Direction::ToModel);
}

/// Renames, in place, what a bollard model writes to what the engine writes (for comparing a
/// model's JSON with the engine's, and for sending it in the engine's own words).
pub fn to_engine_keys(v: &mut Value) {
    walk(v, Direction::ToEngine);
}

/// A typed model from the engine's JSON, with nothing the model knows dropped.
pub fn from_engine<T: DeserializeOwned>(mut v: Value) -> Result<T, serde_json::Error> {
    to_model_keys(&mut v);
    serde_json::from_value(v)
}

/// The keys [`walk`] renames sit under these; JSON in which neither appears (as a string:
/// Go never escapes the letters of a key) is renamed to itself.
const RENAMES_UNDER: &[&[u8]] = &[b"\"Healthcheck\"", b"\"PluginSpec\""];

/// Whether `bytes` hold a key [`to_model_keys`] would rename.
fn has_keys_to_rename(bytes: &[u8]) -> bool {
    RENAMES_UNDER
        .iter()
        .any(|key| memchr::memmem::find(bytes, key).is_some())
}

/// [`from_engine`] on the bytes of an answer. Most answers have nothing to rename: those are
/// read straight into the model, without the tree of values in between (for the services of
/// a large swarm that tree was most of the first frame's time and memory).
pub fn from_engine_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    if has_keys_to_rename(bytes) {
        from_engine(serde_json::from_slice(bytes)?)
    } else {
        serde_json::from_slice(bytes)
    }
}

/// A model as the engine would write it (for requests and comparisons).
pub fn to_engine<T: serde::Serialize>(model: &T) -> Value {
    let mut v = serde_json::to_value(model).unwrap_or(Value::Null);
    to_engine_keys(&mut v);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::models::{Service, Task};
    use serde_json::json;

    /// A service as dockerd 20.10 and 26 write it (`docker service create --health-cmd`).
    fn service_with_healthcheck() -> Value {
        json!({
            "ID": "abc",
            "Version": {"Index": 12},
            "Spec": {
                "Name": "web",
                "TaskTemplate": {
                    "ContainerSpec": {
                        "Image": "busybox:1",
                        "Healthcheck": {"Test": ["CMD-SHELL", "true"], "Interval": 5000000000i64, "Retries": 3}
                    }
                },
                "Mode": {"Replicated": {"Replicas": 2}}
            },
            "PreviousSpec": {
                "Name": "web",
                "TaskTemplate": {
                    "ContainerSpec": {"Image": "busybox:0", "Healthcheck": {"Test": ["NONE"]}}
                }
            }
        })
    }

    #[test]
    fn the_healthcheck_the_engine_writes_reaches_the_model() {
        // before: bollard's own reading dropped it
        let plain: Service = serde_json::from_value(service_with_healthcheck()).unwrap();
        let spec = plain.spec.unwrap().task_template.unwrap();
        assert!(spec.container_spec.unwrap().health_check.is_none());

        let s: Service = from_engine(service_with_healthcheck()).unwrap();
        let hc = s
            .spec
            .unwrap()
            .task_template
            .unwrap()
            .container_spec
            .unwrap()
            .health_check
            .unwrap();
        assert_eq!(hc.test.unwrap(), ["CMD-SHELL", "true"]);
        assert_eq!(hc.interval, Some(5_000_000_000));
        assert_eq!(hc.retries, Some(3));
        // bollard's Service has no PreviousSpec; the raw form is renamed the same way
        let mut raw = service_with_healthcheck();
        to_model_keys(&mut raw);
        assert_eq!(
            raw["PreviousSpec"]["TaskTemplate"]["ContainerSpec"]["HealthCheck"]["Test"][0],
            "NONE"
        );
    }

    #[test]
    fn a_task_spec_keeps_its_healthcheck_too() {
        let t: Task = from_engine(json!({
            "ID": "t1",
            "Spec": {"ContainerSpec": {"Image": "a:1", "Healthcheck": {"Test": ["CMD", "x"]}}}
        }))
        .unwrap();
        let hc = t.spec.unwrap().container_spec.unwrap().health_check;
        assert_eq!(hc.unwrap().test.unwrap(), ["CMD", "x"]);
    }

    #[test]
    fn model_and_engine_forms_round_trip() {
        let engine = service_with_healthcheck();
        let s: Service = from_engine(engine.clone()).unwrap();
        let back = to_engine(&s);
        assert_eq!(
            back.pointer("/Spec/TaskTemplate/ContainerSpec/Healthcheck"),
            engine.pointer("/Spec/TaskTemplate/ContainerSpec/Healthcheck")
        );
        assert!(
            back.pointer("/Spec/TaskTemplate/ContainerSpec/HealthCheck")
                .is_none()
        );
    }

    #[test]
    fn plugin_specs_are_read_in_the_engines_lowercase() {
        let mut v = json!({"TaskTemplate": {"PluginSpec": {
            "name": "p", "remote": "vieux/sshfs:latest", "disabled": true,
            "privileges": [{"name": "network", "description": "d", "value": ["host"]}]
        }}});
        to_model_keys(&mut v);
        let p = &v["TaskTemplate"]["PluginSpec"];
        assert_eq!(p["Name"], "p");
        assert_eq!(p["Remote"], "vieux/sshfs:latest");
        assert_eq!(p["Disabled"], true);
        assert_eq!(p["PluginPrivilege"][0]["Value"][0], "host");
        to_engine_keys(&mut v);
        assert_eq!(
            v["TaskTemplate"]["PluginSpec"]["privileges"][0]["name"],
            "network"
        );
    }

    #[test]
    fn bytes_read_straight_or_renamed_give_the_same_model() {
        // with a healthcheck (renamed) and without (read straight): each equals the model
        // made from the renamed tree, field for field
        let with = service_with_healthcheck();
        let mut without = with.clone();
        let spec = without
            .pointer_mut("/Spec/TaskTemplate/ContainerSpec")
            .and_then(Value::as_object_mut)
            .unwrap();
        spec.remove("Healthcheck");
        spec.insert("Env".into(), json!(["A=1", "B=x&y"]));
        without.as_object_mut().unwrap().remove("PreviousSpec");
        assert!(!has_keys_to_rename(&serde_json::to_vec(&without).unwrap()));
        for engine in [with, without] {
            let bytes = serde_json::to_vec(&engine).unwrap();
            let straight: Service = from_engine_bytes(&bytes).unwrap();
            let renamed: Service = from_engine(engine.clone()).unwrap();
            assert_eq!(straight, renamed);
            assert_eq!(to_engine(&straight), to_engine(&renamed));
        }
        let hc: Service =
            from_engine_bytes(&serde_json::to_vec(&service_with_healthcheck()).unwrap()).unwrap();
        let spec = hc
            .spec
            .unwrap()
            .task_template
            .unwrap()
            .container_spec
            .unwrap();
        assert!(spec.health_check.is_some(), "the healthcheck is read");
        // a plugin service is renamed too
        let plugin = json!([{"ID": "p", "Spec": {"TaskTemplate": {"PluginSpec": {"name": "x"}}}}]);
        let read: Vec<Service> = from_engine_bytes(&serde_json::to_vec(&plugin).unwrap()).unwrap();
        let p = read[0]
            .spec
            .clone()
            .unwrap()
            .task_template
            .unwrap()
            .plugin_spec
            .unwrap();
        assert_eq!(p.name.as_deref(), Some("x"));
    }

    #[test]
    fn a_container_config_outside_a_spec_is_left_alone() {
        // container inspect's Config.Healthcheck is what bollard's ContainerConfig reads
        let mut v = json!({"Config": {"Healthcheck": {"Test": ["NONE"]}}});
        to_model_keys(&mut v);
        assert!(v["Config"]["Healthcheck"].is_object());
    }
}
