//! `=` alignment, like `terraform fmt`: the `=` of consecutive single-line `key = value`
//! lines (attributes of a block, entries of a map) line up. A blank line, a comment line,
//! anything that is not keyed, or a value spread over several lines ends a run; trailing
//! comments do not.
//!
//! Whether a map or list fits on one line depends on the column its value starts at, which
//! depends on the run's width, which depends on which values are on one line. The layout is
//! found by marking values multi-line until none overflows; marking only ever narrows runs,
//! so it stops, and values written over several lines start marked, which makes a
//! formatted file reproduce its own layout.

use super::{trivia, Printer};
use crate::syntax::ast::Expr;

/// One line that may take part in alignment.
pub(super) struct Keyed<'e> {
    /// `None` for lines that are not `key = value` (nested blocks, routes).
    pub key: Option<&'e str>,
    pub value: Option<&'e Expr>,
    /// Source range of the line's tokens.
    pub start: usize,
    pub end: usize,
}

/// How a keyed line is printed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Layout {
    /// On one line, the key padded to this width.
    Inline(usize),
    /// The value over several lines; the key not padded.
    Multi,
}

impl Printer<'_> {
    pub(super) fn align(&self, indent: usize, lines: &[Keyed]) -> Vec<Layout> {
        let breaks: Vec<bool> = (0..lines.len())
            .map(|i| {
                i == 0
                    || trivia::has_blank_line(self.src, lines[i - 1].end, lines[i].start)
                    || self
                        .comments
                        .own_line_between(lines[i - 1].end, lines[i].end)
            })
            .collect();
        let mut multi: Vec<bool> = lines
            .iter()
            .map(|l| l.value.is_some_and(|v| self.inline(v, 0).is_none()))
            .collect();
        loop {
            let names: Vec<Option<&str>> = lines
                .iter()
                .zip(&multi)
                .map(|(l, &m)| if m { None } else { l.key })
                .collect();
            let widths = run_widths(&names, &breaks);
            let mut changed = false;
            for (i, line) in lines.iter().enumerate() {
                if let (false, Some(value)) = (multi[i], line.value) {
                    if self.inline(value, indent * 2 + widths[i] + 3).is_none() {
                        multi[i] = true;
                        changed = true;
                    }
                }
            }
            if !changed {
                return multi
                    .iter()
                    .zip(widths)
                    .map(|(&m, w)| if m { Layout::Multi } else { Layout::Inline(w) })
                    .collect();
            }
        }
    }
}

/// Alignment widths: `names[i]` is the key of line `i` (`None` for a line that takes no
/// part and ends a run), `breaks[i]` whether a run ends before line `i`.
fn run_widths(names: &[Option<&str>], breaks: &[bool]) -> Vec<usize> {
    let mut widths = vec![0; names.len()];
    let mut start = 0;
    for i in 0..=names.len() {
        let ends =
            i == 0 || i == names.len() || breaks[i] || names[i].is_none() || names[i - 1].is_none();
        if ends && i > start {
            let width = names[start..i]
                .iter()
                .map(|n| n.map_or(0, |n| n.chars().count()))
                .max()
                .unwrap_or(0);
            for w in &mut widths[start..i] {
                *w = width;
            }
        }
        if ends {
            start = i;
        }
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::run_widths;

    #[test]
    fn runs_end_at_breaks_and_unkeyed_lines() {
        let names = [
            Some("a"),
            Some("bbb"),
            None,
            Some("cc"),
            Some("d"),
            Some("eeee"),
        ];
        let breaks = [true, false, false, false, false, true];
        assert_eq!(run_widths(&names, &breaks), vec![3, 3, 0, 2, 2, 4]);
    }
}
