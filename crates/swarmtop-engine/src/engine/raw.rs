//! GET requests whose answer is read chunk by chunk, over the same transport as the bollard
//! client (the same hyper client, read-only gate included). For the big
//! lists of a large swarm: bollard reads a whole answer into memory and builds every field of
//! every object, which for 40,000 tasks is hundreds of megabytes; here each element of the
//! array is handed out as soon as it is complete and kept only as far as the caller wants.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bollard::BollardRequest;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::Response;
use hyper::body::Incoming;

use super::error::{EngineError, from_bollard};
use super::json_array::ArraySplitter;

/// The hyper client behind a bollard custom transport, shared with it.
pub type SendFn = Arc<
    dyn Fn(
            BollardRequest,
        ) -> Pin<
            Box<dyn Future<Output = Result<Response<Incoming>, bollard::errors::Error>> + Send>,
        > + Send
        + Sync,
>;

/// How to make a raw request to the engine: the transport's own (guarded) send function, and
/// the URL its requests start with.
#[derive(Clone)]
pub struct Raw {
    pub send: SendFn,
    pub base: String,
}

/// Headers must come within this time, and each chunk of the body within it after the last.
const WAIT: Duration = Duration::from_secs(super::timeout::REQUEST_TIMEOUT_SECS);

impl Raw {
    async fn get(&self, path: &str) -> Result<Response<Incoming>, bollard::errors::Error> {
        self.send(hyper::Method::GET, path, None).await
    }

    /// One request; `body` is sent as JSON.
    async fn send(
        &self,
        method: hyper::Method,
        path: &str,
        body: Option<Bytes>,
    ) -> Result<Response<Incoming>, bollard::errors::Error> {
        let mut b = hyper::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if body.is_some() {
            b = b.header(hyper::header::CONTENT_TYPE, "application/json");
        }
        let req = b.body(bollard::body_full(body.unwrap_or_default()))?;
        (self.send)(req).await
    }

    /// A request whose whole answer is read (within the request deadline); an answer that is
    /// not a success becomes the engine's error, in its words.
    pub async fn call(
        &self,
        endpoint: &str,
        method: hyper::Method,
        path: &str,
        body: Option<Bytes>,
    ) -> Result<Bytes, EngineError> {
        let timeout = || EngineError::Timeout {
            endpoint: endpoint.to_string(),
            secs: WAIT.as_secs(),
        };
        let work = async {
            let res = self
                .send(method, path, body)
                .await
                .map_err(|e| from_bollard(endpoint, &e))?;
            let status = res.status();
            let bytes = res
                .into_body()
                .collect()
                .await
                .map_err(|e| from_bollard(endpoint, &e.into()))?
                .to_bytes();
            if status.is_success() {
                Ok(bytes)
            } else {
                Err(api_error(endpoint, status.as_u16(), &bytes))
            }
        };
        tokio::time::timeout(WAIT, work)
            .await
            .unwrap_or_else(|_| Err(timeout()))
    }

    /// GETs `path` (with the API version prefix) and hands each element of the JSON array it
    /// answers to `each`, as soon as it is complete.
    pub async fn get_array(
        &self,
        endpoint: &str,
        path: &str,
        mut each: impl FnMut(&[u8]),
    ) -> Result<(), EngineError> {
        let res = match tokio::time::timeout(WAIT, self.get(path)).await {
            Ok(r) => r.map_err(|e| from_bollard(endpoint, &e))?,
            Err(_) => {
                return Err(EngineError::Timeout {
                    endpoint: endpoint.to_string(),
                    secs: WAIT.as_secs(),
                });
            }
        };
        let status = res.status();
        let mut body = res.into_body();
        if !status.is_success() {
            let bytes = match tokio::time::timeout(WAIT, body.collect()).await {
                Ok(Ok(b)) => b.to_bytes(),
                _ => Bytes::new(),
            };
            return Err(api_error(endpoint, status.as_u16(), &bytes));
        }
        let mut split = ArraySplitter::default();
        let bad = |detail: String| EngineError::Unreachable {
            endpoint: endpoint.to_string(),
            detail,
        };
        loop {
            let frame = match tokio::time::timeout(WAIT, body.frame()).await {
                Ok(Some(Ok(f))) => f,
                Ok(Some(Err(e))) => return Err(from_bollard(endpoint, &e.into())),
                Ok(None) => break,
                Err(_) => {
                    return Err(EngineError::Timeout {
                        endpoint: endpoint.to_string(),
                        secs: WAIT.as_secs(),
                    });
                }
            };
            if let Ok(data) = frame.into_data() {
                split
                    .feed(&data, &mut each)
                    .map_err(|e| bad(format!("{path}: {e}")))?;
            }
        }
        split.finish().map_err(|e| bad(format!("{path}: {e}")))
    }
}

/// The engine's refusal as an error: its `message` when it sent one, else the body's text.
fn api_error(endpoint: &str, status: u16, body: &[u8]) -> EngineError {
    let message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message")?.as_str().map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_string());
    let err = bollard::errors::Error::DockerResponseServerError {
        status_code: status,
        message,
    };
    from_bollard(endpoint, &err)
}

/// `path?filters=...` with the filters as the engine wants them (JSON, URL-encoded).
pub fn with_filters(path: &str, filters: &HashMap<String, Vec<String>>) -> String {
    if filters.is_empty() {
        return path.to_string();
    }
    // sorted, so the same filters make the same URL
    let sorted: std::collections::BTreeMap<&String, &Vec<String>> = filters.iter().collect();
    let json = serde_json::to_string(&sorted).unwrap_or_default();
    format!("{path}?filters={}", percent_encode(&json))
}

pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_json_and_url_encoded() {
        let f = HashMap::from([("desired-state".to_string(), vec!["running".to_string()])]);
        assert_eq!(
            with_filters("/v1.41/tasks", &f),
            "/v1.41/tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D"
        );
        assert_eq!(with_filters("/tasks", &HashMap::new()), "/tasks");
    }
}
