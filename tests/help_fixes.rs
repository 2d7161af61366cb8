//! Help lines that propose a fix propose a valid one: each mistake below gives exactly one
//! error, its help line holds a backquoted `NAME = VALUE`, and writing that in place of the
//! mistaken line makes the spec check with no error. (One mistake, one error: a misspelt
//! attribute is not also reported missing, a param named in a value of the wrong type is not
//! also "never used".)

use aprc::diag::{Diagnostic, Diagnostics};
use aprc::source::Sources;

fn check(text: &str) -> Vec<Diagnostic> {
    let mut sources = Sources::new();
    sources.add("main.apr", text.to_string());
    let mut diags = Diagnostics::new();
    aprc::driver::check(&sources, &mut diags);
    diags.sorted().into_iter().cloned().collect()
}

const APP: &str = "app demo {\n  region = \"eu-west-1\"\n}\n";

/// (what, the mistaken spec, the line that holds the mistake).
fn mistakes() -> Vec<(&'static str, String, &'static str)> {
    let web = |extra: &str| {
        format!("{APP}service web {{\n  image = \"public.ecr.aws/a/web:1\"\n{extra}}}\n")
    };
    let net = |cidr: &str| {
        format!(
            "{APP}network core {{\n  cidr = {cidr}\n}}\nservice web {{\n  image = \"public.ecr.aws/a/web:1\"\n  network = core\n  ingress = public\n}}\n"
        )
    };
    vec![
        ("memory in megabytes", web("  memory = 4096\n"), "memory"),
        ("memory in gigabytes", web("  memory = 2\n"), "memory"),
        (
            "memory nowhere near a size",
            web("  memory = 5000\n"),
            "memory",
        ),
        ("cpu in cpu units", web("  cpu = 1024\n"), "cpu"),
        ("cpu in vcpus", web("  cpu = 2\n  memory = 4 gb\n"), "cpu"),
        (
            "a health interval without unit",
            web("  health {\n    path     = \"/\"\n    interval = 10\n  }\n"),
            "interval",
        ),
        (
            "a health interval out of range without unit",
            web("  health {\n    path     = \"/\"\n    interval = 300\n  }\n"),
            "interval",
        ),
        (
            "host bits and a prefix too large",
            net("10.20.0.0/8"),
            "cidr",
        ),
        ("host bits", net("10.0.1.0/16"), "cidr"),
        ("a prefix too small", net("10.0.0.0/30"), "cidr"),
        ("a quoted CIDR", net("\"10.0.0.0/16\""), "cidr"),
        (
            "a quoted CIDR with host bits",
            net("\"10.20.0.0/8\""),
            "cidr",
        ),
        ("a quoted port", web("  port = \"8080\"\n"), "port"),
        (
            "scale beyond App Runner's instances",
            web("  scale {\n    max = 30\n  }\n"),
            "max",
        ),
        (
            "a min above the range and above max",
            web("  scale {\n    min = 26\n    max = 10\n  }\n"),
            "min",
        ),
        (
            "an ECS timeout above the range and above the interval",
            "app demo {\n  region = \"eu-west-1\"\n  compute = ecs\n}\nnetwork core {\n  cidr = 10.0.0.0/16\n}\nservice web {\n  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1\"\n  network = core\n  health {\n    interval = 10s\n    timeout = 150s\n  }\n}\napi edge {\n  network = core\n  route GET /x -> web\n}\n".to_string(),
            "timeout",
        ),
        (
            "a health timeout out of range",
            web("  health {\n    timeout = 30s\n  }\n"),
            "timeout",
        ),
        (
            "ECS called by its launch type",
            "app demo {\n  region = \"eu-west-1\"\n  compute = fargate\n}\n".to_string(),
            "compute",
        ),
        ("a yes for a boolean", web("  tracing = yes\n"), "tracing"),
        (
            "a misspelt image",
            format!("{APP}service web {{\n  imgae = \"public.ecr.aws/a/web:1\"\n}}\n"),
            "imgae",
        ),
    ]
}

/// The backquoted `NAME = VALUE` of a help line.
fn proposed(help: &str) -> Option<&str> {
    let start = help.find('`')? + 1;
    let end = start + help[start..].find('`')?;
    Some(&help[start..end]).filter(|fix| fix.contains(" = "))
}

#[test]
fn each_mistake_is_one_error_whose_help_fixes_it() {
    for (what, text, attr) in mistakes() {
        let diags = check(&text);
        let errors: Vec<&Diagnostic> = diags.iter().filter(|d| !d.code.is_warning()).collect();
        assert_eq!(errors.len(), 1, "{what}: {diags:#?}");
        let error = errors[0];
        let help = error
            .help
            .as_deref()
            .unwrap_or_else(|| panic!("{what}: no help"));
        // `NAME = VALUE` replaces the line; `did you mean `X`?` renames a misspelt
        // attribute (X a name) or replaces the value (X anything else).
        let fixed_line = match proposed(help) {
            Some(fix) => format!("  {fix}"),
            None => {
                let meant = help
                    .strip_prefix("did you mean `")
                    .and_then(|h| h.strip_suffix("`?"))
                    .unwrap_or_else(|| panic!("{what}: a help line with no fix: {help}"));
                let line = text
                    .lines()
                    .find(|l| l.trim_start().starts_with(attr))
                    .unwrap();
                if meant.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    line.trim_start().replacen(attr, meant, 1)
                } else {
                    format!("{attr} = {meant}")
                }
            }
        };
        let fixed_line = format!("  {}", fixed_line.trim_start());
        let fixed: String = text
            .lines()
            .map(|l| {
                if l.trim_start().starts_with(&format!("{attr} ")) {
                    format!(
                        "{}{}\n",
                        " ".repeat(l.len() - l.trim_start().len() - 2),
                        fixed_line
                    )
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        assert_ne!(fixed, text, "{what}: the fix changed nothing");
        let after = check(&fixed);
        assert!(
            after.iter().all(|d| d.code.is_warning()),
            "{what}: `{}` leaves errors:\n{fixed}\n{after:#?}",
            fixed_line.trim()
        );
    }
}

/// A param used in a value of the wrong type is used: no W0003 beside the type error.
#[test]
fn a_param_in_a_mistyped_value_is_not_also_unused() {
    let text = format!(
        "{APP}param subnets = \"subnet-0123456789abcdef0\"\nnetwork core {{\n  vpc_id     = \"vpc-0123456789abcdef0\"\n  subnet_ids = \"${{subnets}}\"\n}}\nservice web {{\n  image = \"public.ecr.aws/a/web:1\"\n}}\n"
    );
    let codes: Vec<&str> = check(&text).iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0103"]);
}
