//! Name derivation, shared by the checker (which rejects names AWS would refuse) and lowering
//! (which assigns them), so the two cannot disagree.

/// Where a listener port is drawn from: 10000-59999.
const PORT_BASE: u32 = 10_000;
const PORT_SPAN: u32 = 50_000;

/// The listener port an ECS service's name hashes to, which it takes unless a name that sorts
/// before it hashes there too.
pub fn listener_home(name: &str) -> u16 {
    (PORT_BASE + home_slot(name)) as u16
}

fn home_slot(name: &str) -> u32 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"aprc-listener-port v1\n")
        .chain_update(name.as_bytes())
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % PORT_SPAN
}

/// The listener port of each ECS service (given as `(network, name)`), from its name alone,
/// so that adding or removing a service moves no other service's port: a hash of the name
/// into 10000-59999. Ports are distinct per network (one load balancer each); two names of
/// one network that hash alike (about one pair in 50,000) are settled in name order, the
/// later taking the next free port; the checker warns of it (W0008), since adding or
/// removing the earlier name then moves the later one.
pub fn listener_ports<'s>(
    services: impl Iterator<Item = (&'s str, &'s str)>,
) -> std::collections::BTreeMap<&'s str, u16> {
    listener_slots(services)
        .into_iter()
        .map(|(name, (port, _))| (name, port))
        .collect()
}

/// [`listener_ports`] with each name's own port beside the one it takes: `(port, home)`.
pub fn listener_slots<'s>(
    services: impl Iterator<Item = (&'s str, &'s str)>,
) -> std::collections::BTreeMap<&'s str, (u16, u16)> {
    let mut taken = std::collections::BTreeSet::new();
    let mut out = std::collections::BTreeMap::new();
    let mut services: Vec<(&str, &str)> = services.collect();
    services.sort_unstable();
    for (network, name) in services {
        let home = home_slot(name);
        let mut slot = home;
        while !taken.insert((network, slot)) {
            slot = (slot + 1) % PORT_SPAN;
        }
        let port = |s: u32| (PORT_BASE + s) as u16;
        out.insert(name, (port(slot), port(home)));
    }
    out
}

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

/// The name of the account's API Gateway logging role where a backend names it (the plan):
/// `<app>-apigateway-logs`.
pub fn logs_role(app: &str) -> String {
    format!("{app}-apigateway-logs")
}

/// Load balancer and target group names allow only letters, digits and hyphens, at most 32,
/// not starting or ending with a hyphen: `_` becomes `-`. This is the stem; the name is the
/// stem with a [`replacement_suffix`] ([`elb_name`]).
pub fn elb_stem(app: &str, name: &str) -> String {
    physical(app, name)
        .replace('_', "-")
        .trim_matches('-')
        .to_string()
}

/// The longest name Elastic Load Balancing takes for a load balancer or a target group.
pub const ELB_NAME_MAX: usize = 32;

/// Characters a [`replacement_suffix`] adds to a name: `-` and six hex digits.
pub const SUFFIX_LEN: usize = 7;

/// `<stem>-<suffix>`: a load balancer or target group name.
pub fn elb_name(stem: &str, suffix: &str) -> String {
    format!("{stem}-{suffix}")
}

/// Six hex digits that change whenever one of `forcing` does: the properties whose change
/// makes AWS replace the resource (spec section 8, "Replacements succeed"). A replacement is
/// created before the old resource is deleted (CloudFormation always, Terraform with
/// `create_before_destroy`), and names such as a load balancer's are unique: a name that
/// changes with exactly what forces the replacement lets the two exist side by side, and
/// stays the same across every build that replaces nothing.
///
/// The hashed form is explicit and versioned (each part a JSON string on its own line after
/// `aprc-replacement v1`), so that adding a field to a struct never renames a resource.
pub fn replacement_suffix(kind: &str, forcing: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(b"aprc-replacement v1\n");
    // Each part as a JSON string written straight into the hasher (no `Value`, no `String`).
    let mut line = Vec::with_capacity(64);
    for part in std::iter::once(&kind).chain(forcing) {
        line.clear();
        // Writing a string into memory cannot fail.
        let _ = serde_json::to_writer(&mut line, part);
        line.push(b'\n');
        hasher.update(&line);
    }
    hex(&hasher.finalize()[..3])
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
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
        assert_eq!(elb_stem("my_app", "core"), "my-app-core");
        assert_eq!(elb_name("my-app-core", "0a1b2c"), "my-app-core-0a1b2c");
        assert!(is_valid_apprunner_name("shop-orders", 40));
        assert!(!is_valid_apprunner_name("_x-orders", 40));
        assert!(!is_valid_apprunner_name("abc", 40));
    }

    #[test]
    fn replacement_suffixes_follow_the_forcing_properties_only() {
        let a = replacement_suffix("nlb", &["vpc cidr 10.0.0.0/16", "internal"]);
        assert_eq!(a.len() + 1, SUFFIX_LEN);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(
            a,
            replacement_suffix("nlb", &["vpc cidr 10.0.0.0/16", "internal"])
        );
        assert_ne!(
            a,
            replacement_suffix("nlb", &["vpc cidr 10.1.0.0/16", "internal"])
        );
        assert_ne!(
            a,
            replacement_suffix("tg", &["vpc cidr 10.0.0.0/16", "internal"])
        );
        // Parts are delimited: moving a character between two parts changes the suffix.
        assert_ne!(
            replacement_suffix("k", &["ab", "c"]),
            replacement_suffix("k", &["a", "bc"])
        );
        // The form is versioned and pinned (the SHA-256 of `aprc-replacement v1\n"nlb"\n"x"\n`):
        // a change here renames, and so replaces, deployed resources.
        assert_eq!(replacement_suffix("nlb", &["x"]), "88717c");
    }
}
