//! A process with a terminal in a container (`docker exec -it`), over the engine's exec API:
//! `POST /containers/{id}/exec`, `POST /exec/{id}/start` with the connection hijacked, and
//! `POST /exec/{id}/resize`. The start is made here rather than with bollard's `start_exec`:
//! with a TTY the stream is raw bytes, and bollard's decoder takes a chunk that starts with a
//! byte 0, 1 or 2 for a multiplexing header (and then waits for a length that never comes).
//! Every request leaves through the transport's read-only gate: a read-only session sends none.

use bollard::models::ExecConfig;
use bollard::query_parameters::ResizeExecOptions;
use bytes::Bytes;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};

use super::client::Engine;
use super::error::{EngineError, from_bollard};
use super::raw::percent_encode;

/// A started exec: what the process writes, what it reads.
pub struct Attached {
    pub id: String,
    pub output: Box<dyn AsyncRead + Send + Unpin>,
    pub input: Box<dyn AsyncWrite + Send + Unpin>,
}

/// What to run, and the terminal it runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecSpec {
    pub container: String,
    pub cmd: Vec<String>,
    /// `TERM=...` and the like.
    pub env: Vec<String>,
    pub width: u16,
    pub height: u16,
}

impl Engine {
    /// Creates the exec and starts it attached, with a TTY of the given size.
    pub async fn exec_attached(&self, spec: &ExecSpec) -> Result<Attached, EngineError> {
        let label = self.label();
        let config = ExecConfig {
            attach_stdin: Some(true),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(true),
            cmd: Some(spec.cmd.clone()),
            env: Some(spec.env.clone()),
            // API 1.42+ sizes the TTY from the start; older engines ignore it (resize below)
            console_size: Some(vec![usize::from(spec.height), usize::from(spec.width)]),
            ..Default::default()
        };
        let created = self
            .docker
            .create_exec(&spec.container, config)
            .await
            .map_err(|e| from_bollard(&label, &e))?;
        let id = created.id;
        let path = format!("{}/exec/{}/start", self.api_prefix(), percent_encode(&id));
        let body = serde_json::json!({ "Detach": false, "Tty": true }).to_string();
        let req = hyper::Request::builder()
            .method(hyper::Method::POST)
            .uri(format!("{}{path}", self.raw.base))
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .header(hyper::header::CONNECTION, "Upgrade")
            .header(hyper::header::UPGRADE, "tcp")
            .body(bollard::body_full(Bytes::from(body)))
            .map_err(|e| EngineError::Other(format!("exec in {}: {e}", spec.container)))?;
        let res = (self.raw.send)(req)
            .await
            .map_err(|e| from_bollard(&label, &e))?;
        let status = res.status();
        if status != hyper::StatusCode::SWITCHING_PROTOCOLS && !status.is_success() {
            use http_body_util::BodyExt;
            let bytes = res
                .into_body()
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            let message = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v.get("message")?.as_str().map(str::to_string))
                .unwrap_or_else(|| String::from_utf8_lossy(&bytes).trim().to_string());
            return Err(EngineError::Api {
                status: status.as_u16(),
                message,
            });
        }
        let upgraded = hyper::upgrade::on(res)
            .await
            .map_err(|e| EngineError::Unreachable {
                endpoint: label.clone(),
                detail: format!("the exec's connection was not handed over: {e}"),
            })?;
        let (output, input) = tokio::io::split(TokioIo::new(upgraded));
        // engines before API 1.42 start at 80x24: say the real size at once
        let _ = self.exec_resize(&id, spec.width, spec.height).await;
        Ok(Attached {
            id,
            output: Box::new(output),
            input: Box::new(input),
        })
    }

    /// The exec's TTY is now `width` x `height`.
    pub async fn exec_resize(&self, id: &str, width: u16, height: u16) -> Result<(), EngineError> {
        self.docker
            .resize_exec(
                id,
                ResizeExecOptions {
                    h: i32::from(height),
                    w: i32::from(width),
                },
            )
            .await
            .map_err(|e| from_bollard(&self.label(), &e))
    }

    /// The exec's exit code once its process ended (None while it runs or when not said).
    pub async fn exec_exit_code(&self, id: &str) -> Result<Option<i64>, EngineError> {
        let r = self
            .docker
            .inspect_exec(id)
            .await
            .map_err(|e| from_bollard(&self.label(), &e))?;
        Ok(if r.running == Some(true) {
            None
        } else {
            r.exit_code
        })
    }
}
