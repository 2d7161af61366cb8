//! The syntax tree of one `.apr` file, exactly as written: nothing resolved, no defaults.
//! Every node carries its span. The grammar is generic over block kinds (`KIND NAME? { ... }`)
//! so that a misspelt kind is a checked error with "did you mean", not a parse failure.

use crate::span::{FileId, Span};

/// One parsed file.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub file: FileId,
    pub items: Vec<Item>,
    /// Every `#` comment, in source order (the formatter re-attaches them).
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// The comment text including the leading `#`, without the line break.
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// `param NAME = DEFAULT` or `param NAME : TYPE`.
    Param {
        name: Ident,
        ty: Option<Ident>,
        default: Option<Expr>,
    },
    /// `app`, `network`, `service`, `api` (or an unknown kind, reported by the checker).
    Block(Block),
}

/// `KIND NAME? { BODY }`, at top level or nested (`health { ... }`).
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: Ident,
    pub name: Option<Ident>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    Attr { name: Ident, value: Expr },
    Block(Block),
    Route(Route),
    Allow(Allow),
}

/// `allow ACTIONS on RESOURCES`: each side a string or a list of strings (the checker's).
#[derive(Debug, Clone, PartialEq)]
pub struct Allow {
    pub actions: Expr,
    pub resources: Expr,
}

/// `route METHOD PATH -> SERVICE [TARGET_PATH] [{ BODY }]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// As written; the checker validates it against the known methods.
    pub method: Ident,
    pub path: PathLit,
    pub target: Ident,
    pub target_path: Option<PathLit>,
    /// The route's own block (`{ auth = none }`), which overrides the api's attributes.
    pub body: Option<RouteBody>,
}

/// The attributes a route's block takes (the checker's; W0005's help offers the block for
/// these).
pub const ROUTE_ATTRS: [&str; 1] = ["auth"];

#[derive(Debug, Clone, PartialEq)]
pub struct RouteBody {
    pub stmts: Vec<Stmt>,
    /// From `{` to `}`.
    pub span: Span,
}

impl Route {
    /// Where the route's last token ends: its block, target path or target.
    pub fn end(&self) -> u32 {
        match (&self.body, &self.target_path) {
            (Some(body), _) => body.span.end,
            (None, Some(path)) => path.span.end,
            (None, None) => self.target.span.end,
        }
    }
}

/// `/`, `/users/{id}`, `/files/{proxy+}`.
#[derive(Debug, Clone, PartialEq)]
pub struct PathLit {
    pub segments: Vec<Segment>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub kind: SegmentKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SegmentKind {
    Literal(String),
    /// `{name}`
    Var(String),
    /// `{name+}`
    Greedy(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Str(StrLit),
    Int(i64),
    /// A decimal such as `0.25`, kept as written so nothing is lost to float rounding.
    Decimal(String),
    Bool(bool),
    Quantity(Quantity),
    /// `10.0.0.0/16` as written; validity (octets, prefix, host bits) is the checker's.
    Cidr(String),
    Path(PathLit),
    List(Vec<Expr>),
    Map(Vec<MapEntry>),
    /// A keyword value (`private`, `api_key`, ...) or a reference (`core`); which one is
    /// decided by the attribute it is the value of.
    Ident(String),
    /// `NAME.url`, `api.NAME.url`: dotted names as written, resolved by the checker.
    Reference(String),
}

/// A string literal: literal text and `${param}` interpolations, escapes already decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct StrLit {
    pub parts: Vec<StrPart>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StrPart {
    Lit(String),
    /// `${name}` (a param) or `${name.url}` (a reference), as written.
    Interp(Ident),
}

impl StrLit {
    /// The text when the string has no interpolation.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                StrPart::Lit(s) => out.push_str(s),
                StrPart::Interp(_) => return None,
            }
        }
        Some(out)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// The number as written (`1`, `0.25`).
    pub value: String,
    pub unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Vcpu,
    Mb,
    Gb,
    Ms,
    S,
    M,
    H,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Vcpu => "vcpu",
            Unit::Mb => "mb",
            Unit::Gb => "gb",
            Unit::Ms => "ms",
            Unit::S => "s",
            Unit::M => "m",
            Unit::H => "h",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapEntry {
    pub key: MapKey,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapKey {
    pub name: String,
    /// Written as a string (`"A-B" = ...`) rather than an identifier.
    pub quoted: bool,
    pub span: Span,
}

impl Expr {
    /// A short description of the value's type for "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            ExprKind::Str(_) => "a string",
            ExprKind::Int(_) => "an integer",
            ExprKind::Decimal(_) => "a decimal",
            ExprKind::Bool(_) => "a boolean",
            ExprKind::Quantity(q) => match q.unit {
                Unit::Vcpu => "a vCPU quantity",
                Unit::Mb | Unit::Gb => "a memory quantity",
                _ => "a duration",
            },
            ExprKind::Cidr(_) => "a CIDR block",
            ExprKind::Path(_) => "a path",
            ExprKind::List(_) => "a list",
            ExprKind::Map(_) => "a map",
            ExprKind::Ident(_) => "a name",
            ExprKind::Reference(_) => "a reference",
        }
    }
}
