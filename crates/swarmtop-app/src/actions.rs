//! Operator actions from the keyboard: each named action becomes a prompt, a form or a
//! confirmation (naming the object, with the guards' explanations), and finally an
//! `Effect::Run(Op)`. Read-only mode is enforced here, where the effect is made, and again
//! by the executor.

use bollard_stubs::models::{NodeSpecAvailabilityEnum, NodeSpecRoleEnum};

use super::form::{Form, FormOutcome, Submit};
use super::msg::Effect;
use super::panes::{Drill, Pane, View};
use super::prompt::{Confirm, Live, Pending, Prompt, PromptKind};
use super::sent::Typed;
use super::state::{Overlay, State};
use swarmtop_model::cluster::{
    Cluster, node_availability, node_hostname, node_role, service_counts, service_image,
    service_mode, service_name, task_is_active,
};
use swarmtop_ops::guards::{QuorumVerdict, demote_check, drain_lines, promote_info};
use swarmtop_ops::validate::{parse_image, parse_replicas};
use swarmtop_ops::{Availability, ObjectKind, Op, Role};
use swarmtop_settings::keymap::Action;

/// Asks before `op` changes anything (refused at once in read-only mode).
fn ask(state: &mut State, op: Op) -> Vec<Effect> {
    if let Some(why) = &state.read_only {
        state.error(swarmtop_model::feed::refusal(why, &op.describe()));
        return Vec::new();
    }
    super::ask::ask(state, op);
    Vec::new()
}

/// The one place an op leaves the UI: after its dialog was answered `y` (see `ask`).
pub fn run_op(state: &mut State, op: Op) -> Vec<Effect> {
    if let Some(why) = &state.read_only {
        state.error(swarmtop_model::feed::refusal(why, &op.describe()));
        return Vec::new();
    }
    state.info(format!("{}…", op.describe()));
    vec![Effect::Run(op)]
}

fn confirm(state: &mut State, title: String, lines: Vec<String>, op: Op, danger: bool) {
    state.confirm(Confirm {
        title,
        lines,
        pending: Pending::Run(op),
        danger,
        yes_key: 'y',
        live: None,
    });
}

/// The drain question's lines, and whether a task would stay pending.
fn drain_question(c: &Cluster, node_id: &str, name: &str) -> (Vec<String>, bool) {
    let (mut lines, stuck) = drain_lines(c, node_id);
    lines.insert(
        0,
        format!("Drain {name}? Its tasks stop there and are started elsewhere."),
    );
    if stuck {
        lines.push("Tasks that WOULD STAY PENDING will not run until a node can take them.".into());
    }
    (lines, stuck)
}

/// The cluster changed while a question is open: a preview worked out from it follows (a
/// drain asked a moment after a service was placed said "No task runs on node2" while its
/// tasks were on their way to the UI, and kept saying it).
pub fn follow_the_swarm(state: &mut State) {
    let Some(Overlay::Confirm { ask, .. }) = &state.overlay else {
        return;
    };
    let Some(Live::Drain { node_id, name }) = &ask.live else {
        return;
    };
    let (lines, stuck) = drain_question(&state.cluster, node_id, name);
    if let Some(Overlay::Confirm { ask, .. }) = &mut state.overlay {
        ask.lines = lines;
        ask.danger = stuck;
    }
}

/// The service an action in this view is about: the selected row, or the service a rollout
/// view follows.
pub fn target_service(state: &State) -> Option<(String, String)> {
    let id = match (&state.view.pane, &state.view.drill) {
        (Pane::Rollout, Drill::Service(id)) => id.clone(),
        (Pane::Services, _) => state.current().selected_id.clone()?,
        _ => return None,
    };
    let s = state.cluster.service_by_id(&id)?;
    Some((id, service_name(s).to_string()))
}

fn target_node(state: &State) -> Option<(String, String)> {
    if state.view.pane != Pane::Nodes {
        return None;
    }
    let id = state.current().selected_id.clone()?;
    let n = state.cluster.node_by_id(&id)?;
    Some((id, node_hostname(n).to_string()))
}

/// Runs an operator action; returns None when `action` is not one.
pub fn operator_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    if !action.changes_cluster() || action == Action::Deploy {
        return None;
    }
    if let Some(why) = &state.read_only {
        state.error(swarmtop_model::feed::refusal(why, action.name()));
        return Some(Vec::new());
    }
    let fx = match action {
        Action::Drain
        | Action::Activate
        | Action::Pause
        | Action::Promote
        | Action::Demote
        | Action::Labels
        | Action::RemoveNode => node_action(state, action),
        Action::CreateService => {
            state.overlay = Some(Overlay::Form(Box::new(Form::create_service())));
            Vec::new()
        }
        Action::CreateSecret | Action::CreateConfig => {
            state.overlay = Some(Overlay::Form(Box::new(Form::create_object(object_kind(
                action,
            )))));
            Vec::new()
        }
        Action::RemoveSecret | Action::RemoveConfig => remove_object(state, action),
        Action::RotateSecret | Action::RotateConfig => {
            super::rotate::open(state, object_kind(action))
        }
        Action::RemoveStack => remove_stack(state),
        Action::Scale
        | Action::RollingUpdate
        | Action::SetImage
        | Action::Rollback
        | Action::Restart
        | Action::RemoveService => service_action(state, action),
        _ => return None,
    };
    Some(fx)
}

fn node_action(state: &mut State, action: Action) -> Vec<Effect> {
    let Some((id, name)) = target_node(state) else {
        state.info("select a node in the nodes pane");
        return Vec::new();
    };
    let Some(node) = state.cluster.node_by_id(&id) else {
        return Vec::new();
    };
    let avail = node_availability(node);
    let role = node_role(node);
    let set = |a| Op::SetAvailability {
        node_id: id.clone(),
        node: name.clone(),
        availability: a,
    };
    match action {
        Action::Activate if avail == NodeSpecAvailabilityEnum::ACTIVE => {
            state.info(format!("{name} is already active"));
            Vec::new()
        }
        Action::Activate => ask(state, set(Availability::Active)),
        Action::Pause if avail == NodeSpecAvailabilityEnum::PAUSE => {
            state.info(format!("{name} is already paused"));
            Vec::new()
        }
        Action::Pause => ask(state, set(Availability::Pause)),
        Action::Drain if avail == NodeSpecAvailabilityEnum::DRAIN => {
            state.info(format!("{name} is already drained"));
            Vec::new()
        }
        Action::Drain => {
            let (lines, stuck) = drain_question(&state.cluster, &id, &name);
            state.confirm(Confirm {
                title: format!(" drain {name} "),
                lines,
                pending: Pending::Run(set(Availability::Drain)),
                danger: stuck,
                yes_key: 'y',
                live: Some(Live::Drain {
                    node_id: id,
                    name: name.clone(),
                }),
            });
            Vec::new()
        }
        Action::Promote if role == NodeSpecRoleEnum::MANAGER => {
            state.info(format!("{name} is already a manager"));
            Vec::new()
        }
        Action::Promote => {
            let mut lines = vec![format!("Promote {name} to manager?")];
            lines.extend(promote_info(&state.cluster, &id));
            let op = Op::SetRole {
                node_id: id,
                node: name.clone(),
                role: Role::Manager,
            };
            confirm(state, format!(" promote {name} "), lines, op, false);
            Vec::new()
        }
        Action::Labels => {
            // one change per prompt: a value may hold commas and spaces, so a list of them
            // cannot be split back apart
            let mut current: Vec<(String, String)> = node
                .spec
                .as_ref()
                .and_then(|s| s.labels.clone())
                .unwrap_or_default()
                .into_iter()
                .collect();
            current.sort();
            let shown: Vec<String> = current.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
            let now = if shown.is_empty() {
                "no labels".to_string()
            } else {
                shown.join(" ")
            };
            state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
                PromptKind::NodeLabels {
                    node_id: id,
                    node: name.clone(),
                },
                format!("labels of {name} ({now}): key=value sets one, -key removes one:"),
                String::new(),
            ))));
            Vec::new()
        }
        Action::RemoveNode => {
            // the engine refuses to remove a member of the raft; a node promoted while down
            // never became one and is removed as a worker is (as docker node rm does)
            let promoted_while_down = role == NodeSpecRoleEnum::MANAGER
                && !swarmtop_model::cluster::is_raft_manager(node);
            if swarmtop_model::cluster::is_raft_manager(node) {
                state.error(format!(
                    "{name} is a manager: demote it first ({} key), then remove it",
                    state
                        .keymap
                        .key_label(swarmtop_settings::keymap::Scope::Nodes, Action::Demote)
                ));
                return Vec::new();
            }
            let down = swarmtop_model::cluster::node_state(node)
                != bollard_stubs::models::NodeState::READY;
            if down {
                let mut lines = vec![
                    format!("Remove node {name} from the swarm? It is {}.", swarmtop_model::cluster::node_state(node)),
                    "Its tasks are already rescheduled elsewhere; if it comes back it must join again.".into(),
                ];
                if promoted_while_down {
                    lines.push(format!("{name} was promoted while down: it never joined the managers (not in the raft), so the quorum does not change."));
                }
                let op = Op::RemoveNode {
                    node_id: id,
                    node: name.clone(),
                    force: false,
                };
                confirm(state, format!(" remove node {name} "), lines, op, true);
            } else {
                state.confirm(Confirm {
                    title: format!(" {name} is up: force-remove it? "),
                    lines: vec![
                        format!("{name} is ready and still runs its tasks. Removing it by force drops it from the swarm's view without stopping them: they keep running unmanaged there, and their replacements start elsewhere."),
                        "The usual way: on that machine run `docker swarm leave`, then remove it here once it is down.".into(),
                        "Press F to force-remove it anyway, n to cancel.".into(),
                    ],
                    pending: Pending::Run(Op::RemoveNode {
                        node_id: id,
                        node: name.clone(),
                        force: true,
                    }),
                    danger: true,
                    yes_key: 'F',
                    live: None,
                });
            }
            Vec::new()
        }
        Action::Demote => {
            let op = Op::SetRole {
                node_id: id.clone(),
                node: name.clone(),
                role: Role::Worker,
            };
            match demote_check(&state.cluster, &id) {
                QuorumVerdict::Impossible(why) => {
                    state.error(format!("demote refused: {why}"));
                }
                QuorumVerdict::Ok(info) => {
                    let mut lines = vec![format!("Demote {name} to worker?")];
                    lines.extend(info);
                    confirm(state, format!(" demote {name} "), lines, op, false);
                }
                QuorumVerdict::Refuse(why) => {
                    let mut lines = why;
                    lines.push("Refused. Press F to override and demote anyway (only if you know the missing managers will not come back), n to cancel.".into());
                    state.confirm(Confirm {
                        title: format!(" REFUSED: demoting {name} would lose quorum "),
                        lines,
                        pending: Pending::Run(op),
                        danger: true,
                        yes_key: 'F',
                        live: None,
                    });
                }
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn service_action(state: &mut State, action: Action) -> Vec<Effect> {
    let Some((id, name)) = target_service(state) else {
        state.info("select a service in the services pane");
        return Vec::new();
    };
    let Some(svc) = state.cluster.service_by_id(&id).cloned() else {
        return Vec::new();
    };
    match action {
        Action::Scale => {
            if service_mode(&svc) != "replicated" {
                state.error(format!(
                    "{name} is {}: only replicated services scale",
                    service_mode(&svc)
                ));
                return Vec::new();
            }
            let (_, desired) = service_counts(&svc);
            state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
                PromptKind::Scale {
                    service_id: id,
                    service: name.clone(),
                },
                format!("scale {name} to:"),
                desired.to_string(),
            ))));
            Vec::new()
        }
        Action::SetImage => {
            state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
                PromptKind::SetImage {
                    service_id: id,
                    service: name.clone(),
                },
                format!("image for {name}:"),
                service_image(&svc)
                    .split('@')
                    .next()
                    .unwrap_or("")
                    .to_string(),
            ))));
            Vec::new()
        }
        Action::RollingUpdate => {
            let image = service_image(&svc)
                .split('@')
                .next()
                .unwrap_or("")
                .to_string();
            let current = svc.spec.as_ref().and_then(|s| s.update_config.as_ref());
            state.overlay = Some(Overlay::Form(Box::new(Form::rolling_update(
                &id, &name, &image, current,
            ))));
            Vec::new()
        }
        // what it returns to is read first: the dialog says it, or that there is nothing
        Action::Rollback => super::spec_history::ask_rollback(state, &id, &name),
        Action::Restart => {
            let n = state
                .cluster
                .tasks
                .iter()
                .filter(|t| t.service_id.as_deref() == Some(&id) && task_is_active(t))
                .count();
            let lines = vec![format!(
                "Restart {name}? Its {n} task(s) are replaced one batch at a time, as its update settings say (a forced update)."
            )];
            let op = Op::Restart {
                service_id: id,
                service: name.clone(),
            };
            confirm(state, format!(" restart {name} "), lines, op, false);
            Vec::new()
        }
        Action::RemoveService => {
            let (running, _) = service_counts(&svc);
            let lines = vec![
                format!("Remove service {name}?"),
                format!("Its {running} running task(s) stop. This cannot be undone."),
            ];
            let op = Op::RemoveService {
                service_id: id,
                service: name.clone(),
            };
            confirm(state, format!(" remove {name} "), lines, op, true);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn remove_stack(state: &mut State) -> Vec<Effect> {
    if state.view.pane != Pane::Stacks {
        return Vec::new();
    }
    let Some(name) = state.current().selected_id.clone() else {
        return Vec::new();
    };
    let Some(s) = state.cluster.stacks().into_iter().find(|s| s.name == name) else {
        return Vec::new();
    };
    let lines = vec![
        format!("Remove stack {name}? This cannot be undone."),
        format!(
            "Its {} service(s) stop; its {} secret(s), {} config(s) and {} network(s) are removed, as `docker stack rm` does.",
            s.services, s.secrets, s.configs, s.networks
        ),
    ];
    confirm(
        state,
        format!(" remove stack {name} "),
        lines,
        Op::RemoveStack { name },
        true,
    );
    Vec::new()
}

/// The secret or config an object action is about (the keymap has one action per kind).
pub(crate) fn object_kind(action: Action) -> ObjectKind {
    match action {
        Action::CreateSecret | Action::RemoveSecret | Action::RotateSecret => ObjectKind::Secret,
        _ => ObjectKind::Config,
    }
}

fn remove_object(state: &mut State, action: Action) -> Vec<Effect> {
    let kind = object_kind(action);
    if state.view.pane.object_kind() != Some(kind) {
        return Vec::new();
    }
    let Some(id) = state.current().selected_id.clone() else {
        return Vec::new();
    };
    let row = state.current().selected_row();
    let name = row
        .as_ref()
        .and_then(|r| r.cells.first())
        .map(|c| c.search_text().to_string())
        .unwrap_or_else(|| id.clone());
    let used = row
        .as_ref()
        .and_then(|r| r.cells.get(1))
        .map(|c| c.search_text().to_string())
        .unwrap_or_default();
    let mut lines = vec![format!(
        "Remove {} {name}? This cannot be undone.",
        kind.word()
    )];
    if !used.is_empty() {
        lines.push(format!(
            "It is used by: {used}. The engine refuses to remove it while they use it."
        ));
    }
    let op = Op::RemoveObject {
        kind,
        id,
        name: name.clone(),
    };
    confirm(state, format!(" remove {name} "), lines, op, true);
    Vec::new()
}

/// The answer to a scale or image prompt.
pub fn submit_prompt(
    state: &mut State,
    kind: &PromptKind,
    text: &str,
) -> Result<Vec<Effect>, String> {
    match kind {
        PromptKind::Scale {
            service_id,
            service,
        } => {
            let n = parse_replicas(text)?;
            state.overlay = None;
            Ok(ask(
                state,
                Op::Scale {
                    service_id: service_id.clone(),
                    service: service.clone(),
                    replicas: n,
                },
            ))
        }
        PromptKind::SetImage {
            service_id,
            service,
        } => {
            let image = parse_image(text)?;
            state.overlay = None;
            Ok(ask(
                state,
                Op::SetImage {
                    service_id: service_id.clone(),
                    service: service.clone(),
                    image,
                },
            ))
        }
        PromptKind::NewStack => super::editor_update::submit_new_stack(state, text),
        PromptKind::Exec { task_id, .. } => super::shell::submit(state, task_id, text),
        PromptKind::NodeLabels { node_id, node } => {
            use swarmtop_ops::validate::{LabelEdit, parse_label_edit};
            let current = state
                .cluster
                .node_by_id(node_id)
                .and_then(|n| n.spec.as_ref())
                .and_then(|s| s.labels.clone())
                .unwrap_or_default();
            let (set, remove) = match parse_label_edit(text)? {
                None => {
                    state.overlay = None;
                    state.info(format!("labels of {node}: nothing changed"));
                    return Ok(Vec::new());
                }
                Some(LabelEdit::Set(k, v)) if current.get(&k) == Some(&v) => {
                    return Err(format!("{k} is {v:?} already: nothing would change"));
                }
                Some(LabelEdit::Remove(k)) if !current.contains_key(&k) => {
                    return Err(format!("{node} has no label {k}"));
                }
                Some(LabelEdit::Set(k, v)) => (vec![(k, v)], Vec::new()),
                Some(LabelEdit::Remove(k)) => (Vec::new(), vec![k]),
            };
            state.overlay = None;
            Ok(ask(
                state,
                Op::SetNodeLabels {
                    node_id: node_id.clone(),
                    node: node.clone(),
                    set,
                    remove,
                },
            ))
        }
    }
}

/// Names the cluster has, for a form's checks.
struct ClusterNames {
    taken: Vec<String>,
    /// Secret and config IDs by kind and name.
    ids: std::collections::HashMap<(ObjectKind, String), String>,
    /// Swarm-scoped networks: ID, name, whether it is the ingress network.
    networks: Vec<(String, String, bool)>,
}

impl ClusterNames {
    fn new(state: &State, kind: &super::form::FormKind) -> ClusterNames {
        use super::form::FormKind;
        let ids: std::collections::HashMap<(ObjectKind, String), String> = ObjectKind::ALL
            .into_iter()
            .flat_map(|k| state.cluster.objects(k))
            .filter(|o| !o.id().is_empty() && !o.name().is_empty())
            .map(|o| ((o.kind(), o.name().to_string()), o.id().to_string()))
            .collect();
        let taken = match kind {
            FormKind::CreateObject(k) | FormKind::RotateObject { kind: k, .. } => ids
                .keys()
                .filter(|(of, _)| of == k)
                .map(|(_, name)| name.clone())
                .collect(),
            FormKind::CreateService => state
                .cluster
                .services
                .iter()
                .map(|s| service_name(s).to_string())
                .collect(),
            FormKind::RollingUpdate { .. } => Vec::new(),
        };
        let networks = match kind {
            FormKind::CreateService => state
                .cluster
                .networks
                .iter()
                .map(|n| {
                    (
                        n.id.clone().unwrap_or_default(),
                        n.name.clone().unwrap_or_default(),
                        n.ingress.unwrap_or(false),
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        ClusterNames {
            taken,
            ids,
            networks,
        }
    }
}

impl super::form::Known for ClusterNames {
    fn exists(&self, name: &str) -> bool {
        self.taken.iter().any(|t| t == name)
    }
    fn object_id(&self, kind: ObjectKind, name: &str) -> Option<String> {
        self.ids.get(&(kind, name.to_string())).cloned()
    }
    fn network(&self, key: &str) -> Result<String, String> {
        swarmtop_ops::resolve::network_target(
            key,
            self.networks
                .iter()
                .map(|(id, name, ingress)| (id.as_str(), name.as_str(), *ingress)),
        )
    }
}

/// Keys while a form is open.
pub fn on_form_key(
    state: &mut State,
    mut form: Form,
    k: crossterm::event::KeyEvent,
) -> Vec<Effect> {
    let known = ClusterNames::new(state, &form.kind);
    match super::form::key(&mut form, k, &known) {
        FormOutcome::Stay => {
            state.overlay = Some(Overlay::Form(Box::new(form)));
            Vec::new()
        }
        FormOutcome::Cancel => {
            state.overlay = None;
            Vec::new()
        }
        FormOutcome::Submit(Submit::Op(op @ Op::CreateService { .. })) => {
            // the created spec is shown before it is sent
            let Op::CreateService { name, spec } = &op else {
                return Vec::new();
            };
            let yaml = yaml_serde::to_string(spec.as_ref()).unwrap_or_default();
            let mut lines = vec![format!("Create service {name} with this spec?")];
            lines.extend(yaml.lines().map(str::to_string));
            let title = format!(" create {name} ");
            confirm(state, title, lines, op, false);
            state.put_behind(Typed::Form(Box::new(form)));
            Vec::new()
        }
        FormOutcome::Submit(Submit::Op(Op::RotateObject { rotation, data })) => {
            super::rotate::preview(state, form, rotation, super::rotate::Data::Typed(data))
        }
        FormOutcome::Submit(Submit::RotateFromFile { rotation, path }) => {
            super::rotate::preview(state, form, rotation, super::rotate::Data::File(path))
        }
        FormOutcome::Submit(Submit::Op(op)) => {
            // kept until the dialog is answered: `n` goes back to it as typed
            let fx = ask(state, op);
            state.put_behind(Typed::Form(Box::new(form)));
            fx
        }
        FormOutcome::Submit(Submit::FromFile {
            kind,
            name,
            path,
            labels,
        }) => {
            state.overlay = None;
            if let Some(why) = &state.read_only {
                state.error(swarmtop_model::feed::refusal(
                    why,
                    &format!("creating {name}"),
                ));
                return Vec::new();
            }
            let word = kind.word();
            let mut lines = vec![
                format!("Create {word} {name} from the file {path}?"),
                format!("{word}: (none) -> {name}"),
            ];
            lines.extend(labels.iter().map(|(k, v)| format!("label {k}={v}")));
            lines.push("y: do it · n or Esc: cancel".into());
            state.confirm(Confirm {
                title: format!(" create {word} {name} "),
                lines,
                pending: Pending::CreateFromFile {
                    kind,
                    name,
                    path: state.work_dir.join(path),
                    labels,
                },
                danger: false,
                yes_key: 'y',
                live: None,
            });
            state.put_behind(Typed::Form(Box::new(form)));
            Vec::new()
        }
    }
}

/// After an op that rolls a service, show its rollout.
pub fn rollout_view(service_id: &str) -> View {
    View {
        pane: Pane::Rollout,
        drill: Drill::Service(service_id.to_string()),
    }
}
