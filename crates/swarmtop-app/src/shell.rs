//! A shell in a task's container (`shell`: `sh`; `exec`: a command typed in a prompt). The app
//! only decides: which task, whether it may, what to run. The runtime hands the terminal over
//! (`Effect::Shell`) and says how it ended (`Msg::ShellEnded`). Read-only sessions refuse it:
//! a process in a container can change anything there.

use bollard_stubs::models::TaskState;
use swarmtop_model::cluster::task_state;
use swarmtop_settings::keymap::Action;

use super::msg::Effect;
pub use super::msg::ShellRequest;
use super::panes::Pane;
use super::prompt::{Prompt, PromptKind};
use super::state::{Overlay, State};

/// The command `shell` runs.
pub const DEFAULT_COMMAND: &str = "sh";

/// `shell` (sh at once) or `exec` (a prompt for the command) on the selected task.
pub fn open(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(why) = &state.read_only {
        state.error(swarmtop_model::feed::refusal(why, action.name()));
        return Vec::new();
    }
    let target = match target(state) {
        Ok(t) => t,
        Err(why) => {
            state.error(why);
            return Vec::new();
        }
    };
    if action == Action::Exec {
        state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
            PromptKind::Exec {
                task_id: target.task_id.clone(),
                name: target.name.clone(),
            },
            format!("run in {}:", target.name),
            DEFAULT_COMMAND,
        ))));
        return Vec::new();
    }
    start(state, target, vec![DEFAULT_COMMAND.to_string()])
}

/// The exec prompt's Enter: the line split as a shell would (quotes kept together), run
/// without a shell (a container need not have one).
pub fn submit(state: &mut State, task_id: &str, text: &str) -> Result<Vec<Effect>, String> {
    let cmd = swarmtop_compose::values::shell_split(text)?;
    if cmd.is_empty() {
        return Err("type a command to run (sh, bash, ps aux ...)".to_string());
    }
    // the task may have ended while the command was typed
    let target = target_task(state, task_id)?;
    state.overlay = None;
    Ok(start(state, target, cmd))
}

fn start(state: &mut State, mut target: ShellRequest, cmd: Vec<String>) -> Vec<Effect> {
    if let Some(why) = &state.read_only {
        state.error(swarmtop_model::feed::refusal(why, "exec"));
        return Vec::new();
    }
    state.info(format!("starting {} in {}…", cmd.join(" "), target.name));
    target.cmd = cmd;
    vec![Effect::Shell(target)]
}

/// How the process ended: `Ok("exit 0")`, or what went wrong.
pub fn ended(state: &mut State, name: &str, result: Result<String, String>) {
    match result {
        Ok(how) => state.info(format!("shell in {name} ended ({how})")),
        Err(why) => state.error(format!("shell in {name}: {why}")),
    }
}

/// The selected task of the tasks pane, when it has a running container.
fn target(state: &State) -> Result<ShellRequest, String> {
    // the tasks pane, and the top view (the busiest tasks)
    if !matches!(state.pane(), Pane::Tasks | Pane::Top) {
        return Err(
            "a shell runs in a task: select one in the tasks pane or the top view".to_string(),
        );
    }
    let Some(id) = state.current().selected_id.clone() else {
        return Err("no task selected".to_string());
    };
    target_task(state, &id)
}

fn target_task(state: &State, id: &str) -> Result<ShellRequest, String> {
    let Some(t) = state
        .cluster
        .tasks
        .iter()
        .find(|t| t.id.as_deref() == Some(id))
    else {
        return Err(format!("task {id} is gone"));
    };
    let short = id.get(..12).unwrap_or(id);
    let name = format!("{}.{short}", state.cluster.task_name(t));
    let st = task_state(t);
    if st != TaskState::RUNNING {
        return Err(format!(
            "{name} is {st}, not running: a shell needs a running container"
        ));
    }
    let container = t
        .status
        .as_ref()
        .and_then(|s| s.container_status.as_ref())
        .and_then(|c| c.container_id.clone())
        .filter(|c| !c.is_empty());
    let Some(container_id) = container else {
        return Err(format!(
            "{name} has no container (the engine names none for it): nothing to open a shell in"
        ));
    };
    let Some(node_id) = t.node_id.clone().filter(|n| !n.is_empty()) else {
        return Err(format!("{name} is on no node: nothing to open a shell in"));
    };
    Ok(ShellRequest {
        name,
        task_id: id.to_string(),
        node_id,
        container_id,
        cmd: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::msg::Msg;
    use crate::nav::switch_pane;
    use crate::update::update;
    use swarmtop_model::cluster::fixtures::sample;
    use swarmtop_model::feed::EngineMsg;
    use swarmtop_settings::keymap::Keymap;

    const TASK: &str = "t1aaaaaaaaaaaaaaaaaaaaaaa";

    /// The sample swarm in the tasks pane, web.1 selected, its container named.
    fn on_task(container: Option<&str>) -> State {
        let mut s = State::new(
            "default".into(),
            "unix:///x".into(),
            Keymap::default_keymap(),
            Utc::now(),
        );
        let mut c = sample();
        for t in &mut c.tasks {
            if t.id.as_deref() == Some(TASK) {
                let st = t.status.get_or_insert_with(Default::default);
                st.container_status = container.map(|id| bollard_stubs::models::ContainerStatus {
                    container_id: Some(id.to_string()),
                    ..Default::default()
                });
            }
        }
        update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(c))));
        switch_pane(&mut s, Pane::Tasks);
        let i = s
            .current()
            .rows
            .position(TASK)
            .expect("web.1 in the tasks pane");
        s.current_mut().select(i);
        // what the nodes are asked for this screen is settled: the keys under test make
        // only their own effects
        let _ = crate::node_watch::watch_effect(&mut s);
        s
    }

    fn press(s: &mut State, c: char) -> Vec<Effect> {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let m = if c.is_ascii_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        update(s, Msg::Key(KeyEvent::new(KeyCode::Char(c), m)))
    }

    fn status(s: &State) -> String {
        s.status
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_default()
    }

    #[test]
    fn s_on_a_running_task_opens_sh_in_its_container_on_its_node() {
        let mut s = on_task(Some("c0ffee"));
        let fx = press(&mut s, 's');
        assert_eq!(
            fx,
            vec![Effect::Shell(ShellRequest {
                name: "web.1.t1aaaaaaaaaa".to_string(),
                task_id: TASK.to_string(),
                node_id: "n1aaaaaaaaaaaaaaaaaaaaaaa".to_string(),
                container_id: "c0ffee".to_string(),
                cmd: vec!["sh".to_string()],
            })]
        );
        // the end is said in the status line
        update(
            &mut s,
            Msg::ShellEnded {
                name: "web.1.t1aaaaaaaaaa".into(),
                result: Ok("exit 0".into()),
            },
        );
        assert_eq!(status(&s), "shell in web.1.t1aaaaaaaaaa ended (exit 0)");
        update(
            &mut s,
            Msg::ShellEnded {
                name: "web.1.t1aaaaaaaaaa".into(),
                result: Err("node2: ssh: Permission denied (publickey)".into()),
            },
        );
        assert!(s.status.as_ref().is_some_and(|l| l.error));
        assert_eq!(
            status(&s),
            "shell in web.1.t1aaaaaaaaaa: node2: ssh: Permission denied (publickey)"
        );
    }

    #[test]
    fn shift_s_asks_for_the_command_and_runs_it_as_words() {
        let mut s = on_task(Some("c0ffee"));
        assert!(press(&mut s, 'S').is_empty());
        assert_eq!(s.overlay_name(), Some("prompt"));
        // the prompt starts with sh: replace it
        for _ in 0..2 {
            update(
                &mut s,
                Msg::Key(crossterm::event::KeyEvent::from(
                    crossterm::event::KeyCode::Backspace,
                )),
            );
        }
        for c in "ls -l '/my dir'".chars() {
            press(&mut s, c);
        }
        let fx = update(
            &mut s,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Enter,
            )),
        );
        match fx.as_slice() {
            [Effect::Shell(r)] => assert_eq!(r.cmd, ["ls", "-l", "/my dir"]),
            other => panic!("{other:?}"),
        }
        assert_eq!(s.overlay_name(), None);
    }

    #[test]
    fn read_only_refuses_and_starts_nothing() {
        for key in ['s', 'S'] {
            let mut s = on_task(Some("c0ffee"));
            s.read_only = Some("--read-only".into());
            assert!(press(&mut s, key).is_empty());
            assert_eq!(s.overlay_name(), None, "no prompt either");
            let name = if key == 's' { "shell" } else { "exec" };
            assert_eq!(
                status(&s),
                format!("read-only (--read-only): {name} refused, nothing was changed")
            );
        }
    }

    #[test]
    fn a_task_without_a_container_or_not_running_refuses_in_words() {
        let mut s = on_task(None);
        assert!(press(&mut s, 's').is_empty());
        assert!(status(&s).contains("has no container"), "{}", status(&s));
        let mut s = on_task(Some("c0ffee"));
        assert!(press(&mut s, 'S').is_empty());
        for t in &mut s.cluster.tasks {
            if t.id.as_deref() == Some(TASK)
                && let Some(st) = t.status.as_mut()
            {
                st.state = Some(TaskState::SHUTDOWN);
            }
        }
        // (the task ended while its command was typed: the prompt says so and stays)
        assert_eq!(
            submit(&mut s, TASK, "sh"),
            Err(
                "web.1.t1aaaaaaaaaa is shutdown, not running: a shell needs a running container"
                    .to_string()
            )
        );
    }

    #[test]
    fn outside_the_tasks_pane_it_says_where_to_go() {
        let mut s = on_task(Some("c0ffee"));
        switch_pane(&mut s, Pane::Services);
        assert!(run(&mut s).is_empty());
        assert_eq!(
            status(&s),
            "a shell runs in a task: select one in the tasks pane or the top view"
        );
    }

    fn run(s: &mut State) -> Vec<Effect> {
        crate::update::run_action(s, Action::Shell)
    }
}
