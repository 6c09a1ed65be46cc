//! The help overlay's content. Its rows come from the active keymap (the current scope, then
//! global), so help cannot disagree with what the keys do. Its keys are `help_update`.

use swarmtop_settings::keymap::{Action, Keymap, Scope};

/// Where the help overlay is scrolled to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpState {
    /// The first row shown.
    pub offset: usize,
}

/// One row of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpRow {
    Title(Scope),
    Binding {
        keys: String,
        action: Action,
    },
    /// The title of the custom commands of the pane (config.yaml `commands:`).
    CustomTitle,
    /// A custom command: its key, its name and what it does.
    Custom {
        key: String,
        name: String,
        about: String,
    },
    /// The title of the `:` commands, listed after the keys.
    CommandsTitle,
    /// One `:` command: what is typed, and what it does.
    Command {
        usage: String,
        about: &'static str,
    },
    Blank,
}

/// The rows: the scope's bindings, then the global ones; without `writes` (a read-only
/// session) the actions that change the cluster are left out.
pub fn rows(keymap: &Keymap, scope: Scope, writes: bool) -> Vec<HelpRow> {
    let table = keymap.table();
    let mut out = Vec::new();
    let scopes: &[Scope] = if scope == Scope::Global {
        &[Scope::Global]
    } else {
        &[scope, Scope::Global]
    };
    for s in scopes {
        let rows: Vec<_> = table
            .iter()
            .filter(|(sc, a, _)| sc == s && (writes || !a.changes_cluster()))
            .collect();
        if rows.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(HelpRow::Blank);
        }
        out.push(HelpRow::Title(*s));
        for (_, action, keys) in rows {
            out.push(HelpRow::Binding {
                keys: keys
                    .iter()
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
                action: *action,
            });
        }
    }
    out.push(HelpRow::Blank);
    out.push(HelpRow::CommandsTitle);
    for c in super::command::all() {
        out.push(HelpRow::Command {
            usage: command_usage(&c),
            about: c.about,
        });
    }
    out
}

/// The rows for what is on screen: the keys ([`rows`]), and in a pane the custom commands that
/// run there (in a read-only session only those marked safe), before the `:` commands.
pub fn rows_in(state: &super::state::State) -> Vec<HelpRow> {
    let scope = super::help_update::scope(state);
    let writes = state.read_only.is_none();
    let mut out = rows(&state.keymap, scope, writes);
    if !matches!(state.screen, super::state::Screen::Panes) {
        return out;
    }
    let pane = state.pane().name();
    let custom: Vec<HelpRow> = state
        .commands
        .iter()
        .filter(|c| c.applies_to(pane) && (writes || c.safe))
        .map(|c| HelpRow::Custom {
            key: c.key.to_string(),
            name: c.name.clone(),
            about: c.description.clone(),
        })
        .collect();
    if custom.is_empty() {
        return out;
    }
    let at = out
        .iter()
        .position(|r| *r == HelpRow::CommandsTitle)
        .map(|i| i.saturating_sub(1))
        .unwrap_or(out.len());
    let mut block = vec![HelpRow::Blank, HelpRow::CustomTitle];
    block.extend(custom);
    out.splice(at..at, block);
    out
}

/// `:ctx [NAME]` (aliases: `:context`).
pub fn command_usage(c: &super::command::CommandInfo) -> String {
    let mut u = format!(":{}", c.name);
    if !c.args.is_empty() {
        u.push(' ');
        u.push_str(c.args);
    }
    u
}
