//! What a simulated swarm's handles share: the model, its faults and counters, and the clock.
//! Apart from the crate root (the `Sim` handle) so that the server and the HTTP handlers,
//! which the handle starts, do not import the handle's module.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::faults::Faults;
use crate::model::Model;
use crate::time;

/// Called with the model each time simulated time advances (e.g. the demo's director).
pub type Director = Box<dyn FnMut(&mut Model, time::Nanos) + Send>;

/// Which engine a socket answers as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Who {
    /// The manager clients connect to (which is a node too: its containers are answered).
    Manager,
    /// One node's own engine (`Sim::serve_nodes`).
    Node { id: String, hostname: String },
}

/// Connections of one socket: accepted since the start, and open now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Connections {
    pub accepted: u64,
    pub open: u64,
}

pub(crate) struct Shared {
    model: Mutex<Model>,
    pub(crate) faults: Faults,
    requests: Mutex<BTreeMap<String, u64>>,
    /// Per node socket (by hostname): requests per route.
    node_requests: Mutex<BTreeMap<String, BTreeMap<String, u64>>>,
    /// Per socket (`manager`, or a node's hostname): connections accepted and open now.
    connections: Mutex<BTreeMap<String, Connections>>,
    pub(crate) driver: Mutex<Option<JoinHandle<()>>>,
    pub(crate) director: Mutex<Option<Director>>,
    /// Wakes the clock after a change from outside, so new work is not left waiting.
    pub(crate) wake: Arc<Notify>,
}

impl Shared {
    pub(crate) fn new(model: Model) -> Shared {
        Shared {
            model: Mutex::new(model),
            faults: Faults::default(),
            requests: Mutex::new(BTreeMap::new()),
            node_requests: Mutex::new(BTreeMap::new()),
            connections: Mutex::new(BTreeMap::new()),
            driver: Mutex::new(None),
            director: Mutex::new(None),
            wake: Arc::new(Notify::new()),
        }
    }

    pub(crate) fn model(&self) -> MutexGuard<'_, Model> {
        // a panic while holding the lock leaves a usable model: keep serving
        self.model.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn count(&self, route: String) {
        let mut r = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        *r.entry(route).or_default() += 1;
    }

    pub(crate) fn count_node(&self, hostname: &str, route: String) {
        let mut r = self.node_requests.lock().unwrap_or_else(|e| e.into_inner());
        *r.entry(hostname.to_string())
            .or_default()
            .entry(route)
            .or_default() += 1;
    }

    pub(crate) fn node_requests(&self) -> BTreeMap<String, BTreeMap<String, u64>> {
        self.node_requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A connection to `socket` opened (`true`) or closed.
    pub(crate) fn connection(&self, socket: &str, open: bool) {
        let mut c = self.connections.lock().unwrap_or_else(|e| e.into_inner());
        let e = c.entry(socket.to_string()).or_default();
        if open {
            e.accepted += 1;
            e.open += 1;
        } else {
            e.open = e.open.saturating_sub(1);
        }
    }

    pub(crate) fn connections(&self) -> BTreeMap<String, Connections> {
        self.connections
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn requests(&self) -> BTreeMap<String, u64> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Something changed the model: let the clock look at it now.
    pub(crate) fn poke(&self) {
        self.wake.notify_one();
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(d) = self.driver.get_mut().ok().and_then(|d| d.take()) {
            d.abort();
        }
    }
}
