//! The one driver that runs the phases in order and stops before lowering if any error was
//! reported. The CLI, the tests and the benchmarks all go through here.

use crate::backends::Text;
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
    if !crate::check::defaults(&spec, &BTreeMap::new(), diags) {
        return None;
    }
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
    let Some(graph) = lowered(sources, baked, diags)? else {
        return Ok(None);
    };
    // Validate: the names and ids only the resources can tell, exactly as `check` does.
    crate::validate::validate(&graph, diags);
    if diags.has_errors() {
        return Ok(None);
    }
    Ok(Some(graph))
}

/// What `aprc build` runs: [`compile`] then [`emit`], with the same diagnostics and the same
/// text, but for a large graph the validation and the spelling run side by side on two
/// threads. Both only read the graph; the text is kept only when validation finds no error,
/// so what a spec builds to, and which specs build, are exactly those of `compile` then
/// `emit` (the backends meet graphs validation refuses, and must not panic on them; tests
/// hold both).
///
/// Speed only ([`crate::threads`]): at 1,000 ECS services validation is 12 ms of a 60 ms
/// build (it lists the ids of all three targets) and the spelling 26-48 ms; side by side
/// the build takes the longer of the two.
pub fn build(
    sources: &Sources,
    baked: &BTreeMap<String, String>,
    target: crate::backends::Target,
    options: crate::backends::Options,
    diags: &mut Diagnostics,
) -> Result<Option<(Graph, Text)>, String> {
    let Some(graph) = lowered(sources, baked, diags)? else {
        return Ok(None);
    };
    let side_by_side = graph.resources.len() >= crate::threads::SIDE_BY_SIDE;
    let (checked, spelled) = validated_and_spelled(&graph, target, options, side_by_side);
    diags.extend(checked);
    if diags.has_errors() {
        // The backend spelled a graph validation refuses: what it made (or said) is moot.
        return Ok(None);
    }
    Ok(kept(&graph, spelled, diags).map(|text| (graph, text)))
}

/// The graph's validation and its spelling for `target`, on two threads or one after the
/// other: the same diagnostics and the same result either way.
fn validated_and_spelled(
    graph: &Graph,
    target: crate::backends::Target,
    options: crate::backends::Options,
    side_by_side: bool,
) -> (Diagnostics, Result<Text, crate::backends::BackendError>) {
    let validate = || {
        let mut found = Diagnostics::new();
        crate::validate::validate(graph, &mut found);
        found
    };
    if !side_by_side {
        return (
            validate(),
            crate::backends::emit_text(target, graph, options),
        );
    }
    let (spelled, checked) = crate::threads::side_by_side(
        || crate::backends::emit_text(target, graph, options),
        validate,
    );
    // A validation thread that cannot finish is the same bug as one that panics here.
    let checked = checked.unwrap_or_else(|_| {
        let mut bug = Diagnostics::new();
        bug.push(graph.app_diagnostic(
            crate::diag::Code::E0901,
            "internal error (a bug in aprc): the graph's validation stopped",
        ));
        bug
    });
    (checked, spelled)
}

/// Parse, check, the baked params and lowering: the graph, not yet validated.
fn lowered(
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
    // A baked value must pass the checks its param stood in for (stage names, paths), and
    // so must a default no value replaces.
    crate::check::baked(&spec, baked)?;
    if !crate::check::defaults(&spec, baked, diags) {
        return Ok(None);
    }
    // Lower: decide every resource, name and wire once, for all backends.
    Ok(Some(crate::lower::lower(&spec, baked)))
}

/// Spells the graph for a target; a backend refusal (a CloudFormation quota, or a bug in
/// aprc) becomes a diagnostic on `app`.
pub fn emit(
    target: crate::backends::Target,
    options: crate::backends::Options,
    graph: &Graph,
    diags: &mut Diagnostics,
) -> Option<String> {
    kept(graph, crate::backends::emit(target, graph, options), diags)
}

/// The backend's text, or its refusal as a diagnostic on `app`.
fn kept<T>(
    graph: &Graph,
    spelled: Result<T, crate::backends::BackendError>,
    diags: &mut Diagnostics,
) -> Option<T> {
    match spelled {
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

#[cfg(test)]
mod tests {
    use super::{lowered, validated_and_spelled};
    use crate::backends::Target;
    use crate::diag::Diagnostics;
    use crate::source::Sources;
    use std::collections::BTreeMap;

    /// Every example, and an application with a name too long for AWS (so that a backend
    /// spells a graph validation refuses), gives the same diagnostics and the same text whether it is
    /// validated and spelled on two threads or on one.
    #[test]
    fn side_by_side_is_the_same_as_one_after_the_other() {
        let mut inputs: Vec<(String, String)> = std::fs::read_dir("examples")
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "apr"))
            .map(|p| {
                (
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap_or_default(),
                )
            })
            .collect();
        inputs.sort();
        assert!(inputs.len() >= 5, "the examples are missing: {inputs:?}");
        // A name over App Runner's limit: only validation refuses it (E0501).
        inputs.push((
            "long.apr".into(),
            format!(
                "app demo {{\n  region = \"eu-west-1\"\n}}\nnetwork core {{\n  cidr = 10.0.0.0/16\n}}\n\
                 service {} {{\n  image = \"public.ecr.aws/nginx/nginx:1\"\n  port = 80\n  \
                 network = core\n  ingress = public\n}}\n",
                "s".repeat(60)
            ),
        ));
        let mut refused = 0;
        for (name, text) in &inputs {
            let mut sources = Sources::new();
            sources.add(name.clone(), text.clone());
            let graph = lowered(&sources, &BTreeMap::new(), &mut Diagnostics::new())
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .unwrap_or_else(|| panic!("{name} does not lower"));
            for target in [Target::Cfn, Target::Tf, Target::Plan] {
                let [(one_diags, one), (two_diags, two)] = [false, true].map(|side_by_side| {
                    let (diags, spelled) =
                        validated_and_spelled(&graph, target, Default::default(), side_by_side);
                    let codes: Vec<String> =
                        diags.sorted().iter().map(|d| format!("{d:?}")).collect();
                    (codes, spelled)
                });
                assert_eq!(one_diags, two_diags, "{name}, {target:?}");
                assert_eq!(one, two, "{name}, {target:?}");
                refused += usize::from(!one_diags.is_empty());
            }
        }
        assert_eq!(refused, 3, "the long name must be refused for each target");
    }
}
