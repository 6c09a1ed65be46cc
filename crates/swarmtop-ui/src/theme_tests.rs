//! The shipped themes on a real screen: the sample cluster's nodes pane drawn under each
//! (the themes live in the settings crate, the drawing here).

use ratatui::style::{Color, Modifier};

use swarmtop_settings::theme::{SHIPPED, Theme};

/// The sample cluster's nodes pane, drawn with a theme.
fn nodes_pane(theme: &Theme, w: u16, h: u16) -> ratatui::buffer::Buffer {
    let mut s = super::tests::sample_state();
    s.context = "prod".into();
    s.read_only = Some("--read-only".into());
    s.error("themes/x.yaml:1: an error, to show its style");
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    s.theme = theme.clone();
    t.draw(|f| super::draw(f, &s)).unwrap();
    t.backend().buffer().clone()
}

#[test]
fn the_nodes_pane_under_each_theme() {
    for (name, _) in SHIPPED {
        let theme = Theme::shipped(name).unwrap();
        // the buffer's Debug form lists the text and every change of style
        insta::assert_snapshot!(
            format!("nodes_pane_{name}"),
            format!("{:?}", nodes_pane(&theme, 80, 12))
        );
    }
}

#[test]
fn mono_draws_no_colour_and_still_marks_the_selection() {
    let buf = nodes_pane(&Theme::shipped("mono").unwrap(), 80, 12);
    for cell in buf.content() {
        assert_eq!(
            (cell.fg, cell.bg),
            (Color::Reset, Color::Reset),
            "a coloured cell: {cell:?}"
        );
    }
    // the selected row (the first node) is reversed, the others are not
    let row_of = |needle: &str| {
        (0..buf.area.height)
            .find(|y| {
                let line: String = (0..buf.area.width)
                    .map(|x| buf[(x, *y)].symbol().to_string())
                    .collect();
                line.contains(needle)
            })
            .unwrap_or_else(|| panic!("no row with {needle}"))
    };
    let reversed = |y: u16| buf[(5, y)].modifier.contains(Modifier::REVERSED);
    assert!(reversed(row_of("node1")), "the selection is not marked");
    assert!(!reversed(row_of("node2")));
    // errors are bold and underlined, not only red
    let status = buf.area.height - 1;
    assert!(
        buf[(3, status)]
            .modifier
            .contains(Modifier::REVERSED | Modifier::BOLD)
    );
}

#[test]
fn without_colour_the_default_theme_still_marks_the_selection() {
    let buf = nodes_pane(&Theme::default_theme().without_colour(), 80, 12);
    assert!(
        buf.content()
            .iter()
            .all(|c| (c.fg, c.bg) == (Color::Reset, Color::Reset))
    );
    let row_of = |needle: &str| {
        (0..buf.area.height)
            .find(|y| {
                let line: String = (0..buf.area.width)
                    .map(|x| buf[(x, *y)].symbol().to_string())
                    .collect();
                line.contains(needle)
            })
            .unwrap_or_else(|| panic!("no row with {needle}"))
    };
    let reversed = |y: u16| buf[(5, y)].modifier.contains(Modifier::REVERSED);
    assert!(reversed(row_of("node1")), "the selection is not marked");
    assert!(!reversed(row_of("node2")));
}
