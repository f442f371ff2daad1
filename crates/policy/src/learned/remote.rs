//! Training episodes played in another process: what a distributed trainer
//! (the Python package's Ray example) ships to its workers and back.
//!
//! ```text
//! Training (driver) --request: weights + settings + (seed, perturbation, cloning?) per episode-->
//!     worker: play_request(env, request) -- the very `play` / `oracle_demo` of local training -->
//! <--result: per episode, its steps (features, choice, probability, value, reward), demos, summary--
//! Training files the results in episode order and learns exactly as it does from its own threads.
//! ```
//!
//! Both are little-endian binary, so every float comes back with its bits:
//! the weights equal those of training on one machine with any number of
//! threads. A request or result that does not read back is an error that
//! says what, never a panic.

use super::features::{Candidate, StateFeatures, DENSE, LABEL_TOKENS, SELECTOR_TOKENS};
use super::train::{self, Slot, StepData, TrainConfig};
use super::LearnedPolicy;
use wobble_engine::catalog;
use wobble_engine::Env;

/// The format's first bytes.
const MAGIC: &[u8; 4] = b"WBT1";

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f32(&mut self, v: f32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, v: &[u8]) {
        self.u64(v.len() as u64);
        self.0.extend_from_slice(v);
    }
    fn candidate(&mut self, c: &Candidate) {
        for &d in &c.dense {
            self.f32(d);
        }
        for &t in c.label.iter().chain(&c.selector) {
            self.u16(t);
        }
        self.u16(c.page);
    }
    fn candidates(&mut self, cs: &[Candidate]) {
        self.u32(cs.len() as u32);
        for c in cs {
            self.candidate(c);
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.bytes.len() < n {
            return Err(format!("the {} ends too soon", self.what));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn f32(&mut self) -> Result<f32, String> {
        Ok(f32::from_le_bytes(self.array()?))
    }
    fn count(&mut self, each: usize) -> Result<usize, String> {
        let n = self.u32()? as usize;
        // A count can never promise more items than there are bytes left.
        if n.saturating_mul(each.max(1)) > self.bytes.len() {
            return Err(format!("the {} promises more than it holds", self.what));
        }
        Ok(n)
    }
    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = self.u64()?;
        let n = usize::try_from(n).map_err(|_| format!("the {} is malformed", self.what))?;
        self.take(n)
    }
    fn text(&mut self) -> Result<&'a str, String> {
        std::str::from_utf8(self.bytes()?)
            .map_err(|_| format!("the {} holds text that is not UTF-8", self.what))
    }
    fn candidate(&mut self) -> Result<Candidate, String> {
        let mut c = Candidate::default();
        for d in &mut c.dense {
            *d = self.f32()?;
        }
        for t in c.label.iter_mut().chain(c.selector.iter_mut()) {
            *t = self.u16()?;
        }
        c.page = self.u16()?;
        Ok(c)
    }
    fn candidates(&mut self) -> Result<Vec<Candidate>, String> {
        let n = self.count(CANDIDATE_BYTES)?;
        (0..n).map(|_| self.candidate()).collect()
    }
    fn end(&self) -> Result<(), String> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "the {} has {} bytes too many",
                self.what,
                self.bytes.len()
            ))
        }
    }
}

/// Bytes of one candidate.
const CANDIDATE_BYTES: usize = DENSE * 4 + (LABEL_TOKENS + SELECTOR_TOKENS + 1) * 2;

/// The request for `slots` (their seeds and perturbations), played with
/// `policy` under `config`, oracle demonstrations when `cloning`.
pub(super) fn request(
    policy: &LearnedPolicy,
    config: &TrainConfig,
    cloning: bool,
    slots: &[Slot],
) -> Vec<u8> {
    let mut w = Writer(MAGIC.to_vec());
    let (json, params) = policy.to_packed();
    w.bytes(json.as_bytes());
    w.bytes(&params);
    w.u64(config.seed);
    w.u8(u8::from(config.shaping));
    w.f32(config.gamma);
    w.f32(config.timeout_penalty);
    w.u8(u8::from(cloning));
    w.u32(slots.len() as u32);
    for slot in slots {
        w.u64(slot.seed);
        w.bytes(slot.spec.to_string().as_bytes());
    }
    w.0
}

/// Plays a request on `env` (the training's site and task): the result.
pub fn play_request(env: &mut Env, request: &[u8]) -> Result<Vec<u8>, String> {
    let mut r = Reader {
        bytes: request,
        what: "training request",
    };
    if r.take(4)? != MAGIC {
        return Err("this is not a training request of this version of Wobble".into());
    }
    let json = r.text()?;
    let params = r.bytes()?;
    let policy = LearnedPolicy::from_packed(json, params)?;
    let config = TrainConfig {
        seed: r.u64()?,
        shaping: r.u8()? != 0,
        gamma: r.f32()?,
        timeout_penalty: r.f32()?,
        features: policy.features,
        ..TrainConfig::default()
    };
    let cloning = r.u8()? != 0;
    let n = r.count(9)?;
    let mut slots = Vec::with_capacity(n);
    for _ in 0..n {
        let seed = r.u64()?;
        let spec = catalog::parse_perturb(Some(r.text()?)).map_err(|e| e.to_string())?;
        slots.push(Slot::new(seed, spec));
    }
    r.end()?;
    let mut scratch = train::Scratch::default();
    for slot in &mut slots {
        train::play_slot(env, &mut scratch, slot, &policy, &config, cloning);
    }
    let mut w = Writer(MAGIC.to_vec());
    w.u32(slots.len() as u32);
    for slot in &slots {
        w.u8(u8::from(slot.summary.0));
        w.f32(slot.summary.1);
        w.u32(slot.summary.2);
        w.u32(slot.steps.len() as u32);
        for s in &slot.steps {
            w.candidates(&s.cands);
            w.u16(s.state.page);
            w.f32(s.state.step);
            w.f32(s.state.choices);
            w.u32(s.chosen as u32);
            w.f32(s.prob);
            w.f32(s.value);
            w.f32(s.reward);
        }
        w.u32(slot.demos.len() as u32);
        for (cands, chosen) in &slot.demos {
            w.candidates(cands);
            w.u32(*chosen as u32);
        }
    }
    env.set_perturbations(wobble_engine::PerturbSpec::none());
    Ok(w.0)
}

/// Files a result into the slots it was asked for.
pub(super) fn accept(result: &[u8], slots: &mut [Slot]) -> Result<(), String> {
    let mut r = Reader {
        bytes: result,
        what: "training result",
    };
    if r.take(4)? != MAGIC {
        return Err("this is not a training result of this version of Wobble".into());
    }
    let n = r.count(13)?;
    if n != slots.len() {
        return Err(format!(
            "the training result holds {n} episodes, not {}",
            slots.len()
        ));
    }
    for slot in slots.iter_mut() {
        slot.summary = (r.u8()? != 0, r.f32()?, r.u32()?);
        let steps = r.count(CANDIDATE_BYTES)?;
        slot.steps.clear();
        for _ in 0..steps {
            let cands = r.candidates()?;
            let state = StateFeatures {
                page: r.u16()?,
                step: r.f32()?,
                choices: r.f32()?,
            };
            let chosen = r.u32()? as usize;
            if chosen >= cands.len() {
                return Err(format!(
                    "the {} chooses candidate {chosen} of {}",
                    r.what,
                    cands.len()
                ));
            }
            slot.steps.push(StepData {
                cands,
                state,
                chosen,
                prob: r.f32()?,
                value: r.f32()?,
                reward: r.f32()?,
            });
        }
        let demos = r.count(4)?;
        slot.demos.clear();
        for _ in 0..demos {
            let cands = r.candidates()?;
            slot.demos.push((cands, r.u32()? as usize));
        }
    }
    r.end()
}
