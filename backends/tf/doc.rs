//! How the construct files build `main.tf`: each top-level block is an `hcl::Block` whose
//! body (an `hcl::Body`) a closure fills through [`BodyExt`]; [`Doc`] formats each block into
//! the output as soon as it is complete and drops it, so at most one block's tree is alive
//! (a whole-file `Body` for 1,000 services was tens of megabytes built only to be freed).
//!
//! Block types and attribute names are the construct files' constants (`&'static str`), valid
//! identifiers as written, so they become `Identifier::unchecked` without the Unicode checks
//! that names from the IR get ([`super::expr::ident`]).
//!
//! In a module, [`Doc::resource`] also writes the app's tags on every resource whose type
//! takes them ([`super::tags`]): it is the one place every resource block passes through.
//!
//! [`Doc`] also keeps the address of every top-level block, back to back in one `String`, for
//! the E0502 check (no `String` per address), and reuses the top-level body's and labels'
//! vectors from one block to the next.

use super::expr::string;
use super::format::Formatter;
use super::tags::taggable;
use crate::backends::Text;
use hcl::expr::{Object, ObjectKey};
use hcl::{Attribute, Block, BlockLabel, Body, Expression, Identifier, Structure};

/// Filling an `hcl::Body` with attributes, objects and nested blocks.
pub trait BodyExt {
    /// `key = value`.
    fn attr(&mut self, key: &'static str, value: Expression);

    /// `key = { k = v ... }` from string keys (written bare where HCL allows, quoted
    /// otherwise); `key = {}` when empty.
    fn map<K: AsRef<str>>(
        &mut self,
        key: &'static str,
        entries: impl IntoIterator<Item = (K, Expression)>,
    );

    /// A nested block `ident "label"... { body }`.
    fn block(&mut self, ident: &'static str, labels: &[&str], body: impl FnOnce(&mut Body));

    /// `lifecycle { create_before_destroy = true }`: the replacement is created before the
    /// resource it replaces is destroyed (its name must let the two exist at once).
    fn create_before_destroy(&mut self) {
        self.block("lifecycle", &[], |w| {
            w.attr("create_before_destroy", Expression::Bool(true));
        });
    }

    /// `lifecycle { prevent_destroy = true }`: Terraform refuses to destroy the resource.
    fn prevent_destroy(&mut self) {
        self.block("lifecycle", &[], |w| {
            w.attr("prevent_destroy", Expression::Bool(true));
        });
    }
}

impl BodyExt for Body {
    fn attr(&mut self, key: &'static str, value: Expression) {
        self.0.push(Structure::Attribute(Attribute {
            key: Identifier::unchecked(key),
            expr: value,
        }));
    }

    fn map<K: AsRef<str>>(
        &mut self,
        key: &'static str,
        entries: impl IntoIterator<Item = (K, Expression)>,
    ) {
        self.attr(key, object(entries));
    }

    fn block(&mut self, ident: &'static str, labels: &[&str], body: impl FnOnce(&mut Body)) {
        self.0.push(Structure::Block(block(ident, labels, body)));
    }
}

/// `{ k = v ... }` from string keys (written bare where HCL allows, quoted otherwise).
pub fn object<K: AsRef<str>>(entries: impl IntoIterator<Item = (K, Expression)>) -> Expression {
    let object: Object<ObjectKey, Expression> = entries
        .into_iter()
        .map(|(k, v)| (ObjectKey::Expression(string(k.as_ref())), v))
        .collect();
    Expression::Object(object)
}

/// `tags = <tags>` into a resource's body, before its meta-arguments (`lifecycle`,
/// `depends_on`), which the construct files write last.
fn insert_tags(w: &mut Body, tags: Expression) {
    let at =
        w.0.iter()
            .position(|s| match s {
                Structure::Block(b) => b.identifier.as_str() == "lifecycle",
                Structure::Attribute(a) => a.key.as_str() == "depends_on",
            })
            .unwrap_or(w.0.len());
    let tags = Structure::Attribute(Attribute {
        key: Identifier::unchecked("tags"),
        expr: tags,
    });
    w.0.insert(at, tags);
}

/// An `hcl::Block` with quoted labels, its body filled by `body`.
pub fn block(ident: &'static str, labels: &[&str], body: impl FnOnce(&mut Body)) -> Block {
    filled(ident, labels, body, Vec::new(), Vec::new())
}

/// [`block`] into vectors that may hold room already.
fn filled(
    ident: &'static str,
    labels: &[&str],
    body: impl FnOnce(&mut Body),
    items: Vec<Structure>,
    mut label_room: Vec<BlockLabel>,
) -> Block {
    let mut filled = Body(items);
    body(&mut filled);
    label_room.extend(labels.iter().map(|l| BlockLabel::String((*l).to_owned())));
    Block {
        identifier: Identifier::unchecked(ident),
        labels: label_room,
        body: filled,
    }
}

/// The file being written: top-level blocks in order.
pub struct Doc {
    fmt: Formatter,
    /// Every top-level block's address (`resource.aws_vpc.core`), back to back.
    addresses: String,
    /// The end offset of each address in `addresses`, in writing order.
    address_ends: Vec<usize>,
    /// The last top-level block's vectors, emptied, for the next one.
    spare_items: Vec<Structure>,
    spare_labels: Vec<BlockLabel>,
    /// The `tags` every resource that takes them gets ([`Doc::tag_resources`]).
    tags: Option<Expression>,
}

impl Doc {
    pub fn with_capacity(bytes: usize) -> Doc {
        Doc {
            fmt: Formatter::with_capacity(bytes),
            addresses: String::new(),
            address_ends: Vec::new(),
            spare_items: Vec::new(),
            spare_labels: Vec::new(),
            tags: None,
        }
    }

    /// From now on, every resource whose type takes `tags` ([`taggable`]) is written with
    /// `tags = <tags>`: before its trailing `lifecycle` and `depends_on`, where Terraform's
    /// style puts meta-arguments last.
    pub fn tag_resources(&mut self, tags: Expression) {
        self.tags = Some(tags);
    }

    /// Formats a top-level block into the file and drops it.
    pub fn push(&mut self, block: Block) {
        self.addresses.push_str(block.identifier.as_str());
        for label in &block.labels {
            self.addresses.push('.');
            self.addresses.push_str(label.as_str());
        }
        self.address_ends.push(self.addresses.len());
        self.fmt.block(&block);
        let Block { labels, body, .. } = block;
        (self.spare_items, self.spare_labels) = (body.0, labels);
        self.spare_items.clear();
        self.spare_labels.clear();
    }

    /// A top-level block `ident "label"... { body }`.
    pub fn block(&mut self, ident: &'static str, labels: &[&str], body: impl FnOnce(&mut Body)) {
        let items = std::mem::take(&mut self.spare_items);
        let label_room = std::mem::take(&mut self.spare_labels);
        self.push(filled(ident, labels, body, items, label_room));
    }

    /// `resource "<kind>" "<name>" { body }`, tagged if [`Doc::tag_resources`] said so.
    pub fn resource(&mut self, kind: &'static str, name: &str, body: impl FnOnce(&mut Body)) {
        let tags = self.tags.as_ref().filter(|_| taggable(kind)).cloned();
        self.block("resource", &[kind, name], |w| {
            body(w);
            if let Some(tags) = tags {
                insert_tags(w, tags);
            }
        });
    }

    /// `data "<kind>" "<name>" { body }`.
    pub fn data(&mut self, kind: &'static str, name: &str, body: impl FnOnce(&mut Body)) {
        self.block("data", &[kind, name], body);
    }

    /// An empty file that tags as this one does: for blocks written apart ([`Doc::append`]).
    pub fn sibling(&self, bytes: usize) -> Doc {
        let mut doc = Doc::with_capacity(bytes);
        doc.tags = self.tags.clone();
        doc
    }

    /// The blocks `other` holds, after this file's: as if they had been written here.
    pub fn append(&mut self, other: Doc) {
        let shift = self.addresses.len();
        self.addresses.push_str(&other.addresses);
        self.address_ends
            .extend(other.address_ends.iter().map(|end| end + shift));
        self.fmt.append(other.fmt);
    }

    /// The text, or (for E0502) the first address that an earlier block already had.
    pub fn finish(self) -> Result<Text, String> {
        match self.first_collision() {
            Some(address) => Err(address),
            None => Ok(self.fmt.finish()),
        }
    }

    /// The first block, in writing order, whose address an earlier block already had. The
    /// set is only asked, never iterated, so its order cannot reach the output. A fast hash
    /// (`crate::hash`): the addresses are short and our own, so a keyed hash (std's SipHash,
    /// which resists chosen keys) buys nothing here; at 1,000 services it cost ~7M
    /// instructions more.
    fn first_collision(&self) -> Option<String> {
        let mut seen: crate::hash::Set<&str> =
            crate::hash::Set::with_capacity_and_hasher(self.address_ends.len(), Default::default());
        let mut start = 0;
        for &end in &self.address_ends {
            let address = &self.addresses[start..end];
            if !seen.insert(address) {
                return Some(address.to_string());
            }
            start = end;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::tf::expr::int;

    #[test]
    fn the_first_repeated_address_is_reported() {
        let mut doc = Doc::with_capacity(0);
        doc.resource("k", "x", |_| {});
        doc.resource("k", "y", |b| b.attr("a", int(1)));
        doc.block("resource", &["k.y"], |_| {});
        doc.resource("k", "x", |_| {});
        assert_eq!(doc.finish().err().as_deref(), Some("resource.k.y"));
    }

    /// Blocks written into a sibling and appended read exactly as blocks written in one file,
    /// collisions across the two included.
    #[test]
    fn appended_blocks_are_the_same_file() {
        let write = |doc: &mut Doc, names: &[&str]| {
            for name in names {
                doc.resource("k", name, |b| {
                    b.attr("a", int(1));
                    b.block("inner", &[], |_| {});
                });
            }
        };
        let all = ["x", "y", "z", "w"];
        let mut one = Doc::with_capacity(0);
        one.block("terraform", &[], |_| {});
        write(&mut one, &all);
        let whole = one.finish().map(Text::into_string);
        for cut in 0..=all.len() {
            let mut first = Doc::with_capacity(0);
            first.block("terraform", &[], |_| {});
            write(&mut first, &all[..cut]);
            let mut second = first.sibling(0);
            write(&mut second, &all[cut..]);
            first.append(second);
            assert_eq!(first.finish().map(Text::into_string), whole, "cut at {cut}");
        }
        let mut first = Doc::with_capacity(0);
        write(&mut first, &["x", "y"]);
        let mut second = first.sibling(0);
        write(&mut second, &["z", "y"]);
        first.append(second);
        assert_eq!(first.finish().err().as_deref(), Some("resource.k.y"));
    }

    #[test]
    fn blocks_are_formatted_as_they_come() {
        let mut doc = Doc::with_capacity(0);
        doc.block("a", &[], |_| {});
        doc.resource("k", "n", |b| {
            b.map(
                "tags",
                [("team", string("x")), ("cost.centre", string("y"))],
            );
            b.block("inner", &[], |_| {});
        });
        let want = "a {}\n\nresource \"k\" \"n\" {\n  tags = {\n    team          = \"x\"\n    \"cost.centre\" = \"y\"\n  }\n\n  inner {  }\n}\n";
        assert_eq!(doc.finish().map(Text::into_string).as_deref(), Ok(want));
    }
}
