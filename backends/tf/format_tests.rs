//! The formatter against its oracle: for varied hcl-rs bodies, what [`format::to_string`]
//! writes must equal hcl-rs's own formatter (configured as this backend configured it) with
//! `=` aligned afterwards by [`layout::align`], the pass the backend used before. Also a small
//! case written out by hand, and hcl-rs parsing the text back to the same body.

use super::doc::{block, BodyExt};
use super::expr::{attr, call, count_index, data_attr, get_attr, index, int, string, var};
use super::{format, layout};
use hcl::eval::Evaluate as _;
use hcl::expr::{FuncCall, FuncName, ObjectKey, TemplateExpr, Traversal, TraversalOperator};
use hcl::format::Format as _;
use hcl::{Body, Expression, Identifier, Number, Object, Structure, Value};

/// hcl-rs's formatter as the backend configured it, then the alignment pass.
fn oracle(body: &Body) -> String {
    let mut f = hcl::format::Formatter::builder()
        .compact_arrays(true)
        .prefer_ident_keys(true)
        .build_vec();
    layout::align(&body.format_string(&mut f).unwrap_or_default())
}

fn object(entries: Vec<(ObjectKey, Expression)>) -> Expression {
    Expression::Object(entries.into_iter().collect::<Object<_, _>>())
}

fn key(s: &str) -> ObjectKey {
    ObjectKey::Expression(Expression::String(s.into()))
}

/// Strings the escaping must get right: quotes, backslashes, control characters, template
/// markers (escaped or not), non-ASCII text. `quote`'s own tests use them too.
pub(super) const STRINGS: &[&str] = &[
    "",
    "plain",
    "q\"uo\\te",
    "ctl \u{1}\u{8}\u{c}\u{1f}\n\r\t\u{7f} é ✓",
    "$ % $$ %% {} $}",
    "a${b}",
    "%{x}$${y}",
    "%%{y} $${z}",
];

fn varied() -> Body {
    let mut body = Body(Vec::new());
    body.attr("top", int(1));
    body.attr("longer_top", string("x = y"));
    for s in STRINGS {
        body.0.push(Structure::Block(block("strings", &[s], |b| {
            b.attr("raw", Expression::String((*s).to_owned()));
            b.attr("literal", string(s));
            b.map("m", [(*s, string(s)), ("k", Expression::Bool(true))]);
        })));
    }
    body.0.push(Structure::Block(block("empty", &[], |_| {})));
    body.0
        .push(Structure::Block(block("resource", &["k", "n"], |b| {
            b.attr("a", int(0));
            b.attr("negative", Expression::Number(Number::from(-42i64)));
            b.attr("float", Expression::from(12.5));
            b.attr("whole_float", Expression::from(3.0));
            b.attr("null", Expression::Null);
            b.attr("flag", Expression::Bool(false));
            b.block("nested_empty", &[], |_| {});
            b.attr("after_block", attr("aws_vpc", "core", "id").into());
            b.attr("unicode", var("é_x").into());
            b.map::<&str>("empty_map", []);
            b.attr(
                "list",
                Expression::Array(vec![int(1), string("two"), var("x").into()]),
            );
            b.attr("empty_list", Expression::Array(vec![]));
            b.attr(
                "nested_list",
                Expression::Array(vec![
                    Expression::Array(vec![int(1)]),
                    Expression::Array(vec![]),
                ]),
            );
            b.attr("index", index(data_attr("d", "n", "names").into(), int(0)));
            b.attr(
                "call",
                get_attr(
                    index(call("tolist", attr("k", "n", "ids").into()), count_index()),
                    "ip",
                ),
            );
            b.attr(
                "splats",
                Traversal {
                    expr: var("v").into(),
                    operators: vec![
                        TraversalOperator::AttrSplat,
                        TraversalOperator::FullSplat,
                        TraversalOperator::LegacyIndex(3),
                    ],
                }
                .into(),
            );
            b.attr(
                "multi",
                FuncCall {
                    name: FuncName::new(Identifier::unchecked("merge"))
                        .with_namespace([Identifier::unchecked("provider")]),
                    args: vec![
                        object(vec![(key("a"), int(1)), (key("b c"), string("d"))]),
                        Expression::Array(vec![int(2)]),
                    ],
                    expand_final: true,
                }
                .into(),
            );
            b.attr("paren", Expression::Parenthesis(Box::new(int(7))));
            b.attr(
                "template",
                Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(
                    "https://${aws_lb.x.dns}/{proxy}".into(),
                ))),
            );
            b.attr(
                "obj",
                object(vec![
                    (key("short"), int(1)),
                    (key("method.request.path.proxy"), Expression::Bool(true)),
                    (
                        ObjectKey::Identifier(Identifier::unchecked("ident")),
                        int(2),
                    ),
                    (
                        key("nested"),
                        object(vec![(key("x"), int(1)), (key("yy"), int(2))]),
                    ),
                    (key("after"), Expression::Array(vec![object(vec![])])),
                    (key("é"), string("unicode key")),
                ]),
            );
            b.attr("z", int(3));
            b.block("inner", &["label"], |b| {
                b.attr("q", Expression::Bool(true));
                b.block("deeper", &[], |b| b.attr("r", int(1)));
            });
            b.attr("last", int(4));
            b.attr("last_longer", int(5));
        })));
    body
}

#[test]
fn varied_bodies_match_hcl_rs_plus_alignment() {
    let body = varied();
    let ours = format::to_string(&body);
    assert_eq!(ours, oracle(&body));
    // Every block on its own too, as `Doc` writes them.
    for s in &body.0 {
        let single = Body(vec![s.clone()]);
        assert_eq!(format::to_string(&single), oracle(&single));
    }
}

#[test]
fn varied_bodies_parse_back_to_the_same_values() {
    let body = varied();
    let text = format::to_string(&body);
    let parsed = match hcl::parse(&text) {
        Ok(parsed) => parsed,
        Err(e) => panic!("{e}\n{text}"),
    };
    let blocks: Vec<&hcl::Block> = parsed.blocks().collect();
    assert_eq!(blocks.len(), STRINGS.len() + 2);
    // Every user string reads back as itself: quotes, control characters and markers.
    let ctx = hcl::eval::Context::new();
    let value = |e: &Expression| e.evaluate(&ctx).ok();
    for (block, s) in blocks.iter().zip(STRINGS) {
        let attrs: Vec<&hcl::Attribute> = block.body().attributes().collect();
        assert_eq!(value(attrs[1].expr()), Some(Value::from(*s)), "{s:?}");
        let map = match attrs[2].expr() {
            Expression::Object(map) => map.iter().map(|(_, v)| value(v)).next(),
            other => panic!("{other:?}"),
        };
        assert_eq!(map, Some(Some(Value::from(*s))), "{s:?}");
        if !super::quote::has_marker(s) {
            // (hcl-rs's own escaping of markers in labels pairs characters; see quote.rs.)
            assert_eq!(block.labels()[0].as_str(), *s);
        }
    }
    // The rest, with no strings to escape, reads back to a tree written the same way.
    let tail = Body(
        blocks[STRINGS.len()..]
            .iter()
            .map(|b| (*b).clone().into())
            .collect(),
    );
    let ours = Body(body.0[2 + STRINGS.len()..].to_vec());
    assert_eq!(format::to_string(&tail), format::to_string(&ours));
}

#[test]
fn a_small_case_by_hand() {
    let mut body = Body(Vec::new());
    body.0.push(Structure::Block(block("b", &["l"], |b| {
        b.attr("a", int(1));
        b.attr("longer", string("x = y"));
        b.map("obj", [("k", int(1)), ("kk", int(2))]);
        b.attr("z", int(3));
        b.block("inner", &[], |b| b.attr("q", Expression::Bool(true)));
        b.block("empty", &[], |_| {});
        b.map::<&str>("tags", []);
        b.attr("t", string("${x}"));
    })));
    let want = "b \"l\" {\n  a      = 1\n  longer = \"x = y\"\n  obj = {\n    k  = 1\n    kk = 2\n  }\n  z = 3\n\n  inner {\n    q = true\n  }\n\n  empty {  }\n\n  tags = {}\n  t    = \"$${x}\"\n}\n";
    assert_eq!(format::to_string(&body), want);
}

/// `jsonencode`'s argument on several lines, as `terraform fmt` leaves it (checked with
/// terraform 1.x): `}, {` between two objects of a list indented as the lines inside them;
/// any other call's objects stay on one line.
#[test]
fn a_document_in_jsonencode_is_laid_out() {
    let mut body = Body(Vec::new());
    body.0.push(Structure::Block(block("b", &["l"], |b| {
        b.attr("before", int(1));
        let first = object(vec![
            (key("name"), string("a")),
            (
                key("list"),
                Expression::Array(vec![
                    object(vec![(key("x"), int(1))]),
                    object(vec![(key("yy"), int(2))]),
                ]),
            ),
            (key("flat"), Expression::Array(vec![int(1), int(2)])),
        ]);
        let second = object(vec![(key("name"), string("b"))]);
        b.attr(
            "doc",
            call("jsonencode", Expression::Array(vec![first, second])),
        );
        b.attr(
            "after",
            call(
                "tolist",
                Expression::Array(vec![object(vec![(key("k"), int(1))])]),
            ),
        );
    })));
    let want = r#"b "l" {
  before = 1
  doc = jsonencode([{
    name = "a"
    list = [{
      x = 1
      }, {
      yy = 2
    }]
    flat = [1, 2]
    }, {
    name = "b"
  }])
  after = tolist([{ k = 1 }])
}
"#;
    assert_eq!(format::to_string(&body), want);
}
