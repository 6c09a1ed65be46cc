//! The docker context store reader on a real (scratch) store: `config.json` names the current
//! context, its `meta.json` holds the endpoint. Through `current_context`, `ContextStore::load`
//! and `list`, and `resolve` as `swarmtop` (no flags) runs it. Nothing may panic; every error
//! says something; an endpoint that comes out is one swarmtop may dial (a host that could
//! become an ssh option never does).
//!
//! Input: `meta.json [%%% config.json]` (no config.json: the context is `fuzz`).

#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use swarmtop::connect::context_store::current_context;
use swarmtop::connect::{ConnectOptions, ContextStore, Env, HostUrl, resolve};
use swarmtop_fuzz::{parts, scratch};

struct FuzzEnv(PathBuf);

impl Env for FuzzEnv {
    fn var(&self, key: &str) -> Option<String> {
        (key == "DOCKER_CONFIG").then(|| self.0.display().to_string())
    }
    fn home(&self) -> Option<PathBuf> {
        None
    }
}

fn write_config(dir: &Path, config: Option<&str>) {
    let cfg = dir.join("config.json");
    match config {
        Some(c) => std::fs::write(cfg, c).expect("config.json"),
        None => {
            let _ = std::fs::remove_file(cfg);
        }
    }
}

/// Stores `meta` as the only context, `name`, with a CA file beside it.
fn write_store(dir: &Path, name: &str, meta: &str) {
    let contexts = dir.join("contexts");
    let id = hex::encode(Sha256::digest(name.as_bytes()));
    let meta_dir = contexts.join("meta").join(&id);
    if !meta_dir.is_dir() {
        let _ = std::fs::remove_dir_all(&contexts);
        std::fs::create_dir_all(&meta_dir).expect("meta dir");
        let tls = contexts.join("tls").join(&id).join("docker");
        std::fs::create_dir_all(&tls).expect("tls dir");
        std::fs::write(tls.join("ca.pem"), "not a certificate").expect("ca.pem");
    }
    std::fs::write(meta_dir.join("meta.json"), meta).expect("meta.json");
}

fn check_host(h: &HostUrl) {
    if let HostUrl::Ssh(t) = h {
        assert!(
            !t.host.is_empty() && !t.host.starts_with('-'),
            "ssh host {:?}",
            t.host
        );
        if let Some(u) = &t.user {
            assert!(!u.is_empty() && !u.starts_with('-'), "ssh user {u:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let parts = parts(data, 2);
    let dir = scratch().join("docker");
    std::fs::create_dir_all(&dir).expect("docker config dir");
    let config = parts.get(1).map(String::as_str);
    write_config(&dir, config);
    let name = match current_context(&dir) {
        Ok(Some(n)) => n,
        Ok(None) => "fuzz".to_string(),
        Err(e) => {
            assert!(!e.to_string().trim().is_empty());
            "fuzz".to_string()
        }
    };
    // the meta.json goes under the context config.json names, so the reader gets to it
    write_store(&dir, &name, &parts[0]);
    let store = ContextStore::new(&dir);
    match store.load(&name) {
        Ok(c) => {
            assert!(!c.host.is_empty());
            if let Ok(h) = HostUrl::parse(&c.host, true) {
                check_host(&h);
            }
        }
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
    for c in store.list() {
        assert!(!c.host.is_empty());
    }
    match resolve(&ConnectOptions::default(), &FuzzEnv(dir.clone())) {
        Ok(eps) => {
            assert!(!eps.is_empty());
            for ep in &eps {
                check_host(&ep.host);
                assert!(!ep.label().is_empty());
            }
        }
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
});
