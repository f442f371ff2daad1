//! Which episode seeds train and which evaluate, and how sure a success rate is.
//!
//! The 64-bit seed space is cut in two halves. Training plays episode seeds
//! below [`EVALUATION_SEEDS_START`] (2^63) and nothing else: its seeds are
//! masked into that half ([`training_episode_seed`]). Evaluations, sweeps and
//! every success rate that a report, the page or the README quotes use seeds
//! from 2^63 up, and [`check_evaluation_seeds`] refuses any range that dips
//! into the training half. So no evaluation episode is ever one an agent was
//! trained on, whatever training seed or episode count made it.
//!
//! Every success rate is reported with its episode count and a 95% Wilson
//! score interval ([`wilson_interval`]), which stays inside [0, 1] and is
//! honest at 0% and 100%, where the normal approximation collapses to a point.

use serde::{Deserialize, Serialize};

/// The first evaluation seed (2^63); every seed below it may be a training seed.
pub const EVALUATION_SEEDS_START: u64 = 1 << 63;

/// The seed of the `index`-th episode a training run with `training_seed`
/// plays (warm-start episodes first). Always below [`EVALUATION_SEEDS_START`].
pub fn training_episode_seed(training_seed: u64, index: u64) -> u64 {
    training_seed.wrapping_mul(1_000_003).wrapping_add(index) % EVALUATION_SEEDS_START
}

/// A half-open range of episode seeds, as a policy file records it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedRange {
    /// The first seed.
    pub first: u64,
    /// How many consecutive seeds (wrapping inside the training half).
    pub count: u64,
}

/// The episode seeds a training run with `training_seed` plays over `episodes` episodes.
pub fn training_seeds(training_seed: u64, episodes: u64) -> SeedRange {
    SeedRange {
        first: training_episode_seed(training_seed, 0),
        count: episodes,
    }
}

/// Checks that `episodes` episodes from `first` are all evaluation seeds.
pub fn check_evaluation_seeds(first: u64, episodes: u64) -> Result<(), String> {
    if first < EVALUATION_SEEDS_START {
        return Err(format!(
            "seed {first} is a training seed: training plays seeds below 2^63, so an evaluation \
             there could score episodes an agent was trained on; evaluation seeds start at \
             {EVALUATION_SEEDS_START} (the default)"
        ));
    }
    if first.checked_add(episodes).is_none() && episodes > 0 {
        return Err(format!(
            "{episodes} episodes from seed {first} run past the last seed (2^64 - 1); \
             start lower or run fewer episodes"
        ));
    }
    Ok(())
}

/// A 95% confidence interval of a success rate, as fractions in [0, 1].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl std::fmt::Display for Interval {
    /// `95% CI 97.2–99.9%`, one decimal.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "95% CI {:.1}–{:.1}%",
            self.low * 100.0,
            self.high * 100.0
        )
    }
}

/// A success rate as every report writes it: `99.5% (199/200, 95% CI 97.2–99.9%)`.
pub fn describe_rate(successes: u64, episodes: u64) -> String {
    format!(
        "{:.1}% ({successes}/{episodes}, {})",
        successes as f64 / episodes.max(1) as f64 * 100.0,
        wilson_interval(successes, episodes)
    )
}

/// The 95% Wilson score interval of `successes` out of `episodes` (all of
/// [0, 1] when there are no episodes: nothing is known).
pub fn wilson_interval(successes: u64, episodes: u64) -> Interval {
    if episodes == 0 {
        return Interval {
            low: 0.0,
            high: 1.0,
        };
    }
    // z for a two-sided 95% interval.
    const Z: f64 = 1.959_963_984_540_054;
    let n = episodes as f64;
    let p = (successes.min(episodes)) as f64 / n;
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_seeds_never_reach_the_evaluation_half() {
        let mut rng = wobble_engine::rng::Rng::new(7);
        for _ in 0..10_000 {
            let seed = rng.next_u64();
            let index = rng.next_u64() % 10_000_000;
            assert!(training_episode_seed(seed, index) < EVALUATION_SEEDS_START);
        }
        for seed in [
            0,
            1,
            u64::MAX,
            EVALUATION_SEEDS_START,
            u64::MAX / 1_000_003 + 1,
        ] {
            for index in [0, 1, 1_000_000, u64::MAX] {
                assert!(training_episode_seed(seed, index) < EVALUATION_SEEDS_START);
            }
        }
    }

    #[test]
    fn small_training_seeds_keep_the_episode_seeds_they_always_had() {
        // Policies trained before the split replay exactly: seed s starts at s * 1,000,003.
        assert_eq!(training_episode_seed(1, 0), 1_000_003);
        assert_eq!(training_episode_seed(5, 7), 5_000_022);
    }

    #[test]
    fn evaluation_refuses_any_training_seed() {
        assert!(check_evaluation_seeds(EVALUATION_SEEDS_START, 1_000).is_ok());
        let e = check_evaluation_seeds(1_000_000, 200).unwrap_err();
        assert!(
            e.contains("training seed") && e.contains("9223372036854775808"),
            "{e}"
        );
        assert!(check_evaluation_seeds(EVALUATION_SEEDS_START - 1, 1).is_err());
        assert!(check_evaluation_seeds(u64::MAX - 5, 100).is_err());
        assert!(check_evaluation_seeds(u64::MAX - 5, 5).is_ok());
    }

    #[test]
    fn wilson_matches_published_values() {
        // 0/10: [0, 0.2775]; 10/10: [0.7225, 1]; 199/200: [0.9723, 0.9991].
        let i = wilson_interval(0, 10);
        assert!(i.low == 0.0 && (i.high - 0.2775).abs() < 1e-4, "{i:?}");
        let i = wilson_interval(10, 10);
        assert!(
            (i.low - 0.7225).abs() < 1e-4 && (i.high - 1.0).abs() < 1e-12,
            "{i:?}"
        );
        let i = wilson_interval(199, 200);
        assert!(
            (i.low - 0.9723).abs() < 1e-4 && (i.high - 0.9991).abs() < 1e-4,
            "{i:?}"
        );
        assert_eq!(
            wilson_interval(0, 0),
            Interval {
                low: 0.0,
                high: 1.0
            }
        );
        assert_eq!(
            format!("{}", wilson_interval(199, 200)),
            "95% CI 97.2–99.9%"
        );
    }

    #[test]
    fn wilson_holds_the_rate_and_narrows_with_episodes() {
        for n in [1u64, 7, 50, 1000] {
            for k in 0..=n {
                let i = wilson_interval(k, n);
                let p = k as f64 / n as f64;
                assert!(i.low <= p + 1e-12 && p <= i.high + 1e-12 && i.low >= 0.0 && i.high <= 1.0);
            }
        }
        let wide = wilson_interval(50, 100);
        let narrow = wilson_interval(500, 1000);
        assert!(narrow.high - narrow.low < wide.high - wide.low);
    }
}
