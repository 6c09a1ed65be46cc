//! Checks of what an operator types, before anything is sent: replica counts, image
//! references, secret and config names and contents. Each error names the thing and says why.

/// More replicas than this is almost certainly a typo (an extra zero); the CLI remains for it.
pub const MAX_REPLICAS: u64 = 10_000;

pub fn parse_replicas(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("type the number of replicas".into());
    }
    if let Some(rest) = t.strip_prefix('-')
        && rest.chars().all(|c| c.is_ascii_digit())
        && !rest.is_empty()
    {
        return Err(format!("replicas cannot be negative ({t})"));
    }
    let n: u64 = t
        .parse()
        .map_err(|_| format!("{t:?} is not a whole number of replicas"))?;
    if n > MAX_REPLICAS {
        return Err(format!(
            "{n} replicas is more than {MAX_REPLICAS}: check the number (an extra zero?)"
        ));
    }
    Ok(n)
}

/// An image reference as docker parses it: `[registry[:port]/]path[:tag][@digest]`.
pub fn parse_image(text: &str) -> Result<String, String> {
    let t = text.trim();
    let bad = |why: &str| Err(format!("image {t:?} is not a valid reference: {why}"));
    if t.is_empty() {
        return Err("type an image, e.g. nginx:1.27 or registry:5000/team/app@sha256:...".into());
    }
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("it contains spaces");
    }
    let (rest, digest) = match t.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (t, None),
    };
    if let Some(d) = digest {
        let Some((algo, hex)) = d.split_once(':') else {
            return bad("a digest looks like sha256:<64 hex digits>");
        };
        if algo.is_empty()
            || !algo
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+._-".contains(c))
            || hex.len() < 32
            || !hex.chars().all(|c| c.is_ascii_hexdigit())
        {
            return bad("a digest looks like sha256:<64 hex digits>");
        }
    }
    // the tag is after the last ':' that comes after the last '/'
    let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let ok = !tag.is_empty()
            && tag.len() <= 128
            && tag
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !ok {
            return bad("a tag has letters, digits, '_', '.', '-' (at most 128)");
        }
    }
    if name.is_empty() {
        return bad("no image name");
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    // a first part with a '.' or ':' or "localhost" is a registry host
    if parts.len() > 1
        && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost")
    {
        let host = parts.remove(0);
        if !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        {
            return bad("the registry host has odd characters");
        }
    }
    for p in parts {
        let ok = !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
            && p.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && p.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
        if !ok {
            return bad(
                "names are lowercase letters, digits and single '.', '_' or '-' between them",
            );
        }
    }
    Ok(t.to_string())
}

/// Secret and config names as the engine accepts them.
pub fn check_object_name(kind: &str, name: &str) -> Result<(), String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(format!("a {kind} needs a name"));
    }
    if n.len() > 64 {
        return Err(format!("{kind} name {n:?} is longer than 64 characters"));
    }
    let edge_ok = |c: char| c.is_ascii_alphanumeric();
    if !n.starts_with(edge_ok) || !n.ends_with(edge_ok) {
        return Err(format!(
            "{kind} name {n:?} must start and end with a letter or digit"
        ));
    }
    if let Some(c) = n
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_.".contains(*c)))
    {
        return Err(format!(
            "{kind} name {n:?} has {c:?}: use letters, digits, '-', '_' and '.'"
        ));
    }
    Ok(())
}

/// `k=v, k2=v2` into pairs.
pub fn parse_labels(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let k = k.trim();
        if k.is_empty() || k.chars().any(char::is_whitespace) {
            return Err(format!(
                "label {part:?}: write key=value, keys without spaces"
            ));
        }
        out.push((k.to_string(), v.trim().to_string()));
    }
    Ok(out)
}

/// One label edit typed at a node's label prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelEdit {
    Set(String, String),
    Remove(String),
}

/// `key=value` sets one label, the value being everything after the first `=`, kept byte for
/// byte (commas and spaces are part of it); `key` alone sets it empty, as `docker node update
/// --label-add key` does; `-key` removes it. Nothing typed: None, nothing changes.
pub fn parse_label_edit(text: &str) -> Result<Option<LabelEdit>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let (key, edit): (&str, fn(String, &str) -> LabelEdit) = match text.strip_prefix('-') {
        Some(k) => (k, |k, _| LabelEdit::Remove(k)),
        None => match text.split_once('=') {
            Some((k, _)) => (k, |k, v| LabelEdit::Set(k, v.to_string())),
            None => (text, |k, _| LabelEdit::Set(k, String::new())),
        },
    };
    if key.is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "label key {key:?}: write key=value to set one, -key to remove one (keys without spaces)"
        ));
    }
    if text.starts_with('-') && key.contains('=') {
        return Err(format!(
            "{text:?}: -key removes a label; give the key alone"
        ));
    }
    let value = text.split_once('=').map(|(_, v)| v).unwrap_or("");
    Ok(Some(edit(key.to_string(), value)))
}

/// `10s`, `1m30s`, `500ms`, `1.001s`, `2h` into nanoseconds, exactly as Go's
/// `time.ParseDuration` (the one grammar swarmtop has: `stack::values::parse_duration`).
/// Durations of swarm settings are never negative.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("type a duration like 10s, 1m30s or 500ms".into());
    }
    let ns = crate::duration::parse(t)?;
    if ns < 0 {
        return Err(format!("{t:?}: a duration here cannot be negative"));
    }
    Ok(ns)
}

pub use crate::duration::short as format_duration;

#[cfg(test)]
mod tests {

    #[test]
    fn a_label_edit_keeps_its_value_byte_for_byte() {
        use LabelEdit::*;
        assert_eq!(parse_label_edit("").unwrap(), None);
        assert_eq!(
            parse_label_edit("zones=eu-1,eu-2").unwrap(),
            Some(Set("zones".into(), "eu-1,eu-2".into()))
        );
        assert_eq!(
            parse_label_edit("pad=  padded  ").unwrap(),
            Some(Set("pad".into(), "  padded  ".into()))
        );
        assert_eq!(
            parse_label_edit("a=b=c").unwrap(),
            Some(Set("a".into(), "b=c".into()))
        );
        assert_eq!(
            parse_label_edit("ssd").unwrap(),
            Some(Set("ssd".into(), "".into()))
        );
        assert_eq!(
            parse_label_edit("-zones").unwrap(),
            Some(Remove("zones".into()))
        );
        for bad in [" zones=x", "=x", "-", "-a=b", "a b=c"] {
            assert!(parse_label_edit(bad).is_err(), "{bad}");
        }
    }

    use super::*;

    #[test]
    fn replicas() {
        assert_eq!(parse_replicas(" 5 "), Ok(5));
        assert!(
            parse_replicas("five")
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!(parse_replicas("-2").unwrap_err().contains("negative"));
        assert!(
            parse_replicas("100000")
                .unwrap_err()
                .contains("more than 10000")
        );
        assert!(parse_replicas("").is_err());
    }

    #[test]
    fn images() {
        for ok in [
            "busybox",
            "swarmtest/busybox:2",
            "registry:5000/team/app:1.2.3",
            "localhost/app",
            "ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(parse_image(ok).as_deref(), Ok(ok), "{ok}");
        }
        for bad in [
            "Busybox",
            "busy box",
            "app:",
            "app:-x",
            "a//b",
            "app@sha256:xyz",
            "-app",
        ] {
            let e = parse_image(bad).unwrap_err();
            assert!(e.contains(bad), "{bad}: {e}");
        }
    }

    #[test]
    fn object_names() {
        assert!(check_object_name("secret", "db_password").is_ok());
        assert!(
            check_object_name("secret", "")
                .unwrap_err()
                .contains("needs a name")
        );
        assert!(
            check_object_name("secret", "a b")
                .unwrap_err()
                .contains("' '")
        );
        assert!(check_object_name("config", "-x").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(10_000_000_000));
        assert_eq!(parse_duration("1m30s"), Ok(90_000_000_000));
        assert_eq!(parse_duration("500ms"), Ok(500_000_000));
        assert!(parse_duration("10").unwrap_err().contains("10s, 1m30s"));
        assert!(
            parse_duration("5y")
                .unwrap_err()
                .contains("invalid duration")
        );
        assert!(parse_duration("-1s").unwrap_err().contains("negative"));
        assert_eq!(format_duration(90_000_000_000), "1m30s");
        assert_eq!(format_duration(500_000_000), "500ms");
    }

    #[test]
    fn durations_round_trip_exactly() {
        // through floats `1.001s` became 1,000,999,999 ns and was shown back as `1000ms`
        assert_eq!(parse_duration("1.001s"), Ok(1_001_000_000));
        for ns in [
            1_001_000_000i64,
            1,
            999,
            1_500_000_000,
            3_600_000_000_000,
            5_400_000_000_001,
            123_456_789_012,
        ] {
            assert_eq!(parse_duration(&format_duration(ns)), Ok(ns), "{ns}");
        }
    }

    #[test]
    fn labels() {
        assert_eq!(
            parse_labels("team=ops, env = prod").unwrap(),
            vec![("team".into(), "ops".into()), ("env".into(), "prod".into())]
        );
        assert!(parse_labels("bad key=x").is_err());
    }
}
