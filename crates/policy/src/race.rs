//! A race: several agents play the same seeded episodes side by side, one
//! step at a time, each on its own environment.
//!
//! The page's side-by-side counters use it: it must keep answering a person,
//! so it advances the race in slices of a few milliseconds ([`Race::step`]
//! until its time is up) and redraws each runner's count between slices. The
//! runner with the fewest finished episodes always moves next, so the counts
//! stay level however much slower one agent's steps are (a screen agent
//! paints the page on every step). Each runner plays seeds `first_seed`,
//! `first_seed + 1`, ... exactly as [`crate::evaluate`] does, so after `n`
//! episodes its count is `evaluate`'s on the same `n` seeds: the page shows
//! the same numbers as the command line.

use crate::seeds::{wilson_interval, Interval};
use crate::Policy;
use wobble_engine::{Action, Env};

/// One agent in a race.
struct Runner {
    name: String,
    env: Env,
    policy: Box<dyn Policy>,
    episodes: u64,
    successes: u64,
    /// Each finished episode's success, in seed order.
    outcomes: Vec<bool>,
    /// An episode has been reset and is not over yet.
    playing: bool,
    /// The action it took last, for a view that marks where it clicked.
    last: Option<Action>,
}

/// How one runner stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The name it was entered under.
    pub name: String,
    /// Episodes finished.
    pub episodes: u64,
    /// Of them, successful.
    pub successes: u64,
}

impl Standing {
    /// Successes over episodes (0 before the first episode ends).
    pub fn rate(&self) -> f64 {
        self.successes as f64 / self.episodes.max(1) as f64
    }

    /// The 95% Wilson interval of the rate.
    pub fn interval(&self) -> Interval {
        wilson_interval(self.successes, self.episodes)
    }
}

/// Agents playing the same seeds in lockstep.
pub struct Race {
    runners: Vec<Runner>,
    first_seed: u64,
}

impl Race {
    /// A race with no runners yet, whose episodes start at `first_seed`.
    pub fn new(first_seed: u64) -> Race {
        Race {
            runners: Vec::new(),
            first_seed,
        }
    }

    /// Adds a runner: `policy` playing on `env` (which carries the site, the
    /// task and the perturbations).
    pub fn enter(&mut self, name: &str, env: Env, policy: Box<dyn Policy>) {
        self.runners.push(Runner {
            name: name.to_string(),
            env,
            policy,
            episodes: 0,
            successes: 0,
            outcomes: Vec::new(),
            playing: false,
            last: None,
        });
    }

    /// Moves the runner with the fewest finished episodes (the first entered,
    /// on a tie) by one step: a reset when it has no episode under way, else
    /// one action. An action the environment refuses ends the episode, as in
    /// [`crate::run_episode`].
    pub fn step(&mut self) {
        let first_seed = self.first_seed;
        let Some(runner) = self.runners.iter_mut().min_by_key(|r| r.episodes) else {
            return;
        };
        if !runner.playing {
            runner.env.reset(first_seed.wrapping_add(runner.episodes));
            runner.policy.begin_episode(&runner.env);
            runner.playing = true;
            runner.last = None;
            return;
        }
        let action = runner.policy.act(&runner.env);
        let over = match runner.env.step(&action) {
            Ok(r) => r.terminated || r.truncated,
            Err(_) => {
                let _ = runner.env.step(&Action::Finish);
                true
            }
        };
        runner.last = Some(action);
        if over {
            runner.playing = false;
            runner.episodes += 1;
            let success = runner.env.outcome().is_some_and(|o| o.success);
            runner.successes += u64::from(success);
            runner.outcomes.push(success);
        }
    }

    /// The fewest episodes any runner has finished (0 with no runners): the
    /// race's progress, read without copying the standings.
    pub fn fewest_episodes(&self) -> u64 {
        self.runners.iter().map(|r| r.episodes).min().unwrap_or(0)
    }

    /// Every runner's count, in the order they were entered.
    pub fn standings(&self) -> Vec<Standing> {
        self.runners
            .iter()
            .map(|r| Standing {
                name: r.name.clone(),
                episodes: r.episodes,
                successes: r.successes,
            })
            .collect()
    }

    /// Each finished episode's success for the runner entered under `name`,
    /// in seed order.
    pub fn outcomes(&self, name: &str) -> Option<&[bool]> {
        self.runner(name).map(|r| r.outcomes.as_slice())
    }

    /// The environment of the runner entered under `name`, as it stands
    /// (mid-episode or just finished), with the action it took last.
    pub fn view(&self, name: &str) -> Option<(&Env, Option<&Action>)> {
        self.runner(name).map(|r| (&r.env, r.last.as_ref()))
    }

    /// The runner entered under `name`.
    fn runner(&self, name: &str) -> Option<&Runner> {
        self.runners.iter().find(|r| r.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{evaluate, OraclePolicy, RandomPolicy, EVALUATION_SEEDS_START};
    use wobble_engine::{builtin, EnvConfig};

    fn env(site: &str) -> Env {
        let site = builtin::load_builtin(site).unwrap();
        Env::new(site, 0, EnvConfig::default()).unwrap()
    }

    #[test]
    fn each_runner_counts_what_evaluate_counts_on_the_same_seeds() {
        let mut race = Race::new(EVALUATION_SEEDS_START);
        race.enter(
            "random",
            env("click-button"),
            Box::new(RandomPolicy::new(7)),
        );
        race.enter(
            "oracle",
            env("click-button"),
            Box::new(OraclePolicy::default()),
        );
        while race.fewest_episodes() < 40 {
            race.step();
        }
        let standings = race.standings();
        let random = evaluate(
            &mut env("click-button"),
            &mut RandomPolicy::new(7),
            40,
            EVALUATION_SEEDS_START,
        );
        let oracle = evaluate(
            &mut env("click-button"),
            &mut OraclePolicy::default(),
            40,
            EVALUATION_SEEDS_START,
        );
        assert_eq!(standings[0].successes, random.successes);
        assert_eq!(standings[1].successes, oracle.successes);
        assert_eq!(
            standings[1].successes, 40,
            "the oracle solves every episode"
        );
        let outcomes = race.outcomes("random").unwrap();
        assert_eq!(outcomes.len(), 40);
        assert_eq!(
            outcomes.iter().filter(|s| **s).count() as u64,
            random.successes
        );
        assert!(standings[0].successes < 40, "a random clicker fails some");
    }

    #[test]
    fn runners_stay_level_however_long_their_episodes() {
        // The oracle finishes in a few steps; the random clicker wanders to the step limit.
        let mut race = Race::new(EVALUATION_SEEDS_START);
        race.enter("oracle", env("airline"), Box::new(OraclePolicy::default()));
        race.enter("random", env("airline"), Box::new(RandomPolicy::new(3)));
        for _ in 0..3000 {
            race.step();
            let s = race.standings();
            assert!(s[0].episodes.abs_diff(s[1].episodes) <= 1, "{s:?}");
        }
        assert!(race.standings()[0].episodes >= 5);
        assert_eq!(
            race.fewest_episodes(),
            race.standings().iter().map(|s| s.episodes).min().unwrap()
        );
        let (env, last) = race.view("random").unwrap();
        assert!(env.steps() > 0 || last.is_none());
        assert!(race.view("nobody").is_none());
    }
}
