//! Span erasure for comparing syntax trees by what was written, not where: the formatter
//! must give back the same tree from its output (`tests/fmt.rs`, `tests/no_panic.rs`).

use aprc::span::{FileId, Span};
use aprc::syntax::ast::*;

const ZERO: Span = Span {
    file: FileId(0),
    start: 0,
    end: 0,
};

/// The module with every span zeroed and comments dropped (compared separately), so that
/// `==` compares only what was written.
pub fn erased(module: &Module) -> Module {
    let mut m = module.clone();
    m.comments.clear();
    for item in &mut m.items {
        item.span = ZERO;
        match &mut item.kind {
            ItemKind::Param { name, ty, default } => {
                name.span = ZERO;
                if let Some(ty) = ty {
                    ty.span = ZERO;
                }
                if let Some(default) = default {
                    erase_expr(default);
                }
            }
            ItemKind::Block(block) => erase_block(block),
        }
    }
    m
}

fn erase_block(block: &mut Block) {
    block.span = ZERO;
    block.kind.span = ZERO;
    if let Some(name) = &mut block.name {
        name.span = ZERO;
    }
    for stmt in &mut block.body {
        stmt.span = ZERO;
        match &mut stmt.kind {
            StmtKind::Attr { name, value } => {
                name.span = ZERO;
                erase_expr(value);
            }
            StmtKind::Block(block) => erase_block(block),
            StmtKind::Allow(allow) => {
                erase_expr(&mut allow.actions);
                erase_expr(&mut allow.resources);
            }
            StmtKind::Route(route) => {
                route.method.span = ZERO;
                route.target.span = ZERO;
                erase_path(&mut route.path);
                if let Some(path) = &mut route.target_path {
                    erase_path(path);
                }
                if let Some(body) = &mut route.body {
                    body.span = ZERO;
                    let mut block = Block {
                        kind: Ident {
                            name: String::new(),
                            span: ZERO,
                        },
                        name: None,
                        body: std::mem::take(&mut body.stmts),
                        span: ZERO,
                    };
                    erase_block(&mut block);
                    body.stmts = block.body;
                }
            }
        }
    }
}

fn erase_path(path: &mut PathLit) {
    path.span = ZERO;
    for segment in &mut path.segments {
        segment.span = ZERO;
    }
}

fn erase_expr(expr: &mut Expr) {
    expr.span = ZERO;
    match &mut expr.kind {
        ExprKind::Str(s) => {
            for part in &mut s.parts {
                if let StrPart::Interp(ident) = part {
                    ident.span = ZERO;
                }
            }
        }
        ExprKind::Path(path) => erase_path(path),
        ExprKind::List(items) => items.iter_mut().for_each(erase_expr),
        ExprKind::Map(entries) => {
            for entry in entries {
                entry.key.span = ZERO;
                erase_expr(&mut entry.value);
            }
        }
        ExprKind::Int(_)
        | ExprKind::Decimal(_)
        | ExprKind::Bool(_)
        | ExprKind::Quantity(_)
        | ExprKind::Cidr(_)
        | ExprKind::Ident(_)
        | ExprKind::Reference(_) => {}
    }
}
