//! A service's `health { }` (E0306, E0311) and `scale { }` (E0307, W0007) blocks, each within
//! what its compute takes: App Runner's health check, or on ECS the target group's. Durations
//! are whole seconds because both take integers of seconds.

use super::partial;
use super::values::{Attrs, Statements};
use super::Ctx;
use crate::diag::{Code, Diagnostic};
use crate::model::{Compute, Health, HealthProtocol, Scale};
use crate::span::Span;
use crate::syntax::ast::{Block, ExprKind, Quantity, Unit};
use crate::text::Text;

/// What a compute's health check takes: (interval seconds, timeout seconds, thresholds).
type Ranges = ((i64, i64), (i64, i64), (i64, i64));

fn ranges(compute: Compute) -> Ranges {
    match compute {
        Compute::AppRunner => ((1, 20), (1, 20), (1, 20)),
        // A network load balancer target group's.
        Compute::Ecs => ((5, 300), (2, 120), (2, 10)),
    }
}

/// How many instances (App Runner) or tasks (ECS) `scale`'s `min` and `max` may ask for. On
/// ECS, the 500 targets a network load balancer with cross-zone load balancing takes.
fn tasks(compute: Compute) -> (i64, i64) {
    match compute {
        Compute::AppRunner => (1, 25),
        Compute::Ecs => (1, 500),
    }
}

/// ` on App Runner`, ` on ECS Fargate`: each compute has its own ranges, so the message
/// names the one it holds the value to (in a mixed app, another service's may differ).
fn on(compute: Compute) -> String {
    format!(" on {}", compute.title())
}

pub fn health(ctx: &mut Ctx, service: &str, block: &Block, compute: Compute) -> Option<Health> {
    let (interval_range, timeout_range, threshold_range) = ranges(compute);
    let owner = format!("the `health` block of service `{service}`");
    let known = [
        "protocol",
        "path",
        "interval",
        "timeout",
        "healthy",
        "unhealthy",
    ];
    let attrs = Attrs::gather(ctx, owner, &block.body, &known, &[], Statements::None);
    let mut ok = true;
    let protocol = attrs.keyword(ctx, "protocol", &["http", "tcp"]);
    ok &= protocol.is_some() || attrs.get("protocol").is_none();
    let path = match attrs.string(ctx, "path") {
        Some((p, span)) if partial::health_path_fault(&p).is_some() => {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0306,
                    format!("health check path `{p}` does not start with `/`"),
                    span,
                )
                .label("not an absolute path")
                .help(format!("write `{}`", absolute(&p)))
                .suggest(span, absolute(&p)),
            );
            ok = false;
            None
        }
        Some((p, span)) => Some((p, span)),
        None => {
            ok &= attrs.get("path").is_none();
            None
        }
    };
    let protocol = match (protocol, &path) {
        (Some(("tcp", proto_span)), Some((_, path_span))) => {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0311,
                    "a health check `path` needs the `http` protocol",
                    *path_span,
                )
                .label("a path is only used by HTTP checks")
                .secondary(proto_span, "TCP checks only open a connection")
                .help("remove `path`, or use `protocol = http`"),
            );
            ok = false;
            HealthProtocol::Tcp
        }
        (Some(("tcp", _)), None) => HealthProtocol::Tcp,
        (Some(_), _) | (None, Some(_)) => HealthProtocol::Http,
        (None, None) => HealthProtocol::Tcp,
    };
    // On ECS the timeout stays below the interval: the fix proposed for one keeps to it.
    let fit = |name: &str| match (compute, name) {
        (Compute::Ecs, "timeout") => (
            i64::MIN,
            written(&attrs, "interval", interval_range).map_or(i64::MAX, |i| i - 1),
        ),
        (Compute::Ecs, "interval") => (
            written(&attrs, "timeout", timeout_range).map_or(i64::MIN, |t| t + 1),
            i64::MAX,
        ),
        _ => (i64::MIN, i64::MAX),
    };
    let seconds = |ctx: &mut Ctx, name: &str, (lo, hi): (i64, i64)| -> Option<(u32, Span)> {
        let guessed = ctx.compute_guessed;
        let (q, span) = attrs.quantity(
            ctx,
            name,
            &[Unit::Ms, Unit::S, Unit::M, Unit::H],
            "a duration such as `10s`",
            // Seconds, within what the compute takes and the other timing allows (the unit
            // alone when the compute is a guess).
            |n| match guessed {
                // Only a value both computes take.
                true => {
                    let s = n.round() as i64;
                    let both = |c| match name {
                        "interval" => ranges(c).0,
                        _ => ranges(c).1,
                    };
                    let ((a, b), (c, d)) = (both(Compute::AppRunner), both(Compute::Ecs));
                    (a.max(c)..=b.min(d)).contains(&s).then(|| format!("{s}s"))
                }
                false => nearest(n.round() as i64, (lo, hi), fit(name)).map(|s| format!("{s}s")),
            },
        )?;
        match whole_seconds(q) {
            Some(s) if (lo as u64..=hi as u64).contains(&s) => Some((s as u32, span)),
            Some(s) => {
                let found = i64::try_from(s).unwrap_or(i64::MAX);
                range_error(
                    ctx,
                    Code::E0306,
                    &format!(
                        "health `{name}` must be {lo} to {hi} seconds{}, found {s}s",
                        on(compute)
                    ),
                    span,
                    name,
                    nearest(found, (lo, hi), fit(name)).map(|s| format!("{s}s")),
                    (lo, hi),
                );
                None
            }
            None => {
                ctx.diags.push(
                    Diagnostic::new(
                        Code::E0306,
                        format!("health `{name}` must be a whole number of seconds"),
                        span,
                    )
                    .label("not whole seconds")
                    .help(match ctx.compute_guessed {
                        true => "health check timings are whole seconds".to_string(),
                        false => format!(
                            "{} takes health check timings in whole seconds, {lo} to {hi}",
                            compute.title()
                        ),
                    }),
                );
                None
            }
        }
    };
    let interval = seconds(ctx, "interval", interval_range);
    let timeout = seconds(ctx, "timeout", timeout_range);
    ok &= interval.is_some() || attrs.get("interval").is_none();
    ok &= timeout.is_some() || attrs.get("timeout").is_none();
    // A load balancer's check gives up before the next one starts.
    if let (Compute::Ecs, Some((i, i_span)), Some((t, t_span))) = (compute, interval, timeout) {
        if t >= i {
            ctx.per_compute(
                Diagnostic::new(
                    Code::E0306,
                    format!("health `timeout` ({t}s) must be less than `interval` ({i}s) on ECS Fargate"),
                    t_span,
                )
                .label("not less than the interval")
                .secondary(i_span, "interval set here")
                .help("the load balancer's check must time out before the next one starts: lower `timeout` or raise `interval`"),
            );
            ok = false;
        }
    }
    let threshold = |ctx: &mut Ctx, name: &str| {
        bounded(
            ctx,
            &attrs,
            name,
            threshold_range,
            threshold_range,
            Code::E0306,
            &format!("health `{name}` threshold{}", on(compute)),
        )
    };
    let healthy = threshold(ctx, "healthy");
    let unhealthy = threshold(ctx, "unhealthy");
    ok &= healthy.is_some() || attrs.get("healthy").is_none();
    ok &= unhealthy.is_some() || attrs.get("unhealthy").is_none();
    ok.then_some(Health {
        protocol,
        path: path.map(|(p, _)| p),
        interval: interval.map(|(s, _)| s),
        timeout: timeout.map(|(s, _)| s),
        healthy,
        unhealthy,
    })
}

pub fn scale(ctx: &mut Ctx, service: &str, block: &Block, compute: Compute) -> Option<Scale> {
    let owner = format!("the `scale` block of service `{service}`");
    let attrs = Attrs::gather(
        ctx,
        owner,
        &block.body,
        &["min", "max", "concurrency"],
        &[],
        Statements::None,
    );
    let (lo, hi) = tasks(compute);
    // The fix proposed for `min` stays at most `max` as written, and the other way round.
    let count = |ctx: &mut Ctx, name: &str| {
        let what = format!("scale `{name}`{}", on(compute));
        let fit = match name {
            "min" => (lo, written(&attrs, "max", (lo, hi)).unwrap_or(hi)),
            _ => (written(&attrs, "min", (lo, hi)).unwrap_or(lo), hi),
        };
        bounded(ctx, &attrs, name, (lo, hi), fit, Code::E0307, &what)
    };
    let min = count(ctx, "min");
    let max = count(ctx, "max");
    let concurrency = match (compute, attrs.get("concurrency")) {
        (Compute::AppRunner, _) => bounded(
            ctx,
            &attrs,
            "concurrency",
            (1, 200),
            (1, 200),
            Code::E0307,
            "scale `concurrency` on App Runner",
        ),
        // Ignored on ECS, so its value is not held to App Runner's range: the warning is
        // the one diagnostic.
        (Compute::Ecs, None) => None,
        (Compute::Ecs, Some(e)) => {
            ctx.per_compute(
                Diagnostic::new(
                    Code::W0007,
                    format!("`concurrency` has no effect on ECS Fargate (service `{service}`)"),
                    e.span,
                )
                .label("App Runner only")
                .help("ECS scales on average CPU (target 60%) between `min` and `max`; remove `concurrency`"),
            );
            Some(100)
        }
    };
    let ok = ["min", "max", "concurrency"]
        .iter()
        .zip([min, max, concurrency])
        .all(|(n, v)| v.is_some() || attrs.get(n).is_none());
    let min = min.unwrap_or(1);
    // An unwritten `max` is the default (App Runner's 25), or `min` when that is higher.
    let (max, concurrency) = (max.unwrap_or(min.max(25)), concurrency.unwrap_or(100));
    if ok && max < min {
        let span = attrs.get("max").or(attrs.get("min")).map(|e| e.span)?;
        let mut d = Diagnostic::new(
            Code::E0307,
            format!("scale `max` ({max}) is below `min` ({min})"),
            span,
        )
        .label("smaller than `min`");
        if let (Some(m), Some(_)) = (attrs.get("min"), attrs.get("max")) {
            d = d.secondary(m.span, "`min` set here");
        }
        ctx.diags.push(d.help("`max` must be at least `min`"));
        return None;
    }
    ok.then_some(Scale {
        min,
        max,
        concurrency,
    })
}

/// An integer attribute in `lo..=hi`; `None` if absent or wrong. Out of range, the fix
/// proposed is the nearest value that also fits `fit` (what the block's other values
/// allow, such as `min` and `max`), so that it adds no error of its own.
fn bounded(
    ctx: &mut Ctx,
    attrs: &Attrs,
    name: &str,
    (lo, hi): (i64, i64),
    fit: (i64, i64),
    code: Code,
    what: &str,
) -> Option<u32> {
    let (v, span) = attrs.int(ctx, name)?;
    if (lo..=hi).contains(&v) {
        u32::try_from(v).ok()
    } else {
        let message = format!("{what} must be {lo} to {hi}, found {v}");
        let nearest = nearest(v, (lo, hi), fit).map(|n| n.to_string());
        range_error(ctx, code, &message, span, name, nearest, (lo, hi));
        None
    }
}

/// `v` brought into `lo..=hi` and `fit`, if they meet.
fn nearest(v: i64, (lo, hi): (i64, i64), (fit_lo, fit_hi): (i64, i64)) -> Option<i64> {
    let (lo, hi) = (lo.max(fit_lo), hi.min(fit_hi));
    (lo <= hi).then(|| v.clamp(lo, hi))
}

/// What `name` is written as, a whole number (of seconds for a duration), brought into
/// its own range `lo..=hi` (its own error proposes that): the other values of a block bound
/// the fix proposed for one of them. Kept well inside `i64`, so a bound one away is too.
fn written(attrs: &Attrs, name: &str, (lo, hi): (i64, i64)) -> Option<i64> {
    let v = match &attrs.get(name)?.kind {
        ExprKind::Int(i) => *i,
        ExprKind::Quantity(q) => i64::try_from(whole_seconds(q)?).unwrap_or(i64::MAX),
        _ => return None,
    };
    Some(v.clamp(lo, hi))
}

/// Attribute `name`'s value out of range, with the nearest value that fits as the help and
/// the fix (or the range alone, when no value fits beside the block's others).
fn range_error(
    ctx: &mut Ctx,
    code: Code,
    message: &str,
    span: Span,
    name: &str,
    nearest: Option<String>,
    (lo, hi): (i64, i64),
) {
    let d = Diagnostic::new(code, message, span).label("out of range");
    ctx.per_compute(match nearest {
        Some(value) => d
            .help(format!(
                "write `{name} = {value}`, the nearest value that fits"
            ))
            .suggest(span, value),
        None => d.help(format!(
            "write a value from {lo} to {hi} that fits the block's other values"
        )),
    });
}

/// `10s` -> 10, `1m` -> 60, `1500ms` -> None (not whole seconds).
pub fn whole_seconds(q: &Quantity) -> Option<u64> {
    let thousandths = super::values::thousandths(&q.value)?;
    let unit_ms: u64 = match q.unit {
        Unit::Ms => 1,
        Unit::S => 1_000,
        Unit::M => 60_000,
        Unit::H => 3_600_000,
        _ => return None,
    };
    // thousandths of a unit * unit in ms = microseconds.
    let micros = thousandths.checked_mul(unit_ms)?;
    (micros % 1_000_000 == 0).then_some(micros / 1_000_000)
}

/// The path with `/` in front, as a string literal (params kept as params).
fn absolute(path: &Text) -> String {
    let mut fixed = Text::lit("/");
    for part in &path.parts {
        fixed.push(part.clone());
    }
    crate::syntax::quote_text(&fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(value: &str, unit: Unit) -> Quantity {
        Quantity {
            value: value.into(),
            unit,
        }
    }

    #[test]
    fn durations_in_whole_seconds() {
        assert_eq!(whole_seconds(&q("10", Unit::S)), Some(10));
        assert_eq!(whole_seconds(&q("2000", Unit::Ms)), Some(2));
        assert_eq!(whole_seconds(&q("1500", Unit::Ms)), None);
        assert_eq!(whole_seconds(&q("0.5", Unit::M)), Some(30));
        assert_eq!(whole_seconds(&q("1", Unit::H)), Some(3600));
    }
}
