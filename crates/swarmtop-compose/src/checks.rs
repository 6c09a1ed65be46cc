//! Checks `docker stack deploy` makes on the files before it creates anything, which the typed
//! model cannot see: the compose schema's `uniqueItems` (a list with the same item twice), one
//! `version:` for all `-c` files, and an external network whose name came out empty because a
//! variable is unset. Each failure is placed at its file, line and column by the caller.

use yaml_serde::Value;

use super::interpolate::Env;
use super::locate::Seg;

/// Version of a file as docker's schema package reads it: absent or `3` means the newest 3.x.
pub fn file_version(root: &Value) -> String {
    let v = match root.get("version") {
        None => return DEFAULT_VERSION.into(),
        Some(v) => super::scalar::scalar_text(v),
    };
    match v.as_str() {
        "" | "3" => DEFAULT_VERSION.into(),
        _ => v,
    }
}

/// The newest compose 3.x schema of the CLI the lab runs (28.x).
const DEFAULT_VERSION: &str = "3.13";

/// All `-c` files must have one version, in docker's words.
pub fn same_versions(first: &str, this: &str) -> Result<(), String> {
    if first == this {
        Ok(())
    } else {
        Err(format!(
            "version mismatched between two composefiles : {first} and {this}"
        ))
    }
}

/// Lists of a service that the schema says hold each item once.
const UNIQUE_SERVICE_LISTS: &[&[&str]] = &[
    &["cap_add"],
    &["cap_drop"],
    &["devices"],
    &["dns"],
    &["dns_search"],
    &["env_file"],
    &["environment"],
    &["expose"],
    &["external_links"],
    &["extra_hosts"],
    &["labels"],
    &["links"],
    &["depends_on"],
    &["networks"],
    &["ports"],
    &["security_opt"],
    &["sysctls"],
    &["tmpfs"],
    &["volumes"],
    &["deploy", "labels"],
];

/// A duplicate list item, after interpolation (the schema is checked on interpolated values).
pub fn unique_items(root: &Value) -> Result<(), (Vec<Seg>, String)> {
    let Some(Value::Mapping(services)) = root.get("services") else {
        return Ok(());
    };
    for (name, svc) in services {
        let name = super::scalar::scalar_text(name);
        for keys in UNIQUE_SERVICE_LISTS {
            let mut path = vec![Seg::Key("services".into()), Seg::Key(name.clone())];
            let mut v = Some(svc);
            for k in *keys {
                v = v.and_then(|x| x.get(*k));
                path.push(Seg::Key(k.to_string()));
            }
            check_list(v, path)?;
        }
        if let Some(Value::Mapping(nets)) = svc.get("networks") {
            for (net, cfg) in nets {
                let path = vec![
                    Seg::Key("services".into()),
                    Seg::Key(name.clone()),
                    Seg::Key("networks".into()),
                    Seg::Key(super::scalar::scalar_text(net)),
                    Seg::Key("aliases".into()),
                ];
                check_list(cfg.get("aliases"), path)?;
            }
        }
    }
    for section in ["networks", "volumes", "secrets", "configs"] {
        let Some(Value::Mapping(objs)) = root.get(section) else {
            continue;
        };
        for (key, obj) in objs {
            let path = vec![
                Seg::Key(section.into()),
                Seg::Key(super::scalar::scalar_text(key)),
                Seg::Key("labels".into()),
            ];
            check_list(obj.get("labels"), path)?;
        }
    }
    Ok(())
}

fn check_list(v: Option<&Value>, path: Vec<Seg>) -> Result<(), (Vec<Seg>, String)> {
    let Some(Value::Sequence(items)) = v else {
        return Ok(());
    };
    for (i, item) in items.iter().enumerate() {
        if let Some(first) = items[..i].iter().position(|x| x == item) {
            let what = path_words(&path);
            let mut at = path;
            at.push(Seg::Index(i));
            return Err((
                at,
                format!(
                    "{what}: {} is listed twice (items {} and {}); docker refuses a list with duplicate items",
                    item_text(item),
                    first + 1,
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

fn path_words(path: &[Seg]) -> String {
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn item_text(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Number(_) | Value::Bool(_) | Value::Null => super::scalar::scalar_text(v),
        other => yaml_serde::to_string(other)
            .map(|s| format!("{{{}}}", s.trim().replace('\n', ", ")))
            .unwrap_or_else(|_| "an item".into()),
    }
}

/// An external network whose name was made of variables that are unset (or empty): docker
/// would go on with an empty name and fail later with `network "" ... does not exist`; say
/// which variable and where. `raw` is the file before interpolation, `done` after.
pub fn external_network_names(
    raw: &Value,
    done: &Value,
    env: &Env,
) -> Result<(), (Vec<Seg>, String)> {
    let Some(Value::Mapping(nets)) = done.get("networks") else {
        return Ok(());
    };
    for (key, net) in nets {
        let key = super::scalar::scalar_text(key);
        let external = net.get("external");
        let is_external = matches!(external, Some(Value::Bool(true)) | Some(Value::Mapping(_)));
        if !is_external {
            continue;
        }
        // `name:` or the old `external: {name: ...}`
        for keys in [&["name"][..], &["external", "name"][..]] {
            let mut d = Some(net);
            let mut r = raw.get("networks").and_then(|n| n.get(key.as_str()));
            for k in keys {
                d = d.and_then(|x| x.get(*k));
                r = r.and_then(|x| x.get(*k));
            }
            let (Some(Value::String(name)), Some(Value::String(written))) = (d, r) else {
                continue;
            };
            if !name.is_empty() {
                continue;
            }
            let missing: Vec<String> = variables(written)
                .into_iter()
                .filter(|v| env.get(v).is_none_or(String::is_empty))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let mut path = vec![Seg::Key("networks".into()), Seg::Key(key.clone())];
            path.extend(keys.iter().map(|k| Seg::Key(k.to_string())));
            let vars = missing
                .iter()
                .map(|v| format!("${v}"))
                .collect::<Vec<_>>()
                .join(", ");
            let verb = if missing.len() == 1 { "is" } else { "are" };
            return Err((
                path,
                format!(
                    "external network {key}: its name {written:?} is empty because {vars} {verb} not set (or empty) in the environment of the deploy"
                ),
            ));
        }
    }
    Ok(())
}

/// Names of the variables a value refers to (`$V`, `${V}`, `${V:-x}`, ...); `$$` is a dollar.
fn variables(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let name_char = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                let start = i + 2;
                let end = (start..b.len())
                    .find(|&j| !name_char(b[j]))
                    .unwrap_or(b.len());
                if end > start {
                    out.push(s[start..end].to_string());
                }
                i = end;
            }
            Some(c) if name_char(*c) => {
                let start = i + 1;
                let end = (start..b.len())
                    .find(|&j| !name_char(b[j]))
                    .unwrap_or(b.len());
                out.push(s[start..end].to_string());
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        yaml_serde::from_str(s).unwrap()
    }

    #[test]
    fn versions_read_like_docker() {
        assert_eq!(file_version(&yaml("services: {}")), "3.13");
        assert_eq!(file_version(&yaml("version: '3'\nservices: {}")), "3.13");
        assert_eq!(file_version(&yaml("version: 3.7\nservices: {}")), "3.7");
        assert_eq!(
            same_versions("3.7", "3.3").unwrap_err(),
            "version mismatched between two composefiles : 3.7 and 3.3"
        );
    }

    #[test]
    fn variable_names() {
        assert_eq!(variables("${A}_$B-${C:-x}$$D"), ["A", "B", "C"]);
        assert!(variables("plain").is_empty());
    }

    #[test]
    fn duplicates_name_the_list_and_the_item() {
        let v = yaml("services:\n  web:\n    deploy:\n      labels: [a=1, b=2, a=1]\n");
        let (path, msg) = unique_items(&v).unwrap_err();
        assert_eq!(path_words(&path), "services.web.deploy.labels.2");
        assert!(
            msg.contains("\"a=1\" is listed twice (items 1 and 3)"),
            "{msg}"
        );
        // the same key with two values is not a duplicate item (the schema compares items)
        assert!(unique_items(&yaml("services:\n  web:\n    environment: [A=1, A=2]\n")).is_ok());
        // a mapping has no duplicates to find
        assert!(unique_items(&yaml("services:\n  web:\n    environment: {A: 1}\n")).is_ok());
    }
}
