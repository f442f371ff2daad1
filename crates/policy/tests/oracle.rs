//! The oracle proves every shipped task solvable as presented: it acts only
//! through the observation and the legal actions, and succeeds on every seed.

use wobble_engine::{builtin, Env, EnvConfig};
use wobble_policy::{evaluate, OraclePolicy, RandomPolicy};

#[test]
fn the_oracle_solves_every_site_and_task_over_1000_seeds() {
    for site in builtin::load_all().unwrap() {
        for task in 0..site.tasks.len() {
            let mut env = Env::new(site.clone(), task, EnvConfig::default()).unwrap();
            let report = evaluate(&mut env, &mut OraclePolicy::default(), 1000, 1);
            assert_eq!(
                report.success_rate, 1.0,
                "{}/{}: {:?}",
                site.name, site.tasks[task].name, report.failures
            );
            assert_eq!(report.mean_return, 1.0);
        }
    }
}

#[test]
fn the_random_policy_rarely_books_a_flight() {
    // The multi-step sites are not solvable by luck: this is why learning needs shaping.
    let site = builtin::load_builtin("airline").unwrap();
    let mut env = Env::by_name(site, "book-flight", EnvConfig::default()).unwrap();
    let report = evaluate(&mut env, &mut RandomPolicy::new(1), 200, 1);
    assert!(report.success_rate < 0.05, "{report:?}");
    assert!(report.failures.iter().all(|f| !f.reason.is_empty()));
}

#[test]
fn a_wrong_booking_fails_with_a_reason() {
    // Book the most expensive flight instead of the cheapest, following the
    // oracle except for the flight choice.
    use wobble_engine::{Action, Role};
    use wobble_policy::Policy;
    let site = builtin::load_builtin("airline").unwrap();
    let mut env = Env::by_name(site, "book-flight", EnvConfig::default()).unwrap();
    env.reset(11);
    let mut oracle = OraclePolicy::default();
    oracle.begin_episode(&env);
    loop {
        let mut action = oracle.act(&env);
        if env.page_id() == "results" {
            // Choose the priciest visible Select button.
            let price_of = |i: u32| -> f64 {
                let item = env.nodes()[i as usize].parent.unwrap();
                env.nodes()[item as usize]
                    .children
                    .iter()
                    .filter_map(|&c| {
                        env.nodes()[c as usize]
                            .label
                            .trim_start_matches('$')
                            .replace(',', "")
                            .parse::<f64>()
                            .ok()
                    })
                    .fold(0.0, f64::max)
            };
            let buttons: Vec<u32> = env
                .visible_nodes()
                .filter(|&i| {
                    env.is_usable(i)
                        && env.nodes()[i as usize].role == Role::Button
                        && env.nodes()[i as usize].row.is_some()
                })
                .collect();
            if let Some(&b) = buttons
                .iter()
                .max_by(|&&a, &&b| price_of(a).total_cmp(&price_of(b)))
            {
                if buttons.len() > 1 {
                    action = Action::Click(b);
                }
            }
        }
        let r = env.step(&action).unwrap();
        if r.terminated || r.truncated {
            break;
        }
    }
    let o = env.outcome().unwrap();
    assert_eq!(o.raw_reward, -1.0, "{o:?}");
    assert!(o.reason.contains("cheapest"), "{o:?}");
}
