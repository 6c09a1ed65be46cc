//! HTTP plumbing of the simulated engine: the response body (whole or streamed), the headers
//! every engine answer carries, JSON and error answers, and query and `filters` parsing.

use std::collections::HashMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use hyper::{Response, StatusCode};
use serde::Serialize;
use tokio::sync::mpsc;

use super::model::SimError;

/// The API versions the simulator speaks (dockerd 26.1's range).
pub const API_VERSION: &str = "1.45";
pub const MIN_API_VERSION: &str = "1.24";
/// Honest about what it is, still parseable as a version.
pub const ENGINE_VERSION: &str = "26.1.5+swarmtop-sim";

/// A response body: all at once, or streamed from a channel (events, logs).
pub enum SimBody {
    Full(Option<Bytes>),
    Stream(mpsc::Receiver<Bytes>),
}

impl Body for SimBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            SimBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            SimBody::Stream(rx) => rx.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, SimBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            SimBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            SimBody::Full(None) => SizeHint::with_exact(0),
            SimBody::Stream(_) => SizeHint::default(),
        }
    }
}

pub type Reply = Response<SimBody>;

/// The headers dockerd puts on every answer.
fn base(status: u16) -> hyper::http::response::Builder {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("Api-Version", API_VERSION)
        .header("Docker-Experimental", "false")
        .header("Ostype", "linux")
        .header("Server", format!("Docker/{ENGINE_VERSION} (linux)"))
}

fn finish(b: hyper::http::response::Builder, body: SimBody) -> Reply {
    b.body(body).unwrap_or_else(|_| {
        Response::new(SimBody::Full(Some(Bytes::from_static(
            b"{\"message\":\"bad response\"}\n",
        ))))
    })
}

/// JSON as Go's encoder writes it (a newline after the document).
pub fn json<T: Serialize + ?Sized>(status: u16, v: &T) -> Reply {
    match serde_json::to_vec(v) {
        Ok(mut bytes) => {
            bytes.push(b'\n');
            raw_json(status, bytes)
        }
        Err(e) => error(500, &format!("cannot encode the answer: {e}")),
    }
}

pub fn raw_json(status: u16, bytes: Vec<u8>) -> Reply {
    finish(
        base(status).header("Content-Type", "application/json"),
        SimBody::Full(Some(Bytes::from(bytes))),
    )
}

/// The engine's error shape: `{"message": "..."}`.
pub fn error(status: u16, message: &str) -> Reply {
    json(status, &serde_json::json!({ "message": message }))
}

pub fn sim_error(e: &SimError) -> Reply {
    error(e.status(), &e.to_string())
}

pub fn empty(status: u16) -> Reply {
    finish(base(status), SimBody::Full(None))
}

pub fn text(status: u16, body: &'static str, extra: &[(&str, &str)]) -> Reply {
    let mut b = base(status).header("Content-Type", "text/plain; charset=utf-8");
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    finish(b, SimBody::Full(Some(Bytes::from_static(body.as_bytes()))))
}

pub fn stream(content_type: Option<&str>, rx: mpsc::Receiver<Bytes>) -> Reply {
    let mut b = base(200);
    if let Some(ct) = content_type {
        b = b.header("Content-Type", ct);
    }
    finish(b, SimBody::Stream(rx))
}

/// `a=1&b=x%20y` into a map (last one wins, as Go's `Form.Get` reads the first; no client
/// repeats these keys).
pub fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for pair in q.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        m.insert(percent_decode(k), percent_decode(v));
    }
    m
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query flag that is set (`1`, `true`, ...).
pub fn flag(q: &HashMap<String, String>, k: &str) -> bool {
    q.get(k)
        .is_some_and(|v| !matches!(v.as_str(), "" | "0" | "false" | "False"))
}

/// The `filters` parameter in either of the engine's forms: `{"k":["v"]}` (what bollard
/// sends) or `{"k":{"v":true}}` (what the docker CLI sends).
pub fn parse_filters(
    q: &HashMap<String, String>,
) -> Result<HashMap<String, Vec<String>>, SimError> {
    let Some(raw) = q.get("filters").filter(|s| !s.is_empty()) else {
        return Ok(HashMap::new());
    };
    let v: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| SimError::Invalid(format!("invalid filter: {e}")))?;
    let obj = v
        .as_object()
        .ok_or_else(|| SimError::Invalid("invalid filter: not an object".into()))?;
    let mut out = HashMap::new();
    for (k, vals) in obj {
        let list: Vec<String> = match vals {
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            serde_json::Value::Object(o) => o
                .iter()
                .filter(|(_, on)| on.as_bool().unwrap_or(false))
                .map(|(v, _)| v.clone())
                .collect(),
            _ => return Err(SimError::Invalid(format!("invalid filter: {k}"))),
        };
        out.insert(k.clone(), list);
    }
    Ok(out)
}

/// Refuses filter keys the endpoint does not know, in the engine's words.
pub fn accept(filters: &HashMap<String, Vec<String>>, keys: &[&str]) -> Result<(), SimError> {
    match filters.keys().find(|k| !keys.contains(&k.as_str())) {
        Some(k) => Err(SimError::Invalid(format!("Invalid filter '{k}'"))),
        None => Ok(()),
    }
}

/// `/v1.41/nodes` → (Some((1, 41)), "/nodes").
pub fn split_version(path: &str) -> (Option<(u32, u32)>, &str) {
    if let Some(rest) = path.strip_prefix("/v") {
        let end = rest.find('/').unwrap_or(rest.len());
        if let Some((maj, min)) = rest[..end].split_once('.')
            && let (Ok(a), Ok(b)) = (maj.parse::<u32>(), min.parse::<u32>())
        {
            let tail = &rest[end..];
            return (Some((a, b)), if tail.is_empty() { "/" } else { tail });
        }
    }
    (None, path)
}

pub fn version_tuple(v: &str) -> (u32, u32) {
    let (a, b) = v.split_once('.').unwrap_or((v, "0"));
    (a.parse().unwrap_or(0), b.parse().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_stripped() {
        assert_eq!(split_version("/v1.41/nodes"), (Some((1, 41)), "/nodes"));
        assert_eq!(split_version("/nodes"), (None, "/nodes"));
        assert_eq!(split_version("/v1.45/_ping"), (Some((1, 45)), "/_ping"));
        assert_eq!(split_version("/version"), (None, "/version"));
    }

    #[test]
    fn both_filter_forms() {
        let q = HashMap::from([(
            "filters".to_string(),
            r#"{"service":["a","b"]}"#.to_string(),
        )]);
        assert_eq!(parse_filters(&q).unwrap()["service"], vec!["a", "b"]);
        let q = HashMap::from([(
            "filters".to_string(),
            r#"{"name":{"web":true}}"#.to_string(),
        )]);
        assert_eq!(parse_filters(&q).unwrap()["name"], vec!["web"]);
        let q = HashMap::from([("filters".to_string(), "nope".to_string())]);
        assert!(parse_filters(&q).is_err());
    }

    #[test]
    fn queries_are_decoded() {
        let q = parse_query(Some("filters=%7B%22a%22%3A%5B%22b%22%5D%7D&x=1+2&e"));
        assert_eq!(q["filters"], r#"{"a":["b"]}"#);
        assert_eq!(q["x"], "1 2");
        assert_eq!(q["e"], "");
    }
}
