//! The `aprc` command line. Only this file prints; every phase returns data.
//! Exit status: 0 success (warnings allowed), 1 the spec has errors, 2 usage or I/O error.

mod hugepages;

use aprc::backends::{tf, Options, Target, Text};
use aprc::diag::{render, Diagnostics};
use aprc::driver;
use aprc::source::Sources;
use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "aprc",
    version,
    about = "Private services (App Runner or ECS Fargate) behind API Gateway, compiled to CloudFormation, Terraform or an AWS API plan"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile the spec for a target.
    Build(BuildArgs),
    /// Report diagnostics only; write nothing.
    Check(CheckArgs),
    /// Rewrite files in the canonical layout (or only report with --check).
    Fmt(FmtArgs),
    /// Print the resource graph that would be emitted.
    Graph(GraphArgs),
    /// Run the plan directly against AWS (needs a build with `--features apply`).
    Apply(ApplyArgs),
    /// Undo what apply recorded (needs a build with `--features apply`).
    Destroy(DestroyArgs),
}

#[derive(Clone, Copy, ValueEnum, Default)]
enum MessageFormat {
    #[default]
    Human,
    Json,
}

#[derive(Args)]
struct Input {
    /// Spec files, or directories of `*.apr` files; together one application.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// How diagnostics are printed.
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    input: Input,
    #[arg(long, value_enum)]
    target: Target,
    /// Write to this file instead of stdout (nothing is written if the build fails).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Bake a param's value in: NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Print nothing on success (by default, `-o` prints what it wrote).
    #[arg(long, short)]
    quiet: bool,
    /// With `--target tf`: write a module to call from an existing root (no `provider`
    /// block; the region from the root's provider, the app's tags on each resource).
    #[arg(long)]
    tf_module: bool,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    input: Input,
}

#[derive(Args)]
struct FmtArgs {
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Change nothing; exit 1 and name the files that would change.
    #[arg(long)]
    check: bool,
}

#[derive(Clone, Copy, ValueEnum, Default)]
enum GraphFormat {
    #[default]
    Dot,
    Mermaid,
}

#[derive(Args)]
struct GraphArgs {
    #[command(flatten)]
    input: Input,
    #[arg(long, value_enum, default_value_t)]
    format: GraphFormat,
}

#[derive(Args)]
struct ApplyArgs {
    files: Vec<PathBuf>,
    #[arg(long)]
    state: Option<PathBuf>,
    #[arg(long)]
    endpoint_url: Option<String>,
    #[arg(long)]
    dry_run: bool,
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
}

#[derive(Args)]
struct DestroyArgs {
    #[arg(long)]
    state: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::Fmt(args) => fmt(args),
        Command::Graph(args) => graph(args),
        #[cfg(feature = "apply")]
        Command::Apply(args) => apply(args),
        #[cfg(feature = "apply")]
        Command::Destroy(args) => destroy(args),
        #[cfg(not(feature = "apply"))]
        Command::Apply(_) | Command::Destroy(_) => Err(Failure::Usage(
            "`apply` and `destroy` need aprc built with `--features apply`; \
             `aprc build --target plan` prints the same plan"
                .into(),
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Spec) => ExitCode::from(1),
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

enum Failure {
    /// The spec has errors (already reported): exit 1.
    Spec,
    /// Usage or I/O: exit 2.
    Usage(String),
}

/// JSON diagnostics go to stdout (like cargo's), except when stdout carries a build's
/// output (`to_stderr`); human diagnostics always go to stderr.
fn report(sources: &Sources, diags: &Diagnostics, format: MessageFormat, to_stderr: bool) {
    let sorted = diags.sorted();
    match format {
        MessageFormat::Json if to_stderr => {
            let _ = std::io::stderr().write_all(render::json(sources, &sorted).as_bytes());
        }
        MessageFormat::Json => {
            let _ = std::io::stdout().write_all(render::json(sources, &sorted).as_bytes());
        }
        MessageFormat::Human => {
            let color = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
                || !std::io::stderr().is_terminal()
            {
                ColorChoice::Never
            } else {
                ColorChoice::Auto
            };
            let mut err = StandardStream::stderr(color);
            let _ = render::human(sources, &sorted, &mut err);
        }
    }
}

fn build(args: BuildArgs) -> Result<(), Failure> {
    let options = build_options(&args)?;
    let mut baked = BTreeMap::new();
    for arg in &args.params {
        let (name, value) = driver::parse_param(arg).map_err(Failure::Usage)?;
        baked.insert(name, value);
    }
    let sources = driver::load(&args.input.files).map_err(Failure::Usage)?;
    hugepages::for_large_input(sources.ids().map(|id| sources.text(id).len()).sum());
    let mut diags = Diagnostics::new();
    let built = match driver::build(&sources, &baked, args.target, options, &mut diags) {
        Ok(built) => built,
        Err(usage) => {
            report(&sources, &diags, args.input.message_format, false);
            return Err(Failure::Usage(usage));
        }
    };
    report(
        &sources,
        &diags,
        args.input.message_format,
        built.is_some() && args.output.is_none(),
    );
    let Some((graph, text)) = built else {
        return Err(Failure::Spec);
    };
    match &args.output {
        Some(path) => {
            write_atomically(path, &text).map_err(Failure::Usage)?;
            if !args.quiet {
                eprintln!("wrote {}: {}", path.display(), written(args.target, &graph));
            }
            Ok(())
        }
        None => text
            .write_to(&mut std::io::stdout().lock())
            .map_err(|e| Failure::Usage(e.to_string())),
    }
}

/// The backend options the flags ask for; a flag another target has no use for is a usage
/// error, before anything is read or written.
fn build_options(args: &BuildArgs) -> Result<Options, Failure> {
    if args.tf_module && args.target != Target::Tf {
        return Err(Failure::Usage(
            "`--tf-module` only applies to `--target tf` (a Terraform module); \
             leave it out for other targets"
                .into(),
        ));
    }
    Ok(Options {
        tf_layout: if args.tf_module {
            tf::Layout::Module
        } else {
            tf::Layout::Root
        },
    })
}

/// What a target's file holds, in its own terms: `29 resources, 4 outputs` (a plan's are
/// steps). Counted from the ids the backend writes, as the validation pass lists them.
fn written(target: Target, graph: &aprc::ir::Graph) -> String {
    use aprc::backends::{cfn, plan, tf};
    use aprc::ir::Origin;
    let counted = match target {
        Target::Cfn => cfn::logical_ids(graph).map(|(ids, outputs)| {
            let resources = ids
                .iter()
                .filter(|(_, o)| !matches!(o, Origin::Param(_)))
                .count();
            (resources, "resources", outputs.len())
        }),
        Target::Tf => tf::addresses(graph).map(|ids| {
            let count = |prefix: &str| ids.iter().filter(|(a, _)| a.starts_with(prefix)).count();
            (count("resource."), "resources", count("output."))
        }),
        Target::Plan => {
            plan::step_ids(graph).map(|(steps, outputs)| (steps.len(), "steps", outputs.len()))
        }
    };
    match counted {
        Ok((n, what, outputs)) => format!("{n} {what}, {outputs} outputs"),
        Err(_) => "done".to_string(),
    }
}

fn check(args: CheckArgs) -> Result<(), Failure> {
    let sources = driver::load(&args.input.files).map_err(Failure::Usage)?;
    let mut diags = Diagnostics::new();
    driver::check(&sources, &mut diags);
    report(&sources, &diags, args.input.message_format, false);
    if diags.has_errors() {
        Err(Failure::Spec)
    } else {
        Ok(())
    }
}

fn graph(args: GraphArgs) -> Result<(), Failure> {
    let sources = driver::load(&args.input.files).map_err(Failure::Usage)?;
    let mut diags = Diagnostics::new();
    // The graph `check` validates: what every target would be built from.
    let text = driver::check(&sources, &mut diags).and_then(|g| {
        let drawn = match args.format {
            GraphFormat::Dot => aprc::graph::dot(&g),
            GraphFormat::Mermaid => aprc::graph::mermaid(&g),
        };
        drawn.map_err(|e| diags.push(e.diagnostic(&g))).ok()
    });
    report(&sources, &diags, args.input.message_format, text.is_some());
    let Some(text) = text else {
        return Err(Failure::Spec);
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| Failure::Usage(e.to_string()))
}

fn fmt(args: FmtArgs) -> Result<(), Failure> {
    let sources = driver::load(&args.files).map_err(Failure::Usage)?;
    let mut diags = Diagnostics::new();
    let mut changed = Vec::new();
    let mut outputs = Vec::new();
    for id in sources.ids() {
        let text = sources.text(id);
        let Some(module) = aprc::syntax::parse(id, text, &mut diags) else {
            continue;
        };
        let formatted = aprc::fmt::format(text, &module);
        if formatted != text {
            changed.push(sources.name(id).to_string());
            outputs.push((sources.name(id).to_string(), formatted));
        }
    }
    if diags.has_errors() {
        report(&sources, &diags, MessageFormat::Human, true);
        return Err(Failure::Spec);
    }
    if args.check {
        for name in &changed {
            println!("would reformat {name}");
        }
        return if changed.is_empty() {
            Ok(())
        } else {
            Err(Failure::Spec)
        };
    }
    for (name, text) in outputs {
        write_atomically(Path::new(&name), &Text::from(text)).map_err(Failure::Usage)?;
    }
    Ok(())
}

/// Compiles the spec to the plan (params given with `--param` baked in), then runs it.
#[cfg(feature = "apply")]
fn apply(args: ApplyArgs) -> Result<(), Failure> {
    let mut baked = BTreeMap::new();
    for arg in &args.params {
        let (name, value) = driver::parse_param(arg).map_err(Failure::Usage)?;
        baked.insert(name, value);
    }
    let sources = driver::load(&args.files).map_err(Failure::Usage)?;
    let mut diags = Diagnostics::new();
    let plan = match driver::build(
        &sources,
        &baked,
        Target::Plan,
        Options::default(),
        &mut diags,
    ) {
        Ok(built) => built.map(|(_, plan)| plan.into_string()),
        Err(usage) => {
            report(&sources, &diags, MessageFormat::Human, false);
            return Err(Failure::Usage(usage));
        }
    };
    report(&sources, &diags, MessageFormat::Human, false);
    let Some(plan) = plan else {
        return Err(Failure::Spec);
    };
    let state = args
        .state
        .unwrap_or_else(|| PathBuf::from(aprc::apply::DEFAULT_STATE_PATH));
    let options = aprc::apply::ApplyOptions {
        state_path: &state,
        endpoint_url: args.endpoint_url.as_deref(),
        dry_run: args.dry_run,
    };
    let text = aprc::apply::apply(&plan, &options).map_err(apply_failure)?;
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| Failure::Usage(e.to_string()))
}

#[cfg(feature = "apply")]
fn destroy(args: DestroyArgs) -> Result<(), Failure> {
    let state = args
        .state
        .unwrap_or_else(|| PathBuf::from(aprc::apply::DEFAULT_STATE_PATH));
    let kept = aprc::apply::destroy(&state).map_err(apply_failure)?;
    if !kept.is_empty() {
        eprintln!(
            "kept what outlives the app ({}); `{}` still records it",
            kept.join(", "),
            state.display()
        );
    }
    Ok(())
}

/// A failed step is exit 1 (like a spec error), after saying which step and why.
#[cfg(feature = "apply")]
fn apply_failure(e: aprc::apply::Error) -> Failure {
    match e {
        aprc::apply::Error::Usage(message) => Failure::Usage(message),
        aprc::apply::Error::Failed(message) => {
            eprintln!("error: {message}");
            Failure::Spec
        }
    }
}

/// Writes to a temporary file beside `path`, then renames, so a reader never sees half a
/// file and a failure leaves no file behind. The file gets the mode a new file gets (0666
/// less the umask), or keeps the mode of the file it replaces; missing directories on the
/// way to it are created.
fn write_atomically(path: &Path, text: &Text) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create directory `{}`: {e}", dir.display()))?;
    let mut tmp =
        new_file_beside(dir).map_err(|e| format!("cannot write in `{}`: {e}", dir.display()))?;
    if let Ok(existing) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(existing.permissions())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    text.write_to(&mut tmp)
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok(())
}

/// A temporary file in `dir` created as an ordinary new file is (tempfile's own default,
/// 0600, would be kept by the rename).
fn new_file_beside(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // open(2) applies the umask to this mode, as it does for any new file.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}
