//! The `tf` target end to end: a reviewed golden `main.tf` per example, byte-identical output
//! across runs and declaration orders, the spec's traps checked on the parsed seed output,
//! and terraform itself (`fmt -check`, `validate`, `plan` against moto) on every example.

mod support;

use hcl::{Block, Body, Expression};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{aprc, example_name, examples};

/// `aprc build <paths> --target tf` on stdout; panics with aprc's stderr on failure.
fn build(paths: &[PathBuf]) -> String {
    let out = aprc()
        .current_dir(support::root())
        .arg("build")
        .args(paths)
        .args(["--target", "tf"])
        .output()
        .expect("aprc runs");
    assert!(
        out.status.success(),
        "aprc build {paths:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn parse(text: &str) -> Body {
    hcl::parse(text).unwrap_or_else(|e| panic!("emitted HCL does not parse: {e}\n{text}"))
}

/// Every block `<ident> "<kind>" ...` (resources and data sources by type).
fn blocks<'a>(
    body: &'a Body,
    ident: &'a str,
    kind: &'a str,
) -> impl Iterator<Item = &'a Block> + 'a {
    body.blocks().filter(move |b| {
        b.identifier() == ident && b.labels().first().map(|l| l.as_str()) == Some(kind)
    })
}

fn attr<'a>(block: &'a Block, key: &str) -> Option<&'a Expression> {
    block
        .body()
        .attributes()
        .find(|a| a.key() == key)
        .map(|a| a.expr())
}

fn nested<'a>(block: &'a Block, ident: &str) -> Option<&'a Block> {
    block.body().blocks().find(|b| b.identifier() == ident)
}

/// An expression as HCL source, for comparing references.
fn src(expr: &Expression) -> String {
    hcl::format::to_string(expr).unwrap_or_default()
}

/// An object key without quotes.
fn key(k: &hcl::ObjectKey) -> String {
    hcl::format::to_string(k)
        .unwrap_or_default()
        .trim_matches('"')
        .to_string()
}

fn label(block: &Block, i: usize) -> String {
    block
        .labels()
        .get(i)
        .map(|l| l.as_str().to_string())
        .unwrap_or_default()
}

#[test]
fn golden_main_tf_per_example() {
    for example in examples() {
        let out = build(std::slice::from_ref(&example));
        insta::assert_snapshot!(example_name(&example), out);
    }
}

#[test]
fn output_is_identical_across_runs_and_declaration_orders() {
    let dir = tempfile::tempdir().expect("temp dir");
    for example in examples() {
        let first = build(std::slice::from_ref(&example));
        assert_eq!(
            first,
            build(std::slice::from_ref(&example)),
            "{} differs between runs",
            example.display()
        );
        let shuffled = dir.path().join(format!("{}.apr", example_name(&example)));
        let text = reversed(&sources(&example));
        // The copy must really be in another order, or this test proves nothing.
        assert_ne!(
            headers(&text),
            headers(&sources(&example)),
            "{}",
            example.display()
        );
        std::fs::write(&shuffled, text).expect("write shuffled copy");
        assert_eq!(
            first,
            build(&[shuffled]),
            "{} depends on declaration order",
            example.display()
        );
    }
}

/// The text of an example: one file, or the files of a directory in reverse order.
fn sources(example: &Path) -> String {
    let path = support::root().join(example);
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
            .expect("example dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "apr"))
            .collect();
        files.sort();
        files.reverse();
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).expect("read example") + "\n")
            .collect()
    } else {
        std::fs::read_to_string(&path).expect("read example")
    }
}

/// The top-level block headers and routes of a spec, in order.
fn headers(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            !l.starts_with([' ', '#', '}']) && !l.trim().is_empty()
                || l.trim_start().starts_with("route ")
        })
        .map(|l| l.trim().to_string())
        .collect()
}

/// The same application with its top-level blocks, and the routes inside each api, in
/// reverse order. Comments are dropped; braces inside strings (`${param}`) balance, so
/// counting braces finds the blocks.
fn reversed(text: &str) -> String {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut depth = 0i32;
    for line in text.lines() {
        let code = line.split('#').next().unwrap_or("").trim_end();
        if code.trim().is_empty() {
            continue;
        }
        current.push(code.to_string());
        depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
        if depth == 0 {
            blocks.push(std::mem::take(&mut current));
        }
    }
    assert!(current.is_empty(), "unbalanced braces in example");
    blocks.reverse();
    let mut out = String::new();
    for mut block in blocks {
        let routes: Vec<usize> = (0..block.len())
            .filter(|&i| block[i].trim_start().starts_with("route "))
            .collect();
        let texts: Vec<String> = routes.iter().rev().map(|&i| block[i].clone()).collect();
        for (i, t) in routes.into_iter().zip(texts) {
            block[i] = t;
        }
        out.push_str(&block.join("\n"));
        out.push_str("\n\n");
    }
    out
}

#[test]
fn seed_handles_the_traps() {
    let text = build(&[PathBuf::from("examples/seed.apr")]);
    let body = parse(&text);

    // 6.1: ENI IPs by a count-based lookup over the endpoint's ids, never for_each.
    assert!(!text.contains("for_each"));
    let eni: Vec<&Block> = blocks(&body, "data", "aws_network_interface").collect();
    assert_eq!(eni.len(), 1);
    assert_eq!(
        attr(eni[0], "count").map(src).as_deref(),
        Some("2"),
        "one ENI per subnet"
    );
    let endpoint = blocks(&body, "resource", "aws_vpc_endpoint")
        .next()
        .expect("endpoint");
    let ep = label(endpoint, 1);
    assert_eq!(
        attr(eni[0], "id").map(src),
        Some(format!(
            "tolist(aws_vpc_endpoint.{ep}.network_interface_ids)[count.index]"
        ))
    );
    let attachments: Vec<&Block> =
        blocks(&body, "resource", "aws_lb_target_group_attachment").collect();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attr(attachments[0], "count").map(src).as_deref(), Some("2"));
    assert_eq!(
        attr(attachments[0], "target_id").map(src),
        Some(format!(
            "data.aws_network_interface.{}[count.index].private_ip",
            label(eni[0], 1)
        ))
    );

    // 6.2 / 6.3: the endpoint and the NLB.
    assert_eq!(
        attr(endpoint, "service_name").map(src).as_deref(),
        Some("\"com.amazonaws.eu-west-1.apprunner.requests\"")
    );
    assert_eq!(
        attr(endpoint, "private_dns_enabled").map(src).as_deref(),
        Some("false")
    );
    let nlb = blocks(&body, "resource", "aws_lb").next().expect("nlb");
    assert_eq!(attr(nlb, "internal").map(src).as_deref(), Some("true"));
    assert_eq!(
        attr(
            nlb,
            "enforce_security_group_inbound_rules_on_private_link_traffic"
        )
        .map(src)
        .as_deref(),
        Some("\"off\"")
    );
    let tg = blocks(&body, "resource", "aws_lb_target_group")
        .next()
        .expect("target group");
    assert_eq!(attr(tg, "target_type").map(src).as_deref(), Some("\"ip\""));
    assert_eq!(attr(tg, "port").map(src).as_deref(), Some("443"));

    // 6.4: the private service is not public and has its ingress connection.
    let svc = blocks(&body, "resource", "aws_apprunner_service")
        .next()
        .expect("service");
    let ingress =
        nested(svc, "network_configuration").and_then(|n| nested(n, "ingress_configuration"));
    assert_eq!(
        ingress
            .and_then(|i| attr(i, "is_publicly_accessible"))
            .map(src)
            .as_deref(),
        Some("false")
    );
    assert_eq!(
        blocks(&body, "resource", "aws_apprunner_vpc_ingress_connection").count(),
        1
    );

    // 6.5: every path variable required on the method and mapped on the integration.
    let integrations: Vec<&Block> =
        blocks(&body, "resource", "aws_api_gateway_integration").collect();
    assert!(!integrations.is_empty());
    for integration in &integrations {
        let name = label(integration, 1);
        let method = blocks(&body, "resource", "aws_api_gateway_method")
            .find(|m| label(m, 1) == name)
            .expect("method");
        assert_eq!(
            attr(integration, "type").map(src).as_deref(),
            Some("\"HTTP_PROXY\"")
        );
        assert_eq!(
            attr(integration, "connection_type").map(src).as_deref(),
            Some("\"VPC_LINK\"")
        );
        let uri = attr(integration, "uri").map(src).unwrap_or_default();
        assert!(
            uri.starts_with("\"https://${aws_apprunner_vpc_ingress_connection."),
            "{uri}"
        );
        assert!(uri.ends_with(".domain_name}/{proxy}\""), "{uri}");
        let Some(Expression::Object(wanted)) = attr(method, "request_parameters") else {
            panic!("no method params")
        };
        let Some(Expression::Object(mapped)) = attr(integration, "request_parameters") else {
            panic!("no mapping")
        };
        assert_eq!(wanted.len(), mapped.len());
        for (k, v) in wanted {
            let from = key(k);
            assert!(from.starts_with("method.request.path."), "{from}");
            assert_eq!(src(v), "true");
            let to = from.replacen("method.", "integration.", 1);
            let value = mapped.iter().find(|(k, _)| key(k) == to);
            assert_eq!(
                value.map(|(_, v)| src(v)),
                Some(format!("\"{from}\"")),
                "{to} maps {from}"
            );
        }
    }

    // 6.6: the deployment is replaced on route changes, before the old one goes, after
    // every integration exists.
    let deployment = blocks(&body, "resource", "aws_api_gateway_deployment")
        .next()
        .expect("deployment");
    let Some(Expression::Object(triggers)) = attr(deployment, "triggers") else {
        panic!("no triggers")
    };
    let hash = triggers.values().next().map(src).unwrap_or_default();
    assert_eq!(
        hash.trim_matches('"').len(),
        64,
        "a sha-256 hex digest: {hash}"
    );
    let lifecycle = nested(deployment, "lifecycle").expect("lifecycle");
    assert_eq!(
        attr(lifecycle, "create_before_destroy").map(src).as_deref(),
        Some("true")
    );
    let depends = attr(deployment, "depends_on").map(src).unwrap_or_default();
    for integration in &integrations {
        assert!(
            depends.contains(&format!(
                "aws_api_gateway_integration.{}",
                label(integration, 1)
            )),
            "{depends}"
        );
    }

    // 6.7: no ingress from the world, rules described, exact IAM actions, no key value out.
    assert_no_open_ingress(&body);
    assert_iam_is_exact(&body);
    for o in body.blocks().filter(|b| b.identifier() == "output") {
        let value = attr(o, "value").map(src).unwrap_or_default();
        assert!(
            !value.contains(".value"),
            "output {} prints a secret: {value}",
            label(o, 0)
        );
    }
    // 6.8 and tags.
    let outputs: Vec<String> = body
        .blocks()
        .filter(|b| b.identifier() == "output")
        .map(|b| label(b, 0))
        .collect();
    assert!(
        outputs.iter().any(|o| o.ends_with("invoke_url"))
            && outputs.iter().any(|o| o.ends_with("api_key_id"))
    );
    let provider = body
        .blocks()
        .find(|b| b.identifier() == "provider")
        .expect("provider");
    let tags = nested(provider, "default_tags")
        .and_then(|d| attr(d, "tags"))
        .map(src)
        .unwrap_or_default();
    assert!(
        tags.contains("app") && tags.contains("\"seed\"") && tags.contains("\"platform\""),
        "{tags}"
    );
}

fn assert_no_open_ingress(body: &Body) {
    for sg in blocks(body, "resource", "aws_security_group") {
        assert!(
            nested(sg, "ingress").is_none() && nested(sg, "egress").is_none(),
            "inline rules"
        );
    }
    for kind in [
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
    ] {
        for rule in blocks(body, "resource", kind) {
            assert!(
                attr(rule, "description").is_some(),
                "{} has no description",
                label(rule, 1)
            );
            if kind.contains("ingress") {
                let cidr = attr(rule, "cidr_ipv4").map(src).unwrap_or_default();
                assert!(
                    !cidr.contains("0.0.0.0/0"),
                    "{} admits the world",
                    label(rule, 1)
                );
            }
        }
    }
}

/// No wildcard action; `*` resources only for actions AWS does not scope.
fn assert_iam_is_exact(body: &Body) {
    const UNSCOPED: [&str; 5] = [
        "ecr:GetAuthorizationToken",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
    ];
    for doc in blocks(body, "data", "aws_iam_policy_document") {
        for st in doc
            .body()
            .blocks()
            .filter(|b| b.identifier() == "statement")
        {
            let Some(Expression::Array(actions)) = attr(st, "actions") else {
                panic!("no actions")
            };
            let actions: Vec<String> = actions
                .iter()
                .map(|a| src(a).trim_matches('"').to_string())
                .collect();
            assert!(
                actions.iter().all(|a| !a.contains('*')),
                "wildcard action in {actions:?}"
            );
            let resources = attr(st, "resources").map(src).unwrap_or_default();
            if resources.contains("\"*\"") {
                assert!(
                    actions.iter().all(|a| UNSCOPED.contains(&a.as_str())),
                    "`*` resource for {actions:?}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// terraform itself
// ---------------------------------------------------------------------------------------

/// Test-only provider settings for moto, merged into `provider "aws"` by Terraform's
/// override-file rule; never part of the emitted main.tf.
const OVERRIDE: &str = r#"provider "aws" {
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
"#;

fn terraform(dir: &Path, args: &[&str], cli_config: &Path) -> Result<String, String> {
    let mut cmd = Command::new("terraform");
    cmd.current_dir(dir)
        .args(args)
        .env("TF_CLI_CONFIG_FILE", cli_config)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_PLUGIN_CACHE_DIR");
    support::moto_env(&mut cmd);
    let out = cmd
        .output()
        .map_err(|e| format!("terraform {args:?} did not run: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!(
            "terraform {} failed in {}:\n{text}",
            args.join(" "),
            dir.display()
        ))
    }
}

/// init, fmt -check, validate and plan one example; `Err` carries terraform's output.
/// init, fmt -check, validate and plan (saved as `plan.bin`) one main.tf in `root/name`;
/// `Err` carries terraform's output.
fn terraform_checks(name: &str, text: &str, root: &Path) -> Result<PathBuf, String> {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("main.tf"), text).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("override.tf"), OVERRIDE).map_err(|e| e.to_string())?;
    let cli_config = root.join("empty.tfrc");
    terraform(
        &dir,
        &[
            "init",
            "-no-color",
            "-input=false",
            "-backend=false",
            "-plugin-dir=/opt/tf-plugins",
        ],
        &cli_config,
    )?;
    terraform(
        &dir,
        &["fmt", "-check", "-diff", "-no-color", "main.tf"],
        &cli_config,
    )?;
    terraform(&dir, &["validate", "-no-color"], &cli_config)?;
    // Params without a default need a value to plan; any string will do.
    let mut plan = vec![
        "plan".to_string(),
        "-no-color".into(),
        "-input=false".into(),
        "-out=plan.bin".into(),
    ];
    let body = parse(text);
    for v in body.blocks().filter(|b| b.identifier() == "variable") {
        if attr(v, "default").is_none() {
            plan.push("-var".into());
            plan.push(format!("{}=plan-value", label(v, 0)));
        }
    }
    let args: Vec<&str> = plan.iter().map(String::as_str).collect();
    let out = terraform(&dir, &args, &cli_config)?;
    if !out.contains("Plan: ") {
        return Err(format!("no plan summary for {name}:\n{out}"));
    }
    Ok(dir)
}

#[test]
fn terraform_fmt_validate_and_plan_every_example() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("empty.tfrc"), "").expect("empty cli config");
    let _ = support::moto();
    let all = examples();
    // Two cores: two workers, each taking every other example.
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|w| {
                let all = &all;
                let root = root.path();
                s.spawn(move || {
                    all.iter()
                        .skip(w)
                        .step_by(2)
                        .filter_map(|e| {
                            terraform_checks(
                                &example_name(e),
                                &build(std::slice::from_ref(e)),
                                root,
                            )
                            .err()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec!["a worker panicked".into()])
            })
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// User strings that HCL would misread if written raw: quotes, backslashes, control
/// characters, literal `${` / `%{`, and a literal `$` right before a param. Terraform itself
/// must evaluate each to exactly what the spec says.
#[test]
fn hostile_strings_reach_aws_unchanged() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("empty.tfrc"), "").expect("empty cli config");
    let spec = root.path().join("tricky.apr");
    std::fs::write(
        &spec,
        r#"app tricky {
  region = "eu-west-1"
  tags   = { note = "50%{off} \${x}" }
}
param tag = "1.0"
service web {
  image   = "public.ecr.aws/acme/web:2"
  command = "sh -c \"echo \$HOME\""
  env     = {
    DOLLAR_PARAM = "cost \$${tag}"
    MARKERS      = "\${not_a_param} %{x} %%{y} $$"
    QUOTES       = "say \"hi\"\\n"
    CONTROL      = "a\tb\nc"
  }
}
api edge {
  route GET / -> web
}
"#,
    )
    .expect("write spec");
    let text = build(&[spec]);
    let dir = terraform_checks("tricky", &text, root.path()).unwrap_or_else(|e| panic!("{e}"));
    let json = terraform(
        &dir,
        &["show", "-json", "plan.bin"],
        &root.path().join("empty.tfrc"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let plan: serde_json::Value = serde_json::from_str(&json).expect("plan json");
    let changes = plan["resource_changes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let web = changes
        .iter()
        .find(|c| c["address"] == "aws_apprunner_service.web")
        .map(|c| c["change"]["after"].clone())
        .expect("service in plan");
    let config = &web["source_configuration"][0]["image_repository"][0]["image_configuration"][0];
    let env = &config["runtime_environment_variables"];
    assert_eq!(env["DOLLAR_PARAM"], "cost $1.0");
    assert_eq!(env["MARKERS"], "${not_a_param} %{x} %%{y} $$");
    assert_eq!(env["QUOTES"], "say \"hi\"\\n");
    assert_eq!(env["CONTROL"], "a\tb\nc");
    assert_eq!(config["start_command"], "sh -c \"echo $HOME\"");
    assert_eq!(web["tags_all"]["note"], "50%{off} ${x}");
}
