//! # `wobble._wobble`: the extension module under the `wobble` Python package
//!
//! Two classes bind [`wobble_gym`]: `Env` (one environment, rl or text mode)
//! and `Batch` (n rl-mode environments stepped in one call, with the
//! interpreter's lock released while Rust works). The Python package
//! (`python/wobble/`) wraps them in Gymnasium's `Env` and `VectorEnv` and
//! turns the arrays, handed over as `bytes`, into numpy arrays with
//! `numpy.frombuffer` (no copy on the Python side).
//!
//! Errors: a bad argument is a `ValueError` naming it; stepping before a
//! reset or after the end is Gymnasium's `ResetNeeded`; an action of the
//! other mode is a `TypeError`. Nothing here panics on input.

use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use std::sync::{Mutex, MutexGuard};
use wobble_engine::catalog::Source;
use wobble_engine::Kind;
use wobble_gym::{rl, sweep, Frame, GymEnv, GymError, Mode, Pool, StepFailure, Stepped};
use wobble_policy::check::{check_text, CheckOptions};
use wobble_policy::learned::features::{FeatureSet, BUCKETS, DENSE};
use wobble_policy::learned::train::Training;
use wobble_policy::learned::{options, remote};

/// The Python exception for a contract error of `step`.
fn gym_error(py: Python<'_>, e: GymError) -> PyErr {
    let message = e.to_string();
    match e {
        GymError::NotStarted | GymError::Over => {
            let reset_needed = py
                .import("gymnasium.error")
                .and_then(|m| m.getattr("ResetNeeded"));
            match reset_needed {
                Ok(kind) => PyErr::from_type(
                    kind.cast_into()
                        .unwrap_or_else(|_| py.get_type::<PyRuntimeError>()),
                    message,
                ),
                Err(_) => PyRuntimeError::new_err(message),
            }
        }
        GymError::Index { .. } => PyValueError::new_err(message),
        GymError::WrongMode(_) => PyTypeError::new_err(message),
    }
}

fn bytes_of<'py, T: Copy>(
    py: Python<'py>,
    values: &[T],
    to: impl Fn(T, &mut Vec<u8>),
) -> Bound<'py, PyBytes> {
    let mut out = Vec::with_capacity(std::mem::size_of_val(values));
    for &v in values {
        to(v, &mut out);
    }
    PyBytes::new(py, &out)
}

fn f32_bytes<'py>(py: Python<'py>, values: &[f32]) -> Bound<'py, PyBytes> {
    bytes_of(py, values, |v, out| out.extend_from_slice(&v.to_ne_bytes()))
}

fn i32_bytes<'py>(py: Python<'py>, values: &[i32]) -> Bound<'py, PyBytes> {
    bytes_of(py, values, |v, out| out.extend_from_slice(&v.to_ne_bytes()))
}

fn i8_bytes<'py>(py: Python<'py>, values: &[i8]) -> Bound<'py, PyBytes> {
    bytes_of(py, values, |v, out| out.push(v as u8))
}

/// One environment of one task.
#[pyclass(module = "wobble._wobble", name = "Env", unsendable)]
struct PyEnv {
    inner: GymEnv,
    candidates: Vec<f32>,
    tokens: Vec<i32>,
    state: Vec<f32>,
    mask: Vec<i8>,
    cut: usize,
    scratch: String,
}

impl PyEnv {
    fn refresh(&mut self) {
        if self.inner.mode() == Mode::Rl {
            self.cut = self.inner.write_rl(rl::Arrays {
                candidates: &mut self.candidates,
                tokens: &mut self.tokens,
                state: &mut self.state,
                mask: &mut self.mask,
            });
        }
    }

    fn stepped(
        &mut self,
        py: Python<'_>,
        r: Result<Stepped, GymError>,
    ) -> PyResult<(f32, bool, bool)> {
        let s = r.map_err(|e| gym_error(py, e))?;
        self.refresh();
        Ok((s.reward, s.terminated, s.truncated))
    }
}

#[pymethods]
impl PyEnv {
    /// Opens `site` (a shipped site's name; with `site_text`, a site file's
    /// text and `site` its path) at `task` under `perturb`, in `mode`.
    #[new]
    #[pyo3(signature = (site, task=None, perturb=None, mode="rl", site_text=None, features=None, max_candidates=rl::DEFAULT_MAX_CANDIDATES))]
    fn new(
        site: &str,
        task: Option<&str>,
        perturb: Option<&str>,
        mode: &str,
        site_text: Option<&str>,
        features: Option<&str>,
        max_candidates: usize,
    ) -> PyResult<PyEnv> {
        let mode = Mode::parse(mode).map_err(PyValueError::new_err)?;
        let source = match site_text {
            Some(text) => Source::File { path: site, text },
            None => Source::Named(site),
        };
        let mut inner = GymEnv::open(source, task, perturb, mode).map_err(PyValueError::new_err)?;
        if let Some(f) = features {
            let set = FeatureSet::parse(f)
                .map_err(|e| PyValueError::new_err(format!("features: {e}")))?;
            inner.set_features(set);
        }
        inner
            .set_max_candidates(max_candidates)
            .map_err(PyValueError::new_err)?;
        let max = inner.max_candidates();
        Ok(PyEnv {
            inner,
            candidates: vec![0.0; max * DENSE],
            tokens: vec![rl::NO_TOKEN; max * rl::TOKENS],
            state: vec![0.0; rl::STATE],
            mask: vec![0; max],
            cut: 0,
            scratch: String::new(),
        })
    }

    /// Starts an episode with this seed.
    fn reset(&mut self, seed: u64) {
        self.inner.reset(seed);
        self.refresh();
    }

    /// Takes rl action `index`: (reward, terminated, truncated).
    fn step_index(&mut self, py: Python<'_>, index: i64) -> PyResult<(f32, bool, bool)> {
        let r = self.inner.step_index(index);
        self.stepped(py, r)
    }

    /// Takes a BrowserGym action string: (reward, terminated, truncated).
    fn step_text(&mut self, py: Python<'_>, action: &str) -> PyResult<(f32, bool, bool)> {
        let r = self.inner.step_text(action);
        self.stepped(py, r)
    }

    /// The rl arrays as bytes: (candidates f32, tokens i32, state f32, mask i8).
    fn rl_bytes<'py>(
        &self,
        py: Python<'py>,
    ) -> (
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
    ) {
        (
            f32_bytes(py, &self.candidates),
            i32_bytes(py, &self.tokens),
            f32_bytes(py, &self.state),
            i8_bytes(py, &self.mask),
        )
    }

    /// The text observation: goal, axtree_txt, url, focused_element_bid,
    /// last_action, last_action_error.
    fn text_obs<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let env = self.inner.env();
        wobble_gym::axtree::goal(env, &mut self.scratch);
        d.set_item("goal", &self.scratch)?;
        wobble_gym::axtree::write(env, &mut self.scratch);
        d.set_item("axtree_txt", &self.scratch)?;
        wobble_gym::axtree::url(env, &mut self.scratch);
        d.set_item("url", &self.scratch)?;
        d.set_item("focused_element_bid", self.inner.focused())?;
        d.set_item("last_action", self.inner.last_action())?;
        d.set_item("last_action_error", self.inner.last_action_error())?;
        Ok(d)
    }

    /// What Gymnasium's `info` holds: reason, raw_reward, success (once the
    /// episode has ended), perturbation_changes, step, last_action_error and,
    /// in rl mode, legal_candidates and candidates_cut.
    fn info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let env = self.inner.env();
        match self.inner.outcome() {
            Some(o) => {
                d.set_item("reason", &o.reason)?;
                d.set_item("raw_reward", o.raw_reward)?;
                d.set_item("success", o.success)?;
            }
            None => {
                d.set_item("reason", "")?;
                d.set_item("raw_reward", 0.0f32)?;
                d.set_item("success", false)?;
            }
        }
        d.set_item(
            "perturbation_changes",
            PyList::new(py, self.inner.changes())?,
        )?;
        d.set_item("step", env.steps())?;
        d.set_item("step_limit", env.step_limit())?;
        d.set_item("episode_seed", env.seed())?;
        d.set_item("last_action_error", self.inner.last_action_error())?;
        if self.inner.mode() == Mode::Rl {
            d.set_item("legal_candidates", self.inner.legal())?;
            d.set_item("candidates_cut", self.cut)?;
        }
        Ok(d)
    }

    /// The site's name.
    #[getter]
    fn site(&self) -> String {
        self.inner.env().base_site().name.clone()
    }

    /// The task's name.
    #[getter]
    fn task(&self) -> String {
        self.inner.env().task_name().to_string()
    }

    /// The perturbation spec, normalised.
    #[getter]
    fn perturb(&self) -> String {
        self.inner.env().perturbations().to_string()
    }

    /// The number of candidate rows (the size of the rl action space).
    #[getter]
    fn max_candidates(&self) -> usize {
        self.inner.max_candidates()
    }

    /// The step limit of the task.
    #[getter]
    fn step_limit(&self) -> u32 {
        self.inner.env().step_limit()
    }
}

/// `n` rl-mode environments of one task, stepped in one call by `threads`
/// threads while the interpreter's lock is released.
#[pyclass(module = "wobble._wobble", name = "Batch")]
struct PyBatch {
    pool: Mutex<Pool>,
}

impl PyBatch {
    fn pool(&self) -> PyResult<MutexGuard<'_, Pool>> {
        self.pool
            .lock()
            .map_err(|_| PyRuntimeError::new_err("the batch failed in an earlier call"))
    }
}

/// Concatenates one array of every part into Python bytes, without a copy in between.
fn joined<'py, T: Copy>(
    py: Python<'py>,
    frames: &[MutexGuard<'_, Frame>],
    pick: impl Fn(&Frame) -> &[T],
    put: impl Fn(T, &mut [u8]),
) -> PyResult<Bound<'py, PyBytes>> {
    let width = std::mem::size_of::<T>();
    let total: usize = frames.iter().map(|f| std::mem::size_of_val(pick(f))).sum();
    PyBytes::new_with(py, total, |buf| {
        let values = frames.iter().flat_map(|f| pick(f).iter());
        for (slot, &v) in buf.chunks_exact_mut(width).zip(values) {
            put(v, slot);
        }
        Ok(())
    })
}

#[pymethods]
impl PyBatch {
    /// `n` environments like `env` (its site, task, perturbation and settings).
    #[new]
    #[pyo3(signature = (env, n, threads=1))]
    fn new(env: &PyEnv, n: usize, threads: usize) -> PyResult<PyBatch> {
        let pool = Pool::new(&env.inner.recipe(), n, threads).map_err(PyValueError::new_err)?;
        Ok(PyBatch {
            pool: Mutex::new(pool),
        })
    }

    /// Starts every environment; environment `i` plays seed `seed + i`.
    fn reset(&self, py: Python<'_>, seed: u64) -> PyResult<()> {
        let mut guard = self.pool()?;
        let pool: &mut Pool = &mut guard;
        py.detach(|| pool.reset(seed))
            .map_err(PyRuntimeError::new_err)
    }

    /// One step of every environment (the interpreter's lock is released meanwhile).
    fn step(&self, py: Python<'_>, actions: Vec<i64>) -> PyResult<()> {
        let mut guard = self.pool()?;
        let pool: &mut Pool = &mut guard;
        py.detach(|| pool.step(&actions)).map_err(|e| match e {
            StepFailure::Contract(e) => gym_error(py, e),
            StepFailure::Other(m) => PyValueError::new_err(m),
        })
    }

    /// The arrays as bytes: candidates, tokens, state, mask, rewards,
    /// terminated, truncated, raw_rewards, illegal.
    fn arrays<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let pool = self.pool()?;
        let frames = pool.frames().map_err(PyRuntimeError::new_err)?;
        let f32s = |v: f32, out: &mut [u8]| out.copy_from_slice(&v.to_ne_bytes());
        let i32s = |v: i32, out: &mut [u8]| out.copy_from_slice(&v.to_ne_bytes());
        let bytes = |v: u8, out: &mut [u8]| out.fill(v);
        Ok(vec![
            joined(py, &frames, |f| &f.candidates, f32s)?,
            joined(py, &frames, |f| &f.tokens, i32s)?,
            joined(py, &frames, |f| &f.state, f32s)?,
            joined(py, &frames, |f| &f.mask, |v: i8, out| bytes(v as u8, out))?,
            joined(py, &frames, |f| &f.rewards, f32s)?,
            joined(
                py,
                &frames,
                |f| &f.terminated,
                |v: bool, out| bytes(u8::from(v), out),
            )?,
            joined(
                py,
                &frames,
                |f| &f.truncated,
                |v: bool, out| bytes(u8::from(v), out),
            )?,
            joined(py, &frames, |f| &f.raw_rewards, f32s)?,
            joined(
                py,
                &frames,
                |f| &f.illegal,
                |v: bool, out| bytes(u8::from(v), out),
            )?,
        ])
    }

    fn __len__(&self) -> PyResult<usize> {
        Ok(self.pool()?.len())
    }
}

/// A kind's name as Python sees it (None for the baseline).
fn kind_name(kind: Option<Kind>) -> Option<&'static str> {
    kind.map(Kind::name)
}

/// A kind from Python (None for the baseline).
fn kind_of(name: Option<&str>) -> PyResult<Option<Kind>> {
    match name {
        None | Some("none") => Ok(None),
        Some(n) => Kind::from_name(n)
            .map(Some)
            .ok_or_else(|| PyValueError::new_err(format!("kind: unknown kind {n:?}"))),
    }
}

/// One played episode as Python holds it: (seed, return, success, steps, reason).
type EpisodeTuple = (u64, f32, bool, u32, String);

/// A played block as Python hands it back: (agent index, kind, severity, first, count, episodes).
type PlayedTuple = (usize, Option<String>, u8, u64, u64, Vec<EpisodeTuple>);

/// A block as Python holds it: (kind or None, severity, first seed, episodes).
type BlockTuple = (Option<String>, u8, u64, u64);

/// The sweep's blocks over `kinds` (a comma-separated list; all when None),
/// `episodes` per cell from `seed`, at most `size` per block, in grid order.
#[pyfunction]
#[pyo3(signature = (kinds, episodes, seed, size))]
fn sweep_blocks(
    kinds: Option<&str>,
    episodes: u64,
    seed: u64,
    size: u64,
) -> PyResult<Vec<BlockTuple>> {
    let kinds =
        sweep::parse_kinds(kinds).map_err(|e| PyValueError::new_err(format!("kinds: {e}")))?;
    Ok(sweep::blocks(&kinds, episodes, seed, size)
        .into_iter()
        .map(|b| {
            (
                kind_name(b.cell.0).map(str::to_string),
                b.cell.1,
                b.first,
                b.count,
            )
        })
        .collect())
}

/// One agent on one site's task, playing blocks of a sweep.
#[pyclass(module = "wobble._wobble", name = "SweepPlayer", unsendable)]
struct PySweepPlayer {
    inner: sweep::Player,
}

#[pymethods]
impl PySweepPlayer {
    /// `policy` is random, oracle or script, or (with `policy_text`, its file's
    /// content) a learned policy; `seed` is the sweep's seed.
    #[new]
    #[pyo3(signature = (site, task, policy, seed, site_text=None, policy_text=None))]
    fn new(
        site: &str,
        task: Option<&str>,
        policy: &str,
        seed: u64,
        site_text: Option<&str>,
        policy_text: Option<&str>,
    ) -> PyResult<PySweepPlayer> {
        let env = sweep::open(site, site_text, task).map_err(PyValueError::new_err)?;
        let agent = sweep::Agent::read(policy, policy_text).map_err(PyValueError::new_err)?;
        Ok(PySweepPlayer {
            inner: sweep::Player::new(env, &agent, seed),
        })
    }

    /// Plays a block: its episodes as (seed, return, success, steps, reason).
    fn play(
        &mut self,
        kind: Option<&str>,
        severity: u8,
        first: u64,
        count: u64,
    ) -> PyResult<Vec<EpisodeTuple>> {
        let block = sweep::Block {
            cell: (kind_of(kind)?, if kind.is_some() { severity } else { 0 }),
            first,
            count,
        };
        Ok(self
            .inner
            .play(&block)
            .into_iter()
            .map(|r| (r.seed, r.ret, r.success, r.steps, r.reason))
            .collect())
    }
}

/// Files played blocks into `wobble sweep`'s output: (table, csv, json).
/// `played` holds (agent index, kind, severity, first, count, episodes).
#[pyfunction]
#[pyo3(signature = (site, task, agents, episodes, seed, kinds, played, matrix, site_text=None))]
#[allow(
    clippy::too_many_arguments,
    reason = "the sweep's own arguments, by name from Python"
)]
fn sweep_report(
    site: &str,
    task: Option<&str>,
    agents: Vec<(String, String)>,
    episodes: u64,
    seed: u64,
    kinds: Option<&str>,
    played: Vec<PlayedTuple>,
    matrix: bool,
    site_text: Option<&str>,
) -> PyResult<(String, String, String)> {
    let env = sweep::open(site, site_text, task).map_err(PyValueError::new_err)?;
    let kinds =
        sweep::parse_kinds(kinds).map_err(|e| PyValueError::new_err(format!("kinds: {e}")))?;
    let mut blocks = Vec::with_capacity(played.len());
    for (agent, kind, severity, first, count, episodes) in played {
        let kind = kind_of(kind.as_deref())?;
        let block = sweep::Block {
            cell: (kind, if kind.is_some() { severity } else { 0 }),
            first,
            count,
        };
        let results = episodes
            .into_iter()
            .map(
                |(seed, ret, success, steps, reason)| wobble_policy::EpisodeResult {
                    seed,
                    ret,
                    success,
                    steps,
                    reason,
                },
            )
            .collect();
        blocks.push(((agent, block), results));
    }
    let names: Vec<(&str, &str)> = agents
        .iter()
        .map(|(n, w)| (n.as_str(), w.as_str()))
        .collect();
    let written = sweep::report(&env, &names, episodes, seed, &kinds, blocks, matrix)
        .map_err(|e| PyValueError::new_err(format!("played: {e}")))?;
    Ok((written.table, written.csv, written.json))
}

/// Trains Wobble's own learned policy (the settings of `wobble train`, by
/// name) and returns its file's JSON. With `remote`, a callable taking a
/// list of request bytes and returning one result per request
/// (`EpisodeWorker.play` of each, anywhere), every batch's episodes are
/// played there, cut into `parts` requests: the weights are those of
/// training here on any number of threads.
#[pyfunction]
#[pyo3(signature = (site, task=None, *, site_text=None, algo="ppo", features=options::DEFAULT_FEATURES, perturb=None, episodes=2000, warm_start=0, shaping=true, hidden=16, lr=3e-3, batch=16, gamma=1.0, entropy=0.02, seed=1, threads=1, remote=None, parts=1, command=None))]
#[allow(
    clippy::too_many_arguments,
    reason = "wobble train's settings, by name from Python"
)]
fn train(
    py: Python<'_>,
    site: &str,
    task: Option<&str>,
    site_text: Option<&str>,
    algo: &str,
    features: &str,
    perturb: Option<&str>,
    episodes: u64,
    warm_start: u64,
    shaping: bool,
    hidden: usize,
    lr: f32,
    batch: usize,
    gamma: f32,
    entropy: f32,
    seed: u64,
    threads: usize,
    remote: Option<Py<PyAny>>,
    parts: usize,
    command: Option<String>,
) -> PyResult<String> {
    let config = options::TrainOptions {
        algo: algo.to_string(),
        features: features.to_string(),
        perturb: perturb.map(str::to_string),
        episodes,
        warm_start,
        shaping,
        hidden,
        lr,
        batch,
        gamma,
        entropy,
        seed,
        threads,
    }
    .config()
    .map_err(|(name, e)| PyValueError::new_err(format!("{name}: {e}")))?;
    let mut env = sweep::open(site, site_text, task).map_err(PyValueError::new_err)?;
    let mut training = Training::new(&mut env, &config);
    if let Some(remote) = remote {
        if parts == 0 {
            return Err(PyValueError::new_err("parts must be at least 1"));
        }
        training.set_remote(
            parts,
            Box::new(move |requests: Vec<Vec<u8>>| {
                Python::attach(|py| {
                    let list = PyList::new(py, requests.iter().map(|r| PyBytes::new(py, r)))
                        .map_err(|e| e.to_string())?;
                    let results = remote
                        .call1(py, (list,))
                        .map_err(|e| format!("remote: {e}"))?;
                    results
                        .extract::<Vec<Vec<u8>>>(py)
                        .map_err(|e| format!("remote must return a list of bytes: {e}"))
                })
            }),
        );
    }
    while !training.advance(&mut env, 1 << 20, &mut |_| {}) {
        py.check_signals()?;
    }
    if let Some(failure) = training.failure() {
        return Err(PyRuntimeError::new_err(format!(
            "training stopped: {failure}"
        )));
    }
    let mut policy = training.finish(&mut env);
    if let Some(command) = command {
        policy.provenance.command = command;
    }
    Ok(policy.to_json())
}

/// Plays training requests (see `train`'s `remote`) on one site's task.
#[pyclass(module = "wobble._wobble", name = "EpisodeWorker", unsendable)]
struct PyEpisodeWorker {
    env: wobble_engine::Env,
}

#[pymethods]
impl PyEpisodeWorker {
    #[new]
    #[pyo3(signature = (site, task=None, site_text=None))]
    fn new(site: &str, task: Option<&str>, site_text: Option<&str>) -> PyResult<PyEpisodeWorker> {
        let env = sweep::open(site, site_text, task).map_err(PyValueError::new_err)?;
        Ok(PyEpisodeWorker { env })
    }

    /// Plays a request's episodes: the result's bytes.
    fn play<'py>(&mut self, py: Python<'py>, request: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        let result = remote::play_request(&mut self.env, request).map_err(PyValueError::new_err)?;
        Ok(PyBytes::new(py, &result))
    }
}

/// Checks that `episodes` evaluation episodes from `seed` lie in the
/// evaluation half of the seed space (training plays only the other half).
#[pyfunction]
fn check_evaluation_seeds(seed: u64, episodes: u64) -> PyResult<()> {
    wobble_policy::check_evaluation_seeds(seed, episodes)
        .map_err(|e| PyValueError::new_err(format!("seed: {e}")))
}

/// Checks a site file's text as `wobble check` does (`wobble_policy::check`):
/// the report as JSON. A file that does not compile is a `ValueError` that
/// starts `PATH:LINE:COLUMN:`.
#[pyfunction]
#[pyo3(signature = (text, path="site.ron", seeds=20, severity=3))]
fn check_site(
    py: Python<'_>,
    text: &str,
    path: &str,
    seeds: u64,
    severity: u8,
) -> PyResult<String> {
    if !(1..=3).contains(&severity) {
        return Err(PyValueError::new_err(format!(
            "severity: expected 1 to 3, got {severity}"
        )));
    }
    if seeds > 10_000 {
        return Err(PyValueError::new_err(format!(
            "seeds: expected at most 10000 per task and perturbation, got {seeds}"
        )));
    }
    let options = CheckOptions {
        seeds,
        severity,
        ..CheckOptions::default()
    };
    let report = py
        .detach(|| check_text(path, text, &options, &mut |_, _| {}))
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    serde_json::to_string(&report).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// The shipped sites with their tasks: `[(site, [task, ...]), ...]`.
#[pyfunction]
fn shipped() -> Vec<(String, Vec<String>)> {
    wobble_gym::shipped()
}

#[pymodule]
fn _wobble(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEnv>()?;
    m.add_class::<PyBatch>()?;
    m.add_function(wrap_pyfunction!(shipped, m)?)?;
    m.add_function(wrap_pyfunction!(check_site, m)?)?;
    m.add_class::<PySweepPlayer>()?;
    m.add_function(wrap_pyfunction!(sweep_blocks, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_report, m)?)?;
    m.add_function(wrap_pyfunction!(check_evaluation_seeds, m)?)?;
    m.add_function(wrap_pyfunction!(train, m)?)?;
    m.add("DEFAULT_FEATURES", options::DEFAULT_FEATURES)?;
    m.add_class::<PyEpisodeWorker>()?;
    m.add(
        "EVALUATION_SEEDS_START",
        wobble_policy::EVALUATION_SEEDS_START,
    )?;
    m.add("DENSE", DENSE)?;
    m.add("TOKENS", rl::TOKENS)?;
    m.add("STATE", rl::STATE)?;
    m.add("NO_TOKEN", rl::NO_TOKEN)?;
    m.add("BUCKETS", BUCKETS)?;
    m.add("DEFAULT_MAX_CANDIDATES", rl::DEFAULT_MAX_CANDIDATES)?;
    Ok(())
}
