//! The agent that plays the site on its own: which policy, how fast, and how its choices are
//! described to a person.
//!
//! A [`PolicyChoice`] names one of the shipped policies (the pretrained airline agents: the reader,
//! the reader trained on randomized sites and the screen agent; the script that replays one
//! recorded run; the uniform random agent; the recipe-following oracle) or none. [`Shipped`]
//! loads the embedded learned files, packed by `build.rs`. [`Agent`] holds the loaded
//! policy; only learned policies score candidates, so only they give probabilities for the
//! inspector. [`Speed`] decides how long the cursor takes to reach its target and how long the
//! page waits between steps; at turbo speed nothing is animated and many steps run per chunk
//! of main-thread time. [`describe`] turns an engine action into a short phrase such as
//! `click 'Search flights'`, reading labels and goal field names from the environment.

// The action as a short phrase: the engine's words for it, the same as the command line's.
pub use wobble_engine::describe;
use wobble_engine::{Action, Env, Key, Rect, Role, TypeText};
use wobble_policy::{LearnedPolicy, OraclePolicy, Policy, RandomPolicy, ScriptPolicy};

/// The name a policy that came in a link (`#policy=`) goes by, in the agent panel and the
/// library: where it was trained, and for how long.
pub fn linked_name(policy: &LearnedPolicy) -> String {
    let p = &policy.provenance;
    format!(
        "from a link · {}/{} · {} episodes",
        p.site, p.task, p.episodes
    )
}

/// Which policy drives the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyChoice {
    /// Nobody: a person plays.
    None,
    /// The pretrained airline agent (trained on the unperturbed site).
    Airline,
    /// The airline agent trained on randomized sites.
    AirlineRandomized,
    /// The airline agent that sees only the page's pixels.
    AirlineScreen,
    /// Replays one recorded run by selector ids and points, as an RPA script does.
    Script,
    /// Uniformly random among the candidate actions.
    Random,
    /// Follows the task's solution recipe.
    Oracle,
    /// A policy from the training panel's library (trained or uploaded in this browser). Not
    /// among [`PolicyChoice::ALL`]: it is chosen with its library entry's Play button.
    Saved,
}

impl PolicyChoice {
    /// Every choice, in the order the picker lists them.
    pub const ALL: [PolicyChoice; 7] = [
        PolicyChoice::Airline,
        PolicyChoice::AirlineRandomized,
        PolicyChoice::AirlineScreen,
        PolicyChoice::Script,
        PolicyChoice::Random,
        PolicyChoice::Oracle,
        PolicyChoice::None,
    ];

    /// The name used in the link (`policy=`).
    pub fn name(self) -> &'static str {
        match self {
            PolicyChoice::None => "none",
            PolicyChoice::Airline => "airline",
            PolicyChoice::AirlineRandomized => "airline-randomized",
            PolicyChoice::AirlineScreen => "airline-screen",
            PolicyChoice::Script => "script",
            PolicyChoice::Random => "random",
            PolicyChoice::Oracle => "oracle",
            PolicyChoice::Saved => "saved",
        }
    }

    /// What the picker shows.
    pub fn label(self) -> &'static str {
        match self {
            PolicyChoice::None => "Nobody (you play)",
            PolicyChoice::Airline => "Pretrained airline agent",
            PolicyChoice::AirlineRandomized => "Airline agent, trained on varied sites",
            PolicyChoice::AirlineScreen => "Airline screen agent (sees only pixels)",
            PolicyChoice::Script => "Script (replays one recorded run)",
            PolicyChoice::Random => "Random clicker",
            PolicyChoice::Oracle => "Oracle (follows the recipe)",
            PolicyChoice::Saved => "A saved policy",
        }
    }

    /// The choice with this link name.
    pub fn parse(text: &str) -> Option<PolicyChoice> {
        PolicyChoice::ALL.into_iter().find(|p| p.name() == text)
    }
}

/// How fast the agent plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speed {
    /// One step each time "Step" is pressed.
    Step,
    /// Slow enough to follow every move.
    Slow,
    /// The default.
    Normal,
    /// Brisk.
    Fast,
    /// No animation; as many steps as fit in short chunks of each frame.
    Turbo,
}

impl Speed {
    /// Every speed, slowest first.
    pub const ALL: [Speed; 5] = [
        Speed::Step,
        Speed::Slow,
        Speed::Normal,
        Speed::Fast,
        Speed::Turbo,
    ];

    /// The name used in the link (`speed=`) and the picker.
    pub fn name(self) -> &'static str {
        match self {
            Speed::Step => "step",
            Speed::Slow => "slow",
            Speed::Normal => "normal",
            Speed::Fast => "fast",
            Speed::Turbo => "turbo",
        }
    }

    /// The speed with this name.
    pub fn parse(text: &str) -> Option<Speed> {
        Speed::ALL.into_iter().find(|s| s.name() == text)
    }

    /// Milliseconds the cursor takes to reach its target (and the typing to show).
    pub fn move_ms(self) -> u32 {
        match self {
            Speed::Slow => 1100,
            Speed::Step | Speed::Normal => 550,
            Speed::Fast => 140,
            Speed::Turbo => 0,
        }
    }

    /// Milliseconds between one step and planning the next.
    pub fn pause_ms(self) -> u32 {
        match self {
            Speed::Slow => 600,
            Speed::Step | Speed::Normal => 250,
            Speed::Fast => 40,
            Speed::Turbo => 0,
        }
    }

    /// Milliseconds the end of an episode stays on screen before the next one starts.
    pub fn episode_pause_ms(self) -> u32 {
        match self {
            Speed::Slow => 2000,
            Speed::Step | Speed::Normal => 1200,
            Speed::Fast => 350,
            Speed::Turbo => 0,
        }
    }
}

// The embedded learned policies live beside the worker, which breaks them too.
pub use wobble_app::shipped::Shipped;

/// A loaded policy.
pub enum Agent {
    /// A learned policy, which also scores every candidate.
    Learned(Box<LearnedPolicy>),
    /// Any other policy.
    Other(Box<dyn Policy>),
}

impl Agent {
    /// Loads the policy a choice names (`None` for [`PolicyChoice::None`]).
    pub fn load(choice: PolicyChoice, seed: u64) -> Result<Option<Agent>, String> {
        let learned = |shipped: Shipped| {
            shipped
                .load()
                .map(|p| Some(Agent::Learned(Box::new(p))))
                .map_err(|e| format!("The {} could not be loaded: {e}", choice.label()))
        };
        match choice {
            PolicyChoice::None => Ok(None),
            PolicyChoice::Airline => learned(Shipped::Reader),
            PolicyChoice::AirlineRandomized => learned(Shipped::ReaderRandomized),
            PolicyChoice::AirlineScreen => learned(Shipped::Screen),
            PolicyChoice::Script => Ok(Some(Agent::Other(Box::new(ScriptPolicy::new())))),
            PolicyChoice::Random => Ok(Some(Agent::Other(Box::new(RandomPolicy::new(seed))))),
            PolicyChoice::Oracle => Ok(Some(Agent::Other(Box::new(OraclePolicy::default())))),
            // Its file comes with the library's Play button, not from the choice.
            PolicyChoice::Saved => Ok(None),
        }
    }

    /// The policy itself.
    pub fn policy(&mut self) -> &mut dyn Policy {
        match self {
            Agent::Learned(p) => p.as_mut(),
            Agent::Other(p) => p.as_mut(),
        }
    }

    /// Probabilities over `env.candidates()`, for policies that score them.
    pub fn probabilities(&mut self, env: &Env) -> Option<Vec<f32>> {
        match self {
            Agent::Learned(p) if !env.candidates().is_empty() => {
                Some(p.probabilities(env).to_vec())
            }
            _ => None,
        }
    }
}

/// What the inspector shows for one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspect {
    /// The engine's observation text.
    pub observation: String,
    /// The most probable candidate actions, described, with their probabilities.
    pub top: Vec<(String, f32)>,
    /// How many candidates there were.
    pub candidates: usize,
    /// Why there are no probabilities, when there are none.
    pub note: Option<String>,
}

impl Inspect {
    /// Reads the observation and, if the agent scores candidates, its five favourites.
    pub fn read(env: &Env, agent: Option<&mut Agent>) -> Inspect {
        let observation = env.observation_text();
        let candidates = env.candidates().len();
        if env.is_done() {
            return Inspect {
                observation,
                top: Vec::new(),
                candidates,
                note: Some("The episode is over: there is nothing left to choose.".into()),
            };
        }
        let probs = agent.and_then(|a| a.probabilities(env));
        let Some(probs) = probs else {
            return Inspect {
                observation,
                top: Vec::new(),
                candidates,
                note: Some(
                    "This policy does not score its choices; only the learned agents do.".into(),
                ),
            };
        };
        let mut order: Vec<usize> = (0..probs.len().min(candidates)).collect();
        order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]));
        let top = order
            .into_iter()
            .take(5)
            .map(|i| (describe(env, &env.candidates()[i]), probs[i]))
            .collect();
        Inspect {
            observation,
            top,
            candidates,
            note: None,
        }
    }
}

/// Where the cursor goes for an action, and what it shows on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The action about to be taken.
    pub action: Action,
    /// The element's box (page coordinates), when the action aims at one.
    pub target: Option<Rect>,
    /// Text that appears while typing, or the option chosen.
    pub text: Option<String>,
    /// Whether it is a click (a ripple follows).
    pub click: bool,
    /// The phrase for it.
    pub phrase: String,
}

impl Planned {
    /// Plans the cursor's move for `action` in `env`.
    pub fn new(env: &Env, action: Action) -> Planned {
        let node = |id: u32| env.nodes().get(id as usize);
        // The box of an element that exists.
        let bbox = |id: u32| node(id).map(|_| env.bbox(id));
        let (target, text, click) = match &action {
            Action::Click(id) => (bbox(*id), None, true),
            Action::Type(id, t) => {
                let typed = match t {
                    TypeText::Literal(s) => s.clone(),
                    TypeText::Goal(g) => env.goal_value(usize::from(*g)).to_string(),
                };
                let shown = match node(*id) {
                    Some(n) if n.role == Role::Password => "•".repeat(typed.chars().count()),
                    _ => typed,
                };
                (bbox(*id), Some(shown), false)
            }
            Action::Select(id, o) => {
                let n = node(*id);
                let chosen = n.and_then(|n| n.options.get(usize::from(*o)).cloned());
                (bbox(*id), chosen, true)
            }
            Action::Key(Key::Enter) => (env.focus().and_then(bbox), Some("⏎".into()), false),
            _ => (None, None, false),
        };
        let phrase = describe(env, &action);
        Planned {
            action,
            target,
            text,
            click,
            phrase,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wobble_engine::builtin::load_builtin;
    use wobble_engine::EnvConfig;

    #[test]
    fn names_round_trip() {
        for p in PolicyChoice::ALL {
            assert_eq!(PolicyChoice::parse(p.name()), Some(p));
        }
        for s in Speed::ALL {
            assert_eq!(Speed::parse(s.name()), Some(s));
        }
        assert_eq!(PolicyChoice::parse("nope"), None);
    }

    #[test]
    fn the_embedded_policies_are_the_shipped_files_bit_for_bit() {
        for (shipped, file) in [
            (Shipped::Reader, "airline.json"),
            (Shipped::ReaderRandomized, "airline-randomized.json"),
            (Shipped::Screen, "airline-screen.json"),
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("policies")
                .join(file);
            let json = LearnedPolicy::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
            let packed = shipped.load().unwrap();
            assert!(
                packed.net.params.iter().map(|p| p.to_bits()).eq(json
                    .net
                    .params
                    .iter()
                    .map(|p| p.to_bits())),
                "{file}"
            );
            assert_eq!(packed.provenance, json.provenance, "{file}");
            assert_eq!(packed.features, json.features, "{file}");
            let (site, task) = shipped.trained_on().unwrap();
            assert_eq!((site, task), (json.provenance.site, json.provenance.task));
        }
    }

    #[test]
    fn the_airline_agent_loads_and_ranks_readable_actions() {
        let site = load_builtin("airline").unwrap();
        let mut env = Env::by_name(site, "book-flight", EnvConfig::default()).unwrap();
        env.reset(3);
        let mut agent = Agent::load(PolicyChoice::Airline, 3).unwrap().unwrap();
        let inspect = Inspect::read(&env, Some(&mut agent));
        assert_eq!(inspect.top.len(), 5);
        assert!(inspect.top.windows(2).all(|w| w[0].1 >= w[1].1));
        assert!(inspect.observation.starts_with("instruction: "));
        assert!(inspect.top.iter().all(|(d, _)| d.starts_with("click")
            || d.starts_with("type")
            || d.starts_with("choose")));
    }
}
