//! The order the plan's steps are written in, and each step's `depends_on`.
//!
//! Dependencies come from the refs each step holds plus its explicit edges
//! ([`Step::dependencies_into`]); the steps are then ordered topologically, always taking the
//! earliest ready step in IR order, so the order is deterministic and stable under edits.
//!
//! Dependencies and dependents are kept in flat lists cut by offsets rather than a list per
//! step, and ids are looked up in a fast hash map (`crate::hash`) rather than a `BTreeMap`:
//! at 1,000 services (7,000 steps) a list per step cost 2.9M instructions more under
//! callgrind, SipHash 2.7M more, and the `BTreeMap`'s string comparisons about 12M more.

#[cfg(test)]
use super::json::StepId;
#[cfg(test)]
use super::steps::Step;
use super::BackendError;
use crate::diag::Code;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The plan order of some steps and their dependencies, for the plain writer the tests hold
/// `emit`'s text to (`reference.rs`).
#[cfg(test)]
pub struct Ordered<'s> {
    /// Positions in the step list, in the order the plan writes them.
    pub order: Vec<usize>,
    /// Every step's dependencies, sorted and distinct, one step after another.
    deps: Vec<&'s StepId>,
    /// Step `i`'s dependencies are `deps[bounds[i]..bounds[i + 1]]`.
    bounds: Vec<usize>,
}

#[cfg(test)]
impl<'s> Ordered<'s> {
    /// The `depends_on` of the step at position `i`.
    pub fn depends_on(&self, i: usize) -> &[&'s StepId] {
        match (self.bounds.get(i), self.bounds.get(i + 1)) {
            (Some(&from), Some(&to)) => self.deps.get(from..to).unwrap_or_default(),
            _ => &[],
        }
    }
}

/// The plan order of built steps, with their dependencies ([`Step::dependencies_into`]).
#[cfg(test)]
pub fn ordered<'s>(steps: &'s [Step<'_>]) -> Result<Ordered<'s>, BackendError> {
    let mut deps = Vec::with_capacity(steps.len() * 4);
    let mut bounds = Vec::with_capacity(steps.len() + 1);
    bounds.push(0);
    for step in steps {
        step.dependencies_into(&mut deps, |id| id);
        bounds.push(deps.len());
    }
    let ids: Vec<&StepId> = steps.iter().map(|s| &s.id).collect();
    let order = topological(&ids, &deps, &bounds)?;
    Ok(Ordered {
        order,
        deps,
        bounds,
    })
}

/// Topological order of the steps named `ids`, dependencies first, ties broken by position;
/// step `i` depends on `deps[bounds[i]..bounds[i + 1]]`. A duplicate id or a ref to a step
/// that does not exist is a bug in this backend, reported rather than emitted.
pub fn topological(
    ids: &[impl AsRef<str>],
    deps: &[impl AsRef<str>],
    bounds: &[usize],
) -> Result<Vec<usize>, BackendError> {
    let internal = |message: String| BackendError {
        code: Code::E0901,
        message: format!("internal error (this is a bug in aprc): {message}"),
    };
    let n = ids.len();
    if bounds.len() != n + 1 || bounds.last() != Some(&deps.len()) {
        return Err(internal(
            "plan steps and their dependencies disagree".into(),
        ));
    }
    // Only looked up, never iterated, so the output does not depend on its order. A fast
    // hash (`crate::hash`): the ids are short and our own, so a keyed hash (std's SipHash,
    // which resists chosen keys) buys nothing here; at 1,000 services it cost 2.7M
    // instructions more.
    let mut position: crate::hash::Map<&str, usize> =
        crate::hash::Map::with_capacity_and_hasher(n, Default::default());
    for (i, id) in ids.iter().enumerate() {
        if position.insert(id.as_ref(), i).is_some() {
            return Err(internal(format!(
                "two plan steps would be named `{}`",
                id.as_ref()
            )));
        }
    }
    // Each step's dependents (positions), cut by `start` like `deps` by `bounds`: the
    // dependencies resolved, counted per step depended on, then placed.
    let mut resolved = Vec::with_capacity(deps.len());
    let mut start: Vec<usize> = vec![0; n + 1];
    for (i, id) in ids.iter().enumerate() {
        for dep in deps.get(bounds[i]..bounds[i + 1]).unwrap_or_default() {
            let Some(&j) = position.get(dep.as_ref()) else {
                return Err(internal(format!(
                    "plan step `{}` refers to the missing step `{}`",
                    id.as_ref(),
                    dep.as_ref()
                )));
            };
            resolved.push(j);
            start[j + 1] += 1;
        }
    }
    // Every step after all it depends on (every plan aprc builds: graph order is a plan
    // order): that is the order Kahn's algorithm below takes, without building it.
    let mut edges = resolved.iter();
    let backward = (0..n).all(|i| {
        edges
            .by_ref()
            .take(bounds[i + 1] - bounds[i])
            .all(|&j| j < i)
    });
    if backward {
        return Ok((0..n).collect());
    }
    for j in 0..n {
        start[j + 1] += start[j];
    }
    let mut next = start.clone();
    let mut dependents: Vec<usize> = vec![0; resolved.len()];
    let mut edges = resolved.iter();
    for i in 0..n {
        for &j in edges.by_ref().take(bounds[i + 1] - bounds[i]) {
            dependents[next[j]] = i;
            next[j] += 1;
        }
    }
    // Kahn's algorithm taking the lowest ready index each time: the same order as picking
    // "the first step in IR order whose dependencies are done", but linear-logarithmic
    // (the rescan from the start for every step made 1,000 services take seconds).
    let mut waiting: Vec<usize> = bounds.windows(2).map(|w| w[1] - w[0]).collect();
    let mut ready: BinaryHeap<Reverse<usize>> =
        (0..n).filter(|&i| waiting[i] == 0).map(Reverse).collect();
    let mut order: Vec<usize> = Vec::with_capacity(n);
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        for &k in &dependents[start[i]..start[i + 1]] {
            waiting[k] -= 1;
            if waiting[k] == 0 {
                ready.push(Reverse(k));
            }
        }
    }
    if order.len() < n {
        return Err(internal(
            "plan steps depend on each other in a cycle".into(),
        ));
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::super::json::{obj, J};
    use super::super::steps::{reference, Step};
    use super::ordered;

    fn step(id: &str, refs: &[&str]) -> Step<'static> {
        let input: Vec<J> = refs.iter().map(|r| reference((*r).into(), "Out")).collect();
        Step::new(id.into(), "ec2", "CreateVpc", obj! { "X" => input }).output("Out", "Vpc.VpcId")
    }

    fn ids(steps: Vec<Step>) -> Vec<String> {
        match ordered(&steps) {
            Ok(o) => o
                .order
                .into_iter()
                .map(|i| steps[i].id.to_string())
                .collect(),
            Err(e) => vec![format!("error: {}", e.message)],
        }
    }

    #[test]
    fn orders_dependencies_first_then_by_position() {
        let steps = vec![
            step("c", &["b"]),
            step("a", &[]),
            step("b", &["a"]),
            step("d", &[]),
        ];
        assert_eq!(ids(steps), ["a", "b", "c", "d"]);
        let steps = vec![
            step("a", &[]),
            step("b", &["a", "a"]).after("a".into()),
            step("c", &["b", "a", "c"]),
        ];
        let o = ordered(&steps).expect("orders");
        // Every step after what it depends on: the order is theirs.
        assert_eq!(o.order, [0, 1, 2]);
        let depends_on = |i| -> Vec<&str> { o.depends_on(i).iter().map(|d| &***d).collect() };
        assert!(depends_on(0).is_empty());
        assert_eq!(depends_on(1), ["a"]);
        assert_eq!(depends_on(2), ["a", "b"]);
        assert!(depends_on(3).is_empty());
    }

    #[test]
    fn refuses_cycles_duplicates_and_missing_steps() {
        assert!(ids(vec![step("a", &["b"]), step("b", &["a"])])[0].contains("cycle"));
        assert!(ids(vec![step("a", &[]), step("a", &[])])[0].contains("two plan steps"));
        assert!(ids(vec![step("a", &["z"])])[0].contains("missing step `z`"));
    }
}
