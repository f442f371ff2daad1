//! The random policy: uniform over the legal candidate actions.

use crate::Policy;
use wobble_engine::rng::Rng;
use wobble_engine::{Action, Env};

/// Picks uniformly among [`Env::candidates`]; finishes when there are none.
#[derive(Debug, Clone)]
pub struct RandomPolicy {
    rng: Rng,
}

impl RandomPolicy {
    /// A random policy with its own seeded stream.
    pub fn new(seed: u64) -> Self {
        RandomPolicy {
            rng: Rng::new(seed ^ 0x005E_ED0F_2A4D_0001),
        }
    }
}

impl Policy for RandomPolicy {
    fn name(&self) -> &str {
        "random"
    }
    fn act(&mut self, env: &Env) -> Action {
        let c = env.candidates();
        if c.is_empty() {
            return Action::Finish;
        }
        c[self.rng.below(c.len() as u64) as usize].clone()
    }
}
