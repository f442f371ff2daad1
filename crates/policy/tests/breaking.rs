//! The break search on a tiny case: an agent that solves the task unless
//! distractors are on the page, on the click-button site.

use wobble_engine::perturb::Kind;
use wobble_engine::{builtin, Action, Env, EnvConfig};
use wobble_policy::breaking::{
    find_break, BreakConfig, BreakRun, Players, Verdict, VERIFY_SEEDS_START,
};
use wobble_policy::{OraclePolicy, Policy};

/// The oracle, except that it gives up whenever `kind` changed the page.
struct Fragile {
    oracle: OraclePolicy,
    kind: Kind,
    broken: bool,
}

impl Policy for Fragile {
    fn name(&self) -> &str {
        "fragile"
    }
    fn begin_episode(&mut self, env: &Env) {
        self.broken = env
            .changes()
            .iter()
            .any(|c| c.applied && c.kind == self.kind);
        self.oracle.begin_episode(env);
    }
    fn act(&mut self, env: &Env) -> Action {
        if self.broken {
            Action::Finish
        } else {
            self.oracle.act(env)
        }
    }
}

fn env() -> Env {
    let site = builtin::load_builtin("click-button").unwrap();
    Env::new(site, 0, EnvConfig::default()).unwrap()
}

fn fragile() -> Box<dyn Policy> {
    Box::new(Fragile {
        oracle: OraclePolicy::default(),
        kind: Kind::Distractors,
        broken: false,
    })
}

fn oracle() -> Box<dyn Policy> {
    Box::new(OraclePolicy::default())
}

fn search(
    judge: &(dyn Fn() -> Box<dyn Policy> + Sync),
    config: &BreakConfig,
    threads: usize,
) -> wobble_policy::breaking::BreakReport {
    let players = Players {
        env: &env,
        agent: &fragile,
        oracle: judge,
        threads,
    };
    find_break(&players, "fragile", config).unwrap()
}

#[test]
fn finds_the_known_break_and_verifies_it_on_fresh_seeds() {
    let config = BreakConfig::default();
    let report = search(&oracle, &config, 1);
    let found = report.found.as_ref().expect(&report.stopped);
    assert_eq!(found.spec, "distractors:1");
    assert_eq!((found.cost.kinds, found.cost.severity), (1, 1));
    assert!(found.cost.elements >= 1, "{:?}", found.cost);
    // Verified on its own block, with its interval below the threshold; the oracle solved all.
    assert_eq!(found.verify_seed, VERIFY_SEEDS_START);
    // A clear break stops at the fewest verification episodes (it fails them all).
    assert_eq!(found.agent.episodes, config.verify_min);
    assert_eq!(found.agent.successes, 0);
    assert!(
        found.agent.ci95.high < config.threshold,
        "{:?}",
        found.agent
    );
    assert_eq!(found.oracle.successes, config.verify_min);
    assert!(!found.changes.is_empty() && found.kinds[0].0 == "distractors");
    // The unperturbed agent held; the path ends with the break, and cheap candidates cost a chunk.
    assert!(report.baseline.ci95.low >= config.threshold);
    let last = report.path.last().unwrap();
    assert_eq!(
        (last.spec.as_str(), last.verdict),
        ("distractors:1", Verdict::Verified)
    );
    for a in &report.path[..report.path.len() - 1] {
        assert_eq!(
            (a.verdict, a.episodes),
            (Verdict::Holds, config.chunk),
            "{a:?}"
        );
    }
    let spent: u64 = report.path.iter().map(|a| a.episodes).sum::<u64>() + report.baseline.episodes;
    assert_eq!(report.episodes, spent);
}

#[test]
fn never_plays_more_than_its_budget() {
    // Enough for the baseline and a few candidates, not for a verification after them.
    let config = BreakConfig {
        budget_episodes: 230,
        ..BreakConfig::default()
    };
    let report = search(&oracle, &config, 1);
    assert!(report.episodes <= 230, "{}", report.episodes);
    assert!(report.found.is_none());
    assert!(report.stopped.contains("budget"), "{}", report.stopped);
    assert_eq!(report.path.last().unwrap().verdict, Verdict::OutOfBudget);
}

#[test]
fn refuses_a_change_the_judge_cannot_solve() {
    // A judge that fails under distractors too: the change is not a break.
    let config = BreakConfig {
        kinds: vec![Kind::Move, Kind::Distractors],
        max_kinds: 1,
        ..BreakConfig::default()
    };
    let report = search(&fragile, &config, 1);
    assert!(report.found.is_none());
    let impossible: Vec<_> = report
        .path
        .iter()
        .filter(|a| a.verdict == Verdict::Impossible)
        .map(|a| a.spec.as_str())
        .collect();
    assert_eq!(
        impossible,
        ["distractors:1", "distractors:2", "distractors:3"]
    );
    assert!(report.stopped.contains("no change"), "{}", report.stopped);
}

#[test]
fn the_same_input_gives_the_same_report_on_any_thread_count() {
    let config = BreakConfig {
        max_kinds: 1,
        ..BreakConfig::default()
    };
    let one = serde_json::to_string(&search(&oracle, &config, 1)).unwrap();
    assert_eq!(
        one,
        serde_json::to_string(&search(&oracle, &config, 1)).unwrap()
    );
    assert_eq!(
        one,
        serde_json::to_string(&search(&oracle, &config, 3)).unwrap()
    );
}

#[test]
fn refuses_settings_it_cannot_honour() {
    for bad in [
        BreakConfig {
            threshold: 1.0,
            ..BreakConfig::default()
        },
        BreakConfig {
            chunk: 0,
            ..BreakConfig::default()
        },
        BreakConfig {
            budget_episodes: 100,
            ..BreakConfig::default()
        },
        BreakConfig {
            kinds: Vec::new(),
            ..BreakConfig::default()
        },
        BreakConfig {
            verify_min: 101,
            ..BreakConfig::default()
        },
    ] {
        let players = Players {
            env: &env,
            agent: &fragile,
            oracle: &oracle,
            threads: 1,
        };
        assert!(find_break(&players, "fragile", &bad).is_err(), "{bad:?}");
    }
}

#[test]
fn a_run_advanced_unit_by_unit_reports_as_it_goes_and_ends_as_the_whole_search() {
    let config = BreakConfig::default();
    let players = Players {
        env: &env,
        agent: &fragile,
        oracle: &oracle,
        threads: 1,
    };
    let mut run = BreakRun::new(&players, "fragile", &config).unwrap();
    let (mut units, mut spent, mut saw_verifying) = (0, 0, false);
    while !run.advance(&players) {
        units += 1;
        let now = run.report().episodes;
        assert!(
            now > spent && now <= config.budget_episodes,
            "{now} after {spent}"
        );
        spent = now;
        if let Some((spec, tally, verifying)) = run.current() {
            assert!(tally.episodes <= config.cap.max(config.verify_episodes));
            saw_verifying |= verifying && spec == "distractors:1";
        }
    }
    assert!(units > 5 && saw_verifying, "{units} units");
    // More advances change nothing; the report is the whole search's.
    assert!(run.advance(&players));
    let whole = find_break(&players, "fragile", &config).unwrap();
    assert_eq!(
        serde_json::to_string(run.report()).unwrap(),
        serde_json::to_string(&whole).unwrap()
    );
}
