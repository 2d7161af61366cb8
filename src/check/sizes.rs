//! The cpu and memory sizes each compute accepts (E0301, E0313) and the pairs it accepts
//! (E0302): App Runner's, and Fargate's for ECS. One table per compute, so the messages and
//! the check cannot disagree.

use crate::model::Compute;
use std::sync::OnceLock;

/// App Runner: (vCPU in thousandths, memory in MB it may pair with).
const APP_RUNNER: [(u32, &[u32]); 5] = [
    (250, &[512, 1024]),
    (500, &[1024]),
    (1000, &[2048, 3072, 4096]),
    (2000, &[4096, 6144]),
    (4000, &[8192, 10240, 12288]),
];

/// Fargate: (vCPU in thousandths, lowest and highest GB, step in GB); 0.25 vCPU also takes
/// 0.5 GB.
const FARGATE: [(u32, u32, u32, u32); 7] = [
    (250, 1, 2, 1),
    (500, 1, 4, 1),
    (1000, 2, 8, 1),
    (2000, 4, 16, 1),
    (4000, 8, 30, 1),
    (8000, 16, 60, 4),
    (16000, 32, 120, 8),
];

/// The compute's pairs, as (vCPU in thousandths, memories in MB): built once per compute,
/// since every service's sizes are checked against them.
fn pairs(compute: Compute) -> &'static [(u32, Vec<u32>)] {
    static APP_RUNNER_PAIRS: OnceLock<Vec<(u32, Vec<u32>)>> = OnceLock::new();
    static FARGATE_PAIRS: OnceLock<Vec<(u32, Vec<u32>)>> = OnceLock::new();
    match compute {
        Compute::AppRunner => APP_RUNNER_PAIRS
            .get_or_init(|| APP_RUNNER.iter().map(|(c, m)| (*c, m.to_vec())).collect()),
        Compute::Ecs => FARGATE_PAIRS.get_or_init(|| {
            FARGATE
                .iter()
                .map(|&(c, low, high, step)| {
                    let mut m: Vec<u32> = (low..=high)
                        .step_by(step as usize)
                        .map(|gb| gb * 1024)
                        .collect();
                    if c == 250 {
                        m.insert(0, 512);
                    }
                    (c, m)
                })
                .collect()
        }),
    }
}

pub fn valid_cpu(compute: Compute, millis: u32) -> bool {
    pairs(compute).iter().any(|(c, _)| *c == millis)
}

pub fn valid_memory(compute: Compute, mb: u32) -> bool {
    pairs(compute).iter().any(|(_, m)| m.contains(&mb))
}

pub fn valid_pair(compute: Compute, millis: u32, mb: u32) -> bool {
    pairs(compute)
        .iter()
        .any(|(c, m)| *c == millis && m.contains(&mb))
}

/// A list of memories in GB: "0.5 or 1 GB", or a run of steps as "2 to 8 GB in 1 GB steps".
fn format_memories(list: &[u32]) -> String {
    let gb: Vec<String> = list.iter().map(|mb| format_gb(*mb)).collect();
    let steps: Vec<u32> = list.windows(2).map(|w| w[1] - w[0]).collect();
    if list.len() > 4 && steps.windows(2).all(|w| w[0] == w[1]) {
        return format!(
            "{} to {} GB in {} GB steps",
            gb[0],
            gb[gb.len() - 1],
            format_gb(steps[0])
        );
    }
    match gb.len() {
        0 => "no memory".to_string(),
        1 => format!("{} GB", gb[0]),
        n => format!("{} or {} GB", gb[..n - 1].join(", "), gb[n - 1]),
    }
}

/// "0.5 or 1 GB": what the compute allows with this cpu.
pub fn memories_for(compute: Compute, millis: u32) -> String {
    let list: Vec<u32> = pairs(compute)
        .iter()
        .filter(|(c, _)| *c == millis)
        .flat_map(|(_, m)| m.iter().copied())
        .collect();
    format_memories(&list)
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
pub fn memory_for_unitless(compute: Compute, n: f64, cpu: Option<u32>) -> Option<String> {
    let mb = if n >= 256.0 { n } else { n * 1024.0 };
    let pairs = pairs(compute);
    let sizes = pairs
        .iter()
        .filter(|(c, _)| cpu.map_or(true, |cpu| cpu == *c))
        .flat_map(|(_, m)| m.iter().copied());
    nearest(sizes, mb).map(|mb| format!("{} gb", format_gb(mb)))
}

/// The vCPU a bare number most likely means, as a size App Runner has: a large number is
/// CPU units, 1,024 to a vCPU (`1024` -> `1 vcpu`), a small one vCPUs; a size it does not
/// have becomes the nearest one it has, among those that pair with `memory` when it is known.
pub fn cpu_for_unitless(compute: Compute, n: f64, memory: Option<u32>) -> Option<String> {
    let millis = if n >= 128.0 {
        n * 1000.0 / 1024.0
    } else {
        n * 1000.0
    };
    let pairs = pairs(compute);
    let sizes = pairs
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

pub fn cpu_list(compute: Compute) -> String {
    let list: Vec<String> = pairs(compute).iter().map(|(c, _)| format_cpu(*c)).collect();
    format!(
        "{} or {}",
        list[..list.len() - 1].join(", "),
        list[list.len() - 1]
    )
}

pub fn memory_list(compute: Compute) -> String {
    match compute {
        Compute::AppRunner => {
            let mut all: Vec<u32> = APP_RUNNER
                .iter()
                .flat_map(|(_, m)| m.iter().copied())
                .collect();
            all.sort_unstable();
            all.dedup();
            let list: Vec<String> = all.iter().map(|mb| format_gb(*mb)).collect();
            format!(
                "{} or {} GB",
                list[..list.len() - 1].join(", "),
                list[list.len() - 1]
            )
        }
        // Every whole GB from 1 to 30 pairs with some cpu, then steps of 4 and 8.
        Compute::Ecs => "0.5 GB, 1 to 30 GB, or up to 120 GB in 4 or 8 GB steps".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AR: Compute = Compute::AppRunner;
    const ECS: Compute = Compute::Ecs;

    #[test]
    fn pairs_follow_app_runner() {
        assert!(valid_pair(AR, 250, 512));
        assert!(valid_pair(AR, 1000, 3072));
        assert!(!valid_pair(AR, 1000, 1024));
        assert!(!valid_pair(AR, 500, 2048));
        assert!(valid_memory(AR, 6144) && !valid_memory(AR, 5120));
        assert!(valid_cpu(AR, 4000) && !valid_cpu(AR, 3000) && !valid_cpu(AR, 8000));
    }

    #[test]
    fn pairs_follow_fargate() {
        assert!(valid_pair(ECS, 250, 512) && valid_pair(ECS, 250, 2048));
        assert!(valid_pair(ECS, 500, 4096) && !valid_pair(ECS, 500, 5120));
        assert!(valid_pair(ECS, 1000, 8192) && !valid_pair(ECS, 1000, 1024));
        assert!(valid_pair(ECS, 4000, 30720) && !valid_pair(ECS, 4000, 31744));
        assert!(valid_pair(ECS, 8000, 20480) && !valid_pair(ECS, 8000, 18432));
        assert!(valid_pair(ECS, 16000, 122880) && !valid_pair(ECS, 16000, 36864));
        assert!(valid_cpu(ECS, 16000) && !valid_cpu(ECS, 3000));
    }

    #[test]
    fn messages_list_the_allowed_values() {
        assert_eq!(memories_for(AR, 1000), "2, 3 or 4 GB");
        assert_eq!(memories_for(AR, 250), "0.5 or 1 GB");
        assert_eq!(memories_for(AR, 500), "1 GB");
        assert_eq!(cpu_list(AR), "0.25, 0.5, 1, 2 or 4");
        assert_eq!(memory_list(AR), "0.5, 1, 2, 3, 4, 6, 8, 10 or 12 GB");
        assert_eq!(memories_for(ECS, 250), "0.5, 1 or 2 GB");
        assert_eq!(memories_for(ECS, 1000), "2 to 8 GB in 1 GB steps");
        assert_eq!(memories_for(ECS, 8000), "16 to 60 GB in 4 GB steps");
        assert_eq!(cpu_list(ECS), "0.25, 0.5, 1, 2, 4, 8 or 16");
    }
}
