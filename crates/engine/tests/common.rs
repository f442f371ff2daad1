//! Shared helpers for the engine's integration tests.
#![allow(dead_code)]

use std::sync::Arc;
use wobble_engine::rng::Rng;
use wobble_engine::{builtin, Action, Env, EnvConfig, Site};

/// Every shipped site, compiled.
pub fn sites() -> Vec<Arc<Site>> {
    builtin::load_all().expect("shipped sites load")
}

/// Every (site, task index) pair.
pub fn site_tasks() -> Vec<(Arc<Site>, usize)> {
    sites()
        .into_iter()
        .flat_map(|s| (0..s.tasks.len()).map(move |t| (s.clone(), t)))
        .collect()
}

/// A fresh environment.
pub fn env(site: &Arc<Site>, task: usize) -> Env {
    Env::new(site.clone(), task, EnvConfig::default()).expect("task exists")
}

/// Plays random candidate actions with a seeded stream; returns the digests seen.
pub fn random_rollout(env: &mut Env, seed: u64, max_steps: usize) -> Vec<u64> {
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
    env.reset(seed);
    let mut digests = vec![env.observation_digest()];
    for _ in 0..max_steps {
        if env.is_done() {
            break;
        }
        let c = env.candidates();
        let action = if c.is_empty() {
            Action::Finish
        } else {
            c[rng.below(c.len() as u64) as usize].clone()
        };
        env.step(&action).expect("candidate actions are legal");
        digests.push(env.observation_digest());
    }
    digests
}

/// Perturbation specs whose rollouts are digested beside the unperturbed ones:
/// together they use every kind at its highest severity.
pub const DIGESTED_SPECS: [&str; 3] = [
    "move:3,relabel:3,font:3,restyle:3",
    "popup:3,extra-step:3,lazy:3,distractors:3,paraphrase:3",
    "date-format:3,number-format:3,field-order:3,swap-columns:3,reorder:3,rename-selectors:3",
];

/// Every perturbation kind alone, at each severity: the determinism audit
/// runs each of them on every site and task (one seed each).
pub fn single_kind_specs() -> Vec<String> {
    wobble_engine::perturb::Kind::ALL
        .iter()
        .flat_map(|k| (1..=3).map(move |sev| format!("{}:{sev}", k.name())))
        .collect()
}

/// The digest lines compared natively (against the golden file) and on
/// wasm32: random rollouts on every site and task, unperturbed, under
/// [`DIGESTED_SPECS`], and under every kind alone at every severity (the
/// determinism audit); the perturbations' change explanations are digested
/// too. A platform difference anywhere in the engine shows up as a line
/// that differs.
pub fn digest_lines() -> String {
    use wobble_engine::episode::hex;
    let mut out = String::new();
    let singles = single_kind_specs();
    for (site, task) in site_tasks() {
        let mut env = env(&site, task);
        let specs = std::iter::once("")
            .chain(DIGESTED_SPECS)
            .chain(singles.iter().map(String::as_str));
        for spec in specs {
            env.set_perturbations(spec.parse().expect("a valid spec"));
            let seeds = if spec.is_empty() {
                8
            } else if DIGESTED_SPECS.contains(&spec) {
                4
            } else {
                1
            };
            for seed in 0..seeds {
                let digests = random_rollout(&mut env, seed, 60);
                let mut h = wobble_engine::obs::Fnv::default();
                for d in &digests {
                    h.u64(*d);
                }
                env.reset(seed);
                for c in env.changes() {
                    h.str(&c.text);
                }
                let label = if spec.is_empty() { "-" } else { spec };
                out.push_str(&format!(
                    "{} {} {label} {seed} {}\n",
                    site.name,
                    site.tasks[task].name,
                    hex(h.finish())
                ));
            }
        }
    }
    out
}
