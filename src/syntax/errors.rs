//! Syntax errors a user can act on. Before trusting pest's furthest-failure position, a small
//! lexical scan finds the two mistakes pest reports badly: an unterminated string (pointed at
//! its opening quote) and an unclosed block (named by its header). Otherwise pest's expected
//! rules are turned into words ("expected `=` or `{` after `image`").

use super::parser::Rule;
use crate::diag::{Code, Diagnostic};
use crate::span::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

pub(super) fn syntax_error(file: FileId, text: &str, error: &Error<Rule>) -> Diagnostic {
    if let Some(d) = lexical_error(file, text) {
        return d;
    }
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(text.len());
    if let Some(d) = invisible(file, text, pos) {
        return d;
    }
    // Point at the next token, not at the white space before it.
    let after_path_slash = text[..pos].ends_with('/');
    let pos = pos + (text[pos..].len() - text[pos..].trim_start().len());
    let found = token_at(text, pos);
    let span = Span::new(file, pos, pos + found.len());
    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => describe(positives),
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let previous = previous_token(text, pos);
    if let Some(d) = spaced_unit(file, text, pos, previous.as_ref(), &expected) {
        return d;
    }
    let after = previous
        .as_ref()
        .map(|(_, t)| format!(" after `{t}`"))
        .unwrap_or_default();
    let found_words = if found.is_empty() {
        "end of file".to_string()
    } else {
        format!("`{found}`")
    };
    let message = format!("expected {expected}{after}, found {found_words}");
    // A statement left unfinished at the end of its line (`route GET /x ->`, `region =`) is
    // the offending line, not the next one where pest noticed: point at its last token and
    // show what was found as a secondary label. A statement that was complete keeps the
    // error on the unexpected token (`@@@` on a line of its own).
    let unfinished = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => !positives.iter().any(|r| {
            matches!(
                r,
                Rule::rbrace
                    | Rule::EOI
                    | Rule::block
                    | Rule::param_decl
                    | Rule::kw_param
                    | Rule::attr
                    | Rule::route
                    | Rule::nested_block
                    | Rule::kw_route
                    | Rule::allow
                    | Rule::kw_allow
            )
        }),
        ErrorVariant::CustomError { .. } => false,
    };
    let mut d = match previous.clone() {
        Some((end, token)) if unfinished && text[end..pos].contains('\n') => {
            // That token (for a string, which `previous_token` abbreviates, its closing quote).
            let start = if token.starts_with('"') {
                end.saturating_sub(1)
            } else {
                end.saturating_sub(token.len())
            };
            let d = Diagnostic::new(Code::E0001, message, Span::new(file, start, end))
                .label(format!("expected {expected} after this"));
            if found.is_empty() {
                d
            } else {
                d.secondary(span, format!("found {found_words}"))
            }
        }
        _ => Diagnostic::new(Code::E0001, message, span).label(format!("expected {expected}")),
    };
    if let Some(help) = help_for(&found, &expected, after_path_slash) {
        d = d.help(help);
    } else if let Some((end, word)) = previous.as_ref() {
        let same_line = !text[*end..pos].contains('\n');
        let name = |w: &str| {
            w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        // Only where the two words are the whole line: `port = 8080 tracing` ... is not this.
        let line_end = text[pos + found.len()..]
            .split('\n')
            .next()
            .unwrap_or_default();
        let alone = line_end.trim().is_empty() || line_end.trim_start().starts_with('#');
        if expected == "`=` or `{`" && same_line && alone && name(word) && name(&found) {
            // `network core`: the `=` left out between a name and its value; the fix only
            // where the attribute takes that word as it is (a name, a keyword, a boolean), or
            // quoted where any word is a value (`command`) or the word is a region; never after
            // a block's name (`health check`).
            let takes = |w: &str| match BARE_WORD_ATTRIBUTES.iter().find(|(a, _)| *a == w) {
                Some((_, [])) => true,
                Some((_, words)) => words.contains(&found.as_str()),
                None => false,
            };
            let value = if takes(word) {
                Some(found.clone())
            } else if word == "command"
                || (word == "region" && crate::check::REGIONS.contains(&found.as_str()))
            {
                Some(format!("\"{found}\""))
            } else {
                None
            };
            d = match value {
                Some(value) => d
                    .help(format!("an attribute is written `{word} = {value}`"))
                    .suggest(span, format!("= {value}")),
                None => d.help("an attribute is written `name = value`, a block `name { ... }`"),
            };
        } else if expected == "`=` or `{`" && same_line && name(word) && {
            // `port 8080`, `image "..."`: a number alone, or one whole string, after the name.
            let rest = text[pos..]
                .split('\n')
                .next()
                .unwrap_or_default()
                .trim_end();
            let number = alone && !found.is_empty() && found.bytes().all(|b| b.is_ascii_digit());
            let string = found == "\""
                && rest.len() > 1
                && rest.ends_with('"')
                && rest.matches('"').count() == 2
                && !rest.contains('\\');
            number || string
        } {
            let value = if found == "\"" {
                "\"...\""
            } else {
                found.as_str()
            };
            d = d
                .help(format!("an attribute is written `{word} = {value}`"))
                .suggest(span, format!("= {found}"));
        } else if expected == "`on`" {
            d = d.help("a grant is written `allow ACTIONS on RESOURCES`: `allow \"s3:GetObject\" on \"arn:aws:s3:::bucket/*\"`");
        } else if word == "string" && found == "=" {
            d = d.help("a param has a type (`param NAME : string`, its value given with `--param`) or a default (`param NAME = \"VALUE\"`), not both");
        }
    }
    d
}

/// A space that is not one (U+00A0 and the other Unicode spaces) or a character that shows
/// as nothing (U+200B...), where the parser stopped or in the white space after it: said as
/// what it is, on the character itself, never shown bare in the message.
fn invisible(file: FileId, text: &str, pos: usize) -> Option<Diagnostic> {
    let rest = &text[pos..];
    let blank = rest.len() - rest.trim_start().len();
    let (i, c) = rest
        .char_indices()
        .take_while(|(i, _)| *i <= blank)
        .find(|(_, c)| crate::diag::hidden(*c))?;
    let name = match c {
        '\u{a0}' => "a no-break space",
        '\u{202f}' => "a narrow no-break space",
        '\u{3000}' => "an ideographic space",
        '\u{200b}' => "a zero-width space",
        '\u{200c}' => "a zero-width non-joiner",
        '\u{200d}' => "a zero-width joiner",
        '\u{2060}' => "a word joiner",
        '\u{feff}' => "a byte order mark",
        c if c.is_whitespace() => "a Unicode space",
        _ => "an invisible character",
    };
    let (help, replacement) = if c.is_whitespace() {
        ("replace it with a plain space", " ")
    } else {
        ("delete it", "")
    };
    let at = pos + i;
    let span = Span::new(file, at, at + c.len_utf8());
    Some(
        Diagnostic::new(
            Code::E0001,
            format!(
                "unexpected U+{:04X}, {name}: only spaces, tabs and line breaks separate tokens",
                u32::from(c)
            ),
            span,
        )
        .label(format!("U+{:04X} here", u32::from(c)))
        .help(help)
        .suggest(span, replacement),
    )
}

/// Attributes whose value is a word as written, with the words they take (none listed: any
/// name, a declaration's).
const BARE_WORD_ATTRIBUTES: [(&str, &[&str]); 9] = [
    ("network", &[]),
    ("ingress", &["private", "public"]),
    ("egress", &["internet", "vpc"]),
    ("compute", &["apprunner", "ecs"]),
    ("protocol", &["http", "tcp"]),
    ("auth", &["none", "api_key", "iam"]),
    ("nat", &["true", "false"]),
    ("tracing", &["true", "false"]),
    ("access_log", &["true", "false"]),
];

/// The attributes whose value is a quantity (`cpu = 1 vcpu`, `interval = 10s`).
const QUANTITIES: [&str; 4] = ["cpu", "memory", "interval", "timeout"];

/// The units a quantity takes, for help lines.
const UNITS: &str =
    "the units are `vcpu`, `mb`, `gb`, `ms`, `s`, `m` and `h` (`2 vcpu`, `4 gb`, `10s`)";

/// `memory = 8 gib`: a number, a space and a word that is no unit reads as the value `8` and
/// then an attribute `gib` that never gets its `=`. Said as what it is: the same error as
/// `8gib`, on the word.
///
/// Only for an attribute that takes a quantity, and when the word ends its line (or block):
/// `zones = 2 nat true` and `port = 8080 tracing` are a missing `=`.
fn spaced_unit(
    file: FileId,
    text: &str,
    pos: usize,
    previous: Option<&(usize, String)>,
    expected: &str,
) -> Option<Diagnostic> {
    let (end, word) = previous?;
    let ends_line = text
        .get(*end..pos)
        .is_some_and(|gap| gap.contains('\n') || text[pos..].starts_with('}') || pos == text.len());
    if !ends_line || !expected.contains("`=`") || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let start = end.checked_sub(word.len())?;
    let before = text.get(..start)?;
    let gap = before.len() - before.trim_end_matches([' ', '\t']).len();
    let before = before.trim_end_matches([' ', '\t']);
    let number: &str = before
        .rsplit(|c: char| !(c.is_ascii_digit() || c == '.'))
        .next()
        .filter(|n| n.starts_with(|c: char| c.is_ascii_digit()))?;
    let value_of = before[..before.len() - number.len()].trim_end_matches([' ', '\t']);
    // Only an attribute that takes a quantity: `port = 8080 tracing` is a missing `=`.
    let attribute = value_of
        .strip_suffix('=')
        .map(|a| a.trim_end_matches([' ', '\t']))
        .and_then(|a| {
            a.rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
        });
    if gap == 0 || !attribute.is_some_and(|a| QUANTITIES.contains(&a)) {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::E0001,
            format!("expected a unit after `{number}`, found `{word}`"),
            Span::new(file, start, *end),
        )
        .label("expected a unit")
        .help(UNITS),
    )
}

fn help_for(found: &str, expected: &str, after_path_slash: bool) -> Option<String> {
    if found == ":" && expected.contains('=') {
        return Some("attributes are written `name = value`".into());
    }
    if expected == "a unit" {
        return Some(UNITS.into());
    }
    if after_path_slash && expected.contains("path segment") {
        return Some("paths have no trailing `/`".into());
    }
    None
}

/// The words for what the grammar wanted, most useful first, without repeats.
fn describe(positives: &[Rule]) -> String {
    let mut words: Vec<&str> = Vec::new();
    for rule in positives {
        let word = match rule {
            Rule::COMMENT => continue,
            Rule::greedy_var | Rule::path_var | Rule::path_lit => "a path segment",
            Rule::eq => "`=`",
            Rule::colon => "`:`",
            Rule::arrow => "`->`",
            Rule::comma => "`,`",
            Rule::lbrace => "`{`",
            Rule::rbrace => "`}`",
            Rule::lbracket => "`[`",
            Rule::rbracket => "`]`",
            Rule::ident | Rule::method | Rule::name => "a name",
            Rule::path => "a path",
            Rule::EOI | Rule::block | Rule::param_decl | Rule::kw_param => "a declaration",
            Rule::attr
            | Rule::route
            | Rule::nested_block
            | Rule::kw_route
            | Rule::allow
            | Rule::kw_allow => "an attribute",
            Rule::kw_on => "`on`",
            Rule::unit => "a unit",
            Rule::string => "a string",
            _ => "a value",
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    // "a value" subsumes "a name", "a path" and "a string" where all are possible.
    if words.contains(&"a value") {
        words.retain(|w| !matches!(*w, "a name" | "a path" | "a string"));
    }
    match words.as_slice() {
        [] => "something else".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The token starting at `pos`: a word, a string start, or one character.
fn token_at(text: &str, pos: usize) -> String {
    let rest = &text[pos..];
    if rest.starts_with("->") {
        return "->".to_string();
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        .collect();
    if !word.is_empty() {
        return word;
    }
    rest.chars()
        .next()
        .filter(|c| !c.is_whitespace())
        .map(String::from)
        .unwrap_or_default()
}

/// The token just before `pos`, skipping white space and comments, with its end offset.
fn previous_token(text: &str, pos: usize) -> Option<(usize, String)> {
    let mut end = pos;
    let bytes = text.as_bytes();
    loop {
        // ASCII bytes only: a UTF-8 continuation byte read as a char can look like white
        // space (0x85 is NEL, 0xA0 NBSP), and stepping over it would slice inside a
        // character. (Not `is_ascii_whitespace`, which leaves out vertical tab.)
        while end > 0 && bytes[end - 1].is_ascii() && (bytes[end - 1] as char).is_whitespace() {
            end -= 1;
        }
        // Step over a comment ending at this line end.
        let line_start = text[..end].rfind('\n').map(|i| i + 1).unwrap_or(0);
        match comment_start(&text[line_start..end]) {
            Some(c) if end > 0 => end = line_start + c,
            _ => break,
        }
        if end == 0 {
            return None;
        }
    }
    if end == 0 {
        return None;
    }
    let is_word =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '{' | '}' | '+');
    let last = text[..end].chars().next_back()?;
    if last == '"' {
        return Some((end, "\"...\"".to_string()));
    }
    if text[..end].ends_with("->") {
        return Some((end, "->".to_string()));
    }
    if is_word(last) && last != '{' && last != '}' {
        let start = text[..end]
            .char_indices()
            .rfind(|(_, c)| !is_word(*c))
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(0);
        return Some((end, text[start..end].to_string()));
    }
    Some((end, last.to_string()))
}

/// Byte offset of a `#` comment in one line, outside strings.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(i),
            _ => {}
        }
    }
    None
}

/// How deeply blocks, maps and lists may nest. Real specs nest three or four levels.
const MAX_DEPTH: usize = 64;

/// A `{` or `[` nested deeper than [`MAX_DEPTH`], outside strings and comments.
pub(super) fn too_deep(file: FileId, text: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    // Bytes, not chars: every byte this looks for is ASCII, which never occurs inside a
    // multi-byte UTF-8 sequence, and decoding chars made this scan cost a tenth of parsing.
    for (i, &c) in text.as_bytes().iter().enumerate() {
        if in_comment {
            in_comment = c != b'\n';
            continue;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' | b'\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'#' => in_comment = true,
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(
                        Diagnostic::new(
                            Code::E0001,
                            format!("nesting deeper than {MAX_DEPTH} levels"),
                            Span::new(file, i, i + 1),
                        )
                        .label("too deeply nested")
                        .help("blocks, maps and lists nest a few levels in a real spec"),
                    );
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Unterminated strings and unclosed blocks, found by a scan that knows strings and comments.
fn lexical_error(file: FileId, text: &str) -> Option<Diagnostic> {
    let mut open: Vec<usize> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let mut chars = line.char_indices().peekable();
        let mut string_start: Option<usize> = None;
        while let Some((i, c)) = chars.next() {
            if let Some(start) = string_start {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => string_start = None,
                    '\n' | '\r' => {
                        let _ = start;
                        break;
                    }
                    _ => {}
                }
                continue;
            }
            match c {
                '#' => break,
                '"' => string_start = Some(i),
                '{' => open.push(offset + i),
                '}' => {
                    open.pop();
                }
                _ => {}
            }
        }
        if let Some(start) = string_start {
            let at = offset + start;
            return Some(
                Diagnostic::new(
                    Code::E0002,
                    "unterminated string",
                    Span::new(file, at, at + 1),
                )
                .label("this string is never closed")
                .help("close it with `\"` on the same line; write `\\n` for a line break"),
            );
        }
        offset += line.len();
    }
    let first_unclosed = *open.first()?;
    let header = block_header(text, first_unclosed);
    let line_start = text[..first_unclosed]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let header_start = line_start + text[line_start..first_unclosed].len()
        - text[line_start..first_unclosed].trim_start().len();
    let span = Span::new(file, header_start.min(first_unclosed), first_unclosed + 1);
    let what = if header.is_empty() {
        "this block".to_string()
    } else {
        format!("`{header}`")
    };
    Some(
        Diagnostic::new(Code::E0003, format!("unclosed block {what}"), span)
            .label("opened here and never closed")
            .help("add the missing `}`"),
    )
}

/// The words before a `{` on its line: `service orders`, `health`, or `env =` for a map.
fn block_header(text: &str, brace: usize) -> String {
    let line_start = text[..brace].rfind('\n').map(|i| i + 1).unwrap_or(0);
    text[line_start..brace]
        .trim()
        .trim_end_matches('=')
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unterminated_string_at_its_quote() {
        let text = "app a {\n  region = \"eu-west-1\n}\n";
        let d = lexical_error(FileId(0), text).expect("an error");
        assert_eq!(d.code, Code::E0002);
        assert_eq!(&text[d.primary.span.range()], "\"");
    }

    #[test]
    fn names_the_unclosed_block() {
        let text = "app a {\n  region = \"x\"\n}\nservice orders {\n  port = 1\n";
        let d = lexical_error(FileId(0), text).expect("an error");
        assert_eq!(d.code, Code::E0003);
        assert!(d.message.contains("service orders"), "{}", d.message);
    }

    #[test]
    fn refuses_absurd_nesting_without_recursing() {
        let text = format!("app a {{ x = {} }}", "[".repeat(100_000));
        let d = too_deep(FileId(0), &text).expect("an error");
        assert_eq!(d.code, Code::E0001);
        assert!(too_deep(FileId(0), "app a { t = { a = [1, [2]] } }").is_none());
    }

    /// The first diagnostic of a source that fails to parse.
    fn first(text: &str) -> crate::diag::Diagnostic {
        let mut diags = crate::diag::Diagnostics::new();
        assert!(super::super::parse(FileId(0), text, &mut diags).is_none());
        let first = diags.iter().next().cloned();
        first.expect("a diagnostic")
    }

    /// The primary span's text and its line (0-based) for a source that fails to parse.
    fn primary(text: &str) -> (String, usize) {
        let d = first(text);
        assert_eq!(d.code, Code::E0001, "{}", d.message);
        let range = d.primary.span.range();
        (
            text[range.clone()].to_string(),
            text[..range.start].matches('\n').count(),
        )
    }

    #[test]
    fn an_unfinished_line_is_the_one_reported() {
        // The route lacks its service; pest notices only at the `}` on the next line.
        let text = "api a {\n  route GET /x ->\n}\n";
        assert_eq!(primary(text), ("->".to_string(), 1));
        let text = "service s {\n  port = # nothing yet\n}\n";
        assert_eq!(primary(text), ("=".to_string(), 1));
        let text = "network n {\n  subnet_ids = [\"é\"\n}\n";
        assert_eq!(primary(text), ("\"".to_string(), 1));
    }

    #[test]
    fn a_stray_token_after_a_complete_line_is_the_one_reported() {
        let text = "service s {\n  port = 1\n  @@@\n}\n";
        assert_eq!(primary(text), ("@".to_string(), 2));
        let text = "app a {\n  region \"x\"\n}\n";
        assert_eq!(primary(text), ("\"".to_string(), 1));
    }

    #[test]
    fn a_word_after_a_number_ending_its_line_is_a_unit() {
        let text = "service s {\n  memory = 8 gib\n  cpu = 1 vcpu\n}\n";
        assert_eq!(primary(text), ("gib".to_string(), 1));
        let text = "service s {\n  memory = 8\tGiB }\n";
        assert_eq!(primary(text), ("GiB".to_string(), 1));
        // A word with more on its line is a missing `=`, as pest says; so is a word after
        // the value of an attribute that takes no quantity.
        let text = "network n {\n  zones = 2 nat true\n}\n";
        assert_eq!(primary(text), ("true".to_string(), 1));
        let text = "service s {\n  port = 8080 tracing\n  cpu = 1 vcpu\n}\n";
        assert_eq!(primary(text), ("tracing".to_string(), 1));
        assert!(first(text)
            .message
            .starts_with("expected `=` or `{` after `tracing`"));
        let text = "service s {\n  scale { min = 2 max }\n}\n";
        assert_eq!(primary(text), ("}".to_string(), 1));
    }

    /// A no-break or zero-width character is named and pointed at where it is, with the fix
    /// (a plain space, or nothing) that makes the file parse.
    #[test]
    fn an_invisible_character_is_named_where_it_is() {
        for (text, code_point, fixed) in [
            (
                "app a {\n}\n\u{a0}\nservice s {\n}\n",
                "U+00A0",
                "app a {\n}\n \nservice s {\n}\n",
            ),
            (
                "app a {\n  region =\u{a0}\"x\"\n}\n",
                "U+00A0",
                "app a {\n  region = \"x\"\n}\n",
            ),
            (
                "app a {\n}\n\u{200b}service s {\n}\n",
                "U+200B",
                "app a {\n}\nservice s {\n}\n",
            ),
        ] {
            let d = first(text);
            assert_eq!(d.code, Code::E0001);
            assert!(d.message.contains(code_point), "{}", d.message);
            let [fix] = &d.suggestions[..] else {
                panic!("one fix: {d:?}")
            };
            let mut out = text.to_string();
            out.replace_range(fix.span.range(), &fix.replacement);
            assert_eq!(out, fixed);
            let mut diags = crate::diag::Diagnostics::new();
            assert!(super::super::parse(FileId(0), &out, &mut diags).is_some());
        }
    }

    /// The slips with a known fix get a help line naming it; a missing `=` between two
    /// words on one line gets the fix itself, one on the next line does not.
    #[test]
    fn a_missing_equals_on_or_param_form_gets_its_help() {
        let text = "service s {\n  network core\n}\n";
        let d = first(text);
        assert_eq!(
            d.help.as_deref(),
            Some("an attribute is written `network = core`")
        );
        let [fix] = &d.suggestions[..] else {
            panic!("one fix: {d:?}")
        };
        let mut out = text.to_string();
        out.replace_range(fix.span.range(), &fix.replacement);
        assert_eq!(out, "service s {\n  network = core\n}\n");
        assert!(
            first("service s {\n  port = 8080 tracing\n  cpu = 1 vcpu\n}\n")
                .suggestions
                .is_empty()
        );
        let allow = first("service s {\n  allow \"s3:GetObject\" \"arn:aws:s3:::b/*\"\n}\n");
        assert!(allow
            .help
            .is_some_and(|h| h.contains("allow ACTIONS on RESOURCES")));
        // A number alone, or one whole string, gets the `=` too.
        for (text, fixed) in [
            (
                "service s {\n  port 8080\n}\n",
                "service s {\n  port = 8080\n}\n",
            ),
            (
                "app a {\n  region \"eu-west-1\"\n}\n",
                "app a {\n  region = \"eu-west-1\"\n}\n",
            ),
        ] {
            let d = first(text);
            let [fix] = &d.suggestions[..] else {
                panic!("one fix: {d:?}")
            };
            let mut out = text.to_string();
            out.replace_range(fix.span.range(), &fix.replacement);
            assert_eq!(out, fixed);
        }
        let both = first("param tag : string = \"1\"\n");
        assert!(both.help.is_some_and(|h| h.contains("not both")));
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        assert!(lexical_error(FileId(0), "app a { # {\n x = \"{\" }\n").is_none());
    }
}
