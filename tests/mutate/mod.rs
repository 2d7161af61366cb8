//! Seeded mutations of `.apr` text for `tests/no_panic.rs`: the kinds of damage an editor
//! session or a bad merge does (tokens and lines lost, doubled or swapped, stray
//! punctuation and characters, truncation, digits, identifiers swapped, brackets or quotes
//! unbalanced). Each mutation keeps the text valid UTF-8 so every mutant reaches the parser.

/// Rough tokens (byte ranges): words, strings, single punctuation. Good enough to cut at.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = start + c.len_utf8();
        if c.is_alphanumeric() || c == '_' || c == '.' {
            while let Some(&(i, d)) = chars.peek() {
                if d.is_alphanumeric() || matches!(d, '_' | '-' | '.') {
                    end = i + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
        } else if c == '"' {
            for (i, d) in chars.by_ref() {
                end = i + d.len_utf8();
                if d == '"' || d == '\n' {
                    break;
                }
            }
        }
        out.push((start, end));
    }
    out
}

fn identifiers(text: &str) -> Vec<&str> {
    tokens(text)
        .into_iter()
        .map(|(s, e)| &text[s..e])
        .filter(|t| t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .collect()
}

/// A random char boundary in `text` (0 ..= len).
fn boundary(rng: &mut fastrand::Rng, text: &str) -> usize {
    let mut at = rng.usize(0..=text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

pub fn mutate(rng: &mut fastrand::Rng, text: &str) -> String {
    let toks = tokens(text);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut s = text.to_string();
    match rng.u8(0..12) {
        // delete a token
        0 if !toks.is_empty() => {
            let (a, b) = toks[rng.usize(..toks.len())];
            s.replace_range(a..b, "");
        }
        // duplicate a token
        1 if !toks.is_empty() => {
            let (a, b) = toks[rng.usize(..toks.len())];
            s.insert_str(b, &format!(" {}", &text[a..b]));
        }
        // swap two tokens
        2 if toks.len() > 1 => {
            let i = rng.usize(..toks.len() - 1);
            let j = if rng.bool() {
                i + 1
            } else {
                rng.usize(i + 1..toks.len())
            };
            let ((a, b), (c, d)) = (toks[i], toks[j]);
            s = format!(
                "{}{}{}{}{}",
                &text[..a],
                &text[c..d],
                &text[b..c],
                &text[a..b],
                &text[d..]
            );
        }
        // delete, duplicate or swap lines
        3 if !lines.is_empty() => {
            let i = rng.usize(..lines.len());
            let mut ls = lines.clone();
            match rng.u8(0..3) {
                0 => {
                    ls.remove(i);
                }
                1 => ls.insert(i, lines[i]),
                _ => ls.swap(i, rng.usize(..lines.len())),
            }
            s = ls.concat();
        }
        // insert punctuation
        4 => {
            let punct = [
                "{", "}", "[", "]", "=", "\"", ",", "#", ":", "->", "/", "+", "${", "\\", ".", "-",
                "{proxy+}", "\n",
            ];
            let at = boundary(rng, text);
            s.insert_str(at, punct[rng.usize(..punct.len())]);
        }
        // insert a random char, including control and non-ASCII ones
        5 => {
            let pool = [
                '\0', '\t', '\r', 'é', 'ß', '😀', '\u{202e}', 'Z', '9', ' ', '\u{feff}',
            ];
            let c = if rng.bool() {
                pool[rng.usize(..pool.len())]
            } else {
                rng.char(' '..='~')
            };
            let at = boundary(rng, text);
            s.insert(at, c);
        }
        // truncate
        6 => {
            let at = boundary(rng, text);
            s.truncate(at);
        }
        // change a digit (sometimes into a huge number)
        7 => {
            let digits: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| c.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            if let Some(&i) = digits.get(rng.usize(..digits.len().max(1))) {
                let with = if rng.u8(0..8) == 0 {
                    "99999999999999999999".to_string()
                } else {
                    rng.digit(10).to_string()
                };
                s.replace_range(i..i + 1, &with);
            }
        }
        // replace an identifier with another from the file
        8 => {
            let idents = identifiers(text);
            let spots: Vec<(usize, usize)> = toks
                .iter()
                .copied()
                .filter(|&(a, b)| idents.contains(&&text[a..b]))
                .collect();
            if !spots.is_empty() && !idents.is_empty() {
                let (a, b) = spots[rng.usize(..spots.len())];
                s.replace_range(a..b, idents[rng.usize(..idents.len())]);
            }
        }
        // unbalance braces, brackets or quotes
        9 => {
            let spots: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| matches!(c, '{' | '}' | '[' | ']' | '"'))
                .map(|(i, _)| i)
                .collect();
            if let Some(&i) = spots.get(rng.usize(..spots.len().max(1))) {
                s.remove(i);
            }
        }
        // a well-formed but unusual value in place of a token
        10 if !toks.is_empty() => {
            let values = [
                "{}",
                "[]",
                "{ a = 1 }",
                "[1, \"x\", 2 gb]",
                "0.25vcpu",
                "-1",
                "1.5",
                "300.1.1.1/99",
                "/a/{b+}/c",
                "\"${\"",
                "true",
                "1500ms",
            ];
            let (a, b) = toks[rng.usize(..toks.len())];
            s.replace_range(a..b, values[rng.usize(..values.len())]);
        }
        // several mutations at once
        _ => {
            for _ in 0..rng.usize(2..5) {
                s = mutate(rng, &s);
            }
        }
    }
    s
}
