//! Collecting declarations: block kinds (E0110), names (E0112), duplicates per kind (E0104),
//! the one `app` (E0105, E0106), param types (E0113) and names Terraform reserves (E0503).
//! Names are global across files per
//! kind, so this runs once over every module before any block is checked, and resolution
//! (E0107, E0108) asks this table.

use crate::diag::{did_you_mean, Code, Diagnostic, Diagnostics};
use crate::span::Span;
use crate::syntax::ast::{Block, Expr, Ident, ItemKind, Module};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    App,
    Param,
    Network,
    Service,
    Api,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::App => "the app",
            Kind::Param => "a param",
            Kind::Network => "a network",
            Kind::Service => "a service",
            Kind::Api => "an api",
        }
    }
}

const BLOCK_KINDS: [&str; 5] = ["app", "network", "service", "api", "param"];

pub struct ParamDecl<'a> {
    pub name: &'a Ident,
    pub default: Option<&'a Expr>,
    pub span: Span,
}

/// A named top-level block.
#[derive(Clone, Copy)]
pub struct Decl<'a> {
    pub name: &'a Ident,
    pub block: &'a Block,
}

#[derive(Default)]
pub struct Symbols<'a> {
    pub app: Option<Decl<'a>>,
    pub params: BTreeMap<&'a str, ParamDecl<'a>>,
    pub networks: BTreeMap<&'a str, Decl<'a>>,
    pub services: BTreeMap<&'a str, Decl<'a>>,
    pub apis: BTreeMap<&'a str, Decl<'a>>,
    /// Second and later declarations of a taken name: reported (E0104), and their bodies
    /// still checked so one run shows every error and every param use.
    pub duplicates: Vec<(Kind, Decl<'a>)>,
    /// An `app` block was written, even without a name (then E0112, not also E0105).
    app_written: bool,
}

impl<'a> Symbols<'a> {
    /// What `name` is declared as, for "`orders` is a service, expected a network". Only
    /// asked after the wanted kind's table missed, so a name declared as several kinds
    /// still resolves to the wanted one.
    pub fn kind_of(&self, name: &str) -> Option<Kind> {
        if self.networks.contains_key(name) {
            Some(Kind::Network)
        } else if self.services.contains_key(name) {
            Some(Kind::Service)
        } else if self.apis.contains_key(name) {
            Some(Kind::Api)
        } else if self.params.contains_key(name) {
            Some(Kind::Param)
        } else if self.app.is_some_and(|a| a.name.name == name) {
            Some(Kind::App)
        } else {
            None
        }
    }

    fn declares(&self, kind: Kind, name: &str) -> bool {
        match kind {
            Kind::Network => self.networks.contains_key(name),
            Kind::Service => self.services.contains_key(name),
            Kind::Api => self.apis.contains_key(name),
            Kind::Param => self.params.contains_key(name),
            Kind::App => self.app.is_some_and(|a| a.name.name == name),
        }
    }

    fn table(&self, kind: Kind) -> Vec<&'a str> {
        match kind {
            Kind::Network => self.networks.keys().copied().collect(),
            Kind::Service => self.services.keys().copied().collect(),
            Kind::Api => self.apis.keys().copied().collect(),
            Kind::Param => self.params.keys().copied().collect(),
            Kind::App => self.app.iter().map(|a| a.name.name.as_str()).collect(),
        }
    }

    /// Resolves a reference to a declaration of `want`, reporting E0107 or E0108.
    pub fn resolve(&self, diags: &mut Diagnostics, name: &str, span: Span, want: Kind) -> bool {
        // The common case asks the map; the full name list is only built for a diagnostic
        // (building it on every reference made checking quadratic in declarations).
        if self.declares(want, name) {
            return true;
        }
        let names = self.table(want);
        match self.kind_of(name) {
            Some(found) => diags.push(
                Diagnostic::new(
                    Code::E0108,
                    format!("`{name}` is {}, expected {}", found.noun(), want.noun()),
                    span,
                )
                .label(format!("expected {}", want.noun())),
            ),
            None => {
                let mut d = Diagnostic::new(
                    Code::E0107,
                    format!("unknown {} `{name}`", noun_bare(want)),
                    span,
                )
                .label(format!("no {} of this name", noun_bare(want)));
                d = match did_you_mean(name, names.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")).suggest(span, s),
                    None if names.is_empty() => d.help(format!(
                        "declare it: `{} {name} {{ ... }}`",
                        noun_bare(want)
                    )),
                    None => d.help(format!("known: {}", super::values::list_names(&names))),
                };
                diags.push(d);
            }
        }
        false
    }
}

fn noun_bare(kind: Kind) -> &'static str {
    match kind {
        Kind::App => "app",
        Kind::Param => "param",
        Kind::Network => "network",
        Kind::Service => "service",
        Kind::Api => "api",
    }
}

/// Names Terraform refuses as input variable names (each param is one, `var.NAME`): its
/// module blocks' meta-arguments, as terraform 1.11 reports them (each tried alone).
const TERRAFORM_RESERVED: &[&str] = &[
    "count",
    "depends_on",
    "for_each",
    "lifecycle",
    "locals",
    "provider",
    "providers",
    "source",
    "version",
];

pub fn collect<'a>(modules: &'a [Module], diags: &mut Diagnostics) -> Symbols<'a> {
    let mut syms = Symbols::default();
    for module in modules {
        for item in &module.items {
            match &item.kind {
                ItemKind::Param { name, ty, default } => {
                    if let Some(ty) = ty {
                        if ty.name != "string" {
                            diags.push(
                                Diagnostic::new(
                                    Code::E0113,
                                    format!("unknown param type `{}`", ty.name),
                                    ty.span,
                                )
                                .label("not a param type")
                                .help("the only param type is `string`"),
                            );
                        }
                    }
                    if TERRAFORM_RESERVED.contains(&name.name.as_str()) {
                        diags.push(
                            Diagnostic::new(
                                Code::E0503,
                                format!("param `{}` would be the Terraform variable `{}`, a name Terraform reserves", name.name, name.name),
                                name.span,
                            )
                            .label("reserved by Terraform")
                            .help(format!(
                                "rename the param and each `${{{}}}` that uses it (say `{}_value`); Terraform reserves `{}` for its module blocks",
                                name.name,
                                name.name,
                                TERRAFORM_RESERVED.join("`, `")
                            )),
                        );
                    }
                    if let Some(first) = syms.params.get(name.name.as_str()) {
                        diags.push(duplicate("param", name, first.name.span));
                    } else {
                        syms.params.insert(
                            &name.name,
                            ParamDecl {
                                name,
                                default: default.as_ref(),
                                span: item.span,
                            },
                        );
                    }
                }
                ItemKind::Block(block) => declare(&mut syms, block, diags),
            }
        }
    }
    if !syms.app_written {
        let span = modules
            .iter()
            .find_map(|m| {
                m.items.first().map(|i| Span {
                    end: i.span.start,
                    ..i.span
                })
            })
            .or_else(|| modules.first().map(|m| Span::new(m.file, 0, 0)));
        if let Some(span) = span {
            diags.push(
                Diagnostic::new(Code::E0105, "no `app` declaration", span)
                    .label("the application starts here")
                    .help("add `app NAME { region = \"eu-west-1\" }` to one of the files"),
            );
        }
    }
    syms
}

fn declare<'a>(syms: &mut Symbols<'a>, block: &'a Block, diags: &mut Diagnostics) {
    let mut kind = block.kind.name.as_str();
    if !BLOCK_KINDS.contains(&kind) {
        let mut d = Diagnostic::new(
            Code::E0110,
            format!("unknown declaration kind `{kind}`"),
            block.kind.span,
        )
        .label("unknown kind");
        let meant = did_you_mean(kind, BLOCK_KINDS);
        d = match meant {
            Some(s) => d
                .help(format!("did you mean `{s}`?"))
                .suggest(block.kind.span, s),
            None => d.help("declarations are `app`, `param`, `network`, `service` and `api`"),
        };
        diags.push(d);
        // Read on as the kind it was meant to be, so that one misspelt kind is one error,
        // not also an unknown name wherever the declaration is referred to.
        match meant {
            Some(s) if s != "param" => kind = s,
            _ => return,
        }
    }
    if kind == "param" {
        // `param` has its own statement form; as a block it would otherwise fall through.
        diags.push(
            Diagnostic::new(Code::E0110, "`param` is not a block", block.kind.span)
                .label("a param written as a block")
                .help("declare it as `param NAME = \"DEFAULT\"` or `param NAME : string`"),
        );
        return;
    }
    syms.app_written |= kind == "app";
    let Some(name) = &block.name else {
        diags.push(
            Diagnostic::new(
                Code::E0112,
                format!("`{kind}` needs a name"),
                block.kind.span,
            )
            .label("unnamed declaration")
            .help(format!("write `{kind} NAME {{ ... }}`")),
        );
        return;
    };
    let decl = Decl { name, block };
    let table = match kind {
        "app" => {
            match syms.app {
                Some(first) => diags.push(
                    Diagnostic::new(Code::E0106, "more than one `app` declaration", name.span)
                        .label("second `app`")
                        .secondary(first.name.span, "first `app` here")
                        .help("an application has exactly one `app`; remove one"),
                ),
                None => syms.app = Some(decl),
            }
            return;
        }
        "network" => &mut syms.networks,
        "service" => &mut syms.services,
        "api" => &mut syms.apis,
        // Unknown kinds and `param` were answered above.
        _ => return,
    };
    if let Some(first) = table.get(name.name.as_str()) {
        diags.push(duplicate(kind, name, first.name.span));
        let k = match kind {
            "network" => Kind::Network,
            "service" => Kind::Service,
            _ => Kind::Api,
        };
        syms.duplicates.push((k, decl));
    } else {
        table.insert(&name.name, decl);
    }
}

fn duplicate(kind: &str, name: &Ident, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0104,
        format!("{kind} `{}` is declared more than once", name.name),
        name.span,
    )
    .label("declared again here")
    .secondary(first, "first defined here")
    .help(format!("rename or remove one of the two `{}`", name.name))
}
