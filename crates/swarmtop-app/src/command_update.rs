//! The `:` line: typing it (Tab completes from the table in `command`) and running it.

use crossterm::event::{KeyCode, KeyEvent};

use super::describe::Describe;
use super::editor_update;
use super::line_input::{LineKey, edit_line};
use super::msg::Effect;
use super::state::{Overlay, State};

pub fn on_command_key(state: &mut State, mut buf: String, k: KeyEvent) -> Vec<Effect> {
    if k.code == KeyCode::Tab {
        let done = super::command::complete(&buf);
        if done.choices.len() > 1 {
            let listed: Vec<String> = done.choices.iter().map(|c| format!(":{c}")).collect();
            state.info(listed.join(" "));
        }
        state.overlay = Some(Overlay::Command(done.line));
        return Vec::new();
    }
    match edit_line(&mut buf, &k) {
        LineKey::Cancel | LineKey::BackspaceOnEmpty => {
            state.overlay = None;
            Vec::new()
        }
        LineKey::Submit => run_command(state, buf),
        LineKey::Edited | LineKey::Other => {
            state.overlay = Some(Overlay::Command(buf));
            Vec::new()
        }
    }
}

/// `:q`, `:nodes` ... through the command table (`command`). A line that is not understood
/// keeps the prompt and its text so it can be fixed, and changes nothing.
pub fn run_command(state: &mut State, buf: String) -> Vec<Effect> {
    use super::command::{Command, parse};
    let cmd = match parse(&buf) {
        Ok(Some(c)) => c,
        Ok(None) => {
            state.overlay = None;
            return Vec::new();
        }
        Err(why) => {
            state.error(why);
            state.overlay = Some(Overlay::Command(buf));
            return Vec::new();
        }
    };
    state.overlay = None;
    match cmd {
        Command::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        Command::Contexts => vec![Effect::ListContexts],
        // the connection in use stays until the new one answers as a manager
        Command::Context(n) => {
            state.switching = Some(buf.clone());
            state.switching_to = Some(format!("switched to context {n}"));
            state.info(format!("connecting to context {n}…"));
            vec![Effect::Switch {
                context: Some(n),
                host: None,
            }]
        }
        Command::Host(u) => {
            state.switching = Some(buf.clone());
            state.switching_to = Some(format!("connected to {u}"));
            state.info(format!("connecting to {u}…"));
            vec![Effect::Switch {
                context: None,
                host: Some(u),
            }]
        }
        Command::Join(rest) => super::join_update::command(state, &rest),
        Command::Info => {
            let lines = swarmtop_model::cluster::info::lines(&state.cluster, state.now);
            state.overlay = Some(Overlay::Describe(Box::new(Describe::new(
                "swarm info (docker info, the swarm part)".into(),
                &lines.join("\n"),
            ))));
            Vec::new()
        }
        Command::Edit(path) => {
            let path = state.work_dir.join(path);
            let stack = editor_update::stack_name_for(&path);
            editor_update::open_file(state, path, stack)
        }
        Command::Pane(p) => super::nav::switch_pane(state, p),
        Command::History(None) => {
            match super::actions::target_service(state) {
                Some((id, _)) => super::spec_history::open(state, &id),
                None => {
                    state.error(":history needs a service: select one in the services pane, or :history NAME");
                    state.overlay = Some(Overlay::Command(buf));
                    Vec::new()
                }
            }
        }
        Command::History(Some(key)) => {
            match swarmtop_ops::resolve::find_service(&state.cluster, &key) {
                Ok((id, _)) => super::spec_history::open(state, &id),
                Err(why) => {
                    state.error(format!(":history: {why}"));
                    state.overlay = Some(Overlay::Command(buf));
                    Vec::new()
                }
            }
        }
    }
}
