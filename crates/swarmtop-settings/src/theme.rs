//! Colours and text styles by role, from YAML theme files. The default uses only the 16 ANSI
//! colours so it reads the same over a plain SSH session.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use yaml_serde::{Mapping, Value};

use crate::settings_problem::{Problem, ProblemKind, did_you_mean};

pub const DEFAULT_THEME: &str = include_str!("../../../themes/default.yaml");

/// Every theme compiled into the binary, by name. Each one names every style.
pub const SHIPPED: &[(&str, &str)] = &[
    ("default", DEFAULT_THEME),
    ("light", include_str!("../../../themes/light.yaml")),
    ("mono", include_str!("../../../themes/mono.yaml")),
    ("red-alert", include_str!("../../../themes/red-alert.yaml")),
];

/// How a built-in file is named in messages.
pub fn builtin_name(name: &str) -> String {
    format!("themes/{name}.yaml (built in)")
}

/// The colours of task labels in merged logs, when a theme names none.
const PALETTE: [Color; 6] = [
    Color::Cyan,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::LightCyan,
];

const STYLE_FIELDS: &[&str] = &["fg", "bg", "bold", "dim", "italic", "underline", "reversed"];

/// Settings of a theme that are not styles.
const OTHER_KEYS: &[&str] = &["palette", "log_colours"];

macro_rules! roles {
    ($($field:ident,)*) => {
        /// Styles by the role they play on screen, and how logs are coloured.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Theme {
            $(pub $field: Style,)*
            /// Colours that tell the tasks of merged logs apart; empty: no colour.
            pub palette: Vec<Color>,
            /// Show the colours programs write in their log lines.
            pub log_colours: bool,
        }

        impl Theme {
            pub const ROLES: &'static [&'static str] = &[$(stringify!($field),)*];

            fn role_mut(&mut self, role: &str) -> Option<&mut Style> {
                match role {
                    $(stringify!($field) => Some(&mut self.$field),)*
                    _ => None,
                }
            }

            fn plain() -> Theme {
                Theme {
                    $($field: Style::default(),)*
                    palette: PALETTE.to_vec(),
                    log_colours: true,
                }
            }
        }
    };
}

roles! {
    header,
    header_live,
    header_stale,
    title,
    border,
    column_header,
    selected,
    text,
    dim,
    ok,
    warn,
    error,
    key,
    status,
    status_error,
    prompt,
}

impl Theme {
    pub fn default_theme() -> Theme {
        Theme::parse(DEFAULT_THEME, &builtin_name("default")).unwrap_or_else(|_| Theme::plain())
    }

    /// The built-in theme `name`, if there is one.
    pub fn shipped(name: &str) -> Option<Theme> {
        let (_, text) = SHIPPED.iter().find(|(n, _)| *n == name)?;
        Theme::parse(text, &builtin_name(name)).ok()
    }

    /// Parses a theme; roles it does not name keep the styles of `base`.
    pub fn parse_over(base: &Theme, text: &str, file: &str) -> Result<Theme, Problem> {
        let doc: Value = yaml_serde::from_str(text).map_err(|e| Problem::yaml(file, text, &e))?;
        let top = match doc {
            Value::Null => Mapping::new(),
            Value::Mapping(m) => m,
            _ => {
                return Err(Problem::new(
                    ProblemKind::Yaml,
                    file,
                    "a theme is a map of styles (selected: {fg: black, bg: cyan} ...)",
                ));
            }
        };
        let mut theme = base.clone();
        for (k, v) in &top {
            let role = k.as_str().unwrap_or_default().to_string();
            match role.as_str() {
                "palette" => theme.palette = palette(text, file, v)?,
                "log_colours" => {
                    theme.log_colours = v.as_bool().ok_or_else(|| {
                        Problem::new(ProblemKind::BadValue, file, "expected true or false")
                            .at(text, &["log_colours"])
                    })?
                }
                _ => {
                    let style = style(text, file, &role, v)?;
                    let Some(slot) = theme.role_mut(&role) else {
                        let known = Theme::ROLES.iter().chain(OTHER_KEYS).copied();
                        return Err(Problem::new(
                            ProblemKind::UnknownKey,
                            file,
                            format!(
                                "unknown style{} (styles: {})",
                                did_you_mean(&role, known),
                                Theme::ROLES.join(", ")
                            ),
                        )
                        .at(text, &[&role]));
                    };
                    *slot = style;
                }
            }
        }
        Ok(theme)
    }

    pub fn parse(text: &str, file: &str) -> Result<Theme, Problem> {
        Theme::parse_over(&Theme::plain(), text, file)
    }

    /// The theme for a terminal told to show no colour (`NO_COLOR`): colours go, and what a
    /// background colour marked (the selected row, the header bar, an error) is reversed
    /// instead, or the selection would be invisible.
    pub fn without_colour(mut self) -> Theme {
        for role in Theme::ROLES {
            if let Some(st) = self.role_mut(role) {
                *st = uncoloured(*st);
            }
        }
        // the selection is marked in every theme, whatever it says
        if !self.selected.add_modifier.contains(Modifier::REVERSED) {
            self.selected = self.selected.add_modifier(Modifier::REVERSED);
        }
        self.palette.clear();
        self.log_colours = false;
        self
    }
}

fn uncoloured(st: Style) -> Style {
    let marked = st.bg.is_some_and(|c| c != Color::Reset);
    let mut out = Style {
        fg: None,
        bg: None,
        ..st
    };
    if marked {
        out = out.add_modifier(Modifier::REVERSED);
    }
    out
}

fn colour(text: &str, file: &str, path: &[&str], v: &Value) -> Result<Color, Problem> {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    Color::from_str(&s).map_err(|_| {
        let names = [
            "black",
            "red",
            "green",
            "yellow",
            "blue",
            "magenta",
            "cyan",
            "gray",
            "darkgray",
            "lightred",
            "lightgreen",
            "lightyellow",
            "lightblue",
            "lightmagenta",
            "lightcyan",
            "white",
            "reset",
        ];
        Problem::new(
            ProblemKind::UnknownColour,
            file,
            format!(
                "unknown colour {s:?}{} (a name like red or lightcyan, \"#rrggbb\", or 0-255)",
                did_you_mean(&s, names)
            ),
        )
        .at(text, path)
    })
}

fn palette(text: &str, file: &str, v: &Value) -> Result<Vec<Color>, Problem> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Sequence(items) => items
            .iter()
            .map(|c| colour(text, file, &["palette"], c))
            .collect(),
        _ => Err(Problem::new(
            ProblemKind::BadValue,
            file,
            "expected a list of colours ([] for none)",
        )
        .at(text, &["palette"])),
    }
}

/// One style: `{fg: black, bg: cyan, bold: true}`. A flag set to false takes that effect off
/// what is beneath (a stale marker that must not be reversed inside a reversed header).
fn style(text: &str, file: &str, role: &str, v: &Value) -> Result<Style, Problem> {
    let fields = match v {
        Value::Null => Mapping::new(),
        Value::Mapping(m) => m.clone(),
        _ => {
            return Err(Problem::new(
                ProblemKind::BadValue,
                file,
                "expected a style like {fg: black, bg: cyan, bold: true}",
            )
            .at(text, &[role]));
        }
    };
    let mut st = Style::default();
    for (fk, fv) in &fields {
        let field = fk.as_str().unwrap_or_default();
        let path = [role, field];
        let flag = match field {
            "fg" => {
                st = st.fg(colour(text, file, &path, fv)?);
                continue;
            }
            "bg" => {
                st = st.bg(colour(text, file, &path, fv)?);
                continue;
            }
            "bold" => Modifier::BOLD,
            "dim" => Modifier::DIM,
            "italic" => Modifier::ITALIC,
            "underline" => Modifier::UNDERLINED,
            "reversed" => Modifier::REVERSED,
            _ => {
                return Err(Problem::new(
                    ProblemKind::UnknownKey,
                    file,
                    format!(
                        "unknown style field{} (fields: {})",
                        did_you_mean(field, STYLE_FIELDS.iter().copied()),
                        STYLE_FIELDS.join(", ")
                    ),
                )
                .at(text, &path));
            }
        };
        match fv.as_bool() {
            Some(true) => st = st.add_modifier(flag),
            Some(false) => st = st.remove_modifier(flag),
            None => {
                return Err(
                    Problem::new(ProblemKind::BadValue, file, "expected true or false")
                        .at(text, &path),
                );
            }
        }
    }
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_theme_parses() {
        let t = Theme::parse(DEFAULT_THEME, "themes/default.yaml").unwrap();
        assert_eq!(t.selected.bg, Some(Color::Cyan));
    }

    #[test]
    fn every_shipped_theme_parses_and_names_every_style() {
        for (name, text) in SHIPPED {
            Theme::parse(text, name).unwrap_or_else(|e| panic!("{e}"));
            let doc: Mapping = yaml_serde::from_str(text).unwrap();
            for role in Theme::ROLES {
                assert!(
                    doc.contains_key(*role),
                    "themes/{name}.yaml does not name {role}: it would take the plain style"
                );
            }
        }
    }

    #[test]
    fn the_mono_theme_has_no_colour() {
        let t = Theme::shipped("mono").unwrap();
        let mut styles = Vec::new();
        for role in Theme::ROLES {
            styles.push(*t.clone().role_mut(role).unwrap());
        }
        for s in styles {
            assert_eq!((s.fg, s.bg), (None, None), "{s:?}");
        }
        assert!(t.palette.is_empty());
        assert!(!t.log_colours);
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn without_colour_every_theme_still_marks_the_selection() {
        for (name, _) in SHIPPED {
            let t = Theme::shipped(name).unwrap().without_colour();
            for role in Theme::ROLES {
                let s = *t.clone().role_mut(role).unwrap();
                assert_eq!((s.fg, s.bg), (None, None), "{name}.{role}: {s:?}");
            }
            assert!(
                t.selected.add_modifier.contains(Modifier::REVERSED),
                "{name}: the selection is unmarked"
            );
            assert!(t.palette.is_empty() && !t.log_colours);
        }
        // a background marked the header bar: it is reversed instead
        let t = Theme::default_theme().without_colour();
        assert!(t.header.add_modifier.contains(Modifier::REVERSED));
        assert!(!t.ok.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn bad_colour_is_named_with_its_line() {
        let e = Theme::parse("text: {}\nok: {fg: grean}\n", "mine.yaml").unwrap_err();
        assert_eq!(e.kind, ProblemKind::UnknownColour);
        assert_eq!(
            e.to_string(),
            "mine.yaml:2: ok.fg: unknown colour \"grean\" (did you mean green?) \
             (a name like red or lightcyan, \"#rrggbb\", or 0-255)"
        );
    }

    #[test]
    fn unknown_role_and_field_are_named() {
        let e = Theme::parse("selectd: {fg: red}\n", "mine.yaml").unwrap_err();
        assert_eq!(e.kind, ProblemKind::UnknownKey);
        assert!(
            e.message.contains("unknown style (did you mean selected?)"),
            "{e}"
        );
        let e = Theme::parse("ok:\n  fg: red\n  blod: true\n", "mine.yaml").unwrap_err();
        assert_eq!(
            (e.line, e.key.as_deref()),
            (Some(3), Some("ok.blod")),
            "{e}"
        );
        let e = Theme::parse("ok: {bold: yes}\n", "mine.yaml").unwrap_err();
        assert_eq!(e.kind, ProblemKind::BadValue);
    }

    #[test]
    fn a_user_theme_changes_only_what_it_names() {
        let base = Theme::default_theme();
        let t = Theme::parse_over(&base, "selected: {fg: white, bg: magenta}\n", "u").unwrap();
        assert_eq!(t.selected.bg, Some(Color::Magenta));
        assert_eq!(t.error, base.error);
        assert_eq!(t.palette, base.palette);
    }

    #[test]
    fn false_takes_a_flag_off_what_is_beneath() {
        let t = Theme::parse("header_stale: {reversed: false, bold: true}\n", "u").unwrap();
        let under = Style::default().add_modifier(Modifier::REVERSED);
        let shown = under.patch(t.header_stale);
        assert!(!shown.add_modifier.contains(Modifier::REVERSED));
        assert!(shown.add_modifier.contains(Modifier::BOLD));
    }
}
