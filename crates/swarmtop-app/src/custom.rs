//! Custom commands (config.yaml `commands:`): a key in a pane runs the user's program with the
//! selected row's names filled in. The app decides what runs (the variables, read-only, a
//! variable without a value) and keeps its output; the runtime runs it (`Effect::RunCommand`)
//! and answers with `Msg::CommandOutput` and `Msg::CommandEnded`. A background command's
//! output is a describe view (`Shows::Output`) that grows as it comes; closing it stops the
//! command. A foreground one has the terminal until it ends, as the shell in a task does.

use swarmtop_model::cluster::{node_addr, node_hostname, service_name, service_stack};
use swarmtop_settings::config::commands::{CustomCommand, Mode};
use swarmtop_settings::keymap::Key;

use super::describe::{Describe, Shows};
use super::msg::{CommandRun, Effect};
use super::panes::Pane;
use super::state::{Overlay, State};

/// Lines of output kept per command: the oldest go first (a command that writes forever must
/// not fill the memory).
pub const OUTPUT_KEPT: usize = 10_000;

/// The command whose key this is in the current pane, if one is.
pub fn for_key<'a>(state: &'a State, key: &Key) -> Option<&'a CustomCommand> {
    let pane = state.pane().name();
    state
        .commands
        .iter()
        .find(|c| c.key == *key && c.applies_to(pane))
}

/// The value of a variable for the selected row (and the session), if it has one.
pub fn value(state: &State, var: &str) -> Option<String> {
    match var {
        "context" => return Some(state.context.clone()),
        "host" => return Some(state.endpoint.clone()),
        _ => {}
    }
    let id = state.current().selected_id.clone()?;
    let c = &state.cluster;
    let nonempty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let node = |node_id: &str| -> Option<String> {
        let n = c.node_by_id(node_id)?;
        match var {
            "node" => nonempty(node_hostname(n)),
            "node_addr" => nonempty(node_addr(n)),
            _ => None,
        }
    };
    let service = |service_id: &str| -> Option<String> {
        let s = c.service_by_id(service_id)?;
        match var {
            "service" => nonempty(service_name(s)),
            "stack" => service_stack(s).and_then(nonempty),
            _ => None,
        }
    };
    match state.pane() {
        Pane::Nodes => node(&id),
        Pane::Services => service(&id),
        Pane::Stacks if var == "stack" => Some(id),
        Pane::Tasks | Pane::Top => {
            let t = c
                .tasks
                .iter()
                .find(|t| t.id.as_deref() == Some(id.as_str()))?;
            match var {
                "task" => Some(id.clone()),
                "container" => t
                    .status
                    .as_ref()
                    .and_then(|s| s.container_status.as_ref())
                    .and_then(|cs| cs.container_id.clone())
                    .filter(|c| !c.is_empty()),
                "node" | "node_addr" => node(t.node_id.as_deref()?),
                "service" | "stack" => service(t.service_id.as_deref()?),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The selected row as the status line names it.
fn row_name(state: &State) -> String {
    let id = state.current().selected_id.clone().unwrap_or_default();
    let c = &state.cluster;
    match state.pane() {
        Pane::Nodes => c.node_name(&id).to_string(),
        Pane::Services => c.service_name_of(&id).to_string(),
        Pane::Tasks | Pane::Top => c
            .tasks
            .iter()
            .find(|t| t.id.as_deref() == Some(id.as_str()))
            .map(|t| c.task_name(t))
            .unwrap_or(id),
        _ => id,
    }
}

/// The command's key in a pane it applies to: refused in a read-only session unless it is
/// marked safe, refused when a variable it names has no value for the row; else it runs.
pub fn run(state: &mut State, cmd: &CustomCommand) -> Vec<Effect> {
    if let Some(why) = &state.read_only
        && !cmd.safe
    {
        let said = swarmtop_model::feed::refusal(why, &format!("the command {}", cmd.name));
        state.error(format!(
            "{said} (mark it safe: true in config.yaml if it changes nothing)"
        ));
        return Vec::new();
    }
    let argv = match cmd.command.expand(&|v| value(state, v)) {
        Ok(a) => a,
        Err(var) => {
            let row = row_name(state);
            let what = match row.is_empty() {
                true => format!("nothing is selected in the {} pane", state.pane().name()),
                false => format!("{row} has none"),
            };
            state.error(format!(
                "{}: {{{var}}} has no value here ({what}); nothing was run",
                cmd.name
            ));
            return Vec::new();
        }
    };
    state.command_runs += 1;
    let id = state.command_runs;
    let foreground = cmd.mode == Mode::Foreground;
    let shown = shown_argv(&argv);
    if foreground {
        state.info(format!("running {}: {shown}…", cmd.name));
    } else {
        let mut d = Describe::new(format!("{} · running", cmd.name), &format!("$ {shown}"));
        d.shows = Shows::Output { id, running: true };
        state.overlay = Some(Overlay::Describe(Box::new(d)));
    }
    vec![Effect::RunCommand(CommandRun {
        id,
        name: cmd.name.clone(),
        argv,
        foreground,
    })]
}

/// `sh -c 'curl …'` as the first line of the output shows it: the line itself for `sh -c`.
fn shown_argv(argv: &[String]) -> String {
    match argv {
        [sh, c, line] if sh == "sh" && c == "-c" => line.clone(),
        _ => argv.join(" "),
    }
}

/// Lines a background command wrote (stdout and stderr as they came).
pub fn output(state: &mut State, id: u64, lines: Vec<String>) {
    let h = state.page_height();
    let Some(d) = output_view(state, id) else {
        return;
    };
    // a view scrolled to its end follows what comes; one scrolled up stays where it is
    let at_end = d.offset + h >= d.lines.len();
    d.lines.extend(lines);
    let over = d.lines.len().saturating_sub(OUTPUT_KEPT + 1);
    if over > 0 {
        // the command line stays first
        d.lines.drain(1..=over);
        d.offset = d.offset.saturating_sub(over);
    }
    if at_end {
        d.scroll(isize::MAX / 2, h);
    }
}

/// The output view of that run, when it is open.
fn output_view(state: &mut State, id: u64) -> Option<&mut Describe> {
    match &mut state.overlay {
        Some(Overlay::Describe(d)) if matches!(d.shows, Shows::Output { id: i, .. } if i == id) => {
            Some(d)
        }
        _ => None,
    }
}

/// How a command ended: `Ok("exit 0")`, `Ok("stopped")`, or why it could not run.
pub fn ended(state: &mut State, id: u64, name: &str, result: Result<String, String>) {
    let h = state.page_height();
    let how = match &result {
        Ok(how) => how.clone(),
        Err(why) => format!("failed: {why}"),
    };
    if let Some(d) = output_view(state, id) {
        d.shows = Shows::Output { id, running: false };
        d.title = format!("{name} · {how}");
        let at_end = d.offset + h >= d.lines.len();
        d.lines.push(format!("[{how}]"));
        if at_end {
            d.scroll(isize::MAX / 2, h);
        }
        return;
    }
    match result {
        Ok(how) => state.info(format!("{name} ended ({how})")),
        Err(why) => state.error(format!("{name}: {why}")),
    }
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
    use swarmtop_model::feed::EngineMsg;
    use swarmtop_settings::config::file::ConfigFile;
    use swarmtop_settings::keymap::Keymap;

    const TASK: &str = "t1aaaaaaaaaaaaaaaaaaaaaaa";

    pub(crate) const CONFIG: &str = "\
commands:
  - name: where
    key: W
    panes: [tasks, services, nodes]
    command: echo {service} {node}
    safe: true
  - name: peek
    key: I
    panes: [tasks]
    command: [docker, inspect, '{container}']
  - name: ssh-node
    key: ctrl-s
    panes: [tasks]
    command: [ssh, '{node_addr}']
    mode: foreground
";

    pub(crate) fn state_with(pane: Pane, container: Option<&str>) -> State {
        let mut s = State::new(
            "prod".into(),
            "ssh://root@mgr".into(),
            Keymap::default_keymap(),
            Utc::now(),
        );
        s.size = (80, 24);
        let (cfg, problems) = ConfigFile::parse(CONFIG, "config.yaml");
        assert!(problems.is_empty(), "{problems:?}");
        s.commands = cfg.base.commands;
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
        switch_pane(&mut s, pane);
        if pane == Pane::Tasks {
            let i = s.current().rows.iter().position(|r| r.id == TASK).unwrap();
            s.current_mut().select(i);
        }
        // what the nodes are asked for this screen is settled: the keys under test make
        // only their own effects
        let _ = crate::node_watch::watch_effect(&mut s);
        s
    }

    fn key(s: &mut State, code: KeyCode, m: KeyModifiers) -> Vec<Effect> {
        update(s, Msg::Key(KeyEvent::new(code, m)))
    }

    fn status(s: &State) -> String {
        s.status
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_default()
    }

    fn run_of(fx: &[Effect]) -> CommandRun {
        match fx {
            [Effect::RunCommand(r)] => r.clone(),
            other => panic!("expected one RunCommand: {other:?}"),
        }
    }

    #[test]
    fn the_key_fills_the_selected_tasks_names_and_opens_the_output() {
        let mut s = state_with(Pane::Tasks, Some("c0ffee"));
        let r = run_of(&key(&mut s, KeyCode::Char('W'), KeyModifiers::SHIFT));
        assert_eq!(r.argv, vec!["sh", "-c", "echo web node1"]);
        assert!(!r.foreground);
        let Some(Overlay::Describe(d)) = &s.overlay else {
            panic!("no output view")
        };
        assert_eq!(
            d.shows,
            Shows::Output {
                id: r.id,
                running: true
            }
        );
        assert_eq!(d.lines, vec!["$ echo web node1"]);
        // what it writes comes into the view, and how it ended
        update(
            &mut s,
            Msg::CommandOutput {
                id: r.id,
                lines: vec!["web node1".into()],
            },
        );
        update(
            &mut s,
            Msg::CommandEnded {
                id: r.id,
                name: "where".into(),
                result: Ok("exit 0".into()),
            },
        );
        let Some(Overlay::Describe(d)) = &s.overlay else {
            panic!("no output view")
        };
        assert_eq!(d.lines, vec!["$ echo web node1", "web node1", "[exit 0]"]);
        assert_eq!(d.title, "where · exit 0");
        assert_eq!(
            d.shows,
            Shows::Output {
                id: r.id,
                running: false
            }
        );
    }

    #[test]
    fn the_same_key_elsewhere_names_that_rows_objects() {
        let mut s = state_with(Pane::Nodes, None);
        // a node has no service: the variable is named and nothing runs
        assert!(key(&mut s, KeyCode::Char('W'), KeyModifiers::SHIFT).is_empty());
        assert!(
            status(&s).starts_with("where: {service} has no value here ("),
            "{}",
            status(&s)
        );
        assert!(s.overlay.is_none());
    }

    #[test]
    fn a_variable_without_a_value_refuses_and_names_it() {
        let mut s = state_with(Pane::Tasks, None);
        let fx = key(&mut s, KeyCode::Char('I'), KeyModifiers::SHIFT);
        assert!(fx.is_empty());
        assert!(s.overlay.is_none());
        assert_eq!(
            status(&s),
            "peek: {container} has no value here (web.1 has none); nothing was run"
        );
    }

    #[test]
    fn read_only_refuses_a_command_not_marked_safe_and_runs_a_safe_one() {
        let mut s = state_with(Pane::Tasks, Some("c0ffee"));
        s.read_only = Some("--read-only".into());
        let fx = key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert!(fx.is_empty());
        assert_eq!(
            status(&s),
            "read-only (--read-only): the command ssh-node refused, nothing was changed \
             (mark it safe: true in config.yaml if it changes nothing)"
        );
        let r = run_of(&key(&mut s, KeyCode::Char('W'), KeyModifiers::SHIFT));
        assert_eq!(r.name, "where");
    }

    #[test]
    fn a_foreground_command_takes_the_terminal_and_says_how_it_ended() {
        let mut s = state_with(Pane::Tasks, Some("c0ffee"));
        let r = run_of(&key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL));
        assert!(r.foreground);
        assert_eq!(r.argv[0], "ssh");
        assert!(s.overlay.is_none());
        update(
            &mut s,
            Msg::CommandEnded {
                id: r.id,
                name: r.name.clone(),
                result: Ok("exit 130".into()),
            },
        );
        assert_eq!(status(&s), "ssh-node ended (exit 130)");
    }

    #[test]
    fn closing_the_output_of_a_running_command_stops_it_and_the_stop_key_does_too() {
        let mut s = state_with(Pane::Tasks, Some("c0ffee"));
        let r = run_of(&key(&mut s, KeyCode::Char('W'), KeyModifiers::SHIFT));
        let fx = key(&mut s, KeyCode::Char('k'), KeyModifiers::CONTROL);
        assert_eq!(fx, vec![Effect::StopCommand(r.id)]);
        assert!(s.overlay.is_some(), "the view stays to show how it ends");
        let fx = key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(fx, vec![Effect::StopCommand(r.id)]);
        assert!(s.overlay.is_none());
        // an ended one just closes
        let r = run_of(&key(&mut s, KeyCode::Char('W'), KeyModifiers::SHIFT));
        update(
            &mut s,
            Msg::CommandEnded {
                id: r.id,
                name: r.name,
                result: Ok("exit 0".into()),
            },
        );
        assert!(key(&mut s, KeyCode::Esc, KeyModifiers::NONE).is_empty());
    }

    #[test]
    fn output_is_bounded_and_followed_at_the_end() {
        let mut s = state_with(Pane::Tasks, Some("c0ffee"));
        let r = run_of(&key(&mut s, KeyCode::Char('W'), KeyModifiers::SHIFT));
        let lines: Vec<String> = (0..OUTPUT_KEPT + 5).map(|i| format!("line {i}")).collect();
        update(&mut s, Msg::CommandOutput { id: r.id, lines });
        let Some(Overlay::Describe(d)) = &s.overlay else {
            panic!()
        };
        assert_eq!(d.lines.len(), OUTPUT_KEPT + 1);
        assert_eq!(d.lines[0], "$ echo web node1");
        assert_eq!(d.lines[1], "line 5");
        assert_eq!(d.offset + s.page_height(), d.lines.len(), "at the end");
    }
}
