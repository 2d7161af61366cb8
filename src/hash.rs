//! The hash maps and sets aprc only looks things up in, never iterates (so their order
//! cannot reach the output): step ids, Terraform addresses and rule names, the E0502 check's
//! ids, the routed services. Keyed by short strings of aprc's own, so a keyed hash that
//! resists chosen inputs (std's SipHash) buys nothing; foldhash's fast hash with a fixed
//! seed, so that runs are alike.
//!
//! Speed only: FNV, used before, hashes a byte at a time and spreads short, similar keys
//! (`svc12-ecs-logs`, `svc13-ecs-logs`) poorly over the bits hashbrown probes with, so
//! lookups compared many strings; at 1,000 ECS services foldhash took the E0502 check from
//! 92.3M to 82.6M instructions (callgrind).

pub type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
pub type Set<T> = std::collections::HashSet<T, foldhash::fast::FixedState>;
