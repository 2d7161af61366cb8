//! CloudFormation intrinsic functions and small value shapes (tags, rendered [`Text`]), as
//! serde_json values. Every other `cfn` module builds its properties from these, so an
//! intrinsic is spelled in exactly one place.

use crate::text::{Text, TextPart};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// `{"Ref": id}`: a resource's primary id, a parameter's value or a pseudo parameter.
pub fn ref_(id: &str) -> Value {
    json!({ "Ref": id })
}

/// `{"Fn::GetAtt": [id, attribute]}`.
pub fn get_att(id: &str, attribute: &str) -> Value {
    json!({ "Fn::GetAtt": [id, attribute] })
}

/// `{"Fn::Sub": template}`; `${Name}` in `template` refers to a parameter, resource or
/// pseudo parameter.
pub fn sub(template: impl Into<String>) -> Value {
    json!({ "Fn::Sub": template.into() })
}

/// The `index`-th availability zone of the stack's region: keeps the template
/// region-agnostic.
pub fn az(index: usize) -> Value {
    json!({ "Fn::Select": [index, { "Fn::GetAZs": "" }] })
}

/// Escapes a literal for use inside an `Fn::Sub` template: a literal `${` would otherwise be
/// read as a variable; CloudFormation writes it `${!`.
pub fn escape_sub(literal: &str) -> String {
    literal.replace("${", "${!")
}

/// The logical id of a parameter named `name` in the spec. CloudFormation logical ids are
/// alphanumeric, so `image_tag` becomes `ImageTag`.
pub fn param_id(name: &str) -> String {
    crate::names::pascal(name)
}

/// A [`Text`]: a plain string when it holds no parameter, a `Ref` when it is one parameter
/// alone, else an `Fn::Sub` with each parameter as `${ParamId}` and literal `${` escaped.
pub fn text(t: &Text) -> Value {
    if let Some(literal) = t.as_literal() {
        return Value::String(literal);
    }
    if let [TextPart::Param(name)] = t.parts.as_slice() {
        return ref_(&param_id(name));
    }
    let mut template = String::new();
    push_template(&mut template, t);
    sub(template)
}

/// Appends `t` to an `Fn::Sub` template: literal `${` escaped, each parameter `${ParamId}`.
pub fn push_template(template: &mut String, t: &Text) {
    for part in &t.parts {
        match part {
            TextPart::Lit(s) => template.push_str(&escape_sub(s)),
            TextPart::Param(name) => {
                template.push_str("${");
                template.push_str(&param_id(name));
                template.push('}');
            }
        }
    }
}

/// The app's tags as a CloudFormation tag list, sorted by key (the map is ordered); a value
/// holding a param is a `Ref` or `Fn::Sub` like any other [`text`].
pub fn tags(tags: &BTreeMap<String, Text>) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({ "Key": k, "Value": text(v) }))
            .collect(),
    )
}

/// A number as JSON: a whole number without a fraction (`100`, not `100.0`).
pub fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_text_is_a_plain_string() {
        assert_eq!(text(&Text::lit("a${b")), json!("a${b"));
    }

    #[test]
    fn a_lone_parameter_is_a_ref() {
        assert_eq!(
            text(&Text::param("db_secret")),
            json!({ "Ref": "DbSecret" })
        );
    }

    #[test]
    fn tag_values_may_be_parameters() {
        let mut env = Text::lit("team-");
        env.push(TextPart::Param("env".into()));
        let tags = BTreeMap::from([
            ("app".to_string(), Text::lit("shop")),
            ("env".to_string(), env),
            ("owner".to_string(), Text::param("owner")),
        ]);
        assert_eq!(
            super::tags(&tags),
            json!([
                { "Key": "app", "Value": "shop" },
                { "Key": "env", "Value": { "Fn::Sub": "team-${Env}" } },
                { "Key": "owner", "Value": { "Ref": "Owner" } },
            ])
        );
    }

    #[test]
    fn parameters_become_sub_variables_and_literal_dollar_braces_are_escaped() {
        let mut t = Text::lit("x${y}:");
        t.push(TextPart::Param("image_tag".into()));
        assert_eq!(text(&t), json!({ "Fn::Sub": "x${!y}:${ImageTag}" }));
    }
}
