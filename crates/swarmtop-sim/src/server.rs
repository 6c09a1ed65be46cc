//! Serving the simulated engine over HTTP/1.1 on a unix socket or TCP, like dockerd. Dropping
//! the [`SimServer`] stops accepting, closes open connections and removes the socket file.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::api;
use super::shared::Shared;

/// A running server; it stops when dropped.
pub struct SimServer {
    /// `unix:///path` or `tcp://host:port`: what to give `--host` or `docker -H`.
    pub host: String,
    socket: Option<PathBuf>,
    stop: watch::Sender<bool>,
    accept: JoinHandle<()>,
}

impl SimServer {
    pub fn host(&self) -> &str {
        &self.host
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.accept.abort();
        if let Some(p) = &self.socket {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn serve_conn<IO>(shared: Arc<Shared>, io: IO, mut stop: watch::Receiver<bool>)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        let svc = service_fn(move |req| {
            let shared = shared.clone();
            async move { Ok::<_, Infallible>(api::handle(shared, req).await) }
        });
        let conn = http1::Builder::new().serve_connection(TokioIo::new(io), svc);
        tokio::select! {
            // a client going away mid-stream is normal: nothing to report
            _ = conn => {}
            _ = stop.wait_for(|s| *s) => {}
        }
    });
}

/// Listens on a unix socket (a stale socket file nobody answers on is replaced).
pub(crate) async fn serve_unix(shared: Arc<Shared>, path: &Path) -> io::Result<SimServer> {
    if path.exists() {
        if tokio::net::UnixStream::connect(path).await.is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!("{} is in use by another server", path.display()),
            ));
        }
        std::fs::remove_file(path)?;
    }
    let listener = UnixListener::bind(path)?;
    let (stop, stop_rx) = watch::channel(false);
    let accept = tokio::spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => serve_conn(shared.clone(), stream, stop_rx.clone()),
                // e.g. too many open files: wait a moment rather than spin
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
    });
    Ok(SimServer {
        host: format!("unix://{}", path.display()),
        socket: Some(path.to_path_buf()),
        stop,
        accept,
    })
}

/// Listens on TCP; port 0 picks a free port (see `SimServer::host`).
pub(crate) async fn serve_tcp(shared: Arc<Shared>, addr: SocketAddr) -> io::Result<SimServer> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let (stop, stop_rx) = watch::channel(false);
    let accept = tokio::spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    serve_conn(shared.clone(), stream, stop_rx.clone());
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
    });
    Ok(SimServer {
        host: format!("tcp://{local}"),
        socket: None,
        stop,
        accept,
    })
}

/// A private directory (mode 0700) for a socket, removed when dropped.
pub struct PrivateDir(PathBuf);

impl PrivateDir {
    pub fn new(prefix: &str) -> io::Result<PrivateDir> {
        use std::os::unix::fs::DirBuilderExt;
        let base = std::env::temp_dir();
        let pid = std::process::id();
        // short names first: the path shows in the header
        for attempt in 0..100u64 {
            let name = match attempt {
                0 => format!("{prefix}-{pid}"),
                n => format!(
                    "{prefix}-{pid}-{:x}",
                    (super::time::now() as u64).wrapping_add(n)
                ),
            };
            let p = base.join(name);
            match std::fs::DirBuilder::new().mode(0o700).create(&p) {
                Ok(()) => return Ok(PrivateDir(p)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temporary directory name",
        ))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
