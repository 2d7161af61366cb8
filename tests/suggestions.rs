//! Machine-applicable suggestions (`suggestions` in `--message-format json`): applying one
//! makes its diagnostic go away and adds no error (nor an unused param). Applied over every fixture and example,
//! over variants of each valid one with the mistakes people make (a misspelt attribute,
//! reference, keyword, param or method, a quoted number or CIDR, a size without its unit, an
//! attribute on a route's line, a URL reference to a misspelt or doubly named declaration,
//! a whole-service IAM action), and over seeded random damage (`mutate`).

use crate::mutate;
use crate::support;

use aprc::diag::{Diagnostic, Diagnostics, Severity};
use aprc::source::Sources;
use std::collections::BTreeMap;
use std::path::Path;

type App = Vec<(String, String)>;

fn check(app: &App) -> Vec<Diagnostic> {
    let mut sources = Sources::new();
    for (name, text) in app {
        sources.add(name.clone(), text.clone());
    }
    let mut diags = Diagnostics::new();
    aprc::driver::check(&sources, &mut diags);
    diags.sorted().into_iter().cloned().collect()
}

fn load(input: &Path) -> App {
    support::files_of(input)
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable input");
            (p.display().to_string(), text)
        })
        .collect()
}

/// What a diagnostic says, wherever it is: spans move when a fix changes a line's length.
fn key(d: &Diagnostic) -> (String, String) {
    (d.code.as_str().to_string(), d.message.clone())
}

fn counts<'a>(diags: impl Iterator<Item = &'a Diagnostic>) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for d in diags {
        *out.entry(key(d)).or_insert(0) += 1;
    }
    out
}

/// `d`'s suggestions applied to the files they are in (file ids follow the app's order).
fn apply(app: &App, d: &Diagnostic) -> App {
    let mut out = app.clone();
    let mut edits = d.suggestions.clone();
    // From the end, so earlier offsets stay valid.
    edits.sort_by_key(|s| std::cmp::Reverse((s.span.file.0, s.span.start)));
    for s in edits {
        let text = &mut out[s.span.file.0 as usize].1;
        text.replace_range(s.span.start as usize..s.span.end as usize, &s.replacement);
    }
    out
}

/// Every suggestion of `app` applied on its own: returns the failures, described.
fn failures(what: &str, app: &App) -> (usize, Vec<String>) {
    let before = check(app);
    let all_before = counts(before.iter());
    let mut applied = 0;
    let mut out = Vec::new();
    for d in before.iter().filter(|d| !d.suggestions.is_empty()) {
        applied += 1;
        let fixed = apply(app, d);
        let after = check(&fixed);
        let all_after = counts(after.iter());
        let gone = all_after.get(&key(d)).copied().unwrap_or(0) < all_before[&key(d)];
        // No new error, and no param left unused (W0003: a fix that wrote a param as text).
        // Other warnings may appear: a declaration free of errors is checked further (W0002
        // for one zone, W0006 once `*` is narrowed to `s3:Get*` on a `*` resource).
        let new_errors: Vec<String> = counts(
            after
                .iter()
                .filter(|d| d.severity() == Severity::Error || d.code.as_str() == "W0003"),
        )
        .into_iter()
        .filter(|(k, n)| all_before.get(k).copied().unwrap_or(0) < *n)
        .map(|((code, message), _)| format!("{code} {message}"))
        .collect();
        if !gone || !new_errors.is_empty() {
            let replaced: Vec<String> = d
                .suggestions
                .iter()
                .map(|s| {
                    let text = &app[s.span.file.0 as usize].1;
                    format!(
                        "`{}` -> `{}`",
                        &text[s.span.start as usize..s.span.end as usize],
                        s.replacement
                    )
                })
                .collect();
            out.push(format!(
                "{what}: {} {} ({}): still there: {}; new errors: {:?}",
                d.code.as_str(),
                d.message,
                replaced.join(", "),
                !gone,
                new_errors
            ));
        }
    }
    (applied, out)
}

/// The mistakes a person makes, each applied alone to one valid application: one variant per
/// mistake and place. Each variant is (what, files).
fn variants(name: &str, app: &App) -> Vec<(String, App)> {
    let mut out = Vec::new();
    for (f, (_, text)) in app.iter().enumerate() {
        let mut push = |what: String, new_text: String| {
            if new_text != *text {
                let mut v = app.clone();
                v[f].1 = new_text;
                out.push((format!("{name}: {what}"), v));
            }
        };
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            let replace_line = |new_line: String| {
                let mut lines: Vec<&str> = text.lines().collect();
                lines[i] = &new_line;
                let mut joined = lines.join("\n");
                joined.push('\n');
                joined
            };
            // `name = value` lines: misspell the name, the value's word, quote the value.
            if let Some((key, value)) = trimmed.split_once(" = ").or_else(|| {
                trimmed
                    .split_once('=')
                    .filter(|(k, _)| !k.contains([' ', '"', '{']))
            }) {
                let key = key.trim();
                let value = value.trim();
                if key.len() > 3 && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    let mut chars: Vec<char> = key.chars().collect();
                    chars.swap(1, 2);
                    let misspelt: String = chars.into_iter().collect();
                    push(
                        format!("line {} misspelt `{key}`", i + 1),
                        replace_line(format!("{indent}{misspelt} = {value}")),
                    );
                }
                let word = value.split_whitespace().next().unwrap_or("");
                if word.len() > 3
                    && word.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                    && !matches!(word, "true" | "false")
                {
                    let misspelt = format!("{}{}", &word[..word.len() - 1], "x");
                    push(
                        format!("line {} misspelt value `{word}`", i + 1),
                        replace_line(format!("{indent}{key} = {misspelt}")),
                    );
                }
                let bare_number = value.chars().all(|c| c.is_ascii_digit() || c == '.');
                let cidr =
                    value.contains('/') && value.chars().next().is_some_and(|c| c.is_ascii_digit());
                if !value.is_empty() && (bare_number || cidr) {
                    push(
                        format!("line {} quoted `{value}`", i + 1),
                        replace_line(format!("{indent}{key} = \"{value}\"")),
                    );
                }
                // A size or duration without its unit, in the unit it was written in.
                for unit in [" gb", " mb", " vcpu", "s"] {
                    if let Some(n) = value.strip_suffix(unit) {
                        if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.') {
                            let n = match unit {
                                " gb" => n
                                    .parse::<f64>()
                                    .map_or(n.to_string(), |g| format!("{}", g * 1024.0)),
                                " vcpu" => n
                                    .parse::<f64>()
                                    .map_or(n.to_string(), |v| format!("{}", v * 1024.0)),
                                _ => n.to_string(),
                            };
                            push(
                                format!("line {} `{value}` without its unit", i + 1),
                                replace_line(format!("{indent}{key} = {n}")),
                            );
                        }
                    }
                }
                // A misspelt param inside a string.
                if let Some(start) = value.find("${") {
                    if let Some(len) = value[start..].find('}') {
                        let param = &value[start + 2..start + len];
                        if param.len() > 2 && !param.contains('.') {
                            let misspelt = format!("{}{}", &param[..param.len() - 1], "q");
                            push(
                                format!("line {} misspelt param `{param}`", i + 1),
                                text.replacen(
                                    &format!("${{{param}}}"),
                                    &format!("${{{misspelt}}}"),
                                    1,
                                ),
                            );
                        }
                    }
                }
            }
            // Routes: a lowercase or misspelt method, an attribute on the route's line.
            if let Some(rest) = trimmed.strip_prefix("route ") {
                let method = rest.split_whitespace().next().unwrap_or("");
                let after = &rest[method.len()..];
                push(
                    format!("line {} method `{}`", i + 1, method.to_lowercase()),
                    replace_line(format!("{indent}route {}{after}", method.to_lowercase())),
                );
                push(
                    format!("line {} method misspelt", i + 1),
                    replace_line(format!("{indent}route {}T{after}", method)),
                );
                push(
                    format!("line {} attribute after the route", i + 1),
                    replace_line(format!("{line} tracing = true")),
                );
                // A path variable misspelt in the target path.
                if let Some(target) = after.split("->").nth(1) {
                    if let (Some(open), Some(close)) = (target.rfind('{'), target.rfind('}')) {
                        let var = target[open + 1..close].trim_end_matches('+');
                        if var.len() > 2 && open < close {
                            let at = line.len() - target.len() + open + 1;
                            let mut misspelt = line.to_string();
                            misspelt.replace_range(at..at + var.len(), &format!("{var}x"));
                            push(
                                format!("line {} target variable `{var}` misspelt", i + 1),
                                replace_line(misspelt),
                            );
                        }
                    }
                }
            }
            // A block kind misspelt (its second letter dropped).
            for kind in ["service", "network", "health", "scale"] {
                if trimmed.starts_with(&format!("{kind} ")) {
                    let misspelt = format!("{}{}", &kind[..1], &kind[2..]);
                    push(
                        format!("line {} block `{kind}` misspelt", i + 1),
                        replace_line(format!("{indent}{misspelt}{}", &trimmed[kind.len()..])),
                    );
                }
            }
            // IAM: a whole service, every action, a bucket name for an ARN.
            if trimmed.starts_with("allow ") {
                if let Some(start) = trimmed.find("\"") {
                    let end = trimmed[start + 1..]
                        .find('"')
                        .map_or(start, |e| start + 1 + e);
                    let action = &trimmed[start + 1..end];
                    if let Some((service, _)) = action.split_once(':') {
                        push(
                            format!("line {} `{service}:*`", i + 1),
                            replace_line(format!(
                                "{indent}{}",
                                trimmed.replacen(action, &format!("{service}:*"), 1)
                            )),
                        );
                        push(
                            format!("line {} `*`", i + 1),
                            replace_line(format!("{indent}{}", trimmed.replacen(action, "*", 1))),
                        );
                        push(
                            format!("line {} `{action}` with its service in capitals", i + 1),
                            replace_line(format!(
                                "{indent}{}",
                                trimmed.replacen(service, &service.to_uppercase(), 1)
                            )),
                        );
                    }
                }
                if let Some(at) = trimmed.find("\"arn:aws:s3:::") {
                    push(
                        format!("line {} a bucket name", i + 1),
                        replace_line(format!(
                            "{indent}{}{}",
                            &trimmed[..at + 1],
                            &trimmed[at + 14..]
                        )),
                    );
                }
            }
        }
        // URL references: misspelt, and made ambiguous by a service of an api's name.
        for (at, _) in text.match_indices(".url") {
            let start = text[..at]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
                .map_or(0, |s| s + 1);
            let name = &text[start..at];
            if name.len() > 2 && !name.contains('.') {
                let mut t = text.clone();
                t.replace_range(start..at, &format!("{name}x"));
                push(format!("`{name}.url` misspelt"), t);
                if text.contains(&format!("api {name} {{"))
                    && !text.contains(&format!("service {name} {{"))
                {
                    push(
                        format!("a service named `{name}` too"),
                        format!("{text}\nservice {name} {{\n  image   = \"public.ecr.aws/acme/x:1\"\n  ingress = public\n}}\n"),
                    );
                }
            }
        }
    }
    out
}

fn valid_apps() -> Vec<(String, App)> {
    let mut out = Vec::new();
    for dir in ["tests/fixtures/valid", "examples"] {
        for input in support::inputs(dir) {
            out.push((input.display().to_string(), load(&input)));
        }
    }
    out
}

#[test]
fn every_suggestion_fixes_its_diagnostic_and_adds_no_error() {
    let mut apps: Vec<(String, App)> = Vec::new();
    for input in support::inputs("tests/fixtures/invalid") {
        apps.push((input.display().to_string(), load(&input)));
    }
    for (name, app) in valid_apps() {
        apps.extend(variants(&name, &app));
        apps.push((name, app));
    }
    // Seeded random damage, a few per application, for what the mistakes above miss.
    let mut rng = fastrand::Rng::with_seed(12);
    for (name, app) in valid_apps() {
        for n in 0..8 {
            let mut v = app.clone();
            let victim = rng.usize(..v.len());
            v[victim].1 = mutate::mutate(&mut rng, &v[victim].1);
            apps.push((format!("{name}: mutant {n}"), v));
        }
    }
    let mut applied = 0;
    let mut failed = Vec::new();
    let mut codes = std::collections::BTreeSet::new();
    for (what, app) in &apps {
        let (n, f) = failures(what, app);
        applied += n;
        failed.extend(f);
        for d in check(app).iter().filter(|d| !d.suggestions.is_empty()) {
            codes.insert(d.code.as_str());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {applied} suggestions did not fix their diagnostic cleanly:\n{}",
        failed.len(),
        failed.join("\n")
    );
    // The corpus must exercise suggestions at all, and every kind of them.
    assert!(
        applied > 500,
        "only {applied} suggestions applied over {} inputs",
        apps.len()
    );
    let expected = [
        "E0101", "E0103", "E0107", "E0108", "E0109", "E0110", "E0111", "E0201", "E0202", "E0306",
        "E0404", "E0408", "E0701", "E0702", "E0703", "E0711", "E0714", "W0002", "W0005",
    ];
    let missing: Vec<&str> = expected
        .into_iter()
        .filter(|c| !codes.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "no suggestion exercised for {missing:?} (exercised: {codes:?})"
    );
}

#[test]
fn json_carries_suggestions_as_rustc_does() {
    let (_dir, path) = support::spec_file(
        "main.apr",
        "app demo {\n  region = \"eu-west-1\"\n}\nservice web {\n  imgae = \"public.ecr.aws/a/web:1\"\n}\n",
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aprc"))
        .args(["check", "--message-format", "json"])
        .arg(&path)
        .output()
        .expect("aprc runs");
    let line = String::from_utf8(out.stdout).expect("utf-8");
    let d: serde_json::Value =
        serde_json::from_str(line.lines().next().expect("a diagnostic")).expect("json");
    let text = std::fs::read_to_string(&path).expect("read");
    let at = text.find("imgae").expect("present");
    assert_eq!(
        d["suggestions"],
        serde_json::json!([{
            "file": path.display().to_string(),
            "byte_start": at,
            "byte_end": at + 5,
            "replacement": "image",
        }])
    );
}

/// One mistake gives one error: the checker reads a misspelt attribute, block or kind on as
/// what it was meant to be, rather than adding errors about its absence.
#[test]
fn each_mistake_is_one_error() {
    let mut failed = Vec::new();
    let mut variants_checked = 0;
    for (name, app) in valid_apps() {
        // A service named like an api makes each `NAME.url` ambiguous: one error per
        // reference, each its own fix, so that variant is not one mistake here.
        for (what, variant) in variants(&name, &app)
            .into_iter()
            .filter(|(what, _)| !what.contains("a service named"))
        {
            variants_checked += 1;
            let errors: Vec<String> = check(&variant)
                .iter()
                .filter(|d| d.severity() == Severity::Error)
                .map(|d| format!("{} {}", d.code.as_str(), d.message))
                .collect();
            if errors.len() > 1 {
                failed.push(format!("{what}: {errors:?}"));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {variants_checked} single mistakes gave more than one error:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
