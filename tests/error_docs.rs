//! The error pages in `docs/errors/` and the code table in `src/diag/codes.rs` must not drift:
//! every code has its page, every page is a known code, and each page's title names its code
//! and summary. Each page's examples are real `.apr`: the first fenced `apr` block triggers the
//! code and the last one is the fix, so the examples are checked as `aprc check` runs rather
//! than trusted. The language reference is held to the same standard: its snippets parse, its
//! first example checks cleanly, it names every JSON diagnostic field, and links resolve.

use aprc::diag::{Code, Diagnostics};
use aprc::source::Sources;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn errors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/errors")
}

fn page(code: Code) -> Option<String> {
    std::fs::read_to_string(errors_dir().join(format!("{}.md", code.as_str()))).ok()
}

/// The bodies of the fenced blocks tagged `apr`, in order.
fn apr_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.trim_end() == "```apr" => current = Some(String::new()),
            Some(body) if line.trim_end() == "```" => {
                blocks.push(std::mem::take(body));
                current = None;
            }
            Some(body) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    assert!(current.is_none(), "unclosed ```apr block");
    blocks
}

/// Codes the parser reports: their trigger must fail to parse.
fn is_syntax(code: Code) -> bool {
    code.as_str().starts_with("E000")
}

fn parse_codes(text: &str) -> (bool, Vec<Code>) {
    let mut sources = Sources::new();
    let id = sources.add("example.apr", text.to_string());
    let mut diags = Diagnostics::new();
    let parsed = aprc::syntax::parse(id, text, &mut diags).is_some();
    (parsed, diags.iter().map(|d| d.code).collect())
}

/// The codes `aprc check` reports for `text`: parse, check, lower and validate.
fn check_codes(text: &str) -> Vec<Code> {
    let mut sources = Sources::new();
    sources.add("example.apr", text.to_string());
    let mut diags = Diagnostics::new();
    aprc::driver::check(&sources, &mut diags);
    diags.iter().map(|d| d.code).collect()
}

#[test]
fn every_code_has_a_page() {
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| page(**c).is_none())
        .map(|c| c.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "codes without docs/errors/<CODE>.md: {missing:?}"
    );
}

#[test]
fn every_page_is_a_known_code() {
    let known: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let mut unknown = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(errors_dir()).expect("docs/errors exists") {
        let name = entry
            .expect("directory entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        count += 1;
        match name.strip_suffix(".md") {
            Some(stem) if known.contains(stem) => {}
            _ => unknown.push(name),
        }
    }
    assert!(
        unknown.is_empty(),
        "files in docs/errors/ that are not a known code's page: {unknown:?}"
    );
    assert_eq!(count, Code::ALL.len(), "one page per code");
}

#[test]
fn each_title_names_its_code_and_summary() {
    for &code in Code::ALL {
        let Some(text) = page(code) else { continue };
        let first = text.lines().next().unwrap_or_default();
        let expected = format!("# {}: {}", code.as_str(), code.summary());
        assert_eq!(
            first,
            expected,
            "first line of docs/errors/{}.md",
            code.as_str()
        );
    }
}

/// No spec triggers an internal error: its page explains it, and its tests live with the
/// backends that report it.
const NO_SPEC_TRIGGERS: &[Code] = &[Code::E0901];

#[test]
fn examples_parse_as_documented() {
    for &code in Code::ALL {
        if NO_SPEC_TRIGGERS.contains(&code) {
            continue;
        }
        let Some(text) = page(code) else { continue };
        let blocks = apr_blocks(&text);
        let name = code.as_str();
        assert!(
            blocks.len() >= 2,
            "{name}: needs a triggering example and a fixed one, found {} apr blocks",
            blocks.len()
        );
        let (trigger, fix) = (&blocks[0], &blocks[blocks.len() - 1]);
        let (parsed, codes) = parse_codes(trigger);
        if is_syntax(code) {
            assert!(
                !parsed,
                "{name}: the triggering example parses, but {name} is a syntax error"
            );
            assert_eq!(
                codes,
                vec![code],
                "{name}: the triggering example reports other codes"
            );
        } else {
            assert!(
                parsed,
                "{name}: the triggering example has syntax errors: {codes:?}"
            );
        }
        let (parsed, codes) = parse_codes(fix);
        assert!(
            parsed,
            "{name}: the fixed example has syntax errors: {codes:?}"
        );
    }
}

/// Quota errors need specs of dozens or hundreds of services (E0318: 51 ECS services in one
/// network; E0601: a CloudFormation template); their page shows the shape of the problem, and a
/// test of its own holds the code (`src/check/tests.rs`).
const NOT_FROM_THE_CHECKER: &[Code] = &[Code::E0601, Code::E0318];

#[test]
fn examples_check_as_documented() {
    let mut checked = 0;
    for &code in Code::ALL {
        if is_syntax(code)
            || NOT_FROM_THE_CHECKER.contains(&code)
            || NO_SPEC_TRIGGERS.contains(&code)
        {
            continue;
        }
        let Some(text) = page(code) else { continue };
        let blocks = apr_blocks(&text);
        let (Some(trigger), Some(fix)) = (blocks.first(), blocks.last()) else {
            continue;
        };
        let name = code.as_str();
        let codes = check_codes(fix);
        let errors: Vec<&Code> = codes.iter().filter(|c| !c.is_warning()).collect();
        assert!(
            errors.is_empty(),
            "{name}: the fixed example reports errors {errors:?}"
        );
        assert!(
            !codes.contains(&code),
            "{name}: the fixed example still reports {name}"
        );
        let codes = check_codes(trigger);
        assert!(
            codes.contains(&code),
            "{name}: the triggering example reports {codes:?}, not {name}"
        );
        checked += 1;
    }
    eprintln!("{checked} pages checked against the checker");
}

fn language_reference() -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/language.md"))
        .expect("docs/language.md")
}

/// Every `apr` snippet of the language reference is valid syntax (snippets may be partial
/// applications, so only parsing is required of them).
#[test]
fn language_reference_snippets_parse() {
    let blocks = apr_blocks(&language_reference());
    assert!(
        blocks.len() >= 5,
        "the language reference shows its forms in apr blocks"
    );
    for (i, block) in blocks.iter().enumerate() {
        let (parsed, codes) = parse_codes(block);
        assert!(
            parsed,
            "apr block {} of docs/language.md has syntax errors {codes:?}:\n{block}",
            i + 1
        );
    }
}

/// The first example of the language reference is a whole application and checks cleanly.
#[test]
fn language_reference_first_example_checks() {
    let blocks = apr_blocks(&language_reference());
    let first = blocks.first().expect("a first example");
    let codes = check_codes(first);
    assert!(codes.is_empty(), "the first example reports {codes:?}");
}

/// The reference describes every field that `--message-format json` prints: the fields are
/// taken from a rendered diagnostic, so a field added to the renderer must be documented.
#[test]
fn language_reference_names_every_json_field() {
    let text = language_reference();
    let mut sources = Sources::new();
    let source = "app demo {\n  region: \"eu-west-1\"\n}\n";
    let id = sources.add("example.apr", source.to_string());
    let mut diags = Diagnostics::new();
    assert!(aprc::syntax::parse(id, source, &mut diags).is_none());
    let rendered = aprc::diag::render::json(&sources, &diags.sorted());
    let first = rendered
        .lines()
        .next()
        .expect("one JSON line per diagnostic");
    let value: serde_json::Value = serde_json::from_str(first).expect("valid JSON");
    let fields = value.as_object().expect("a JSON object");
    assert!(
        fields.len() >= 11,
        "fields: {:?}",
        fields.keys().collect::<Vec<_>>()
    );
    for field in fields.keys() {
        assert!(
            text.contains(&format!("`{field}`")),
            "docs/language.md does not describe the JSON field `{field}`"
        );
    }
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every relative link in the docs points at a file that exists and, with `#anchor`, at a
/// heading of that file, so the index and the cross references cannot rot.
#[test]
fn relative_links_resolve() {
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs");
    let mut pages: Vec<PathBuf> = vec![docs.join("README.md"), docs.join("language.md")];
    pages.extend(
        Code::ALL
            .iter()
            .map(|c| errors_dir().join(format!("{}.md", c.as_str()))),
    );
    let mut checked = 0;
    for page in pages {
        let Ok(text) = std::fs::read_to_string(&page) else {
            continue;
        };
        let dir = page.parent().expect("a page is in a directory");
        for (i, _) in text.match_indices("](") {
            let rest = &text[i + 2..];
            let Some(end) = rest.find(')') else { continue };
            let target = &rest[..end];
            if target.contains("://") {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let file = if file.is_empty() {
                page.clone()
            } else {
                dir.join(file)
            };
            assert!(
                file.exists(),
                "{}: link to missing {}",
                page.display(),
                file.display()
            );
            if !anchor.is_empty() {
                let linked = std::fs::read_to_string(&file).unwrap_or_default();
                let anchors: Vec<String> = linked
                    .lines()
                    .filter_map(|l| l.strip_prefix('#'))
                    .map(|h| slug(h.trim_start_matches('#')))
                    .collect();
                assert!(
                    anchors.iter().any(|a| a == anchor),
                    "{}: no heading for #{anchor} in {}",
                    page.display(),
                    file.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} links found");
}

/// The repository's documents stand alone: none refers to a specification outside it (a
/// reader of README.md or docs/ has nothing else).
#[test]
fn docs_never_refer_to_an_outside_specification() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut docs = vec![root.join("README.md")];
    let mut dirs = vec![root.join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("docs").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                docs.push(path);
            }
        }
    }
    let mut found = Vec::new();
    for doc in &docs {
        let text = std::fs::read_to_string(doc).expect("doc").to_lowercase();
        for (n, line) in text.lines().enumerate() {
            let section = line
                .match_indices("section ")
                .any(|(i, m)| line[i + m.len()..].starts_with(|c: char| c.is_ascii_digit()));
            if section
                || line.contains("apr-spec")
                || line.contains("shared/")
                || line.contains("specification")
            {
                found.push(format!("{}:{}: {line}", doc.display(), n + 1));
            }
        }
    }
    assert!(docs.len() > 20, "only {} documents found", docs.len());
    assert!(
        found.is_empty(),
        "documents refer outside the repository:\n{}",
        found.join("\n")
    );
}
