//! `allow ACTIONS on RESOURCES` in a service (E0701-E0703, W0006): exact IAM grants on the
//! service's own role. An action is `service:Action` (wildcards inside the name narrow it; a
//! whole service or `*` is refused), a resource is an ARN or an ARN pattern, and `*` as the
//! resource is a warning unless every action is one AWS does not scope to resources.

use super::values::{expect_string, mismatch};
use super::Ctx;
use crate::diag::{Code, Diagnostic};
use crate::model::Grant;
use crate::span::Span;
use crate::syntax::ast::{Allow, Expr, ExprKind};
use crate::text::{Text, TextPart};

/// Actions whose Service Authorization Reference entry has no resource type: `*` is their
/// only resource, so granting them on `*` is not a warning. Compared ignoring case.
const UNSCOPED: [&str; 24] = [
    "cloudwatch:GetMetricData",
    "cloudwatch:ListMetrics",
    "cloudwatch:PutMetricData",
    "cognito-idp:ListUserPools",
    "dynamodb:ListTables",
    "ec2:Describe*",
    "ecr:GetAuthorizationToken",
    "kms:ListAliases",
    "kms:ListKeys",
    "lambda:ListFunctions",
    "s3:ListAllMyBuckets",
    "secretsmanager:GetRandomPassword",
    "secretsmanager:ListSecrets",
    "sns:ListTopics",
    "sqs:ListQueues",
    "ssm:DescribeParameters",
    "states:ListStateMachines",
    "sts:GetCallerIdentity",
    "tag:GetResources",
    "xray:GetSamplingRules",
    "xray:GetSamplingStatisticSummaries",
    "xray:GetSamplingTargets",
    "xray:PutTelemetryRecords",
    "xray:PutTraceSegments",
];

/// The service's grants, sorted and without repeats (the role's policy does not depend on
/// the order of the statements); `None` when one of them has an error.
pub fn grants(ctx: &mut Ctx, allows: &[(&Allow, Span)]) -> Option<Vec<Grant>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (allow, _) in allows {
        match grant(ctx, allow) {
            Some(g) => out.push(g),
            None => ok = false,
        }
    }
    out.sort();
    out.dedup();
    ok.then_some(out)
}

fn grant(ctx: &mut Ctx, allow: &Allow) -> Option<Grant> {
    let action_exprs = elements(ctx, &allow.actions, "allow", "an IAM action")?;
    let resource_exprs = elements(ctx, &allow.resources, "on", "a resource ARN")?;
    let mut ok = true;
    let mut actions = Vec::new();
    for e in &action_exprs {
        let Some(text) = expect_string(ctx, e, "allow") else {
            ok = false;
            continue;
        };
        let Some(a) = text.as_literal() else {
            // Malformed as an action, as E0702's page says: IAM compares actions as written.
            ctx.diags.push(
                Diagnostic::new(Code::E0702, "an IAM action cannot use a param", e.span)
                    .label("expected the action written out")
                    .help("IAM checks actions as written: write the action out (`s3:GetObject`)"),
            );
            ok = false;
            continue;
        };
        match action(ctx, &a, e.span, &allow.resources) {
            Some(a) => actions.push(a),
            None => ok = false,
        }
    }
    let mut resources = Vec::new();
    let mut every_span = None;
    for e in &resource_exprs {
        match expect_string(ctx, e, "on") {
            Some(text) if text.as_literal().is_some_and(|s| every(&s)) => {
                every_span = Some(e.span);
                resources.push(text);
            }
            Some(text) => {
                ok &= resource(ctx, &text, e, &actions);
                resources.push(text);
            }
            None => ok = false,
        }
    }
    if let (Some(span), true) = (every_span, ok) {
        every_resource(ctx, span, &actions);
    }
    actions.sort();
    actions.dedup();
    resources.sort();
    resources.dedup();
    ok.then_some(Grant { actions, resources })
}

/// A string or a non-empty list of strings, as its elements.
fn elements<'e>(ctx: &mut Ctx, e: &'e Expr, what: &str, one: &str) -> Option<Vec<&'e Expr>> {
    match &e.kind {
        ExprKind::Str(_) => Some(vec![e]),
        ExprKind::List(items) if items.is_empty() => {
            let code = if what == "allow" {
                Code::E0702
            } else {
                Code::E0703
            };
            ctx.diags.push(
                Diagnostic::new(
                    code,
                    format!("an empty list after `{what}` grants nothing"),
                    e.span,
                )
                .label(format!("expected at least {one}"))
                .help("name what the service needs, or remove the `allow`"),
            );
            None
        }
        ExprKind::List(items) => Some(items.iter().collect()),
        _ => mismatch(ctx, e, what, "a string or a list of strings"),
    }
}

/// `service:Action`, with `*` and `?` allowed inside the name; returns it as written.
fn action(ctx: &mut Ctx, a: &str, span: Span, resources: &Expr) -> Option<String> {
    let Some((service, name)) = a.split_once(':') else {
        if all_wildcards(a) {
            let service = resource_service(resources);
            let mut d = Diagnostic::new(
                Code::E0701,
                format!("`{a}` grants every action of every AWS service"),
                span,
            )
            .label("every action");
            d = match service {
                Some(s) => d
                    .help(format!(
                        "name the actions the service calls, or a narrower pattern: `\"{s}:Get*\"`"
                    ))
                    .suggest(span, format!("\"{s}:Get*\"")),
                None => d.help("name the actions the service calls, as SERVICE:Action"),
            };
            ctx.diags.push(d);
            return None;
        }
        ctx.diags.push(
            Diagnostic::new(Code::E0702, format!("`{a}` is not an IAM action"), span)
                .label("expected SERVICE:Action")
                .help("an action names its service first, as in s3:GetObject"),
        );
        return None;
    };
    let service_ok = !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'?');
    if !service_ok || !name_ok {
        let mut d = Diagnostic::new(Code::E0702, format!("`{a}` is not an IAM action"), span)
            .label(if service_ok {
                "an action name is letters and digits, with `*` or `?` as wildcards"
            } else {
                "a service prefix is letters, digits and `-`"
            });
        let cleaned: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '?'))
            .collect();
        let prefix = service.trim().to_ascii_lowercase();
        let fixed = format!("{prefix}:{cleaned}");
        d = if !cleaned.is_empty()
            && !all_wildcards(&cleaned)
            && !prefix.is_empty()
            && prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            d.help(format!("write it as `\"{fixed}\"`"))
                .suggest(span, format!("\"{fixed}\""))
        } else {
            d.help("an action is SERVICE:Action, as in s3:GetObject")
        };
        ctx.diags.push(d);
        return None;
    }
    if service.bytes().any(|b| b.is_ascii_uppercase()) {
        let fixed = format!("{}:{name}", service.to_ascii_lowercase());
        ctx.diags.push(
            Diagnostic::new(Code::E0702, format!("`{a}` is not an IAM action"), span)
                .label("service prefixes are lowercase")
                .help(format!("write `\"{fixed}\"`"))
                .suggest(span, format!("\"{fixed}\"")),
        );
        return None;
    }
    if all_wildcards(name) {
        ctx.diags.push(
            Diagnostic::new(
                Code::E0701,
                format!("`{a}` grants every action of `{service}`"),
                span,
            )
            .label("a whole service")
            .help(format!(
                "name the actions the service calls, or a narrower pattern: `\"{service}:Get*\"`"
            ))
            .suggest(span, format!("\"{service}:Get*\"")),
        );
        return None;
    }
    Some(a.to_string())
}

/// Nothing but `*` and `?`: every action (of a service, or of all of them).
fn all_wildcards(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b == b'*' || b == b'?')
}

/// The service of the first ARN among the resources, for a help line about `*` actions.
fn resource_service(resources: &Expr) -> Option<String> {
    let items: Vec<&Expr> = match &resources.kind {
        ExprKind::List(items) => items.iter().collect(),
        _ => vec![resources],
    };
    items.into_iter().find_map(|e| {
        let ExprKind::Str(s) = &e.kind else {
            return None;
        };
        let text = s.as_literal()?;
        let service = text.strip_prefix("arn:")?.split(':').nth(1)?;
        let ok = !service.is_empty()
            && service
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        ok.then(|| service.to_string())
    })
}

/// An ARN or ARN pattern: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`. A string with
/// params is checked as far as its literal start.
fn resource(ctx: &mut Ctx, text: &Text, e: &Expr, actions: &[String]) -> bool {
    // A param stands for a part of the ARN, never for the whole or its start: checked with
    // `*` in its place, what it could at most be.
    let with_stars = text.with_params_as("*");
    let starts_literal =
        matches!(text.parts.first(), Some(TextPart::Lit(l)) if l.starts_with("arn:"));
    if is_arn_pattern(&with_stars) && (starts_literal || text.as_literal().is_some()) {
        let Some(theirs) = ctx.other_partition(text) else {
            return true;
        };
        let ours = ctx.partition.unwrap_or_default();
        ctx.diags.push(
            Diagnostic::new(Code::E0703, format!("`{text}` is in partition `{theirs}`, and IAM refuses it in a policy of partition `{ours}`"), e.span)
                .label("another AWS partition")
                .help(format!("grant a resource of the app's partition: `arn:{ours}:...`")),
        );
        return false;
    }
    let literal = text.as_literal().unwrap_or_default();
    let all_s3 = !actions.is_empty() && actions.iter().all(|a| a.starts_with("s3:"));
    let mut d = Diagnostic::new(
        Code::E0703,
        format!("`{text}` is not a resource ARN"),
        e.span,
    )
    .label("expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE");
    d = if all_s3
        && !literal.is_empty()
        && !literal.starts_with("arn:")
        && is_arn_pattern(&format!("arn:aws:s3:::{literal}"))
    {
        let fixed = crate::syntax::quote(&format!("arn:aws:s3:::{literal}"));
        d.help(format!("an S3 bucket or object is written `{fixed}`"))
            .suggest(e.span, fixed)
    } else {
        d.help("write the resource's ARN; a star in it matches any run of characters")
    };
    ctx.diags.push(d);
    false
}

/// `*`, or an ARN pattern whose resource is nothing but wildcards (`arn:aws:s3:::*`): every
/// resource the actions reach.
fn every(s: &str) -> bool {
    s == "*" || (is_arn_pattern(s) && s.splitn(6, ':').nth(5).is_some_and(all_wildcards))
}

pub fn is_arn_pattern(s: &str) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else {
        return false;
    };
    let word = |w: &str, extra: &[u8]| {
        w.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || extra.contains(&b))
    };
    *arn == "arn"
        && (crate::backends::PARTITION_NAMES.contains(partition)
            || (partition.contains('*') && word(partition, b"-*?")))
        && !service.is_empty()
        && word(service, b"-*?")
        && word(region, b"-*?")
        && (account.is_empty()
            || *account == "aws"
            || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
            || (account.contains(['*', '?'])
                && account
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'*' || b == b'?')))
        && !resource.is_empty()
        && !resource.contains(char::is_whitespace)
}

/// W0006: `*` for an action AWS scopes to resources grants it on everything it can reach.
fn every_resource(ctx: &mut Ctx, span: Span, actions: &[String]) {
    let scoped: Vec<&String> = actions
        .iter()
        .filter(|a| !UNSCOPED.iter().any(|u| matches(u, a)))
        .collect();
    let Some(first) = scoped.first() else {
        return;
    };
    let more = match scoped.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    ctx.diags.push(
        Diagnostic::new(
            Code::W0006,
            format!("`*` grants `{first}`{more} on every resource"),
            span,
        )
        .label("every resource")
        .help("name the resources by ARN; only actions AWS does not scope to resources need `*`"),
    );
}

/// Whether IAM's wildcard `pattern` (`*` any run, `?` one character) matches `s`, ignoring
/// case, as IAM compares actions.
fn matches(pattern: &str, s: &str) -> bool {
    let (p, s): (Vec<u8>, Vec<u8>) = (
        pattern.to_ascii_lowercase().into_bytes(),
        s.to_ascii_lowercase().into_bytes(),
    );
    // Classic two-pointer glob match with backtracking to the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < s.len() {
        if i < p.len() && (p[i] == b'?' || p[i] == s[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == b'*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(st) = star {
            i = st + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::{every, is_arn_pattern, matches};

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(matches("ec2:Describe*", "ec2:DescribeInstances"));
        assert!(matches("ec2:Describe*", "EC2:describe*"));
        assert!(matches("xray:PutTraceSegments", "xray:puttracesegments"));
        assert!(!matches("ec2:Describe*", "ec2:RunInstances"));
        assert!(matches("s3:?et*", "s3:GetObject"));
        assert!(!matches("s3:?et", "s3:GetObject"));
    }

    #[test]
    fn every_resource() {
        assert!(every("*"));
        assert!(every("arn:aws:s3:::*"));
        assert!(every("arn:*:*:*:*:*"));
        assert!(!every("arn:aws:s3:::bucket/*"));
        assert!(!every("arn:aws:dynamodb:eu-west-1:123456789012:table/*"));
    }

    #[test]
    fn arn_patterns() {
        assert!(is_arn_pattern("arn:aws:s3:::orders-archive/*"));
        assert!(is_arn_pattern(
            "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
        ));
        assert!(is_arn_pattern("arn:aws:sqs:*:123456789012:jobs-*"));
        assert!(is_arn_pattern("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert!(is_arn_pattern("arn:aws-cn:s3:::b"));
        assert!(is_arn_pattern("arn:aws-iso-f:s3:::b") && is_arn_pattern("arn:aws-eusc:s3:::b"));
        assert!(!is_arn_pattern("orders-archive/*"));
        assert!(!is_arn_pattern("arn:aws:s3:::"));
        assert!(!is_arn_pattern("arn:aws:s3::"));
        assert!(!is_arn_pattern("arn:amazon:s3:::b"));
        assert!(!is_arn_pattern("arn:aws:dynamodb:eu-west-1:1234:table/t"));
        assert!(!is_arn_pattern("arn:aws:S3:::b"));
    }
}
