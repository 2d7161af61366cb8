//! A service's `env` and `secrets` maps: variable names (E0304), secret ARNs (E0305), and
//! the URL references `env` may hold (`urls.rs`).
//! App Runner passes both as environment variables, so they share one set of names.

use super::symbols::Symbols;
use super::values::{expect_string, mismatch, param, Attrs};
use super::Ctx;
use crate::diag::{Code, Diagnostic};
use crate::model::{EnvPart, EnvValue, UrlOf};
use crate::span::Span;
use crate::syntax::ast::{ExprKind, MapEntry, StrLit, StrPart};
use crate::text::{Text, TextPart};
use std::collections::BTreeMap;

/// `secrets`: names checked (E0304), values strings; `None` on any error.
pub fn variables(
    ctx: &mut Ctx,
    attrs: &Attrs,
    which: &str,
) -> Option<BTreeMap<String, (Text, Span)>> {
    let (entries, mut ok) = named(ctx, attrs, which)?;
    let mut out = BTreeMap::new();
    for entry in entries {
        match expect_string(ctx, &entry.value, which) {
            Some(text) => {
                out.entry(entry.key.name.clone())
                    .or_insert((text, entry.value.span));
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// `env`: names checked (E0304); values are strings, which may interpolate params and URLs
/// (`"${orders.url}/v1"`), or a URL reference alone (`orders.url`), in service `from`.
/// `None` on any error.
pub fn env(
    ctx: &mut Ctx,
    syms: &Symbols,
    from: &str,
    attrs: &Attrs,
    urls: &mut Vec<(UrlOf, Span)>,
) -> Option<BTreeMap<String, (EnvValue, Span)>> {
    let (entries, mut ok) = named(ctx, attrs, "env")?;
    let mut out = BTreeMap::new();
    for entry in entries {
        let e = &entry.value;
        let value = match &e.kind {
            ExprKind::Reference(written) => {
                super::urls::reference(ctx, syms, from, written, e.span, false).map(|url| {
                    urls.push((url.clone(), e.span));
                    EnvValue {
                        parts: vec![EnvPart::Url(url)],
                    }
                })
            }
            ExprKind::Str(s) => env_string(ctx, syms, from, s, urls),
            _ => mismatch(ctx, e, "env", "a string or a URL reference"),
        };
        match value {
            Some(value) => {
                out.entry(entry.key.name.clone()).or_insert((value, e.span));
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// A string of `env`: literal text, params and URL references.
fn env_string(
    ctx: &mut Ctx,
    syms: &Symbols,
    from: &str,
    s: &StrLit,
    urls: &mut Vec<(UrlOf, Span)>,
) -> Option<EnvValue> {
    let mut value = EnvValue::default();
    let mut ok = true;
    for part in &s.parts {
        match part {
            StrPart::Interp(id) if id.name.contains('.') => {
                match super::urls::reference(ctx, syms, from, &id.name, id.span, true) {
                    Some(url) => {
                        urls.push((url.clone(), id.span));
                        value.parts.push(EnvPart::Url(url));
                    }
                    None => ok = false,
                }
            }
            StrPart::Interp(id) => match param(ctx, id) {
                Some(p) => value.push_text(Text { parts: vec![p] }),
                None => ok = false,
            },
            StrPart::Lit(l) => value.push_text(Text::lit(l.clone())),
        }
    }
    ok.then_some(value)
}

/// An invalid variable name made valid: each other character as `_`, and `_` before a
/// leading digit.
fn fixed_name(key: &str) -> String {
    let mut fixed: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !fixed.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        fixed.insert(0, '_');
    }
    fixed
}

/// The entries of the map `which`, those with an invalid name reported (E0304) and left out;
/// the flag is false when one was. `None` when it is written but is not a map.
fn named<'a>(ctx: &mut Ctx, attrs: &Attrs<'a>, which: &str) -> Option<(Vec<&'a MapEntry>, bool)> {
    let Some(entries) = attrs.map(ctx, which) else {
        return attrs.get(which).is_none().then(|| (Vec::new(), true));
    };
    let mut out = Vec::new();
    let mut ok = true;
    // The names a fix may not take: every name of `env` and `secrets` as written (the two
    // share one set of variables), and the fix of another entry here.
    let keys = |name: &str| -> Vec<String> {
        match attrs.get(name).map(|e| &e.kind) {
            Some(ExprKind::Map(entries)) => entries.iter().map(|e| e.key.name.clone()).collect(),
            _ => Vec::new(),
        }
    };
    let mut taken = keys("env");
    taken.extend(keys("secrets"));
    let fixes: Vec<String> = taken.iter().map(|k| fixed_name(k)).collect();
    for entry in entries {
        let key = &entry.key.name;
        let well_formed = key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !well_formed || key.starts_with("AWSAPPRUNNER") {
            let why = if well_formed {
                "names starting with `AWSAPPRUNNER` are reserved by App Runner"
            } else {
                "names are letters, digits and `_`, not starting with a digit"
            };
            let d = Diagnostic::new(
                Code::E0304,
                format!("invalid variable name `{key}` in `{which}`"),
                entry.key.span,
            )
            .label(why);
            // The name with each other character as `_` (and `_` before a digit), unless
            // that is reserved too, or another entry's name or fix.
            let fixed = fixed_name(key);
            let d = if well_formed
                || fixed.starts_with("AWSAPPRUNNER")
                || taken.contains(&fixed)
                || fixes.iter().filter(|f| **f == fixed).count() > 1
            {
                d.help("choose another name: letters, digits and `_`, not starting with a digit or `AWSAPPRUNNER`")
            } else {
                let written = if entry.key.quoted {
                    format!("\"{fixed}\"")
                } else {
                    fixed.clone()
                };
                d.help(format!("write `{fixed}`"))
                    .suggest(entry.key.span, written)
            };
            ctx.diags.push(d);
            ok = false;
            continue;
        }
        out.push(entry);
    }
    Some((out, ok))
}

/// Secrets Manager or SSM Parameter Store ARNs (E0305). A value built from params is
/// checked only when its literal start already contradicts an ARN.
pub fn secret_arn(ctx: &mut Ctx, text: &Text, span: Span) -> bool {
    let ok = could_be_secret_arn(text);
    if let (true, Some(theirs)) = (ok, ctx.other_partition(text)) {
        let ours = ctx.partition.unwrap_or_default();
        ctx.diags.push(
            Diagnostic::new(Code::E0305, format!("`{text}` is a secret in partition `{theirs}`, which a service in partition `{ours}` cannot read"), span)
                .label("another AWS partition")
                .help(format!("keep the secret in the app's partition: `arn:{ours}:...`")),
        );
        return false;
    }
    if !ok {
        ctx.diags.push(
            Diagnostic::new(Code::E0305, format!("`{text}` is not a Secrets Manager or SSM parameter ARN"), span)
                .label("not a secret ARN")
                .help("use `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME` or `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME`"),
        );
    }
    ok
}

/// Whether `text` is a secret's ARN, or, with a param, could still be one: each field its
/// literal start completes must be what a secret's ARN has there (`arn:aws:s3:::${b}` is no
/// secret, whatever `b` is).
pub fn could_be_secret_arn(text: &Text) -> bool {
    if let Some(s) = text.as_literal() {
        return is_secret_arn(&s);
    }
    let Some(TextPart::Lit(start)) = text.parts.first() else {
        return true;
    };
    let fields: Vec<&str> = start.split(':').collect();
    // The last field may go on in the param; those before it are whole.
    let (partial, whole) = fields.split_last().unwrap_or((&"", &[]));
    let service = whole.get(2).copied();
    let fits = |i: usize, field: &str, complete: bool| -> bool {
        let one_of = |options: &[&str]| {
            options.iter().any(|o| {
                if complete {
                    *o == field
                } else {
                    o.starts_with(field)
                }
            })
        };
        let region_chars = field
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        match i {
            0 => one_of(&["arn"]),
            1 => one_of(&crate::backends::PARTITION_NAMES),
            2 => one_of(&["secretsmanager", "ssm"]),
            3 => region_chars && (!complete || !field.is_empty()),
            4 => {
                field.bytes().all(|b| b.is_ascii_digit())
                    && (if complete {
                        field.len() == 12
                    } else {
                        field.len() <= 12
                    })
            }
            5 => match service {
                Some("secretsmanager") => one_of(&["secret"]),
                // An SSM parameter's name has no `:`: `parameter/NAME` is the last field.
                Some("ssm") => {
                    !complete
                        && ("parameter/".starts_with(field) || field.starts_with("parameter/"))
                }
                _ => true,
            },
            _ => service == Some("secretsmanager"),
        }
    };
    whole.iter().enumerate().all(|(i, f)| fits(i, f, true)) && fits(whole.len(), partial, false)
}

pub fn is_secret_arn(s: &str) -> bool {
    let parts: Vec<&str> = s.splitn(7, ':').collect();
    let [arn, partition, service, region, account, rest @ ..] = parts.as_slice() else {
        return false;
    };
    let head_ok = *arn == "arn"
        && crate::backends::PARTITION_NAMES.contains(partition)
        && !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit());
    head_ok
        && match (*service, rest) {
            ("secretsmanager", ["secret", name]) => !name.is_empty(),
            ("ssm", [resource]) => resource
                .strip_prefix("parameter/")
                .is_some_and(|n| !n.is_empty()),
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::is_secret_arn;

    #[test]
    fn secret_arns() {
        assert!(is_secret_arn(
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"
        ));
        assert!(is_secret_arn(
            "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/flags"
        ));
        assert!(!is_secret_arn("arn:aws:s3:::bucket"));
        assert!(!is_secret_arn(
            "arn:aws:ssm:eu-west-1:123456789012:parameter/"
        ));
        assert!(!is_secret_arn(
            "arn:aws:secretsmanager:eu-west-1:1234:secret:x"
        ));
        assert!(!is_secret_arn("hunter2"));
        // Every partition's.
        assert!(is_secret_arn(
            "arn:aws-eusc:secretsmanager:eusc-de-east-1:123456789012:secret:db"
        ));
        assert!(is_secret_arn(
            "arn:aws-iso-b:ssm:us-isob-east-1:123456789012:parameter/x"
        ));
    }

    #[test]
    fn a_secret_with_a_param_is_judged_on_its_literal_start() {
        use super::could_be_secret_arn;
        use crate::testing::text;
        for (start, ok) in [
            (
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:",
                true,
            ),
            ("arn:aws:ssm:eu-west-1:123456789012:parameter/app/", true),
            ("arn:aws:secretsmanager:", true),
            ("arn:aws:secrets", true),
            ("arn:", true),
            ("ar", true),
            ("arn:aws:s3:::", false),
            ("arn:aws:lambda:eu-west-1:123456789012:function:", false),
            ("arn:aws:ssm:eu-west-1:123456789012:secret:", false),
            ("arn:aws:secretsmanager:eu-west-1:1234:secret:", false),
            ("hunter", false),
        ] {
            assert_eq!(
                could_be_secret_arn(&text(&[(start, false), ("p", true)])),
                ok,
                "{start}"
            );
        }
        assert!(could_be_secret_arn(&text(&[("p", true)])));
    }
}
