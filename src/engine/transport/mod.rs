//! Building a bollard client for an endpoint. Unix sockets use bollard's own connector; tcp,
//! TLS and ssh go through hyper clients of ours (connect timeouts, our TLS settings, ssh
//! processes) plugged in as bollard custom transports.

pub mod ssh;
pub mod tls;

use std::sync::Arc;
use std::time::Duration;

use bollard::{API_DEFAULT_VERSION, BollardRequest, Docker};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::raw::{Raw, SendFn};
use crate::connect::{Endpoint, HostUrl};

/// Seconds bollard waits for response headers of a request (streams are not bounded by it).
pub const REQUEST_TIMEOUT_SECS: u64 = 30;
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
/// (streamed) requests.
fn custom<C>(connector: C, base: String) -> Result<(Docker, Raw), TransportError>
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
            .pool_max_idle_per_host(4)
            .build(connector),
    );
    let send: SendFn = Arc::new(move |req: BollardRequest| {
        let client = client.clone();
        Box::pin(async move {
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
    Ok((docker, Raw::Custom { send, base }))
}

/// A client for the endpoint. No request is made here.
pub fn build(ep: &Endpoint) -> Result<Docker, TransportError> {
    Ok(build_with_raw(ep)?.0)
}

/// A client for the endpoint, and the way to make raw (streamed) requests over the same
/// transport. No request is made here.
pub fn build_with_raw(ep: &Endpoint) -> Result<(Docker, Raw), TransportError> {
    match &ep.host {
        HostUrl::Unix(path) => Ok((
            Docker::connect_with_unix(
                &path.to_string_lossy(),
                REQUEST_TIMEOUT_SECS,
                API_DEFAULT_VERSION,
            )?,
            Raw::Unix(path.clone()),
        )),
        HostUrl::Tcp { .. } => {
            let authority = ep.host.to_string().replacen("tcp://", "", 1);
            match &ep.tls {
                None => custom(http_connector(), format!("http://{authority}")),
                Some(t) => {
                    let cfg = tls::client_config(t)?;
                    let https = hyper_rustls::HttpsConnectorBuilder::new()
                        .with_tls_config(cfg)
                        .https_only()
                        .enable_http1()
                        .wrap_connector(http_connector());
                    custom(https, format!("https://{authority}"))
                }
            }
        }
        HostUrl::Ssh(target) => custom(
            ssh::SshConnector {
                target: target.clone(),
            },
            // the URL is only a label: every connection is a fresh ssh process
            "http://docker".to_string(),
        ),
    }
}
