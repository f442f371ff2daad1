//! The network: a small scorer of candidate actions, a value baseline, and Adam.
//!
//! All parameters live in one flat `Vec<f32>` (so saving, Adam and the
//! gradient check treat them alike), sliced by [`Layout`]. A candidate's
//! input is its dense features followed by the mean embeddings of its label
//! words, its selector words and its page; one hidden layer (see
//! [`Activation`]) gives its score, and a softmax over the candidates gives
//! the policy. The value baseline is linear in a per-page bias, the step
//! fraction and the number of choices. Forward and backward passes are
//! written out by hand (checked against finite differences in the tests) as
//! products over contiguous `f32` rows whose sums run in one fixed order, and
//! use only IEEE basic operations or `libm`, so training is bit-identical
//! natively and on wasm32.

use super::features::{Candidate, StateFeatures, BUCKETS, DENSE, NO_TOKEN};
use serde::{Deserialize, Serialize};
use wobble_engine::rng::Rng;

/// Width of each embedding.
pub const EMBED: usize = 8;
/// Input width of the scorer.
pub const INPUT: usize = DENSE + 3 * EMBED;

/// The hidden layer's nonlinearity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    /// `libm::tanhf`. Policy files written before the layout named its
    /// activation mean this one, so they act exactly as they were trained.
    #[default]
    Tanh,
    /// `x(27 + x²) / (27 + 9x²)` with `x` clamped to ±3: a rational fit of
    /// tanh that reaches ±1 with zero slope at ±3, made of IEEE basic
    /// operations only (so every target rounds it alike, and it vectorises)
    /// where `tanhf` is a call into `libm`'s `expm1f`. What training uses.
    Rational,
}

impl Activation {
    /// The name `--activation` takes and reports give.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Rational => "rational",
        }
    }

    /// The activation with this [`Activation::name`].
    pub fn parse(text: &str) -> Result<Activation, String> {
        match text {
            "tanh" => Ok(Activation::Tanh),
            "rational" => Ok(Activation::Rational),
            _ => Err(format!(
                "unknown activation {text:?} (expected \"rational\" or \"tanh\")"
            )),
        }
    }

    /// Replaces each pre-activation in `values` by its activation and writes
    /// the activation's slope there into `slopes` (what the backward pass scales by).
    fn apply(self, values: &mut [f32], slopes: &mut [f32]) {
        match self {
            Activation::Tanh => {
                for (v, s) in values.iter_mut().zip(slopes.iter_mut()) {
                    let t = libm::tanhf(*v);
                    *v = t;
                    *s = 1.0 - t * t;
                }
            }
            Activation::Rational => {
                for (v, s) in values.iter_mut().zip(slopes.iter_mut()) {
                    // Two comparisons (a NaN stays a NaN, as in tanhf).
                    let x = v.clamp(-3.0, 3.0);
                    let x2 = x * x;
                    let d = 27.0 + 9.0 * x2;
                    // Rounding can overshoot ±1 by an ulp just inside ±3.
                    let t = x * (27.0 + x2) / d;
                    *v = t.clamp(-1.0, 1.0);
                    // d/dx x(27+x²)/(27+9x²) = 9(9-x²)² / (27+9x²)².
                    let q = (9.0 - x2) / d;
                    *s = 9.0 * q * q;
                }
            }
        }
    }

    /// Whether this is the default (left out of policy files, which then read as before).
    fn is_tanh(&self) -> bool {
        *self == Activation::Tanh
    }
}

/// Where each parameter block sits in the flat vector, and how the hidden layer bends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// Hidden units.
    pub hidden: usize,
    /// The hidden layer's activation; absent in older files, which used `tanh`.
    #[serde(default, skip_serializing_if = "Activation::is_tanh")]
    pub activation: Activation,
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
/// Its buffers only grow, so a warm pass allocates nothing.
#[derive(Debug, Clone, Default)]
pub struct Pass {
    /// Inputs, a row of `INPUT` per candidate.
    inputs: Vec<f32>,
    /// Hidden activations, a row of `hidden` per candidate.
    hidden: Vec<f32>,
    /// The activation's slope at each hidden unit, laid out as `hidden`.
    slopes: Vec<f32>,
    /// The hidden weights transposed (a row of `hidden` per input), so the
    /// product runs along contiguous rows over all units at once.
    w1t: Vec<f32>,
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
        let layout = Layout {
            hidden,
            activation: Activation::Rational,
        };
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
    ///
    /// The hidden layer is the product of the candidates' input rows with
    /// the transposed hidden weights: each unit's sum starts at its bias and
    /// adds the inputs in order, exactly as a dot product per unit would, but
    /// the innermost loop runs over the units, whose sums are independent, so
    /// it vectorises without reordering any sum.
    #[allow(
        clippy::indexing_slicing,
        reason = "`params` has `layout.len()` entries (made by `Net::new`, checked by `LearnedPolicy::from_json`), tokens are below `BUCKETS` (hashed by the featurizer), and `pass` was sized by `forward` for these candidates"
    )]
    pub fn forward(&self, cands: &[Candidate], pass: &mut Pass) {
        let l = self.layout;
        let h = l.hidden;
        let n = cands.len();
        let Pass {
            inputs,
            hidden,
            slopes,
            w1t,
            scores,
            probs,
        } = pass;
        inputs.clear();
        inputs.resize(n * INPUT, 0.0);
        hidden.clear();
        hidden.resize(n * h, 0.0);
        slopes.clear();
        slopes.resize(n * h, 0.0);
        scores.clear();
        let w1 = &self.params[l.w1()..l.b1()];
        let b1 = &self.params[l.b1()..l.w2()];
        let w2 = &self.params[l.w2()..l.b2()];
        let b2 = self.params[l.b2()];
        w1t.clear();
        w1t.resize(INPUT * h, 0.0);
        for (j, row) in w1.chunks_exact(INPUT).enumerate() {
            for (k, &w) in row.iter().enumerate() {
                w1t[k * h + j] = w;
            }
        }
        let rows = inputs
            .chunks_exact_mut(INPUT)
            .zip(hidden.chunks_exact_mut(h).zip(slopes.chunks_exact_mut(h)));
        for (c, (x, (hid, slope))) in cands.iter().zip(rows) {
            self.input(c, x);
            hid.copy_from_slice(b1);
            for (&xk, wk) in x.iter().zip(w1t.chunks_exact(h)) {
                for (a, &w) in hid.iter_mut().zip(wk) {
                    *a += w * xk;
                }
            }
            l.activation.apply(hid, slope);
            let mut score = b2;
            for (&w, &t) in w2.iter().zip(hid.iter()) {
                score += w * t;
            }
            scores.push(score);
        }
        softmax(scores, probs);
    }

    /// Adds to `grad` the gradient of a loss whose derivative with respect to
    /// each candidate's score is `dscores` (after [`Net::forward`] on the same candidates).
    ///
    /// Candidate by candidate, in order, each hidden unit's gradient row and
    /// the input's gradient take one contiguous multiply-add over the input.
    #[allow(
        clippy::indexing_slicing,
        reason = "`params` has `layout.len()` entries (made by `Net::new`, checked by `LearnedPolicy::from_json`), tokens are below `BUCKETS` (hashed by the featurizer), and `pass` was sized by `forward` for these candidates"
    )]
    pub fn backward(&self, cands: &[Candidate], pass: &Pass, dscores: &[f32], grad: &mut [f32]) {
        let l = self.layout;
        let h = l.hidden;
        let w1 = &self.params[l.w1()..l.b1()];
        let w2 = &self.params[l.w2()..l.b2()];
        // The blocks of the gradient, apart (the embedding tables start at 0).
        let (tables, rest) = grad.split_at_mut(l.w1());
        let (gw1, rest) = rest.split_at_mut(h * INPUT);
        let (gb1, rest) = rest.split_at_mut(h);
        let (gw2, rest) = rest.split_at_mut(h);
        let gb2 = &mut rest[0];
        let mut dx = [0.0f32; INPUT];
        let rows = pass
            .inputs
            .chunks_exact(INPUT)
            .zip(pass.hidden.chunks_exact(h).zip(pass.slopes.chunks_exact(h)));
        for ((c, &g), (x, (hid, slope))) in cands.iter().zip(dscores).zip(rows) {
            if g == 0.0 {
                continue;
            }
            *gb2 += g;
            dx.fill(0.0);
            let units = gw2
                .iter_mut()
                .zip(gb1.iter_mut())
                .zip(gw1.chunks_exact_mut(INPUT).zip(w1.chunks_exact(INPUT)))
                .zip(w2.iter().zip(hid.iter().zip(slope)));
            for (((gw2j, gb1j), (grow, wrow)), (&w2j, (&t, &s))) in units {
                *gw2j += g * t;
                let dpre = g * w2j * s;
                if dpre == 0.0 {
                    continue;
                }
                *gb1j += dpre;
                for ((gw, d), (&xk, &w)) in
                    grow.iter_mut().zip(dx.iter_mut()).zip(x.iter().zip(wrow))
                {
                    *gw += dpre * xk;
                    *d += dpre * w;
                }
            }
            embed_backward(tables, l.label(), &c.label, &dx[DENSE..DENSE + EMBED]);
            embed_backward(
                tables,
                l.selector(),
                &c.selector,
                &dx[DENSE + EMBED..DENSE + 2 * EMBED],
            );
            embed_backward(tables, l.page(), &[c.page], &dx[DENSE + 2 * EMBED..INPUT]);
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
        for activation in [Activation::Tanh, Activation::Rational] {
            gradients_match_finite_differences_with(activation);
        }
    }

    fn gradients_match_finite_differences_with(activation: Activation) {
        let mut rng = Rng::new(3);
        let mut net = Net::new(6, 11);
        net.layout.activation = activation;
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
                "{activation:?}, parameter {i}: numeric {numeric}, analytic {analytic}"
            );
            checked += 1;
        }
        assert!(
            checked > 100,
            "{activation:?}: only {checked} parameters checked"
        );
    }

    /// The rational activation at `x`, and its slope.
    fn rational(x: f32) -> (f32, f32) {
        let (mut v, mut s) = ([x], [0.0]);
        Activation::Rational.apply(&mut v, &mut s);
        (v[0], s[0])
    }

    #[test]
    fn the_rational_activation_follows_tanh() {
        let mut last = -2.0f32;
        for i in -800..=800 {
            let x = i as f32 / 100.0;
            let (t, slope) = rational(x);
            // Close to tanh, odd, rising, and within [-1, 1].
            assert!((t - x.tanh()).abs() < 0.025, "{x}: {t} vs {}", x.tanh());
            assert_eq!(rational(-x).0, -t, "{x}");
            assert!(t >= last && t.abs() <= 1.0, "{x}: {t} after {last}");
            last = t;
            // Its slope is its derivative.
            let numeric = (rational(x + 1e-3).0 - rational(x - 1e-3).0) / 2e-3;
            assert!((numeric - slope).abs() < 2e-3, "{x}: {numeric} vs {slope}");
        }
        // Saturated beyond ±3, with nothing left to learn from; NaN stays NaN.
        assert_eq!(rational(3.0), (1.0, 0.0));
        assert_eq!(rational(50.0), (1.0, 0.0));
        assert_eq!(rational(-7.5), (-1.0, 0.0));
        assert!(rational(f32::NAN).0.is_nan());
        assert_eq!(rational(0.0).0, 0.0);
        assert!((rational(0.0).1 - 1.0).abs() < 1e-6);
    }

    #[test]
    fn a_layout_without_an_activation_reads_as_tanh_and_writes_as_before() {
        let old: Layout = serde_json::from_str(r#"{"hidden":16}"#).unwrap();
        assert_eq!(old.activation, Activation::Tanh);
        assert_eq!(serde_json::to_string(&old).unwrap(), r#"{"hidden":16}"#);
        let new = Net::new(16, 1).layout;
        let text = serde_json::to_string(&new).unwrap();
        assert_eq!(text, r#"{"hidden":16,"activation":"rational"}"#);
        assert_eq!(serde_json::from_str::<Layout>(&text).unwrap(), new);
        assert!(serde_json::from_str::<Layout>(r#"{"hidden":16,"activation":"relu"}"#).is_err());
        assert_eq!(Activation::parse("tanh"), Ok(Activation::Tanh));
        assert!(Activation::parse("Tanh").unwrap_err().contains("rational"));
    }

    /// The batched pass scores each candidate exactly as a dot product per
    /// hidden unit would, in the same order: old `tanh` policies act as they did.
    #[test]
    fn forward_sums_each_unit_in_input_order() {
        let mut rng = Rng::new(5);
        let cands = candidates(&mut rng, 7);
        for activation in [Activation::Tanh, Activation::Rational] {
            let mut net = Net::new(5, 4);
            net.layout.activation = activation;
            for (j, w) in net.params[net.layout.w2()..net.layout.b2()]
                .iter_mut()
                .enumerate()
            {
                *w = j as f32 * 0.21 - 0.4;
            }
            let mut pass = Pass::default();
            net.forward(&cands, &mut pass);
            let l = net.layout;
            let mut x = [0.0f32; INPUT];
            for (c, &score) in cands.iter().zip(&pass.scores) {
                net.input(c, &mut x);
                let mut want = net.params[l.b2()];
                for j in 0..l.hidden {
                    let mut a = net.params[l.b1() + j];
                    let row = &net.params[l.w1() + j * INPUT..l.w1() + (j + 1) * INPUT];
                    for (w, xk) in row.iter().zip(&x) {
                        a += w * xk;
                    }
                    let (mut v, mut s) = ([a], [0.0]);
                    activation.apply(&mut v, &mut s);
                    want += net.params[l.w2() + j] * v[0];
                }
                assert_eq!(score.to_bits(), want.to_bits(), "{activation:?}");
            }
        }
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
