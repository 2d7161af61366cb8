//! The test oracle for [`super::format`]: the pass that made hcl-rs's output exactly what
//! `terraform fmt` writes when this backend used hcl-rs's formatter (test-only now). hcl-rs
//! indents by two spaces, puts a blank line between blocks and spaces operators as `terraform
//! fmt` does; the one thing it does not do is align the `=` of consecutive attribute lines.
//! hcl-rs's text passed through [`align`] must equal what our formatter writes.
//!
//! This follows hclwrite's rule (the formatter behind `terraform fmt`) rather than a guess:
//! a line takes part in alignment when its first `=` token (not the first token of the line)
//! starts an expression that opens and closes on that line; a run of such consecutive lines
//! is a chain, and every `=` of a chain is placed one space after the longest lead. Any
//! other line (a block header, a closing brace, `x = {` opening a multi-line value, a blank
//! line) ends the chain.

/// Aligns `=` in every chain of single-line attribute lines. Written into one buffer: a
/// `String` per line and a join cost more than the formatting itself for large files.
pub fn align(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let cells: Vec<Option<(usize, usize)>> = lines.iter().map(|l| assign_cell(l)).collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut i = 0;
    while i < lines.len() {
        if i > 0 {
            out.push('\n');
        }
        if cells[i].is_none() {
            out.push_str(lines[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && cells[i].is_some() {
            i += 1;
        }
        let width = cells[start..i]
            .iter()
            .flatten()
            .map(|(lead, _)| *lead)
            .max()
            .unwrap_or(0);
        for (k, (line, cell)) in lines[start..i].iter().zip(&cells[start..i]).enumerate() {
            if let Some((lead, eq)) = cell {
                if k > 0 {
                    out.push('\n');
                }
                out.push_str(&line[..*lead]);
                out.extend(std::iter::repeat(' ').take(width - lead + 1));
                out.push_str(&line[*eq..]);
            }
        }
    }
    out
}

/// For a line that is an alignable assignment: (length of the lead without trailing spaces,
/// byte offset of its `=`).
fn assign_cell(line: &str) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    let first_token = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let eq = first_assign(bytes, first_token)?;
    if eq == first_token || net_brackets(&bytes[eq..]) != 0 {
        return None;
    }
    let lead = line[..eq].trim_end().len();
    Some((lead, eq))
}

/// The byte offset of the first top-level `=` that is an assignment (not `==`, `!=`, `<=`,
/// `>=`, `=>`), skipping quoted strings.
fn first_assign(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i + 1),
            b'=' => {
                let prev = if i > 0 { bytes[i - 1] } else { b' ' };
                let next = bytes.get(i + 1).copied().unwrap_or(b' ');
                if next == b'=' || next == b'>' {
                    i += 2;
                    continue;
                }
                if matches!(prev, b'=' | b'!' | b'<' | b'>') {
                    i += 1;
                    continue;
                }
                return Some(i);
            }
            _ => i += 1,
        }
    }
    None
}

/// Net change in bracket depth over a line fragment: `{ [ (` and template `${ %{` open,
/// `} ] )` close; quoted strings count only through their interpolations, which balance.
fn net_brackets(bytes: &[u8]) -> i64 {
    let mut depth = 0i64;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i + 1),
            b'{' | b'[' | b'(' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' | b')' => {
                depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    depth
}

/// From just after an opening quote, the offset just after the closing quote. Handles
/// escapes and `${ ... }` / `%{ ... }` interpolations, which may hold strings themselves.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'$' | b'%'
                if bytes.get(i + 1) == Some(&bytes[i]) && bytes.get(i + 2) == Some(&b'{') =>
            {
                i += 3; // `$${` / `%%{`: an escaped literal marker
            }
            b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => i = skip_interpolation(bytes, i + 2),
            _ => i += 1,
        }
    }
    i
}

/// From just after `${`, the offset just after its matching `}`.
fn skip_interpolation(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i + 1),
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::align;

    #[test]
    fn aligns_a_chain_and_restarts_after_a_break() {
        let input = "a = 1\nlonger = \"x = y\"\nobj = {\n  k = 1\n  kk = 2\n}\nz = 3\n";
        let want = "a      = 1\nlonger = \"x = y\"\nobj = {\n  k  = 1\n  kk = 2\n}\nz = 3\n";
        assert_eq!(align(input), want);
    }

    #[test]
    fn single_line_objects_and_templates_are_whole_expressions() {
        let input = "  t = { a = 1 }\n  name = \"${var.x}-${\"$\"}\"\n  open = [\n";
        let want = "  t    = { a = 1 }\n  name = \"${var.x}-${\"$\"}\"\n  open = [\n";
        assert_eq!(align(input), want);
    }

    #[test]
    fn quoted_keys_are_leads() {
        let input = "  \"method.request.path.proxy\" = true\n  x = false\n";
        let want =
            "  \"method.request.path.proxy\" = true\n  x                           = false\n";
        assert_eq!(align(input), want);
    }
}
