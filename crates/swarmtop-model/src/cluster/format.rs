//! Text for cells, in the docker CLI's words where it has them.

use chrono::{DateTime, Utc};

use super::{
    Cluster, Task, node_is_leader, node_reachability, service_counts, service_mode, task_state,
};
use bollard_stubs::models::{Node, Reachability, Service};

/// The 12-character form of an ID, as `docker service ls` prints it.
pub fn short_id(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// "ready" -> "Ready", as the CLI prints states.
pub fn title(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `docker node ls`'s MANAGER STATUS column.
pub fn manager_status(n: &Node) -> &'static str {
    if n.manager_status.is_none() {
        return "";
    }
    if node_is_leader(n) {
        return "Leader";
    }
    match node_reachability(n) {
        Some(Reachability::REACHABLE) => "Reachable",
        Some(Reachability::UNREACHABLE) => "Unreachable",
        _ => "Unknown",
    }
}

/// An RFC 3339 time as the engine writes them. The engine's own form (UTC, `Z`, up to nine
/// digits of a second) is read directly: the tasks pane reads 40,000 of them per rebuild, and
/// chrono's general parser took a tenth of it. Anything else goes to chrono.
pub fn parse_time(ts: &str) -> Option<DateTime<Utc>> {
    engine_time(ts.as_bytes()).or_else(|| {
        DateTime::parse_from_rfc3339(ts)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`, or None (then chrono decides).
fn engine_time(b: &[u8]) -> Option<DateTime<Utc>> {
    fn digits(b: &[u8]) -> Option<u32> {
        b.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    }
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    if b[13] != b':' || b[16] != b':' || b.last() != Some(&b'Z') {
        return None;
    }
    let frac = &b[19..b.len() - 1];
    let nanos = match frac {
        [] => 0,
        [b'.', f @ ..] if (1..=9).contains(&f.len()) => digits(f)? * 10u32.pow(9 - f.len() as u32),
        _ => return None,
    };
    let sec = digits(&b[17..19])?;
    if sec > 59 {
        // a leap second: chrono's rules
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(
        i32::try_from(digits(&b[0..4])?).ok()?,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )?;
    let time = date.and_hms_nano_opt(digits(&b[11..13])?, digits(&b[14..16])?, sec, nanos)?;
    Some(time.and_utc())
}

/// Compact age for narrow columns: `42s`, `7m`, `3h`, `12d`.
pub fn age(ts: Option<&str>, now: DateTime<Utc>) -> String {
    match ts.and_then(parse_time) {
        Some(t) => age_since(t, now),
        None => "-".into(),
    }
}

/// Compact age of a time.
pub fn age_since(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - t).num_seconds().max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// `4.0 GiB`, `512 MiB`.
pub fn bytes(n: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n.max(0) as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else if v >= 100.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Text from the engine made safe to print to a terminal: every control character but newline
/// and tab is written as `\u00XX` (labels and names can hold an OSC title sequence or a
/// carriage return that would redraw the line). The escape is JSON's, so JSON output stays JSON.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// An image without its pinned digest, as `docker service ls` shows it.
pub fn image_short(image: &str) -> &str {
    image.split('@').next().unwrap_or(image)
}

/// `docker service ls`'s REPLICAS: `running/desired`, plus `(max N per node)` when set.
pub fn replicas(s: &Service) -> String {
    let (running, desired) = service_counts(s);
    let max = s
        .spec
        .as_ref()
        .and_then(|s| s.task_template.as_ref())
        .and_then(|t| t.placement.as_ref())
        .and_then(|p| p.max_replicas)
        .filter(|m| *m > 0 && service_mode(s) == "replicated");
    match max {
        Some(m) => format!("{running}/{desired} (max {m} per node)"),
        None => format!("{running}/{desired}"),
    }
}

/// `docker service ls`'s PORTS: `*:8080->80/tcp`.
pub fn ports(s: &Service) -> String {
    let ports = s
        .endpoint
        .as_ref()
        .and_then(|e| e.ports.as_ref())
        .or_else(|| {
            s.spec
                .as_ref()
                .and_then(|sp| sp.endpoint_spec.as_ref())
                .and_then(|e| e.ports.as_ref())
        });
    let Some(ports) = ports else {
        return String::new();
    };
    ports
        .iter()
        .filter_map(|p| {
            let published = p.published_port.filter(|x| *x > 0)?;
            let proto = p
                .protocol
                .map(|x| x.to_string())
                .unwrap_or_else(|| "tcp".into());
            Some(format!(
                "*:{published}->{}/{proto}",
                p.target_port.unwrap_or(0)
            ))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `docker service ps`'s CURRENT STATE, e.g. `Running 5 minutes ago`.
pub fn task_current_state(t: &Task, now: DateTime<Utc>) -> String {
    let state = title(&task_state(t).to_string());
    match t
        .status
        .as_ref()
        .and_then(|s| s.timestamp.as_deref())
        .and_then(parse_time)
    {
        Some(ts) => format!("{state} {}", ago((now - ts).num_seconds())),
        None => state,
    }
}

/// "5 minutes ago", in the units docker's `units.HumanDuration` uses.
pub fn ago(secs: i64) -> String {
    let s = secs.max(0);
    let text = match s {
        0 => "Less than a second".to_string(),
        1 => "1 second".to_string(),
        s if s < 60 => format!("{s} seconds"),
        s if s < 120 => "About a minute".to_string(),
        s if s < 3600 => format!("{} minutes", s / 60),
        s if s < 7200 => "About an hour".to_string(),
        s if s < 172_800 => format!("{} hours", s / 3600),
        s => format!("{} days", s / 86_400),
    };
    format!("{text} ago")
}

impl Cluster {
    /// Tasks (any desired state) placed on a node.
    pub fn tasks_on_node<'a>(&'a self, node_id: &'a str) -> impl Iterator<Item = &'a Task> + 'a {
        self.tasks
            .iter()
            .filter(move |t| t.node_id.as_deref() == Some(node_id))
    }
}

#[cfg(test)]
mod tests {
    /// The direct reading agrees with chrono's on every form, and leaves the rest to it.
    #[test]
    fn engine_times_read_as_chrono_reads_them() {
        use chrono::DateTime;
        let chrono_of = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|t| t.with_timezone(&chrono::Utc))
        };
        for s in [
            "2026-12-06T15:22:42.123456789Z",
            "2026-12-06T15:22:42.1234567Z",
            "2026-12-06T15:22:42.5Z",
            "2026-12-06T15:22:42Z",
            "0001-01-01T00:00:00Z",
            "2024-02-29T23:59:59.999999999Z",
            "1999-12-31t23:59:59Z",
            "2026-12-06T15:22:42.123+02:00",
            "2026-12-06 15:22:42Z",
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-12-06T24:00:00Z",
            "2016-12-31T23:59:60Z",
            "2026-12-06T15:22:42.Z",
            "2026-12-06T15:22:42.1234567891Z",
            "2026-12-06T15:22:4xZ",
            "",
            "not a time",
        ] {
            assert_eq!(super::parse_time(s), chrono_of(s), "{s}");
        }
        assert!(super::engine_time(b"2026-12-06T15:22:42.123456789Z").is_some());
        assert!(super::engine_time(b"2016-12-31T23:59:60Z").is_none());
    }

    #[test]
    fn control_characters_are_escaped_for_printing() {
        assert_eq!(escape_controls("plain\tab\nline"), "plain\tab\nline");
        assert_eq!(
            escape_controls("x\x1b]0;pwned\x07y\r\u{9b}"),
            "x\\u001b]0;pwned\\u0007y\\u000d\\u009b"
        );
        // inside a JSON string the escape is still JSON
        let json = format!("{{\"a\": \"{}\"}}", escape_controls("\u{9b}2J"));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["a"], "\u{9b}2J");
    }

    use super::super::fixtures::sample;
    use super::*;

    #[test]
    fn cells_match_the_cli() {
        let c = sample();
        assert_eq!(manager_status(&c.nodes[0]), "Leader");
        assert_eq!(manager_status(&c.nodes[1]), "");
        assert_eq!(replicas(&c.services[1]), "1/3");
        assert_eq!(ports(&c.services[0]), "*:8080->80/tcp");
        assert_eq!(
            image_short(super::super::service_image(&c.services[1])),
            "swarmtest/busybox:2"
        );
        assert_eq!(short_id("abcdefghijklmnop"), "abcdefghijkl");
        assert_eq!(bytes(4294967296), "4.0 GiB");
        assert_eq!(ago(300), "5 minutes ago");
        assert_eq!(title("running"), "Running");
    }

    #[test]
    fn ages_are_compact() {
        let now = parse_time("2026-11-22T12:00:00Z").unwrap();
        assert_eq!(age(Some("2026-11-22T11:59:18Z"), now), "42s");
        assert_eq!(age(Some("2026-11-22T09:00:00Z"), now), "3h");
        assert_eq!(age(None, now), "-");
    }
}
