//! Every example passes `aprc check`, and the checked Spec holds what each example declares
//! (defaults applied, references resolved, collections sorted).

use crate::support;

use aprc::diag::Diagnostics;
use aprc::model::{Auth, Egress, ImageSource, Ingress, Method, NetworkSource, Spec};
use aprc::syntax::ast::SegmentKind;
use aprc::text::{Text, TextPart};

fn spec(rel: &str) -> Spec {
    let sources = aprc::driver::load(&[support::root().join(rel)]).expect("example loads");
    let mut diags = Diagnostics::new();
    let spec = aprc::driver::front(&sources, &mut diags);
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.code.as_str().starts_with('E'))
        .collect();
    assert!(errors.is_empty(), "{rel}: {errors:?}");
    spec.unwrap_or_else(|| panic!("{rel}: no spec"))
}

#[test]
fn every_example_checks_with_exit_0() {
    let examples = support::examples();
    assert!(examples.len() >= 5, "examples found: {examples:?}");
    for example in examples {
        let out = support::aprc()
            .arg("check")
            .arg(&example)
            .current_dir(support::root())
            .output()
            .expect("aprc runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {stderr}",
            example.display()
        );
        assert!(!stderr.contains("error"), "{}: {stderr}", example.display());
    }
}

#[test]
fn seed_has_one_private_service_in_core() {
    let s = spec("examples/seed.apr");
    assert_eq!(s.app.name, "seed");
    assert_eq!(s.app.region, "eu-west-1");
    assert_eq!(s.app.tags.get("team"), Some(&Text::lit("platform")));
    assert_eq!(s.params.len(), 1);
    assert_eq!(s.params[0].default.as_deref(), Some("1.0.0"));
    assert_eq!(s.networks.len(), 1);
    assert_eq!(
        s.networks[0].source,
        NetworkSource::Create {
            base: 0x0a00_0000,
            prefix: 16,
            zones: 2,
            subnet_size: 24
        }
    );
    let [orders] = s.services.as_slice() else {
        panic!("one service: {:?}", s.services)
    };
    assert_eq!(orders.name, "orders");
    assert_eq!(orders.ingress, Ingress::Private);
    assert_eq!(orders.network.as_deref(), Some("core"));
    assert_eq!(
        (orders.cpu_millis, orders.memory_mb, orders.port),
        (1000, 2048, 8080)
    );
    assert!(
        matches!(&orders.image_source, ImageSource::EcrPrivate { repository, account, .. } if repository == "orders" && account == "123456789012")
    );
    assert_eq!(
        orders.image.parts.last(),
        Some(&TextPart::Param("image_tag".into()))
    );
    let [api] = s.apis.as_slice() else {
        panic!("one api")
    };
    assert_eq!(
        (&api.stage, api.auth, api.network.as_deref()),
        (&Text::lit("prod"), Auth::ApiKey, Some("core"))
    );
    assert_eq!(api.routes.len(), 1);
    assert_eq!(api.routes[0].method, Method::Any);
    assert_eq!(
        api.routes[0].path,
        vec![SegmentKind::Greedy("proxy".into())]
    );
    // A greedy variable is written `{proxy}` in the target path.
    assert_eq!(
        api.routes[0].target_path,
        vec![SegmentKind::Var("proxy".into())]
    );
}

#[test]
fn shop_applies_defaults_and_sorts() {
    let s = spec("examples/shop.apr");
    let names: Vec<&str> = s.services.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["catalog", "orders", "storefront", "users"]);
    let apis: Vec<&str> = s.apis.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(apis, ["admin", "public"]);
    let params: Vec<(&str, Option<&str>)> = s
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.default.as_deref()))
        .collect();
    assert_eq!(params, [("db_secret", None), ("image_tag", Some("1.4.2"))]);

    let by = |n: &str| s.services.iter().find(|x| x.name == n).expect("service");
    let orders = by("orders");
    assert_eq!(orders.egress, Egress::Vpc);
    assert!(orders.tracing);
    assert_eq!(
        orders.secrets.get("DB_PASSWORD"),
        Some(&Text::param("db_secret"))
    );
    let health = orders.health.as_ref().expect("health");
    assert_eq!(
        (health.path.as_ref(), health.interval, health.timeout),
        (Some(&Text::lit("/healthz")), Some(10), Some(5))
    );
    assert_eq!(health.protocol, aprc::model::HealthProtocol::Http);
    assert_eq!(
        orders.scale.map(|x| (x.min, x.max, x.concurrency)),
        Some((1, 10, 100))
    );
    // Defaults: users has a network, so it is private; storefront has none and is public.
    assert_eq!(by("users").ingress, Ingress::Private);
    assert_eq!(by("users").image_source, ImageSource::EcrPublic);
    let storefront = by("storefront");
    assert_eq!(
        (
            storefront.ingress,
            storefront.cpu_millis,
            storefront.memory_mb,
            storefront.port
        ),
        (Ingress::Public, 250, 512, 3000)
    );
    assert_eq!(
        (by("catalog").cpu_millis, by("catalog").memory_mb),
        (500, 1024)
    );
    assert_eq!(by("catalog").secrets.len(), 2);

    let public = s
        .apis
        .iter()
        .find(|a| a.name == "public")
        .expect("public api");
    assert!(public.tracing && public.access_log);
    assert_eq!(
        public.throttle.map(|t| (t.rate, t.burst)),
        Some((100.0, 200))
    );
    // Sorted by (path, method): each key no smaller than the one before.
    let keys: Vec<_> = public
        .routes
        .iter()
        .map(|r| (r.path.clone(), r.method))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
    assert_eq!(public.routes.len(), 7);
    let users = public
        .routes
        .iter()
        .find(|r| r.service == "users" && r.method == Method::Get)
        .expect("GET users");
    let v1: Vec<SegmentKind> = ["v1", "users"]
        .iter()
        .map(|x| SegmentKind::Literal((*x).into()))
        .chain([SegmentKind::Var("id".into())])
        .collect();
    assert_eq!(users.target_path, v1);
    let admin = s.apis.iter().find(|a| a.name == "admin").expect("admin");
    assert_eq!((admin.auth, &admin.stage), (Auth::Iam, &Text::lit("admin")));
}

#[test]
fn existing_vpc_keeps_its_ids() {
    let s = spec("examples/existing-vpc.apr");
    let NetworkSource::Existing { vpc_id, subnet_ids } = &s.networks[0].source else {
        panic!("existing vpc")
    };
    assert_eq!(vpc_id, &Text::lit("vpc-0a1b2c3d4e5f60718"));
    assert_eq!(subnet_ids.len(), 2);
    assert_eq!(s.services[0].egress, Egress::Vpc);
    assert_eq!(s.apis[0].name, "billing-api");
    assert_eq!(s.apis[0].stage, Text::lit("v1"));
    // `/` sorts before `/billing/{proxy+}`.
    assert!(s.apis[0].routes[0].path.is_empty());
    assert_eq!(
        s.apis[0].routes[0].target_path,
        vec![SegmentKind::Literal("status".into())]
    );
}

#[test]
fn public_only_needs_no_network() {
    let s = spec("examples/public-only.apr");
    assert!(s.networks.is_empty());
    assert_eq!(s.services[0].ingress, Ingress::Public);
    assert_eq!(s.services[0].network, None);
    assert_eq!(s.apis[0].network, None);
    assert_eq!(s.apis[0].auth, Auth::None);
}

#[test]
fn multi_file_app_resolves_across_files() {
    let s = spec("examples/multi");
    assert_eq!(s.app.name, "multi");
    assert_eq!(
        s.networks[0].source,
        NetworkSource::Create {
            base: 0xac10_0000,
            prefix: 20,
            zones: 3,
            subnet_size: 24
        }
    );
    let names: Vec<&str> = s.services.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["inventory", "reports"]);
    assert_eq!(
        (s.services[1].cpu_millis, s.services[1].memory_mb),
        (2000, 4096)
    );
    assert_eq!(s.apis[0].network.as_deref(), Some("main"));
    assert_eq!(s.apis[0].stage, Text::lit("live"));
}

/// Reverses every list of declarations and statements, recursively.
fn reverse_all(modules: &mut [aprc::syntax::ast::Module]) {
    use aprc::syntax::ast::{ItemKind, Stmt, StmtKind};
    fn body(stmts: &mut Vec<Stmt>) {
        stmts.reverse();
        for s in stmts {
            if let StmtKind::Block(b) = &mut s.kind {
                body(&mut b.body);
            }
        }
    }
    modules.reverse();
    for m in modules {
        m.items.reverse();
        for item in &mut m.items {
            if let ItemKind::Block(b) = &mut item.kind {
                body(&mut b.body);
            }
        }
    }
}

#[test]
fn declaration_order_does_not_change_the_spec() {
    for example in support::examples() {
        let sources = aprc::driver::load(&[support::root().join(&example)]).expect("loads");
        let mut diags = Diagnostics::new();
        let mut modules = aprc::driver::parse(&sources, &mut diags);
        let forward = aprc::check::check(&modules, &mut Diagnostics::new());
        assert!(forward.is_some(), "{}", example.display());
        reverse_all(&mut modules);
        let backward = aprc::check::check(&modules, &mut Diagnostics::new());
        assert_eq!(forward, backward, "{}", example.display());
    }
}
