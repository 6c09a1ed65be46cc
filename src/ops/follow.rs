//! An action in flight when the session's manager is lost. A cut connection answers nothing
//! until the request times out (30 s), and the session moves to another manager after ~11 s:
//! the action stops waiting when the session moves, and is run once more there when running it
//! twice leaves the same result (it sets values; every write is sent with the version it read,
//! so the engine refuses one that would overwrite a change made meanwhile). Anything else
//! (a restart, a rollback, a create or a remove) is not repeated: the user is told it may or
//! may not have been done, and where to look.

use std::time::Duration;

use tokio::sync::watch;

use super::Op;
use super::run::run;
use crate::engine::Engine;

/// How long a failed action waits for the session to move before giving up on a retry.
const MOVE_WAIT: Duration = Duration::from_secs(30);

/// Runs `op` on the session's engine, following the session if it moves meanwhile.
pub async fn run_following(
    mut engines: watch::Receiver<Engine>,
    op: &Op,
) -> Result<String, String> {
    let first = engines.borrow_and_update().clone();
    let lost = tokio::select! {
        r = run(&first, op) => match r {
            Err(e) if e.is_connection() => {
                // wait for the session to move (or to reconnect) before trying again
                match tokio::time::timeout(MOVE_WAIT, engines.changed()).await {
                    Ok(Ok(())) => e.to_string(),
                    _ => return Err(e.to_string()),
                }
            }
            other => return other.map_err(|e| e.to_string()),
        },
        changed = engines.changed() => {
            if changed.is_err() {
                return Err(format!("{} stopped answering; the session ended", first.label()));
            }
            format!("{} stopped answering", first.label())
        }
    };
    let next = engines.borrow_and_update().clone();
    if !op.repeatable() {
        return Err(format!(
            "{lost} while this was being sent: it may or may not have been done; the session is now on {}: look there before doing it again",
            next.label()
        ));
    }
    match run(&next, op).await {
        Ok(done) => Ok(format!(
            "{done} (sent again on {} after {lost})",
            next.label()
        )),
        Err(e) => Err(format!("{e} (sent again on {} after {lost})", next.label())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::Endpoint;
    use swarmtop_sim::{LatencyRule, PrivateDir, Route, SeedSpec, Sim, SimServer};

    /// A simulated manager; two of the same seed are two managers of one swarm (same IDs).
    async fn manager(dir: &PrivateDir, name: &str) -> (Sim, SimServer, Engine) {
        let sim = Sim::seeded(&SeedSpec {
            nodes: 2,
            managers: 1,
            services: 1,
            tasks_per_service: 2,
            history: 0,
            seed: 7,
        });
        let sock = dir.path().join(name);
        let server = sim.serve_unix(&sock).await.unwrap();
        let endpoint = Endpoint::unix_socket("test", sock);
        let engine = Engine::connect(&endpoint, &crate::access::Gate::open())
            .await
            .unwrap();
        (sim, server, engine)
    }

    fn spec_of(sim: &Sim, id: &str) -> bollard::models::ServiceSpec {
        sim.with(|m| m.service(id).map(|s| s.spec().clone()))
            .expect("the service")
    }

    /// Manager a takes the write and never answers (a cut); the session moves to b.
    async fn cut_then_moved(op: impl Fn(&str) -> Op) -> (Result<String, String>, Sim, String) {
        let dir = PrivateDir::new("swarmtop-op-move").unwrap();
        let (a, _sa, ea) = manager(&dir, "a.sock").await;
        let (b, _sb, eb) = manager(&dir, "b.sock").await;
        let id = a
            .with(|m| m.services().next().map(|s| s.id().to_string()))
            .expect("a service");
        a.faults().add_latency(LatencyRule {
            route: Route::new(Some("POST"), "/services"),
            millis: 3_600_000,
        });
        let (engines, rx) = watch::channel(ea);
        let op = op(&id);
        let running = tokio::spawn(async move { run_following(rx, &op).await });
        // the write is on its way to a (it waits there) when the session moves
        tokio::time::timeout(Duration::from_secs(30), async {
            while !a.requests().keys().any(|k| k.starts_with("POST /services")) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("the write sent to a");
        engines.send_replace(eb);
        let r = tokio::time::timeout(Duration::from_secs(30), running)
            .await
            .expect("the action ends soon after the move")
            .unwrap();
        (r, b, id)
    }

    #[tokio::test]
    async fn a_scale_in_flight_is_sent_again_on_the_new_manager() {
        let (r, b, id) = cut_then_moved(|id| Op::Scale {
            service_id: id.into(),
            service: "s".into(),
            replicas: 5,
        })
        .await;
        let done = r.expect("scaled on b");
        assert!(done.contains("sent again on"), "{done}");
        let replicas = spec_of(&b, &id).mode.and_then(|m| m.replicated?.replicas);
        assert_eq!(replicas, Some(5));
    }

    #[tokio::test]
    async fn a_restart_in_flight_is_not_repeated_and_says_so() {
        let (r, b, id) = cut_then_moved(|id| Op::Restart {
            service_id: id.into(),
            service: "s".into(),
        })
        .await;
        let why = r.expect_err("not repeated");
        assert!(why.contains("may or may not have been done"), "{why}");
        let forced = spec_of(&b, &id).task_template.and_then(|t| t.force_update);
        assert!(forced.unwrap_or(0) == 0, "restarted on b: {forced:?}");
    }
}
