//! The lexical layer of the `tf` formatter: quoted strings, template literals and object keys,
//! written straight into the output buffer.
//!
//! The bytes are exactly those hcl-rs 0.18's formatter writes for the same values (and
//! `terraform fmt` keeps them). The common cases (ASCII identifiers, strings without
//! `${`/`%{`) are handled here byte by byte; the rare ones (non-ASCII keys, a string holding a
//! template marker) are handed to hcl-rs itself, so they cannot drift from what it writes.

use hcl::expr::Expression;
use std::fmt::Write as _;

/// Whether `s` needs no escaping in quotes: no control byte, quote, backslash or `{` (so no
/// marker). One cheap scan decides for almost every string of a real file.
fn is_bare(s: &str) -> bool {
    // A fold without early exit, so the compiler can test many bytes at once.
    !s.bytes().fold(false, |special, b| {
        special | (b < 0x20) | (b == b'"') | (b == b'\\') | (b == b'{')
    })
}

fn quote_bare(out: &mut String, s: &str) {
    out.push('"');
    out.push_str(s);
    out.push('"');
}

/// Whether `s` holds a template marker (`${` or `%{`).
pub fn has_marker(s: &str) -> bool {
    s.as_bytes()
        .windows(2)
        .any(|w| w[1] == b'{' && (w[0] == b'$' || w[0] == b'%'))
}

/// A string as hcl-rs quotes a `String` (block labels, marker-free literals): `"` and `\`
/// escaped, control bytes below 0x20 as `\n`-style or lowercase `\u00xx` escapes.
pub fn plain(out: &mut String, s: &str) {
    if is_bare(s) {
        quote_bare(out, s);
        return;
    }
    if has_marker(s) {
        // hcl-rs also rewrites markers here, pairwise; only a label could hold one.
        out.push_str(
            &hcl::format::to_string(&Expression::String(s.to_owned())).unwrap_or_default(),
        );
        return;
    }
    out.push('"');
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0C => "\\f",
            b'\r' => "\\r",
            0..=0x1F => "",
            _ => continue,
        };
        // Bytes below 0x80 are char boundaries, so these slices are whole characters.
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Escapes a literal for the inside of a quoted HCL template: quotes, backslashes, control
/// characters, and every `${` / `%{` written `$${` / `%%{`. HCL reads `$${` as a literal `${`
/// whatever precedes it (`$$${` is `$` then the escape), so doubling the marker's first
/// character is right in every position.
pub fn escape_literal(out: &mut String, s: &str) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            // Writing into a `String` cannot fail.
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// A string object key: bare where it is an identifier, quoted otherwise (hcl-rs's
/// `prefer_ident_keys`).
pub fn key(out: &mut String, s: &str) {
    let is_ident = ascii_ident(s).unwrap_or_else(|| hcl::Identifier::new(s).is_ok());
    if is_ident {
        out.push_str(s);
    } else {
        plain(out, s);
    }
}

/// Whether an ASCII `s` is an HCL identifier (`None` when `s` is not ASCII: then Unicode's
/// identifier tables decide, which hcl-rs holds).
pub fn ascii_ident(s: &str) -> Option<bool> {
    let bytes = s.as_bytes();
    if !bytes.is_ascii() {
        return None;
    }
    Some(match bytes.split_first() {
        Some((first, rest)) => {
            (first.is_ascii_alphabetic() || *first == b'_')
                && rest.iter().fold(true, |ok, b| {
                    ok & (b.is_ascii_alphanumeric() | (*b == b'_') | (*b == b'-'))
                })
        }
        None => false,
    })
}

/// An unsigned integer in decimal.
pub fn uint(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn via(f: impl Fn(&mut String, &str), s: &str) -> String {
        let mut out = String::new();
        f(&mut out, s);
        out
    }

    /// What hcl-rs writes for the same value: these functions must never differ from it.
    fn hcl(e: &Expression) -> String {
        hcl::format::to_string(e).unwrap_or_default()
    }

    #[test]
    fn plain_strings_match_hcl_rs() {
        for &s in super::super::format_tests::STRINGS {
            assert_eq!(via(plain, s), hcl(&Expression::String(s.into())), "{s:?}");
        }
    }

    /// Random strings over the characters that matter: `plain`, `key` and the identifier
    /// check must agree with hcl-rs.
    #[test]
    fn random_strings_match_hcl_rs() {
        let alphabet: Vec<char> = "a_Z9-.$%{}\"\\ \n\t\u{1}\u{7f}\u{85}é✓".chars().collect();
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..5000 {
            let len = rng.usize(0..8);
            let s: String = (0..len)
                .map(|_| alphabet[rng.usize(..alphabet.len())])
                .collect();
            assert_eq!(via(plain, &s), hcl(&Expression::String(s.clone())), "{s:?}");
            if let Some(ok) = ascii_ident(&s) {
                assert_eq!(ok, hcl::Identifier::new(s.as_str()).is_ok(), "{s:?}");
            }
            {
                let mut object = hcl::expr::Object::new();
                object.insert(
                    hcl::expr::ObjectKey::Expression(Expression::String(s.clone())),
                    Expression::Null,
                );
                let mut formatter = hcl::format::Formatter::builder()
                    .compact(true)
                    .prefer_ident_keys(true)
                    .build_vec();
                let want =
                    hcl::format::Format::format_string(&Expression::Object(object), &mut formatter)
                        .unwrap_or_default();
                assert_eq!(format!("{{ {} = null }}", via(key, &s)), want, "{s:?}");
            }
        }
    }

    #[test]
    fn markers_are_escaped_whatever_precedes_them() {
        let escaped = |s: &str| via(escape_literal, s);
        assert_eq!(
            escaped("%%{y} $${z} ${a} %{b}"),
            r#"%%%{y} $$${z} $${a} %%{b}"#
        );
        assert_eq!(escaped("plain \"q\" \\ $$ %%"), r#"plain \"q\" \\ $$ %%"#);
        assert_eq!(escaped("${\u{1}\u{85}"), r#"$${\u0001\u0085"#);
    }

    #[test]
    fn keys_are_bare_only_when_identifiers() {
        assert_eq!(via(key, "team"), "team");
        assert_eq!(via(key, "é"), "é");
        assert_eq!(
            via(key, "method.request.path.proxy"),
            "\"method.request.path.proxy\""
        );
        assert_eq!(via(key, "1st"), "\"1st\"");
        // As hcl-rs writes a string key: its pairwise marker escaping.
        assert_eq!(via(key, "${x}"), "\"$${x}\"");
    }

    #[test]
    fn numbers_match_hcl_rs() {
        for n in [0, 7, 10, 8080, u64::MAX] {
            assert_eq!(via(|o, _| uint(o, n), ""), hcl(&Expression::from(n)));
        }
    }
}
