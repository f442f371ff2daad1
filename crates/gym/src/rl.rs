//! The `rl` mode's observation: fixed-size arrays of candidate features, as
//! the learned policy reads them, and a mask of the legal candidates.
//!
//! | array | dtype | shape | holds |
//! |---|---|---|---|
//! | `candidates` | float32 | `(max, DENSE)` | dense features of each candidate ([`features`](wobble_policy::learned::features)) |
//! | `tokens` | int32 | `(max, TOKENS)` | hashed label words, selector words and page id; [`NO_TOKEN`] when unused |
//! | `state` | float32 | `(2,)` | steps used over the limit, number of candidates over 32 (at most 2) |
//! | `action_mask` | int8 | `(max,)` | 1 for each legal candidate, 0 for the padding |
//!
//! The action is a candidate's index. Rows past the last candidate are
//! zeros and [`NO_TOKEN`]s. The feature groups that are switched off read as
//! zeros, exactly as for the learned policy.

use wobble_engine::Env;
use wobble_policy::learned::features::{
    Candidate, FeatureSet, Featurizer, BUCKETS, DENSE, LABEL_TOKENS, SELECTOR_TOKENS,
};

/// Token slots per candidate: label words, selector words, page id.
pub const TOKENS: usize = LABEL_TOKENS + SELECTOR_TOKENS + 1;
/// The value of an unused token slot (one past the last bucket).
pub const NO_TOKEN: i32 = BUCKETS as i32;
/// State features.
pub const STATE: usize = 2;
/// The default number of candidate rows; the most any shipped task shows is
/// well below it (a test checks it).
pub const DEFAULT_MAX_CANDIDATES: usize = 128;

/// One observation's arrays, borrowed from wherever the caller keeps them
/// (one environment's buffers, or its row of a batch's).
pub struct Arrays<'a> {
    /// `max * DENSE` floats.
    pub candidates: &'a mut [f32],
    /// `max * TOKENS` tokens.
    pub tokens: &'a mut [i32],
    /// [`STATE`] floats.
    pub state: &'a mut [f32],
    /// `max` flags.
    pub mask: &'a mut [i8],
}

fn token(t: u16) -> i32 {
    if (t as usize) < BUCKETS {
        t as i32
    } else {
        NO_TOKEN
    }
}

/// Writes the featurizer's candidates (already computed for `env`) into
/// `out`; returns how many candidates did not fit.
pub fn write(env: &Env, featurizer: &Featurizer, set: &FeatureSet, out: Arrays<'_>) -> usize {
    let max = out.mask.len();
    let shown = featurizer.candidates.len().min(max);
    let blank = Candidate::default();
    let rows = featurizer
        .candidates
        .iter()
        .take(shown)
        .chain(std::iter::repeat(&blank))
        .take(max);
    for (((c, dense), tokens), flag) in rows
        .zip(out.candidates.chunks_exact_mut(DENSE))
        .zip(out.tokens.chunks_exact_mut(TOKENS))
        .zip(out.mask.iter_mut())
    {
        dense.copy_from_slice(&c.dense);
        let words = c
            .label
            .iter()
            .chain(c.selector.iter())
            .chain(std::iter::once(&c.page));
        for (slot, &t) in tokens.iter_mut().zip(words) {
            *slot = token(t);
        }
        *flag = 0;
    }
    for flag in out.mask.iter_mut().take(shown) {
        *flag = 1;
    }
    let state = Featurizer::state(env, set);
    for (slot, v) in out.state.iter_mut().zip([state.step, state.choices]) {
        *slot = v;
    }
    featurizer.candidates.len() - shown
}
