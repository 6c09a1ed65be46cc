//! Actions on a task's own container, which lives on the task's node (its engine is reached by
//! the per-node worker): the container's logs straight from that node (also of an earlier,
//! exited attempt while its container exists; and the way out when the service logs fail), its
//! processes (`docker top`), and the last healthcheck outputs for describe.

use super::describe::Describe;
use super::logs::LogView;
use super::msg::Effect;
use super::panes::Pane;
use super::state::{Overlay, Screen, State};
pub use super::task_container::TaskContainer;
use swarmtop_model::feed::LogTarget;
use swarmtop_settings::keymap::{Action, Scope};

/// The selected task's container, or why there is none (in words, for the status line).
pub fn selected(state: &State) -> Result<TaskContainer, String> {
    if !matches!(state.pane(), Pane::Tasks | Pane::Top) {
        return Err("select a task in the tasks pane (3) first".into());
    }
    let id = state
        .current()
        .selected_id
        .clone()
        .ok_or_else(|| "nothing selected".to_string())?;
    of_task(state, &id)
}

/// The container of task `id`, or why there is none.
pub fn of_task(state: &State, id: &str) -> Result<TaskContainer, String> {
    let t = state
        .cluster
        .tasks
        .iter()
        .find(|t| t.id.as_deref() == Some(id))
        .ok_or_else(|| format!("task {id} is not known any more"))?;
    let name = state.cluster.task_name(t);
    let container_id = t
        .status
        .as_ref()
        .and_then(|s| s.container_status.as_ref())
        .and_then(|c| c.container_id.clone())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| format!("{name} has no container (it never started on a node)"))?;
    let node_id = t
        .node_id
        .clone()
        .ok_or_else(|| format!("{name} is on no node"))?;
    let node = state
        .cluster
        .nodes
        .iter()
        .find(|n| n.id.as_deref() == Some(node_id.as_str()))
        .and_then(|n| n.description.as_ref()?.hostname.clone())
        .unwrap_or_else(|| node_id.clone());
    Ok(TaskContainer {
        task_id: id.to_string(),
        node_id,
        container_id,
        name,
        node,
    })
}

/// Opens the logs view on a container's own logs.
fn open_container_logs(state: &mut State, c: TaskContainer, note: Option<String>) -> Vec<Effect> {
    let target = LogTarget::Container {
        node_id: c.node_id,
        container_id: c.container_id,
        task_id: c.task_id,
        name: format!("{} (container on {})", c.name, c.node),
    };
    let mut view = LogView::new(target, state.log_capacity);
    view.follow_key = state.keymap.key_label(Scope::Logs, Action::Follow);
    let request = view.request(state.now.timestamp());
    let generation = view.generation;
    state.overlay = None;
    state.screen = Screen::Logs(Box::new(view));
    if let Some(n) = note {
        state.info(n);
    }
    vec![Effect::StartLogs {
        generation,
        request,
    }]
}

/// `C` on a task: its container's logs, read from its node's engine.
pub fn container_logs(state: &mut State) -> Vec<Effect> {
    match selected(state) {
        Ok(c) => open_container_logs(state, c, None),
        Err(why) => {
            state.info(why);
            Vec::new()
        }
    }
}

/// The task logs failed (the service logs' path through the manager): the container's own
/// logs from its node instead, saying so. None when there is no container to read.
pub fn instead_of_task_logs(state: &mut State, task_id: &str, why: &str) -> Option<Vec<Effect>> {
    let c = of_task(state, task_id).ok()?;
    let note = format!(
        "the task logs failed ({why}): showing the container's own logs from {}",
        c.node
    );
    Some(open_container_logs(state, c, Some(note)))
}

/// `P` on a task: the processes in its container.
pub fn processes(state: &mut State) -> Vec<Effect> {
    match selected(state) {
        Ok(c) => {
            state.info(format!(
                "asking {} for the processes of {}…",
                c.node, c.name
            ));
            vec![Effect::LoadProcesses(c)]
        }
        Err(why) => {
            state.info(why);
            Vec::new()
        }
    }
}

/// The processes came (a table, as `docker top` shows it), or why not.
pub fn on_processes(state: &mut State, c: TaskContainer, result: Result<String, String>) {
    match result {
        Ok(table) => {
            let title = format!("processes of {} on {}", c.name, c.node);
            state.overlay = Some(Overlay::Describe(Box::new(Describe::new(title, &table))));
        }
        Err(why) => state.info(format!("processes of {}: {why}", c.name)),
    }
}

/// The container's health as its engine keeps it, for describe: appended when describe of
/// that task is still open.
pub fn on_health(state: &mut State, task_id: &str, result: Result<String, String>) {
    let Some(Overlay::Describe(d)) = &mut state.overlay else {
        return;
    };
    if !d.title.contains(task_id) && !d.lines.iter().any(|l| l.contains(task_id)) {
        return;
    }
    let text: Vec<String> = match result {
        Ok(text) => text.lines().map(str::to_string).collect(),
        Err(why) => vec![format!("# container health: {why}")],
    };
    // on top, after describe's own `#` summary lines: the answer to "why is it unhealthy"
    // must not hide under the spec
    let at = d
        .lines
        .iter()
        .position(|l| !l.starts_with('#'))
        .unwrap_or(d.lines.len());
    d.lines.splice(at..at, text);
}

/// Describe of a task also asks its node for the container's health (the manager's task
/// objects carry none).
pub fn health_for_describe(state: &State) -> Option<Effect> {
    if !matches!(state.pane(), Pane::Tasks | Pane::Top) {
        return None;
    }
    let id = state.current().selected_id.clone()?;
    of_task(state, &id).ok().map(Effect::LoadHealth)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::msg::Msg;
    use crate::nav::switch_pane;
    use crate::update::update;
    use swarmtop_model::cluster::fixtures::sample;
    use swarmtop_model::feed::{EngineMsg, LogEvent};
    use swarmtop_settings::keymap::Keymap;

    fn key(c: char) -> Msg {
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    /// The sample swarm, in the tasks pane, with task t2 (web.2 on node2) selected and given
    /// a container.
    fn on_task_with_container() -> State {
        let mut c = sample();
        for t in c.tasks.iter_mut() {
            if t.id.as_deref() == Some("t2aaaaaaaaaaaaaaaaaaaaaaa") {
                let st = t.status.get_or_insert_with(Default::default);
                st.container_status = Some(bollard_stubs::models::ContainerStatus {
                    container_id: Some("c2container".into()),
                    ..Default::default()
                });
            }
        }
        let mut s = State::new(
            "default".into(),
            "unix:///x".into(),
            Keymap::default_keymap(),
            Utc::now(),
        );
        update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(c))));
        switch_pane(&mut s, Pane::Tasks);
        s.show();
        let i = s
            .current()
            .rows
            .position("t2aaaaaaaaaaaaaaaaaaaaaaa")
            .expect("t2 listed");
        s.current_mut().select(i);
        s
    }

    #[test]
    fn c_reads_the_tasks_own_container_logs_from_its_node() {
        let mut s = on_task_with_container();
        let fx = update(&mut s, key('C'));
        let Some(Effect::StartLogs { request, .. }) = fx.first() else {
            panic!("{fx:?}");
        };
        assert_eq!(
            request.target,
            LogTarget::Container {
                node_id: "n2bbbbbbbbbbbbbbbbbbbbbbb".into(),
                container_id: "c2container".into(),
                task_id: "t2aaaaaaaaaaaaaaaaaaaaaaa".into(),
                name: "web.2 (container on node2)".into(),
            }
        );
        assert!(s.logs().is_some());
    }

    #[test]
    fn a_task_that_never_started_has_no_container_to_read() {
        let mut s = on_task_with_container();
        // t1 has no container in the sample
        let i = s
            .current()
            .rows
            .position("t1aaaaaaaaaaaaaaaaaaaaaaa")
            .unwrap();
        s.current_mut().select(i);
        for k in ['C', 'P'] {
            let fx = update(&mut s, key(k));
            assert!(
                fx.iter()
                    .all(|e| !matches!(e, Effect::StartLogs { .. } | Effect::LoadProcesses(_))),
                "{fx:?}"
            );
            let said = s
                .status
                .as_ref()
                .map(|l| l.text.clone())
                .unwrap_or_default();
            assert!(said.contains("has no container"), "{said}");
        }
    }

    #[test]
    fn p_asks_the_node_for_the_processes_and_shows_them() {
        let mut s = on_task_with_container();
        let fx = update(&mut s, key('P'));
        let Some(Effect::LoadProcesses(c)) = fx.first().cloned() else {
            panic!("{fx:?}");
        };
        assert_eq!(c.node, "node2");
        update(
            &mut s,
            Msg::Processes {
                container: c.clone(),
                result: Ok("UID   PID   CMD\nroot  1     sleep 3600".into()),
            },
        );
        let Some(Overlay::Describe(d)) = &s.overlay else {
            panic!("no overlay");
        };
        assert_eq!(d.title, "processes of web.2 on node2");
        assert_eq!(d.lines[1], "root  1     sleep 3600");
        // an unreachable node says why, nothing opens
        s.overlay = None;
        update(
            &mut s,
            Msg::Processes {
                container: c,
                result: Err("node2: ssh: Permission denied (publickey)".into()),
            },
        );
        assert!(s.overlay.is_none());
        let said = s.status.as_ref().unwrap().text.clone();
        assert_eq!(
            said,
            "processes of web.2: node2: ssh: Permission denied (publickey)"
        );
    }

    #[test]
    fn failed_task_logs_fall_back_to_the_containers_own() {
        let mut s = on_task_with_container();
        let fx = update(&mut s, key('l'));
        let Some(Effect::StartLogs { generation, .. }) = fx.first().cloned() else {
            panic!("{fx:?}");
        };
        let fx = update(
            &mut s,
            Msg::Logs(
                generation,
                LogEvent::Failed("rpc error: code = Unknown".into()),
            ),
        );
        let Some(Effect::StartLogs { request, .. }) = fx.first() else {
            panic!("{fx:?}");
        };
        assert!(matches!(request.target, LogTarget::Container { .. }));
        let said = s.status.as_ref().unwrap().text.clone();
        assert!(
            said.contains("showing the container's own logs from node2"),
            "{said}"
        );
    }

    #[test]
    fn describe_of_a_task_asks_its_node_for_the_health_and_shows_it() {
        let mut s = on_task_with_container();
        let fx = update(&mut s, key('d'));
        assert!(
            fx.iter()
                .any(|e| matches!(e, Effect::LoadHealth(c) if c.container_id == "c2container")),
            "{fx:?}"
        );
        update(
            &mut s,
            Msg::Health {
                task_id: "t2aaaaaaaaaaaaaaaaaaaaaaa".into(),
                result: Ok("# container health (from node2)\nhealth: unhealthy".into()),
            },
        );
        let Some(Overlay::Describe(d)) = &s.overlay else {
            panic!("describe closed");
        };
        let at = d.lines.iter().position(|l| l == "health: unhealthy");
        let spec = d.lines.iter().position(|l| l.starts_with("ID: "));
        assert!(at.is_some() && at < spec, "{:?}", d.lines);
    }
}
