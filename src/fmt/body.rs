//! Blocks and their statements: `KIND NAME {` ... `}`, attributes aligned on `=` in runs,
//! nested blocks set apart by blank lines, and the routes of an api aligned in columns.

use super::align::{Keyed, Layout};
use super::{trivia, Printer};
use crate::syntax::ast::{Allow, Block, ExprKind, Route, RouteBody, Stmt, StmtKind};

/// Column widths shared by every route of one block.
#[derive(Default)]
struct RouteColumns {
    method: usize,
    path: usize,
    target: usize,
}

impl Printer<'_> {
    /// A block whose leading comments are already printed.
    pub(super) fn block(&mut self, indent: usize, block: &Block) {
        let head_last = block.name.as_ref().unwrap_or(&block.kind).span.end as usize;
        let lbrace = trivia::next_token(self.src, head_last);
        let close = (block.span.end as usize).saturating_sub(1);
        self.interior(indent, lbrace + 1);
        let head = match &block.name {
            Some(name) => format!("{} {}", block.kind.name, name.name),
            None => block.kind.name.clone(),
        };
        let after_open = self.trailing(lbrace + 1);
        if block.body.is_empty() && after_open.is_empty() && !self.comments.any_before(close) {
            let after_close = self.trailing(block.span.end as usize);
            self.line(indent, &format!("{head} {{}}"), &after_close);
            return;
        }
        self.open_line(indent, &format!("{head} {{"), &after_open);
        self.body(indent + 1, &block.body);
        self.dangling(indent + 1, close);
        let after_close = self.trailing(block.span.end as usize);
        self.close_line(indent, "}", &after_close);
    }

    fn body(&mut self, indent: usize, stmts: &[Stmt]) {
        let layouts = self.attr_layouts(indent, stmts);
        let columns = self.route_columns(stmts);
        let mut prev_was_block = None;
        for (stmt, layout) in stmts.iter().zip(layouts) {
            let is_block = matches!(stmt.kind, StmtKind::Block(_));
            // Nested blocks are set apart from what surrounds them by one blank line.
            if prev_was_block.is_some_and(|prev| prev || is_block) {
                self.blank();
            }
            self.leading(indent, stmt.span.start as usize);
            match &stmt.kind {
                StmtKind::Attr { name, value } => {
                    self.keyed(indent, &name.name, layout, value);
                }
                StmtKind::Block(block) => self.block(indent, block),
                StmtKind::Allow(allow) => self.allow(indent, allow),
                StmtKind::Route(route) => {
                    let text = self.route(route, &columns);
                    match &route.body {
                        Some(body) => self.route_body(indent, text, body),
                        None => {
                            let end = stmt_end(stmt);
                            self.interior(indent, end);
                            let trailing = self.trailing(end);
                            self.line(indent, &text, &trailing);
                        }
                    }
                }
            }
            prev_was_block = Some(is_block);
        }
    }

    /// `allow ACTIONS on RESOURCES` on one line when it fits; otherwise the resources list
    /// takes one line per entry, then the actions list too.
    fn allow(&mut self, indent: usize, allow: &Allow) {
        let column = indent * 2 + "allow ".len();
        if let Some(actions) = self.inline(&allow.actions, column) {
            let prefix = format!("allow {actions} on ");
            return self.value(indent, &prefix, &allow.resources, "", false);
        }
        let open = allow.actions.span.start as usize + 1;
        let close = (allow.actions.span.end as usize).saturating_sub(1);
        // Only a collection fails to fit on one line.
        let (left, right) = match &allow.actions.kind {
            ExprKind::Map(_) => ('{', '}'),
            _ => ('[', ']'),
        };
        self.interior(indent, open);
        let after_open = self.trailing(open);
        self.open_line(indent, &format!("allow {left}"), &after_open);
        match &allow.actions.kind {
            ExprKind::Map(entries) => self.map_entries(indent + 1, entries),
            ExprKind::List(items) => {
                for item in items {
                    self.leading(indent + 1, item.span.start as usize);
                    self.value(indent + 1, "", item, ",", false);
                }
            }
            _ => {}
        }
        // Comments up to the resources (after `]`, around `on`) stay inside the list, where
        // the next run finds them too.
        self.dangling(indent + 1, close.max(allow.resources.span.start as usize));
        self.value(indent, &format!("{right} on "), &allow.resources, "", false);
    }

    /// A route with its block: `{ auth = none }` on the route's line when it is one attribute
    /// and no comment, else a block of its own lines.
    fn route_body(&mut self, indent: usize, head: String, body: &RouteBody) {
        let (start, end) = (body.span.start as usize, body.span.end as usize);
        let inside = self.src.get(start..end).unwrap_or("");
        let one_line = match body.stmts.as_slice() {
            _ if inside.contains('#') => None,
            [] => Some("{}".to_string()),
            [Stmt {
                kind: StmtKind::Attr { name, value },
                ..
            }] => {
                let column = indent * 2 + head.chars().count() + name.name.len() + 6;
                self.inline(value, column)
                    .map(|v| format!("{{ {} = {v} }}", name.name))
            }
            _ => None,
        };
        self.interior(indent, start);
        if let Some(block) = one_line {
            let trailing = self.trailing(end);
            self.line(indent, &format!("{head} {block}"), &trailing);
            return;
        }
        let after_open = self.trailing(start + 1);
        self.open_line(indent, &format!("{head} {{"), &after_open);
        self.body(indent + 1, &body.stmts);
        self.dangling(indent + 1, end.saturating_sub(1));
        let after_close = self.trailing(end);
        self.close_line(indent, "}", &after_close);
    }

    fn attr_layouts(&self, indent: usize, stmts: &[Stmt]) -> Vec<Layout> {
        let lines: Vec<Keyed> = stmts
            .iter()
            .map(|s| {
                let (key, value) = match &s.kind {
                    StmtKind::Attr { name, value } => (Some(name.name.as_str()), Some(value)),
                    _ => (None, None),
                };
                Keyed {
                    key,
                    value,
                    start: s.span.start as usize,
                    end: stmt_end(s),
                }
            })
            .collect();
        self.align(indent, &lines)
    }

    fn route_columns(&self, stmts: &[Stmt]) -> RouteColumns {
        let mut columns = RouteColumns::default();
        for stmt in stmts {
            if let StmtKind::Route(route) = &stmt.kind {
                columns.method = columns.method.max(route.method.name.chars().count());
                columns.path = columns.path.max(self.text(route.path.span).chars().count());
                columns.target = columns.target.max(route.target.name.chars().count());
            }
        }
        columns
    }

    fn route(&self, route: &Route, columns: &RouteColumns) -> String {
        let target_path = route
            .target_path
            .as_ref()
            .map(|p| self.text(p.span))
            .unwrap_or("");
        let text = format!(
            "route {:<mw$} {:<pw$} -> {:<tw$} {}",
            route.method.name,
            self.text(route.path.span),
            route.target.name,
            target_path,
            mw = columns.method,
            pw = columns.path,
            tw = columns.target,
        );
        text.trim_end().to_string()
    }
}

/// Where a statement's last token ends. A route's span can run on past it: the grammar's
/// optional parts let pest skip the whitespace and comments that follow.
fn stmt_end(stmt: &Stmt) -> usize {
    match &stmt.kind {
        StmtKind::Route(route) => route.end() as usize,
        _ => stmt.span.end as usize,
    }
}
