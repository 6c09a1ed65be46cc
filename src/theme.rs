//! Colours and text styles by role, from YAML theme files. The default uses only the 16 ANSI
//! colours so it reads the same over a plain SSH session.

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use thiserror::Error;

pub const DEFAULT_THEME: &str = include_str!("../themes/default.yaml");

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
}

#[derive(Debug, Error, PartialEq)]
pub enum ThemeError {
    #[error("{file}: not valid YAML: {why}")]
    Yaml { file: String, why: String },
    #[error("{file}: unknown style {role:?} (known: {known})")]
    UnknownRole {
        file: String,
        role: String,
        known: String,
    },
    #[error("{file}: {role}.{field}: unknown colour {value:?}")]
    BadColour {
        file: String,
        role: String,
        field: &'static str,
        value: String,
    },
}

macro_rules! roles {
    ($($field:ident,)*) => {
        /// Styles by the role they play on screen.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Theme { $(pub $field: Style,)* }

        impl Theme {
            const ROLES: &'static [&'static str] = &[$(stringify!($field),)*];

            fn set(&mut self, role: &str, style: Style) -> bool {
                match role {
                    $(stringify!($field) => { self.$field = style; true })*
                    _ => false,
                }
            }

            fn plain() -> Theme {
                Theme { $($field: Style::default(),)* }
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

fn colour(
    file: &str,
    role: &str,
    field: &'static str,
    v: &Option<String>,
) -> Result<Option<Color>, ThemeError> {
    match v {
        None => Ok(None),
        Some(s) => Color::from_str(s)
            .map(Some)
            .map_err(|_| ThemeError::BadColour {
                file: file.to_string(),
                role: role.to_string(),
                field,
                value: s.clone(),
            }),
    }
}

impl Theme {
    pub fn default_theme() -> Theme {
        Theme::parse(DEFAULT_THEME, "themes/default.yaml").unwrap_or_else(|_| Theme::plain())
    }

    /// Parses a theme; roles it does not name keep the styles of `base`.
    pub fn parse_over(base: &Theme, text: &str, file: &str) -> Result<Theme, ThemeError> {
        let raw: BTreeMap<String, RawStyle> =
            yaml_serde::from_str(text).map_err(|e| ThemeError::Yaml {
                file: file.to_string(),
                why: e.to_string(),
            })?;
        let mut theme = base.clone();
        for (role, r) in raw {
            let mut st = Style::default();
            if let Some(c) = colour(file, &role, "fg", &r.fg)? {
                st = st.fg(c);
            }
            if let Some(c) = colour(file, &role, "bg", &r.bg)? {
                st = st.bg(c);
            }
            let mut m = Modifier::empty();
            for (on, flag) in [
                (r.bold, Modifier::BOLD),
                (r.dim, Modifier::DIM),
                (r.italic, Modifier::ITALIC),
                (r.underline, Modifier::UNDERLINED),
                (r.reversed, Modifier::REVERSED),
            ] {
                if on {
                    m |= flag;
                }
            }
            st = st.add_modifier(m);
            if !theme.set(&role, st) {
                return Err(ThemeError::UnknownRole {
                    file: file.to_string(),
                    role,
                    known: Theme::ROLES.join(", "),
                });
            }
        }
        Ok(theme)
    }

    pub fn parse(text: &str, file: &str) -> Result<Theme, ThemeError> {
        Theme::parse_over(&Theme::plain(), text, file)
    }
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
    fn bad_colour_is_named() {
        let e = Theme::parse("ok: {fg: grean}\n", "mine.yaml").unwrap_err();
        assert_eq!(e.to_string(), "mine.yaml: ok.fg: unknown colour \"grean\"");
    }

    #[test]
    fn unknown_role_is_named() {
        let e = Theme::parse("okay: {fg: red}\n", "mine.yaml").unwrap_err();
        assert!(e.to_string().contains("unknown style \"okay\""));
    }
}
