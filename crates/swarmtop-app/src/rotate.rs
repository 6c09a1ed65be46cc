//! Rotating a secret or config from the keyboard (moby#35803): the key opens the new
//! version's form (its name proposed), submitting it opens the preview (every service that
//! will roll, each reference's target, uid, gid and mode), and only `y` to that writes. The
//! report comes back as `Msg::Rotated`: when every service has moved and nothing uses the old
//! object any more, removing it is offered as a second question; otherwise the report says
//! which services moved, which did not and why, and the old object stays.

use std::collections::HashSet;

use super::describe::Describe;
use super::form::Form;
use super::msg::Effect;
use super::prompt::{Confirm, Pending};
use super::sent::Typed;
use super::state::{Overlay, Screen, State};
use swarmtop_model::feed::EngineCmd;
use swarmtop_ops::rotate::{RotateReport, default_name, preview as preview_lines, users};
use swarmtop_ops::{ObjectKind, Op, Rotation, SecretBytes};

/// Where the new data comes from.
pub enum Data {
    /// Typed in the form.
    Typed(SecretBytes),
    /// A file, read by the runtime once the answer is yes (as a path typed in the form).
    File(String),
}

/// The rotate key in the secrets or configs pane: the new version's form for the selected one.
pub fn open(state: &mut State, kind: ObjectKind) -> Vec<Effect> {
    if state.view.pane.object_kind() != Some(kind) {
        state.info(format!(
            "select a {} in the {} pane",
            kind.word(),
            kind.plural()
        ));
        return Vec::new();
    }
    let Some(id) = state.current().selected_id.clone() else {
        state.info(format!("no {} selected", kind.word()));
        return Vec::new();
    };
    let Some(old) = state
        .cluster
        .object(kind, &id)
        .map(|o| o.name().to_string())
    else {
        state.info(format!("that {} is gone", kind.word()));
        return Vec::new();
    };
    let objects = state.cluster.objects(kind);
    let taken: HashSet<&str> = objects.iter().map(|o| o.name()).collect();
    let name = default_name(&old, |n| taken.contains(n));
    state.overlay = Some(Overlay::Form(Box::new(Form::rotate_object(
        kind, &id, &old, &name,
    ))));
    Vec::new()
}

/// The form was submitted: the preview, with the services that use the old object now (by
/// ID). The form waits behind it (`n` goes back to it as typed).
pub fn preview(state: &mut State, form: Form, mut rotation: Rotation, data: Data) -> Vec<Effect> {
    rotation.services = users(&state.cluster, rotation.kind, &rotation.old_id);
    if let Some(why) = &state.read_only {
        state.overlay = None;
        state.error(swarmtop_model::feed::refusal(why, &rotation.describe()));
        return Vec::new();
    }
    match data {
        Data::Typed(data) => super::ask::ask(state, Op::RotateObject { rotation, data }),
        Data::File(path) => {
            // the dialog of typed data (`ask`), but for where the data comes from
            let source = format!("read from the file {path}");
            let mut lines = vec![format!("{}?", capitalised(&rotation.describe()))];
            lines.extend(preview_lines(&state.cluster, &rotation, &source));
            lines.push("y: do it · n or Esc: cancel".into());
            state.confirm(Confirm {
                title: format!(" {} ", rotation.describe()),
                lines,
                pending: Pending::RotateFromFile {
                    path: state.work_dir.join(path),
                    rotation,
                },
                danger: false,
                yes_key: 'y',
                live: None,
            });
        }
    }
    state.put_behind(Typed::Form(Box::new(form)));
    Vec::new()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The rotation's report. Nothing created: the form opens again as typed, with why. Done:
/// removing the old object is offered. Part-way: the report is shown, the old object kept.
pub fn on_rotated(state: &mut State, report: RotateReport) -> Vec<Effect> {
    let r = &report.rotation;
    let what = r.describe();
    if let Err(why) = &report.created {
        // the status line says it too: the form's line may be too short for it
        super::sent_update::answered(state, &what, Some(why));
        state.error(report.summary());
        return Vec::new();
    }
    super::sent_update::answered(state, &what, None);
    let fx = vec![Effect::Engine(EngineCmd::Refresh)];
    let word = r.kind.word();
    // busy elsewhere: the status line says it, nothing takes the keyboard
    if state.overlay.is_some() || !matches!(state.screen, Screen::Panes) {
        if report.finished() {
            state.info(format!(
                "{}; {} can be removed from the {} pane",
                report.summary(),
                r.old_name,
                r.kind.plural()
            ));
        } else {
            state.error(report.summary());
        }
        return fx;
    }
    if !report.finished() {
        state.error(report.summary());
        let title = format!("{what}: not finished");
        state.overlay = Some(Overlay::Describe(Box::new(Describe::new(
            title,
            &report.lines().join("\n"),
        ))));
        return fx;
    }
    state.info(report.summary());
    let mut lines = report.lines();
    lines.push(String::new());
    lines.push(format!(
        "Remove the old {word} {} now? This cannot be undone.",
        r.old_name
    ));
    if !report.moved.is_empty() {
        lines.push(format!(
            "The previous spec of the services moved names it: rolling them back needs the old {word}."
        ));
    }
    lines.push("y: remove it · n or Esc: keep it".into());
    state.confirm(Confirm {
        title: format!(" remove the old {word} {}? ", r.old_name),
        lines,
        pending: Pending::Run(Op::RemoveObject {
            kind: r.kind,
            id: r.old_id.clone(),
            name: r.old_name.clone(),
        }),
        danger: true,
        yes_key: 'y',
        live: None,
    });
    fx
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::msg::Msg;
    use crate::panes::Pane;
    use crate::update::update;
    use swarmtop_model::cluster::Cluster;
    use swarmtop_model::cluster::fixtures::sample_secret_in_use;
    use swarmtop_model::feed::EngineMsg;
    use swarmtop_settings::keymap::Keymap;

    const SECRET: &str = "sec1xxxxxxxxxxxxxxxxxxxxx";

    fn cluster_using_the_secret() -> Cluster {
        sample_secret_in_use()
    }

    fn state_with(c: Cluster) -> State {
        let mut s = State::new(
            "default".into(),
            "unix:///x".into(),
            Keymap::default_keymap(),
            Utc::now(),
        );
        update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(c))));
        s
    }

    fn press(s: &mut State, keys: &str) -> Vec<Effect> {
        let mut fx = Vec::new();
        for c in keys.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\x1b' => KeyCode::Esc,
                '\t' => KeyCode::Tab,
                c => KeyCode::Char(c),
            };
            fx.extend(update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))));
        }
        fx
    }

    fn ctrl(s: &mut State, c: char) -> Vec<Effect> {
        update(
            s,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        )
    }

    fn dialog(s: &State) -> &Confirm {
        match &s.overlay {
            Some(Overlay::Confirm { ask, .. }) => ask,
            _ => panic!("no dialog: {:?}", s.overlay_name()),
        }
    }

    /// `R` on db_password, the new value typed, ctrl-s: the preview.
    fn at_the_preview() -> State {
        let mut s = state_with(cluster_using_the_secret());
        press(&mut s, "5");
        assert_eq!(s.pane(), Pane::Secrets);
        press(&mut s, "R");
        press(&mut s, "\t\t\tn3w-pa55");
        ctrl(&mut s, 's');
        s
    }

    #[test]
    fn the_key_opens_the_new_versions_form_with_its_name_proposed() {
        let mut s = state_with(cluster_using_the_secret());
        press(&mut s, "5R");
        let Some(Overlay::Form(f)) = &s.overlay else {
            panic!("no form: {:?}", s.overlay_name());
        };
        assert_eq!(f.title(), " rotate secret db_password: its new version ");
        assert_eq!(f.fields[0].value, "db_password.v2");
        assert!(f.is_secret(), "the new value is masked as it is typed");
        // the proposed name is there to be edited
        press(&mut s, "x");
        let Some(Overlay::Form(f)) = &s.overlay else {
            panic!()
        };
        assert_eq!(f.fields[0].value, "db_password.v2x");
    }

    #[test]
    fn the_preview_names_every_service_that_rolls_and_only_y_writes() {
        let mut s = at_the_preview();
        let c = dialog(&s);
        assert_eq!(c.title, " rotate secret db_password to db_password.v2 ");
        assert_eq!(
            c.lines,
            [
                "Rotate secret db_password to db_password.v2?",
                "secret: db_password -> db_password.v2 (a new secret, 8 bytes typed)",
                "labels: db_password has none",
                "2 services will roll to db_password.v2 (a rolling update: tasks replaced as each service's update settings say):",
                "  shop_api: file db_password · uid 0 · gid 0 · mode 0444",
                "  web: file /etc/app/pw · uid 1000 · gid 1001 · mode 0400",
                "Only the reference changes (to the new ID and name); its target, uid, gid, mode and the rest of each spec stay.",
                "db_password is kept: once the services have moved you are asked whether to remove it.",
                "y: do it · n or Esc: cancel",
            ]
        );
        // n: back to the form as typed, nothing sent
        assert!(press(&mut s, "n").is_empty());
        assert_eq!(s.overlay_name(), Some("form"));
        let fx = ctrl(&mut s, 's');
        assert!(fx.is_empty(), "the preview again, nothing sent");
        let fx = press(&mut s, "y");
        let [Effect::Run(Op::RotateObject { rotation, data })] = fx.as_slice() else {
            panic!("{fx:?}");
        };
        assert_eq!(data.0, b"n3w-pa55");
        assert_eq!(
            rotation,
            &Rotation {
                kind: ObjectKind::Secret,
                old_id: SECRET.into(),
                old_name: "db_password".into(),
                name: "db_password.v2".into(),
                labels: vec![],
                services: vec![
                    ("s2apiapiapiapiapiapiapiap".into(), "shop_api".into()),
                    ("s1webwebwebwebwebwebwebwe".into(), "web".into()),
                ],
            }
        );
    }

    #[test]
    fn from_a_file_the_preview_says_so_and_the_file_is_read_after_yes() {
        let mut s = state_with(cluster_using_the_secret());
        press(&mut s, "5R\t\tpw.txt");
        ctrl(&mut s, 's');
        let c = dialog(&s);
        assert_eq!(
            c.lines[1],
            "secret: db_password -> db_password.v2 (a new secret, read from the file pw.txt)"
        );
        assert!(c.lines.iter().any(|l| l.contains("web: file /etc/app/pw")));
        let fx = press(&mut s, "y");
        let [Effect::RotateFromFile { rotation, path }] = fx.as_slice() else {
            panic!("{fx:?}");
        };
        assert_eq!(path, &s.work_dir.join("pw.txt"));
        assert_eq!(rotation.services.len(), 2);
    }

    #[test]
    fn a_read_only_session_refuses_it_at_the_key() {
        let mut s = state_with(cluster_using_the_secret());
        s.read_only = Some("context prod is read_only in config.yaml".into());
        press(&mut s, "5");
        assert!(press(&mut s, "R").is_empty());
        assert_eq!(s.overlay_name(), None);
        let said = s
            .status
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_default();
        assert!(
            said.contains("read-only") || said.contains("read_only"),
            "{said}"
        );
        assert!(said.contains("rotate_secret"), "{said}");
    }

    fn report(
        s: &State,
        moved: &[&str],
        not_moved: &[(&str, &str)],
        users: &[&str],
    ) -> RotateReport {
        let Some(Overlay::Confirm { ask, .. }) = &s.overlay else {
            panic!()
        };
        let Pending::Run(Op::RotateObject { rotation, .. }) = &ask.pending else {
            panic!()
        };
        RotateReport {
            rotation: rotation.clone(),
            created: Ok("newsecret0123456789abcdef".into()),
            moved: moved.iter().map(|m| m.to_string()).collect(),
            not_moved: not_moved
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            left_alone: vec![],
            still_used_by: Ok(users.iter().map(|u| u.to_string()).collect()),
        }
    }

    #[test]
    fn once_every_service_moved_removing_the_old_one_is_the_second_question() {
        let mut s = at_the_preview();
        let r = report(&s, &["shop_api", "web"], &[], &[]);
        press(&mut s, "y");
        let fx = update(&mut s, Msg::Rotated(Box::new(r)));
        assert!(fx.contains(&Effect::Engine(EngineCmd::Refresh)));
        let c = dialog(&s);
        assert_eq!(c.title, " remove the old secret db_password? ");
        assert!(c.danger);
        assert!(
            c.lines
                .contains(&"Moved to db_password.v2, rolling now: shop_api, web.".to_string())
        );
        assert!(
            c.lines
                .iter()
                .any(|l| l == "Remove the old secret db_password now? This cannot be undone.")
        );
        let fx = press(&mut s, "y");
        assert_eq!(
            fx,
            [Effect::Run(Op::RemoveObject {
                kind: ObjectKind::Secret,
                id: SECRET.into(),
                name: "db_password".into(),
            })]
        );
    }

    #[test]
    fn part_way_the_report_says_who_did_not_move_and_why_and_nothing_is_offered() {
        let mut s = at_the_preview();
        let r = report(
            &s,
            &["shop_api"],
            &[("web", "update out of sequence")],
            &["web"],
        );
        press(&mut s, "y");
        update(&mut s, Msg::Rotated(Box::new(r)));
        let Some(Overlay::Describe(d)) = &s.overlay else {
            panic!("no report: {:?}", s.overlay_name());
        };
        assert_eq!(
            d.lines,
            [
                "Created secret db_password.v2 (newsecret012).",
                "Moved to db_password.v2, rolling now: shop_api.",
                "NOT moved: web: update out of sequence",
                "db_password is kept: web still uses it (the engine refuses to remove a secret in use).",
            ]
        );
        let said = s.status.as_ref().unwrap();
        assert!(said.error);
        assert!(
            said.text
                .contains("1 of 2 services moved; db_password is kept"),
            "{}",
            said.text
        );
    }

    #[test]
    fn nothing_created_opens_the_form_again_as_typed_with_why() {
        let mut s = at_the_preview();
        let mut r = report(&s, &[], &[], &["shop_api", "web"]);
        r.created = Err("rpc error: secret db_password.v2 already exists".into());
        press(&mut s, "y");
        update(&mut s, Msg::Rotated(Box::new(r)));
        let Some(Overlay::Form(f)) = &s.overlay else {
            panic!("no form: {:?}", s.overlay_name());
        };
        assert_eq!(f.fields[0].value, "db_password.v2");
        let why = f.error.as_deref().unwrap_or_default();
        assert!(why.contains("already exists"), "{why}");
        let said = s.status.as_ref().unwrap();
        assert!(
            said.error && said.text.contains("nothing changed"),
            "{}",
            said.text
        );
    }

    #[test]
    fn a_long_preview_scrolls_with_the_moving_keys() {
        let mut c = cluster_using_the_secret();
        // 30 more services using it
        for i in 0..30 {
            let mut svc = c.services[0].clone();
            svc.id = Some(format!("s{i:024}"));
            svc.spec.as_mut().unwrap().name = Some(format!("svc{i:02}"));
            c.services.push(svc);
        }
        let mut s = state_with(c);
        press(&mut s, "5R\t\t\tv");
        ctrl(&mut s, 's');
        assert_eq!(dialog(&s).lines.len(), 32 + 7);
        assert_eq!(s.dialog_scroll, 0);
        press(&mut s, "jj");
        assert_eq!(s.dialog_scroll, 2);
        press(&mut s, "k");
        assert_eq!(s.dialog_scroll, 1);
        press(&mut s, "G");
        let fit = crate::prompt::DialogFit::of(&dialog(&s).lines, s.size.0, s.size.1);
        assert!(fit.scrolls());
        assert_eq!(s.dialog_scroll, fit.max_scroll());
        press(&mut s, "j");
        assert_eq!(s.dialog_scroll, fit.max_scroll(), "not past the end");
        press(&mut s, "g");
        assert_eq!(s.dialog_scroll, 0);
        assert_eq!(
            s.overlay_name(),
            Some("confirm"),
            "scrolling answers nothing"
        );
    }
}
