//! The stack editor on screen: a title line (stack, file, modified, where the text came from),
//! the text with line numbers, the first problem with its line and column, the keys; and over
//! it, the plan (with the deploy confirmation) or the "unsaved changes" question. Pure.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use swarmtop_app::editor::{EditorMode, EditorState, Origin};
use swarmtop_settings::keymap::{Action, Keymap, Scope};
use swarmtop_settings::theme::Theme;

pub fn draw(f: &mut Frame, area: Rect, state: &EditorState, keymap: &Keymap, theme: &Theme) {
    let [title, body, problem, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let origin = match &state.origin {
        Origin::File(p) => p.display().to_string(),
        Origin::Stored => "as deployed (stored in the swarm)".into(),
        Origin::Reconstructed => "RECONSTRUCTED from the live specs (not the original file)".into(),
        Origin::Restored(p) => format!("restored from {}", p.display()),
    };
    let mut spans = vec![
        Span::styled(format!(" stack {} ", state.stack), theme.title),
        Span::styled(origin, theme.text),
    ];
    if state.is_dirty() {
        spans.push(Span::styled(" [modified]", theme.warn));
    }
    f.render_widget(Paragraph::new(Line::from(spans)).style(theme.header), title);

    // the text area carries its block and styles (set by `EditorState::apply_theme`)
    f.render_widget(&state.textarea, body);

    let line = match (&state.status, &state.diagnostic) {
        (Some(s), _) => Line::from(Span::styled(s.clone(), theme.status)),
        (None, _) if matches!(state.mode, EditorMode::Planning { .. }) => Line::from(Span::styled(
            format!(
                "working out what a deploy would change… ({} cancels; typing goes on)",
                keymap.key_label(Scope::Editor, Action::Leave)
            ),
            theme.status,
        )),
        // until the first answer there is nothing to say; later the last problem found stays
        // up while the newest text is checked (it most often still holds)
        (None, None) if state.checking() => Line::from(Span::styled("checking…", theme.dim)),
        (None, Some(d)) => {
            let place = match (d.line, d.column) {
                (Some(l), Some(c)) => format!("line {l}, column {c}: "),
                (Some(l), None) => format!("line {l}: "),
                _ => String::new(),
            };
            Line::from(Span::styled(format!("{place}{}", d.message), theme.error))
        }
        (None, None) if !state.warnings.is_empty() => Line::from(Span::styled(
            format!(
                "ok ({} warning(s): {})",
                state.warnings.len(),
                state.warnings[0]
            ),
            theme.warn,
        )),
        (None, None) => Line::from(Span::styled("ok: the file is valid", theme.ok)),
    };
    f.render_widget(Paragraph::new(line), problem);
    let mut hints = Vec::new();
    for (a, what) in [
        (Action::Save, " save  "),
        (Action::Plan, " plan  "),
        (Action::Deploy, " deploy  "),
        (Action::Leave, " leave"),
    ] {
        hints.push(Span::styled(keymap.key_label(Scope::Editor, a), theme.key));
        hints.push(Span::styled(what, theme.dim));
    }
    let hints = Line::from(hints);
    f.render_widget(Paragraph::new(hints), keys);

    match &state.mode {
        // while planning the text stays in view and editable: the status line says so
        EditorMode::Editing | EditorMode::Planning { .. } => {}
        EditorMode::ConfirmLeave => popup(
            f,
            area,
            theme,
            " unsaved changes ",
            vec![
                Line::from("The file has changes that are not saved."),
                Line::from(""),
                Line::from(vec![
                    Span::styled("s", theme.key),
                    Span::raw(" save and leave   "),
                    Span::styled("d", theme.key),
                    Span::raw(" discard and leave   "),
                    Span::styled("esc", theme.key),
                    Span::raw(" stay"),
                ]),
            ],
            0,
        ),
        EditorMode::ConfirmOverwrite => popup(
            f,
            area,
            theme,
            " file changed on disk ",
            vec![
                Line::from(format!(
                    "{} was changed by someone else since it was opened here.",
                    state
                        .path
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                )),
                Line::from("Saving replaces their version with yours."),
                Line::from(""),
                Line::from(vec![
                    Span::styled("y", theme.key),
                    Span::raw(" overwrite it   "),
                    Span::styled("any other key", theme.key),
                    Span::raw(" keep editing, nothing written"),
                ]),
            ],
            0,
        ),
        EditorMode::Plan {
            text,
            deploy,
            scroll,
        } => {
            let mut lines: Vec<Line> = text
                .lines()
                .map(|l| {
                    let style = match l.chars().next() {
                        Some('+') => theme.ok,
                        Some('-') => theme.error,
                        Some('~') => theme.warn,
                        _ if l.starts_with("cannot deploy") => theme.error,
                        _ => theme.text,
                    };
                    Line::from(Span::styled(l.to_string(), style))
                })
                .collect();
            lines.push(Line::from(""));
            lines.push(if *deploy {
                Line::from(vec![
                    Span::styled("y", theme.key),
                    Span::raw(" deploy   "),
                    Span::styled("esc", theme.key),
                    Span::raw(" back to the file"),
                ])
            } else {
                Line::from(vec![
                    Span::styled("esc", theme.key),
                    Span::raw(" back to the file"),
                ])
            });
            let title = if *deploy { " deploy? " } else { " plan " };
            popup(f, area, theme, title, lines, *scroll);
        }
    }
}

fn popup(f: &mut Frame, area: Rect, theme: &Theme, title: &str, lines: Vec<Line>, scroll: u16) {
    let w = area.width.saturating_sub(4).min(100);
    let h = (lines.len() as u16 + 2)
        .min(area.height.saturating_sub(2))
        .max(3);
    let r = crate::popup::centred(area, w, h);
    crate::popup::framed(
        f,
        r,
        Span::styled(title.to_string(), theme.title),
        theme.border,
        lines,
        scroll,
    );
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use swarmtop_compose::interpolate::Env;

    fn render(state: &mut EditorState, w: u16, h: u16) -> String {
        let theme = Theme::default_theme();
        state.apply_theme(&theme);
        let km = Keymap::default_keymap();
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| draw(f, f.area(), state, &km, &theme)).unwrap();
        crate::tests::screen_text(t.backend().buffer())
    }

    fn editor(text: &str, origin: Origin) -> EditorState {
        let mut s = EditorState::new("shop", text, origin, "/srv".into(), Env::new());
        s.validate();
        s
    }

    #[test]
    fn editor_with_an_error_80x24() {
        let mut s = editor(
            "services:\n  web:\n    image: busybox:1\n    deploy:\n      replica: 2\n",
            Origin::File("/srv/shop.yml".into()),
        );
        let out = render(&mut s, 80, 24);
        assert!(
            out.contains("line 5, column 7: unknown key `replica` in services.web.deploy"),
            "{out}"
        );
        insta::assert_snapshot!(out);
    }

    #[test]
    fn reconstructed_file_says_so() {
        let mut s = editor(
            "services:\n  web:\n    image: busybox:1\n",
            Origin::Reconstructed,
        );
        let out = render(&mut s, 80, 12);
        assert!(out.contains("RECONSTRUCTED"), "{out}");
        assert!(out.contains("ok: the file is valid"), "{out}");
    }

    #[test]
    fn deploy_confirmation_shows_the_plan() {
        let mut s = editor("services:\n  web:\n    image: busybox:2\n", Origin::Stored);
        s.mode = EditorMode::Planning {
            deploy: true,
            generation: s.generation,
        };
        s.show_plan(s.generation, Ok(
            "~ update service shop_web\n    TaskTemplate.ContainerSpec.Image: busybox:1 -> busybox:2\n  (1 unchanged)\n".into(),
        ));
        let out = render(&mut s, 80, 24);
        assert!(out.contains("y deploy"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn a_file_changed_on_disk_asks_before_overwriting() {
        let mut s = editor("services: {}\n", Origin::File("/srv/shop.yml".into()));
        s.mode = EditorMode::ConfirmOverwrite;
        let out = render(&mut s, 80, 24);
        assert!(
            out.contains("/srv/shop.yml was changed") && out.contains("y overwrite it"),
            "{out}"
        );
        insta::assert_snapshot!(out);
    }

    #[test]
    fn leaving_asks() {
        let mut s = editor("services: {}\n", Origin::Stored);
        s.mode = EditorMode::ConfirmLeave;
        let out = render(&mut s, 80, 24);
        assert!(
            out.contains("s save and leave") && out.contains("d discard and leave"),
            "{out}"
        );
    }
}
