//! A deploy that fails part way (a leader crash, a cut, an error answer): what is in place and
//! what is not, worked out by planning the same file again against the swarm as it is now (on
//! the session's engine, another manager after a move), so the answer is what the swarm holds,
//! not what answers came back. A "failed to create" for an object that exists afterwards (the
//! engine made it, the answer was lost) is said as such. Deploying again does only what is left.

use std::path::Path;
use std::time::Duration;

use tokio::sync::watch;

use super::commands::plan_text;
use super::interpolate::Env;
use super::plan::{Action, Kind, Plan, PlanOptions, Step};
use crate::engine::Engine;

/// How an account of a cut-off deploy starts: the editor's (it offers to deploy again on it).
pub use crate::app::editor::CUT_OFF;

/// How long to try reading the swarm again after a failure (a new leader is being elected, the
/// session is moving to another manager).
const REREAD_FOR: Duration = Duration::from_secs(60);
const REREAD_EVERY: Duration = Duration::from_secs(2);

/// Deploys `text` as `stack` on the session's engine; on a failure, the account of what is done
/// and what is not (starting with [`CUT_OFF`]).
pub async fn deploy_text_accounted(
    mut engines: watch::Receiver<Engine>,
    stack: &str,
    name: &str,
    text: &str,
    dir: &Path,
    env: &Env,
) -> Result<String, String> {
    let engine = engines.borrow_and_update().clone();
    let plan = |e: Engine| async move {
        plan_text(&e, stack, name, text, dir, env, PlanOptions::default()).await
    };
    let before = plan(engine.clone()).await.map_err(|e| e.to_string())?;
    if before.is_empty() {
        return Ok(format!("stack {stack}: nothing to change"));
    }
    let error = match super::deploy::deploy(&engine, &before).await {
        Ok(report) => return Ok(report.done.join("\n")),
        // refused before anything was sent
        Err(super::StackError::Invalid(e)) => return Err(e),
        Err(e) => e.to_string(),
    };
    crate::logfile::log(&format!("deploy of {stack} failed: {error}"));
    // read the swarm again, wherever the session is now
    let deadline = tokio::time::Instant::now() + REREAD_FOR;
    let mut last = String::new();
    while tokio::time::Instant::now() < deadline {
        let now = engines.borrow_and_update().clone();
        match plan(now.clone()).await {
            Ok(after) => return Err(account(stack, &error, &before, Some(&after), &now.label())),
            Err(e) => last = e.to_string(),
        }
        let _ = tokio::time::timeout(REREAD_EVERY, engines.changed()).await;
    }
    Err(format!(
        "{}\n\ncould not read the swarm again to tell what was done ({last})",
        account(stack, &error, &before, None, "")
    ))
}

fn key(s: &Step) -> (Kind, &str) {
    (s.kind, s.name.as_str())
}

fn done_words(s: &Step) -> String {
    let verb = match s.action {
        Action::Create => "created",
        Action::Update { .. } => "updated",
        Action::Remove { .. } => "removed",
    };
    format!("{verb} {} {}", s.kind.word(), s.name)
}

fn todo_words(s: &Step) -> String {
    let verb = match s.action {
        Action::Create => "create",
        Action::Update { .. } => "update",
        Action::Remove { .. } => "remove",
    };
    format!("{verb} {} {}", s.kind.word(), s.name)
}

/// The account: the error, the steps of `before` now in place (absent from `after`, the plan
/// worked out again), those still to do, and a reported failure that in fact happened.
/// `after` is None when the swarm could not be read again.
pub fn account(
    stack: &str,
    error: &str,
    before: &Plan,
    after: Option<&Plan>,
    read_from: &str,
) -> String {
    let mut out = vec![format!("{CUT_OFF}: stack {stack}: {error}"), String::new()];
    let Some(after) = after else {
        out.push("what was done is not known: the swarm did not answer".into());
        out.push("y deploys again: it does only what is not done yet (a deploy converges)".into());
        return out.join("\n");
    };
    let left: Vec<(Kind, &str)> = after.steps.iter().map(key).collect();
    let done: Vec<&Step> = before
        .steps
        .iter()
        .filter(|s| !left.contains(&key(s)))
        .collect();
    out.push(format!(
        "read again from {read_from}: {} done, {} not done",
        done.len(),
        after.steps.len()
    ));
    if done.is_empty() {
        out.push("  done: nothing".into());
    } else {
        out.push("  done:".into());
        out.extend(done.iter().map(|s| format!("  + {}", done_words(s))));
    }
    if after.steps.is_empty() {
        out.push("  not done: nothing, the stack is as the file says".into());
    } else {
        out.push("  not done:".into());
        out.extend(after.steps.iter().map(|s| format!("  ~ {}", todo_words(s))));
    }
    // "failed to create service x" for an x that is there now: the answer was lost, not the work
    for s in &done {
        let reported = format!("failed to {}", todo_words(s));
        if error.contains(&reported) {
            out.push(format!(
                "  note: {} {} was reported \"{reported}\" but it is in place now: the engine did it and the answer was lost",
                s.kind.word(),
                s.name
            ));
        }
    }
    out.push(String::new());
    if after.steps.is_empty() {
        out.push("nothing left to deploy".into());
    } else {
        out.push("y deploys again: it does only what is not done (a deploy converges)".into());
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(kind: Kind, name: &str, action: Action) -> Step {
        Step {
            kind,
            name: name.into(),
            action,
        }
    }

    fn update() -> Action {
        Action::Update {
            id: "x".into(),
            version: 1,
            changes: Vec::new(),
        }
    }

    fn plan(steps: Vec<Step>) -> Plan {
        Plan {
            stack: "shop".into(),
            steps,
            ..Plan::default()
        }
    }

    #[test]
    fn what_was_done_and_what_was_not_from_the_swarm_read_again() {
        let before = plan(vec![
            step(Kind::Network, "shop_default", Action::Create),
            step(Kind::Config, "shop_conf", Action::Create),
            step(Kind::Service, "shop_web", Action::Create),
            step(Kind::Service, "shop_api", update()),
            step(Kind::Service, "shop_db", Action::Create),
        ]);
        // the engine created shop_web but its answer was lost; api and db were not reached
        let after = plan(vec![
            step(Kind::Service, "shop_api", update()),
            step(Kind::Service, "shop_db", Action::Create),
        ]);
        let error = "failed to create service shop_web: cannot reach the engine at unix:///n1: connection reset";
        let a = account("shop", error, &before, Some(&after), "unix:///n2");
        assert!(a.starts_with(CUT_OFF), "{a}");
        assert!(
            a.contains("read again from unix:///n2: 3 done, 2 not done"),
            "{a}"
        );
        for d in [
            "+ created network shop_default",
            "+ created config shop_conf",
            "+ created service shop_web",
        ] {
            assert!(a.contains(d), "{d} in\n{a}");
        }
        for d in ["~ update service shop_api", "~ create service shop_db"] {
            assert!(a.contains(d), "{d} in\n{a}");
        }
        assert!(
            a.contains("service shop_web was reported \"failed to create service shop_web\" but it is in place now"),
            "{a}"
        );
        assert!(a.contains("y deploys again"), "{a}");
    }

    #[test]
    fn a_failure_that_did_it_all_says_nothing_is_left() {
        let before = plan(vec![step(Kind::Service, "shop_web", Action::Create)]);
        let a = account(
            "shop",
            "failed to create service shop_web: timeout",
            &before,
            Some(&plan(Vec::new())),
            "h",
        );
        assert!(a.contains("nothing left to deploy"), "{a}");
        assert!(!a.contains("y deploys again"), "{a}");
        let a = account("shop", "e", &before, None, "");
        assert!(a.contains("not known"), "{a}");
    }

    #[tokio::test]
    async fn a_deploy_cut_part_way_says_what_is_in_place_and_deploys_the_rest_again() {
        use crate::connect::Endpoint;
        use swarmtop_sim::{ErrorRule, PrivateDir, Route, SeedSpec, Sim};
        let sim = Sim::seeded(&SeedSpec {
            nodes: 2,
            managers: 1,
            services: 0,
            tasks_per_service: 0,
            history: 0,
            seed: 5,
        });
        let dir = PrivateDir::new("swarmtop-deploy-cut").unwrap();
        let sock = dir.path().join("docker.sock");
        let _server = sim.serve_unix(&sock).await.unwrap();
        let endpoint = Endpoint::unix_socket("test", sock);
        let engine = Engine::connect(&endpoint, &crate::access::Gate::open())
            .await
            .unwrap();
        let (_engines, rx) = watch::channel(engine);
        let text = "services:\n  web:\n    image: busybox:1\n  api:\n    image: busybox:1\n";
        // the leader is gone when the first service is sent
        sim.faults().fail(ErrorRule {
            route: Route::new(Some("POST"), "/services/create"),
            status: 503,
            message: "rpc error: code = Unknown desc = The swarm does not have a leader".into(),
            times: Some(1),
        });
        let env = Env::new();
        let a = deploy_text_accounted(rx.clone(), "shop", "shop.yml", text, dir.path(), &env)
            .await
            .expect_err("cut off");
        assert!(a.starts_with(CUT_OFF), "{a}");
        assert!(a.contains("+ created network shop_default"), "{a}");
        assert!(a.contains("~ create service shop_api"), "{a}");
        assert!(a.contains("~ create service shop_web"), "{a}");
        assert!(a.contains("y deploys again"), "{a}");
        // again: only what is left
        let done = deploy_text_accounted(rx, "shop", "shop.yml", text, dir.path(), &env)
            .await
            .expect("deployed");
        assert!(done.contains("Creating service shop_web"), "{done}");
        assert!(!done.contains("Creating network"), "{done}");
    }
}
