//! The stack editor: a compose file in a text area, checked while it is typed (YAML and compose
//! errors with line and column, the text never touched), saved, planned and deployed through
//! named effects the runtime carries out. Self-contained: the main `update` hands it the keys
//! while it is open and runs the [`EditorEffect`]s it returns.
//!
//! Typing never waits for the check or the autosave: each edit takes a new generation and asks
//! for [`EditorEffect::Edited`]; once typing pauses the runtime answers with
//! [`EditorState::quiet`], which hands the text to the background check and the autosave. A
//! check result for an older generation is dropped (the newest text wins).
//!
//! Flow: `ctrl-s` → [`EditorEffect::Save`]; `ctrl-p` → [`EditorEffect::Plan`], the runtime
//! answers with [`EditorState::show_plan`]; `ctrl-g` → [`EditorEffect::PlanForDeploy`], then
//! the plan is shown for confirmation and `y` gives [`EditorEffect::Deploy`]; `Esc` leaves, and
//! asks first when there are unsaved changes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
use ratatui_textarea::{CursorMove, TextArea};

use swarmtop_compose::error::FileError;
use swarmtop_compose::interpolate::Env;
use swarmtop_compose::load::{Loaded, Source, check_sources};
use swarmtop_settings::keymap::{Action, Key, Keymap, Scope};

/// How the account of a cut-off deploy starts (`swarmtop::stack::cut` writes it): the editor
/// offers to deploy again on it.
pub const CUT_OFF: &str = "the deploy was cut off";

/// A new edit generation, unique in the process: a result that comes back late for an
/// editor closed meanwhile can never pass for one of a newer editor.
pub fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What the check of one generation of the text found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub diagnostic: Option<Diagnostic>,
    pub warnings: Vec<String>,
}

/// The check the editor shows: the text as compose, no disk access. Pure, but slow on big
/// files: the runtime runs it off the UI task.
pub fn check(name: &str, text: &str, dir: &Path, env: &Env) -> CheckResult {
    let src = [Source {
        name: name.to_string(),
        text: text.to_string(),
    }];
    let r: Result<Loaded, FileError> = check_sources(&src, dir, env);
    match r {
        Ok(l) => CheckResult {
            diagnostic: None,
            warnings: l.warnings,
        },
        Err(e) => CheckResult {
            diagnostic: Some(Diagnostic {
                line: e.line,
                column: e.column,
                message: e.message,
            }),
            warnings: Vec::new(),
        },
    }
}

/// Where the text came from; a reconstructed file says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk (`:edit PATH`, `n`).
    File(PathBuf),
    /// The file swarmtop stored in the swarm at the stack's last deploy.
    Stored,
    /// Rebuilt from the live specs (a stack the docker CLI deployed).
    Reconstructed,
    /// Brought back from an autosave after an interrupted session.
    Restored(PathBuf),
}

/// The first problem in the text, with its place (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorMode {
    Editing,
    /// Esc with unsaved changes: save, discard or stay.
    ConfirmLeave,
    /// The file changed on disk since it was opened or last saved here: overwrite or not.
    ConfirmOverwrite,
    /// A plan on screen; `deploy` means `y` deploys it.
    Plan {
        text: String,
        deploy: bool,
        scroll: u16,
    },
    /// Waiting for the runtime to work out a plan of the text at generation `generation`;
    /// typing goes on meanwhile and `Esc` cancels it.
    Planning {
        deploy: bool,
        generation: u64,
    },
}

/// What the editor asks the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorEffect {
    /// Write `text` to `path` (then call [`EditorState::saved`]). Unless `force`, only when
    /// the file still holds `expected` (`None`: it did not exist), else the runtime answers
    /// with a conflict and nothing is written.
    Save {
        path: PathBuf,
        text: String,
        expected: Option<String>,
        force: bool,
    },
    /// Work out the plan of deploying `text` as `stack` (relative paths from `dir`) and give
    /// it to [`EditorState::show_plan`] with `generation`.
    Plan {
        stack: String,
        text: String,
        dir: PathBuf,
        generation: u64,
    },
    /// The same, for a deploy that waits for confirmation.
    PlanForDeploy {
        stack: String,
        text: String,
        dir: PathBuf,
        generation: u64,
    },
    /// Stop working out the plan (Esc while planning); its result would be dropped anyway.
    CancelPlan,
    /// Deploy `text` as `stack` (the plan was confirmed).
    Deploy {
        stack: String,
        text: String,
        dir: PathBuf,
    },
    /// The text changed (generation `generation`): the runtime answers with
    /// `Msg::EditorQuiet(generation)` once no newer edit came for a moment.
    Edited { generation: u64 },
    /// Check `text` in the background; the result comes back tagged with `generation`.
    Check {
        generation: u64,
        name: String,
        text: String,
        dir: PathBuf,
        env: Env,
    },
    /// Write the buffer to this session's autosave file, in the background; then remove
    /// `replaces` (the autosave a restored edit came from).
    Autosave {
        record: Autosave,
        replaces: Option<PathBuf>,
    },
    /// Close the editor.
    Leave,
}

pub struct EditorState {
    pub textarea: TextArea<'static>,
    pub stack: String,
    pub origin: Origin,
    /// Where `ctrl-s` writes; `None` until the user names a file (stored/reconstructed text).
    pub path: Option<PathBuf>,
    /// Relative paths in the file resolve here.
    pub dir: PathBuf,
    pub env: Env,
    pub mode: EditorMode,
    pub diagnostic: Option<Diagnostic>,
    pub warnings: Vec<String>,
    /// The generation of the text now in the buffer (each edit takes a new one).
    pub generation: u64,
    /// The generation `diagnostic` and `warnings` were found for (`None`: not checked yet).
    pub checked: Option<u64>,
    /// The generation of the text last saved (or opened): unsaved changes when it differs.
    saved_generation: u64,
    /// A one-line message for the status bar (saved, deployed, failed ...).
    pub status: Option<String>,
    saved_text: String,
    /// What the file holds as far as this editor knows: when it was opened or last saved
    /// from here (`None`: there was no file). A save first checks the file still holds it.
    pub on_disk: Option<String>,
    /// The text of the save under way, and its generation.
    saving: Option<(String, u64)>,
    /// Close the editor once the save under way has succeeded (save and leave).
    leave_after_save: bool,
    /// The autosave this edit was restored from: removed once this session's own is written,
    /// or when the text is saved or discarded.
    pub restored_from: Option<PathBuf>,
}

impl EditorState {
    /// Opens `text` for the stack `stack`.
    pub fn new(stack: &str, text: &str, origin: Origin, dir: PathBuf, env: Env) -> EditorState {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let path = match &origin {
            Origin::File(p) => Some(p.clone()),
            _ => None,
        };
        let generation = next_generation();
        let mut s = EditorState {
            textarea: TextArea::new(if lines.is_empty() {
                vec![String::new()]
            } else {
                lines
            }),
            stack: stack.to_string(),
            origin,
            path,
            dir,
            env,
            mode: EditorMode::Editing,
            diagnostic: None,
            warnings: Vec::new(),
            generation,
            checked: None,
            saved_generation: generation,
            status: None,
            saved_text: String::new(),
            on_disk: None,
            saving: None,
            leave_after_save: false,
            restored_from: None,
        };
        s.saved_text = s.text();
        s
    }

    /// An edit brought back from an autosave: its file is kept (so it can be saved back, the
    /// usual check for a change on disk included), and it is an unsaved change.
    pub fn restored(a: Autosave, work_dir: PathBuf, env: Env) -> EditorState {
        let dir = a
            .file
            .as_ref()
            .and_then(|f| f.parent())
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or(work_dir);
        let mut s = EditorState::new(
            &a.stack,
            &a.text,
            Origin::Restored(a.path.clone()),
            dir,
            env,
        );
        s.path = a.file;
        s.saved_text = a.on_disk.clone().unwrap_or_default();
        s.on_disk = a.on_disk;
        s.restored_from = Some(a.path);
        if s.text() != s.saved_text {
            s.saved_generation = 0;
        }
        s
    }

    /// What the autosave of `text` records.
    fn record(&self, text: String) -> Autosave {
        Autosave {
            stack: self.stack.clone(),
            text,
            file: self.path.clone(),
            on_disk: self.on_disk.clone(),
            pid: None,
            host: None,
            path: PathBuf::new(),
        }
    }

    /// The buffer, with a final newline.
    pub fn text(&self) -> String {
        let mut t = self.textarea.lines().join("\n");
        t.push('\n');
        t
    }

    /// Unsaved changes. Cheap (drawn every frame): by generation; an edit typed back to the
    /// saved text counts as clean again once typing pauses (see [`EditorState::quiet`]).
    pub fn is_dirty(&self) -> bool {
        self.generation != self.saved_generation
    }

    /// The autosave of the text, when there are unsaved changes (written at the way out),
    /// and the autosave it replaces.
    pub fn unsaved(&self) -> Option<(Autosave, Option<PathBuf>)> {
        let text = self.text();
        (self.is_dirty() && text != self.saved_text)
            .then(|| (self.record(text), self.restored_from.clone()))
    }

    /// The check of the text now in the buffer is still to come.
    pub fn checking(&self) -> bool {
        self.checked != Some(self.generation)
    }

    /// The text changed: a new generation, and the runtime is told.
    fn edited(&mut self) -> EditorEffect {
        self.generation = next_generation();
        self.status = None;
        EditorEffect::Edited {
            generation: self.generation,
        }
    }

    /// The check of the current text, to run in the background.
    pub fn check_effect(&self) -> EditorEffect {
        EditorEffect::Check {
            generation: self.generation,
            name: self.file_name(),
            text: self.text(),
            dir: self.dir.clone(),
            env: self.env.clone(),
        }
    }

    /// Typing paused at `generation`: check and autosave that text, unless newer text came
    /// meanwhile (then its own pause will come).
    pub fn quiet(&mut self, generation: u64) -> Vec<EditorEffect> {
        if generation != self.generation {
            return Vec::new();
        }
        let text = self.text();
        if text == self.saved_text {
            // typed back to what is saved: nothing unsaved, nothing to autosave
            self.saved_generation = self.generation;
        }
        let check = self.check_effect();
        if self.is_dirty() {
            vec![
                check,
                EditorEffect::Autosave {
                    record: self.record(text),
                    replaces: self.restored_from.clone(),
                },
            ]
        } else {
            vec![check]
        }
    }

    /// A check came back; kept only if it is for the text now in the buffer.
    pub fn checked(&mut self, generation: u64, result: CheckResult) {
        if generation != self.generation {
            return;
        }
        self.checked = Some(generation);
        self.diagnostic = result.diagnostic;
        self.warnings = result.warnings;
    }

    /// A bracketed paste: the whole text as one edit (one check, one autosave, one undo).
    pub fn paste(&mut self, text: &str) -> Vec<EditorEffect> {
        if self.mode != EditorMode::Editing && !matches!(self.mode, EditorMode::Planning { .. }) {
            return Vec::new();
        }
        // terminals send line breaks in a paste as CR
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        // a block pasted on a line holding only the indentation Enter gave it brings its own:
        // it replaces that one, or its first line would go deeper than the rest
        let ratatui_textarea::DataCursor(row, col) = self.textarea.cursor();
        let before: String = self.textarea.lines()[row].chars().take(col).collect();
        if !before.is_empty()
            && before.chars().all(|c| c == ' ' || c == '\t')
            && text.starts_with([' ', '\t'])
            && !self.textarea.is_selecting()
        {
            self.textarea.delete_line_by_head();
        }
        if self.textarea.insert_str(text) {
            vec![self.edited()]
        } else {
            Vec::new()
        }
    }

    fn file_name(&self) -> String {
        self.path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| format!("{}.yml", self.stack))
    }

    /// Checks the buffer here and now (tests; the editor itself checks in the background).
    pub fn validate(&mut self) {
        let r = check(&self.file_name(), &self.text(), &self.dir, &self.env);
        self.checked(self.generation, r);
    }

    /// A save of the buffer to `path` (checked against what the file held unless `force`).
    fn save(&mut self, path: PathBuf, force: bool) -> EditorEffect {
        let text = self.text();
        self.saving = Some((text.clone(), self.generation));
        EditorEffect::Save {
            path,
            text,
            expected: self.on_disk.clone(),
            force,
        }
    }

    /// The runtime wrote the file. True when the editor should now close (save and leave).
    pub fn saved(&mut self, path: PathBuf) -> bool {
        let (text, generation) = self
            .saving
            .take()
            .unwrap_or_else(|| (self.text(), self.generation));
        self.saved_generation = generation;
        self.saved_text = text.clone();
        self.on_disk = Some(text);
        self.status = Some(format!("saved {}", path.display()));
        self.path = Some(path);
        std::mem::take(&mut self.leave_after_save)
    }

    /// The runtime could not write the file: the text stays, and so does the editor.
    pub fn save_failed(&mut self, error: String) {
        self.saving = None;
        self.leave_after_save = false;
        self.status = Some(error);
    }

    /// The file changed on disk since it was opened or saved here: ask before overwriting.
    pub fn save_conflict(&mut self, path: &Path) {
        self.saving = None;
        self.mode = EditorMode::ConfirmOverwrite;
        self.status = Some(format!(
            "{} changed on disk since it was opened here",
            path.display()
        ));
    }

    /// The runtime has a plan for the text of `generation` (or an error instead of one).
    /// Dropped when it was cancelled; a plan to deploy is not offered for text that changed
    /// while it was worked out (the deploy would not be what the plan said).
    pub fn show_plan(&mut self, generation: u64, result: Result<String, String>) {
        let deploy = match self.mode {
            EditorMode::Planning {
                deploy,
                generation: g,
            } if g == generation => deploy,
            _ => return,
        };
        let changed = generation != self.generation;
        match result {
            Ok(_) if deploy && changed => {
                self.mode = EditorMode::Editing;
                self.status = Some(
                    "the text changed while the plan was worked out: ask for the deploy again"
                        .into(),
                );
            }
            Ok(mut text) => {
                if changed {
                    text.insert_str(0, "(the plan of the text as it was when asked)\n");
                }
                self.mode = EditorMode::Plan {
                    text,
                    deploy,
                    scroll: 0,
                }
            }
            Err(e) => {
                self.mode = EditorMode::Editing;
                self.status = Some(e);
            }
        }
    }

    /// The runtime finished a deploy.
    pub fn deployed(&mut self, result: Result<String, String>) {
        self.mode = EditorMode::Editing;
        self.status = Some(match result {
            Ok(summary) => summary,
            // what is in place and what is not, with `y` to deploy the rest
            Err(e) if e.starts_with(CUT_OFF) => {
                let again = !e.contains("nothing left to deploy");
                self.mode = EditorMode::Plan {
                    text: e,
                    deploy: again,
                    scroll: 0,
                };
                "deploy cut off: what was done and what was not is on screen".into()
            }
            Err(e) => format!("deploy failed: {e}"),
        });
    }

    /// Gives the text area the theme's border and line-number styles (once, when opened).
    pub fn apply_theme(&mut self, theme: &swarmtop_settings::theme::Theme) {
        self.textarea.set_block(
            ratatui::widgets::Block::default()
                .borders(ratatui::widgets::Borders::ALL)
                .border_style(theme.border),
        );
        self.textarea.set_line_number_style(theme.dim);
    }

    /// Moves the cursor to the diagnostic's place.
    pub fn jump_to_problem(&mut self) {
        if let Some(d) = &self.diagnostic {
            let row = d.line.unwrap_or(1).saturating_sub(1) as u16;
            let col = d.column.unwrap_or(1).saturating_sub(1) as u16;
            self.textarea.move_cursor(CursorMove::Jump(row, col));
        }
    }
}

/// One key for the editor.
pub fn update(state: &mut EditorState, key: KeyEvent, keymap: &Keymap) -> Vec<EditorEffect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let action = Key::from_event(&key).and_then(|k| keymap.action(Scope::Editor, &k));
    match state.mode.clone() {
        EditorMode::ConfirmLeave => match key.code {
            // the editor closes only once the file is written: a failed save keeps the text
            KeyCode::Char('s') => match state.path.clone() {
                Some(path) => {
                    state.mode = EditorMode::Editing;
                    state.leave_after_save = true;
                    vec![state.save(path, false)]
                }
                None => {
                    state.mode = EditorMode::Editing;
                    state.status = Some(
                        "this text has no file yet: deploy it, or leave with d to discard".into(),
                    );
                    Vec::new()
                }
            },
            KeyCode::Char('d') | KeyCode::Char('y') => vec![EditorEffect::Leave],
            KeyCode::Esc | KeyCode::Char('n') => {
                state.mode = EditorMode::Editing;
                Vec::new()
            }
            _ => Vec::new(),
        },
        EditorMode::ConfirmOverwrite => {
            state.mode = EditorMode::Editing;
            match (key.code, state.path.clone()) {
                (KeyCode::Char('y'), Some(path)) => vec![state.save(path, true)],
                _ => {
                    state.leave_after_save = false;
                    state.status = Some(
                        "not saved: the file on disk is unchanged and your text is still here"
                            .into(),
                    );
                    Vec::new()
                }
            }
        }
        EditorMode::Plan {
            text,
            deploy,
            scroll,
        } => match key.code {
            KeyCode::Char('y') if deploy => {
                state.mode = EditorMode::Editing;
                state.status = Some(format!("deploying {} ...", state.stack));
                vec![EditorEffect::Deploy {
                    stack: state.stack.clone(),
                    text: state.text(),
                    dir: state.dir.clone(),
                }]
            }
            KeyCode::Down | KeyCode::Char('j') => {
                state.mode = EditorMode::Plan {
                    text,
                    deploy,
                    scroll: scroll.saturating_add(1),
                };
                Vec::new()
            }
            KeyCode::Up | KeyCode::Char('k') => {
                state.mode = EditorMode::Plan {
                    text,
                    deploy,
                    scroll: scroll.saturating_sub(1),
                };
                Vec::new()
            }
            _ => {
                state.mode = EditorMode::Editing;
                Vec::new()
            }
        },
        // the plan is worked out elsewhere: typing goes on, Esc gives up waiting
        EditorMode::Planning { .. } => match action {
            Some(Action::Leave) => {
                state.mode = EditorMode::Editing;
                state.status = Some("plan cancelled".into());
                vec![EditorEffect::CancelPlan]
            }
            Some(Action::Save | Action::Plan | Action::Deploy) => {
                state.status = Some("still working out the plan (esc cancels it)".into());
                Vec::new()
            }
            _ => edit(state, key),
        },
        EditorMode::Editing => match action {
            Some(Action::Save) => match state.path.clone() {
                Some(path) => vec![state.save(path, false)],
                None => {
                    state.status = Some("no file to save to: use :edit PATH to pick one".into());
                    Vec::new()
                }
            },
            Some(a @ (Action::Plan | Action::Deploy)) => {
                // a problem found in this very text; an older one may be fixed already, and
                // the plan checks the text again anyway
                if let Some(d) = state.diagnostic.as_ref().filter(|_| !state.checking()) {
                    state.status = Some(format!("fix the file first: {}", d.message));
                    state.jump_to_problem();
                    return Vec::new();
                }
                let deploy = a == Action::Deploy;
                let generation = state.generation;
                state.status = None;
                state.mode = EditorMode::Planning { deploy, generation };
                let (stack, text, dir) = (state.stack.clone(), state.text(), state.dir.clone());
                vec![if deploy {
                    EditorEffect::PlanForDeploy {
                        stack,
                        text,
                        dir,
                        generation,
                    }
                } else {
                    EditorEffect::Plan {
                        stack,
                        text,
                        dir,
                        generation,
                    }
                }]
            }
            Some(Action::Leave) => {
                if state.is_dirty() {
                    state.mode = EditorMode::ConfirmLeave;
                    Vec::new()
                } else {
                    vec![EditorEffect::Leave]
                }
            }
            _ => edit(state, key),
        },
    }
}

/// A key for the text itself. The check and the autosave wait for a pause in typing.
fn edit(state: &mut EditorState, key: KeyEvent) -> Vec<EditorEffect> {
    if starts_a_line(&key) && !state.textarea.is_selecting() {
        // a new line keeps the indentation (one edit: one undo takes it back)
        let ratatui_textarea::DataCursor(row, col) = state.textarea.cursor();
        let indent = super::editor_indent::new_line_indent(state.textarea.lines(), row, col);
        return if state.textarea.insert_str(format!("\n{indent}")) {
            vec![state.edited()]
        } else {
            Vec::new()
        };
    }
    if state.textarea.input(key) {
        vec![state.edited()]
    } else {
        Vec::new()
    }
}

/// The keys the text area takes as a line break: Enter, ctrl-m, a typed CR or LF.
fn starts_a_line(key: &KeyEvent) -> bool {
    use crossterm::event::KeyModifiers;
    let (ctrl, alt) = (
        key.modifiers.contains(KeyModifiers::CONTROL),
        key.modifiers.contains(KeyModifiers::ALT),
    );
    match key.code {
        KeyCode::Enter => true,
        KeyCode::Char('m') => ctrl && !alt,
        KeyCode::Char('\n' | '\r') => !ctrl && !alt,
        _ => false,
    }
}

pub use super::autosave::Autosave;

#[cfg(test)]
mod tests {
    use crossterm::event::KeyModifiers;

    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }
    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }
    fn typed(s: &mut EditorState, text: &str, km: &Keymap) -> Vec<EditorEffect> {
        let mut fx = Vec::new();
        for c in text.chars() {
            let k = if c == '\n' {
                key(KeyCode::Enter)
            } else {
                key(KeyCode::Char(c))
            };
            fx.extend(update(s, k, km));
        }
        fx
    }
    pub fn editor(text: &str) -> EditorState {
        let mut s = EditorState::new(
            "web",
            text,
            Origin::File("/srv/web.yml".into()),
            "/srv".into(),
            Env::new(),
        );
        s.validate();
        s
    }

    /// The runtime's part: typing paused, the check ran.
    fn pause(s: &mut EditorState) -> Vec<EditorEffect> {
        let fx = s.quiet(s.generation);
        for e in &fx {
            if let EditorEffect::Check {
                generation,
                name,
                text,
                dir,
                env,
            } = e
            {
                s.checked(*generation, check(name, text, dir, env));
            }
        }
        fx
    }

    #[test]
    fn errors_show_while_typing_and_the_text_stays() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n  web:\n    image: busybox\n");
        assert_eq!(s.diagnostic, None);
        s.textarea.move_cursor(CursorMove::Bottom);
        s.textarea.move_cursor(CursorMove::End);
        // Enter keeps the indentation of `image:`
        let fx = typed(&mut s, "\nreplics: 2", &km);
        // each key only notes the edit: no check, no autosave on the key path
        assert_eq!(fx.len(), "\nreplics: 2".chars().count());
        assert!(fx.iter().all(|e| matches!(e, EditorEffect::Edited { .. })));
        assert!(s.checking());
        // typing paused: one check and one autosave of the newest text
        let fx = pause(&mut s);
        assert!(matches!(
            &fx[..],
            [EditorEffect::Check { text: c, .. }, EditorEffect::Autosave { record: a, .. }]
                if c.contains("replics: 2") && &a.text == c && a.file.as_deref() == Some(Path::new("/srv/web.yml"))
        ));
        let d = s.diagnostic.clone().expect("a problem");
        assert_eq!((d.line, d.column), (Some(4), Some(5)));
        assert!(d.message.contains("unknown key `replics`"), "{d:?}");
        assert!(s.text().contains("replics: 2"), "the text is kept");
        // a broken YAML line has a place too
        typed(&mut s, "\n- [", &km);
        pause(&mut s);
        assert!(
            s.diagnostic
                .as_ref()
                .is_some_and(|d| d.message.starts_with("invalid YAML") && d.line.is_some())
        );
    }

    #[test]
    fn a_paste_is_one_edit() {
        let mut s = editor("services:\n  web:\n    image: busybox\n");
        s.textarea.move_cursor(CursorMove::Bottom);
        let mut pasted = String::new();
        for i in 0..1500 {
            pasted.push_str(&format!("# pasted line {i}\r\n"));
        }
        assert!(pasted.len() > 20_000);
        let fx = s.paste(&pasted);
        assert_eq!(
            fx,
            vec![EditorEffect::Edited {
                generation: s.generation
            }]
        );
        assert!(s.text().contains("# pasted line 0\n# pasted line 1\n"));
        assert!(!s.text().contains('\r'));
        assert!(s.text().contains("# pasted line 1499\n"));
        // one undo takes it all back
        s.textarea.undo();
        assert_eq!(s.text(), "services:\n  web:\n    image: busybox\n");
    }

    #[test]
    fn a_check_of_older_text_is_dropped() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n  web:\n    image: busybox\n");
        let old = s.generation;
        typed(&mut s, "x", &km);
        assert_ne!(s.generation, old);
        // the answer for the text before the key comes late: not shown as this text's
        s.checked(
            old,
            check("web.yml", "services: [", Path::new("/srv"), &Env::new()),
        );
        assert_eq!(s.diagnostic, None);
        assert!(s.checking());
        // a pause for an older generation asks for nothing (the newest has its own)
        assert!(s.quiet(old).is_empty());
        assert!(!pause(&mut s).is_empty());
        assert!(!s.checking());
        assert!(
            s.diagnostic.is_some(),
            "`xservices` is not a key compose knows"
        );
    }

    #[test]
    fn typing_back_to_the_saved_text_is_not_an_unsaved_change() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n  web:\n    image: busybox\n");
        typed(&mut s, "x", &km);
        assert!(s.is_dirty());
        update(&mut s, key(KeyCode::Backspace), &km);
        // nothing to autosave once typing pauses on the saved text
        let fx = pause(&mut s);
        assert!(matches!(&fx[..], [EditorEffect::Check { .. }]), "{fx:?}");
        assert!(!s.is_dirty());
        assert_eq!(s.unsaved(), None);
    }

    #[test]
    fn save_plan_and_deploy_are_effects() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n  web:\n    image: busybox\n");
        assert_eq!(
            update(&mut s, ctrl('s'), &km),
            vec![EditorEffect::Save {
                path: "/srv/web.yml".into(),
                text: s.text(),
                expected: None,
                force: false,
            }]
        );
        let fx = update(&mut s, ctrl('p'), &km);
        assert!(matches!(&fx[..], [EditorEffect::Plan { stack, .. }] if stack == "web"));
        s.show_plan(s.generation, Ok("+ create service web_web\n".into()));
        assert!(matches!(s.mode, EditorMode::Plan { deploy: false, .. }));
        // y does not deploy a plan that was only asked to be shown
        assert!(update(&mut s, key(KeyCode::Char('y')), &km).is_empty());
        let fx = update(&mut s, ctrl('g'), &km);
        assert!(matches!(&fx[..], [EditorEffect::PlanForDeploy { .. }]));
        s.show_plan(s.generation, Ok("+ create service web_web\n".into()));
        let fx = update(&mut s, key(KeyCode::Char('y')), &km);
        assert!(matches!(&fx[..], [EditorEffect::Deploy { stack, .. }] if stack == "web"));
    }

    #[test]
    fn typing_goes_on_while_the_plan_is_worked_out_and_esc_cancels_it() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n  web:\n    image: busybox\n");
        let fx = update(&mut s, ctrl('p'), &km);
        let asked = s.generation;
        assert!(matches!(&fx[..], [EditorEffect::Plan { generation, .. }] if *generation == asked));
        // the manager does not answer (a network cut): keys still edit the text
        s.textarea.move_cursor(CursorMove::Bottom);
        let fx = typed(&mut s, "# typed while planning", &km);
        assert!(!fx.is_empty());
        assert!(s.text().contains("# typed while planning"));
        assert!(matches!(s.mode, EditorMode::Planning { .. }));
        // save waits for the plan rather than racing it
        assert!(update(&mut s, ctrl('s'), &km).is_empty());
        // Esc gives up on the plan; the text stays
        assert_eq!(
            update(&mut s, key(KeyCode::Esc), &km),
            vec![EditorEffect::CancelPlan]
        );
        assert_eq!(s.mode, EditorMode::Editing);
        assert!(s.text().contains("# typed while planning"));
        // the answer that comes late is dropped
        s.show_plan(asked, Ok("+ create service web_web\n".into()));
        assert_eq!(s.mode, EditorMode::Editing);
    }

    #[test]
    fn a_deploy_cut_off_shows_what_was_done_and_offers_to_deploy_again() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n  web:\n    image: busybox\n");
        let account = format!(
            "{}: stack web: failed to create service web_web: …\n  + created network web_default\n  ~ create service web_web\ny deploys again",
            CUT_OFF
        );
        s.deployed(Err(account.clone()));
        assert!(matches!(&s.mode, EditorMode::Plan { text, deploy: true, .. } if *text == account));
        let fx = update(&mut s, key(KeyCode::Char('y')), &km);
        assert!(matches!(&fx[..], [EditorEffect::Deploy { stack, .. }] if stack == "web"));
        // any other failure stays one line
        s.deployed(Err("the swarm has no leader".into()));
        assert_eq!(s.mode, EditorMode::Editing);
    }

    #[test]
    fn a_deploy_plan_of_text_changed_meanwhile_is_not_offered() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n  web:\n    image: busybox\n");
        update(&mut s, ctrl('g'), &km);
        let asked = s.generation;
        typed(&mut s, "x", &km);
        s.show_plan(asked, Ok("+ create service web_web\n".into()));
        assert_eq!(s.mode, EditorMode::Editing, "y must not deploy other text");
        assert!(s.status.as_deref().unwrap_or("").contains("changed while"));
    }

    #[test]
    fn a_broken_file_is_not_planned() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n  web:\n    imag: busybox\n");
        assert!(update(&mut s, ctrl('g'), &km).is_empty());
        assert!(
            s.status
                .as_deref()
                .unwrap_or("")
                .contains("fix the file first")
        );
        assert_eq!(s.textarea.cursor(), ratatui_textarea::DataCursor(2, 4));
    }

    #[test]
    fn leaving_with_unsaved_changes_asks() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n  web:\n    image: busybox\n");
        assert_eq!(
            update(&mut s, key(KeyCode::Esc), &km),
            vec![EditorEffect::Leave]
        );
        typed(&mut s, "# note\n", &km);
        assert!(s.is_dirty());
        assert!(update(&mut s, key(KeyCode::Esc), &km).is_empty());
        assert_eq!(s.mode, EditorMode::ConfirmLeave);
        assert!(
            update(&mut s, key(KeyCode::Esc), &km).is_empty(),
            "Esc stays"
        );
        assert_eq!(s.mode, EditorMode::Editing);
        update(&mut s, key(KeyCode::Esc), &km);
        // save and leave: the editor closes only once the file is written
        let fx = update(&mut s, key(KeyCode::Char('s')), &km);
        assert!(matches!(&fx[..], [EditorEffect::Save { force: false, .. }]));
        assert!(s.saved("/srv/web.yml".into()), "written: now it closes");
        assert!(!s.is_dirty());
    }

    #[test]
    fn save_and_leave_that_fails_keeps_the_editor_and_the_text() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n  web:\n    image: busybox\n");
        typed(&mut s, "# note\n", &km);
        update(&mut s, key(KeyCode::Esc), &km);
        update(&mut s, key(KeyCode::Char('s')), &km);
        s.save_failed("cannot write /srv/web.yml: Permission denied".into());
        assert!(s.is_dirty());
        assert!(s.text().contains("# note"));
        assert_eq!(s.mode, EditorMode::Editing);
        // a later plain save does not close the editor
        update(&mut s, ctrl('s'), &km);
        assert!(!s.saved("/tmp/web.yml".into()));
    }

    #[test]
    fn a_file_changed_on_disk_is_overwritten_only_when_asked() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n  web:\n    image: busybox\n");
        s.on_disk = Some("services:\n  web:\n    image: busybox\n".into());
        typed(&mut s, "# mine\n", &km);
        let fx = update(&mut s, ctrl('s'), &km);
        assert!(matches!(
            &fx[..],
            [EditorEffect::Save { force: false, expected: Some(e), .. }] if e.contains("busybox")
        ));
        s.save_conflict(Path::new("/srv/web.yml"));
        assert_eq!(s.mode, EditorMode::ConfirmOverwrite);
        // n: nothing written, the text kept
        assert!(update(&mut s, key(KeyCode::Char('n')), &km).is_empty());
        assert_eq!(s.mode, EditorMode::Editing);
        assert!(s.status.as_deref().unwrap_or("").contains("not saved"));
        assert!(s.text().contains("# mine"));
        // again, and y: written over
        update(&mut s, ctrl('s'), &km);
        s.save_conflict(Path::new("/srv/web.yml"));
        let fx = update(&mut s, key(KeyCode::Char('y')), &km);
        assert!(matches!(&fx[..], [EditorEffect::Save { force: true, .. }]));
        assert!(!s.saved("/srv/web.yml".into()));
        // what is on disk now is what was written: the next save checks against that
        assert_eq!(s.on_disk.as_deref(), Some(s.text().as_str()));
    }

    #[test]
    fn a_pasted_block_brings_its_own_indentation() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n  web:\n    image: x\n");
        s.textarea.move_cursor(CursorMove::Top);
        s.textarea.move_cursor(CursorMove::Down);
        s.textarea.move_cursor(CursorMove::End);
        typed(&mut s, "\n", &km);
        // Enter gave `    `; the paste's own four spaces replace them
        s.paste("    deploy:\n      replicas: 2");
        assert_eq!(
            s.text(),
            "services:\n  web:\n    deploy:\n      replicas: 2\n    image: x\n"
        );
        // a paste without indentation of its own goes where the cursor is
        typed(&mut s, "\n", &km);
        s.paste("mode: global");
        assert!(
            s.text().contains("      replicas: 2\n      mode: global\n"),
            "{}",
            s.text()
        );
    }

    #[test]
    fn typed_lines_keep_their_indentation_and_go_deeper_after_a_key() {
        let km = Keymap::default_keymap();
        let mut s = editor("services:\n");
        s.textarea.move_cursor(CursorMove::Top);
        s.textarea.move_cursor(CursorMove::End);
        typed(
            &mut s,
            "\nweb:\nimage: nginx\nports:\n- \"80:80\"\n- \"443:443\"",
            &km,
        );
        assert_eq!(
            s.text(),
            "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n      - \"443:443\"\n"
        );
        // one undo takes back one line break with its indentation
        let before_undo = s.text();
        typed(&mut s, "\n", &km);
        s.textarea.undo();
        assert_eq!(s.text(), before_undo);
    }
}
