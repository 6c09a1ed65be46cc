//! Small forms: the rolling update (image, parallelism, delay, failure action, monitor, order)
//! and new secrets and configs (name, labels, a file or inline text, masked for secrets with a
//! reveal toggle). A refused field keeps its text and shows why beside it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::line_input::{LineKey, edit_line};

use swarmtop_ops::validate::{
    check_object_name, format_duration, parse_duration, parse_image, parse_labels,
};
use swarmtop_ops::{ObjectKind, Op, SecretBytes, UpdateForm};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// One of these words; left/right/space cycle.
    Choice(&'static [&'static str]),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
    pub kind: FieldKind,
    pub hint: &'static str,
    pub error: Option<String>,
    /// The value the form opened with: a field left as it was is not sent.
    pub initial: String,
    /// A heading drawn above the field: it starts a group of fields.
    pub section: Option<&'static str>,
}

impl Field {
    fn text(label: &'static str, value: impl Into<String>, hint: &'static str) -> Field {
        let value = value.into();
        Field {
            label,
            initial: value.clone(),
            value,
            kind: FieldKind::Text,
            hint,
            error: None,
            section: None,
        }
    }
    /// The first field of a group, under this heading.
    fn starts(mut self, section: &'static str) -> Field {
        self.section = Some(section);
        self
    }
    fn choice(label: &'static str, options: &'static [&'static str], value: &str) -> Field {
        let value = if options.contains(&value) {
            value.to_string()
        } else {
            options[0].to_string()
        };
        Field {
            label,
            initial: value.clone(),
            value,
            kind: FieldKind::Choice(options),
            hint: "←/→ to choose",
            error: None,
            section: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    RollingUpdate { service_id: String, service: String },
    CreateObject(ObjectKind),
    CreateService,
}

/// What submitting produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Submit {
    /// Run this op.
    Op(Op),
    /// Create a secret/config from a file: the runtime reads it (and refuses an empty one).
    FromFile {
        kind: ObjectKind,
        name: String,
        path: String,
        labels: Vec<(String, String)>,
    },
}

pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<Field>,
    /// Inline content (secrets and configs); focused when `focus == fields.len()`.
    pub content: Option<TextArea<'static>>,
    pub focus: usize,
    /// Secrets are masked until revealed.
    pub revealed: bool,
    pub error: Option<String>,
}

const FAILURE_ACTIONS: &[&str] = &["pause", "continue", "rollback"];
const MODES: &[&str] = &["replicated", "global"];
const RESTARTS: &[&str] = &["any", "on-failure", "none"];
const ORDERS: &[&str] = &["stop-first", "start-first"];

impl Form {
    pub fn rolling_update(
        service_id: &str,
        service: &str,
        image: &str,
        current: Option<&bollard_stubs::models::ServiceSpecUpdateConfig>,
    ) -> Form {
        let par = current.and_then(|u| u.parallelism).unwrap_or(1);
        let delay = current.and_then(|u| u.delay).unwrap_or(0);
        let monitor = current.and_then(|u| u.monitor).unwrap_or(5_000_000_000);
        let action = current
            .and_then(|u| u.failure_action)
            .map(|a| a.to_string())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "pause".into());
        let order = current
            .and_then(|u| u.order)
            .map(|a| a.to_string())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "stop-first".into());
        Form {
            kind: FormKind::RollingUpdate {
                service_id: service_id.into(),
                service: service.into(),
            },
            fields: vec![
                Field::text("image", image, "the image to roll to"),
                Field::text(
                    "parallelism",
                    par.to_string(),
                    "tasks updated at once (0: all)",
                ),
                Field::text(
                    "delay",
                    format_duration(delay),
                    "pause between batches, e.g. 10s",
                ),
                Field::choice("failure action", FAILURE_ACTIONS, &action),
                Field::text(
                    "monitor",
                    format_duration(monitor),
                    "how long a new task must survive",
                ),
                Field::choice("order", ORDERS, &order),
            ],
            content: None,
            focus: 0,
            revealed: false,
            error: None,
        }
    }

    pub fn create_service() -> Form {
        Form {
            kind: FormKind::CreateService,
            fields: vec![
                Field::text("name", "", "letters, digits, '-', '_', '.'"),
                Field::text("image", "", "e.g. nginx:1.27"),
                Field::choice("mode", MODES, "replicated"),
                Field::text("replicas", "1", "for replicated services"),
                Field::text("command", "", "optional, as in a shell: sh -c \"echo hi\""),
                Field::text("env", "", "optional: A=1 B=\"two words\""),
                Field::text("ports", "", "optional: 8080:80 host:8081:81/udp"),
                Field::text(
                    "constraints",
                    "",
                    "optional: node.role==worker, node.labels.zone==eu",
                ),
                Field::text("update parallelism", "1", "tasks updated at once"),
                Field::text("update delay", "0s", "between batches, e.g. 10s"),
                Field::text("secrets", "", "optional: names, comma-separated"),
                Field::text("configs", "", "optional: names, comma-separated"),
                Field::choice("restart", RESTARTS, "any"),
                // what `docker service create` users reach for next, grouped so the form
                // stays a short list to Tab through for a plain service
                Field::text(
                    "networks",
                    "",
                    "optional: overlay networks, comma-separated: front, back",
                )
                .starts("networks and mounts"),
                Field::text(
                    "mounts",
                    "",
                    "optional, as --mount, ';' between: type=bind,src=/srv,dst=/data,ro",
                ),
                Field::text("limit cpu", "", "optional: CPUs, e.g. 0.5 (--limit-cpu)")
                    .starts("resources"),
                Field::text(
                    "limit memory",
                    "",
                    "optional: bytes, e.g. 512M or 1.5G (--limit-memory)",
                ),
                Field::text(
                    "reserve cpu",
                    "",
                    "optional: CPUs, e.g. 0.25 (--reserve-cpu)",
                ),
                Field::text(
                    "reserve memory",
                    "",
                    "optional: bytes, e.g. 256M (--reserve-memory)",
                ),
                Field::text(
                    "labels",
                    "",
                    "optional service labels: tier=web team=\"on call\"",
                )
                .starts("labels and healthcheck"),
                Field::text(
                    "health cmd",
                    "",
                    "optional, run by the shell: wget -qO- localhost || exit 1",
                ),
                Field::text("health interval", "", "optional: between checks, e.g. 30s"),
                Field::text(
                    "health timeout",
                    "",
                    "optional: a check longer fails, e.g. 5s",
                ),
                Field::text(
                    "health retries",
                    "",
                    "optional: failures in a row that make it unhealthy",
                ),
                Field::text(
                    "health start period",
                    "",
                    "optional: failures not counted while it starts, e.g. 1m",
                ),
            ],
            content: None,
            focus: 0,
            revealed: false,
            error: None,
        }
    }

    pub fn create_object(kind: ObjectKind) -> Form {
        let mut ta = TextArea::default();
        if !kind.data_shown() {
            ta.set_mask_char('•');
        }
        Form {
            kind: FormKind::CreateObject(kind),
            fields: vec![
                Field::text("name", "", "letters, digits, '-', '_', '.'"),
                Field::text("labels", "", "optional: key=value, key2=value2"),
                Field::text(
                    "from file",
                    "",
                    "a path; or leave empty and type the content below",
                ),
            ],
            content: Some(ta),
            focus: 0,
            revealed: false,
            error: None,
        }
    }

    pub fn title(&self) -> String {
        match &self.kind {
            FormKind::RollingUpdate { service, .. } => format!(" rolling update of {service} "),
            FormKind::CreateObject(kind) => format!(" new {} ", kind.word()),
            FormKind::CreateService => " new service ".into(),
        }
    }

    fn stops(&self) -> usize {
        self.fields.len() + usize::from(self.content.is_some())
    }

    /// The content is masked until revealed (a secret's).
    pub fn is_secret(&self) -> bool {
        matches!(self.kind, FormKind::CreateObject(k) if !k.data_shown())
    }

    fn toggle_reveal(&mut self) {
        self.revealed = !self.revealed;
        if let Some(ta) = self.content.as_mut() {
            if self.revealed {
                ta.clear_mask_char();
            } else {
                ta.set_mask_char('•');
            }
        }
    }

    /// The secret or config text typed inline.
    fn content_bytes(&self) -> Vec<u8> {
        self.content
            .as_ref()
            .map(|t| t.lines().join("\n"))
            .unwrap_or_default()
            .into_bytes()
    }
}

/// What a key did to the form.
#[derive(Debug, PartialEq)]
pub enum FormOutcome {
    Stay,
    Cancel,
    Submit(Submit),
}

/// What a form needs to know of the cluster: whether a name is taken, the IDs of secrets and
/// configs by name, and what a network typed for a service resolves to.
pub trait Known {
    fn exists(&self, name: &str) -> bool;
    fn object_id(&self, kind: ObjectKind, name: &str) -> Option<String>;
    /// `swarmtop_ops::resolve::network_target` over the cluster's networks (none by default).
    fn network(&self, key: &str) -> Result<String, String> {
        swarmtop_ops::resolve::network_target(key, [])
    }
}

impl<F: Fn(&str) -> bool> Known for F {
    fn exists(&self, name: &str) -> bool {
        self(name)
    }
    fn object_id(&self, _: ObjectKind, _: &str) -> Option<String> {
        None
    }
}

/// One key. `ctrl-s` submits from anywhere; Enter submits from the last field; Tab moves.
pub fn key(form: &mut Form, k: KeyEvent, existing: &dyn Known) -> FormOutcome {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let in_content = form.content.is_some() && form.focus == form.fields.len();
    match k.code {
        KeyCode::Esc => return FormOutcome::Cancel,
        KeyCode::Char('s') if ctrl => return submit(form, existing),
        KeyCode::Char('r') if ctrl && form.is_secret() => {
            form.toggle_reveal();
            return FormOutcome::Stay;
        }
        KeyCode::Tab => {
            form.focus = (form.focus + 1) % form.stops();
            return FormOutcome::Stay;
        }
        KeyCode::BackTab => {
            form.focus = (form.focus + form.stops() - 1) % form.stops();
            return FormOutcome::Stay;
        }
        _ => {}
    }
    if in_content {
        if let Some(ta) = form.content.as_mut() {
            ta.input(k);
        }
        form.error = None;
        return FormOutcome::Stay;
    }
    let last = form.focus + 1 == form.stops();
    let f = &mut form.fields[form.focus];
    match (&f.kind, k.code) {
        (_, KeyCode::Up) => form.focus = form.focus.saturating_sub(1),
        (_, KeyCode::Down) => form.focus = (form.focus + 1).min(form.stops() - 1),
        (_, KeyCode::Enter) if last => return submit(form, existing),
        (_, KeyCode::Enter) => form.focus += 1,
        (FieldKind::Choice(opts), KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')) => {
            let i = opts.iter().position(|o| *o == f.value).unwrap_or(0);
            let n = opts.len();
            let next = if k.code == KeyCode::Left {
                (i + n - 1) % n
            } else {
                (i + 1) % n
            };
            f.value = opts[next].to_string();
        }
        (FieldKind::Text, _) if edit_line(&mut f.value, &k) == LineKey::Edited => {
            f.error = None;
        }
        _ => {}
    }
    FormOutcome::Stay
}

/// Checks every field; on a problem the form stays, focused on it, with the text kept.
fn submit(form: &mut Form, existing: &dyn Known) -> FormOutcome {
    for f in form.fields.iter_mut() {
        f.error = None;
    }
    form.error = None;
    let result = match form.kind.clone() {
        FormKind::RollingUpdate {
            service_id,
            service,
        } => check_update(form).map(|f| {
            Submit::Op(Op::Update {
                service_id,
                service,
                form: f,
            })
        }),
        FormKind::CreateObject(kind) => check_object(form, kind, existing),
        FormKind::CreateService => check_service(form, existing),
    };
    match result {
        Ok(s) => FormOutcome::Submit(s),
        Err((field, why)) => {
            match field {
                Some(i) => {
                    form.fields[i].error = Some(why);
                    form.focus = i;
                }
                None => form.error = Some(why),
            }
            FormOutcome::Stay
        }
    }
}

type FieldError = (Option<usize>, String);

/// Only what was edited is sent: a field left as the form showed it keeps the service's value
/// exactly as the engine has it (even one the form cannot show exactly).
fn check_update(form: &Form) -> Result<UpdateForm, FieldError> {
    let v = |i: usize| form.fields[i].value.trim().to_string();
    let edited = |i: usize| form.fields[i].value.trim() != form.fields[i].initial.trim();
    let image = if edited(0) {
        Some(parse_image(&v(0)).map_err(|e| (Some(0), e))?)
    } else {
        None
    };
    let parallelism = if edited(1) {
        Some(v(1).parse().ok().filter(|p: &i64| *p >= 0).ok_or_else(|| {
            (
                Some(1),
                format!("{:?} is not a number of tasks (0 or more)", v(1)),
            )
        })?)
    } else {
        None
    };
    let delay = if edited(2) {
        Some(parse_duration(&v(2)).map_err(|e| (Some(2), e))?)
    } else {
        None
    };
    let monitor = if edited(4) {
        Some(parse_duration(&v(4)).map_err(|e| (Some(4), e))?)
    } else {
        None
    };
    let f = UpdateForm {
        image,
        parallelism,
        delay,
        failure_action: edited(3).then(|| v(3)),
        monitor,
        order: edited(5).then(|| v(5)),
        force: false,
    };
    if f == UpdateForm::default() {
        return Err((
            None,
            "nothing was changed: edit a field, or Esc to leave".into(),
        ));
    }
    Ok(f)
}

fn check_service(form: &Form, known: &dyn Known) -> Result<Submit, FieldError> {
    use swarmtop_ops::create::{
        HealthText, ServiceDraft, check, parse_cpus, parse_health, parse_memory, parse_ports,
        parse_service_labels, spec, split_words,
    };
    use swarmtop_ops::mounts::parse_mounts;
    // fields by label: their place is the form's business
    let at = |label: &str| form.fields.iter().position(|f| f.label == label);
    let v = |label: &str| {
        at(label)
            .map(|i| form.fields[i].value.trim().to_string())
            .unwrap_or_default()
    };
    let list = |label: &str| -> Vec<String> {
        v(label)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let on = |label: &'static str| move |e: String| (at(label), e);
    let name = v("name");
    if known.exists(&name) {
        return Err((at("name"), format!("a service named {name} exists already")));
    }
    let global = v("mode") == "global";
    let replicas = if global {
        0
    } else {
        swarmtop_ops::validate::parse_replicas(&v("replicas")).map_err(on("replicas"))?
    };
    let args = split_words(&v("command")).map_err(on("command"))?;
    let env = split_words(&v("env")).map_err(on("env"))?;
    let ports = parse_ports(&v("ports")).map_err(on("ports"))?;
    let par = v("update parallelism");
    let parallelism: i64 = par.parse().ok().filter(|p: &i64| *p >= 0).ok_or_else(|| {
        (
            at("update parallelism"),
            format!("update parallelism {par:?} is not a number of tasks (0 or more)"),
        )
    })?;
    let delay = parse_duration(&v("update delay")).map_err(on("update delay"))?;
    // (ID, name) of each secret or config named in the field
    let refs = |kind: ObjectKind, label: &str| -> Result<Vec<(String, String)>, FieldError> {
        list(label)
            .into_iter()
            .map(|n| match known.object_id(kind, &n) {
                Some(id) => Ok((id, n)),
                None => Err((at(label), format!("no {} named {n}", kind.word()))),
            })
            .collect()
    };
    let secrets = refs(ObjectKind::Secret, "secrets")?;
    let configs = refs(ObjectKind::Config, "configs")?;
    let mut networks = Vec::new();
    for n in list("networks") {
        let target = known.network(&n).map_err(on("networks"))?;
        if networks.contains(&target) {
            return Err((at("networks"), format!("network {n} is named twice")));
        }
        networks.push(target);
    }
    let mounts = parse_mounts(&v("mounts")).map_err(on("mounts"))?;
    let limit = |label: &str, parse: fn(&str) -> Result<i64, String>| {
        parse(&v(label)).map_err(|e| (at(label), format!("{label}: {e}")))
    };
    let limit_cpu = limit("limit cpu", parse_cpus)?;
    let limit_memory = limit("limit memory", parse_memory)?;
    let reserve_cpu = limit("reserve cpu", parse_cpus)?;
    let reserve_memory = limit("reserve memory", parse_memory)?;
    let labels = parse_service_labels(&v("labels")).map_err(on("labels"))?;
    let (cmd, interval, timeout, retries, start_period) = (
        v("health cmd"),
        v("health interval"),
        v("health timeout"),
        v("health retries"),
        v("health start period"),
    );
    let health = parse_health(&HealthText {
        cmd: &cmd,
        interval: &interval,
        timeout: &timeout,
        retries: &retries,
        start_period: &start_period,
    })
    .map_err(|(label, e)| (at(label), e))?;
    let draft = ServiceDraft {
        name: name.clone(),
        image: v("image"),
        global,
        replicas,
        args,
        env,
        ports,
        constraints: list("constraints"),
        update_parallelism: Some(parallelism),
        update_delay: Some(delay),
        secrets,
        configs,
        restart_condition: Some(v("restart")),
        networks,
        mounts,
        limit_cpu,
        limit_memory,
        reserve_cpu,
        reserve_memory,
        labels,
        health,
    };
    check(&draft).map_err(|(field, why)| (at(field), why))?;
    Ok(Submit::Op(Op::CreateService {
        name,
        spec: Box::new(spec(&draft)),
    }))
}

fn check_object(form: &Form, kind: ObjectKind, existing: &dyn Known) -> Result<Submit, FieldError> {
    let word = kind.word();
    let name = form.fields[0].value.trim().to_string();
    check_object_name(word, &name).map_err(|e| (Some(0), e))?;
    if existing.exists(&name) {
        return Err((
            Some(0),
            format!(
                "a {word} named {name} exists already (they cannot be changed: pick a new name)"
            ),
        ));
    }
    let labels = parse_labels(&form.fields[1].value).map_err(|e| (Some(1), e))?;
    let path = form.fields[2].value.trim().to_string();
    let content = form.content_bytes();
    if !path.is_empty() {
        if !content.is_empty() {
            return Err((Some(2), "give a file or type the content, not both".into()));
        }
        return Ok(Submit::FromFile {
            kind,
            name,
            path,
            labels,
        });
    }
    if content.iter().all(|b| b.is_ascii_whitespace()) {
        return Err((
            None,
            format!("the {word} is empty: type its content below (Tab) or give a file"),
        ));
    }
    Ok(Submit::Op(Op::CreateObject {
        kind,
        name,
        data: SecretBytes(content),
        labels,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }
    fn type_in(f: &mut Form, s: &str) {
        for c in s.chars() {
            key(f, k(KeyCode::Char(c)), &|_: &str| false);
        }
    }
    fn ctrl_s() -> KeyEvent {
        KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)
    }

    #[test]
    fn rolling_update_form_checks_each_field_and_keeps_the_text() {
        let mut f = Form::rolling_update("id", "web", "busybox:1", None);
        f.focus = 2;
        key(
            &mut f,
            KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
            &|_: &str| false,
        );
        type_in(&mut f, "ten seconds");
        assert_eq!(key(&mut f, ctrl_s(), &|_: &str| false), FormOutcome::Stay);
        assert_eq!(f.focus, 2);
        assert_eq!(f.fields[2].value, "ten seconds");
        assert!(
            f.fields[2]
                .error
                .as_deref()
                .unwrap()
                .contains("ten seconds")
        );
        key(
            &mut f,
            KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
            &|_: &str| false,
        );
        type_in(&mut f, "2s");
        match key(&mut f, ctrl_s(), &|_: &str| false) {
            FormOutcome::Submit(Submit::Op(Op::Update { form, .. })) => {
                // only the edited field is sent; the rest stays as the engine has it
                assert_eq!(
                    form,
                    UpdateForm {
                        delay: Some(2_000_000_000),
                        ..Default::default()
                    }
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unchanged_form_sends_nothing_and_says_so() {
        let current = bollard_stubs::models::ServiceSpecUpdateConfig {
            delay: Some(1_001_000_000),
            ..Default::default()
        };
        let mut f = Form::rolling_update("id", "web", "busybox:1", Some(&current));
        // shown exactly, so a look at it changes nothing
        assert_eq!(f.fields[2].value, "1.001s");
        assert_eq!(key(&mut f, ctrl_s(), &|_: &str| false), FormOutcome::Stay);
        assert!(f.error.as_deref().unwrap().contains("nothing was changed"));
        // a retyped identical value is no edit either
        f.focus = 0;
        key(&mut f, k(KeyCode::Backspace), &|_: &str| false);
        type_in(&mut f, "1");
        assert_eq!(key(&mut f, ctrl_s(), &|_: &str| false), FormOutcome::Stay);
    }

    #[test]
    fn choices_cycle() {
        let mut f = Form::rolling_update("id", "web", "busybox:1", None);
        f.focus = 5;
        key(&mut f, k(KeyCode::Right), &|_: &str| false);
        assert_eq!(f.fields[5].value, "start-first");
    }

    #[test]
    fn a_secret_is_masked_checked_and_never_empty() {
        let mut f = Form::create_object(ObjectKind::Secret);
        type_in(&mut f, "db_pw");
        assert!(matches!(
            key(&mut f, ctrl_s(), &|_: &str| false),
            FormOutcome::Stay
        ));
        assert!(f.error.as_deref().unwrap().contains("empty"));
        f.focus = 3;
        type_in(&mut f, "hunter2");
        assert_eq!(f.content.as_ref().unwrap().mask_char(), Some('•'));
        // the name exists: refused, kept
        assert!(matches!(
            key(&mut f, ctrl_s(), &|n: &str| n == "db_pw"),
            FormOutcome::Stay
        ));
        assert!(f.fields[0].error.as_deref().unwrap().contains("exists"));
        match key(&mut f, ctrl_s(), &|_: &str| false) {
            FormOutcome::Submit(Submit::Op(Op::CreateObject {
                kind: ObjectKind::Secret,
                name,
                data,
                ..
            })) => {
                assert_eq!(name, "db_pw");
                assert_eq!(data.0, b"hunter2");
            }
            other => panic!("{other:?}"),
        }
        key(
            &mut f,
            KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL),
            &|_: &str| false,
        );
        assert!(f.content.as_ref().unwrap().mask_char().is_none());
    }

    /// A cluster with one overlay network and the ingress.
    struct Nets;
    impl Known for Nets {
        fn exists(&self, _: &str) -> bool {
            false
        }
        fn object_id(&self, _: ObjectKind, _: &str) -> Option<String> {
            None
        }
        fn network(&self, key: &str) -> Result<String, String> {
            swarmtop_ops::resolve::network_target(
                key,
                [
                    ("netfront0000000000000000a", "front", false),
                    ("ingress000000000000000000", "ingress", true),
                ],
            )
        }
    }

    fn set(f: &mut Form, label: &str, value: &str) {
        let i = f.fields.iter().position(|x| x.label == label).unwrap();
        f.fields[i].value = value.to_string();
    }

    #[test]
    fn the_service_form_takes_networks_mounts_resources_labels_and_a_healthcheck() {
        let mut f = Form::create_service();
        set(&mut f, "name", "web");
        set(&mut f, "image", "busybox:1");
        set(&mut f, "networks", "front");
        set(
            &mut f,
            "mounts",
            "type=bind,src=/srv,dst=/data,ro; type=tmpfs,dst=/tmp",
        );
        set(&mut f, "limit cpu", "0.5");
        set(&mut f, "limit memory", "512M");
        set(&mut f, "reserve cpu", "0.25");
        set(&mut f, "reserve memory", "1.5g");
        set(&mut f, "labels", "tier=web team=\"on call\"");
        set(&mut f, "health cmd", "wget -qO- localhost || exit 1");
        set(&mut f, "health interval", "30s");
        set(&mut f, "health retries", "3");
        let FormOutcome::Submit(Submit::Op(Op::CreateService { spec, .. })) =
            key(&mut f, ctrl_s(), &Nets)
        else {
            panic!(
                "refused: {:?}",
                f.fields.iter().find_map(|x| x.error.clone())
            );
        };
        let v = serde_json::to_value(spec.as_ref()).unwrap();
        let t = &v["TaskTemplate"];
        assert_eq!(
            t["Networks"],
            serde_json::json!([{"Target": "netfront0000000000000000a"}])
        );
        assert_eq!(t["ContainerSpec"]["Mounts"][0]["ReadOnly"], true);
        assert_eq!(t["ContainerSpec"]["Mounts"][1]["Type"], "tmpfs");
        assert_eq!(t["Resources"]["Limits"]["NanoCPUs"], 500_000_000);
        assert_eq!(t["Resources"]["Limits"]["MemoryBytes"], 536_870_912);
        assert_eq!(t["Resources"]["Reservations"]["NanoCPUs"], 250_000_000);
        assert_eq!(
            t["Resources"]["Reservations"]["MemoryBytes"],
            1_610_612_736i64
        );
        assert_eq!(
            v["Labels"],
            serde_json::json!({"tier": "web", "team": "on call"})
        );
        let h = &t["ContainerSpec"]["HealthCheck"];
        assert_eq!(
            h["Test"],
            serde_json::json!(["CMD-SHELL", "wget -qO- localhost || exit 1"])
        );
        assert_eq!(h["Interval"], 30_000_000_000i64);
        assert_eq!(h["Retries"], 3);
    }

    #[test]
    fn a_refused_new_field_is_named_focused_and_kept() {
        for (label, typed, why) in [
            ("networks", "front, ingress", "ingress network"),
            ("networks", "bridgey", "network bridgey not found"),
            ("networks", "front,front", "named twice"),
            ("mounts", "type=bind,dst=/data", "needs a source"),
            ("limit cpu", "half", "limit cpu: invalid cpus \"half\""),
            ("limit memory", "2k", "limit memory: memory \"2k\""),
            ("reserve cpu", "1/3", "too precise"),
            ("reserve memory", "12x", "reserve memory: invalid size"),
            ("labels", "=x", "no name"),
            ("health interval", "30", "health interval"),
            ("health timeout", "1us", "at least 1ms"),
            ("health retries", "many", "health retries \"many\""),
            ("health start period", "-5s", "negative"),
        ] {
            let mut f = Form::create_service();
            set(&mut f, "name", "web");
            set(&mut f, "image", "busybox:1");
            set(&mut f, label, typed);
            assert_eq!(key(&mut f, ctrl_s(), &Nets), FormOutcome::Stay, "{label}");
            let i = f.fields.iter().position(|x| x.label == label).unwrap();
            assert_eq!(f.focus, i, "{label}: focused");
            assert_eq!(f.fields[i].value, typed, "{label}: kept");
            let e = f.fields[i].error.as_deref().unwrap_or_default();
            assert!(e.contains(why), "{label}: {e}");
        }
    }
}
