//! Whole-checker unit tests: the rules that fixtures cannot show well (absence of cascading
//! errors, defaults in the Spec). Names and ids are the validation pass's (src/validate/tests.rs).

use crate::diag::Diagnostics;
use crate::model::{Ingress, Spec};
use crate::source::Sources;

/// Checks one or more files as one application: (sorted codes, spec).
fn run(files: &[&str]) -> (Vec<&'static str>, Option<Spec>) {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let mut modules = Vec::new();
    for (i, text) in files.iter().enumerate() {
        let id = sources.add(format!("f{i}.apr"), (*text).to_string());
        modules.extend(crate::syntax::parse(id, text, &mut diags));
    }
    assert!(!diags.has_errors(), "syntax: {:?}", diags.sorted());
    let spec = super::check(&modules, &mut diags);
    assert_eq!(spec.is_some(), !diags.has_errors());
    let mut codes: Vec<&'static str> = diags.iter().map(|d| d.code.as_str()).collect();
    codes.sort_unstable();
    (codes, spec)
}

const APP: &str = "app demo {\n  region = \"eu-west-1\"\n}\n";

#[test]
fn private_without_network_is_one_error_not_three() {
    let src = format!("{APP}service web {{\n image = \"public.ecr.aws/a/web:1\"\n ingress = private\n}}\napi edge {{\n route ANY /{{proxy+}} -> web\n}}\n");
    assert_eq!(run(&[&src]).0, ["E0308"]);
}

#[test]
fn a_misspelt_ingress_is_one_error() {
    let src = format!("{APP}network core {{\n cidr = 10.0.0.0/16\n}}\nservice web {{\n image = \"public.ecr.aws/a/web:1\"\n network = core\n ingress = privat\n}}\n");
    assert_eq!(run(&[&src]).0, ["E0103"]);
}

#[test]
fn a_duplicate_declaration_is_still_checked() {
    let src = format!("{APP}service web {{\n image = \"public.ecr.aws/a/web:1\"\n}}\nservice web {{\n image = \"public.ecr.aws/a/web:1\"\n port = 0\n}}\n");
    assert_eq!(run(&[&src]).0, ["E0104", "E0303"]);
}

#[test]
fn params_are_global_across_files() {
    let a = format!("{APP}param tag = \"1.0\"\n");
    let b = "service web {\n image = \"public.ecr.aws/a/web:${tag}\"\n}\n";
    let (codes, spec) = run(&[&a, b]);
    assert_eq!(codes, Vec::<&str>::new());
    let spec = spec.expect("spec");
    assert_eq!(spec.services[0].ingress, Ingress::Public);
    assert_eq!(spec.services[0].image.params().collect::<Vec<_>>(), ["tag"]);
}

#[test]
fn warnings_alone_still_give_a_spec() {
    let src = format!("{APP}param unused = \"x\"\nnetwork core {{\n cidr = 10.0.0.0/16\n zones = 1\n}}\nservice web {{\n image = \"public.ecr.aws/a/web:1\"\n}}\n");
    let (codes, spec) = run(&[&src]);
    assert_eq!(codes, ["W0002", "W0003"]);
    assert!(spec.is_some());
}

#[test]
fn every_error_of_a_block_is_reported() {
    let src = format!("{APP}service web {{\n image = \"docker.io/x:1\"\n port = 0\n cpu = 3 vcpu\n memory = 5 gb\n env = {{ \"A-B\" = \"x\" }}\n tracing = 1\n}}\n");
    assert_eq!(
        run(&[&src]).0,
        ["E0103", "E0301", "E0303", "E0304", "E0310", "E0313"]
    );
}

#[test]
fn a_param_written_as_a_block_is_not_an_api() {
    let src = format!("{APP}param tag {{\n default = \"1\"\n}}\n");
    assert_eq!(run(&[&src]).0, ["E0110"]);
}

#[test]
fn an_unnamed_app_is_one_error() {
    assert_eq!(run(&["app {\n region = \"eu-west-1\"\n}\n"]).0, ["E0112"]);
    assert_eq!(
        run(&["service web {\n image = \"public.ecr.aws/a/web:1\"\n}\n"]).0,
        ["E0105"]
    );
}

/// The diagnostics of one file, with their suggestions applied one at a time.
fn fixes(text: &str) -> Vec<(&'static str, Vec<String>)> {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let id = sources.add("f.apr", text.to_string());
    let modules: Vec<_> = crate::syntax::parse(id, text, &mut diags)
        .into_iter()
        .collect();
    super::check(&modules, &mut diags);
    diags
        .sorted()
        .into_iter()
        .map(|d| {
            let fixed = d
                .suggestions
                .iter()
                .map(|s| {
                    let mut t = text.to_string();
                    t.replace_range(s.span.start as usize..s.span.end as usize, &s.replacement);
                    t
                })
                .collect();
            (d.code.as_str(), fixed)
        })
        .collect()
}

fn service(body: &str) -> String {
    format!("{APP}service web {{\n image = \"public.ecr.aws/a/web:1\"\n{body}\n}}\n")
}

#[test]
fn grants_that_reach_everything_are_refused_or_warned() {
    // Wildcards only, however mixed, are a whole service.
    for action in ["s3:?*", "dynamodb:*?", "?*"] {
        let src = service(&format!(" allow \"{action}\" on \"arn:aws:s3:::b/*\""));
        assert_eq!(run(&[&src]).0, ["E0701"], "{action}");
    }
    // A param is a part of an ARN, never all of it or its start.
    let src = format!(
        "param bucket = \"*\"\n{}",
        service(" allow \"s3:GetObject\" on \"${bucket}\"")
    );
    assert_eq!(run(&[&src]).0, ["E0703"]);
    let src = format!(
        "param bucket = \"b\"\n{}",
        service(" allow \"s3:GetObject\" on \"arn:aws:s3:::${bucket}/*\"")
    );
    assert_eq!(run(&[&src]).0, Vec::<&str>::new());
    // An ARN whose resource is only wildcards is every resource.
    for arn in ["arn:aws:s3:::*", "arn:*:*:*:*:*"] {
        let src = service(&format!(" allow \"s3:GetObject\" on \"{arn}\""));
        assert_eq!(run(&[&src]).0, ["W0006"], "{arn}");
    }
    // Actions AWS does not scope, matched as IAM matches them.
    let src = service(" allow [\"ec2:DescribeInstances\", \"xray:PutTraceSegments\"] on \"*\"");
    assert_eq!(run(&[&src]).0, Vec::<&str>::new());
}

#[test]
fn fixes_write_strings_that_read_back() {
    let src = service(" allow \"s3:GetObject\" on \"my\\\"bucket\\${x}/*\"");
    let (code, fixed) = &fixes(&src)[0];
    assert_eq!(*code, "E0703");
    assert!(
        fixed[0].contains("on \"arn:aws:s3:::my\\\"bucket\\${x}/*\""),
        "{}",
        fixed[0]
    );
    assert_eq!(run(&[&fixed[0]]).0, Vec::<&str>::new());
}

#[test]
fn a_bare_memory_is_read_as_a_size_the_cpu_takes() {
    let src = service(" cpu = 1 vcpu\n memory = 8");
    let (code, fixed) = &fixes(&src)[0];
    assert_eq!(*code, "E0103");
    assert!(fixed[0].contains("memory = 4 gb"), "{}", fixed[0]);
    assert_eq!(run(&[&fixed[0]]).0, Vec::<&str>::new());
}

#[test]
fn url_fixes_name_a_url_that_exists_and_is_not_the_services_own() {
    let apis = "api public {\n route GET /a -> web\n}\n";
    // A misspelt qualified reference keeps its form.
    let src = format!("{}{apis}", service(" env = { A = api.pubic.url }"));
    let (code, fixed) = &fixes(&src)[0];
    assert_eq!(*code, "E0107");
    assert!(fixed[0].contains("A = api.public.url"), "{}", fixed[0]);
    // A service's own name is never proposed: it would be a cycle.
    let src = service(" ingress = public\n env = { A = \"${wbe.url}\" }");
    assert_eq!(fixes(&src), [("E0107", Vec::new())]);
    // A reference outside `env` is E0714, not a type error.
    let src = format!("{}{apis}", service(" command = public.url"));
    assert_eq!(run(&[&src]).0, ["E0714"]);
}

#[test]
fn an_ambiguous_url_offers_only_forms_that_work() {
    let src = format!(
        "{APP}network core {{\n cidr = 10.0.0.0/16\n}}\nservice public {{\n image = \"public.ecr.aws/a/p:1\"\n network = core\n}}\napi public {{\n network = core\n route GET /a -> public\n}}\nservice web {{\n image = \"public.ecr.aws/a/web:1\"\n env = {{ U = public.url }}\n}}\n"
    );
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let id = sources.add("f.apr", src.clone());
    let modules: Vec<_> = crate::syntax::parse(id, &src, &mut diags)
        .into_iter()
        .collect();
    super::check(&modules, &mut diags);
    let d = diags.sorted()[0].clone();
    assert_eq!(d.code.as_str(), "E0711");
    let help = d.help.unwrap_or_default();
    assert!(
        help.contains("api.public.url") && !help.contains("service.public.url"),
        "{help}"
    );
}

const ECS_APP: &str = "app demo {\n  region = \"eu-west-1\"\n  compute = ecs\n}\nnetwork core {\n  cidr = 10.0.0.0/16\n}\n";

/// `n` ECS services in `core`, each routed to by one api.
fn ecs_services(n: usize) -> String {
    let mut src = ECS_APP.to_string();
    let mut routes = String::new();
    for i in 0..n {
        src.push_str(&format!(
            "service s{i:02} {{\n  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/s:1\"\n  network = core\n}}\n"
        ));
        routes.push_str(&format!("  route ANY /s{i:02} -> s{i:02}\n"));
    }
    src.push_str(&format!("api edge {{\n  network = core\n{routes}}}\n"));
    src
}

#[test]
fn a_load_balancer_has_fifty_listeners() {
    assert_eq!(run(&[&ecs_services(50)]).0, Vec::<&str>::new());
    assert_eq!(run(&[&ecs_services(51)]).0, ["E0318"]);
    // Where App Runner is not offered, the help does not send services there.
    let elsewhere = ecs_services(51).replace("eu-west-1", "us-west-1");
    let d = diagnostics(&elsewhere);
    let e0318 = d
        .iter()
        .find(|d| d.code.as_str() == "E0318")
        .expect("E0318");
    assert!(!e0318.help.as_deref().unwrap_or("").contains("App Runner"));
    // A private App Runner service takes one of them.
    let mut src = ecs_services(50);
    src.push_str("service legacy {\n  compute = apprunner\n  image = \"public.ecr.aws/a/b:1\"\n  network = core\n}\napi old {\n  network = core\n  route ANY /x -> legacy\n}\n");
    assert_eq!(run(&[&src]).0, ["E0318"]);
}

#[test]
fn ecs_rules_name_the_compute_and_stay_one_error_each() {
    let with = |service: &str| {
        format!("{ECS_APP}service web {{\n{service}\n}}\napi edge {{\n  network = core\n  route ANY /x -> web\n}}\n")
    };
    let base = "  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/s:1\"\n  network = core";
    let (codes, spec) = run(&[&with(base)]);
    assert!(codes.is_empty(), "{codes:?}");
    let web = &spec.unwrap().services[0];
    assert_eq!(web.compute, crate::model::Compute::Ecs);
    assert_eq!(web.ingress, Ingress::Private);
    // Without a NAT the default egress is the VPC's.
    assert_eq!(web.egress, crate::model::Egress::Vpc);
    for (extra, code) in [
        ("  ingress = public", "E0315"),
        ("  egress = internet", "E0316"),
        ("  tracing = true", "E0316"),
        ("  cpu = 8 vcpu\n  memory = 8 gb", "E0302"),
        ("  cpu = 3 vcpu", "E0301"),
        ("  command = \"run 'x\"", "E0317"),
        ("  health {\n    interval = 2s\n  }", "E0306"),
        (
            "  health {\n    interval = 10s\n    timeout = 10s\n  }",
            "E0306",
        ),
        ("  health {\n    healthy = 11\n  }", "E0306"),
        ("  scale {\n    concurrency = 10\n  }", "W0007"),
        // Ignored on ECS, so App Runner's range does not apply: one warning, no error.
        ("  scale {\n    concurrency = 500\n  }", "W0007"),
        ("  scale {\n    max = 501\n  }", "E0307"),
        ("  scale {\n    min = 40\n    max = 30\n  }", "E0307"),
    ] {
        assert_eq!(
            run(&[&with(&format!("{base}\n{extra}"))]).0,
            [code],
            "{extra}"
        );
    }
    // Tasks beyond App Runner's 25; `max` unwritten follows a higher `min`.
    let (codes, spec) = run(&[&with(&format!("{base}\n  scale {{\n    min = 30\n  }}"))]);
    assert!(codes.is_empty(), "{codes:?}");
    let scale = spec.unwrap().services[0].scale.expect("scale");
    assert_eq!((scale.min, scale.max), (30, 30));
    let public = "  image = \"public.ecr.aws/a/web:1\"\n  network = core";
    assert_eq!(run(&[&with(public)]).0, ["E0316"]);
    // Fargate sizes App Runner has not, and the other way round.
    assert!(
        run(&[&with(&format!("{base}\n  cpu = 8 vcpu\n  memory = 16 gb"))])
            .0
            .is_empty()
    );
    assert!(
        run(&[&with(&format!("{base}\n  cpu = 1 vcpu\n  memory = 8 gb"))])
            .0
            .is_empty()
    );
    let no_network = format!("{ECS_APP}service web {{\n  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/s:1\"\n  ingress = private\n}}\n");
    assert_eq!(run(&[&no_network]).0, ["E0314"]);
    // With a NAT, the internet is the default way out and ECR Public is fine.
    let nat = with(public).replace("cidr = 10.0.0.0/16", "cidr = 10.0.0.0/16\n  nat = true");
    let (codes, spec) = run(&[&nat]);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(
        spec.unwrap().services[0].egress,
        crate::model::Egress::Internet
    );
    // `egress = vpc` keeps the tasks from the NAT: what needs the internet is out of reach,
    // one error each, on what needs it.
    let kept = |extra: &str| {
        let mut src = with(&format!("{public}\n  egress = vpc\n{extra}"));
        src = src.replace("cidr = 10.0.0.0/16", "cidr = 10.0.0.0/16\n  nat = true");
        run(&[&src]).0
    };
    assert_eq!(kept(""), ["E0316"]);
    assert_eq!(kept("  tracing = true"), ["E0316", "E0316"]);
    let private = with(&format!("{base}\n  egress = vpc"))
        .replace("cidr = 10.0.0.0/16", "cidr = 10.0.0.0/16\n  nat = true");
    assert!(run(&[&private]).0.is_empty());
}

#[test]
fn nat_needs_room_for_public_subnets() {
    let src = "app demo {\n  region = \"eu-west-1\"\n}\nnetwork core {\n  cidr = 10.0.0.0/23\n  nat = true\n}\n";
    assert_eq!(run(&[src]).0, ["E0203"]);
    let src = src.replace("/23", "/22");
    assert!(run(&[&src]).0.is_empty());
}

/// The diagnostics of one file, sorted.
fn diagnostics(text: &str) -> Vec<crate::diag::Diagnostic> {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let id = sources.add("f.apr".to_string(), text.to_string());
    let modules: Vec<_> = crate::syntax::parse(id, text, &mut diags)
        .into_iter()
        .collect();
    super::check(&modules, &mut diags);
    diags.sorted().into_iter().cloned().collect()
}

#[test]
fn app_runner_outside_its_regions_is_one_error_on_the_region() {
    let app = |region: &str, compute: &str| {
        format!("app demo {{\n  region = \"{region}\"\n{compute}}}\nservice b {{\n  image = \"public.ecr.aws/a/b:1\"\n}}\nservice a {{\n  image = \"public.ecr.aws/a/a:1\"\n  compute = apprunner\n}}\n")
    };
    let d = diagnostics(&app("us-west-1", ""));
    assert_eq!(d.len(), 1, "{d:#?}");
    let text = app("us-west-1", "");
    assert_eq!(d[0].code.as_str(), "E0320");
    assert_eq!(&text[d[0].primary.span.range()], "\"us-west-1\"");
    // The first service as declared (`b`), not the first by name; both counted.
    assert!(
        d[0].message
            .contains("service `b` (and 1 more service) run on it"),
        "{}",
        d[0].message
    );
    assert!(d[0]
        .help
        .as_deref()
        .is_some_and(|h| h.contains("compute = ecs")));
    assert!(d[0].suggestions.is_empty());
    // A region one letter from App Runner's is a region, not a typo: no "did you mean".
    let d = diagnostics(&app("ca-central-1", ""));
    let help = d[0].help.as_deref().unwrap_or_default();
    assert!(
        d[0].suggestions.is_empty() && !help.contains("did you mean"),
        "{help}"
    );
    // On ECS, only the service that stays on App Runner; there the label is on its compute.
    let text = app("us-west-1", "  compute = ecs\n");
    let d = diagnostics(&text);
    let codes: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"E0320"), "{codes:?}");
    let e0320 = d
        .iter()
        .find(|d| d.code.as_str() == "E0320")
        .expect("E0320");
    assert!(
        e0320.message.contains("service `a` runs on it"),
        "{}",
        e0320.message
    );
    assert_eq!(&text[e0320.secondary[0].span.range()], "apprunner");
    // Where App Runner is not offered, no other help offers it.
    let e0314 = d
        .iter()
        .find(|d| d.code.as_str() == "E0314")
        .expect("E0314");
    assert!(!e0314.help.as_deref().unwrap_or("").contains("App Runner"));
    // In an App Runner region, nothing.
    assert!(diagnostics(&app("eu-west-3", "")).is_empty());
}

/// A URL that is itself a mistake (a private service has none, E0712) is not also out of
/// reach (E0316): one mistake, one error. A public service's URL is judged.
#[test]
fn a_private_services_url_is_e0712_alone_not_also_out_of_reach() {
    let spec = |compute: &str, other: &str| {
        format!("app demo {{\n  region = \"eu-west-1\"\n  compute = {compute}\n}}\nnetwork core {{\n  cidr = 10.0.0.0/16\n}}\nservice a {{\n  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/a:1\"\n  network = core\n  egress = vpc\n  env = {{ OTHER = b.url }}\n}}\nservice b {{\n  compute = apprunner\n  image = \"public.ecr.aws/a/b:1\"\n{other}}}\napi gw {{\n  network = core\n  route GET /a -> a\n  route GET /b -> b\n}}\n")
    };
    for compute in ["ecs", "apprunner"] {
        let private = spec(compute, "  network = core\n");
        assert_eq!(run(&[&private]).0, ["E0712"], "{compute}");
        let public = spec(compute, "  ingress = public\n");
        assert_eq!(run(&[&public]).0, ["E0316"], "{compute}");
    }
}

/// Extreme values beside each other bound each other's fix without overflowing (a debug
/// build panicked on `i64::MIN` beside a timeout), and an out-of-range sibling bounds it as
/// the value its own fix proposes.
#[test]
fn health_timings_at_the_ends_of_i64_bound_each_other_safely() {
    let health = |interval: &str, timeout: &str| {
        format!("{ECS_APP}service web {{\n  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/s:1\"\n  network = core\n  health {{\n    interval = {interval}\n    timeout = {timeout}\n  }}\n}}\napi edge {{\n  network = core\n  route ANY /x -> web\n}}\n")
    };
    for (interval, timeout) in [
        ("-9223372036854775808", "200s"),
        ("4s", "9223372036854775807"),
        ("9223372036854775807", "-9223372036854775808"),
    ] {
        let d = diagnostics(&health(interval, timeout));
        assert!(!d.is_empty(), "{interval} / {timeout}");
    }
    let d = diagnostics(&health("301s", "300s"));
    let helps: Vec<&str> = d.iter().filter_map(|d| d.help.as_deref()).collect();
    assert_eq!(
        helps,
        [
            "write `interval = 300s`, the nearest value that fits",
            "write `timeout = 120s`, the nearest value that fits"
        ]
    );
}

/// No error rests on a guess (an unreadable compute or ingress, a service's own URL), and a
/// value read through its slip (`"yes"`) brings what follows from it at once, so the fix
/// the help proposes adds no error.
#[test]
fn guesses_bring_no_second_error_and_slips_are_read_as_meant() {
    let lambda = "app a {\n  region = \"us-west-1\"\n  compute = lambda\n}\nservice s {\n  image = \"public.ecr.aws/a/b:1\"\n}\n";
    assert_eq!(run(&[lambda]).0, ["E0103"]);
    let guessed = format!("{ECS_APP}service pub {{\n  compute = apprunner\n  image = \"public.ecr.aws/a/b:1\"\n  network = core\n  ingress = privat\n}}\nservice e {{\n  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1\"\n  network = core\n  env = {{ A = pub.url }}\n}}\napi gw {{\n  network = core\n  route GET /e -> e\n  route GET /p -> pub\n}}\n");
    assert_eq!(run(&[&guessed]).0, ["E0103"]);
    let own = "app a {\n  region = \"eu-west-1\"\n}\nnetwork core {\n  cidr = 10.0.0.0/16\n}\nservice a {\n  image = \"public.ecr.aws/a/b:1\"\n  network = core\n  ingress = public\n  egress = vpc\n  env = { SELF = a.url }\n}\n";
    assert_eq!(run(&[own]).0, ["E0713"]);
    // Nor a cycle through a service whose ingress is a guess.
    let cycle = "app a {\n  region = \"eu-west-1\"\n}\nnetwork core {\n  cidr = 10.0.0.0/16\n}\nservice a {\n  image = \"public.ecr.aws/a/a:1\"\n  network = core\n  ingress = privat\n  env = { B = b.url }\n}\nservice b {\n  image = \"public.ecr.aws/a/b:1\"\n  env = { A = a.url }\n}\napi gw {\n  network = core\n  route GET /a -> a\n}\n";
    assert_eq!(run(&[cycle]).0, ["E0103"]);
    let yes = format!("{ECS_APP}service s {{\n  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1\"\n  network = core\n  tracing = \"yes\"\n}}\napi a {{\n  network = core\n  route GET /x -> s\n}}\n");
    assert_eq!(run(&[&yes]).0, ["E0103", "E0316"]);
}

/// A compute that is a guess decides no error: the rules of one compute (sizes, health and
/// scale ranges, ECS's network and ingress rules, App Runner's) stay silent, and only what
/// holds whatever the compute is reported beside the unreadable `compute`.
#[test]
fn a_guessed_compute_judges_no_rule_of_one_compute() {
    let body = "network core {\n  cidr = 10.0.0.0/16\n}\nservice orders {\n  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/o:1\"\n  network = core\n  cpu = 8 vcpu\n  memory = 16 gb\n  tracing = true\n  health {\n    interval = 60s\n    timeout = 30s\n  }\n  scale {\n    min = 2\n    max = 100\n    concurrency = 500\n  }\n}\nservice web {\n  image = \"public.ecr.aws/a/web:1\"\n  ingress = public\n}\napi gw {\n  network = core\n  route GET /o -> orders\n}\n";
    let app = |compute: &str| {
        format!("app a {{\n  region = \"eu-west-1\"\n  compute = {compute}\n}}\n{body}")
    };
    // Read, each compute has its own objections; guessed, neither is raised.
    assert_eq!(run(&[&app("ecs")]).0, ["E0314", "E0315", "E0316", "W0007"]);
    assert_eq!(
        run(&[&app("apprunner")]).0,
        ["E0301", "E0306", "E0306", "E0307", "E0307", "E0313"]
    );
    assert_eq!(run(&[&app("lambda")]).0, ["E0103"]);
    // The service's own unreadable compute is a guess too; what does not depend on the
    // compute (a port, a health path) is still reported.
    let own = format!("{ECS_APP}service s {{\n  compute = 7\n  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1\"\n  network = core\n  port = 70000\n  cpu = 16 vcpu\n  health {{\n    path = \"health\"\n    interval = 400s\n  }}\n}}\napi gw {{\n  network = core\n  route GET /s -> s\n}}\n");
    assert_eq!(run(&[&own]).0, ["E0103", "E0303", "E0306"]);
}

/// Two names hashing to one listener port: the one sorting later is warned of, naming the
/// other; a guessed compute takes no port, so it displaces nothing.
#[test]
fn a_listener_port_taken_by_another_name_is_a_warning() {
    let two = |first: &str, compute: &str| {
        format!("{ECS_APP}service svc339 {{\n  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/b:1\"\n  network = core\n}}\nservice {first} {{\n  compute = {compute}\n  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/a:1\"\n  network = core\n}}\napi gw {{\n  network = core\n  route GET /b -> svc339\n  route GET /a -> {first}\n}}\n")
    };
    assert_eq!(
        crate::names::listener_home("svc124"),
        crate::names::listener_home("svc339")
    );
    assert_eq!(run(&[&two("svc124", "ecs")]).0, ["W0008"]);
    assert_eq!(run(&[&two("audit", "ecs")]).0, Vec::<&str>::new());
    assert_eq!(run(&[&two("svc124", "apprunner")]).0, Vec::<&str>::new());
    assert_eq!(run(&[&two("svc124", "lambda")]).0, ["E0103"]);
}
