//! Wiring the stack editor into the main `update`: opening it (a stack's stored or rebuilt
//! file, a file path, a restored autosave), passing it the keys, and turning its effects into
//! runtime effects. Deploys are refused here in read-only mode.

use std::path::{Path, PathBuf};

use crossterm::event::KeyEvent;

use super::editor::{self, Autosave, EditorEffect, EditorState, Origin};
use super::msg::Effect;
use super::prompt::{Confirm, Pending, Prompt, PromptKind};
use super::state::{Overlay, Screen, State};
use swarmtop_compose::source::StackFile;
use swarmtop_settings::keymap::{Action, Keymap, Scope};

/// A name `docker stack deploy` accepts.
pub fn valid_stack_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a stack needs a name".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || *c == '.'))
    {
        return Err(format!(
            "stack name {name:?} has {c:?}: use letters, digits, '_', '-' and '.'"
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "stack name {name:?} must start with a letter or a digit"
        ));
    }
    Ok(())
}

/// The stack a file is for when opened with `:edit PATH`: `shop.yml` -> shop; a generic name
/// (docker-compose.yml, compose.yaml, stack.yml) -> its folder's name.
pub fn stack_name_for(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let generic = ["docker-compose", "compose", "stack", "docker-stack"];
    let raw = if generic.contains(&stem.as_str()) {
        path.canonicalize()
            .ok()
            .and_then(|p| {
                p.parent()
                    .and_then(|d| d.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .unwrap_or(stem)
    } else {
        stem
    };
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A starting point for a new stack file; it names the keys of the keymap in force.
pub fn template(stack: &str, keymap: &Keymap) -> String {
    let plan = keymap.key_label(Scope::Editor, Action::Plan);
    let deploy = keymap.key_label(Scope::Editor, Action::Deploy);
    format!(
        "# stack {stack}: edit, then {plan} to see the plan and {deploy} to deploy\nversion: \"3.8\"\nservices:\n  app:\n    image: nginx:alpine\n    deploy:\n      replicas: 1\n"
    )
}

/// Shows the editor; its text is checked in the background (the answer comes as a message).
fn open(state: &mut State, mut ed: EditorState) -> Vec<Effect> {
    ed.apply_theme(&state.theme);
    let check = Effect::Editor(ed.check_effect());
    if let Origin::Reconstructed = ed.origin {
        ed.status = Some(
            "this stack was deployed by the docker CLI: the file was RECONSTRUCTED from the live specs"
                .into(),
        );
    }
    state.screen = Screen::Editor(Box::new(ed));
    state.overlay = None;
    vec![check]
}

/// The stack's file arrived (stored in the swarm, or rebuilt from the live specs).
pub fn on_stack_file(
    state: &mut State,
    stack: String,
    result: Result<StackFile, String>,
) -> Vec<Effect> {
    match result {
        Ok(f) => {
            let origin = match &f {
                StackFile::Stored { .. } => Origin::Stored,
                StackFile::Reconstructed { .. } => Origin::Reconstructed,
            };
            let dir = state.work_dir.clone();
            let ed = EditorState::new(&stack, f.text(), origin, dir, state.env.clone());
            open(state, ed)
        }
        Err(e) => {
            state.error(format!("cannot open stack {stack}: {e}"));
            Vec::new()
        }
    }
}

/// A file was read for the editor (`None`: it does not exist yet: start from a template).
pub fn on_file_opened(
    state: &mut State,
    path: PathBuf,
    stack: String,
    result: Result<Option<String>, String>,
) -> Vec<Effect> {
    // stopped meanwhile (Esc), or not the file asked for last
    if state.stopped_reading.as_ref() == Some(&path) {
        state.stopped_reading = None;
        return Vec::new();
    }
    if state.reading.as_ref().is_some_and(|p| p != &path) {
        return Vec::new();
    }
    if state.reading.take().is_some() {
        state.status = None;
    }
    match result {
        Ok(text) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| state.work_dir.clone());
            let new = text.is_none();
            let on_disk = text.clone();
            let text = text.unwrap_or_else(|| template(&stack, &state.keymap));
            let mut ed = EditorState::new(
                &stack,
                &text,
                Origin::File(path.clone()),
                dir,
                state.env.clone(),
            );
            ed.on_disk = on_disk;
            if new {
                let save = state.keymap.key_label(Scope::Editor, Action::Save);
                ed.status = Some(format!("new file {}: {save} writes it", path.display()));
            }
            open(state, ed)
        }
        Err(e) => {
            state.error(e);
            Vec::new()
        }
    }
}

/// Autosaves found at start-up: offer the first back. Only an explicit `d` deletes it;
/// Esc (or `n`) leaves it for later.
pub fn on_autosaves(state: &mut State, found: Vec<Autosave>) {
    if let Some(a) = found.into_iter().next() {
        let of = match &a.file {
            Some(f) => format!("{} (stack {})", f.display(), a.stack),
            None => format!("stack {}", a.stack),
        };
        state.confirm(Confirm {
            title: " unsaved stack edit found ".into(),
            lines: vec![
                format!("An edit of {of} was not saved when swarmtop last stopped."),
                format!("It is kept in {}.", a.path.display()),
                String::new(),
                "y: restore it in the editor   d: delete it   n or esc: not now (offered again)"
                    .into(),
            ],
            pending: Pending::RestoreAutosave(a),
            danger: false,
            yes_key: 'y',
            live: None,
        });
    }
}

/// The answer to the offer: restore, delete, or not now.
pub fn on_autosave_answer(state: &mut State, a: Autosave, key: char) -> Vec<Effect> {
    match key {
        'y' => restore(state, a),
        'd' => {
            state.info(format!("deleted the unsaved edit of stack {}", a.stack));
            vec![Effect::RemoveAutosave { path: a.path }]
        }
        _ => {
            state.info(format!(
                "kept the unsaved edit of stack {} ({}): offered again at the next start",
                a.stack,
                a.path.display()
            ));
            Vec::new()
        }
    }
}

pub fn restore(state: &mut State, a: Autosave) -> Vec<Effect> {
    let ed = EditorState::restored(a, state.work_dir.clone(), state.env.clone());
    open(state, ed)
}

/// `n` in stacks: ask for the name.
pub fn new_stack(state: &mut State) {
    state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
        PromptKind::NewStack,
        "new stack name (opens NAME.yml here):",
        "",
    ))));
}

/// The new-stack prompt's answer.
pub fn submit_new_stack(state: &mut State, name: &str) -> Result<Vec<Effect>, String> {
    let name = name.trim();
    valid_stack_name(name)?;
    let path = state.work_dir.join(format!("{name}.yml"));
    state.overlay = None;
    Ok(open_file(state, path, name.to_string()))
}

/// Asks for a file to be read for the editor; until it comes, Esc stops waiting.
pub fn open_file(state: &mut State, path: PathBuf, stack: String) -> Vec<Effect> {
    state.info(format!("reading {}… (esc stops)", path.display()));
    state.reading = Some(path.clone());
    vec![Effect::OpenFile { path, stack }]
}

/// Esc while a file is read for the editor: its answer will be dropped.
pub fn cancel_read(state: &mut State) -> Vec<Effect> {
    if let Some(p) = state.reading.take() {
        state.info(format!("stopped reading {}", p.display()));
        state.stopped_reading = Some(p);
    }
    vec![Effect::CancelRead]
}

/// Typing paused: the editor's text goes to the background check and the autosave.
pub fn on_quiet(state: &mut State, generation: u64) -> Vec<Effect> {
    match state.editor_mut() {
        Some(ed) => ed
            .quiet(generation)
            .into_iter()
            .map(Effect::Editor)
            .collect(),
        None => Vec::new(),
    }
}

/// A bracketed paste while the editor is open: one edit.
pub fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    match state.editor_mut() {
        Some(ed) => ed.paste(text).into_iter().map(Effect::Editor).collect(),
        None => Vec::new(),
    }
}

/// Keys while the editor is open.
pub fn on_editor_key(state: &mut State, k: KeyEvent) -> Vec<Effect> {
    let Some(mut ed) = state.take_editor() else {
        return Vec::new();
    };
    let effects = editor::update(&mut ed, k, &state.keymap);
    let mut out = Vec::new();
    let mut leave = false;
    for e in effects {
        match e {
            EditorEffect::Leave => {
                leave = true;
                out.push(discard_autosave(&ed));
            }
            EditorEffect::Deploy { .. } | EditorEffect::PlanForDeploy { .. }
                if state.read_only.is_some() =>
            {
                ed.mode = editor::EditorMode::Editing;
                let plan = state.keymap.key_label(Scope::Editor, Action::Plan);
                let why = state.read_only.as_deref().unwrap_or_default();
                ed.status = Some(format!(
                    "{} ({plan} still shows the plan)",
                    swarmtop_model::feed::refusal(why, "deploying")
                ));
            }
            other => out.push(Effect::Editor(other)),
        }
    }
    // leaving, the editor goes (its screen was taken above): the panes are back
    if !leave {
        state.screen = Screen::Editor(ed);
    }
    out
}

/// Leaving the editor: its autosave is not needed any more.
fn discard_autosave(ed: &EditorState) -> Effect {
    Effect::DiscardAutosave {
        stack: ed.stack.clone(),
        also: ed.restored_from.clone(),
    }
}

/// Closes the editor (after "save and leave" wrote the file).
pub fn close_editor(state: &mut State) -> Vec<Effect> {
    state.overlay = None;
    state
        .take_editor()
        .map(|ed| discard_autosave(&ed))
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_names_like_docker() {
        assert!(valid_stack_name("shop-1").is_ok());
        let e = valid_stack_name("my shop").unwrap_err();
        assert!(e.contains("' '"), "{e}");
        assert!(valid_stack_name("-x").is_err());
    }

    #[test]
    fn a_file_names_its_stack() {
        assert_eq!(stack_name_for(Path::new("/srv/shop.yml")), "shop");
        assert_eq!(stack_name_for(Path::new("web app.yaml")), "web_app");
    }
}
