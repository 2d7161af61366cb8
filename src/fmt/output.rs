//! The formatted lines, kept apart from their trailing comments until the end, because
//! lining those comments up needs the neighbouring lines: trailing comments on consecutive
//! lines at one indent start one space after the longest of those lines' code.

struct Line {
    indent: usize,
    /// Empty for a blank line.
    code: String,
    /// The trailing comment (`# ...`), or empty.
    comment: String,
}

#[derive(Default)]
pub(super) struct Output {
    lines: Vec<Line>,
}

impl Output {
    pub(super) fn push(&mut self, indent: usize, code: &str, comment: &str) {
        self.lines.push(Line {
            indent,
            code: code.to_string(),
            comment: comment.to_string(),
        });
    }

    pub(super) fn blank(&mut self) {
        self.push(0, "", "");
    }

    pub(super) fn render(&self) -> String {
        let mut out = String::new();
        let mut i = 0;
        while i < self.lines.len() {
            // The run of lines with trailing comments that starts here (maybe just this one).
            let mut end = i + 1;
            if !self.lines[i].comment.is_empty() {
                while end < self.lines.len()
                    && !self.lines[end].comment.is_empty()
                    && self.lines[end].indent == self.lines[i].indent
                {
                    end += 1;
                }
            }
            let width = self.lines[i..end]
                .iter()
                .map(|l| l.code.chars().count())
                .max()
                .unwrap_or(0);
            for line in &self.lines[i..end] {
                if !line.code.is_empty() {
                    out.push_str(&"  ".repeat(line.indent));
                    out.push_str(&line.code);
                    if !line.comment.is_empty() {
                        let pad = width - line.code.chars().count() + 1;
                        out.push_str(&" ".repeat(pad));
                        out.push_str(&line.comment);
                    }
                }
                out.push('\n');
            }
            i = end;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Output;

    #[test]
    fn trailing_comments_line_up_per_run_and_indent() {
        let mut out = Output::default();
        out.push(1, "a = 1", "# one");
        out.push(1, "long = 2", "# two");
        out.push(2, "x", "# deeper");
        out.push(1, "b = 3", "");
        out.push(1, "c = 4", "# alone");
        out.blank();
        out.push(0, "}", "");
        let text = out.render();
        assert_eq!(
            text,
            "  a = 1    # one\n  long = 2 # two\n    x # deeper\n  b = 3\n  c = 4 # alone\n\n}\n"
        );
    }
}
