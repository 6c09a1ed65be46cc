//! Building a bollard client for an endpoint. Every endpoint (unix socket, tcp, TLS, ssh) goes
//! through a hyper client of ours (connect timeouts, our TLS settings, ssh processes) plugged in
//! as a bollard custom transport, so that every request, bollard's and our raw ones, leaves
//! through one function: there the read-only [`Gate`] lets only reads out.

pub mod ssh;
pub mod tls;
mod unix;

use std::sync::Arc;
use std::time::Duration;

use bollard::{API_DEFAULT_VERSION, BollardRequest, Docker};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::raw::{Raw, SendFn};
use crate::access::Gate;
use crate::connect::{Endpoint, HostUrl};

pub use super::timeout::REQUEST_TIMEOUT_SECS;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error("{0}")]
    Bollard(#[from] bollard::errors::Error),
}

fn http_connector() -> HttpConnector {
    let mut c = HttpConnector::new();
    c.set_connect_timeout(Some(CONNECT_TIMEOUT));
    c.enforce_http(false);
    c.set_nodelay(true);
    c
}

/// Wraps any hyper connector as a bollard custom transport; the same client serves raw
/// (streamed) requests. `idle`: connections kept open for reuse.
fn custom<C>(
    connector: C,
    base: String,
    idle: usize,
    gate: &Gate,
) -> Result<(Docker, Raw), TransportError>
where
    C: tower_service::Service<hyper::Uri> + Clone + Send + Sync + 'static,
    C::Response: hyper::rt::Read
        + hyper::rt::Write
        + hyper_util::client::legacy::connect::Connection
        + Send
        + Unpin
        + 'static,
    C::Future: Send + Unpin + 'static,
    C::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let client = Arc::new(
        Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(idle)
            .build(connector),
    );
    let gate = gate.clone();
    let send: SendFn = Arc::new(move |req: BollardRequest| {
        let client = client.clone();
        // decided before anything is sent: a refused request never reaches the connection
        let allowed = gate.check(req.method(), req.uri().path());
        Box::pin(async move {
            if let Err(refusal) = allowed {
                return Err(bollard::errors::Error::from(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    refusal,
                )));
            }
            client
                .request(req)
                .await
                .map_err(bollard::errors::Error::from)
        })
    });
    let for_bollard = send.clone();
    let docker = Docker::connect_with_custom_transport(
        move |req: BollardRequest| for_bollard(req),
        Some(base.clone()),
        REQUEST_TIMEOUT_SECS,
        API_DEFAULT_VERSION,
    )?;
    Ok((docker, Raw { send, base }))
}

/// A client for the endpoint, and the way to make raw (streamed) requests over the same
/// transport; `gate` decides what may be sent. No request is made here.
pub fn build_with_raw(ep: &Endpoint, gate: &Gate) -> Result<(Docker, Raw), TransportError> {
    match &ep.host {
        HostUrl::Unix(path) => {
            // said now, in bollard's words, rather than at the first request
            if !path.exists() {
                return Err(bollard::errors::Error::SocketNotFoundError(
                    path.to_string_lossy().into_owned(),
                )
                .into());
            }
            // no idle connections, as bollard's own unix client: a socket is cheap to open
            custom(
                unix::UnixConnector { path: path.clone() },
                "http://localhost".to_string(),
                0,
                gate,
            )
        }
        HostUrl::Tcp { .. } => {
            let authority = ep.host.to_string().replacen("tcp://", "", 1);
            match &ep.tls {
                None => custom(http_connector(), format!("http://{authority}"), 4, gate),
                Some(t) => {
                    let cfg = tls::client_config(t)?;
                    let https = hyper_rustls::HttpsConnectorBuilder::new()
                        .with_tls_config(cfg)
                        .https_only()
                        .enable_http1()
                        .wrap_connector(http_connector());
                    custom(https, format!("https://{authority}"), 4, gate)
                }
            }
        }
        HostUrl::Ssh(target) => custom(
            ssh::SshConnector {
                target: target.clone(),
                jump: ep.jump.clone(),
            },
            // the URL is only a label: every connection is a fresh ssh process
            "http://docker".to_string(),
            4,
            gate,
        ),
    }
}
