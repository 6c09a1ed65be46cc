//! `--mount` values as `docker service create` reads them (docker/cli `opts/mount.go`, as of
//! the 20.10 to 28 CLIs): one CSV record of `key=value` options (`type=bind,src=/srv,dst=/data,ro`),
//! the `volume-*`, `bind-*` and `tmpfs-*` options of its type, into the `Mount` the CLI sends.
//! Several mounts in one text are separated by `;`. What the engine would refuse only once a
//! task starts (a relative target, a bind mount without an absolute source, the same target
//! twice) is refused here, before anything is sent.

use std::collections::HashMap;

use bollard_stubs::models::{
    Mount, MountBindOptions, MountBindOptionsPropagationEnum, MountTmpfsOptions, MountType,
    MountVolumeOptions, MountVolumeOptionsDriverConfig,
};

use crate::units::parse_ram_bytes;

/// Mounts separated by `;` (a `;` inside double quotes is part of its option).
pub fn parse_mounts(text: &str) -> Result<Vec<Mount>, String> {
    let mut out: Vec<Mount> = Vec::new();
    for one in split_outside_quotes(text, ';') {
        let one = one.trim();
        if one.is_empty() {
            continue;
        }
        let m = parse_mount(one)?;
        if let Some(t) = m.target.as_deref()
            && out.iter().any(|o| o.target.as_deref() == Some(t))
        {
            return Err(format!("mount {one:?}: two mounts have the target {t}"));
        }
        out.push(m);
    }
    Ok(out)
}

fn split_outside_quotes(text: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            out.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&text[start..]);
    out
}

/// One record of Go's `encoding/csv` with its defaults: `,` separates, a field that starts
/// with `"` is quoted (`""` inside is one quote), a quote anywhere else is an error.
fn csv_record(text: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => return Err("a quote is not closed".into()),
                }
            }
            match chars.next() {
                None => {
                    fields.push(field);
                    return Ok(fields);
                }
                Some(',') => fields.push(field),
                Some(_) => return Err("a quoted option must end at a comma".into()),
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field);
                        return Ok(fields);
                    }
                    Some(',') => {
                        fields.push(field);
                        break;
                    }
                    Some('"') => {
                        return Err(format!(
                            "a quote inside {field:?}: quote the whole option, \"key=value\""
                        ));
                    }
                    Some(c) => field.push(c),
                }
            }
        }
    }
}

/// Go's `strconv.ParseBool`.
fn go_bool(key: &str, v: &str) -> Result<bool, String> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(format!("{key}={v}: write true or false")),
    }
}

/// `k=v` into a map; `k` alone is an empty value; an empty key is refused.
fn set_on_map(map: &mut HashMap<String, String>, key: &str, kv: &str) -> Result<(), String> {
    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
    if k.is_empty() {
        return Err(format!("{key}={kv}: write {key}=NAME=VALUE"));
    }
    map.insert(k.to_string(), v.to_string());
    Ok(())
}

#[derive(Default)]
struct Volume {
    no_copy: bool,
    labels: HashMap<String, String>,
    driver: String,
    options: HashMap<String, String>,
    subpath: String,
}

/// One `--mount` value.
pub fn parse_mount(text: &str) -> Result<Mount, String> {
    let fail = |why: String| format!("mount {text:?}: {why}");
    let fields = csv_record(text).map_err(fail)?;
    let mut typ = "volume".to_string();
    let (mut source, mut target) = (String::new(), String::new());
    let mut read_only = false;
    let mut consistency = String::new();
    let mut bind: Option<MountBindOptions> = None;
    let mut volume: Option<Volume> = None;
    let mut tmpfs: Option<MountTmpfsOptions> = None;
    for field in &fields {
        let (key, val) = match field.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (field.as_str(), None),
        };
        if key.trim() != key || val.is_some_and(|v| v.trim() != v) {
            return Err(fail(format!(
                "{field:?} has spaces around it: write options without spaces, e.g. type=bind,src=/srv,dst=/data"
            )));
        }
        // the CLI reads keys in any case
        let key = key.to_ascii_lowercase();
        let Some(val) = val else {
            match key.as_str() {
                "readonly" | "ro" => read_only = true,
                "volume-nocopy" => volume.get_or_insert_with(Volume::default).no_copy = true,
                "bind-nonrecursive" => {
                    bind.get_or_insert_with(Default::default).non_recursive = Some(true)
                }
                _ => {
                    return Err(fail(format!(
                        "{field:?} is not key=value (only ro, readonly, volume-nocopy and bind-nonrecursive stand alone)"
                    )));
                }
            }
            continue;
        };
        let b = |v: &str| go_bool(&key, v).map_err(fail);
        match key.as_str() {
            "type" => typ = val.to_ascii_lowercase(),
            "source" | "src" => source = val.to_string(),
            "target" | "dst" | "destination" => target = val.to_string(),
            "readonly" | "ro" => read_only = b(val)?,
            "consistency" => {
                consistency = val.to_ascii_lowercase();
                if !["default", "consistent", "cached", "delegated"].contains(&consistency.as_str())
                {
                    return Err(fail(format!(
                        "consistency {val:?}: default, consistent, cached or delegated"
                    )));
                }
            }
            "bind-propagation" => {
                let p: MountBindOptionsPropagationEnum =
                    val.to_ascii_lowercase().parse().map_err(|_| {
                        fail(format!(
                            "bind-propagation {val:?}: private, rprivate, shared, rshared, slave or rslave"
                        ))
                    })?;
                bind.get_or_insert_with(Default::default).propagation =
                    (p != MountBindOptionsPropagationEnum::EMPTY).then_some(p);
            }
            "bind-nonrecursive" => {
                bind.get_or_insert_with(Default::default).non_recursive = b(val)?.then_some(true)
            }
            "bind-recursive" => match val {
                "enabled" => {}
                "disabled" => bind.get_or_insert_with(Default::default).non_recursive = Some(true),
                "writable" => {
                    bind.get_or_insert_with(Default::default)
                        .read_only_non_recursive = Some(true)
                }
                "readonly" => {
                    bind.get_or_insert_with(Default::default)
                        .read_only_force_recursive = Some(true)
                }
                _ => {
                    return Err(fail(format!(
                        "bind-recursive {val:?}: enabled, disabled, writable or readonly"
                    )));
                }
            },
            "volume-subpath" => volume.get_or_insert_with(Volume::default).subpath = val.into(),
            "volume-nocopy" => volume.get_or_insert_with(Volume::default).no_copy = b(val)?,
            "volume-label" => {
                let v = volume.get_or_insert_with(Volume::default);
                set_on_map(&mut v.labels, &key, val).map_err(fail)?;
            }
            "volume-driver" => volume.get_or_insert_with(Volume::default).driver = val.into(),
            "volume-opt" => {
                let v = volume.get_or_insert_with(Volume::default);
                set_on_map(&mut v.options, &key, val).map_err(fail)?;
            }
            "tmpfs-size" => {
                let n = parse_ram_bytes(val)
                    .map_err(|_| fail(format!("tmpfs-size {val:?}: write a size like 64m")))?;
                tmpfs.get_or_insert_with(Default::default).size_bytes = (n != 0).then_some(n);
            }
            "tmpfs-mode" => {
                let mode = u32::from_str_radix(val, 8)
                    .ok()
                    .filter(|_| !val.starts_with('+'));
                let mode = mode.ok_or_else(|| {
                    fail(format!(
                        "tmpfs-mode {val:?}: write octal permissions like 1777"
                    ))
                })?;
                tmpfs.get_or_insert_with(Default::default).mode =
                    (mode != 0).then_some(mode as i64);
            }
            _ => {
                return Err(fail(format!(
                    "unknown option {key:?} (type, src, dst, ro, consistency, bind-*, volume-*, tmpfs-*)"
                )));
            }
        }
    }
    let mount_type = match typ.as_str() {
        "bind" => MountType::BIND,
        "volume" => MountType::VOLUME,
        "tmpfs" => MountType::TMPFS,
        "" => return Err(fail("type is required (bind, volume or tmpfs)".into())),
        _ => return Err(fail(format!("type {typ:?}: bind, volume or tmpfs"))),
    };
    if target.is_empty() {
        return Err(fail(
            "target is required: dst=/path/in/the/container".into(),
        ));
    }
    if !target.starts_with('/') {
        return Err(fail(format!(
            "target {target:?} is not an absolute path in the container"
        )));
    }
    let mixed = |prefix: &str| fail(format!("{prefix}-* options do not go with a {typ} mount"));
    if volume.is_some() && mount_type != MountType::VOLUME {
        return Err(mixed("volume"));
    }
    if bind.is_some() && mount_type != MountType::BIND {
        return Err(mixed("bind"));
    }
    if tmpfs.is_some() && mount_type != MountType::TMPFS {
        return Err(mixed("tmpfs"));
    }
    if let Some(b) = &bind {
        if (b.read_only_non_recursive.is_some() || b.read_only_force_recursive.is_some())
            && !read_only
        {
            return Err(fail(
                "bind-recursive=writable or readonly needs ro as well".into(),
            ));
        }
        if b.read_only_force_recursive.is_some()
            && b.propagation != Some(MountBindOptionsPropagationEnum::RPRIVATE)
        {
            return Err(fail(
                "bind-recursive=readonly needs bind-propagation=rprivate as well".into(),
            ));
        }
    }
    match mount_type {
        MountType::BIND if source.is_empty() => {
            return Err(fail(
                "a bind mount needs a source: src=/path/on/the/node".into(),
            ));
        }
        MountType::BIND if !source.starts_with('/') => {
            return Err(fail(format!(
                "source {source:?} is not an absolute path on the node"
            )));
        }
        MountType::VOLUME if source.starts_with('/') || source.starts_with('.') => {
            return Err(fail(format!(
                "source {source:?} is a path: a volume's source is a volume name (type=bind mounts a path of the node)"
            )));
        }
        MountType::TMPFS if !source.is_empty() => {
            return Err(fail("a tmpfs mount takes no source".into()));
        }
        _ => {}
    }
    let some = |s: String| (!s.is_empty()).then_some(s);
    let map = |m: HashMap<String, String>| (!m.is_empty()).then_some(m);
    Ok(Mount {
        typ: Some(mount_type),
        source: some(source),
        target: some(target),
        read_only: read_only.then_some(true),
        consistency: some(consistency),
        bind_options: bind,
        // the CLI gives every volume mount with an option a driver config, empty or not
        volume_options: volume.map(|v| MountVolumeOptions {
            no_copy: v.no_copy.then_some(true),
            labels: map(v.labels),
            driver_config: Some(MountVolumeOptionsDriverConfig {
                name: some(v.driver),
                options: map(v.options),
            }),
            subpath: some(v.subpath),
        }),
        tmpfs_options: tmpfs,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn mounts(text: &str) -> Value {
        serde_json::to_value(parse_mounts(text).unwrap()).unwrap()
    }

    // Each expectation is the `Mounts` of `docker service inspect` after `docker service
    // create --mount ...` with the same text (docker CLI 28.2.2 and 20.10.24 agree on these),
    // less what the engine adds itself (a bind mount's default propagation, rprivate).
    #[test]
    fn mounts_as_the_cli_sends_them() {
        assert_eq!(
            mounts("type=tmpfs,dst=/t,tmpfs-size=0.3k,tmpfs-mode=1770"),
            json!([{"Type": "tmpfs", "Target": "/t", "TmpfsOptions": {"SizeBytes": 307, "Mode": 1016}}])
        );
        assert_eq!(
            mounts("type=tmpfs,dst=/t,tmpfs-size=1.5G; type=tmpfs,dst=/u,tmpfs-size=10kb"),
            json!([
                {"Type": "tmpfs", "Target": "/t", "TmpfsOptions": {"SizeBytes": 1_610_612_736i64}},
                {"Type": "tmpfs", "Target": "/u", "TmpfsOptions": {"SizeBytes": 10240}}
            ])
        );
        assert_eq!(
            mounts(
                r#"type=volume,src=data,dst=/data,volume-nocopy;type=volume,dst=/v,volume-label=a=b,volume-driver=local,"volume-opt=o=x,y",volume-opt=type=tmpfs"#
            ),
            json!([
                {"Type": "volume", "Source": "data", "Target": "/data",
                 "VolumeOptions": {"NoCopy": true, "DriverConfig": {}}},
                {"Type": "volume", "Target": "/v",
                 "VolumeOptions": {"Labels": {"a": "b"},
                   "DriverConfig": {"Name": "local", "Options": {"o": "x,y", "type": "tmpfs"}}}}
            ])
        );
        assert_eq!(
            mounts(
                "type=bind,src=/tmp,dst=/h,ro,bind-propagation=rslave;src=vol,target=/x,readonly=1,consistency=cached"
            ),
            json!([
                {"Type": "bind", "Source": "/tmp", "Target": "/h", "ReadOnly": true,
                 "BindOptions": {"Propagation": "rslave"}},
                // consistency is sent; the engine keeps it only on Docker Desktop
                {"Type": "volume", "Source": "vol", "Target": "/x", "ReadOnly": true,
                 "Consistency": "cached"}
            ])
        );
        assert_eq!(
            mounts("TYPE=Bind,source=/tmp,destination=/h,bind-nonrecursive"),
            json!([{"Type": "bind", "Source": "/tmp", "Target": "/h",
                    "BindOptions": {"NonRecursive": true}}])
        );
        assert_eq!(
            mounts(
                "type=bind,src=/tmp,dst=/h,ro,bind-recursive=readonly,bind-propagation=rprivate"
            ),
            json!([{"Type": "bind", "Source": "/tmp", "Target": "/h", "ReadOnly": true,
                    "BindOptions": {"Propagation": "rprivate", "ReadOnlyForceRecursive": true}}])
        );
        // an anonymous volume; ro=false is no option at all
        assert_eq!(
            mounts("dst=/cache,ro=false"),
            json!([{"Type": "volume", "Target": "/cache"}])
        );
        assert_eq!(mounts("  ;  "), json!([]));
    }

    #[test]
    fn bad_mounts_say_what_is_wrong() {
        for (text, why) in [
            ("type=bind,dst=/h", "needs a source"),
            (
                "type=bind,src=data,dst=/h",
                "not an absolute path on the node",
            ),
            ("type=volume,src=/srv,dst=/h", "is a path"),
            ("type=tmpfs,src=x,dst=/h", "takes no source"),
            ("src=data", "target is required"),
            ("src=data,dst=data", "not an absolute path in the container"),
            ("type=nfs,dst=/h", "bind, volume or tmpfs"),
            ("type=,dst=/h", "type is required"),
            (
                "type=bind,src=/a,dst=/h,volume-nocopy",
                "volume-* options do not go with a bind",
            ),
            (
                "type=volume,dst=/h,bind-propagation=shared",
                "bind-* options do not go with a volume",
            ),
            (
                "dst=/h,tmpfs-size=1m",
                "tmpfs-* options do not go with a volume",
            ),
            (
                "type=bind,src=/a,dst=/h,bind-propagation=sideways",
                "private, rprivate",
            ),
            (
                "type=bind,src=/a,dst=/h,bind-recursive=writable",
                "needs ro",
            ),
            (
                "type=bind,src=/a,dst=/h,ro,bind-recursive=readonly",
                "rprivate as well",
            ),
            ("type=tmpfs,dst=/h,tmpfs-mode=888", "octal"),
            ("type=tmpfs,dst=/h,tmpfs-size=big", "tmpfs-size"),
            ("dst=/h,ro=maybe", "true or false"),
            ("dst=/h,color=blue", "unknown option \"color\""),
            ("dst=/h,rw", "is not key=value"),
            ("type=bind, src=/a,dst=/h", "spaces around it"),
            ("dst=/h,\"volume-opt=o=x", "not closed"),
            ("dst=/h,volume-label=\"x\"", "a quote inside"),
            ("dst=/h,volume-label==x", "volume-label=NAME=VALUE"),
            ("dst=/a; dst=/a", "two mounts have the target /a"),
            ("type=tmpfs,dst=/h,consistency=fast", "cached"),
        ] {
            let e = parse_mounts(text).unwrap_err();
            assert!(e.contains(why), "{text}: {e}");
            assert!(e.starts_with("mount \""), "names the mount: {e}");
        }
    }
}
