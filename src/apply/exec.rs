//! The apply scheduler: runs every step not yet recorded, each as soon as the steps it
//! depends on are done, at most `concurrency` at a time.
//!
//! One loop owns the state and the recorded outputs; steps run as tasks and report back over
//! a channel (call done, with outputs) and through their join handle (wait done or failed).
//! The state is saved after every report. After a failure (or a Ctrl-C / SIGTERM) no new step starts,
//! the running ones finish and are recorded, and every failure is returned.

use super::clients::Clients;
use super::convert::CallError;
use super::generated;
use super::plan::{lookup, Call, Plan, Step, Values, Wait};
use super::progress::Progress;
use super::state::{call_digest, Record, State};
use indexmap::IndexMap;
use serde_json::Value;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// First pause between two polls of a wait; it grows by half each time up to `WAIT_MAX`.
const WAIT_FIRST: Duration = Duration::from_millis(300);
const WAIT_MAX: Duration = Duration::from_secs(15);

/// A step that failed: which one, which call, and what AWS (or the plan) said. `step` is
/// `-` for what belongs to no step (an interrupt, the state file) or `?` when unknown.
#[derive(Debug, Clone, PartialEq)]
pub struct StepFailure {
    pub step: String,
    pub call: String,
    pub error: String,
}

impl std::fmt::Display for StepFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.step.as_str() {
            "-" | "?" => write!(f, "{}: {}", self.call, self.error),
            step => write!(f, "step `{step}` ({}): {}", self.call, self.error),
        }
    }
}

/// What a step's wait read (its version 2 `outputs`), by output name.
type Read = IndexMap<String, Value>;

/// The call of step `idx` succeeded: record it before its wait.
struct Called {
    idx: usize,
    outputs: IndexMap<String, Value>,
    delete: Option<Call>,
    /// The call as made ([`call_digest`]), for the record.
    call: String,
}

/// How a run talks to AWS and how it is bounded.
pub struct Runner<'a> {
    pub clients: Arc<Clients>,
    pub concurrency: usize,
    /// Set by a signal handler: start nothing more.
    pub interrupt: &'a AtomicBool,
}

pub async fn apply(
    plan: &Plan,
    values: &mut Values,
    state: &mut State,
    state_path: &Path,
    runner: &Runner<'_>,
    progress: &mut Progress,
) -> Result<(), Vec<StepFailure>> {
    let Runner {
        clients,
        concurrency,
        interrupt,
    } = runner;
    let save = |state: &State, failures: &mut Vec<StepFailure>| {
        if let Err(e) = state.save(state_path) {
            failures.push(StepFailure {
                step: "-".into(),
                call: "state".into(),
                error: e,
            });
        }
    };
    let mut started = vec![false; plan.steps.len()];
    for (i, step) in plan.steps.iter().enumerate() {
        started[i] = state.is_done(&step.id);
    }
    let (tx, mut rx) = mpsc::unbounded_channel::<Called>();
    let mut running: JoinSet<(usize, Result<Read, StepFailure>)> = JoinSet::new();
    let mut failures: Vec<StepFailure> = Vec::new();
    let mut interrupted = false;
    // Signals only set a flag (signal-hook); the loop looks at it between events.
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    loop {
        // Start every ready step while there is room, nothing has failed and no Ctrl-C came
        // (read before every start: a step finishing would otherwise start its dependents
        // after the signal).
        while failures.is_empty()
            && !interrupt.load(Ordering::SeqCst)
            && running.len() < (*concurrency).max(1)
        {
            let ready = plan
                .steps
                .iter()
                .enumerate()
                .find(|(i, s)| !started[*i] && s.depends_on.iter().all(|d| state.is_done(d)));
            let Some((i, step)) = ready else { break };
            started[i] = true;
            let resume = state.steps.get(&step.id).map(|r| r.outputs.clone());
            progress.start(&step.id);
            running.spawn(run_step(
                clients.clone(),
                i,
                step.clone(),
                values.clone(),
                resume,
                tx.clone(),
            ));
        }
        // Ctrl-C or SIGTERM: start nothing more and let the running steps finish; a second
        // one exits at once (every call that returned is already saved).
        // (Once every step has started, there is nothing left to leave undone.)
        if interrupt.load(Ordering::SeqCst) && !interrupted && started.iter().any(|s| !s) {
            interrupted = true;
            failures.push(interrupted_with(progress, running.len(), "step"));
        }
        if running.is_empty() {
            break;
        }
        // A call's record is saved as soon as it arrives (`biased`: before its step's join).
        let joined = tokio::select! {
            biased;
            Some(called) = rx.recv() => {
                record_call(plan, values, state, called);
                save(state, &mut failures);
                continue;
            }
            Some(joined) = running.join_next() => joined,
            // Wakes the loop to look at the interrupt flag while steps run.
            _ = tick.tick() => continue,
        };
        // `biased` is not enough: a step can send its call and end between the poll of `rx`
        // and the poll of `running`. Its call was sent before it ended, so it is in the
        // channel now: record it before the join, or the join finds no record to mark
        // waited, and its dependents never start (and with nothing else running, the call
        // would go unrecorded).
        while let Ok(called) = rx.try_recv() {
            record_call(plan, values, state, called);
            save(state, &mut failures);
        }
        match joined {
            Ok((i, Ok(waited))) => {
                let id = &plan.steps[i].id;
                if let Some(record) = state.steps.get_mut(id) {
                    // What the wait read (version 2) joins the call's outputs.
                    record.outputs.extend(waited.clone());
                    record.waited = true;
                }
                if let Some(outputs) = values.outputs.get_mut(id) {
                    outputs.extend(waited);
                }
                save(state, &mut failures);
                progress.finish(id);
            }
            Ok((i, Err(failure))) => {
                progress.fail(&plan.steps[i].id, &failure.error);
                failures.push(failure);
            }
            Err(e) => failures.push(StepFailure {
                step: "?".into(),
                call: "task".into(),
                error: format!("a step task ended abnormally: {e}"),
            }),
        }
    }
    if failures.is_empty() {
        if let Some(i) = started.iter().position(|s| !s) {
            // Unreachable for a validated plan (dependencies come first), kept as a guard.
            failures.push(StepFailure {
                step: plan.steps[i].id.clone(),
                call: "schedule".into(),
                error: "its dependencies never completed".into(),
            });
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

/// The first Ctrl-C of a run (apply's steps, destroy's deletes): says how many `what`s are
/// left to finish, and the failure that makes the run exit 1.
pub fn interrupted_with(progress: &mut Progress, running: usize, what: &str) -> StepFailure {
    progress.note(&format!(
        "interrupted: letting {running} running {what}s finish (again to stop now)"
    ));
    StepFailure {
        step: "-".into(),
        call: "interrupt".into(),
        error: format!("interrupted before every {what} ran"),
    }
}

fn record_call(plan: &Plan, values: &mut Values, state: &mut State, called: Called) {
    let Some(step) = plan.steps.get(called.idx) else {
        return;
    };
    values
        .outputs
        .insert(step.id.clone(), called.outputs.clone());
    state.steps.insert(
        step.id.clone(),
        Record {
            service: step.service.clone(),
            operation: step.operation.clone(),
            depends_on: step.depends_on.clone(),
            outputs: called.outputs,
            waited: false,
            delete: called.delete,
            retain: step.retain,
            call: Some(called.call),
        },
    );
}

/// One step: its call (unless `resume` holds the outputs of a call already made), then its
/// wait. The call's outputs and resolved delete are sent as soon as the call succeeds; what
/// the step's wait reads (its `outputs`) is returned once the wait has succeeded.
async fn run_step(
    clients: Arc<Clients>,
    idx: usize,
    step: Step,
    mut values: Values,
    resume: Option<IndexMap<String, Value>>,
    tx: mpsc::UnboundedSender<Called>,
) -> (usize, Result<Read, StepFailure>) {
    let fail = |call: String, error: String| StepFailure {
        step: step.id.clone(),
        call,
        error,
    };
    let this_call = format!("{} {}", step.service, step.operation);
    let outputs = match resume {
        Some(outputs) => outputs,
        None => {
            let input = match values.resolve(&step.input) {
                Ok(input) => input,
                Err(e) => return (idx, Err(fail(this_call, e))),
            };
            let response = match call_once_roles_work(&clients, &step, &input).await {
                Ok(r) => r,
                Err(e) => return (idx, Err(fail(this_call, e.to_string()))),
            };
            let mut outputs = IndexMap::new();
            for (name, path) in &step.outputs {
                match lookup(&response, path) {
                    Some(v) => {
                        outputs.insert(name.clone(), v.clone());
                    }
                    None => {
                        let e = format!("output `{name}`: `{path}` is not in the response");
                        return (idx, Err(fail(this_call, e)));
                    }
                }
            }
            values.outputs.insert(step.id.clone(), outputs.clone());
            let delete = match &step.delete {
                Some(d) => {
                    let wait = match &d.wait {
                        Some(w) => match values.resolve(&w.input) {
                            Ok(input) => Some(Wait { input, ..w.clone() }),
                            Err(e) => {
                                return (idx, Err(fail(format!("delete wait {}", w.operation), e)))
                            }
                        },
                        None => None,
                    };
                    match values.resolve(&d.input) {
                        Ok(input) => Some(Call {
                            operation: d.operation.clone(),
                            input,
                            wait,
                        }),
                        Err(e) => return (idx, Err(fail(format!("delete {}", d.operation), e))),
                    }
                }
                None => None,
            };
            // The receiver lives as long as the scheduler, which outlives every task.
            let _ = tx.send(Called {
                idx,
                outputs: outputs.clone(),
                delete,
                call: call_digest(&step.service, &step.operation, &input),
            });
            outputs
        }
    };
    let Some(wait) = &step.wait else {
        return (idx, Ok(IndexMap::new()));
    };
    values.outputs.insert(step.id.clone(), outputs);
    let call = format!("wait {} {}", step.service, wait.operation);
    let result = match values.resolve(&wait.input) {
        Ok(input) => wait_for(&clients, &step.service, wait, &input, Until::Ready).await,
        Err(e) => Err(e),
    };
    let read = result.and_then(|last| {
        let mut read = IndexMap::new();
        for (name, path) in &wait.outputs {
            let value = lookup(&last, path).ok_or_else(|| {
                format!("wait output `{name}`: `{path}` is not in the last response")
            })?;
            read.insert(name.clone(), value.clone());
        }
        Ok(read)
    });
    (idx, read.map_err(|e| fail(call, e)))
}

/// How long a call refused because a role it names was just created is retried: IAM is
/// eventually consistent, and a new role can take seconds (rarely minutes) to become usable
/// by the service that assumes it.
const IAM_PROPAGATION: Duration = Duration::from_secs(180);
const IAM_FIRST: Duration = Duration::from_secs(2);
const IAM_MAX: Duration = Duration::from_secs(15);

/// The step's call, retried with a growing pause for up to [`IAM_PROPAGATION`] while AWS
/// refuses it because a role it names has not yet reached the service ([`role_not_ready`]).
/// Every other answer, success or error, is returned at once.
async fn call_once_roles_work(
    clients: &Clients,
    step: &Step,
    input: &Value,
) -> Result<Value, CallError> {
    let start = Instant::now();
    let mut pause = IAM_FIRST;
    loop {
        match generated::call(clients, &step.service, &step.operation, input).await {
            Err(e)
                if role_not_ready(&step.service, &step.operation, &e)
                    && start.elapsed() + pause < IAM_PROPAGATION =>
            {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(IAM_MAX);
            }
            other => return other,
        }
    }
}

/// Whether AWS refused a call because a role it names is not (yet) assumable by the service:
/// App Runner's "Error in assuming access role" (or instance role) on a new service, API
/// Gateway's "role ARN does not have required permissions" on the account's logging role.
/// Right after the role and its policies were created, that is IAM catching up, not a wrong
/// role: the role's trust and permissions are aprc's own.
pub fn role_not_ready(service: &str, operation: &str, error: &CallError) -> bool {
    let CallError::Aws {
        code: Some(code),
        message,
    } = error
    else {
        return false;
    };
    match (service, operation, code.as_str()) {
        ("apprunner", "CreateService", "InvalidRequestException") => {
            message.contains("Error in assuming")
        }
        ("apigateway", "UpdateAccount", "BadRequestException") => {
            message.contains("role ARN does not have required permissions")
        }
        // A fresh account's ECS service-linked role, created by the first cluster, is not
        // usable at once (the Terraform provider retries this too).
        ("ecs", "CreateCluster", "InvalidParameterException") => {
            message.contains("Unable to assume the service linked role")
        }
        _ => false,
    }
}

/// What a wait waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Until {
    /// A created resource to be ready: a value containing `FAIL` ends the wait at once.
    Ready,
    /// A deleted resource to be gone: not finding it at all is as good (a resumed destroy
    /// may find it long gone), and ECS describes a resource it no longer knows as a failure
    /// `MISSING`.
    Gone,
}

/// Polls until the value at the wait's path is the expected one, with a growing pause, and
/// returns that last response (`null` for a resource found gone). AWS errors count as "not
/// yet" until the timeout (a resource just created may not be visible yet).
pub(super) async fn wait_for(
    clients: &Clients,
    service: &str,
    wait: &Wait,
    input: &Value,
    until: Until,
) -> Result<Value, String> {
    let start = Instant::now();
    let timeout = Duration::from_secs(wait.timeout_seconds);
    let mut pause = WAIT_FIRST;
    loop {
        let last = match generated::call(clients, service, &wait.operation, input).await {
            Ok(response) => match lookup(&response, &wait.path) {
                Some(v) if *v == wait.expect => return Ok(response),
                _ if until == Until::Gone
                    && lookup(&response, "failures[0].reason").is_some_and(|r| r == "MISSING") =>
                {
                    return Ok(response)
                }
                Some(Value::String(s))
                    if until == Until::Ready && s.to_ascii_uppercase().contains("FAIL") =>
                {
                    return Err(format!(
                        "`{}` is `{s}`, expected {}",
                        wait.path, wait.expect
                    ));
                }
                Some(v) => format!("`{}` was {v}", wait.path),
                None => format!("`{}` was absent", wait.path),
            },
            Err(CallError::Aws {
                code: Some(code), ..
            }) if until == Until::Gone && super::destroy::already_gone(&code) => {
                return Ok(Value::Null)
            }
            Err(e @ CallError::Aws { .. }) => e.to_string(),
            Err(e) => return Err(e.to_string()),
        };
        if start.elapsed() + pause > timeout {
            return Err(format!(
                "timed out after {}s waiting for `{}` = {}; {last}",
                wait.timeout_seconds, wait.path, wait.expect
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 3 / 2).min(WAIT_MAX);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(code: &str, message: &str) -> CallError {
        CallError::Aws {
            code: Some(code.into()),
            message: message.into(),
        }
    }

    #[test]
    fn only_a_role_not_yet_usable_is_retried() {
        let assume = aws(
            "InvalidRequestException",
            "Error in assuming access role arn:aws:iam::123456789012:role/shop-orders-access",
        );
        assert!(role_not_ready("apprunner", "CreateService", &assume));
        assert!(!role_not_ready("apprunner", "CreateVpcConnector", &assume));
        let other = aws("InvalidRequestException", "Service name already exists");
        assert!(!role_not_ready("apprunner", "CreateService", &other));
        let account = aws(
            "BadRequestException",
            "The role ARN does not have required permissions set to API Gateway",
        );
        assert!(role_not_ready("apigateway", "UpdateAccount", &account));
        assert!(!role_not_ready("apigateway", "CreateStage", &account));
        let unsupported = CallError::Unsupported("x".into());
        assert!(!role_not_ready("apprunner", "CreateService", &unsupported));
    }
}
