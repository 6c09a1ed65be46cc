//! Variable interpolation with the docker CLI's grammar: `$V`, `${V}`, `${V:-default}` (unset or
//! empty), `${V-default}` (unset), `${V:?message}` (error when unset or empty), `${V?message}`
//! (error when unset) and `$$` for a literal `$`. Values only, never keys. The environment is
//! passed in, so tests do not depend on the process.
//!
//! After substitution, a few fields that the schema wants as numbers or booleans are cast from
//! the substituted text (`replicas: ${N}`), as the CLI does.

use std::collections::BTreeMap;

use yaml_serde::Value;

use super::locate::Seg;

/// The variables interpolation reads.
pub type Env = BTreeMap<String, String>;

/// Why a string could not be interpolated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubstError {
    /// `${V:?msg}` / `${V?msg}` with V missing.
    Required { name: String, message: String },
    /// A `$` that starts nothing the grammar knows.
    Invalid { text: String },
}

impl std::fmt::Display for SubstError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SubstError::Required { name, message } if message.is_empty() => {
                write!(f, "required variable {name} is not set")
            }
            SubstError::Required { name, message } => {
                write!(f, "required variable {name} is not set: {message}")
            }
            SubstError::Invalid { text } => write!(
                f,
                "invalid interpolation in {text:?}: write $$ for a literal $, or use $NAME / ${{NAME}}"
            ),
        }
    }
}

fn name_len(s: &str) -> usize {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0] == b'_' || b[0].is_ascii_alphabetic()) {
        return 0;
    }
    1 + b[1..]
        .iter()
        .take_while(|c| **c == b'_' || c.is_ascii_alphanumeric())
        .count()
}

/// The operator after a name (`:-`, `-`, `:?`, `?`), if any, and its length.
fn operator(s: &str) -> Option<&'static str> {
    ["-", ":-", "?", ":?"]
        .into_iter()
        .rev()
        .find(|op| s.starts_with(op))
}

fn apply(
    name: &str,
    op: Option<&str>,
    arg: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, SubstError> {
    let v = env(name);
    match op {
        None => Ok(v.unwrap_or_default()),
        Some(":-") => Ok(v
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| arg.to_string())),
        Some("-") => Ok(v.unwrap_or_else(|| arg.to_string())),
        Some(":?") => v.filter(|s| !s.is_empty()).ok_or(SubstError::Required {
            name: name.into(),
            message: arg.into(),
        }),
        _ => v.ok_or(SubstError::Required {
            name: name.into(),
            message: arg.into(),
        }),
    }
}

/// Substitutes the variables of one string.
pub fn substitute(s: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, SubstError> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
            continue;
        }
        if let Some(inner) = after.strip_prefix('{') {
            let n = name_len(inner);
            let close = inner.find('}');
            match (n, close) {
                (n, Some(c)) if n > 0 && n <= c => {
                    let name = &inner[..n];
                    let tail = &inner[n..c];
                    let op = operator(tail);
                    if op.is_none() && !tail.is_empty() {
                        return Err(SubstError::Invalid { text: s.into() });
                    }
                    let arg = op.map(|o| &tail[o.len()..]).unwrap_or("");
                    out.push_str(&apply(name, op, arg, env)?);
                    rest = &inner[c + 1..];
                }
                _ => return Err(SubstError::Invalid { text: s.into() }),
            }
            continue;
        }
        let n = name_len(after);
        if n == 0 {
            return Err(SubstError::Invalid { text: s.into() });
        }
        let name = &after[..n];
        let tail = &after[n..];
        // Like the CLI, an unbraced name may carry an operator; its argument runs to the next
        // `}` or the end of the string ("$HOST-x" means "HOST, or x when unset").
        match operator(tail) {
            Some(op) => {
                let arg_all = &tail[op.len()..];
                let end = arg_all.find('}').unwrap_or(arg_all.len());
                out.push_str(&apply(name, Some(op), &arg_all[..end], env)?);
                rest = &arg_all[end..];
            }
            None => {
                out.push_str(&apply(name, None, "", env)?);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[derive(Clone, Copy)]
enum Cast {
    Int,
    Float,
    Bool,
}

/// Fields the CLI casts after interpolation; `*` is any key, `[]` any list item.
const CASTS: &[(&str, Cast)] = &[
    ("services.*.configs.[].mode", Cast::Int),
    ("services.*.secrets.[].mode", Cast::Int),
    ("services.*.healthcheck.retries", Cast::Int),
    ("services.*.healthcheck.disable", Cast::Bool),
    ("services.*.deploy.replicas", Cast::Int),
    ("services.*.deploy.update_config.parallelism", Cast::Int),
    (
        "services.*.deploy.update_config.max_failure_ratio",
        Cast::Float,
    ),
    ("services.*.deploy.rollback_config.parallelism", Cast::Int),
    (
        "services.*.deploy.rollback_config.max_failure_ratio",
        Cast::Float,
    ),
    ("services.*.deploy.restart_policy.max_attempts", Cast::Int),
    (
        "services.*.deploy.placement.max_replicas_per_node",
        Cast::Int,
    ),
    ("services.*.ports.[].target", Cast::Int),
    ("services.*.ports.[].published", Cast::Int),
    ("services.*.ulimits.*", Cast::Int),
    ("services.*.ulimits.*.hard", Cast::Int),
    ("services.*.ulimits.*.soft", Cast::Int),
    ("services.*.privileged", Cast::Bool),
    ("services.*.oom_score_adj", Cast::Int),
    ("services.*.read_only", Cast::Bool),
    ("services.*.stdin_open", Cast::Bool),
    ("services.*.tty", Cast::Bool),
    ("services.*.init", Cast::Bool),
    ("services.*.volumes.[].read_only", Cast::Bool),
    ("services.*.volumes.[].volume.nocopy", Cast::Bool),
    ("networks.*.external", Cast::Bool),
    ("networks.*.internal", Cast::Bool),
    ("networks.*.attachable", Cast::Bool),
    ("volumes.*.external", Cast::Bool),
    ("secrets.*.external", Cast::Bool),
    ("configs.*.external", Cast::Bool),
];

fn cast_for(path: &[Seg]) -> Option<Cast> {
    CASTS.iter().find_map(|(pat, cast)| {
        let parts: Vec<&str> = pat.split('.').collect();
        let same = parts.len() == path.len()
            && parts.iter().zip(path).all(|(p, seg)| match (p, seg) {
                (&"[]", Seg::Index(_)) => true,
                (&"*", Seg::Key(_)) => true,
                (p, Seg::Key(k)) => p == k,
                _ => false,
            });
        same.then_some(*cast)
    })
}

fn cast(v: &str, c: Cast) -> Result<Value, String> {
    match c {
        Cast::Int => v
            .trim()
            .parse::<i64>()
            .map(|n| Value::Number(n.into()))
            .map_err(|_| format!("{v:?} is not a whole number")),
        Cast::Float => v
            .trim()
            .parse::<f64>()
            .map(|n| Value::Number(n.into()))
            .map_err(|_| format!("{v:?} is not a number")),
        Cast::Bool => match v.to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "on" => Ok(Value::Bool(true)),
            "n" | "no" | "false" | "off" => Ok(Value::Bool(false)),
            _ => Err(format!("{v:?} is not a boolean (true or false)")),
        },
    }
}

/// Interpolates every string value of a parsed file in place. An error names the path of the
/// value that failed.
pub fn interpolate(root: &mut Value, env: &Env) -> Result<(), (Vec<Seg>, String)> {
    let lookup = |k: &str| env.get(k).cloned();
    let mut path = Vec::new();
    walk(root, &mut path, &lookup)
}

fn walk(
    v: &mut Value,
    path: &mut Vec<Seg>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), (Vec<Seg>, String)> {
    match v {
        Value::String(s) => {
            let new = substitute(s, env).map_err(|e| (path.clone(), e.to_string()))?;
            if new != *s {
                *v = match cast_for(path) {
                    Some(c) => cast(&new, c).map_err(|e| (path.clone(), e))?,
                    None => Value::String(new),
                };
            }
            Ok(())
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(Seg::Index(i));
                walk(item, path, env)?;
                path.pop();
            }
            Ok(())
        }
        Value::Mapping(m) => {
            for (k, item) in m.iter_mut() {
                let key = match k {
                    Value::String(s) => s.clone(),
                    other => super::scalar::scalar_text(other),
                };
                path.push(Seg::Key(key));
                walk(item, path, env)?;
                path.pop();
            }
            Ok(())
        }
        Value::Tagged(t) => walk(&mut t.value, path, env),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| m.get(k).cloned()
    }

    #[test]
    fn the_cli_grammar() {
        let e = env(&[("A", "1"), ("E", "")]);
        let s = |t: &str| substitute(t, &e);
        assert_eq!(s("x$A y").unwrap(), "x1 y");
        assert_eq!(s("${A}b").unwrap(), "1b");
        assert_eq!(s("${B:-d}").unwrap(), "d");
        assert_eq!(s("${E:-d}").unwrap(), "d");
        assert_eq!(s("${E-d}").unwrap(), "");
        assert_eq!(s("${B-d}").unwrap(), "d");
        assert_eq!(s("${A:?no}").unwrap(), "1");
        assert_eq!(s("${E?msg}").unwrap(), "");
        assert_eq!(s("$$A and $${A}").unwrap(), "$A and ${A}");
        assert_eq!(s("$B").unwrap(), "");
        assert_eq!(s("${B:-a b-c}").unwrap(), "a b-c");
        // unbraced names take an operator too, as in the CLI
        assert_eq!(s("$B-x").unwrap(), "x");
        assert_eq!(s("$A-x").unwrap(), "1");
    }

    #[test]
    fn required_and_invalid() {
        let e = env(&[("E", "")]);
        assert_eq!(
            substitute("${DB:?set the database password}", &e),
            Err(SubstError::Required {
                name: "DB".into(),
                message: "set the database password".into()
            })
        );
        assert!(substitute("${E:?x}", &e).is_err());
        assert!(substitute("${E?x}", &e).is_ok());
        // a dash in the message does not turn it into a default
        assert!(substitute("${DB:?must-be-set}", &e).is_err());
        for bad in ["cost: 5$", "${", "${A", "${1A}", "$ x", "${A B}"] {
            assert!(
                matches!(substitute(bad, &e), Err(SubstError::Invalid { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn casts_where_the_schema_wants_numbers() {
        let mut v: Value = yaml_serde::from_str(
            "services:\n  web:\n    deploy:\n      replicas: ${N}\n    tty: ${T}\n    command: echo ${N}\n",
        )
        .unwrap();
        let env: Env = [
            ("N".to_string(), "3".to_string()),
            ("T".into(), "yes".into()),
        ]
        .into_iter()
        .collect();
        interpolate(&mut v, &env).unwrap();
        assert_eq!(
            v["services"]["web"]["deploy"]["replicas"],
            Value::Number(3.into())
        );
        assert_eq!(v["services"]["web"]["tty"], Value::Bool(true));
        assert_eq!(
            v["services"]["web"]["command"],
            Value::String("echo 3".into())
        );
    }

    #[test]
    fn errors_name_the_path() {
        let mut v: Value = yaml_serde::from_str(
            "services:\n  web:\n    deploy:\n      replicas: ${N:?how many}\n",
        )
        .unwrap();
        let (path, msg) = interpolate(&mut v, &Env::new()).unwrap_err();
        assert_eq!(
            path,
            vec![
                Seg::Key("services".into()),
                Seg::Key("web".into()),
                Seg::Key("deploy".into()),
                Seg::Key("replicas".into())
            ]
        );
        assert!(msg.contains("N is not set: how many"), "{msg}");
    }
}
