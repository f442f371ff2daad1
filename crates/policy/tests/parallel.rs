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

/// Agents swept side by side get each exactly the report of its own sweep,
/// whatever the number of threads.
#[test]
fn a_matrix_is_each_agents_own_sweep() {
    use wobble_engine::perturb::Kind;
    use wobble_policy::{sweep, sweep_agents, OraclePolicy};
    let site = builtin::load_builtin("login-user").unwrap();
    let make_env = || Env::new(site.clone(), 0, EnvConfig::default()).unwrap();
    let kinds = [Kind::Relabel, Kind::Popup];
    let random: &(dyn Fn() -> Box<dyn Policy> + Sync) = &|| Box::new(RandomPolicy::new(2));
    let oracle: &(dyn Fn() -> Box<dyn Policy> + Sync) = &|| Box::new(OraclePolicy::default());
    let agents = [("random", "random", random), ("oracle", "oracle", oracle)];
    let alone: Vec<String> = agents
        .iter()
        .map(|(_, what, make)| {
            let report = sweep(&mut make_env(), make().as_mut(), what, 12, 1 << 63, &kinds);
            serde_json::to_string(&report).unwrap()
        })
        .collect();
    for threads in [1, 2, 5] {
        let matrix = sweep_agents(&make_env, &agents, 12, 1 << 63, &kinds, threads);
        let together: Vec<String> = matrix
            .agents
            .iter()
            .map(|a| serde_json::to_string(&a.report).unwrap())
            .collect();
        assert_eq!(together, alone, "{threads} threads");
        assert_eq!(matrix.agents[1].agent, "oracle");
        let table = matrix.table();
        assert!(
            table.contains("unperturbed") && table.contains("popup:3"),
            "{table}"
        );
        // One CSV row per agent and cell, below one header.
        assert_eq!(matrix.csv().lines().count(), 1 + 2 * 7);
        assert!(matrix.csv().starts_with("agent,kind,severity"));
    }
}
