//! What Enter starts a new line of the stack file with, as a YAML editor does: the indentation
//! of the line it breaks; one step deeper after a line that opens a block (`deploy:`,
//! `command: |`), the step being the file's own (two spaces when the file does not say); a list
//! item's line (`  - web`) continues at its dash, ready for the next `- `.

/// The leading whitespace a new line gets when Enter is pressed at character `col` of line
/// `row`. Enter within a line's own indentation adds none: the line just moves down as it is.
pub fn new_line_indent(lines: &[String], row: usize, col: usize) -> String {
    let Some(line) = lines.get(row) else {
        return String::new();
    };
    let before: String = line.chars().take(col).collect();
    if before.trim().is_empty() {
        return String::new();
    }
    let lead: String = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let content = without_comment(&before[lead.len()..]);
    let content = content.trim_end();
    // where a list item's own text starts: `- key:` opens a block under `key`, not the dash
    let item_col = content.strip_prefix('-').and_then(|rest| {
        let spaces = rest.chars().take_while(|c| *c == ' ').count();
        (spaces > 0 && spaces < rest.len()).then(|| lead.chars().count() + 1 + spaces)
    });
    if opens_block(content) {
        let base = item_col.unwrap_or(lead.chars().count());
        return " ".repeat(base + indent_step(lines));
    }
    lead
}

/// A line ending in `:` (a mapping key whose value is below it) or in a block scalar's
/// indicator (`|`, `>-`, `|2`, after a key or a dash).
fn opens_block(content: &str) -> bool {
    if content.ends_with(':') {
        return true;
    }
    let last = content.rsplit([' ', '\t']).next().unwrap_or(content);
    let before_last = &content[..content.len() - last.len()];
    let after_key = before_last.trim_end().ends_with(':') || before_last.trim_end() == "-";
    let mut chars = last.chars();
    after_key
        && matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| matches!(c, '+' | '-' | '1'..='9'))
}

/// The line without a trailing `# comment` (a `#` after a blank, outside quotes).
fn without_comment(s: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '#') if prev == ' ' || prev == '\t' => return &s[..i],
            _ => {}
        }
        prev = c;
    }
    s
}

/// The file's indent step: how much deeper the lines under a block-opening line mostly are;
/// two spaces when no block says.
pub fn indent_step(lines: &[String]) -> usize {
    let mut counts = std::collections::BTreeMap::<usize, usize>::new();
    let mut opener: Option<usize> = None;
    for line in lines {
        let trimmed = line.trim_start_matches(' ');
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if let Some(o) = opener.take()
            && indent > o
            && !trimmed.starts_with("- ")
        {
            *counts.entry(indent - o).or_default() += 1;
        }
        if without_comment(trimmed).trim_end().ends_with(':') && !trimmed.starts_with("- ") {
            opener = Some(indent);
        }
    }
    // the most common step; among equals the smaller
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(step, _)| step)
        .unwrap_or(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }
    /// The indent after Enter at the end of line `row`.
    fn after(text: &str, row: usize) -> String {
        let l = lines(text);
        new_line_indent(&l, row, l[row].chars().count())
    }

    const STACK: &str =
        "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n    deploy:   # how\n";

    #[test]
    fn keeps_the_indentation_of_the_line_above() {
        assert_eq!(after(STACK, 2), "    ");
        assert_eq!(after("a: 1\n", 0), "");
        // tabs or spaces, as they were
        assert_eq!(after("\t\tx\n", 0), "\t\t");
    }

    #[test]
    fn one_step_deeper_after_a_block_opens() {
        assert_eq!(after(STACK, 0), "  ");
        assert_eq!(after(STACK, 1), "    ");
        assert_eq!(after(STACK, 3), "      ");
        // a comment after the colon changes nothing
        assert_eq!(after(STACK, 5), "      ");
        // block scalars
        assert_eq!(after("x:\n  command: |\n", 1), "    ");
        assert_eq!(after("x:\n  command: >-\n", 1), "    ");
        // a colon inside a quoted value or a comment is not the end of a key
        assert_eq!(after("x:\n  a: \"b:\"\n", 1), "  ");
        assert_eq!(after("x:\n  a: b # note:\n", 1), "  ");
    }

    #[test]
    fn a_list_item_continues_at_its_dash_and_a_block_in_it_goes_under_its_key() {
        assert_eq!(after(STACK, 4), "      ");
        assert_eq!(after("x:\n  - name: a\n", 1), "  ");
        assert_eq!(after("x:\n  - labels:\n", 1), "      ");
        assert_eq!(after("x:\n  -   deep:\n", 1), "        ");
    }

    #[test]
    fn the_step_is_the_files_own() {
        let four = "services:\n    web:\n        image: x\n        deploy:\n            placement:\n                constraints:\n                  - node.role==worker\n";
        assert_eq!(indent_step(&lines(four)), 4);
        assert_eq!(after(four, 1), "        ");
        assert_eq!(indent_step(&lines(STACK)), 2);
        assert_eq!(indent_step(&lines("a: 1\n")), 2);
        assert_eq!(indent_step(&[]), 2);
    }

    #[test]
    fn enter_inside_the_indentation_only_moves_the_line_down() {
        let l = lines("a:\n    b: 1\n");
        assert_eq!(new_line_indent(&l, 1, 0), "");
        assert_eq!(new_line_indent(&l, 1, 2), "");
        // in the middle of the text: the indentation of its line
        assert_eq!(new_line_indent(&l, 1, 5), "    ");
        assert_eq!(new_line_indent(&l, 9, 0), "");
    }
}
