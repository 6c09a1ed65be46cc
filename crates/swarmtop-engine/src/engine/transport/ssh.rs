//! `ssh://` the docker CLI's way: for every HTTP connection, spawn the system `ssh` running
//! `docker system dial-stdio` on the remote host and speak HTTP over its stdin/stdout. This
//! honours `~/.ssh/config`, agents and ProxyJump, which a built-in SSH client would not.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use crate::connect::SshTarget;

/// The `ssh` argument list (without the program): `-l`/`-p` from the URL, `-J` through a jump
/// host (a node reached through its manager), no prompts (the TUI owns the terminal), and `--`
/// before the destination so it can never be read as an option.
pub fn ssh_args(target: &SshTarget, jump: Option<&SshTarget>) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(u) = &target.user {
        args.extend(["-l".to_string(), u.clone()]);
    }
    if let Some(p) = target.port {
        args.extend(["-p".to_string(), p.to_string()]);
    }
    if let Some(j) = jump {
        args.extend(["-J".to_string(), jump_spec(j)]);
    }
    args.extend(
        [
            "-o",
            "ConnectTimeout=30",
            "-o",
            "BatchMode=yes",
            "-T",
            "--",
            target.host.as_str(),
            "docker",
            "system",
            "dial-stdio",
        ]
        .map(str::to_string),
    );
    args
}

/// `[user@]host[:port]` as `ssh -J` reads it (an IPv6 host in brackets).
fn jump_spec(j: &SshTarget) -> String {
    let mut s = String::new();
    if let Some(u) = &j.user {
        s.push_str(u);
        s.push('@');
    }
    if j.host.contains(':') {
        s.push_str(&format!("[{}]", j.host));
    } else {
        s.push_str(&j.host);
    }
    if let Some(p) = j.port {
        s.push_str(&format!(":{p}"));
    }
    s
}

/// A tower connector that yields one `ssh` process per connection.
#[derive(Clone)]
pub struct SshConnector {
    pub target: SshTarget,
    /// The host to go through (`ssh -J`), for a node reached through its manager.
    pub jump: Option<SshTarget>,
}

impl tower_service::Service<Uri> for SshConnector {
    type Response = TokioIo<SshStream>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, io::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), io::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _uri: Uri) -> Self::Future {
        let target = self.target.clone();
        let jump = self.jump.clone();
        Box::pin(async move { SshStream::spawn(&target, jump.as_ref()).map(TokioIo::new) })
    }
}

/// stdin/stdout of one `ssh ... docker system dial-stdio` process.
pub struct SshStream {
    // kept so the process lives (and dies, kill_on_drop) with the connection
    child: Option<Child>,
    stdin: ChildStdin,
    stdout: ChildStdout,
    stderr: Arc<Mutex<String>>,
    target: String,
    got_bytes: bool,
    exit_wait: Option<Pin<Box<dyn Future<Output = io::Error> + Send>>>,
}

const STDERR_KEEP: usize = 2048;

impl SshStream {
    fn spawn(target: &SshTarget, jump: Option<&SshTarget>) -> io::Result<SshStream> {
        let mut child = Command::new("ssh")
            .args(ssh_args(target, jump))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot run ssh for {target}: {e} (is OpenSSH's `ssh` on PATH?)"),
                )
            })?;
        let (Some(stdin), Some(stdout), Some(mut err)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(io::Error::other("ssh started without its pipes"));
        };
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 512];
            while let Ok(n) = err.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                if let Ok(mut s) = sink.lock()
                    && s.len() < STDERR_KEEP
                {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        Ok(SshStream {
            child: Some(child),
            stdin,
            stdout,
            stderr,
            target: target.to_string(),
            got_bytes: false,
            exit_wait: None,
        })
    }

    /// After ssh closed stdout before any reply: wait briefly for its exit status and stderr,
    /// and turn them into the error the user sees.
    fn failure(&mut self) -> Pin<Box<dyn Future<Output = io::Error> + Send>> {
        let stderr = self.stderr.clone();
        let target = self.target.clone();
        let child = self.child.take();
        Box::pin(async move {
            let status = match child {
                Some(mut c) => tokio::time::timeout(Duration::from_secs(2), c.wait())
                    .await
                    .ok()
                    .and_then(Result::ok),
                None => None,
            };
            // stderr arrives on its own pipe: give it a moment to drain
            tokio::time::sleep(Duration::from_millis(50)).await;
            let text = stderr
                .lock()
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            let code = match status.and_then(|s| s.code()) {
                Some(c) => format!("exit status {c}"),
                None => "connection closed".to_string(),
            };
            let detail = match text.lines().rev().find(|l| !l.trim().is_empty()) {
                Some(l) => format!(": {}", l.trim()),
                None => String::new(),
            };
            io::Error::new(
                io::ErrorKind::ConnectionAborted,
                SshFailure(format!("ssh to {target} failed ({code}){detail}")),
            )
        })
    }
}

/// The message of a failed ssh transport; found again in an error's source chain.
#[derive(Debug)]
pub struct SshFailure(pub String);

impl std::fmt::Display for SshFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SshFailure {}

impl AsyncRead for SshStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Some(fut) = this.exit_wait.as_mut() {
            return fut.as_mut().poll(cx).map(Err);
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.stdout).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() == before && !this.got_bytes => {
                // EOF before the engine said anything: ssh itself failed
                let mut fut = this.failure();
                let polled = fut.as_mut().poll(cx);
                this.exit_wait = Some(fut);
                polled.map(Err)
            }
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.got_bytes = true;
                }
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl AsyncWrite for SshStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stdin).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stdin).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stdin).poll_shutdown(cx)
    }
}

impl Connection for SshStream {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_put_the_host_after_double_dash() {
        let t = SshTarget {
            user: Some("root".into()),
            host: "mgr".into(),
            port: Some(2222),
        };
        let a = ssh_args(&t, None);
        let dd = a.iter().position(|x| x == "--").unwrap();
        assert_eq!(&a[..4], ["-l", "root", "-p", "2222"]);
        assert_eq!(a[dd + 1], "mgr");
        assert_eq!(&a[dd + 2..], ["docker", "system", "dial-stdio"]);
        assert!(a.contains(&"BatchMode=yes".to_string()));
        assert!(!a.contains(&"-J".to_string()));
    }

    #[test]
    fn a_node_is_reached_through_its_manager_with_dash_j() {
        let node = SshTarget {
            user: Some("ops".into()),
            host: "10.0.0.13".into(),
            port: None,
        };
        let manager = SshTarget {
            user: Some("ops".into()),
            host: "mgr.example".into(),
            port: Some(2222),
        };
        let a = ssh_args(&node, Some(&manager));
        let j = a.iter().position(|x| x == "-J").unwrap();
        let dd = a.iter().position(|x| x == "--").unwrap();
        assert!(j < dd, "an option, before the destination");
        assert_eq!(a[j + 1], "ops@mgr.example:2222");
        assert_eq!(a[dd + 1], "10.0.0.13");
        let v6 = SshTarget {
            user: None,
            host: "fd00::1".into(),
            port: Some(22),
        };
        assert_eq!(jump_spec(&v6), "[fd00::1]:22");
    }
}
