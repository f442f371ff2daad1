//! Many rl-mode environments stepped in one call, their arrays side by side
//! in one set of buffers (row `i` of each array is environment `i`'s).
//!
//! Episodes end and start again in Gymnasium's default way (`next_step`
//! autoreset): the step after an episode of environment `i` ended resets it
//! instead of acting, returning the new episode's first observation with
//! reward 0, so the final observation of every episode is seen. Seeds never
//! collide: after `reset(seed)`, environment `i` plays seeds `seed + i`,
//! `seed + i + n`, `seed + i + 2n`, ...

use crate::{rl, GymEnv, GymError, Stepped};
use wobble_policy::learned::features::DENSE;

/// The arrays of a batch: row `i` of each is environment `i`'s. Kept apart
/// from the environments so another thread can read them ([`crate::Pool`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    /// `n * max * DENSE` floats.
    pub candidates: Vec<f32>,
    /// `n * max * TOKENS` tokens.
    pub tokens: Vec<i32>,
    /// `n * STATE` floats.
    pub state: Vec<f32>,
    /// `n * max` flags.
    pub mask: Vec<i8>,
    /// This step's rewards.
    pub rewards: Vec<f32>,
    /// This step's terminations.
    pub terminated: Vec<bool>,
    /// This step's truncations.
    pub truncated: Vec<bool>,
    /// +1 or -1 where an episode ended this step, else 0.
    pub raw_rewards: Vec<f32>,
    /// Whether each environment's action was a masked candidate.
    pub illegal: Vec<bool>,
}

impl Frame {
    /// Buffers for `n` environments of `max` candidate rows.
    pub fn new(n: usize, max: usize) -> Frame {
        Frame {
            candidates: vec![0.0; n * max * DENSE],
            tokens: vec![rl::NO_TOKEN; n * max * rl::TOKENS],
            state: vec![0.0; n * rl::STATE],
            mask: vec![0; n * max],
            rewards: vec![0.0; n],
            terminated: vec![false; n],
            truncated: vec![false; n],
            raw_rewards: vec![0.0; n],
            illegal: vec![false; n],
        }
    }

    fn clear_step(&mut self) {
        self.rewards.fill(0.0);
        self.terminated.fill(false);
        self.truncated.fill(false);
        self.raw_rewards.fill(0.0);
        self.illegal.fill(false);
    }
}

/// `n` environments of one task.
pub struct Batch {
    envs: Vec<GymEnv>,
    /// Each environment's next episode seed.
    next_seed: Vec<u64>,
    /// Whether each environment's episode ended on the last step.
    ended: Vec<bool>,
    /// Environment `i`'s first seed is `reset`'s seed plus `offset + i`.
    offset: u64,
    /// How far each environment's seed moves on at each autoreset.
    stride: u64,
    started: bool,
}

impl Batch {
    /// `n` copies of `first` (which becomes environment 0).
    pub fn new(first: GymEnv, n: usize) -> Result<Batch, String> {
        Batch::part(first, n, 0, n as u64)
    }

    /// `n` environments that are environments `offset..offset + n` of a
    /// batch whose seeds move on by `stride` (its size): the part of a
    /// [`crate::Pool`] that one thread steps.
    pub fn part(first: GymEnv, n: usize, offset: u64, stride: u64) -> Result<Batch, String> {
        if !(1..=MAX_ENVS).contains(&n) {
            return Err(format!(
                "n must be from 1 to {MAX_ENVS} environments, got {n}"
            ));
        }
        if first.mode() != crate::Mode::Rl {
            return Err("a batch steps environments in mode \"rl\"".into());
        }
        let mut envs = Vec::with_capacity(n);
        for _ in 1..n {
            envs.push(first.copy());
        }
        envs.insert(0, first);
        Ok(Batch {
            envs,
            next_seed: vec![0; n],
            ended: vec![false; n],
            offset,
            stride,
            started: false,
        })
    }

    /// The number of environments.
    pub fn len(&self) -> usize {
        self.envs.len()
    }

    /// Never: a batch has at least one environment.
    pub fn is_empty(&self) -> bool {
        self.envs.is_empty()
    }

    /// The number of candidate rows of each environment.
    pub fn max_candidates(&self) -> usize {
        self.envs.first().map_or(0, GymEnv::max_candidates)
    }

    /// Buffers that fit this batch.
    pub fn frame(&self) -> Frame {
        Frame::new(self.len(), self.max_candidates())
    }

    /// The environments (for what the caller reports about each).
    pub fn envs(&self) -> &[GymEnv] {
        &self.envs
    }

    /// Starts every environment: environment `i` plays seed `seed + offset + i`.
    pub fn reset(&mut self, seed: u64, frame: &mut Frame) {
        let start = seed.wrapping_add(self.offset);
        for (i, (env, next)) in self.envs.iter_mut().zip(&mut self.next_seed).enumerate() {
            let s = start.wrapping_add(i as u64);
            env.reset(s);
            *next = s.wrapping_add(self.stride);
        }
        self.ended.fill(false);
        frame.clear_step();
        self.started = true;
        self.write_all(frame);
    }

    /// One step of every environment; `actions[i]` is environment `i`'s
    /// candidate index (ignored for one that resets this step).
    pub fn step(&mut self, actions: &[i64], frame: &mut Frame) -> Result<(), GymError> {
        if !self.started {
            return Err(GymError::NotStarted);
        }
        let max = self.max_candidates();
        if let Some(&index) = actions.iter().find(|&&a| a < 0 || a as u64 >= max as u64) {
            return Err(GymError::Index { index, max });
        }
        frame.clear_step();
        let rows = self
            .envs
            .iter_mut()
            .zip(actions)
            .zip(self.next_seed.iter_mut().zip(self.ended.iter_mut()))
            .zip(frame.rewards.iter_mut().zip(frame.raw_rewards.iter_mut()))
            .zip(frame.terminated.iter_mut().zip(frame.truncated.iter_mut()))
            .zip(frame.illegal.iter_mut());
        for (((((env, &action), (seed, ended)), (reward, raw)), (term, trunc)), illegal) in rows {
            if *ended {
                env.reset(*seed);
                *seed = seed.wrapping_add(self.stride);
                *ended = false;
                continue;
            }
            let Stepped {
                reward: r,
                terminated,
                truncated,
            } = env.step_index(action)?;
            *reward = r;
            *term = terminated;
            *trunc = truncated;
            *raw = if terminated || truncated {
                env.outcome().map_or(0.0, |o| o.raw_reward)
            } else {
                0.0
            };
            *illegal = !env.last_action_error().is_empty();
            *ended = terminated || truncated;
        }
        self.write_all(frame);
        Ok(())
    }

    fn write_all(&self, frame: &mut Frame) {
        let max = self.max_candidates();
        for ((((env, candidates), tokens), state), mask) in self
            .envs
            .iter()
            .zip(frame.candidates.chunks_exact_mut(max * DENSE))
            .zip(frame.tokens.chunks_exact_mut(max * rl::TOKENS))
            .zip(frame.state.chunks_exact_mut(rl::STATE))
            .zip(frame.mask.chunks_exact_mut(max))
        {
            env.write_rl(rl::Arrays {
                candidates,
                tokens,
                state,
                mask,
            });
        }
    }
}

/// The most environments one batch holds.
pub const MAX_ENVS: usize = 4096;
