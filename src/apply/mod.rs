//! The direct executor behind `aprc apply` and `aprc destroy` (cargo feature `apply`).
//!
//! It runs the JSON plan that `aprc build --target plan` prints (spec section 7), read back
//! from JSON like any other consumer would, with the AWS SDK for Rust:
//! - `plan`: the document, value resolution (`ref`/`param`/`join`) and response paths;
//! - `generated/`: one typed SDK call per plan operation, JSON in and out, generated from the
//!   botocore models by `tests/apply/gen_sdk_calls.py` (the SDK is typed per operation);
//! - `convert`: the JSON <-> SDK value conversions the generated code relies on;
//! - `exec` / `destroy`: the concurrent schedulers; `state`: the state file; `progress`.
//!
//! The CLI calls [`apply`] and [`destroy`], which block on their own tokio runtime.

mod clients;
mod convert;
mod destroy;
mod exec;
mod generated;
mod plan;
mod progress;
mod state;

pub use clients::APPRUNNER_ENDPOINT_ENV;
pub use generated::OPERATIONS;
pub use plan::Plan;
pub use state::{State, DEFAULT_PATH as DEFAULT_STATE_PATH};

use clients::Clients;
use exec::StepFailure;
use plan::Values;
use progress::Progress;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Steps run at once unless `APRC_APPLY_CONCURRENCY` says otherwise (1: one at a time).
pub const DEFAULT_CONCURRENCY: usize = 4;
pub const CONCURRENCY_ENV: &str = "APRC_APPLY_CONCURRENCY";

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Bad input, state or environment, before any AWS call (exit 2).
    #[error("{0}")]
    Usage(String),
    /// One or more steps failed (exit 1); what did complete is in the state file.
    #[error("{0}")]
    Failed(String),
}

pub struct ApplyOptions<'a> {
    pub state_path: &'a Path,
    pub endpoint_url: Option<&'a str>,
    pub dry_run: bool,
}

/// Applies `plan_json`, skipping the steps the state file records as done. On success
/// returns the plan's outputs (invoke URLs, ARNs, domain names, api key ids) as JSON text.
pub fn apply(plan_json: &str, options: &ApplyOptions<'_>) -> Result<String, Error> {
    let plan: Plan = serde_json::from_str(plan_json)
        .map_err(|e| Error::Usage(format!("the plan is not readable: {e}")))?;
    plan.validate().map_err(Error::Usage)?;
    // Every call, wait and delete is checked now, not when it is reached half-way.
    for step in &plan.steps {
        let waits = step.wait.iter().map(|w| w.operation.as_str());
        let deletes = step.delete.iter().map(|d| d.operation.as_str());
        let mut ops = std::iter::once(step.operation.as_str())
            .chain(waits)
            .chain(deletes);
        if let Some(op) = ops.find(|op| !supports(&step.service, op)) {
            return Err(Error::Usage(format!(
                "step `{}`: the executor cannot run {} {op}",
                step.id, step.service
            )));
        }
    }
    let params = plan.params(&BTreeMap::new()).map_err(Error::Usage)?;
    let mut state = match State::load(options.state_path).map_err(Error::Usage)? {
        Some(state) => {
            if state.app != plan.app || state.region != plan.region {
                return Err(Error::Usage(format!(
                    "state `{}` belongs to app `{}` in {}, not `{}` in {}",
                    options.state_path.display(),
                    state.app,
                    state.region,
                    plan.app,
                    plan.region
                )));
            }
            if state.endpoint_url.as_deref() != options.endpoint_url {
                return Err(Error::Usage(format!(
                    "state `{}` was applied with endpoint {}, not {}",
                    options.state_path.display(),
                    state.endpoint_url.as_deref().unwrap_or("(default)"),
                    options.endpoint_url.unwrap_or("(default)")
                )));
            }
            state
        }
        None => State::new(&plan.app, &plan.region, options.endpoint_url),
    };
    let mut values = Values {
        version: plan::Version::of(plan.version).map_err(Error::Usage)?,
        params,
        outputs: state
            .steps
            .iter()
            .map(|(id, r)| (id.clone(), r.outputs.clone()))
            .collect(),
    };
    if let Some(changed) = changed_since(&plan, &state, &values) {
        return Err(Error::Usage(format!(
            "state `{}` records a deployment of another spec: {changed}. apply makes what is missing but does not update or delete: run `aprc destroy` and `apply` again, or deploy with the `cfn` or `tf` target, which update in place",
            options.state_path.display()
        )));
    }
    if options.dry_run {
        return Ok(dry_run(&plan, &state));
    }
    let already = plan.steps.iter().filter(|s| state.is_done(&s.id)).count();
    let interrupt = interrupt_flag();
    let runtime = runtime()?;
    runtime.block_on(async {
        let clients = Arc::new(Clients::new(&plan.region, options.endpoint_url).await);
        let mut progress = Progress::new("apply", plan.steps.len(), already);
        let result = exec::apply(
            &plan,
            &mut values,
            &mut state,
            options.state_path,
            &exec::Runner {
                clients,
                concurrency: concurrency(),
                interrupt: &interrupt,
            },
            &mut progress,
        )
        .await;
        progress.close();
        result.map_err(|f| failed("apply", options.state_path, &f, state.steps.len()))
    })?;
    let outputs = values
        .resolve(&Value::Object(plan.outputs.clone()))
        .map_err(|e| Error::Failed(format!("outputs: {e}")))?;
    let mut text = serde_json::to_string_pretty(&outputs)
        .map_err(|e| Error::Failed(format!("outputs: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// Undoes everything the state file records but what outlives the app, then removes the
/// state file, or, when retained steps remain, keeps it with only their records. Returns the
/// ids of the retained steps.
pub fn destroy(state_path: &Path) -> Result<Vec<String>, Error> {
    let Some(mut state) = State::load(state_path).map_err(Error::Usage)? else {
        return Err(Error::Usage(format!(
            "no state file `{}`: nothing was applied here",
            state_path.display()
        )));
    };
    let interrupt = interrupt_flag();
    let runtime = runtime()?;
    runtime.block_on(async {
        let clients = Arc::new(Clients::new(&state.region, state.endpoint_url.as_deref()).await);
        let mut progress = Progress::new("destroy", state.steps.len(), 0);
        let result = destroy::destroy(
            &mut state,
            state_path,
            &exec::Runner {
                clients,
                concurrency: concurrency(),
                interrupt: &interrupt,
            },
            &mut progress,
        )
        .await;
        progress.close();
        result.map_err(|f| failed("destroy", state_path, &f, state.steps.len()))
    })?;
    if !state.steps.is_empty() {
        return Ok(state.steps.keys().cloned().collect());
    }
    std::fs::remove_file(state_path)
        .map_err(|e| Error::Failed(format!("cannot remove `{}`: {e}", state_path.display())))?;
    Ok(Vec::new())
}

/// Whether the executor has a typed call for this operation.
pub fn supports(service: &str, operation: &str) -> bool {
    OPERATIONS.contains(&(service, operation))
}

/// What the recorded deployment has that the plan would make otherwise: a recorded call the
/// plan now makes with another input, or a recorded step the plan no longer has. `None` when
/// applying the plan only adds what is missing. (Records from before calls were recorded
/// are not judged.)
fn changed_since(plan: &Plan, state: &State, values: &Values) -> Option<String> {
    let mut changed = Vec::new();
    for step in &plan.steps {
        // What outlives the app (the plan's `retain`) is shared by every deployment in the
        // account: found made, whatever this spec would make it with, never judged.
        let Some(recorded) = state
            .steps
            .get(&step.id)
            .filter(|r| !r.retain)
            .and_then(|r| r.call.as_deref())
        else {
            continue;
        };
        let now = values
            .resolve(&step.input)
            .map(|input| state::call_digest(&step.service, &step.operation, &input));
        if now.as_deref() != Ok(recorded) {
            changed.push(format!("`{}` would be called with another input", step.id));
        }
    }
    let planned: std::collections::BTreeSet<&str> =
        plan.steps.iter().map(|s| s.id.as_str()).collect();
    for (id, record) in &state.steps {
        if !record.retain && record.call.is_some() && !planned.contains(id.as_str()) {
            changed.push(format!("`{id}` is no longer in the spec"));
        }
    }
    let first = changed.first()?;
    Some(match changed.len() {
        1 => first.clone(),
        n => format!(
            "{first}, and {} more step{}",
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    })
}

fn dry_run(plan: &Plan, state: &State) -> String {
    let mut out = String::new();
    for step in &plan.steps {
        let what = match state.steps.get(&step.id) {
            Some(r) if r.waited => "done ",
            Some(_) => "wait ",
            None => "run  ",
        };
        out.push_str(&format!(
            "{what} {} ({} {})",
            step.id, step.service, step.operation
        ));
        if let Some(wait) = &step.wait {
            out.push_str(&format!(", then wait for {} = {}", wait.path, wait.expect));
        }
        out.push('\n');
    }
    out
}

/// Set by the first Ctrl-C (or SIGTERM, SIGQUIT); the second one exits at once (status 1).
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in signal_hook::consts::TERM_SIGNALS {
        // Registration fails only for forbidden signals, which these are not; without it the
        // default action (exit) applies, which is still safe: the state is saved per step.
        let _ = signal_hook::flag::register_conditional_shutdown(*signal, 1, flag.clone());
        let _ = signal_hook::flag::register(*signal, flag.clone());
    }
    flag
}

fn concurrency() -> usize {
    std::env::var(CONCURRENCY_ENV)
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_CONCURRENCY)
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))
}

fn failed(verb: &str, state_path: &Path, failures: &[StepFailure], recorded: usize) -> Error {
    let list: Vec<String> = failures.iter().map(ToString::to_string).collect();
    let kept = if recorded == 0 {
        "nothing is recorded".to_string()
    } else {
        format!(
            "{recorded} steps are recorded in `{}`",
            state_path.display()
        )
    };
    Error::Failed(format!("{verb} failed: {}; {kept}", list.join("; ")))
}
