//! Name derivation, shared by the checker (which rejects names AWS would refuse) and lowering
//! (which assigns them), so the two cannot disagree.

/// `orders-api` / `orders_api` -> `OrdersApi`; `db_1` -> `Db1`.
pub fn pascal(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c == '-' || c == '_' || !c.is_ascii_alphanumeric() {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `orders-api` -> `orders_api`; `Orders` -> `orders`. Terraform names may not start with a
/// digit, which identifiers cannot anyway.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c == '-' || !c.is_ascii_alphanumeric() {
            out.push('_');
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The AWS name of an entity: `<app>-<name>`.
pub fn physical(app: &str, name: &str) -> String {
    format!("{app}-{name}")
}

/// Load balancer and target group names allow only letters, digits and hyphens, at most 32,
/// not starting or ending with a hyphen: `_` becomes `-`.
pub fn elb_name(app: &str, name: &str) -> String {
    physical(app, name)
        .replace('_', "-")
        .trim_matches('-')
        .to_string()
}

/// App Runner names (services, connectors, ingress connections, auto scaling and
/// observability configurations): `[A-Za-z0-9][A-Za-z0-9-_]{3,max-1}`.
pub fn is_valid_apprunner_name(name: &str, max: usize) -> bool {
    let len = name.chars().count();
    (4..=max).contains(&len)
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_names() {
        assert_eq!(pascal("orders-api"), "OrdersApi");
        assert_eq!(pascal("db_1"), "Db1");
        assert_eq!(snake("orders-api"), "orders_api");
        assert_eq!(elb_name("my_app", "core"), "my-app-core");
        assert!(is_valid_apprunner_name("shop-orders", 40));
        assert!(!is_valid_apprunner_name("_x-orders", 40));
        assert!(!is_valid_apprunner_name("abc", 40));
    }
}
