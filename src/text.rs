//! A string that may contain deploy-time parameters. The checker builds it from a string
//! literal; every backend spells the parameter its own way (`${Param}` in `Fn::Sub`,
//! `${var.param}` in HCL, `{"param": ...}` in a plan), so it stays structured until then.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum TextPart {
    Lit(String),
    Param(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Text {
    pub parts: Vec<TextPart>,
}

impl Text {
    pub fn lit(s: impl Into<String>) -> Self {
        let s = s.into();
        if s.is_empty() {
            return Text::default();
        }
        Text {
            parts: vec![TextPart::Lit(s)],
        }
    }

    pub fn param(name: impl Into<String>) -> Self {
        Text {
            parts: vec![TextPart::Param(name.into())],
        }
    }

    /// Appends, merging adjacent literals so equal texts have one representation.
    pub fn push(&mut self, part: TextPart) {
        match (self.parts.last_mut(), part) {
            (_, TextPart::Lit(s)) if s.is_empty() => {}
            (Some(TextPart::Lit(prev)), TextPart::Lit(s)) => prev.push_str(&s),
            (_, part) => self.parts.push(part),
        }
    }

    /// The text when it holds no parameter.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TextPart::Lit(s) => out.push_str(s),
                TextPart::Param(_) => return None,
            }
        }
        Some(out)
    }

    /// The text with `stand_in` in place of every parameter: what it could at most be (`*`),
    /// or a mark no literal holds.
    pub fn with_params_as(&self, stand_in: &str) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                TextPart::Lit(s) => s.as_str(),
                TextPart::Param(_) => stand_in,
            })
            .collect()
    }

    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            TextPart::Param(name) => Some(name.as_str()),
            TextPart::Lit(_) => None,
        })
    }

    /// Replaces every parameter that has a value in `values` by that value.
    pub fn bake(&self, values: &std::collections::BTreeMap<String, String>) -> Text {
        let mut out = Text::default();
        for part in &self.parts {
            match part {
                TextPart::Param(name) => match values.get(name) {
                    Some(value) => out.push(TextPart::Lit(value.clone())),
                    None => out.push(part.clone()),
                },
                TextPart::Lit(_) => out.push(part.clone()),
            }
        }
        out
    }
}

impl std::fmt::Display for Text {
    /// Parameters shown as `${name}`, as the user wrote them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for part in &self.parts {
            match part {
                TextPart::Lit(s) => f.write_str(s)?,
                TextPart::Param(p) => write!(f, "${{{p}}}")?,
            }
        }
        Ok(())
    }
}
