//! CIDR arithmetic, kept apart from diagnostics so it can be unit-tested exhaustively.

/// Why a CIDR written as `a.b.c.d/p` is not a valid block.
#[derive(Debug, PartialEq, Eq)]
pub enum CidrError {
    /// The 0-based octet index and its text.
    Octet(usize, String),
    Prefix(String),
    /// Host bits are set; carries the address as written and its prefix.
    HostBits(u32, u8),
}

/// Parses and validates; returns the base address and prefix.
pub fn parse(text: &str) -> Result<(u32, u8), CidrError> {
    let (addr, prefix) = text
        .split_once('/')
        .ok_or_else(|| CidrError::Prefix(String::new()))?;
    let mut base: u32 = 0;
    let octets: Vec<&str> = addr.split('.').collect();
    if octets.len() != 4 {
        return Err(CidrError::Octet(octets.len().min(3), addr.to_string()));
    }
    for (i, octet) in octets.iter().enumerate() {
        match octet.parse::<u8>() {
            Ok(v) => base = (base << 8) | u32::from(v),
            Err(_) => return Err(CidrError::Octet(i, (*octet).to_string())),
        }
    }
    let prefix = match prefix.parse::<u8>() {
        Ok(p) if p <= 32 => p,
        _ => return Err(CidrError::Prefix(prefix.to_string())),
    };
    let masked = base & mask(prefix);
    if masked != base {
        return Err(CidrError::HostBits(base, prefix));
    }
    Ok((base, prefix))
}

/// The block nearest to `text` that is valid with a prefix from `min` to `max`: its address
/// kept as far as the prefix allows, the prefix moved into range. `None` when `text` is
/// already such a block or is no address at all.
pub fn within(text: &str, min: u8, max: u8) -> Option<String> {
    let (base, prefix) = match parse(text) {
        Ok((_, p)) if (min..=max).contains(&p) => return None,
        Ok(ok) => ok,
        Err(CidrError::HostBits(base, prefix)) => (base, prefix),
        Err(_) => return None,
    };
    let prefix = prefix.clamp(min, max);
    Some(format!("{}/{prefix}", format_addr(base & mask(prefix))))
}

pub fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix.min(32)))
    }
}

pub fn format_addr(addr: u32) -> String {
    let [a, b, c, d] = addr.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

/// How many `/subnet` blocks fit in a `/prefix` block (`subnet >= prefix`).
pub fn subnets_available(prefix: u8, subnet: u8) -> u64 {
    1u64 << u32::from(subnet.saturating_sub(prefix).min(32))
}

/// Addresses in a `/prefix` block.
pub fn addresses(prefix: u8) -> u64 {
    1u64 << (32 - u32::from(prefix.min(32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_blocks() {
        assert_eq!(parse("10.0.0.0/16"), Ok((0x0a00_0000, 16)));
        assert_eq!(parse("172.16.0.0/20"), Ok((0xac10_0000, 20)));
        assert_eq!(parse("0.0.0.0/0"), Ok((0, 0)));
        assert_eq!(parse("10.1.2.3/32"), Ok((0x0a01_0203, 32)));
    }

    #[test]
    fn rejects_octets_and_prefixes() {
        assert_eq!(
            parse("10.256.0.0/16"),
            Err(CidrError::Octet(1, "256".into()))
        );
        assert_eq!(
            parse("10.0.0.99999999999/16"),
            Err(CidrError::Octet(3, "99999999999".into()))
        );
        assert_eq!(parse("10.0.0.0/33"), Err(CidrError::Prefix("33".into())));
    }

    #[test]
    fn host_bits_give_the_corrected_block() {
        assert_eq!(
            parse("10.0.1.0/16"),
            Err(CidrError::HostBits(0x0a00_0100, 16))
        );
        assert_eq!(
            within("10.0.1.0/16", 16, 28),
            Some("10.0.0.0/16".to_string())
        );
        assert_eq!(
            within("192.168.1.77/28", 16, 28),
            Some("192.168.1.64/28".to_string())
        );
        // Out of range too: the address kept, at the nearest prefix allowed.
        assert_eq!(
            within("10.20.0.0/8", 16, 28),
            Some("10.20.0.0/16".to_string())
        );
        assert_eq!(
            within("10.0.0.0/30", 16, 28),
            Some("10.0.0.0/28".to_string())
        );
        assert_eq!(within("10.0.0.0/16", 16, 28), None);
    }

    #[test]
    fn counts_subnets() {
        assert_eq!(subnets_available(16, 24), 256);
        assert_eq!(subnets_available(23, 24), 2);
        assert_eq!(subnets_available(24, 24), 1);
        assert_eq!(addresses(23), 512);
        assert_eq!(addresses(0), 1 << 32);
        assert_eq!(mask(0), 0);
        assert_eq!(mask(32), u32::MAX);
    }
}
