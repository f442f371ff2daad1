//! Evaluating on several threads gives exactly the single-threaded report.

use wobble_engine::{builtin, Env, EnvConfig};
use wobble_policy::{evaluate, evaluate_parallel, LearnedPolicy, Policy, RandomPolicy};

#[test]
fn threads_do_not_change_results() {
    let policy_text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../policies/click-button.json"
    ))
    .unwrap();
    let learned = LearnedPolicy::from_json(&policy_text).unwrap();
    for (site, spec) in [("click-button", ""), ("login-user", "relabel:2,popup:1")] {
        let site = builtin::load_builtin(site).unwrap();
        let make_env = || {
            let mut e = Env::new(site.clone(), 0, EnvConfig::default()).unwrap();
            e.set_perturbations(spec.parse().unwrap());
            e
        };
        let makers: [&(dyn Fn() -> Box<dyn Policy> + Sync); 2] =
            [&|| Box::new(RandomPolicy::new(4)), &|| {
                Box::new(learned.clone())
            }];
        for make_policy in makers {
            let mut env = make_env();
            let single = evaluate(&mut env, make_policy().as_mut(), 150, 10);
            for threads in [1, 2, 3, 7] {
                let parallel = evaluate_parallel(&make_env, make_policy, 150, 10, threads);
                assert_eq!(
                    serde_json::to_string(&parallel).unwrap(),
                    serde_json::to_string(&single).unwrap(),
                    "{threads} threads"
                );
            }
        }
    }
}
