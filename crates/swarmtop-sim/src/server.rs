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
use super::model::node_hostname;
use super::shared::{Shared, Who};

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

/// The name a socket's connections are counted under.
fn socket_name(who: &Who) -> &str {
    match who {
        Who::Manager => "manager",
        Who::Node { hostname, .. } => hostname,
    }
}

fn serve_conn<IO>(shared: Arc<Shared>, who: Arc<Who>, io: IO, mut stop: watch::Receiver<bool>)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        shared.connection(socket_name(&who), true);
        let counts = shared.clone();
        let name = who.clone();
        let svc = service_fn(move |req| {
            let shared = shared.clone();
            let who = who.clone();
            async move { Ok::<_, Infallible>(api::handle(shared, &who, req).await) }
        });
        let conn = http1::Builder::new().serve_connection(TokioIo::new(io), svc);
        tokio::select! {
            // a client going away mid-stream is normal: nothing to report
            _ = conn => {}
            _ = stop.wait_for(|s| *s) => {}
        }
        counts.connection(socket_name(&name), false);
    });
}

/// Listens on a unix socket (a stale socket file nobody answers on is replaced).
pub(crate) async fn serve_unix(shared: Arc<Shared>, path: &Path) -> io::Result<SimServer> {
    serve_unix_as(shared, Who::Manager, path).await
}

async fn serve_unix_as(shared: Arc<Shared>, who: Who, path: &Path) -> io::Result<SimServer> {
    let who = Arc::new(who);
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
                Ok((stream, _)) => serve_conn(shared.clone(), who.clone(), stream, stop_rx.clone()),
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
    let who = Arc::new(Who::Manager);
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let (stop, stop_rx) = watch::channel(false);
    let accept = tokio::spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    serve_conn(shared.clone(), who.clone(), stream, stop_rx.clone());
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

/// How often the node sockets follow the swarm (a node gone down stops answering).
const NODE_SYNC: std::time::Duration = std::time::Duration::from_millis(200);

/// One unix socket per node, `<dir>/<hostname>.sock`, each answering as that node's engine
/// while the node is up; a node down (`Sim::node_down`) closes its listener and connections,
/// and its socket file stays, so a client is refused as by a dead node's engine. Nodes that
/// join get a socket, nodes removed lose theirs. Dropping this stops them all and removes the
/// socket files.
pub struct NodeSockets {
    dir: PathBuf,
    stop: watch::Sender<bool>,
    sync: JoinHandle<()>,
}

impl NodeSockets {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The socket of the node with this hostname.
    pub fn socket(&self, hostname: &str) -> PathBuf {
        self.dir.join(format!("{hostname}.sock"))
    }

    /// config.yaml's `node_template` that points swarmtop at these sockets.
    pub fn template(&self) -> String {
        format!("unix://{}/{{hostname}}.sock", self.dir.display())
    }
}

impl Drop for NodeSockets {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.sync.abort();
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "sock") {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

/// A node's socket while it is up.
struct Serving {
    hostname: String,
    server: SimServer,
}

pub(crate) async fn serve_nodes(shared: Arc<Shared>, dir: &Path) -> io::Result<NodeSockets> {
    std::fs::create_dir_all(dir)?;
    let dir = dir.to_path_buf();
    let mut serving: std::collections::HashMap<String, Serving> = Default::default();
    // the first sockets are up before this returns
    sync_nodes(&shared, &dir, &mut serving).await?;
    let (stop, mut stop_rx) = watch::channel(false);
    let weak = Arc::downgrade(&shared);
    drop(shared);
    let d = dir.clone();
    let sync = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(NODE_SYNC) => {}
                _ = stop_rx.wait_for(|s| *s) => return,
            }
            let Some(shared) = weak.upgrade() else {
                return;
            };
            let _ = sync_nodes(&shared, &d, &mut serving).await;
        }
    });
    Ok(NodeSockets { dir, stop, sync })
}

/// Serves the nodes that are up and not served yet; stops the ones down or gone (a down
/// node's socket file is left, unanswered).
async fn sync_nodes(
    shared: &Arc<Shared>,
    dir: &Path,
    serving: &mut std::collections::HashMap<String, Serving>,
) -> io::Result<()> {
    let nodes: Vec<(String, String, bool)> = {
        let m = shared.model();
        m.nodes()
            .filter_map(|n| {
                let id = n.id.clone()?;
                let host = node_hostname(n).to_string();
                let up = n.status.as_ref().and_then(|s| s.state)
                    == Some(bollard::models::NodeState::READY);
                // a hostname that cannot be a file name has no socket
                (!host.is_empty() && !host.contains('/') && host != "." && host != "..")
                    .then_some((id, host, up))
            })
            .collect()
    };
    let listed: std::collections::HashSet<&str> =
        nodes.iter().map(|(id, _, _)| id.as_str()).collect();
    let gone: Vec<String> = serving
        .keys()
        .filter(|id| !listed.contains(id.as_str()))
        .cloned()
        .collect();
    for id in gone {
        // dropping the server removes its socket file
        serving.remove(&id);
    }
    for (id, host, up) in nodes {
        let path = dir.join(format!("{host}.sock"));
        match (up, serving.get(&id)) {
            (true, Some(s)) if s.hostname == host => {}
            (true, _) => {
                serving.remove(&id);
                // the file a down node left: nobody answers on it, so it is replaced
                let _ = std::fs::remove_file(&path);
                let who = Who::Node {
                    id: id.clone(),
                    hostname: host.clone(),
                };
                let server = serve_unix_as(shared.clone(), who, &path).await?;
                serving.insert(
                    id,
                    Serving {
                        hostname: host,
                        server,
                    },
                );
            }
            (false, Some(_)) => {
                if let Some(mut s) = serving.remove(&id) {
                    // keep the file: connecting is refused, as to a dead engine
                    s.server.socket = None;
                }
            }
            (false, None) => {
                if !path.exists() {
                    // a node down from the start: a socket nobody listens on
                    let l = std::os::unix::net::UnixListener::bind(&path)?;
                    drop(l);
                }
            }
        }
    }
    Ok(())
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
