//! The network: a small scorer of candidate actions, a value baseline, and Adam.
//!
//! All parameters live in one flat `Vec<f32>` (so saving, Adam and the
//! gradient check treat them alike), sliced by [`Layout`]. A candidate's
//! input is its dense features followed by the mean embeddings of its label
//! words, its selector words and its page; one hidden `tanh` layer gives its
//! score, and a softmax over the candidates gives the policy. The value
//! baseline is linear in a per-page bias, the step fraction and the number of
//! choices. Forward and backward passes are written out by hand (checked
//! against finite differences in the tests) and use `libm`, so training is
//! bit-identical natively and on wasm32.

use super::features::{Candidate, StateFeatures, BUCKETS, DENSE, NO_TOKEN};
use serde::{Deserialize, Serialize};
use wobble_engine::rng::Rng;

/// Width of each embedding.
pub const EMBED: usize = 8;
/// Input width of the scorer.
pub const INPUT: usize = DENSE + 3 * EMBED;

/// Where each parameter block sits in the flat vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// Hidden units.
    pub hidden: usize,
}

impl Layout {
    fn label(&self) -> usize {
        0
    }
    fn selector(&self) -> usize {
        BUCKETS * EMBED
    }
    fn page(&self) -> usize {
        2 * BUCKETS * EMBED
    }
    fn w1(&self) -> usize {
        3 * BUCKETS * EMBED
    }
    fn b1(&self) -> usize {
        self.w1() + self.hidden * INPUT
    }
    fn w2(&self) -> usize {
        self.b1() + self.hidden
    }
    fn b2(&self) -> usize {
        self.w2() + self.hidden
    }
    fn value(&self) -> usize {
        self.b2() + 1
    }
    /// Total parameter count.
    pub fn len(&self) -> usize {
        self.value() + BUCKETS + 3
    }
    /// Never empty; here for completeness.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Parameters and their shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Net {
    /// Shape.
    pub layout: Layout,
    /// Every parameter.
    pub params: Vec<f32>,
}

/// Scratch of one forward pass over a step's candidates, kept for the backward pass.
#[derive(Debug, Clone, Default)]
pub struct Pass {
    inputs: Vec<f32>,
    hidden: Vec<f32>,
    /// Scores, one per candidate.
    pub scores: Vec<f32>,
    /// Softmax probabilities, one per candidate.
    pub probs: Vec<f32>,
}

impl Net {
    /// Fresh weights: small random hidden layer, zero output (uniform policy at first).
    #[allow(
        clippy::indexing_slicing,
        reason = "`params` is made with `layout.len()` entries just above"
    )]
    pub fn new(hidden: usize, seed: u64) -> Net {
        let layout = Layout { hidden };
        let mut params = vec![0.0f32; layout.len()];
        let mut rng = Rng::new(seed ^ 0x4E45_5457_0000_0001);
        let mut normal = |scale: f32| -> f32 {
            // Sum of uniforms: close enough to normal, and exact on every target.
            let mut s = 0.0f64;
            for _ in 0..4 {
                s += rng.unit_f64();
            }
            ((s - 2.0) * 1.732) as f32 * scale
        };
        for p in &mut params[..layout.w1()] {
            *p = normal(0.1);
        }
        let fan_in = 1.0 / (INPUT as f32).sqrt();
        for p in &mut params[layout.w1()..layout.b1()] {
            *p = normal(fan_in);
        }
        for p in &mut params[layout.w2()..layout.b2()] {
            *p = normal(0.05);
        }
        Net { layout, params }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "`params` has `layout.len()` entries (made by `Net::new`, checked by `LearnedPolicy::from_json`), tokens are below `BUCKETS` (hashed by the featurizer), and `pass` was sized by `forward` for these candidates"
    )]
    fn input(&self, c: &Candidate, out: &mut [f32]) {
        out[..DENSE].copy_from_slice(&c.dense);
        let l = self.layout;
        embed_mean(
            &self.params,
            l.label(),
            &c.label,
            &mut out[DENSE..DENSE + EMBED],
        );
        embed_mean(
            &self.params,
            l.selector(),
            &c.selector,
            &mut out[DENSE + EMBED..DENSE + 2 * EMBED],
        );
        embed_mean(
            &self.params,
            l.page(),
            &[c.page],
            &mut out[DENSE + 2 * EMBED..INPUT],
        );
    }

    /// Scores every candidate and the softmax over them.
    #[allow(
        clippy::indexing_slicing,
        reason = "`params` has `layout.len()` entries (made by `Net::new`, checked by `LearnedPolicy::from_json`), tokens are below `BUCKETS` (hashed by the featurizer), and `pass` was sized by `forward` for these candidates"
    )]
    pub fn forward(&self, cands: &[Candidate], pass: &mut Pass) {
        let l = self.layout;
        let h = l.hidden;
        pass.inputs.clear();
        pass.inputs.resize(cands.len() * INPUT, 0.0);
        pass.hidden.clear();
        pass.hidden.resize(cands.len() * h, 0.0);
        pass.scores.clear();
        pass.probs.clear();
        let w1 = &self.params[l.w1()..l.b1()];
        let b1 = &self.params[l.b1()..l.w2()];
        let w2 = &self.params[l.w2()..l.b2()];
        let b2 = self.params[l.b2()];
        for (ci, c) in cands.iter().enumerate() {
            let x = &mut pass.inputs[ci * INPUT..(ci + 1) * INPUT];
            self.input(c, x);
            let hid = &mut pass.hidden[ci * h..(ci + 1) * h];
            let mut score = b2;
            for j in 0..h {
                let row = &w1[j * INPUT..(j + 1) * INPUT];
                let mut a = b1[j];
                for k in 0..INPUT {
                    a += row[k] * x[k];
                }
                let t = libm::tanhf(a);
                hid[j] = t;
                score += w2[j] * t;
            }
            pass.scores.push(score);
        }
        softmax(&pass.scores, &mut pass.probs);
    }

    /// Adds to `grad` the gradient of a loss whose derivative with respect to
    /// each candidate's score is `dscores` (after [`Net::forward`] on the same candidates).
    #[allow(
        clippy::indexing_slicing,
        reason = "`params` has `layout.len()` entries (made by `Net::new`, checked by `LearnedPolicy::from_json`), tokens are below `BUCKETS` (hashed by the featurizer), and `pass` was sized by `forward` for these candidates"
    )]
    pub fn backward(&self, cands: &[Candidate], pass: &Pass, dscores: &[f32], grad: &mut [f32]) {
        let l = self.layout;
        let h = l.hidden;
        let mut dx = [0.0f32; INPUT];
        for (ci, c) in cands.iter().enumerate() {
            let g = dscores[ci];
            if g == 0.0 {
                continue;
            }
            let x = &pass.inputs[ci * INPUT..(ci + 1) * INPUT];
            let hid = &pass.hidden[ci * h..(ci + 1) * h];
            grad[l.b2()] += g;
            dx.fill(0.0);
            for j in 0..h {
                grad[l.w2() + j] += g * hid[j];
                let dpre = g * self.params[l.w2() + j] * (1.0 - hid[j] * hid[j]);
                if dpre == 0.0 {
                    continue;
                }
                grad[l.b1() + j] += dpre;
                let row = l.w1() + j * INPUT;
                for k in 0..INPUT {
                    grad[row + k] += dpre * x[k];
                    dx[k] += dpre * self.params[row + k];
                }
            }
            embed_backward(grad, l.label(), &c.label, &dx[DENSE..DENSE + EMBED]);
            embed_backward(
                grad,
                l.selector(),
                &c.selector,
                &dx[DENSE + EMBED..DENSE + 2 * EMBED],
            );
            embed_backward(grad, l.page(), &[c.page], &dx[DENSE + 2 * EMBED..INPUT]);
        }
    }

    /// The value baseline of a state.
    #[allow(
        clippy::indexing_slicing,
        reason = "`params` has `layout.len()` entries (made by `Net::new`, checked by `LearnedPolicy::from_json`), tokens are below `BUCKETS` (hashed by the featurizer), and `pass` was sized by `forward` for these candidates"
    )]
    pub fn value(&self, s: &StateFeatures) -> f32 {
        let v = self.layout.value();
        let page = if s.page == NO_TOKEN {
            0.0
        } else {
            self.params[v + s.page as usize]
        };
        page + self.params[v + BUCKETS] * s.step
            + self.params[v + BUCKETS + 1] * s.choices
            + self.params[v + BUCKETS + 2]
    }

    /// Adds the gradient of `dvalue * value(s)` to `grad`.
    #[allow(
        clippy::indexing_slicing,
        reason = "`params` has `layout.len()` entries (made by `Net::new`, checked by `LearnedPolicy::from_json`), tokens are below `BUCKETS` (hashed by the featurizer), and `pass` was sized by `forward` for these candidates"
    )]
    pub fn value_backward(&self, s: &StateFeatures, dvalue: f32, grad: &mut [f32]) {
        let v = self.layout.value();
        if s.page != NO_TOKEN {
            grad[v + s.page as usize] += dvalue;
        }
        grad[v + BUCKETS] += dvalue * s.step;
        grad[v + BUCKETS + 1] += dvalue * s.choices;
        grad[v + BUCKETS + 2] += dvalue;
    }
}

#[allow(
    clippy::indexing_slicing,
    reason = "`params` has `layout.len()` entries (made by `Net::new`, checked by `LearnedPolicy::from_json`), tokens are below `BUCKETS` (hashed by the featurizer), and `pass` was sized by `forward` for these candidates"
)]
fn embed_mean(params: &[f32], table: usize, tokens: &[u16], out: &mut [f32]) {
    out.fill(0.0);
    let used = tokens.iter().filter(|&&t| t != NO_TOKEN).count();
    if used == 0 {
        return;
    }
    let scale = 1.0 / used as f32;
    for &t in tokens.iter().filter(|&&t| t != NO_TOKEN) {
        let row = table + t as usize * EMBED;
        for (o, p) in out.iter_mut().zip(&params[row..row + EMBED]) {
            *o += p * scale;
        }
    }
}

#[allow(
    clippy::indexing_slicing,
    reason = "`params` has `layout.len()` entries (made by `Net::new`, checked by `LearnedPolicy::from_json`), tokens are below `BUCKETS` (hashed by the featurizer), and `pass` was sized by `forward` for these candidates"
)]
fn embed_backward(grad: &mut [f32], table: usize, tokens: &[u16], dx: &[f32]) {
    let used = tokens.iter().filter(|&&t| t != NO_TOKEN).count();
    if used == 0 {
        return;
    }
    let scale = 1.0 / used as f32;
    for &t in tokens.iter().filter(|&&t| t != NO_TOKEN) {
        let row = table + t as usize * EMBED;
        for (g, d) in grad[row..row + EMBED].iter_mut().zip(dx) {
            *g += d * scale;
        }
    }
}

/// Softmax of `scores` into `out`.
pub fn softmax(scores: &[f32], out: &mut Vec<f32>) {
    out.clear();
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0f32;
    for &s in scores {
        let e = libm::expf(s - max);
        out.push(e);
        sum += e;
    }
    if sum > 0.0 {
        for p in out.iter_mut() {
            *p /= sum;
        }
    }
}

/// Adam, over a flat parameter vector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adam {
    /// Learning rate.
    pub lr: f32,
    m: Vec<f32>,
    v: Vec<f32>,
    t: u32,
}

impl Adam {
    /// Adam for `n` parameters.
    pub fn new(n: usize, lr: f32) -> Adam {
        Adam {
            lr,
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
        }
    }

    /// One step down the gradient (which is left untouched).
    pub fn step(&mut self, params: &mut [f32], grad: &[f32]) {
        const B1: f32 = 0.9;
        const B2: f32 = 0.999;
        const EPS: f32 = 1e-8;
        self.t += 1;
        let c1 = 1.0 - libm::powf(B1, self.t as f32);
        let c2 = 1.0 - libm::powf(B2, self.t as f32);
        let moments = self.m.iter_mut().zip(self.v.iter_mut());
        for ((p, &g), (m, v)) in params.iter_mut().zip(grad).zip(moments) {
            if g == 0.0 && *m == 0.0 {
                continue;
            }
            *m = B1 * *m + (1.0 - B1) * g;
            *v = B2 * *v + (1.0 - B2) * g * g;
            let mh = *m / c1;
            let vh = *v / c2;
            *p -= self.lr * mh / (libm::sqrtf(vh) + EPS);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(rng: &mut Rng, n: usize) -> Vec<Candidate> {
        (0..n)
            .map(|_| {
                let mut c = Candidate::default();
                for d in c.dense.iter_mut() {
                    *d = rng.unit_f64() as f32 * 2.0 - 1.0;
                }
                for t in c.label.iter_mut().take(3) {
                    *t = rng.below(BUCKETS as u64) as u16;
                }
                c.selector[0] = rng.below(BUCKETS as u64) as u16;
                c.page = rng.below(BUCKETS as u64) as u16;
                c
            })
            .collect()
    }

    /// The loss used for the check: cross-entropy of choosing candidate 1.
    fn loss(net: &Net, cands: &[Candidate]) -> f64 {
        let mut pass = Pass::default();
        net.forward(cands, &mut pass);
        -(pass.probs[1] as f64).ln()
    }

    #[test]
    fn gradients_match_finite_differences() {
        let mut rng = Rng::new(3);
        let mut net = Net::new(6, 11);
        // Non-zero output weights, so every layer gets gradient.
        let w2 = net.layout.w2();
        for j in 0..6 {
            net.params[w2 + j] = (j as f32 - 2.5) * 0.3;
        }
        let cands = candidates(&mut rng, 4);
        let mut pass = Pass::default();
        net.forward(&cands, &mut pass);
        let dscores: Vec<f32> = pass
            .probs
            .iter()
            .enumerate()
            .map(|(i, p)| p - if i == 1 { 1.0 } else { 0.0 })
            .collect();
        let mut grad = vec![0.0f32; net.params.len()];
        net.backward(&cands, &pass, &dscores, &mut grad);
        // Check every parameter the candidates touch (and a sample of the rest).
        let mut checked = 0;
        for (i, &analytic) in grad.iter().enumerate() {
            if analytic == 0.0 && i % 97 != 0 {
                continue;
            }
            let eps = 1e-2f32;
            let orig = net.params[i];
            net.params[i] = orig + eps;
            let up = loss(&net, &cands);
            net.params[i] = orig - eps;
            let down = loss(&net, &cands);
            net.params[i] = orig;
            let numeric = (up - down) / (2.0 * eps as f64);
            let analytic = analytic as f64;
            assert!(
                (numeric - analytic).abs() <= 2e-3 + 2e-2 * numeric.abs().max(analytic.abs()),
                "parameter {i}: numeric {numeric}, analytic {analytic}"
            );
            checked += 1;
        }
        assert!(checked > 100, "only {checked} parameters checked");
    }

    #[test]
    fn value_gradient_matches_finite_differences() {
        let net = Net::new(4, 2);
        let s = StateFeatures {
            page: 17,
            step: 0.4,
            choices: 0.7,
        };
        let mut grad = vec![0.0f32; net.params.len()];
        net.value_backward(&s, 1.0, &mut grad);
        let v = net.layout.value();
        for i in [v + 17, v + BUCKETS, v + BUCKETS + 1, v + BUCKETS + 2] {
            let mut up = net.clone();
            up.params[i] += 0.5;
            let numeric = (up.value(&s) - net.value(&s)) / 0.5;
            assert!(
                (numeric - grad[i]).abs() < 1e-4,
                "{i}: {numeric} vs {}",
                grad[i]
            );
        }
    }

    #[test]
    fn adam_descends_a_bowl() {
        let mut params = vec![3.0f32, -2.0];
        let mut adam = Adam::new(2, 0.1);
        for _ in 0..500 {
            let grad = vec![2.0 * params[0], 2.0 * params[1]];
            adam.step(&mut params, &grad);
        }
        assert!(
            params[0].abs() < 0.05 && params[1].abs() < 0.05,
            "{params:?}"
        );
    }
}
