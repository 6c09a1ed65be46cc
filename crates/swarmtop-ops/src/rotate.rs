//! Rotating a secret or config (moby#35803: the engine cannot change one in place): a new
//! object with the new data, then every service that used the old one moved to it, each
//! reference keeping its target file, uid, gid and mode, and the old one removed only when the
//! operator says so and nothing uses it any more.
//!
//! Pure: what a rotation is, the name proposed for the new object, the preview in words, the
//! patch of a service's spec as the engine's JSON, the new object's spec and the report in
//! words. The engine calls are the binary's (`swarmtop::ops::rotate`).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use swarmtop_model::cluster::{Cluster, ObjectKind, STACK_LABEL, service_name};

/// A secret or config to replace, with what. The data travels beside it (typed, or read from
/// a file once the answer is yes), never in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub kind: ObjectKind,
    pub old_id: String,
    pub old_name: String,
    /// The new object's name.
    pub name: String,
    /// Labels set on the new object over the old one's, which are carried over as they are.
    pub labels: Vec<(String, String)>,
    /// The services the preview named (ID, name): only these are moved, what the operator
    /// said yes to.
    pub services: Vec<(String, String)>,
}

impl Rotation {
    /// In words, for the dialog's title and the status line (`Op::describe`).
    pub fn describe(&self) -> String {
        format!(
            "rotate {} {} to {}",
            self.kind.word(),
            self.old_name,
            self.name
        )
    }
}

/// The name proposed for the new object: the old one with its version suffix bumped
/// (`app.v2` -> `app.v3`, `key_v9` -> `key_v10`), or `.v2` added (`db_password` ->
/// `db_password.v2`); the next version again while `taken` says the name exists.
pub fn default_name(old: &str, taken: impl Fn(&str) -> bool) -> String {
    let (base, sep, mut n) = match version_suffix(old) {
        Some((base, sep, v)) => (base, sep, v.saturating_add(1)),
        None => (old, ".v", 2),
    };
    let mut name = format!("{base}{sep}{n}");
    // bounded: a `taken` that says yes to everything must not hang the UI
    for _ in 0..10_000 {
        if !taken(&name) {
            break;
        }
        n = n.saturating_add(1);
        name = format!("{base}{sep}{n}");
    }
    name
}

/// `app.v2` -> ("app", ".v", 2): a version after `.`, `_` or `-`, as `v` and digits.
fn version_suffix(name: &str) -> Option<(&str, &str, u64)> {
    let i = name.rfind(['.', '_', '-'])?;
    let tail = &name[i + 1..];
    let digits = tail.strip_prefix('v').or_else(|| tail.strip_prefix('V'))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v = digits.parse().ok()?;
    Some((&name[..i], &name[i..i + 2], v))
}

/// One service's references to the object, in words (`file db_password · uid 0 · gid 0 ·
/// mode 0444`; `credential spec (runtime, no file)`), as the preview lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub service_id: String,
    pub service: String,
    pub targets: Vec<String>,
}

fn file_words(
    name: Option<&str>,
    uid: Option<&str>,
    gid: Option<&str>,
    mode: Option<u32>,
) -> String {
    fn or<'a>(v: Option<&'a str>, d: &'a str) -> &'a str {
        v.filter(|v| !v.is_empty()).unwrap_or(d)
    }
    let mode = mode
        .map(|m| format!("{m:04o}"))
        .unwrap_or_else(|| "?".into());
    format!(
        "file {} · uid {} · gid {} · mode {mode}",
        or(name, "?"),
        or(uid, "0"),
        or(gid, "0")
    )
}

/// The services whose spec references the object `id` (by ID, as the engine resolves them),
/// by name, each with its references.
pub fn uses(c: &Cluster, kind: ObjectKind, id: &str) -> Vec<Use> {
    let mut out: Vec<Use> = c
        .services
        .iter()
        .filter_map(|s| {
            let cs = s
                .spec
                .as_ref()?
                .task_template
                .as_ref()?
                .container_spec
                .as_ref()?;
            let targets: Vec<String> = match kind {
                ObjectKind::Secret => cs
                    .secrets
                    .iter()
                    .flatten()
                    .filter(|r| r.secret_id.as_deref() == Some(id))
                    .map(|r| {
                        let f = r.file.as_ref();
                        file_words(
                            f.and_then(|f| f.name.as_deref()),
                            f.and_then(|f| f.uid.as_deref()),
                            f.and_then(|f| f.gid.as_deref()),
                            f.and_then(|f| f.mode),
                        )
                    })
                    .collect(),
                ObjectKind::Config => cs
                    .configs
                    .iter()
                    .flatten()
                    .filter(|r| r.config_id.as_deref() == Some(id))
                    .map(|r| match (&r.file, &r.runtime) {
                        (Some(f), _) => file_words(
                            f.name.as_deref(),
                            f.uid.as_deref(),
                            f.gid.as_deref(),
                            f.mode,
                        ),
                        (None, _) => "credential spec (runtime, no file)".to_string(),
                    })
                    .collect(),
            };
            if targets.is_empty() {
                return None;
            }
            Some(Use {
                service_id: s.id.clone().unwrap_or_default(),
                service: service_name(s).to_string(),
                targets,
            })
        })
        .collect();
    out.sort_by(|a, b| a.service.cmp(&b.service));
    out
}

/// What the dialog says before anything is written: the new object, its labels, every
/// service that rolls with each reference's target, uid, gid and mode, and what stays.
/// `source` says where the data comes from (`14 bytes typed`, `the file ./pw`).
pub fn preview(c: &Cluster, r: &Rotation, source: &str) -> Vec<String> {
    let word = r.kind.word();
    let (old, new) = (&r.old_name, &r.name);
    let mut out = vec![format!("{word}: {old} -> {new} (a new {word}, {source})")];
    let carried: BTreeMap<String, String> = c
        .object(r.kind, &r.old_id)
        .and_then(|o| o.labels())
        .map(|l| l.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    out.push(if carried.is_empty() {
        format!("labels: {old} has none")
    } else {
        format!("labels carried over: {}", pairs(carried.iter()))
    });
    if !r.labels.is_empty() {
        out.push(format!(
            "labels set: {}",
            pairs(r.labels.iter().map(|(k, v)| (k, v)))
        ));
    }
    if r.services.is_empty() {
        out.push(format!(
            "No service uses {old}: only {new} is created, nothing rolls."
        ));
    } else {
        let n = r.services.len();
        out.push(format!(
            "{n} service{} will roll to {new} (a rolling update: tasks replaced as each service's update settings say):",
            if n == 1 { "" } else { "s" }
        ));
        let found = uses(c, r.kind, &r.old_id);
        for (id, name) in &r.services {
            match found.iter().find(|u| &u.service_id == id) {
                Some(u) => out.extend(u.targets.iter().map(|t| format!("  {name}: {t}"))),
                None => out.push(format!("  {name}")),
            }
        }
        out.push(
            "Only the reference changes (to the new ID and name); its target, uid, gid, mode and the rest of each spec stay."
                .into(),
        );
    }
    if let Some(stack) = carried.get(STACK_LABEL) {
        out.push(format!(
            "{old} belongs to stack {stack}: deploying its file again points its services back at {old}."
        ));
    }
    out.push(if r.services.is_empty() {
        format!("{old} is kept: you are asked afterwards whether to remove it.")
    } else {
        format!("{old} is kept: once the services have moved you are asked whether to remove it.")
    });
    out
}

fn pairs<'a>(l: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    l.map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The services (ID, name) whose spec references the object, by name: what the rotation moves.
pub fn users(c: &Cluster, kind: ObjectKind, id: &str) -> Vec<(String, String)> {
    uses(c, kind, id)
        .into_iter()
        .map(|u| (u.service_id, u.service))
        .collect()
}

/// The keys of a kind's references in a container spec.
fn ref_keys(kind: ObjectKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        ObjectKind::Secret => ("Secrets", "SecretID", "SecretName"),
        ObjectKind::Config => ("Configs", "ConfigID", "ConfigName"),
    }
}

/// Points every reference to the old object in `spec` (a service's spec as the engine sent
/// it) at the new one: its ID and name, nothing else (the target file, uid, gid, mode, a
/// runtime target and every other field stay as read). A config used as a credential spec is
/// a runtime reference and `Privileges.CredentialSpec.Config` together: both move, as the
/// engine refuses one without the other. Returns how many references changed (0: the service
/// does not use it; the spec is untouched).
pub fn move_references(
    spec: &mut Map<String, Value>,
    kind: ObjectKind,
    old_id: &str,
    new_id: &str,
    new_name: &str,
) -> usize {
    let Some(cs) = spec
        .get_mut("TaskTemplate")
        .and_then(|t| t.get_mut("ContainerSpec"))
        .and_then(Value::as_object_mut)
    else {
        return 0;
    };
    let (list, id_key, name_key) = ref_keys(kind);
    let mut moved = 0;
    if let Some(Value::Array(refs)) = cs.get_mut(list) {
        for r in refs.iter_mut().filter_map(Value::as_object_mut) {
            if r.get(id_key).and_then(Value::as_str) == Some(old_id) {
                r.insert(id_key.into(), json!(new_id));
                r.insert(name_key.into(), json!(new_name));
                moved += 1;
            }
        }
    }
    if kind == ObjectKind::Config
        && let Some(cred) = cs
            .get_mut("Privileges")
            .and_then(|p| p.get_mut("CredentialSpec"))
            .and_then(Value::as_object_mut)
        && cred.get("Config").and_then(Value::as_str) == Some(old_id)
    {
        cred.insert("Config".into(), json!(new_id));
        moved += 1;
    }
    moved
}

/// The new object's spec: the old one's as the engine sent it (a config's templating, a
/// secret's driver, its labels kept), with the new name, the new data (base64) and `labels`
/// set over the old ones.
pub fn new_object_spec(
    old: &Map<String, Value>,
    name: &str,
    data_base64: &str,
    labels: &[(String, String)],
) -> Map<String, Value> {
    let mut spec = old.clone();
    spec.insert("Name".into(), json!(name));
    spec.insert("Data".into(), json!(data_base64));
    if !labels.is_empty() {
        if !spec.get("Labels").is_some_and(Value::is_object) {
            spec.insert("Labels".into(), Value::Object(Map::new()));
        }
        if let Some(Value::Object(l)) = spec.get_mut("Labels") {
            for (k, v) in labels {
                l.insert(k.clone(), json!(v));
            }
        }
    }
    spec
}

/// What a rotation did, step by step: nothing half-way goes unsaid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotateReport {
    pub rotation: Rotation,
    /// The new object's ID, or why it was not made (then nothing was changed).
    pub created: Result<String, String>,
    /// The services moved to the new object (they roll now).
    pub moved: Vec<String>,
    /// The services not moved, and why (they still use the old object).
    pub not_moved: Vec<(String, String)>,
    /// Named in the preview, but not using the old object any more when read: left as they
    /// were.
    pub left_alone: Vec<String>,
    /// The services that use the old object after the moves (read again), or why that could
    /// not be read.
    pub still_used_by: Result<Vec<String>, String>,
}

impl RotateReport {
    /// The new object was not made (`why`): nothing was sent to any service.
    pub fn not_created(r: &Rotation, why: String) -> RotateReport {
        RotateReport {
            rotation: r.clone(),
            created: Err(why),
            moved: Vec::new(),
            not_moved: Vec::new(),
            left_alone: Vec::new(),
            still_used_by: Ok(r.services.iter().map(|(_, n)| n.clone()).collect()),
        }
    }

    /// The new object exists, every service the preview named has moved, and nothing uses the
    /// old object any more: removing it can be offered.
    pub fn finished(&self) -> bool {
        self.created.is_ok()
            && self.not_moved.is_empty()
            && self.still_used_by.as_ref().is_ok_and(Vec::is_empty)
    }

    /// One line for the status line.
    pub fn summary(&self) -> String {
        let r = &self.rotation;
        let word = r.kind.word();
        match &self.created {
            Err(why) => format!(
                "{} failed: {word} {} was not created ({why}); nothing changed",
                r.describe(),
                r.name
            ),
            Ok(_) if self.finished() => format!(
                "{}: {} moved",
                r.describe(),
                count(self.moved.len(), "service"),
            ),
            Ok(_) => format!(
                "{}: {} created, {} of {} moved; {} is kept (see the report)",
                r.describe(),
                r.name,
                self.moved.len(),
                count(r.services.len(), "service"),
                r.old_name
            ),
        }
    }

    /// The whole report, a line each.
    pub fn lines(&self) -> Vec<String> {
        let r = &self.rotation;
        let (word, old, new) = (r.kind.word(), &r.old_name, &r.name);
        let id = match &self.created {
            Err(why) => {
                return vec![
                    format!("{word} {new} was not created: {why}"),
                    format!("Nothing was changed: the services still use {old}."),
                ];
            }
            Ok(id) => id,
        };
        let mut out = vec![format!(
            "Created {word} {new} ({}).",
            id.get(..12).unwrap_or(id)
        )];
        if !self.moved.is_empty() {
            out.push(format!(
                "Moved to {new}, rolling now: {}.",
                self.moved.join(", ")
            ));
        }
        for (s, why) in &self.not_moved {
            out.push(format!("NOT moved: {s}: {why}"));
        }
        if !self.left_alone.is_empty() {
            out.push(format!(
                "Left as they were (they no longer used {old}): {}.",
                self.left_alone.join(", ")
            ));
        }
        match &self.still_used_by {
            Ok(users) if users.is_empty() => {
                out.push(format!("No service uses {old} any more."));
            }
            Ok(users) => {
                let words: Vec<String> = users
                    .iter()
                    .map(|u| {
                        let previewed = r.services.iter().any(|(_, n)| n == u);
                        if previewed {
                            u.clone()
                        } else {
                            format!("{u} (not in the preview, so not moved)")
                        }
                    })
                    .collect();
                out.push(format!(
                    "{old} is kept: {} still use{} it (the engine refuses to remove a {word} in use).",
                    words.join(", "),
                    if users.len() == 1 { "s" } else { "" }
                ));
            }
            Err(why) => out.push(format!(
                "{old} is kept: which services use it now could not be read ({why})."
            )),
        }
        out
    }
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use swarmtop_model::cluster::fixtures::sample;

    #[test]
    fn the_new_name_bumps_a_version_or_adds_one() {
        let none = |_: &str| false;
        assert_eq!(default_name("db_password", none), "db_password.v2");
        assert_eq!(default_name("app.v2", none), "app.v3");
        assert_eq!(default_name("app_v9", none), "app_v10");
        assert_eq!(default_name("tls-V1", none), "tls-V2");
        assert_eq!(default_name("shop_nginx", none), "shop_nginx.v2");
        // a number that is not a version is part of the name
        assert_eq!(default_name("cert_2024", none), "cert_2024.v2");
        assert_eq!(default_name("app.v", none), "app.v.v2");
        // a name that exists is skipped
        let taken = |n: &str| n == "app.v3" || n == "app.v4";
        assert_eq!(default_name("app.v2", taken), "app.v5");
        // a `taken` that says yes to everything still ends
        assert!(default_name("x", |_: &str| true).starts_with("x.v"));
    }

    /// The sample cluster with `web` using db_password twice (the CLI's defaults, then a
    /// custom target, uid, gid and mode), `shop_api` once, `monitor` not at all.
    fn cluster() -> Cluster {
        let mut c = sample();
        let refs = |v: Value| serde_json::from_value(v).unwrap();
        let web = c.services[0].spec.as_mut().unwrap();
        let cs = web
            .task_template
            .as_mut()
            .unwrap()
            .container_spec
            .as_mut()
            .unwrap();
        cs.secrets = Some(refs(json!([
            {"File": {"Name": "db_password", "UID": "0", "GID": "0", "Mode": 292},
             "SecretID": "sec1xxxxxxxxxxxxxxxxxxxxx", "SecretName": "db_password"},
            {"File": {"Name": "/etc/app/pw", "UID": "1000", "GID": "1001", "Mode": 256},
             "SecretID": "sec1xxxxxxxxxxxxxxxxxxxxx", "SecretName": "db_password"}
        ])));
        let api = c.services[1].spec.as_mut().unwrap();
        let cs = api
            .task_template
            .as_mut()
            .unwrap()
            .container_spec
            .as_mut()
            .unwrap();
        cs.secrets = Some(refs(json!([
            {"File": {"Name": "pw", "UID": "0", "GID": "0", "Mode": 288},
             "SecretID": "sec1xxxxxxxxxxxxxxxxxxxxx", "SecretName": "db_password"},
            {"File": {"Name": "other", "UID": "0", "GID": "0", "Mode": 292},
             "SecretID": "sec2yyyyyyyyyyyyyyyyyyyyy", "SecretName": "other"}
        ])));
        c.secrets[0].spec.as_mut().unwrap().labels = Some(
            [("team".to_string(), "db".to_string())]
                .into_iter()
                .collect(),
        );
        c
    }

    fn rotation(c: &Cluster) -> Rotation {
        Rotation {
            kind: ObjectKind::Secret,
            old_id: "sec1xxxxxxxxxxxxxxxxxxxxx".into(),
            old_name: "db_password".into(),
            name: "db_password.v2".into(),
            labels: vec![("rotated".into(), "2026-12".into())],
            services: users(c, ObjectKind::Secret, "sec1xxxxxxxxxxxxxxxxxxxxx"),
        }
    }

    #[test]
    fn the_services_that_roll_are_those_that_reference_it_by_id() {
        let c = cluster();
        assert_eq!(
            users(&c, ObjectKind::Secret, "sec1xxxxxxxxxxxxxxxxxxxxx"),
            [
                (
                    "s2apiapiapiapiapiapiapiap".to_string(),
                    "shop_api".to_string()
                ),
                ("s1webwebwebwebwebwebwebwe".to_string(), "web".to_string())
            ]
        );
        assert!(users(&c, ObjectKind::Config, "sec1xxxxxxxxxxxxxxxxxxxxx").is_empty());
    }

    #[test]
    fn the_preview_names_every_service_with_each_target_uid_gid_and_mode() {
        let c = cluster();
        let lines = preview(&c, &rotation(&c), "14 bytes typed");
        assert_eq!(
            lines,
            [
                "secret: db_password -> db_password.v2 (a new secret, 14 bytes typed)",
                "labels carried over: team=db",
                "labels set: rotated=2026-12",
                "2 services will roll to db_password.v2 (a rolling update: tasks replaced as each service's update settings say):",
                "  shop_api: file pw · uid 0 · gid 0 · mode 0440",
                "  web: file db_password · uid 0 · gid 0 · mode 0444",
                "  web: file /etc/app/pw · uid 1000 · gid 1001 · mode 0400",
                "Only the reference changes (to the new ID and name); its target, uid, gid, mode and the rest of each spec stay.",
                "db_password is kept: once the services have moved you are asked whether to remove it.",
            ]
        );
    }

    #[test]
    fn the_preview_of_an_unused_stack_config_says_nothing_rolls_and_warns_of_the_stack() {
        let c = sample();
        let r = Rotation {
            kind: ObjectKind::Config,
            old_id: "cfg1xxxxxxxxxxxxxxxxxxxxx".into(),
            old_name: "shop_nginx".into(),
            name: "shop_nginx.v2".into(),
            labels: vec![],
            services: users(&c, ObjectKind::Config, "cfg1xxxxxxxxxxxxxxxxxxxxx"),
        };
        let lines = preview(&c, &r, "the file ./nginx.conf");
        assert_eq!(
            lines,
            [
                "config: shop_nginx -> shop_nginx.v2 (a new config, the file ./nginx.conf)",
                "labels carried over: com.docker.stack.namespace=shop",
                "No service uses shop_nginx: only shop_nginx.v2 is created, nothing rolls.",
                "shop_nginx belongs to stack shop: deploying its file again points its services back at shop_nginx.",
                "shop_nginx is kept: you are asked afterwards whether to remove it.",
            ]
        );
    }

    #[test]
    fn a_config_used_as_a_credential_spec_is_shown_as_such() {
        let mut c = sample();
        let cs = c.services[0]
            .spec
            .as_mut()
            .unwrap()
            .task_template
            .as_mut()
            .unwrap()
            .container_spec
            .as_mut()
            .unwrap();
        cs.configs = Some(
            serde_json::from_value(json!([
                {"Runtime": {}, "ConfigID": "cfg1xxxxxxxxxxxxxxxxxxxxx", "ConfigName": "shop_nginx"},
                {"File": {"Name": "/etc/nginx.conf", "UID": "0", "GID": "0", "Mode": 292},
                 "ConfigID": "cfg1xxxxxxxxxxxxxxxxxxxxx", "ConfigName": "shop_nginx"}
            ]))
            .unwrap(),
        );
        let u = uses(&c, ObjectKind::Config, "cfg1xxxxxxxxxxxxxxxxxxxxx");
        assert_eq!(
            u[0].targets,
            [
                "credential spec (runtime, no file)",
                "file /etc/nginx.conf · uid 0 · gid 0 · mode 0444"
            ]
        );
    }

    /// A service's spec as dockerd 20.10 writes it for `docker service create` with two
    /// secrets and a config, and a field bollard's model does not know.
    fn live_spec() -> Map<String, Value> {
        json!({
            "Name": "api",
            "Labels": {"team": "a"},
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": "busybox:1",
                    "Healthcheck": {"Test": ["CMD-SHELL", "true"]},
                    "Secrets": [
                        {"File": {"Name": "/etc/pw", "UID": "1000", "GID": "1001", "Mode": 256},
                         "SecretID": "old1", "SecretName": "db_password"},
                        {"File": {"Name": "other", "UID": "0", "GID": "0", "Mode": 292},
                         "SecretID": "keep2", "SecretName": "other"},
                        {"File": {"Name": "db_password", "UID": "0", "GID": "0", "Mode": 292},
                         "SecretID": "old1", "SecretName": "db_password"}
                    ],
                    "Configs": [
                        {"File": {"Name": "/app.conf", "UID": "0", "GID": "0", "Mode": 292},
                         "ConfigID": "old1", "ConfigName": "same_id_other_kind"}
                    ],
                    "FieldFromTheFuture": {"x": [1, 2]}
                },
                "ForceUpdate": 2
            },
            "Mode": {"Replicated": {"Replicas": 2}},
            "UpdateConfig": {"Parallelism": 1, "Order": "start-first"}
        })
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn moving_a_secret_changes_only_the_id_and_name_of_its_references() {
        let before = live_spec();
        let mut after = before.clone();
        let n = move_references(
            &mut after,
            ObjectKind::Secret,
            "old1",
            "new9",
            "db_password.v2",
        );
        assert_eq!(n, 2);
        // the whole spec is what it was, but for those two references' ID and name
        let mut want = Value::Object(before);
        for i in [0, 2] {
            let r = &mut want["TaskTemplate"]["ContainerSpec"]["Secrets"][i];
            r["SecretID"] = json!("new9");
            r["SecretName"] = json!("db_password.v2");
        }
        assert_eq!(Value::Object(after), want);
    }

    #[test]
    fn moving_a_config_keeps_its_file_and_moves_a_credential_spec_with_its_runtime_reference() {
        let mut before = live_spec();
        let cs = before["TaskTemplate"]["ContainerSpec"]
            .as_object_mut()
            .unwrap();
        cs["Configs"]
            .as_array_mut()
            .unwrap()
            .push(json!({"Runtime": {}, "ConfigID": "old1", "ConfigName": "same_id_other_kind"}));
        cs.insert(
            "Privileges".into(),
            json!({"CredentialSpec": {"Config": "old1", "File": "", "Registry": ""},
                   "SELinuxContext": null, "NoNewPrivileges": false}),
        );
        let mut after = before.clone();
        let n = move_references(&mut after, ObjectKind::Config, "old1", "new9", "app.v2");
        assert_eq!(n, 3, "two references and the credential spec");
        let mut want = Value::Object(before);
        let cs = &mut want["TaskTemplate"]["ContainerSpec"];
        for i in [0, 1] {
            cs["Configs"][i]["ConfigID"] = json!("new9");
            cs["Configs"][i]["ConfigName"] = json!("app.v2");
        }
        cs["Privileges"]["CredentialSpec"]["Config"] = json!("new9");
        assert_eq!(
            Value::Object(after),
            want,
            "secrets with the same ID untouched"
        );
    }

    #[test]
    fn a_spec_without_the_reference_is_left_untouched() {
        let before = live_spec();
        let mut after = before.clone();
        assert_eq!(
            move_references(&mut after, ObjectKind::Secret, "nope", "new9", "x"),
            0
        );
        assert_eq!(after, before);
        let mut plugin = json!({"TaskTemplate": {"PluginSpec": {}}})
            .as_object()
            .unwrap()
            .clone();
        assert_eq!(
            move_references(&mut plugin, ObjectKind::Secret, "old1", "n", "x"),
            0
        );
    }

    #[test]
    fn the_new_object_is_the_old_one_with_a_new_name_data_and_labels_set_over() {
        let old = json!({"Name": "app.conf", "Labels": {"team": "a", "pad": " x "},
                         "Data": "b2xk", "Templating": {"Name": "golang"}})
        .as_object()
        .unwrap()
        .clone();
        let new = new_object_spec(&old, "app.conf.v2", "bmV3", &[("team".into(), "b".into())]);
        assert_eq!(
            Value::Object(new),
            json!({"Name": "app.conf.v2", "Labels": {"team": "b", "pad": " x "},
                   "Data": "bmV3", "Templating": {"Name": "golang"}})
        );
        // a secret as the engine sends it: no data, no labels
        let old = json!({"Name": "pw"}).as_object().unwrap().clone();
        assert_eq!(
            Value::Object(new_object_spec(&old, "pw.v2", "eA==", &[])),
            json!({"Name": "pw.v2", "Data": "eA=="})
        );
    }

    fn report(c: &Cluster) -> RotateReport {
        RotateReport {
            rotation: rotation(c),
            created: Ok("newid0123456789abcdefghij".into()),
            moved: vec!["shop_api".into(), "web".into()],
            not_moved: vec![],
            left_alone: vec![],
            still_used_by: Ok(vec![]),
        }
    }

    #[test]
    fn the_report_says_what_moved_what_did_not_and_why_the_old_one_stays() {
        let c = cluster();
        let done = report(&c);
        assert!(done.finished());
        assert_eq!(
            done.lines(),
            [
                "Created secret db_password.v2 (newid0123456).",
                "Moved to db_password.v2, rolling now: shop_api, web.",
                "No service uses db_password any more.",
            ]
        );
        assert_eq!(
            done.summary(),
            "rotate secret db_password to db_password.v2: 2 services moved"
        );

        let half = RotateReport {
            moved: vec!["shop_api".into()],
            not_moved: vec![("web".into(), "update out of sequence".into())],
            still_used_by: Ok(vec!["late".into(), "web".into()]),
            ..report(&c)
        };
        assert!(!half.finished());
        assert_eq!(
            half.lines(),
            [
                "Created secret db_password.v2 (newid0123456).",
                "Moved to db_password.v2, rolling now: shop_api.",
                "NOT moved: web: update out of sequence",
                "db_password is kept: late (not in the preview, so not moved), web still use it (the engine refuses to remove a secret in use).",
            ]
        );
        assert!(
            half.summary()
                .contains("1 of 2 services moved; db_password is kept")
        );

        let unread = RotateReport {
            still_used_by: Err("connection refused".into()),
            ..report(&c)
        };
        assert!(
            !unread.finished(),
            "removal is offered only when known safe"
        );

        let refused = RotateReport {
            created: Err("secret db_password.v2 already exists".into()),
            moved: vec![],
            ..report(&c)
        };
        assert!(!refused.finished());
        assert_eq!(
            refused.lines(),
            [
                "secret db_password.v2 was not created: secret db_password.v2 already exists",
                "Nothing was changed: the services still use db_password.",
            ]
        );
    }
}
