//! Destroy: runs the recorded deletes in reverse dependency order (a step is undone only
//! once every recorded step that depends on it is gone), at most `concurrency` at a time,
//! removing each entry from the state file as soon as its delete succeeds.
//!
//! Retained steps (the plan's `retain`: resources that outlive the app, such as API
//! Gateway's account-wide logging role) are neither deleted nor forgotten: their records stay
//! in the state, and they hold back nothing else's delete.
//!
//! AWS deletes are eventually consistent: a security group stays "in use" for a while after
//! the endpoint using it is deleted. Such conflicts are retried with backoff for a bounded
//! time; a resource that is already gone counts as deleted, so a destroy that was interrupted
//! can simply be run again. The first Ctrl-C (or SIGTERM) starts no other delete and lets the
//! running ones finish and be saved, as in apply.

use super::clients::Clients;
use super::convert::CallError;
use super::exec::{interrupted_with, wait_for, Runner, StepFailure, Until};
use super::generated;
use super::progress::Progress;
use super::state::State;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// How long a delete that conflicts with a resource still being deleted is retried.
const CONFLICT_RETRY: Duration = Duration::from_secs(600);

pub async fn destroy(
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
    let mut started: BTreeSet<String> = BTreeSet::new();
    let mut running: JoinSet<(String, Result<(), StepFailure>)> = JoinSet::new();
    let mut failures = Vec::new();
    let mut interrupted = false;
    // Signals only set a flag, as in apply: the loop looks at it between events.
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    loop {
        // Start deletes while there is room, nothing failed and no Ctrl-C came (read before
        // every start: a delete that finished would otherwise start the next after it).
        while failures.is_empty()
            && !interrupt.load(Ordering::SeqCst)
            && running.len() < (*concurrency).max(1)
        {
            // The most recently completed step that nothing remaining depends on.
            let ready = state.steps.iter().rev().find(|(id, record)| {
                !record.retain
                    && !started.contains(*id)
                    && !state
                        .steps
                        .values()
                        .any(|r| !r.retain && r.depends_on.iter().any(|d| d == *id))
            });
            let Some((id, record)) = ready else { break };
            let id = id.clone();
            started.insert(id.clone());
            progress.start(&id);
            let Some(delete) = record.delete.clone() else {
                // Nothing to undo (a describe, an attribute change of a deleted resource).
                state.steps.shift_remove(&id);
                save(state, state_path, &mut failures);
                progress.finish(&id);
                continue;
            };
            let service = record.service.clone();
            let clients = clients.clone();
            running.spawn(async move {
                let mut result = delete_one(&clients, &service, &delete.operation, &delete.input)
                    .await
                    .map_err(|error| StepFailure {
                        step: id.clone(),
                        call: format!("{service} {}", delete.operation),
                        error,
                    });
                if let (Ok(()), Some(wait)) = (&result, &delete.wait) {
                    result = wait_for(&clients, &service, wait, &wait.input, Until::Gone)
                        .await
                        .map(|_| ())
                        .map_err(|error| StepFailure {
                            step: id.clone(),
                            call: format!("wait {service} {}", wait.operation),
                            error,
                        });
                }
                (id, result)
            });
        }
        // Ctrl-C or SIGTERM: start no other delete and let the running ones finish and be
        // saved, so that destroy run again repeats none of them; a second one exits at once.
        if interrupt.load(Ordering::SeqCst) && !interrupted {
            interrupted = true;
            failures.push(interrupted_with(progress, running.len(), "delete"));
        }
        if running.is_empty() {
            break;
        }
        let joined = tokio::select! {
            Some(joined) = running.join_next() => joined,
            // Wakes the loop to look at the interrupt flag while deletes run.
            _ = tick.tick() => continue,
        };
        match joined {
            Ok((id, Ok(()))) => {
                state.steps.shift_remove(&id);
                save(state, state_path, &mut failures);
                progress.finish(&id);
            }
            Ok((id, Err(failure))) => {
                progress.fail(&id, &failure.error);
                failures.push(failure);
            }
            Err(e) => failures.push(StepFailure {
                step: "?".into(),
                call: "task".into(),
                error: format!("a delete task ended abnormally: {e}"),
            }),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

fn save(state: &State, path: &Path, failures: &mut Vec<StepFailure>) {
    if let Err(error) = state.save(path) {
        failures.push(StepFailure {
            step: "-".into(),
            call: "state".into(),
            error,
        });
    }
}

async fn delete_one(
    clients: &Clients,
    service: &str,
    operation: &str,
    input: &Value,
) -> Result<(), String> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(500);
    let mut deregistered = false;
    loop {
        match generated::call(clients, service, operation, input).await {
            // ECS answers a delete it refuses with `failures` and a success status.
            Ok(response) => match refusal(&response) {
                None => return Ok(()),
                Some(reason) if reason.contains("does not exist") => return Ok(()),
                // A revision still ACTIVE: the apply stopped before the step after it (whose
                // delete deregisters it) ran, so it is deregistered here, once, and deleted.
                Some(reason)
                    if operation == "DeleteTaskDefinitions"
                        && reason.contains("ACTIVE")
                        && !deregistered =>
                {
                    deregistered = true;
                    for arn in input["taskDefinitions"].as_array().into_iter().flatten() {
                        let revision = serde_json::json!({ "taskDefinition": arn });
                        generated::call(clients, service, "DeregisterTaskDefinition", &revision)
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                }
                Some(reason) => return Err(format!("{operation} refused: {reason}")),
            },
            Err(CallError::Aws {
                code: Some(code), ..
            }) if already_gone(&code) => return Ok(()),
            Err(CallError::Aws {
                code: Some(code), ..
            }) if still_in_use(&code) && start.elapsed() + pause < CONFLICT_RETRY => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(20));
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// The first reason of a response's `failures` (ECS's way of refusing part of a call).
fn refusal(response: &Value) -> Option<String> {
    let failure = response.get("failures")?.as_array()?.first()?;
    let reason = failure
        .get("reason")
        .and_then(Value::as_str)
        .unwrap_or("no reason given");
    Some(match failure.get("arn").and_then(Value::as_str) {
        Some(arn) => format!("{reason} ({arn})"),
        None => reason.to_string(),
    })
}

/// Error codes meaning the resource does not exist (any more).
pub fn already_gone(code: &str) -> bool {
    code.contains("NotFound") || code == "NoSuchEntity"
}

/// Error codes meaning something still uses the resource, which usually passes.
pub fn still_in_use(code: &str) -> bool {
    matches!(
        code,
        "DependencyViolation"
            | "ResourceInUse"
            | "ResourceInUseException"
            | "InvalidStateException"
            | "ConflictException"
            | "DeleteConflict"
            // A cluster whose services' tasks are still stopping.
            | "ClusterContainsTasksException"
            | "ClusterContainsServicesException"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_classified() {
        for gone in [
            "InvalidVpcID.NotFound",
            "NotFoundException",
            "LoadBalancerNotFound",
            "NoSuchEntity",
            "ResourceNotFoundException",
        ] {
            assert!(already_gone(gone), "{gone}");
            assert!(!still_in_use(gone), "{gone}");
        }
        for busy in [
            "DependencyViolation",
            "InvalidStateException",
            "DeleteConflict",
        ] {
            assert!(still_in_use(busy) && !already_gone(busy), "{busy}");
        }
        assert!(!already_gone("AccessDenied") && !still_in_use("AccessDenied"));
    }

    #[test]
    fn a_refusal_is_read_from_failures() {
        let refused = serde_json::json!({
            "taskDefinitions": [],
            "failures": [{ "arn": "arn:aws:ecs:eu-west-1:1:task-definition/a:1", "reason": "still in ACTIVE status" }]
        });
        assert_eq!(
            refusal(&refused).as_deref(),
            Some("still in ACTIVE status (arn:aws:ecs:eu-west-1:1:task-definition/a:1)")
        );
        assert_eq!(refusal(&serde_json::json!({ "failures": [] })), None);
        assert_eq!(refusal(&serde_json::json!({ "taskDefinitions": [] })), None);
    }
}
