//! The selected row's last minutes under the list: CPU and memory sparklines of a task, a
//! service (summed) or a node (summed), from what the nodes' engines reported.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Sparkline;

use swarmtop_app::node_data::{Series, cpu_text};
use swarmtop_app::panes::Pane;
use swarmtop_app::state::State;
use swarmtop_model::cluster::node_capacity;
use swarmtop_model::stats::bytes_binary;
use swarmtop_settings::theme::Theme;

/// The history of the selected row, when its pane has figures and there are two readings;
/// for a node, its CPUs too (its CPU is said as a share of them, as in its row).
pub fn selected_series(state: &State) -> Option<(&Series, Option<f64>)> {
    let id = state.current().selected_id.as_deref()?;
    let nd = &state.node_data;
    let (s, cpus) = match state.pane() {
        Pane::Tasks | Pane::Top => (nd.task_history.get(id)?, None),
        Pane::Services => (nd.service_history.get(id)?, None),
        Pane::Nodes => {
            let cpus = state.cluster.node_by_id(id).map(|n| node_capacity(n).0);
            (nd.node_history.get(id)?, cpus.filter(|c| *c > 0.0))
        }
        _ => return None,
    };
    (s.len() >= 2).then_some((s, cpus))
}

/// One line: `cpu ▁▂▅▇ 12.5%  mem ▁▁▂▃ 12MiB`, each sparkline the newest points that fit.
pub fn draw(f: &mut Frame, area: Rect, s: &Series, cpus: Option<f64>, theme: &Theme) {
    let Some(last) = s.last() else {
        return;
    };
    let cpu_label = match cpus {
        Some(n) => format!(" {:.0}%/{n:.0}", last.cpu / n),
        None => format!(" {}", cpu_text(last.cpu)),
    };
    let mem_label = format!(" {}", bytes_binary(last.mem));
    let [cpu_name, cpu_line, cpu_now, mem_name, mem_line, mem_now] = Layout::horizontal([
        Constraint::Length(6),
        Constraint::Fill(1),
        Constraint::Length(cpu_label.chars().count() as u16 + 2),
        Constraint::Length(4),
        Constraint::Fill(1),
        Constraint::Length(mem_label.chars().count() as u16),
    ])
    .areas(area);
    let newest = |v: Vec<u64>, w: u16| -> Vec<u64> {
        let skip = v.len().saturating_sub(w as usize);
        v.into_iter().skip(skip).collect()
    };
    f.render_widget(Line::from(Span::styled("▸ cpu", theme.key)), cpu_name);
    f.render_widget(
        Sparkline::default()
            .data(newest(s.cpu(), cpu_line.width))
            .style(theme.ok),
        cpu_line,
    );
    f.render_widget(Line::from(Span::styled(cpu_label, theme.text)), cpu_now);
    f.render_widget(Line::from(Span::styled("mem ", theme.key)), mem_name);
    f.render_widget(
        Sparkline::default()
            .data(newest(s.mem(), mem_line.width))
            .style(theme.ok),
        mem_line,
    );
    f.render_widget(Line::from(Span::styled(mem_label, theme.text)), mem_now);
}
