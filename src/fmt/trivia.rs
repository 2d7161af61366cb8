//! What the formatter needs to know about the text *between* tokens: where comments go and
//! where the user left blank lines. The AST keeps neither, so both are read back from the
//! source using the spans of the nodes around them.

use crate::syntax::ast::Comment;

/// Whether `src[from..to]` (trivia only: whitespace, commas, comments) holds a blank line,
/// i.e. a whole line with nothing but whitespace on it. The first and last pieces are the
/// rest of the line `from` is on and the start of the line `to` is on, so they never count.
pub(super) fn has_blank_line(src: &str, from: usize, to: usize) -> bool {
    if from >= to {
        return false;
    }
    let Some(gap) = src.get(from..to) else {
        return false;
    };
    let pieces: Vec<&str> = gap.split('\n').collect();
    pieces.len() > 2
        && pieces[1..pieces.len() - 1]
            .iter()
            .any(|p| p.trim_matches([' ', '\t', '\r', ',']).is_empty())
}

/// The byte offset of the next token at or after `pos`, skipping whitespace and comments
/// (used to find the `{` of a block, which the AST does not record).
pub(super) fn next_token(src: &str, mut pos: usize) -> usize {
    let bytes = src.as_bytes();
    while pos < bytes.len() {
        match bytes[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'#' => {
                while pos < bytes.len() && bytes[pos] != b'\n' {
                    pos += 1;
                }
            }
            _ => return pos,
        }
    }
    pos
}

/// The comments of one file in source order, handed out exactly once each as the printer
/// walks the tree in source order: that is what guarantees that every comment is kept.
pub(super) struct Comments<'a> {
    src: &'a str,
    list: Vec<&'a Comment>,
    next: usize,
}

impl<'a> Comments<'a> {
    pub(super) fn new(src: &'a str, comments: &'a [Comment]) -> Self {
        let mut list: Vec<&Comment> = comments.iter().collect();
        list.sort_by_key(|c| c.span.start);
        Comments { src, list, next: 0 }
    }

    /// Every comment not yet handed out that starts before `pos`.
    pub(super) fn before(&mut self, pos: usize) -> Vec<&'a Comment> {
        let start = self.next;
        while self.next < self.list.len() && (self.list[self.next].span.start as usize) < pos {
            self.next += 1;
        }
        self.list[start..self.next].to_vec()
    }

    /// The comment on the same line after `pos` with nothing but spaces or commas before
    /// it: a trailing comment of whatever ends at `pos`.
    pub(super) fn trailing(&mut self, pos: usize) -> Option<&'a Comment> {
        let c = *self.list.get(self.next)?;
        let start = c.span.start as usize;
        if trailing_gap(self.src.get(pos..start)?) {
            self.next += 1;
            Some(c)
        } else {
            None
        }
    }

    /// Whether a comment in `from..to` will be printed on a line of its own (it is not a
    /// trailing comment of what ends at `from`): such a line ends an alignment run.
    pub(super) fn own_line_between(&self, from: usize, to: usize) -> bool {
        self.list.iter().any(|c| {
            let start = c.span.start as usize;
            (from..to).contains(&start) && !self.src.get(from..start).is_some_and(trailing_gap)
        })
    }

    /// Whether a comment not yet handed out starts before `pos`.
    pub(super) fn any_before(&self, pos: usize) -> bool {
        self.list
            .get(self.next)
            .is_some_and(|c| (c.span.start as usize) < pos)
    }
}

/// What may stand between a token and its trailing comment.
fn trailing_gap(gap: &str) -> bool {
    gap.chars().all(|ch| matches!(ch, ' ' | '\t' | '\r' | ','))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_are_whole_empty_lines() {
        assert!(!has_blank_line("a\nb", 1, 2));
        assert!(has_blank_line("a\n\nb", 1, 3));
        assert!(has_blank_line("a\n  \t\nb", 1, 6));
        assert!(!has_blank_line("a\n# c\nb", 1, 6));
        assert!(has_blank_line("a,\n,\nb", 1, 5));
    }

    #[test]
    fn next_token_skips_comments() {
        assert_eq!(next_token("x # {\n  {", 1), 8);
        assert_eq!(next_token("  ", 0), 2);
    }
}
