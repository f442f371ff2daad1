//! The solvability invariant: every perturbed task is still solvable. The
//! oracle, acting only through the observation (and the goal's ground truth),
//! solves every site x task x perturbation kind x severity over 200 seeds,
//! and random combinations of several kinds.

use wobble_engine::perturb::{Kind, PerturbSpec, Perturbation};
use wobble_engine::rng::Rng;
use wobble_engine::{builtin, Env, EnvConfig};
use wobble_policy::{evaluate, OraclePolicy};

const SEEDS: u64 = 200;

fn assert_solved(spec: &PerturbSpec, seeds: u64, first_seed: u64) {
    for site in builtin::load_all().unwrap() {
        for task in 0..site.tasks.len() {
            let mut env = Env::new(site.clone(), task, EnvConfig::default()).unwrap();
            env.set_perturbations(spec.clone());
            let report = evaluate(&mut env, &mut OraclePolicy::default(), seeds, first_seed);
            assert_eq!(
                report.success_rate, 1.0,
                "{}/{} under \"{spec}\": {:?}",
                site.name, site.tasks[task].name, report.failures
            );
        }
    }
}

#[test]
fn the_oracle_solves_every_kind_at_every_severity() {
    for kind in Kind::ALL {
        for severity in 1..=3 {
            let spec = PerturbSpec::new([Perturbation { kind, severity }]).unwrap();
            assert_solved(&spec, SEEDS, 1);
        }
    }
}

#[test]
fn the_oracle_solves_random_combinations() {
    let mut rng = Rng::new(7);
    for round in 0..40 {
        let mut spec = PerturbSpec::none();
        let count = 2 + rng.below(5) as usize;
        for _ in 0..count {
            let kind = Kind::ALL[rng.below(Kind::ALL.len() as u64) as usize];
            spec.set(kind, 1 + rng.below(3) as u8);
        }
        assert_solved(&spec, 25, 1000 * round + 1);
    }
    // Everything at once, at the highest severity.
    let all = PerturbSpec::new(Kind::ALL.map(|kind| Perturbation { kind, severity: 3 })).unwrap();
    assert_solved(&all, SEEDS, 1);
}
