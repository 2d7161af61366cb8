//! The one driver that runs the phases in order and stops before lowering if any error was
//! reported. The CLI, the tests and the benchmarks all go through here.

use crate::diag::Diagnostics;
use crate::ir::Graph;
use crate::model::Spec;
use crate::source::Sources;
use crate::syntax::ast::Module;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Reads the given files, or the `*.apr` files of a given directory (sorted by name), into
/// one application. An unreadable path is a usage/I-O error (exit 2), not a diagnostic.
pub fn load(paths: &[PathBuf]) -> Result<Sources, String> {
    let mut files: Vec<PathBuf> = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path)
                .map_err(|e| format!("cannot read directory `{}`: {e}", path.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "apr"))
                .collect();
            if found.is_empty() {
                return Err(format!("directory `{}` has no .apr files", path.display()));
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    if files.is_empty() {
        return Err("no input files".to_string());
    }
    let mut sources = Sources::new();
    for file in files {
        let text = read(&file)?;
        sources.add(file.display().to_string(), text);
    }
    Ok(sources)
}

fn read(path: &Path) -> Result<String, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("`{}` is not valid UTF-8", path.display()))
}

/// Parses every file. Files with syntax errors are left out (their errors reported).
pub fn parse(sources: &Sources, diags: &mut Diagnostics) -> Vec<Module> {
    sources
        .ids()
        .filter_map(|id| crate::syntax::parse(id, sources.text(id), diags))
        .collect()
}

/// Parse and check: the checked spec, or `None` with the errors in `diags`.
pub fn front(sources: &Sources, diags: &mut Diagnostics) -> Option<Spec> {
    // Parse: syntax errors stop here; names are global, so checking half an app misleads.
    let modules = parse(sources, diags);
    if diags.has_errors() {
        return None;
    }
    // Check: names, types and AWS rules, every error of the run reported.
    let spec = crate::check::check(&modules, diags);
    if diags.has_errors() {
        return None;
    }
    spec
}

/// What `aprc check` runs: parse, check, lower and validate the graph, every error of the
/// run reported. The graph, when there is no error.
pub fn check(sources: &Sources, diags: &mut Diagnostics) -> Option<Graph> {
    let spec = front(sources, diags)?;
    // Lower: the resources, named and wired; Validate: what only they can tell.
    let graph = crate::lower::lower(&spec, &BTreeMap::new());
    crate::validate::validate(&graph, diags);
    (!diags.has_errors()).then_some(graph)
}

/// The whole front half: sources to IR. `baked` holds `--param NAME=VALUE` values; a name
/// that is not a declared param is a usage error (`Err`).
pub fn compile(
    sources: &Sources,
    baked: &BTreeMap<String, String>,
    diags: &mut Diagnostics,
) -> Result<Option<Graph>, String> {
    let Some(spec) = front(sources, diags) else {
        return Ok(None);
    };
    for name in baked.keys() {
        if !spec.params.iter().any(|p| &p.name == name) {
            let known: Vec<&str> = spec.params.iter().map(|p| p.name.as_str()).collect();
            let hint = crate::diag::did_you_mean(name, known)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(format!("--param `{name}` names no declared param{hint}"));
        }
    }
    // A baked value must pass the checks its param stood in for (stage names, paths).
    crate::check::baked(&spec, baked)?;
    // Lower: decide every resource, name and wire once, for all backends.
    let graph = crate::lower::lower(&spec, baked);
    // Validate: the names and ids only the resources can tell, exactly as `check` does.
    crate::validate::validate(&graph, diags);
    if diags.has_errors() {
        return Ok(None);
    }
    Ok(Some(graph))
}

/// Spells the graph for a target; a backend refusal (a CloudFormation quota, or a bug in
/// aprc) becomes a diagnostic on `app`.
pub fn emit(
    target: crate::backends::Target,
    options: crate::backends::Options,
    graph: &Graph,
    diags: &mut Diagnostics,
) -> Option<String> {
    match crate::backends::emit(target, graph, options) {
        Ok(text) => Some(text),
        Err(e) => {
            diags.push(graph.app_diagnostic(e.code, e.message));
            None
        }
    }
}

/// `NAME=VALUE` from the command line.
pub fn parse_param(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("--param expects NAME=VALUE, got `{arg}`")),
    }
}
