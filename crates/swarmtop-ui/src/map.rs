//! The map (`:map`), like the Docker Swarm Visualizer: one column per node (name, role,
//! availability, state), each of its tasks as a line coloured by service; tasks starting,
//! failing or waiting look different; tasks no node has taken stand in their own column.
//! Many nodes scroll sideways, a column never gets narrower than its names need.

use std::collections::BTreeMap;

use bollard_stubs::models::{NodeSpecAvailabilityEnum, NodeSpecRoleEnum, NodeState, TaskState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use swarmtop_app::state::State;
use swarmtop_model::cluster::{
    Cluster, Task, node_availability, node_hostname, node_id, node_role, node_state,
    task_is_active, task_state,
};
use swarmtop_settings::theme::Theme;

const PALETTE: [Color; 6] = [
    Color::Cyan,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::LightCyan,
];

/// The narrowest a node column gets.
pub const MIN_COLUMN: u16 = 16;

fn colour_of(service: &str) -> Color {
    let mut h: u32 = 0x811c9dc5;
    for b in service.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    PALETTE[(h % PALETTE.len() as u32) as usize]
}

/// One task in a column: a marker that says its state, and its name.
fn task_line<'a>(c: &Cluster, t: &Task, width: usize, theme: &Theme) -> Line<'a> {
    let name = c.task_name(t);
    let svc = c.service_name_of(t.service_id.as_deref().unwrap_or(""));
    let base = Style::default().fg(colour_of(svc));
    let (mark, style) = match task_state(t) {
        TaskState::RUNNING => ("■ ", base),
        TaskState::FAILED | TaskState::REJECTED => ("✗ ", theme.error),
        TaskState::PENDING | TaskState::NEW | TaskState::ALLOCATED => ("? ", theme.warn),
        _ => ("□ ", base.add_modifier(Modifier::DIM)),
    };
    let name: String = name.chars().take(width.saturating_sub(2)).collect();
    Line::from(vec![Span::styled(mark, style), Span::styled(name, style)])
}

/// Columns to show: (title lines, tasks), nodes by hostname, then the unassigned tasks.
fn columns<'a>(c: &'a Cluster) -> Vec<(String, Vec<Span<'a>>, Vec<&'a Task>)> {
    let mut by_node: BTreeMap<&str, Vec<&Task>> = BTreeMap::new();
    let mut unassigned = Vec::new();
    for t in c.tasks.iter().filter(|t| task_is_active(t)) {
        match t.node_id.as_deref().filter(|n| !n.is_empty()) {
            Some(n) => by_node.entry(n).or_default().push(t),
            None => unassigned.push(t),
        }
    }
    let mut nodes: Vec<_> = c.nodes.iter().collect();
    nodes.sort_by_key(|n| (node_role(n) != NodeSpecRoleEnum::MANAGER, node_hostname(n)));
    let mut out = Vec::new();
    for n in nodes {
        let mut tasks = by_node.remove(node_id(n)).unwrap_or_default();
        tasks.sort_by_key(|t| c.task_name(t));
        let state = node_state(n);
        let avail = node_availability(n);
        let role = if node_role(n) == NodeSpecRoleEnum::MANAGER {
            "manager"
        } else {
            "worker"
        };
        // the state goes on the name line only when it is bad, so narrow columns keep it
        let title = if state == NodeState::READY {
            node_hostname(n).to_string()
        } else {
            format!("{} {}", node_hostname(n), state.to_string().to_uppercase())
        };
        let status = vec![Span::raw(format!("{role} {avail}"))];
        out.push((title, status, tasks));
    }
    if !unassigned.is_empty() {
        unassigned.sort_by_key(|t| c.task_name(t));
        out.push((
            "(no node)".to_string(),
            vec![Span::raw("waiting to be placed")],
            unassigned,
        ));
    }
    out
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let c = &state.cluster;
    let cols = columns(c);
    let total = cols.len();
    let per_screen = ((area.width / MIN_COLUMN).max(1) as usize).min(total.max(1));
    let first = state.map_offset.min(total.saturating_sub(per_screen));
    let title = if total > per_screen {
        format!(
            " map · nodes {}-{} of {} (←/→ scroll) ",
            first + 1,
            first + per_screen,
            total
        )
    } else {
        format!(" map · {total} column(s) ")
    };
    let outer = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    if total == 0 {
        f.render_widget(Span::styled("no nodes yet", theme.dim), inner);
        return;
    }
    let width = inner.width / per_screen as u16;
    for (i, (name, status, tasks)) in cols.iter().skip(first).take(per_screen).enumerate() {
        let x = inner.x + i as u16 * width;
        let w = if i + 1 == per_screen {
            inner.width - i as u16 * width
        } else {
            width
        };
        let rect = Rect {
            x,
            y: inner.y,
            width: w,
            height: inner.height,
        };
        let node = c
            .nodes
            .iter()
            .find(|n| name.split(' ').next() == Some(node_hostname(n)));
        let bad = node.is_some_and(|n| node_state(n) != NodeState::READY);
        let drained =
            node.is_some_and(|n| node_availability(n) != NodeSpecAvailabilityEnum::ACTIVE);
        let head_style = if bad {
            theme.error
        } else if drained {
            theme.warn
        } else {
            theme.column_header
        };
        let mut lines = vec![
            Line::from(Span::styled(name.clone(), head_style)),
            Line::from(
                status
                    .iter()
                    .map(|s| {
                        Span::styled(s.content.clone(), if bad { theme.error } else { theme.dim })
                    })
                    .collect::<Vec<_>>(),
            ),
        ];
        let room = (rect.height as usize).saturating_sub(3);
        for t in tasks.iter().take(room) {
            lines.push(task_line(c, t, w as usize - 1, theme));
        }
        if tasks.len() > room {
            lines.push(Line::from(Span::styled(
                format!("+{} more", tasks.len() - room),
                theme.dim,
            )));
        }
        let block = Block::default()
            .borders(Borders::RIGHT)
            .border_style(theme.border);
        f.render_widget(Paragraph::new(lines).block(block), rect);
    }
}
