//! Custom commands on screen at 80x24: a background command's output view as it runs and once
//! it ended (with the stop key while it runs), and the commands in help.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use swarmtop_app::state::{Overlay, State};
use swarmtop_app::{Effect, Msg, update};
use swarmtop_settings::config::file::ConfigFile;

use super::tests::{render, sample_state};

const CONFIG: &str = "\
commands:
  - name: where
    description: say the service and node of the row
    key: W
    panes: [services, tasks]
    command: echo {service} on {node}; echo oops >&2; exit 3
  - name: health
    key: H
    panes: [services]
    command: curl -fsS http://{service}:8080/health
    safe: true
";

fn with_commands() -> State {
    let mut s = sample_state();
    let (cfg, problems) = ConfigFile::parse(CONFIG, "config.yaml");
    assert!(problems.is_empty(), "{problems:?}");
    s.commands = cfg.base.commands;
    s
}

fn key(s: &mut State, code: KeyCode, m: KeyModifiers) -> Vec<Effect> {
    update(s, Msg::Key(KeyEvent::new(code, m)))
}

#[test]
fn a_background_commands_output_as_it_runs_and_when_it_ended_80x24() {
    let mut s = with_commands();
    key(&mut s, KeyCode::Char('3'), KeyModifiers::NONE);
    let fx = key(&mut s, KeyCode::Char('W'), KeyModifiers::SHIFT);
    let Some(Effect::RunCommand(run)) = fx.first() else {
        panic!("{fx:?}")
    };
    let id = run.id;
    update(
        &mut s,
        Msg::CommandOutput {
            id,
            lines: vec!["monitor on node1".into(), "oops".into()],
        },
    );
    let out = render(&s, 80, 24);
    assert!(out.contains("where · running"), "{out}");
    assert!(out.contains("ctrl-k stop"), "{out}");
    insta::assert_snapshot!("custom_output_running", out);
    update(
        &mut s,
        Msg::CommandEnded {
            id,
            name: "where".into(),
            result: Ok("exit 3".into()),
        },
    );
    let out = render(&s, 80, 24);
    assert!(out.contains("[exit 3]") && !out.contains("ctrl-k"), "{out}");
    insta::assert_snapshot!("custom_output_ended", out);
}

#[test]
fn help_lists_the_panes_custom_commands_80x24() {
    let mut s = with_commands();
    key(&mut s, KeyCode::Char('2'), KeyModifiers::NONE);
    s.overlay = Some(Overlay::Help(Default::default()));
    // scrolled to the end, where the custom commands sit before the `:` commands
    let rows = swarmtop_app::help_update::rows_in(&s);
    let at = rows
        .iter()
        .position(|r| *r == swarmtop_app::help::HelpRow::CustomTitle)
        .expect("custom commands in help");
    s.overlay = Some(Overlay::Help(swarmtop_app::help::HelpState {
        offset: at.saturating_sub(2),
    }));
    let out = render(&s, 80, 24);
    assert!(out.contains("custom commands (config.yaml)"), "{out}");
    assert!(
        out.contains("where: say the service and node of the row"),
        "{out}"
    );
    insta::assert_snapshot!("custom_help_services", out);
    // read-only: only the safe one is offered
    s.read_only = Some("--read-only".into());
    let rows = swarmtop_app::help_update::rows_in(&s);
    let at = rows
        .iter()
        .position(|r| *r == swarmtop_app::help::HelpRow::CustomTitle)
        .expect("the safe command in help");
    s.overlay = Some(Overlay::Help(swarmtop_app::help::HelpState { offset: at }));
    let out = render(&s, 80, 24);
    assert!(
        out.contains("health: curl") && !out.contains("where:"),
        "{out}"
    );
}
