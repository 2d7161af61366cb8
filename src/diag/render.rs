//! The one place diagnostics become text: codespan-reporting for people, one JSON object per
//! line for tools (`--message-format json`).

use super::{Diagnostic, Severity};
use crate::source::Sources;
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::{self, termcolor::WriteColor};
use serde::Serialize;

/// Render for a terminal or a pipe; colour is decided by the `WriteColor` given.
pub fn human(
    sources: &Sources,
    diagnostics: &[&Diagnostic],
    out: &mut dyn WriteColor,
) -> std::io::Result<()> {
    let config = term::Config::default();
    for d in diagnostics {
        let severity = match d.severity() {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let mut labels =
            vec![
                cs::Label::primary(d.primary.span.file.0 as usize, d.primary.span.range())
                    .with_message(d.primary.message.clone()),
            ];
        labels.extend(d.secondary.iter().map(|l| {
            cs::Label::secondary(l.span.file.0 as usize, l.span.range())
                .with_message(l.message.clone())
        }));
        let mut diagnostic = cs::Diagnostic::new(severity)
            .with_code(d.code.as_str())
            .with_message(d.message.clone())
            .with_labels(labels);
        if let Some(help) = &d.help {
            diagnostic = diagnostic.with_notes(vec![format!("help: {help}")]);
        }
        term::emit(out, &config, sources.files(), &diagnostic).map_err(std::io::Error::other)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_start: u32,
    byte_end: u32,
    help: Option<&'a str>,
    /// Machine-applicable fixes, as rustc's JSON has them.
    suggestions: Vec<JsonSuggestion<'a>>,
}

#[derive(Serialize)]
struct JsonSuggestion<'a> {
    file: &'a str,
    byte_start: u32,
    byte_end: u32,
    replacement: &'a str,
}

/// One JSON object per diagnostic, one per line.
pub fn json(sources: &Sources, diagnostics: &[&Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let span = d.primary.span;
        let (line, column) = sources.line_col(span.file, span.start as usize);
        let (end_line, end_column) = sources.line_col(span.file, span.end as usize);
        let record = JsonDiagnostic {
            severity: match d.severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            code: d.code.as_str(),
            message: &d.message,
            file: sources.name(span.file),
            line,
            column,
            end_line,
            end_column,
            byte_start: span.start,
            byte_end: span.end,
            help: d.help.as_deref(),
            suggestions: d
                .suggestions
                .iter()
                .map(|s| JsonSuggestion {
                    file: sources.name(s.span.file),
                    byte_start: s.span.start,
                    byte_end: s.span.end,
                    replacement: &s.replacement,
                })
                .collect(),
        };
        // Serialising a struct of plain strings and numbers cannot fail.
        out.push_str(&serde_json::to_string(&record).unwrap_or_default());
        out.push('\n');
    }
    out
}
