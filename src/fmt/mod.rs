//! `aprc fmt`: the canonical layout of a `.apr` file.
//!
//! The printer walks the AST in source order and hands out the file's comments (which the
//! AST keeps aside, in `Module::comments`) as it passes them, so every comment is printed
//! exactly once: before the statement it preceded, at the end of its line, or at the end of
//! its block. Literals are copied from the source through their spans, so formatting never
//! changes a value. The layout itself (indent, `=` alignment, route columns, blank lines,
//! one-line versus multi-line maps) is a function of the tree, the comments and where the
//! user left blank lines, which is what makes `fmt(fmt(x)) == fmt(x)`.
//!
//! [`body`] lays out blocks and their statements, [`value`] values, [`trivia`] reads
//! comments and blank lines back from the source.

mod align;
mod body;
mod output;
mod trivia;
mod value;

use crate::span::Span;
use crate::syntax::ast::{Comment, ItemKind, Module};
use output::Output;
use trivia::Comments;

/// A map or list stays on one line only if that line is narrower than this.
const MAX_WIDTH: usize = 80;

/// Formats one parsed file. `module` must have been parsed from `source`.
pub fn format(source: &str, module: &Module) -> String {
    let mut p = Printer::new(source, &module.comments);
    let mut prev_was_block = None;
    for item in &module.items {
        let is_block = matches!(item.kind, ItemKind::Block(_));
        // One blank line between top-level blocks; params keep the user's grouping.
        if prev_was_block.is_some_and(|prev| prev || is_block) {
            p.blank();
        }
        p.leading(0, item.span.start as usize);
        match &item.kind {
            ItemKind::Param {
                name, ty: Some(ty), ..
            } => {
                let end = item.span.end as usize;
                p.interior(0, end);
                let trailing = p.trailing(end);
                p.line(0, &format!("param {} : {}", name.name, ty.name), &trailing);
            }
            ItemKind::Param {
                name,
                default: Some(value),
                ..
            } => {
                p.value(0, &format!("param {} = ", name.name), value, "", false);
            }
            ItemKind::Param { name, .. } => {
                let end = item.span.end as usize;
                p.interior(0, end);
                let trailing = p.trailing(end);
                p.line(0, &format!("param {}", name.name), &trailing);
            }
            ItemKind::Block(block) => p.block(0, block),
        }
        prev_was_block = Some(is_block);
    }
    // Comments after the last item stay at the end of the file.
    p.dangling(0, usize::MAX);
    p.out.render()
}

/// The output being built, the comments not yet printed, and how far the source has been
/// consumed (to read the user's blank lines).
struct Printer<'a> {
    src: &'a str,
    comments: Comments<'a>,
    out: Output,
    /// End of the last source text printed (node or comment).
    last_end: usize,
    /// A blank line is due before the next line.
    pending_blank: bool,
    /// Nothing printed yet in the current block (or file): blank lines are not wanted here.
    at_open: bool,
}

impl<'a> Printer<'a> {
    fn new(src: &'a str, comments: &'a [Comment]) -> Self {
        Printer {
            src,
            comments: Comments::new(src, comments),
            out: Output::default(),
            last_end: 0,
            pending_blank: false,
            at_open: true,
        }
    }

    fn text(&self, span: Span) -> &'a str {
        self.src.get(span.range()).unwrap_or("")
    }

    /// Asks for one blank line before the next line (several asks still make one).
    fn blank(&mut self) {
        if !self.at_open {
            self.pending_blank = true;
        }
    }

    /// One line of code and its trailing comment (`""` when none).
    fn line(&mut self, indent: usize, code: &str, comment: &str) {
        if self.pending_blank {
            self.out.blank();
        }
        self.pending_blank = false;
        self.out.push(indent, code, comment);
        self.at_open = false;
    }

    /// A line ending in `{` or `[`: what follows starts a body, with no blank line first.
    fn open_line(&mut self, indent: usize, code: &str, comment: &str) {
        self.line(indent, code, comment);
        self.at_open = true;
    }

    /// The line with `}` or `]`: never a blank line just before it.
    fn close_line(&mut self, indent: usize, code: &str, comment: &str) {
        self.pending_blank = false;
        self.line(indent, code, comment);
    }

    fn note_end(&mut self, pos: usize) {
        self.last_end = self.last_end.max(pos);
    }

    /// The comments before a statement that starts at `pos`, each on its own line, and the
    /// user's blank lines around them (collapsed to one).
    fn leading(&mut self, indent: usize, pos: usize) {
        for comment in self.comments.before(pos) {
            if trivia::has_blank_line(self.src, self.last_end, comment.span.start as usize) {
                self.blank();
            }
            self.line(indent, &comment.text, "");
            self.note_end(comment.span.end as usize);
        }
        if trivia::has_blank_line(self.src, self.last_end, pos) {
            self.blank();
        }
    }

    /// Comments inside a construct printed on one line (`a = # c` NEWLINE `1`): a comment
    /// runs to the end of its line, so it moves up, before the statement.
    fn interior(&mut self, indent: usize, end: usize) {
        for comment in self.comments.before(end) {
            self.line(indent, &comment.text, "");
            self.note_end(comment.span.end as usize);
        }
    }

    /// The comment that trails the source text ending at `end`, or empty.
    fn trailing(&mut self, end: usize) -> String {
        self.note_end(end);
        match self.comments.trailing(end) {
            Some(comment) => {
                self.note_end(comment.span.end as usize);
                comment.text.clone()
            }
            None => String::new(),
        }
    }

    /// Comments at the end of a block, map or list whose closing bracket is at `close`.
    fn dangling(&mut self, indent: usize, close: usize) {
        self.leading(indent, close);
        self.pending_blank = false;
    }
}
