//! The random policy: uniform over the legal candidate actions.

use crate::Policy;
use wobble_engine::rng::Rng;
use wobble_engine::{Action, Env};

/// Picks uniformly among [`Env::candidates`]; finishes when there are none.
/// Its stream restarts from the policy's seed and the episode's at each
/// episode, so an episode's choices do not depend on the ones before it.
#[derive(Debug, Clone)]
pub struct RandomPolicy {
    seed: u64,
    rng: Rng,
}

impl RandomPolicy {
    /// A random policy with its own seeded stream.
    pub fn new(seed: u64) -> Self {
        RandomPolicy {
            seed,
            rng: Rng::new(seed ^ 0x005E_ED0F_2A4D_0001),
        }
    }
}

impl Policy for RandomPolicy {
    fn name(&self) -> &str {
        "random"
    }
    fn begin_episode(&mut self, env: &Env) {
        self.rng = Rng::new(
            (self.seed ^ 0x005E_ED0F_2A4D_0001)
                .wrapping_add(env.seed().wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        );
    }
    fn act(&mut self, env: &Env) -> Action {
        let c = env.candidates();
        if c.is_empty() {
            return Action::Finish;
        }
        c.get(self.rng.below(c.len() as u64) as usize)
            .cloned()
            .unwrap_or(Action::Finish)
    }
}
