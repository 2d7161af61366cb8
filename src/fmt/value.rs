//! Values. Scalars are copied from the source as written. Maps and lists stay on one line
//! when the user wrote them on one line and the line stays under [`MAX_WIDTH`]; otherwise
//! they get one entry per line (map keys aligned on `=`), which the next run keeps as is.

use super::align::{Keyed, Layout};
use super::{Printer, MAX_WIDTH};
use crate::syntax::ast::{Expr, ExprKind, MapEntry};

impl Printer<'_> {
    /// `key = value` laid out as [`Printer::align`] decided.
    pub(super) fn keyed(&mut self, indent: usize, key: &str, layout: Layout, value: &Expr) {
        match layout {
            Layout::Inline(width) => {
                self.value(indent, &format!("{key:<width$} = "), value, "", false)
            }
            Layout::Multi => self.value(indent, &format!("{key} = "), value, "", true),
        }
    }

    /// Prints `{prefix}{value}{suffix}` (an attribute, map entry, list element or param
    /// default) with its comments, on one line if it fits and `multi` is false.
    pub(super) fn value(
        &mut self,
        indent: usize,
        prefix: &str,
        value: &Expr,
        suffix: &str,
        multi: bool,
    ) {
        let column = indent * 2 + prefix.chars().count() + suffix.chars().count();
        let end = value.span.end as usize;
        let is_collection = matches!(value.kind, ExprKind::Map(_) | ExprKind::List(_));
        let inline = if multi && is_collection {
            None
        } else {
            self.inline(value, column)
        };
        if let Some(text) = inline {
            self.interior(indent, end);
            let trailing = self.trailing(end);
            self.line(indent, &format!("{prefix}{text}{suffix}"), &trailing);
            return;
        }
        let open = value.span.start as usize + 1;
        let close = end.saturating_sub(1);
        self.interior(indent, open);
        let (left, right) = if matches!(value.kind, ExprKind::Map(_)) {
            ('{', '}')
        } else {
            ('[', ']')
        };
        let after_open = self.trailing(open);
        self.open_line(indent, &format!("{prefix}{left}"), &after_open);
        match &value.kind {
            ExprKind::Map(entries) => self.map_entries(indent + 1, entries),
            ExprKind::List(items) => {
                for item in items {
                    self.leading(indent + 1, item.span.start as usize);
                    self.value(indent + 1, "", item, ",", false);
                }
            }
            _ => {}
        }
        self.dangling(indent + 1, close);
        let after_close = self.trailing(end);
        self.close_line(indent, &format!("{right}{suffix}"), &after_close);
    }

    pub(super) fn map_entries(&mut self, indent: usize, entries: &[MapEntry]) {
        let lines: Vec<Keyed> = entries
            .iter()
            .map(|e| Keyed {
                key: Some(self.text(e.key.span)),
                value: Some(&e.value),
                start: e.key.span.start as usize,
                end: e.value.span.end as usize,
            })
            .collect();
        let layouts = self.align(indent, &lines);
        for (entry, layout) in entries.iter().zip(layouts) {
            self.leading(indent, entry.key.span.start as usize);
            self.keyed(indent, self.text(entry.key.span), layout, &entry.value);
        }
    }

    /// The value on one line starting at `column`, or `None` when it must take several.
    pub(super) fn inline(&self, value: &Expr, column: usize) -> Option<String> {
        let source = self.text(value.span);
        let text = match &value.kind {
            // Empty ones never break for width: `{` NEWLINE `}` would read back as `{}`.
            ExprKind::Map(entries) if entries.is_empty() => return self.empty(value, "{}"),
            ExprKind::List(items) if items.is_empty() => return self.empty(value, "[]"),
            ExprKind::Map(_) | ExprKind::List(_) if source.contains('\n') => return None,
            ExprKind::Map(entries) => {
                let parts = entries
                    .iter()
                    .map(|e| {
                        Some(format!(
                            "{} = {}",
                            self.text(e.key.span),
                            self.inline(&e.value, 0)?
                        ))
                    })
                    .collect::<Option<Vec<_>>>()?;
                format!("{{ {} }}", parts.join(", "))
            }
            ExprKind::List(items) => {
                let parts = items
                    .iter()
                    .map(|e| self.inline(e, 0))
                    .collect::<Option<Vec<_>>>()?;
                format!("[{}]", parts.join(", "))
            }
            // `1  vcpu` and `1 vcpu` are one quantity; the number and unit stay as written.
            ExprKind::Quantity(_) => {
                return Some(
                    source
                        .split([' ', '\t'])
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            }
            // Scalars never break, whatever their length.
            _ => return Some(source.to_string()),
        };
        (column + text.chars().count() < MAX_WIDTH).then_some(text)
    }

    /// `{}` or `[]`, unless comments inside need the lines they were written on.
    fn empty(&self, value: &Expr, text: &str) -> Option<String> {
        let inside = value.span.start as usize + 1;
        let close = (value.span.end as usize).saturating_sub(1);
        // Between the brackets of an empty map or list there is only trivia.
        let has_comment = self.src.get(inside..close).is_some_and(|t| t.contains('#'));
        (!has_comment).then(|| text.to_string())
    }
}
