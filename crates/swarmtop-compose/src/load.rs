//! Reading compose files the way `docker stack deploy -c a.yml -c b.yml` does: parse each file
//! (anchors and `<<` merge keys work), interpolate variables, check every key, resolve env files
//! and relative paths against the first file's folder, then merge the files in order. Every
//! error names the file, the line and the column; the text is never changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use yaml_serde::Value;

use super::error::FileError;
use super::files::{EDITOR_LIMIT, ENV_FILE_LIMIT, Files};
use super::interpolate::{Env, interpolate};
use super::locate::{Seg, locate, path_text};
use super::model::*;
use super::scalar::scalar_text;

/// One compose file's text and the name to show in messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// The files merged into one configuration, ready to convert.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: ComposeFile,
    pub warnings: Vec<String>,
    pub sources: Vec<Source>,
    /// Where relative paths (env files, secret files, bind mounts) are resolved: the first
    /// file's folder, as in the CLI.
    pub working_dir: PathBuf,
}

impl Loaded {
    /// An error at `path`, placed in the last file that mentions it (the one whose value won
    /// the merge), or the first file when none does.
    pub fn error_at(&self, path: &[Seg], message: impl Into<String>) -> FileError {
        error_in(&self.sources, path, message.into())
    }
}

/// Places an error in the last of `sources` that contains `path`.
pub fn error_in(sources: &[Source], path: &[Seg], message: String) -> FileError {
    for src in sources.iter().rev() {
        if let Some(p) = locate(&src.text, path)
            // a match of only a prefix in an earlier file is worse than the full path later
            && (sources.len() == 1 || locate_exact(&src.text, path))
        {
            return FileError::new(&src.name, message).at(p.line, p.column);
        }
    }
    for src in sources.iter().rev() {
        if let Some(p) = locate(&src.text, path) {
            return FileError::new(&src.name, message).at(p.line, p.column);
        }
    }
    let name = sources.first().map(|s| s.name.clone()).unwrap_or_default();
    FileError::new(name, message)
}

fn locate_exact(text: &str, path: &[Seg]) -> bool {
    if path.is_empty() {
        return true;
    }
    let full = locate(text, path);
    let parent = locate(text, &path[..path.len() - 1]);
    full.is_some() && (path.len() == 1 || full != parent)
}

/// Keys of a service the CLI accepts but swarm ignores: a warning each.
const UNSUPPORTED: &[&str] = &[
    "build",
    "cgroupns_mode",
    "cgroup_parent",
    "devices",
    "domainname",
    "external_links",
    "ipc",
    "links",
    "mac_address",
    "network_mode",
    "pid",
    "privileged",
    "restart",
    "security_opt",
    "shm_size",
    "userns_mode",
];

const DEPRECATED: &[(&str, &str)] = &[
    (
        "container_name",
        "setting the container name is not supported",
    ),
    (
        "expose",
        "exposing ports is unnecessary: services on the same network reach each other on any port",
    ),
];

/// Keys the CLI refuses outright, with its advice.
const FORBIDDEN: &[(&str, &str)] = &[
    (
        "extends",
        "`extends` is not supported by docker stack deploy",
    ),
    (
        "volume_driver",
        "define a volume in the top-level `volumes` with its driver instead",
    ),
    (
        "volumes_from",
        "define the volume in the top-level `volumes` and use it from each service",
    ),
    ("cpu_quota", "set resource limits under deploy.resources"),
    ("cpu_shares", "set resource limits under deploy.resources"),
    ("cpuset", "set resource limits under deploy.resources"),
    ("mem_limit", "set resource limits under deploy.resources"),
    (
        "memswap_limit",
        "set resource limits under deploy.resources",
    ),
];

/// Reads the files and loads them. `env` is the environment for interpolation.
pub fn load_files(files: &dyn Files, paths: &[PathBuf], env: &Env) -> Result<Loaded, FileError> {
    let Some(first) = paths.first() else {
        return Err(FileError::new(
            "swarmtop",
            "no compose file given (use -c FILE)",
        ));
    };
    let mut sources = Vec::new();
    for p in paths {
        let text = files
            .read_text(p, EDITOR_LIMIT)
            .map_err(|e| FileError::new(p.display().to_string(), e.reason()))?;
        sources.push(Source {
            name: p.display().to_string(),
            text,
        });
    }
    let dir = absolute(first)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    load_sources(files, &sources, &dir, env)
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// Loads texts already in memory (the editor's buffer); relative paths resolve in `dir`, and
/// env files and secret files are read from `files`.
pub fn load_sources(
    files: &dyn Files,
    sources: &[Source],
    dir: &Path,
    env: &Env,
) -> Result<Loaded, FileError> {
    load_with(sources, dir, env, Some(files))
}

/// Checks texts without touching the disk (env files and secret files are not read): what the
/// editor runs on every keystroke.
pub fn check_sources(sources: &[Source], dir: &Path, env: &Env) -> Result<Loaded, FileError> {
    load_with(sources, dir, env, None)
}

/// `io`: where env files and secret files are read, or None to leave them unread.
fn load_with(
    sources: &[Source],
    dir: &Path,
    env: &Env,
    io: Option<&dyn Files>,
) -> Result<Loaded, FileError> {
    let mut warnings = Vec::new();
    let mut files = Vec::new();
    let mut first_version: Option<String> = None;
    for src in sources {
        let (file, version) = parse_one(src, dir, env, &mut warnings, io)?;
        let first = first_version.get_or_insert_with(|| version.clone());
        super::checks::same_versions(first, &version)
            .map_err(|m| error_in(std::slice::from_ref(src), &[Seg::Key("version".into())], m))?;
        files.push(file);
    }
    let mut it = files.into_iter();
    let mut merged = it.next().unwrap_or_default();
    for f in it {
        merge_file(&mut merged, f);
    }
    let loaded = Loaded {
        config: merged,
        warnings,
        sources: sources.to_vec(),
        working_dir: dir.to_path_buf(),
    };
    validate(&loaded, io)?;
    Ok(loaded)
}

fn parse_one(
    src: &Source,
    dir: &Path,
    env: &Env,
    warnings: &mut Vec<String>,
    io: Option<&dyn Files>,
) -> Result<(ComposeFile, String), FileError> {
    let here = |path: &[Seg], msg: String| error_in(std::slice::from_ref(src), path, msg);
    let mut root: Value = yaml_serde::from_str(&src.text).map_err(|e| yaml_error(src, &e))?;
    if root.is_null() {
        return Err(FileError::new(
            &src.name,
            "the file is empty: a stack needs at least `services:`",
        ));
    }
    root.apply_merge()
        .map_err(|e| FileError::new(&src.name, format!("cannot apply a `<<` merge key: {e}")))?;
    let Value::Mapping(top) = &mut root else {
        return Err(FileError::new(
            &src.name,
            "the top level must be a mapping (services:, networks:, ...)",
        )
        .at(1, 1));
    };
    // extension fields (x-...) may hold anything, at the levels the format allows them
    strip_extensions(top);
    for section in ["services", "networks", "volumes", "secrets", "configs"] {
        match top.get_mut(section) {
            Some(v @ Value::Null) => *v = Value::Mapping(Default::default()),
            Some(Value::Mapping(m)) => {
                for (_, item) in m.iter_mut() {
                    if item.is_null() && section != "services" {
                        *item = Value::Mapping(Default::default());
                    }
                    if let Value::Mapping(im) = item {
                        strip_extensions(im);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(Value::Mapping(services)) = top.get("services") {
        for (name, svc) in services {
            let name = scalar_text(name);
            let Value::Mapping(svc) = svc else { continue };
            for (key, why) in FORBIDDEN {
                if svc.contains_key(*key) {
                    let path = [
                        Seg::Key("services".into()),
                        Seg::Key(name.clone()),
                        Seg::Key(key.to_string()),
                    ];
                    return Err(here(
                        &path,
                        format!("`{key}` is not allowed in a stack: {why}"),
                    ));
                }
            }
            for key in UNSUPPORTED {
                if svc.contains_key(*key) {
                    warnings.push(format!(
                        "{}: service {name}: `{key}` is ignored by swarm",
                        src.name
                    ));
                }
            }
            for (key, why) in DEPRECATED {
                if svc.contains_key(*key) {
                    warnings.push(format!(
                        "{}: service {name}: `{key}` is ignored: {why}",
                        src.name
                    ));
                }
            }
        }
    }
    let version = super::checks::file_version(&root);
    let raw = root.clone();
    interpolate(&mut root, env).map_err(|(path, msg)| here(&path, msg))?;
    super::checks::unique_items(&root).map_err(|(path, msg)| here(&path, msg))?;
    super::checks::external_network_names(&raw, &root, env)
        .map_err(|(path, msg)| here(&path, msg))?;
    let file: ComposeFile = serde_path_to_error::deserialize(root).map_err(|e| {
        let path = serde_path(e.path());
        let msg = serde_words(&e.inner().to_string(), &path);
        here(&path, msg)
    })?;
    if let Some(v) = &file.version {
        let v = v.text();
        if !(v == "3" || v.starts_with("3.")) {
            return Err(here(
                &[Seg::Key("version".into())],
                format!(
                    "unsupported compose file version {v:?}: docker stack deploy reads version 3 files"
                ),
            ));
        }
    }
    Ok((normalize(file, src, dir, env, io)?, version))
}

fn strip_extensions(m: &mut yaml_serde::Mapping) {
    m.retain(|k, _| !matches!(k, Value::String(s) if s.starts_with("x-")));
}

fn serde_path(p: &serde_path_to_error::Path) -> Vec<Seg> {
    use serde_path_to_error::Segment;
    p.iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(Seg::Index(*index)),
            Segment::Map { key } => Some(Seg::Key(key.clone())),
            Segment::Enum { variant } => Some(Seg::Key(variant.clone())),
            Segment::Unknown => None,
        })
        .collect()
}

/// serde's messages, in the words of a compose file.
fn serde_words(msg: &str, path: &[Seg]) -> String {
    let at = path_text(path);
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("");
        let parent = path_text(&path[..path.len().saturating_sub(1)]);
        let expected = rest
            .split_once(", expected ")
            .map(|(_, e)| {
                format!(
                    " (known keys: {})",
                    e.replace("one of ", "").replace('`', "")
                )
            })
            .unwrap_or_default();
        let parent = if parent.is_empty() {
            "the top level".to_string()
        } else {
            parent
        };
        return format!("unknown key `{key}` in {parent}{expected}");
    }
    if let Some(field) = msg.strip_prefix("missing field `") {
        let field = field.trim_end_matches('`');
        return format!("{at}: `{field}` is required");
    }
    let msg = msg
        .replace("invalid type: ", "")
        .replace(", expected", ": expected");
    format!("{at}: {msg}")
}

/// A YAML error at its place. A duplicate key is placed by the parser at the mapping holding
/// it (line 1 for the top level): the second occurrence is shown, which is what to fix.
fn yaml_error(src: &Source, e: &yaml_serde::Error) -> FileError {
    let text = e.to_string();
    let msg = yaml_words(&text);
    let Some(l) = e.location() else {
        return FileError::new(&src.name, msg);
    };
    match super::locate::duplicate_key(&src.text, &text, l.line(), l.column()) {
        Some((key, line)) => {
            let col = src
                .text
                .lines()
                .nth(line.saturating_sub(1))
                .and_then(|t| t.find(key.as_str()))
                .map_or(1, |c| c + 1);
            FileError::new(&src.name, format!("{msg} (given again here)")).at(line, col)
        }
        None => FileError::new(&src.name, msg).at(l.line(), l.column()),
    }
}

/// yaml_serde's messages without their repeated position.
fn yaml_words(msg: &str) -> String {
    let base = msg.split(" at line ").next().unwrap_or(msg).to_string();
    format!("invalid YAML: {base}")
}

/// Rewrites the file to one canonical form: env files read into `environment`, relative
/// paths made absolute, external names filled in.
fn normalize(
    mut f: ComposeFile,
    src: &Source,
    dir: &Path,
    env: &Env,
    io: Option<&dyn Files>,
) -> Result<ComposeFile, FileError> {
    let here = |path: &[Seg], msg: String| error_in(std::slice::from_ref(src), path, msg);
    for (name, svc) in f.services.iter_mut() {
        let sp = |rest: &[Seg]| {
            let mut p = vec![Seg::Key("services".into()), Seg::Key(name.clone())];
            p.extend_from_slice(rest);
            p
        };
        // environment: env files first, then `environment`, a bare or empty value taken from
        // the environment of the deploy, as the CLI does
        let mut environment: BTreeMap<String, Option<Scalar>> = BTreeMap::new();
        let mut update = |vars: BTreeMap<String, Option<String>>| {
            for (k, v) in vars {
                let val = match (&v, env.get(&k)) {
                    (None, Some(e)) => Some(e.clone()),
                    (Some(s), Some(e)) if s.is_empty() => Some(e.clone()),
                    _ => v,
                };
                environment.insert(k, val.map(Scalar::Str));
            }
        };
        // taken even when not read: the loaded file has env files only as `environment`
        let env_files = svc.env_file.take();
        if let Some(disk) = io
            && let Some(files) = env_files
        {
            for (i, file) in files.as_list().iter().enumerate() {
                let path = resolve_path(dir, file, env);
                let seg = match &files {
                    StringOrList::One(_) => sp(&[Seg::Key("env_file".into())]),
                    StringOrList::List(_) => sp(&[Seg::Key("env_file".into()), Seg::Index(i)]),
                };
                // bounded, and never waiting on a FIFO: this runs while the editor waits
                let text = disk.read_text(&path, ENV_FILE_LIMIT).map_err(|e| {
                    here(&seg, format!("env file {}: {}", path.display(), e.reason()))
                })?;
                let vars = parse_env_file(&text, env).map_err(|(line, msg)| {
                    FileError::new(path.display().to_string(), msg).at(line, 1)
                })?;
                update(vars);
            }
        }
        if let Some(e) = &svc.environment {
            update(e.to_map('=', true));
        }
        svc.environment = if environment.is_empty() && svc.environment.is_none() {
            None
        } else {
            Some(ListOrDict::Dict(environment))
        };
        if let Some(vols) = &mut svc.volumes {
            for (i, v) in vols.iter_mut().enumerate() {
                let mut long = match v {
                    VolumeEntry::Short(s) => {
                        let p = super::values::parse_volume_spec(s).map_err(|e| {
                            here(&sp(&[Seg::Key("volumes".into()), Seg::Index(i)]), e)
                        })?;
                        VolumeLong {
                            kind: p.kind,
                            source: (!p.source.is_empty()).then_some(p.source),
                            target: Some(p.target),
                            read_only: p.read_only.then_some(true),
                            bind: p.propagation.map(|pr| BindOptions {
                                propagation: Some(pr),
                            }),
                            volume: p.nocopy.then_some(VolumeOptions { nocopy: Some(true) }),
                            ..Default::default()
                        }
                    }
                    VolumeEntry::Long(l) => l.clone(),
                };
                if long.kind == "bind" {
                    let Some(s) = long.source.as_deref().filter(|s| !s.is_empty()) else {
                        return Err(here(
                            &sp(&[Seg::Key("volumes".into()), Seg::Index(i)]),
                            "a bind mount needs a source path".into(),
                        ));
                    };
                    long.source = Some(super::paths::bind_source(dir, s, env));
                }
                *v = VolumeEntry::Long(long);
            }
        }
        if let Some(ports) = &mut svc.ports {
            let mut out = Vec::new();
            for (i, p) in ports.iter().enumerate() {
                match p {
                    PortEntry::Number(n) => {
                        out.extend(short_ports(&n.to_string()).map_err(|e| {
                            here(&sp(&[Seg::Key("ports".into()), Seg::Index(i)]), e)
                        })?)
                    }
                    PortEntry::Short(s) => {
                        out.extend(short_ports(s).map_err(|e| {
                            here(&sp(&[Seg::Key("ports".into()), Seg::Index(i)]), e)
                        })?)
                    }
                    PortEntry::Long(l) => out.push(PortEntry::Long(l.clone())),
                }
            }
            *ports = out;
        }
        if let Some(c) = &mut svc.command {
            *c = shell_words(c).map_err(|e| here(&sp(&[Seg::Key("command".into())]), e))?;
        }
        if let Some(c) = &mut svc.entrypoint {
            *c = shell_words(c).map_err(|e| here(&sp(&[Seg::Key("entrypoint".into())]), e))?;
        }
        if let Some(n) = &svc.networks {
            svc.networks = Some(ServiceNetworks::Map(n.to_map()));
        }
        for refs in [&mut svc.secrets, &mut svc.configs].into_iter().flatten() {
            for r in refs.iter_mut() {
                *r = FileRef::Long(r.long());
            }
        }
    }
    for (kind, objs) in [("secrets", &mut f.secrets), ("configs", &mut f.configs)] {
        let singular = &kind[..kind.len() - 1];
        for (name, o) in objs.iter_mut() {
            let path = [Seg::Key(kind.into()), Seg::Key(name.clone())];
            if External::is_external(&o.external) {
                if let Some(External::Named { name: Some(ext) }) = &o.external {
                    if o.name.is_some() {
                        return Err(here(
                            &path,
                            format!(
                                "{singular} {name}: external.name and name conflict; use only name"
                            ),
                        ));
                    }
                    o.name = Some(ext.clone());
                }
                o.external = Some(External::Flag(true));
                if o.name.is_none() {
                    o.name = Some(name.clone());
                }
            } else if o.driver.is_some() {
                if o.file.is_some() {
                    return Err(here(
                        &path,
                        format!("{singular} {name}: driver and file conflict; use only driver"),
                    ));
                }
            } else {
                let Some(file) = &o.file else {
                    return Err(here(
                        &path,
                        format!("{singular} {name} needs `file:` (or `external: true`)"),
                    ));
                };
                o.file = Some(resolve_path(dir, file, env).display().to_string());
            }
        }
    }
    for (name, n) in f.networks.iter_mut() {
        let path = [Seg::Key("networks".into()), Seg::Key(name.clone())];
        external_name(&mut n.external, &mut n.name, name).map_err(|m| here(&path, m))?;
    }
    for (name, v) in f.volumes.iter_mut() {
        let path = [Seg::Key("volumes".into()), Seg::Key(name.clone())];
        if External::is_external(&v.external) {
            for (set, key) in [
                (v.driver.is_some(), "driver"),
                (v.driver_opts.is_some(), "driver_opts"),
                (v.labels.as_ref().is_some_and(|l| !l.is_empty()), "labels"),
            ] {
                if set {
                    return Err(here(
                        &path,
                        format!("volume {name}: `external` and `{key}` cannot be used together"),
                    ));
                }
            }
        }
        external_name(&mut v.external, &mut v.name, name).map_err(|m| here(&path, m))?;
    }
    Ok(f)
}

/// `external: {name: x}` (old) becomes `name: x` + `external: true`; an external object
/// without a name is named by its key.
fn external_name(
    ext: &mut Option<External>,
    name: &mut Option<String>,
    key: &str,
) -> Result<(), String> {
    if !External::is_external(ext) {
        return Ok(());
    }
    if let Some(External::Named { name: Some(n) }) = ext {
        if name.is_some() {
            return Err(format!(
                "{key}: external.name and name conflict; use only name"
            ));
        }
        *name = Some(n.clone());
    }
    *ext = Some(External::Flag(true));
    if name.is_none() {
        *name = Some(key.to_string());
    }
    Ok(())
}

fn short_ports(s: &str) -> Result<Vec<PortEntry>, String> {
    Ok(super::values::parse_port_spec(s)?
        .into_iter()
        .map(|p| {
            PortEntry::Long(PortLong {
                mode: Some(p.mode),
                target: Some(Int(p.target as i64)),
                published: (p.published != 0).then_some(Int(p.published as i64)),
                protocol: Some(p.protocol),
            })
        })
        .collect())
}

fn shell_words(c: &StringOrList) -> Result<StringOrList, String> {
    match c {
        StringOrList::One(s) => Ok(StringOrList::List(super::values::shell_split(s)?)),
        l => Ok(l.clone()),
    }
}

/// Files read on this machine (env files, secret and config files): `~` and relative paths.
/// Bind sources go into the spec and follow the CLI exactly: see [`super::paths`].
pub fn resolve_path(dir: &Path, p: &str, env: &Env) -> PathBuf {
    let expanded = match (p.strip_prefix('~'), env.get("HOME")) {
        (Some(rest), Some(home)) => format!("{home}{rest}"),
        _ => p.to_string(),
    };
    let pb = PathBuf::from(&expanded);
    if pb.is_absolute() { pb } else { dir.join(pb) }
}

/// An env file: `KEY=VALUE` lines, `#` comments, a bare `KEY` takes its value from the
/// environment (and is left out when unset). Values are taken as they are: no quotes removed.
pub fn parse_env_file(
    text: &str,
    env: &Env,
) -> Result<BTreeMap<String, Option<String>>, (usize, String)> {
    let mut out = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = if i == 0 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        };
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (line, None),
        };
        if key.is_empty() {
            return Err((i + 1, format!("no variable name on line {:?}", line)));
        }
        if key.contains([' ', '\t']) {
            return Err((i + 1, format!("variable {key:?} contains whitespace")));
        }
        match value {
            Some(v) => {
                out.insert(key.to_string(), Some(v.to_string()));
            }
            None => {
                if let Some(v) = env.get(key) {
                    out.insert(key.to_string(), Some(v.clone()));
                }
            }
        }
    }
    Ok(out)
}

// ---- merge: later files override earlier ones, like `-c a.yml -c b.yml` ----

fn merge_opt<T>(base: &mut Option<T>, over: Option<T>) {
    if over.is_some() {
        *base = over;
    }
}

fn merge_list<T>(base: &mut Option<Vec<T>>, over: Option<Vec<T>>) {
    match (base.as_mut(), over) {
        (Some(b), Some(o)) => b.extend(o),
        (None, Some(o)) => *base = Some(o),
        _ => {}
    }
}

fn merge_dict(base: &mut Option<ListOrDict>, over: Option<ListOrDict>) {
    let Some(o) = over else { return };
    let mut m = base
        .as_ref()
        .map(|b| b.to_map('=', true))
        .unwrap_or_default();
    m.extend(o.to_map('=', true));
    *base = Some(ListOrDict::Dict(
        m.into_iter()
            .map(|(k, v)| (k, v.map(Scalar::Str)))
            .collect(),
    ));
}

/// Lists the CLI merges as maps keyed by one field, then sorts by that key.
fn merge_keyed<T: Clone, K: Ord>(
    base: &mut Option<Vec<T>>,
    over: Option<Vec<T>>,
    key: impl Fn(&T) -> K,
) {
    let Some(b) = base.as_ref() else {
        *base = over;
        return;
    };
    let mut m: BTreeMap<K, T> = BTreeMap::new();
    for item in b.iter().cloned().chain(over.into_iter().flatten()) {
        m.insert(key(&item), item);
    }
    *base = Some(m.into_values().collect());
}

fn merge_service(b: &mut Service, o: Service) {
    merge_opt(&mut b.image, o.image);
    merge_opt(
        &mut b.command,
        o.command.filter(|c| !c.as_list().is_empty()),
    );
    merge_opt(
        &mut b.entrypoint,
        o.entrypoint.filter(|c| !c.as_list().is_empty()),
    );
    merge_dict(&mut b.environment, o.environment);
    merge_dict(&mut b.labels, o.labels);
    merge_dict(&mut b.sysctls, o.sysctls);
    merge_keyed(&mut b.ports, o.ports, |p| match p {
        PortEntry::Long(l) => l.published.map(|i| i.0).unwrap_or(0),
        _ => 0,
    });
    merge_keyed(&mut b.volumes, o.volumes, |v| match v {
        VolumeEntry::Long(l) => l.target.clone().unwrap_or_default(),
        VolumeEntry::Short(s) => s.clone(),
    });
    merge_keyed(&mut b.secrets, o.secrets, |r| r.long().source);
    merge_keyed(&mut b.configs, o.configs, |r| r.long().source);
    match (&mut b.networks, o.networks) {
        (Some(bn), Some(on)) => {
            let mut m = bn.to_map();
            for (k, v) in on.to_map() {
                match (m.get_mut(&k), v) {
                    (Some(Some(cur)), Some(new)) => {
                        cur.aliases = new.aliases;
                        merge_opt(&mut cur.ipv4_address, new.ipv4_address);
                        merge_opt(&mut cur.ipv6_address, new.ipv6_address);
                    }
                    (Some(cur), new) if new.is_some() => *cur = new,
                    (None, new) => {
                        m.insert(k, new);
                    }
                    _ => {}
                }
            }
            *bn = ServiceNetworks::Map(m);
        }
        (None, Some(on)) => b.networks = Some(on),
        _ => {}
    }
    match (&mut b.deploy, o.deploy) {
        (Some(bd), Some(od)) => merge_deploy(bd, od),
        (None, Some(od)) => b.deploy = Some(od),
        _ => {}
    }
    match (&mut b.healthcheck, o.healthcheck) {
        (Some(bh), Some(oh)) => {
            merge_opt(&mut bh.test, oh.test);
            merge_opt(&mut bh.interval, oh.interval);
            merge_opt(&mut bh.timeout, oh.timeout);
            merge_opt(&mut bh.retries, oh.retries);
            merge_opt(&mut bh.start_period, oh.start_period);
            merge_opt(&mut bh.start_interval, oh.start_interval);
            merge_opt(&mut bh.disable, oh.disable);
        }
        (None, Some(oh)) => b.healthcheck = Some(oh),
        _ => {}
    }
    match (&mut b.logging, o.logging) {
        (Some(bl), Some(ol)) => {
            let same = bl.driver.is_none() || ol.driver.is_none() || bl.driver == ol.driver;
            if same {
                if bl.driver.is_none() {
                    bl.driver = ol.driver;
                }
                let mut opts = bl.options.take().unwrap_or_default();
                opts.extend(ol.options.unwrap_or_default());
                bl.options = Some(opts);
            } else {
                *bl = ol;
            }
        }
        (None, Some(ol)) => b.logging = Some(ol),
        _ => {}
    }
    match (&mut b.ulimits, o.ulimits) {
        (Some(bu), Some(ou)) => bu.extend(ou),
        (None, Some(ou)) => b.ulimits = Some(ou),
        _ => {}
    }
    merge_opt(&mut b.stop_grace_period, o.stop_grace_period);
    merge_opt(&mut b.stop_signal, o.stop_signal);
    merge_opt(&mut b.hostname, o.hostname);
    merge_opt(&mut b.user, o.user);
    merge_opt(&mut b.working_dir, o.working_dir);
    merge_dict(&mut b.extra_hosts, o.extra_hosts);
    match (&mut b.dns, o.dns) {
        (Some(bd), Some(od)) => *bd = StringOrList::List([bd.as_list(), od.as_list()].concat()),
        (None, Some(od)) => b.dns = Some(od),
        _ => {}
    }
    match (&mut b.dns_search, o.dns_search) {
        (Some(bd), Some(od)) => *bd = StringOrList::List([bd.as_list(), od.as_list()].concat()),
        (None, Some(od)) => b.dns_search = Some(od),
        _ => {}
    }
    merge_list(&mut b.cap_add, o.cap_add);
    merge_list(&mut b.cap_drop, o.cap_drop);
    merge_opt(&mut b.init, o.init);
    merge_opt(&mut b.tty, o.tty);
    merge_opt(&mut b.stdin_open, o.stdin_open);
    merge_opt(&mut b.read_only, o.read_only);
    merge_opt(&mut b.isolation, o.isolation);
    merge_opt(&mut b.oom_score_adj, o.oom_score_adj);
    merge_opt(&mut b.credential_spec, o.credential_spec);
    merge_opt(&mut b.restart, o.restart);
    merge_opt(&mut b.build, o.build);
    merge_opt(&mut b.container_name, o.container_name);
    merge_list(&mut b.expose, o.expose);
    merge_list(&mut b.depends_on, o.depends_on);
    merge_opt(&mut b.privileged, o.privileged);
}

fn merge_deploy(b: &mut Deploy, o: Deploy) {
    merge_opt(&mut b.mode, o.mode);
    merge_opt(&mut b.replicas, o.replicas);
    merge_dict(&mut b.labels, o.labels);
    merge_update(&mut b.update_config, o.update_config);
    merge_update(&mut b.rollback_config, o.rollback_config);
    match (&mut b.resources, o.resources) {
        (Some(br), Some(or)) => {
            match (&mut br.limits, or.limits) {
                (Some(bl), Some(ol)) => {
                    merge_opt(&mut bl.cpus, ol.cpus);
                    merge_opt(&mut bl.memory, ol.memory);
                    merge_opt(&mut bl.pids, ol.pids);
                }
                (None, Some(ol)) => br.limits = Some(ol),
                _ => {}
            }
            match (&mut br.reservations, or.reservations) {
                (Some(bv), Some(ov)) => {
                    merge_opt(&mut bv.cpus, ov.cpus);
                    merge_opt(&mut bv.memory, ov.memory);
                    merge_list(&mut bv.generic_resources, ov.generic_resources);
                }
                (None, Some(ov)) => br.reservations = Some(ov),
                _ => {}
            }
        }
        (None, Some(or)) => b.resources = Some(or),
        _ => {}
    }
    match (&mut b.restart_policy, o.restart_policy) {
        (Some(br), Some(or)) => {
            merge_opt(&mut br.condition, or.condition);
            merge_opt(&mut br.delay, or.delay);
            merge_opt(&mut br.max_attempts, or.max_attempts);
            merge_opt(&mut br.window, or.window);
        }
        (None, Some(or)) => b.restart_policy = Some(or),
        _ => {}
    }
    match (&mut b.placement, o.placement) {
        (Some(bp), Some(op)) => {
            merge_list(&mut bp.constraints, op.constraints);
            merge_list(&mut bp.preferences, op.preferences);
            merge_opt(&mut bp.max_replicas_per_node, op.max_replicas_per_node);
        }
        (None, Some(op)) => b.placement = Some(op),
        _ => {}
    }
    merge_opt(&mut b.endpoint_mode, o.endpoint_mode);
}

fn merge_update(b: &mut Option<UpdateConfig>, o: Option<UpdateConfig>) {
    match (b.as_mut(), o) {
        (Some(bu), Some(ou)) => {
            merge_opt(&mut bu.parallelism, ou.parallelism);
            merge_opt(&mut bu.delay, ou.delay);
            merge_opt(&mut bu.failure_action, ou.failure_action);
            merge_opt(&mut bu.monitor, ou.monitor);
            merge_opt(&mut bu.max_failure_ratio, ou.max_failure_ratio);
            merge_opt(&mut bu.order, ou.order);
        }
        (None, Some(ou)) => *b = Some(ou),
        _ => {}
    }
}

fn merge_file(base: &mut ComposeFile, over: ComposeFile) {
    for (name, svc) in over.services {
        match base.services.get_mut(&name) {
            Some(b) => merge_service(b, svc),
            None => {
                base.services.insert(name, svc);
            }
        }
    }
    base.networks.extend(over.networks);
    base.volumes.extend(over.volumes);
    base.secrets.extend(over.secrets);
    base.configs.extend(over.configs);
}

/// Checks that need the merged configuration: every service has an image that parses, and
/// every network, secret, config and volume a service uses is defined.
fn validate(l: &Loaded, io: Option<&dyn Files>) -> Result<(), FileError> {
    let c = &l.config;
    if c.services.is_empty() {
        return Err(l.error_at(&[Seg::Key("services".into())], "the stack has no services"));
    }
    for (name, s) in &c.services {
        let sp = |rest: &[Seg]| {
            let mut p = vec![Seg::Key("services".into()), Seg::Key(name.clone())];
            p.extend_from_slice(rest);
            p
        };
        match &s.image {
            None => return Err(l.error_at(&sp(&[]), format!("service {name} has no image"))),
            Some(img) => super::values::check_image_ref(img).map_err(|e| {
                l.error_at(
                    &sp(&[Seg::Key("image".into())]),
                    format!("service {name}: {e}"),
                )
            })?,
        }
        if let Some(ServiceNetworks::Map(m)) = &s.networks {
            for net in m.keys() {
                if net != "default" && !c.networks.contains_key(net) {
                    return Err(l.error_at(
                        &sp(&[Seg::Key("networks".into()), Seg::Key(net.clone())]),
                        format!("service {name} uses network {net:?}, which is not defined under the top-level `networks`"),
                    ));
                }
            }
        }
        for (kind, refs, defined) in [
            ("secret", &s.secrets, &c.secrets),
            ("config", &s.configs, &c.configs),
        ] {
            for (i, r) in refs.iter().flatten().enumerate() {
                let src = r.long().source;
                if !defined.contains_key(&src) {
                    return Err(l.error_at(
                        &sp(&[Seg::Key(format!("{kind}s")), Seg::Index(i)]),
                        format!("service {name} uses {kind} {src:?}, which is not defined under the top-level `{kind}s`"),
                    ));
                }
            }
        }
        for (i, v) in s.volumes.iter().flatten().enumerate() {
            if let VolumeEntry::Long(v) = v
                && (v.kind == "volume" || v.kind.is_empty())
                && let Some(src) = v.source.as_deref().filter(|s| !s.is_empty())
                && !c.volumes.contains_key(src)
            {
                return Err(l.error_at(
                    &sp(&[Seg::Key("volumes".into()), Seg::Index(i)]),
                    format!("service {name} uses volume {src:?}, which is not defined under the top-level `volumes`"),
                ));
            }
        }
    }
    let Some(disk) = io else {
        return Ok(());
    };
    // secret and config files must exist before anything is created
    for (kind, objs) in [("secrets", &c.secrets), ("configs", &c.configs)] {
        for (name, o) in objs {
            if External::is_external(&o.external) || o.driver.is_some() {
                continue;
            }
            if let Some(f) = &o.file
                && let Err(e) = disk.exists(Path::new(f))
            {
                return Err(l.error_at(
                    &[
                        Seg::Key(kind.into()),
                        Seg::Key(name.clone()),
                        Seg::Key("file".into()),
                    ],
                    format!(
                        "{} {name}: file {f}: {}",
                        &kind[..kind.len() - 1],
                        e.reason()
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::MemFiles;

    fn src(name: &str, text: &str) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    fn load(text: &str) -> Result<Loaded, FileError> {
        load_sources(
            &MemFiles::new(),
            &[src("stack.yml", text)],
            Path::new("/srv"),
            &Env::new(),
        )
    }

    #[test]
    fn unknown_key_names_file_line_and_column() {
        let e = load("services:\n  web:\n    image: busybox\n    imagee: x\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(5)), "{e}");
        assert!(
            e.to_string()
                .starts_with("stack.yml:4:5: unknown key `imagee` in services.web"),
            "{e}"
        );
        let e = load("services:\n  web:\n    image: busybox\n    deploy:\n      replica: 2\n")
            .unwrap_err();
        assert_eq!((e.line, e.column), (Some(5), Some(7)), "{e}");
        let e = load("services:\n  web:\n    image: a\nfoo: 1\n").unwrap_err();
        assert!(
            e.to_string().contains("unknown key `foo` in the top level"),
            "{e}"
        );
    }

    #[test]
    fn yaml_syntax_errors_have_a_place() {
        let e = load("services:\n  web:\n    image: [busybox\n").unwrap_err();
        assert_eq!(e.file, "stack.yml");
        assert!(
            e.line.is_some() && e.message.starts_with("invalid YAML"),
            "{e}"
        );
    }

    #[test]
    fn a_duplicate_key_is_placed_at_its_second_occurrence() {
        let e = load("services:\n  web:\n    image: a\n    ports: []\n    image: b\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(5), Some(5)), "{e}");
        assert!(
            e.message.contains("duplicate entry with key \"image\""),
            "{e}"
        );
        // at the top level the parser says line 1
        let e =
            load("services:\n  a:\n    image: x\nnetworks: {}\nservices:\n  b:\n    image: y\n")
                .unwrap_err();
        assert_eq!((e.line, e.column), (Some(5), Some(1)), "{e}");
    }

    #[test]
    fn wrong_types_are_placed() {
        let e = load("services:\n  web:\n    image: a\n    deploy:\n      replicas: many\n")
            .unwrap_err();
        assert_eq!((e.line, e.column), (Some(5), Some(7)), "{e}");
        assert!(e.message.contains("services.web.deploy.replicas"), "{e}");
    }

    #[test]
    fn anchors_and_merge_keys() {
        let l = load(
            "x-common: &common\n  image: busybox\n  environment:\n    A: 1\nservices:\n  a:\n    <<: *common\n  b:\n    <<: *common\n    image: other\n",
        )
        .unwrap();
        assert_eq!(l.config.services["a"].image.as_deref(), Some("busybox"));
        assert_eq!(l.config.services["b"].image.as_deref(), Some("other"));
        let env = l.config.services["b"]
            .environment
            .as_ref()
            .unwrap()
            .to_map('=', true);
        assert_eq!(env["A"], Some("1".into()));
    }

    #[test]
    fn ignored_keys_warn_and_forbidden_keys_fail() {
        let l = load("services:\n  web:\n    image: a\n    build: .\n    restart: always\n    container_name: x\n").unwrap();
        assert_eq!(l.warnings.len(), 3, "{:?}", l.warnings);
        assert!(l.warnings.iter().any(|w| w.contains("`build` is ignored")));
        let e = load("services:\n  web:\n    image: a\n    mem_limit: 1g\n").unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("deploy.resources"), "{e}");
    }

    #[test]
    fn missing_image_and_bad_image() {
        let e = load("services:\n  web:\n    command: sleep 1\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (Some(2), "service web has no image")
        );
        let e = load("services:\n  web:\n    image: Busy:Box\n").unwrap_err();
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn undefined_references() {
        let e = load("services:\n  web:\n    image: a\n    networks: [front]\n").unwrap_err();
        assert!(e.message.contains("network \"front\""), "{e}");
        assert_eq!(e.line, Some(4));
        let e = load("services:\n  web:\n    image: a\n    secrets:\n      - db\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(5), Some(9)), "{e}");
    }

    #[test]
    fn required_variable_is_an_error_at_its_place() {
        let e = load_sources(
            &MemFiles::new(),
            &[src(
                "s.yml",
                "services:\n  web:\n    image: busybox:${TAG:?give a tag}\n",
            )],
            Path::new("/"),
            &Env::new(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.yml:3:5: required variable TAG is not set: give a tag"
        );
    }

    #[test]
    fn environment_forms_and_lookups() {
        let env: Env = [("FROM_ENV".to_string(), "e".to_string())]
            .into_iter()
            .collect();
        let l = load_sources(&MemFiles::new(),
            &[src(
                "s.yml",
                "services:\n  a:\n    image: x\n    environment: [A=1, FROM_ENV, UNSET, EMPTY=]\n  b:\n    image: x\n    environment:\n      N: 1.0\n      T: true\n      Z: null\n",
            )],
            Path::new("/"),
            &env,
        )
        .unwrap();
        let a = l.config.services["a"]
            .environment
            .as_ref()
            .unwrap()
            .to_map('=', true);
        assert_eq!(a["A"], Some("1".into()));
        assert_eq!(a["FROM_ENV"], Some("e".into()));
        assert_eq!(a["UNSET"], None);
        assert_eq!(a["EMPTY"], Some("".into()));
        let b = l.config.services["b"]
            .environment
            .as_ref()
            .unwrap()
            .to_map('=', true);
        assert_eq!(b["N"], Some("1".into()));
        assert_eq!(b["T"], Some("true".into()));
        assert_eq!(b["Z"], None);
    }

    #[test]
    fn env_files_and_relative_paths() {
        let dir = Path::new("/stack");
        let files = MemFiles::new()
            .with(dir.join("app.env"), "# c\nA=from file\nB=2\n")
            .with(dir.join("s.txt"), "x");
        let l = load_sources(&files,
            &[src(
                "s.yml",
                "services:\n  a:\n    image: x\n    env_file: app.env\n    environment: {B: 3}\n    volumes: [./data:/data]\n    secrets: [s]\nsecrets:\n  s:\n    file: s.txt\n",
            )],
            dir,
            &Env::new(),
        )
        .unwrap();
        let a = &l.config.services["a"];
        let env = a.environment.as_ref().unwrap().to_map('=', true);
        assert_eq!(env["A"], Some("from file".into()));
        assert_eq!(env["B"], Some("3".into()));
        let Some(VolumeEntry::Long(v)) = a.volumes.as_ref().and_then(|v| v.first()) else {
            panic!()
        };
        assert_eq!(
            v.source.as_deref(),
            Some(dir.join("data").to_str().unwrap())
        );
        assert_eq!(
            l.config.secrets["s"].file.as_deref(),
            Some(dir.join("s.txt").to_str().unwrap())
        );
    }

    #[test]
    fn bind_sources_are_resolved_and_cleaned_like_the_cli() {
        let env = Env::from([("HOME".to_string(), "/home/ops".to_string())]);
        let l = load_sources(&MemFiles::new(),
            &[src(
                "s.yml",
                "services:\n  a:\n    image: x\n    volumes:\n      - ./alertmanager/:/etc/am\n      - {type: bind, source: ../conf/./x, target: /x}\n      - ~/.cache:/c\n      - /srv/./abs/:/abs\n",
            )],
            Path::new("/srv/app"),
            &env,
        )
        .unwrap();
        let sources: Vec<String> = l.config.services["a"]
            .volumes
            .iter()
            .flatten()
            .filter_map(|v| match v {
                VolumeEntry::Long(l) => l.source.clone(),
                VolumeEntry::Short(_) => None,
            })
            .collect();
        assert_eq!(
            sources,
            [
                "/srv/app/alertmanager",
                "/srv/conf/x",
                "/home/ops/.cache",
                "/srv/./abs/"
            ]
        );
    }

    #[test]
    fn checks_docker_makes_are_placed() {
        // two -c files with different versions
        let e = load_sources(
            &MemFiles::new(),
            &[
                src("a.yml", "version: '3.7'\nservices:\n  web:\n    image: x\n"),
                src("b.yml", "version: '3.3'\nservices:\n  web:\n    image: y\n"),
            ],
            Path::new("/"),
            &Env::new(),
        )
        .unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("b.yml", Some(1)), "{e}");
        assert!(
            e.message
                .contains("version mismatched between two composefiles : 3.7 and 3.3"),
            "{e}"
        );
        // duplicate items, at the second one
        for (text, line) in [
            (
                "services:\n  web:\n    image: x\n    extra_hosts:\n      - 'db:10.0.0.2'\n      - 'db:10.0.0.2'\n",
                6,
            ),
            (
                "services:\n  web:\n    image: x\n    environment:\n      - A=1\n      - B=2\n      - A=1\n",
                7,
            ),
            (
                "services:\n  web:\n    image: x\n    deploy:\n      labels: [a=1, a=1]\n",
                5,
            ),
            (
                "services:\n  web:\n    image: x\n    ports:\n      - '80:80'\n      - 8080:8080\n      - '80:80'\n",
                7,
            ),
        ] {
            let e = load(text).unwrap_err();
            assert_eq!(e.line, Some(line), "{e}");
            assert!(e.message.contains("listed twice"), "{e}");
        }
        // an external network named by an unset variable
        let e = load(
            "services:\n  web:\n    image: x\n    networks: [proxy]\nnetworks:\n  proxy:\n    external: true\n    name: ${PROXY_NET}\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(8), "{e}");
        assert!(e.message.contains("$PROXY_NET is not set"), "{e}");
        // set, it loads
        let env = Env::from([("PROXY_NET".to_string(), "traefik".to_string())]);
        let l = load_sources(&MemFiles::new(),
            &[src(
                "s.yml",
                "services:\n  web:\n    image: x\n    networks: [proxy]\nnetworks:\n  proxy:\n    external: true\n    name: ${PROXY_NET}\n",
            )],
            Path::new("/"),
            &env,
        )
        .unwrap();
        assert_eq!(l.config.networks["proxy"].name.as_deref(), Some("traefik"));
    }

    #[test]
    fn missing_secret_file_is_placed() {
        let dir = Path::new("/stack");
        let files = MemFiles::new();
        let e = load_sources(
            &files,
            &[src(
                "s.yml",
                "services:\n  a:\n    image: x\nsecrets:\n  s:\n    file: ./nope.txt\n",
            )],
            dir,
            &Env::new(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (Some(6), Some(5)), "{e}");
        assert!(e.message.contains("no such file"), "{e}");
    }

    #[test]
    fn files_merge_like_the_cli() {
        let a = "services:\n  web:\n    image: a:1\n    environment: {A: 1, B: 1}\n    ports: ['80:80']\n    deploy:\n      replicas: 1\n      labels: [x=1]\n  db:\n    image: db\n";
        let b = "services:\n  web:\n    image: a:2\n    environment: [B=2]\n    ports: ['81:81']\n    deploy:\n      replicas: 3\n    command: sleep 1\n  cache:\n    image: c\n";
        let l = load_sources(
            &MemFiles::new(),
            &[src("a.yml", a), src("b.yml", b)],
            Path::new("/"),
            &Env::new(),
        )
        .unwrap();
        let web = &l.config.services["web"];
        assert_eq!(web.image.as_deref(), Some("a:2"));
        let env = web.environment.as_ref().unwrap().to_map('=', true);
        assert_eq!(
            (env["A"].as_deref(), env["B"].as_deref()),
            (Some("1"), Some("2"))
        );
        assert_eq!(web.ports.as_ref().unwrap().len(), 2);
        let d = web.deploy.as_ref().unwrap();
        assert_eq!(d.replicas, Some(Int(3)));
        assert!(d.labels.is_some());
        assert_eq!(l.config.services.len(), 3);
        // an error in the second file names the second file
        let bad = "services:\n  web:\n    imag: x\n";
        let e = load_sources(
            &MemFiles::new(),
            &[src("a.yml", a), src("b.yml", bad)],
            Path::new("/"),
            &Env::new(),
        )
        .unwrap_err();
        assert_eq!(e.file, "b.yml");
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn octal_modes_read_like_go() {
        let dir = Path::new("/stack");
        let files = MemFiles::new().with(dir.join("s"), "x");
        let l = load_sources(&files,
            &[src("s.yml", "services:\n  a:\n    image: x\n    secrets:\n      - source: s\n        mode: 0440\nsecrets:\n  s: {file: s}\n")],
            dir,
            &Env::new(),
        )
        .unwrap();
        let r = l.config.services["a"].secrets.as_ref().unwrap()[0].long();
        assert_eq!(r.mode, Some(Int(0o440)));
    }
}
