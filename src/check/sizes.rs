//! App Runner's cpu and memory sizes: the values it accepts (E0301, E0313) and the pairs it
//! accepts (E0302). One table, so the messages and the check cannot disagree.

/// (vCPU in thousandths, memory in MB it may pair with).
const PAIRS: [(u32, &[u32]); 5] = [
    (250, &[512, 1024]),
    (500, &[1024]),
    (1000, &[2048, 3072, 4096]),
    (2000, &[4096, 6144]),
    (4000, &[8192, 10240, 12288]),
];

pub fn valid_cpu(millis: u32) -> bool {
    PAIRS.iter().any(|(c, _)| *c == millis)
}

pub fn valid_memory(mb: u32) -> bool {
    PAIRS.iter().any(|(_, m)| m.contains(&mb))
}

pub fn valid_pair(millis: u32, mb: u32) -> bool {
    PAIRS.iter().any(|(c, m)| *c == millis && m.contains(&mb))
}

/// "0.5 or 1 GB": what App Runner allows with this cpu.
pub fn memories_for(millis: u32) -> String {
    let list: Vec<String> = PAIRS
        .iter()
        .filter(|(c, _)| *c == millis)
        .flat_map(|(_, m)| m.iter().map(|mb| format_gb(*mb)))
        .collect();
    match list.len() {
        0 => "no memory".to_string(),
        1 => format!("{} GB", list[0]),
        n => format!("{} or {} GB", list[..n - 1].join(", "), list[n - 1]),
    }
}

/// 512 -> "0.5", 2048 -> "2".
pub fn format_gb(mb: u32) -> String {
    if mb % 1024 == 0 {
        (mb / 1024).to_string()
    } else {
        format!("{}", f64::from(mb) / 1024.0)
    }
}

/// The memory a bare number most likely means, as a size App Runner has: a large number is
/// megabytes (`4096` -> `4 gb`), a small one gigabytes (`4` -> `4 gb`); a size it does not
/// have becomes the nearest one it has, among those that pair with `cpu` when it is known.
pub fn memory_for_unitless(n: f64, cpu: Option<u32>) -> Option<String> {
    let mb = if n >= 256.0 { n } else { n * 1024.0 };
    let sizes = PAIRS
        .iter()
        .filter(|(c, _)| cpu.map_or(true, |cpu| cpu == *c))
        .flat_map(|(_, m)| m.iter().copied());
    nearest(sizes, mb).map(|mb| format!("{} gb", format_gb(mb)))
}

/// The vCPU a bare number most likely means, as a size App Runner has: a large number is
/// CPU units, 1,024 to a vCPU (`1024` -> `1 vcpu`), a small one vCPUs; a size it does not
/// have becomes the nearest one it has, among those that pair with `memory` when it is known.
pub fn cpu_for_unitless(n: f64, memory: Option<u32>) -> Option<String> {
    let millis = if n >= 128.0 {
        n * 1000.0 / 1024.0
    } else {
        n * 1000.0
    };
    let sizes = PAIRS
        .iter()
        .filter(|(_, m)| memory.map_or(true, |memory| m.contains(&memory)))
        .map(|(c, _)| *c);
    nearest(sizes, millis).map(|m| format!("{} vcpu", format_cpu(m)))
}

/// The size closest to `target`.
fn nearest(sizes: impl Iterator<Item = u32>, target: f64) -> Option<u32> {
    sizes.min_by(|a, b| {
        (f64::from(*a) - target)
            .abs()
            .total_cmp(&(f64::from(*b) - target).abs())
    })
}

/// 250 -> "0.25".
pub fn format_cpu(millis: u32) -> String {
    if millis % 1000 == 0 {
        (millis / 1000).to_string()
    } else {
        format!("{}", f64::from(millis) / 1000.0)
    }
}

pub fn cpu_list() -> String {
    let list: Vec<String> = PAIRS.iter().map(|(c, _)| format_cpu(*c)).collect();
    format!(
        "{} or {}",
        list[..list.len() - 1].join(", "),
        list[list.len() - 1]
    )
}

pub fn memory_list() -> String {
    let mut all: Vec<u32> = PAIRS.iter().flat_map(|(_, m)| m.iter().copied()).collect();
    all.sort_unstable();
    all.dedup();
    let list: Vec<String> = all.iter().map(|mb| format_gb(*mb)).collect();
    format!(
        "{} or {} GB",
        list[..list.len() - 1].join(", "),
        list[list.len() - 1]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_follow_app_runner() {
        assert!(valid_pair(250, 512));
        assert!(valid_pair(1000, 3072));
        assert!(!valid_pair(1000, 1024));
        assert!(!valid_pair(500, 2048));
        assert!(valid_memory(6144) && !valid_memory(5120));
        assert!(valid_cpu(4000) && !valid_cpu(3000));
    }

    #[test]
    fn messages_list_the_allowed_values() {
        assert_eq!(memories_for(1000), "2, 3 or 4 GB");
        assert_eq!(memories_for(250), "0.5 or 1 GB");
        assert_eq!(memories_for(500), "1 GB");
        assert_eq!(cpu_list(), "0.25, 0.5, 1, 2 or 4");
        assert_eq!(memory_list(), "0.5, 1, 2, 3, 4, 6, 8, 10 or 12 GB");
    }
}
