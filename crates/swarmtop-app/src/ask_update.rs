//! Answering a prompt (a number, a name, a path) or a yes/no dialog (`ask`): a refused line
//! keeps its text; `n` goes back to the form or prompt the dialog was about.

use crossterm::event::{KeyCode, KeyEvent};

use super::line_input::{LineKey, edit_line};
use super::msg::Effect;
use super::prompt::{Confirm, Pending, Prompt};
use super::state::{Overlay, State};
use super::{actions, editor_update};

pub fn on_prompt_key(state: &mut State, mut p: Prompt, k: KeyEvent) -> Vec<Effect> {
    let typed_char = matches!(k.code, KeyCode::Char(_))
        && !k.modifiers.intersects(
            crossterm::event::KeyModifiers::CONTROL | crossterm::event::KeyModifiers::ALT,
        );
    if std::mem::take(&mut p.prefilled) && typed_char {
        p.text.clear();
    }
    match edit_line(&mut p.text, &k) {
        LineKey::Cancel => {
            state.overlay = None;
            return Vec::new();
        }
        LineKey::Submit => {
            let text = p.text.clone();
            let result = actions::submit_prompt(state, &p.kind, &text);
            return match result {
                Ok(fx) => {
                    let typed = super::sent::Typed::Prompt(Box::new(p));
                    match &state.overlay {
                        None => super::sent_update::remember(state, &fx, typed),
                        // a dialog asks first: the prompt waits behind it
                        Some(Overlay::Confirm { .. }) => state.put_behind(typed),
                        Some(_) => {}
                    }
                    fx
                }
                Err(why) => {
                    // refused: keep the text, say why
                    p.error = Some(why);
                    state.overlay = Some(Overlay::Prompt(Box::new(p)));
                    Vec::new()
                }
            };
        }
        LineKey::Edited | LineKey::BackspaceOnEmpty | LineKey::Other => {}
    }
    p.error = None;
    state.overlay = Some(Overlay::Prompt(Box::new(p)));
    Vec::new()
}

/// Up, down, a page, the top or the bottom of a dialog taller than the screen (the keymap's
/// moving keys).
fn scroll(state: &mut State, c: &Confirm, k: &KeyEvent) {
    use swarmtop_settings::keymap::{Action, Key, Scope};
    let fit = super::prompt::DialogFit::of(&c.lines, state.size.0, state.size.1);
    let Some(action) = Key::from_event(k).and_then(|key| state.keymap.action(Scope::Global, &key))
    else {
        return;
    };
    let page = fit.window().saturating_sub(1).max(1);
    let at = state.dialog_scroll.min(fit.max_scroll());
    state.dialog_scroll = match action {
        Action::Up => at.saturating_sub(1),
        Action::Down => at + 1,
        Action::PageUp => at.saturating_sub(page),
        Action::PageDown => at + page,
        Action::Top => 0,
        Action::Bottom => fit.max_scroll(),
        _ => at,
    }
    .min(fit.max_scroll());
}

pub fn on_confirm_key(
    state: &mut State,
    c: Confirm,
    behind: Option<super::sent::Typed>,
    k: KeyEvent,
) -> Vec<Effect> {
    // an autosave offer has three answers, and none of them is a reflex: Esc is "not now"
    if let Pending::RestoreAutosave(a) = &c.pending {
        let answer = match k.code {
            KeyCode::Char(ch @ ('y' | 'd' | 'n')) => ch,
            KeyCode::Char('Y') => 'y',
            KeyCode::Esc => 'n',
            _ => {
                state.overlay = Some(Overlay::Confirm {
                    ask: Box::new(c),
                    behind,
                });
                return Vec::new();
            }
        };
        let a = a.clone();
        state.overlay = None;
        return editor_update::on_autosave_answer(state, a, answer);
    }
    // an override asks for its own key (F), so a reflexive `y` cannot do it
    let yes = match c.yes_key {
        'y' => matches!(k.code, KeyCode::Char('y') | KeyCode::Char('Y')),
        key => k.code == KeyCode::Char(key),
    };
    let no = matches!(
        k.code,
        KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc
    );
    if !yes && !no {
        scroll(state, &c, &k);
        state.overlay = Some(Overlay::Confirm {
            ask: Box::new(c),
            behind,
        });
        return Vec::new();
    }
    state.overlay = None;
    match (c.pending, yes) {
        // answered above
        (Pending::RestoreAutosave(_), _) => Vec::new(),
        (Pending::Run(op), true) => {
            // the form or prompt stays at hand until the engine has answered
            let fx = actions::run_op(state, op);
            if let Some(typed) = behind {
                super::sent_update::remember(state, &fx, typed);
            }
            fx
        }
        (Pending::Run(op), false) => {
            // a form's or prompt's op said no to: back to it, as typed
            match behind {
                Some(typed) => state.reopen(typed),
                None => state.info(format!("cancelled: {}", op.describe())),
            }
            Vec::new()
        }
        (
            Pending::CreateFromFile {
                kind,
                name,
                path,
                labels,
            },
            true,
        ) => {
            if let Some(why) = &state.read_only {
                state.error(swarmtop_model::feed::refusal(
                    why,
                    &format!("creating {name}"),
                ));
                return Vec::new();
            }
            state.info(format!("creating {name} from {}…", path.display()));
            let fx = vec![Effect::CreateFromFile {
                kind,
                name,
                path,
                labels,
            }];
            // the form stays at hand until the engine has answered
            if let Some(typed) = behind {
                super::sent_update::remember(state, &fx, typed);
            }
            fx
        }
        (Pending::CreateFromFile { .. } | Pending::RotateFromFile { .. }, false) => {
            if let Some(typed) = behind {
                state.reopen(typed);
            }
            Vec::new()
        }
        (Pending::RotateFromFile { rotation, path }, true) => {
            let what = rotation.describe();
            if let Some(why) = &state.read_only {
                state.error(swarmtop_model::feed::refusal(why, &what));
                return Vec::new();
            }
            state.info(format!("{what}: reading {}…", path.display()));
            let fx = vec![Effect::RotateFromFile { rotation, path }];
            // the form stays at hand until the engine has answered
            if let Some(typed) = behind {
                super::sent_update::remember(state, &fx, typed);
            }
            fx
        }
    }
}
