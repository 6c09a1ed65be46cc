//! Service and task logs: lines made up on demand from each task's ID and start time (nothing
//! is stored), at `Model::log_rate` lines per second per task, framed in the engine's
//! multiplexed stream format (tasks have no TTY): an 8-byte header (stream, 0, 0, 0, length
//! big-endian) before each line.

use std::collections::HashMap;

use super::model::{Model, SimError, SimTask};
use super::rng::hash;
use super::time::{Nanos, SECOND, parse_api_time, rfc3339};

/// A container's log keeps at most this many lines (like a rotated json-file log).
pub const RETAINED_LINES: u64 = 10_000;

pub const STDOUT: u8 = 1;
pub const STDERR: u8 = 2;

/// What the client asked for (`/services/{id}/logs`, `/tasks/{id}/logs`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogRequest {
    pub stdout: bool,
    pub stderr: bool,
    pub follow: bool,
    /// Lines per task from the end; None = all.
    pub tail: Option<u64>,
    pub since: Option<Nanos>,
    pub until: Option<Nanos>,
    pub timestamps: bool,
    pub details: bool,
}

fn truthy(v: &str) -> bool {
    !matches!(v, "" | "0" | "false" | "False" | "FALSE" | "no")
}

impl LogRequest {
    pub fn parse(q: &HashMap<String, String>) -> Result<LogRequest, SimError> {
        let flag = |k: &str| q.get(k).is_some_and(|v| truthy(v));
        let req = LogRequest {
            stdout: flag("stdout"),
            stderr: flag("stderr"),
            follow: flag("follow"),
            tail: match q.get("tail").map(String::as_str) {
                None | Some("") | Some("all") => None,
                Some(n) => match n.parse::<i64>() {
                    Ok(n) if n >= 0 => Some(n as u64),
                    Ok(_) => None,
                    Err(_) => {
                        return Err(SimError::Invalid(format!(
                            "invalid value for \"tail\": {n:?}"
                        )));
                    }
                },
            },
            since: match q.get("since").filter(|s| !s.is_empty() && *s != "0") {
                Some(s) => Some(parse_api_time(s).ok_or_else(|| {
                    SimError::Invalid(format!("invalid value for \"since\": {s:?}"))
                })?),
                None => None,
            },
            until: match q.get("until").filter(|s| !s.is_empty() && *s != "0") {
                Some(s) => Some(parse_api_time(s).ok_or_else(|| {
                    SimError::Invalid(format!("invalid value for \"until\": {s:?}"))
                })?),
                None => None,
            },
            timestamps: flag("timestamps"),
            details: flag("details"),
        };
        if !req.stdout && !req.stderr {
            return Err(SimError::Invalid(
                "must specify at least one of 'stdout' or 'stderr'".into(),
            ));
        }
        Ok(req)
    }
}

/// One task's log, enough to make its lines without the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub task: String,
    pub node: String,
    pub service: String,
    pub kind: Kind,
    pub started: Nanos,
    pub stopped: Option<Nanos>,
    /// Nanoseconds between lines (0: the task writes nothing).
    pub interval: Nanos,
    /// The container's exit code, for its last words.
    pub exit_code: Option<i64>,
}

/// What sort of program the lines look like they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Web,
    Worker,
    Database,
    Cache,
    Generic,
}

impl Kind {
    fn of(service_name: &str, image: &str) -> Kind {
        let s = format!("{service_name} {image}").to_ascii_lowercase();
        if ["postgres", "mysql", "mariadb", "mongo", "_db"]
            .iter()
            .any(|k| s.contains(k))
        {
            Kind::Database
        } else if ["redis", "memcache", "cache"].iter().any(|k| s.contains(k)) {
            Kind::Cache
        } else if ["worker", "cron", "queue", "consumer", "job"]
            .iter()
            .any(|k| s.contains(k))
        {
            Kind::Worker
        } else if [
            "web", "api", "nginx", "gateway", "traefik", "frontend", "http",
        ]
        .iter()
        .any(|k| s.contains(k))
        {
            Kind::Web
        } else {
            Kind::Generic
        }
    }
}

impl Source {
    pub fn of(model: &Model, t: &SimTask) -> Option<Source> {
        let started = t.started?;
        let svc = model.services.get(t.service());
        let name = svc.map(|s| s.name()).unwrap_or("");
        let image = t
            .spec
            .container_spec
            .as_ref()
            .and_then(|c| c.image.as_deref())
            .unwrap_or("");
        let interval = if model.log_rate > 0.0 {
            ((SECOND as f64 / model.log_rate) as Nanos).max(1)
        } else {
            0
        };
        let exit_code = t
            .task
            .status
            .as_ref()
            .and_then(|s| s.container_status.as_ref())
            .and_then(|c| c.exit_code)
            .filter(|c| *c != 0);
        Some(Source {
            task: t.id().to_string(),
            node: t.node().unwrap_or("").to_string(),
            service: t.service().to_string(),
            kind: Kind::of(name, image),
            started,
            stopped: t.stopped,
            interval,
            exit_code,
        })
    }

    /// Line numbers whose time falls in `[from, to)`, limited to what the log retains.
    pub fn range(&self, from: Nanos, to: Nanos) -> std::ops::Range<u64> {
        if self.interval == 0 {
            return 0..0;
        }
        let end_time = self.stopped.map_or(to, |s| s.min(to));
        let count_before = |t: Nanos| -> u64 {
            if t <= self.started {
                0
            } else {
                ((t - self.started - 1) / self.interval + 1) as u64
            }
        };
        let total = count_before(end_time);
        let first_kept = total.saturating_sub(RETAINED_LINES);
        let lo = count_before(from).max(first_kept);
        lo.min(total)..total
    }

    pub fn time_of(&self, k: u64) -> Nanos {
        self.started + k as Nanos * self.interval
    }

    /// Line `k`: which stream and what it says.
    pub fn line(&self, k: u64) -> (u8, String) {
        let h = hash(&self.task) ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let h = h ^ (h >> 29);
        let n = |m: u64| (h >> 7) % m;
        let warn = h.is_multiple_of(23);
        let err = h.is_multiple_of(97);
        let (stream, level) = if err {
            (STDERR, "error")
        } else if warn {
            (STDERR, "warn")
        } else {
            (STDOUT, "info")
        };
        let msg = match self.kind {
            Kind::Web => {
                const PATHS: [&str; 6] = [
                    "/api/orders",
                    "/api/cart",
                    "/healthz",
                    "/api/users",
                    "/static/app.js",
                    "/api/search",
                ];
                let status = if err {
                    502
                } else if warn {
                    404
                } else {
                    200
                };
                format!(
                    "method=GET path={}/{} status={status} duration={}ms",
                    PATHS[n(6) as usize],
                    n(90_000) + 1000,
                    n(250) + 2
                )
            }
            Kind::Worker => {
                if err {
                    format!("job {} failed: upstream timeout after 30s", n(1_000_000))
                } else {
                    format!(
                        "processed job {} in {}ms queue_depth={}",
                        n(1_000_000),
                        n(900) + 10,
                        n(40)
                    )
                }
            }
            Kind::Database => {
                if warn || err {
                    format!(
                        "duration: {}.{} ms  statement: SELECT * FROM orders WHERE id = {}",
                        n(4000) + 1000,
                        n(1000),
                        n(100_000)
                    )
                } else {
                    format!(
                        "checkpoint complete: wrote {} buffers ({}.{}%)",
                        n(2000),
                        n(10),
                        n(10)
                    )
                }
            }
            Kind::Cache => format!(
                "DB saved on disk; {} changes in {} seconds",
                n(10_000),
                n(300) + 1
            ),
            Kind::Generic => format!("tick {k} ok"),
        };
        (stream, format!("level={level} {msg}"))
    }

    /// The line the container wrote last before exiting non-zero.
    pub fn last_words(&self) -> Option<String> {
        self.exit_code
            .map(|c| format!("level=fatal msg=\"cannot continue, exiting\" code={c}"))
    }
}

/// Appends one frame of the multiplexed stream.
pub fn frame(stream: u8, payload: &[u8], out: &mut Vec<u8>) {
    let len = payload.len() as u32;
    out.push(stream);
    out.extend_from_slice(&[0, 0, 0]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
}

/// One line as the engine writes it: `[timestamp ][details ]message\n`.
pub fn render(src: &Source, req: &LogRequest, at: Nanos, text: &str) -> Vec<u8> {
    let mut s = String::with_capacity(text.len() + 180);
    if req.timestamps {
        s.push_str(&rfc3339(at));
        s.push(' ');
    }
    if req.details {
        s.push_str("com.docker.swarm.node.id=");
        s.push_str(&src.node);
        s.push_str(",com.docker.swarm.service.id=");
        s.push_str(&src.service);
        s.push_str(",com.docker.swarm.task.id=");
        s.push_str(&src.task);
        s.push(' ');
    }
    s.push_str(text);
    s.push('\n');
    s.into_bytes()
}

/// Every line of `sources` with a time in `[from, to)`, merged in time order and framed;
/// `tail` keeps only each task's last lines.
pub fn collect(
    sources: &[Source],
    req: &LogRequest,
    from: Nanos,
    to: Nanos,
    tail: Option<u64>,
    out: &mut Vec<u8>,
) -> usize {
    let mut lines: Vec<(Nanos, usize, u64)> = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let mut r = src.range(from, to);
        if let Some(t) = tail {
            r.start = r.start.max(r.end.saturating_sub(t));
        }
        lines.extend(r.map(|k| (src.time_of(k), i, k)));
    }
    lines.sort_unstable();
    let mut n = 0;
    for (at, i, k) in lines {
        let (stream, text) = sources[i].line(k);
        if (stream == STDOUT && req.stdout) || (stream == STDERR && req.stderr) {
            frame(stream, &render(&sources[i], req, at, &text), out);
            n += 1;
        }
    }
    // a crashed container's last line comes right at its exit
    for src in sources {
        if let (Some(words), Some(stop)) = (src.last_words(), src.stopped)
            && stop >= from
            && stop < to
            && req.stderr
            && tail != Some(0)
        {
            frame(STDERR, &render(src, req, stop, &words), out);
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(started: Nanos, stopped: Option<Nanos>) -> Source {
        Source {
            task: "t1".into(),
            node: "n1".into(),
            service: "s1".into(),
            kind: Kind::Web,
            started,
            stopped,
            interval: SECOND,
            exit_code: None,
        }
    }

    #[test]
    fn lines_fall_between_start_and_stop() {
        let s = src(100 * SECOND, Some(110 * SECOND));
        assert_eq!(s.range(0, 1000 * SECOND), 0..10);
        assert_eq!(s.range(105 * SECOND, 1000 * SECOND), 5..10);
        let running = src(100 * SECOND, None);
        assert_eq!(running.range(0, 103 * SECOND), 0..3);
        assert_eq!(running.range(0, 103 * SECOND + 1), 0..4);
    }

    #[test]
    fn retention_caps_history() {
        let s = src(0, None);
        let r = s.range(0, (RETAINED_LINES as Nanos + 50) * SECOND);
        assert_eq!(r.end - r.start, RETAINED_LINES);
    }

    #[test]
    fn frames_have_the_engine_header() {
        let mut out = Vec::new();
        frame(STDOUT, b"hello\n", &mut out);
        assert_eq!(&out[..8], &[1, 0, 0, 0, 0, 0, 0, 6]);
        assert_eq!(&out[8..], b"hello\n");
    }

    #[test]
    fn render_puts_timestamp_then_details() {
        let req = LogRequest {
            stdout: true,
            timestamps: true,
            details: true,
            ..Default::default()
        };
        let line = String::from_utf8(render(&src(0, None), &req, 0, "x")).unwrap();
        assert_eq!(
            line,
            "1970-01-01T00:00:00.000000000Z com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1 x\n"
        );
    }

    #[test]
    fn a_stream_must_be_chosen() {
        let q = HashMap::from([("tail".to_string(), "5".to_string())]);
        assert!(LogRequest::parse(&q).is_err());
        let q = HashMap::from([
            ("stdout".to_string(), "1".to_string()),
            ("tail".to_string(), "5".to_string()),
        ]);
        assert_eq!(LogRequest::parse(&q).unwrap().tail, Some(5));
    }
}
