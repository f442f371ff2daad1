//! The solvability invariant: every perturbed task is still solvable by
//! someone who sees the page. The oracle, reading only what is shown (the
//! instruction, the shown goal fields and the page; see `PageView`), solves
//! every site x task x perturbation kind x severity over 200 seeds, and
//! random combinations of several kinds.

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

// ----- Each kind changes what it claims to change -----

use std::collections::BTreeMap;
use wobble_engine::perturb::{CONTINUE_KEY, DISMISS_KEY, LOADING_KEY};
use wobble_engine::{Action, Rect};
use wobble_policy::Policy;

/// What the oracle saw over one episode.
#[derive(Default)]
struct Seen {
    instructions: Vec<String>,
    /// (page, key) -> first box seen.
    boxes: BTreeMap<(String, String), Rect>,
    /// Every label shown.
    labels: Vec<String>,
    /// key -> (dom id, classes).
    selectors: BTreeMap<String, (String, String)>,
    keys: Vec<String>,
}

fn watch(env: &mut Env, seed: u64) -> Seen {
    let mut seen = Seen::default();
    let mut oracle = OraclePolicy::default();
    env.reset(seed);
    oracle.begin_episode(env);
    loop {
        seen.instructions.push(env.instruction().to_string());
        for i in env.visible_nodes() {
            let n = &env.nodes()[i as usize];
            if !n.key.is_empty() {
                seen.boxes
                    .entry((env.page_id().to_string(), n.key.clone()))
                    .or_insert(env.bbox(i));
                seen.selectors
                    .entry(n.key.clone())
                    .or_insert((n.dom_id.clone(), n.classes.clone()));
                seen.keys.push(n.key.clone());
            }
            seen.labels.push(n.label.clone());
        }
        let action = oracle.act(env);
        match env.step(&action) {
            Ok(r) if !(r.terminated || r.truncated) => {}
            _ => break,
        }
    }
    seen
}

fn claim_holds(kind: Kind, plain: &Seen, perturbed: &Seen, env: &Env) -> bool {
    let moved = || {
        perturbed
            .boxes
            .iter()
            .any(|(k, b)| plain.boxes.get(k).is_some_and(|a| a != b))
    };
    let new_label = || perturbed.labels.iter().any(|l| !plain.labels.contains(l));
    let has_key = |prefix: &str| perturbed.keys.iter().any(|k| k.starts_with(prefix));
    match kind {
        Kind::Move | Kind::Reorder | Kind::SwapColumns | Kind::FieldOrder => moved(),
        Kind::Font => moved() && env.site().theme.font_size != env.base_site().theme.font_size,
        Kind::Relabel | Kind::NumberFormat => new_label(),
        Kind::Restyle => {
            let (a, b) = (&env.base_site().theme, &env.site().theme);
            a.accent != b.accent || a.radius != b.radius
        }
        Kind::RenameSelectors => perturbed
            .selectors
            .iter()
            .any(|(k, s)| plain.selectors.get(k).is_some_and(|p| p != s)),
        Kind::Distractors => has_key("wobble:distractor") || has_key("wobble:ad"),
        Kind::Popup => has_key(DISMISS_KEY),
        Kind::ExtraStep => has_key(CONTINUE_KEY),
        Kind::Lazy => has_key(LOADING_KEY),
        // A date such as 04/04 reads the same day-first; the field's hint still changes.
        Kind::DateFormat => plain.instructions[0] != perturbed.instructions[0] || new_label(),
        Kind::Paraphrase => plain.instructions[0] != perturbed.instructions[0],
    }
}

#[test]
fn every_kind_changes_the_observation_it_claims_to_change() {
    let mut applied_somewhere: BTreeMap<Kind, usize> = BTreeMap::new();
    for site in builtin::load_all().unwrap() {
        for task in 0..site.tasks.len() {
            let mut env = Env::new(site.clone(), task, EnvConfig::default()).unwrap();
            for kind in Kind::ALL {
                for severity in 1..=3 {
                    let spec = PerturbSpec::new([Perturbation { kind, severity }]).unwrap();
                    for seed in 1..=5 {
                        env.set_perturbations(PerturbSpec::none());
                        let plain = watch(&mut env, seed);
                        env.set_perturbations(spec.clone());
                        let perturbed = watch(&mut env, seed);
                        env.reset(seed);
                        let changes = env.changes();
                        assert!(
                            !changes.is_empty(),
                            "{kind}:{severity} on {} says nothing",
                            site.name
                        );
                        assert!(changes.iter().all(|c| !c.text.is_empty() && c.kind == kind));
                        if changes.iter().any(|c| c.applied) {
                            *applied_somewhere.entry(kind).or_default() += 1;
                            assert!(
                                claim_holds(kind, &plain, &perturbed, &env),
                                "{kind}:{severity} on {}/{} seed {seed} reported {:?} but the observation did not change that way",
                                site.name,
                                site.tasks[task].name,
                                changes.iter().map(|c| &c.text).collect::<Vec<_>>()
                            );
                        } else {
                            assert_eq!(changes.len(), 1, "a kind that does nothing says so once");
                        }
                    }
                }
            }
        }
    }
    for kind in Kind::ALL {
        assert!(
            applied_somewhere.get(&kind).copied().unwrap_or(0) > 0,
            "{kind} never changed anything on any shipped site"
        );
    }
}

#[test]
fn every_kind_changes_the_airline_and_the_bank() {
    for name in ["airline", "bank"] {
        let site = builtin::load_builtin(name).unwrap();
        let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
        for kind in Kind::ALL {
            if name == "bank" && kind == Kind::DateFormat {
                continue; // the bank shows no dates
            }
            env.set_perturbations(PerturbSpec::new([Perturbation { kind, severity: 2 }]).unwrap());
            env.reset(3);
            assert!(
                env.changes().iter().any(|c| c.applied),
                "{kind} did nothing on {name}: {:?}",
                env.changes()
            );
        }
    }
}

#[test]
fn distinct_seeds_give_distinct_variants() {
    let site = builtin::load_builtin("airline").unwrap();
    let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
    for kind in Kind::ALL {
        // A format is the same at a given severity on every seed; that is the point of it.
        if matches!(kind, Kind::DateFormat | Kind::NumberFormat) {
            continue;
        }
        env.set_perturbations(PerturbSpec::new([Perturbation { kind, severity: 2 }]).unwrap());
        let mut variants = std::collections::BTreeSet::new();
        for seed in 1..=30 {
            env.reset(seed);
            let texts: Vec<String> = env.changes().iter().map(|c| c.text.clone()).collect();
            variants.insert(texts.join("\n"));
        }
        assert!(
            variants.len() >= 2,
            "{kind} made the same change on 30 seeds: {variants:?}"
        );
    }
}

#[test]
fn kinds_compose_without_changing_each_other() {
    let site = builtin::load_builtin("airline").unwrap();
    let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
    for seed in 1..=20 {
        env.set_perturbations("relabel:2".parse().unwrap());
        env.reset(seed);
        let alone: Vec<String> = env.changes().iter().map(|c| c.text.clone()).collect();
        let goal_alone: Vec<String> = env.goal_truth().map(|(_, v)| v.to_string()).collect();
        env.set_perturbations("relabel:2,move:2,popup:3,field-order:2".parse().unwrap());
        env.reset(seed);
        let together: Vec<String> = env
            .changes()
            .iter()
            .filter(|c| c.kind == Kind::Relabel)
            .map(|c| c.text.clone())
            .collect();
        assert_eq!(alone, together, "seed {seed}");
        // The goal and data of a perturbed episode are those of the plain one.
        env.set_perturbations(PerturbSpec::none());
        env.reset(seed);
        let goal_plain: Vec<String> = env.goal_truth().map(|(_, v)| v.to_string()).collect();
        assert_eq!(goal_alone, goal_plain);
    }
}

#[test]
fn a_modal_pop_up_blocks_the_page_until_dismissed() {
    let site = builtin::load_builtin("airline").unwrap();
    let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
    env.set_perturbations("popup:2".parse().unwrap());
    env.reset(5);
    assert!(env.dialog().is_some());
    let search = env
        .visible_nodes()
        .find(|&i| env.nodes()[i as usize].key == "search_button")
        .expect("the search button is on screen behind the pop-up");
    assert!(!env.is_usable(search));
    let (x, y) = env.bbox(search).center();
    for action in [Action::Click(search), Action::ClickAt { x, y }] {
        env.step(&action).unwrap();
        assert_eq!(env.page_id(), "search");
        assert!(env.dialog().is_some(), "{action:?} went through the pop-up");
    }
    assert!(env.candidates().iter().all(
        |a| matches!(a, Action::Click(i) if env.nodes()[*i as usize].page == env.dialog().unwrap())
    ));
    let dismiss = env
        .visible_nodes()
        .find(|&i| env.nodes()[i as usize].key == DISMISS_KEY)
        .unwrap();
    env.step(&Action::Click(dismiss)).unwrap();
    assert!(env.dialog().is_none());
    assert!(env.is_usable(search));
}

/// A page long enough that a cookie banner along the bottom covers its button.
const TALL_SITE: &str = r#"(
    name: "tall",
    title: "Tall",
    width: 400.0,
    height: 300.0,
    state: {"clicked": ""},
    pages: [(
        id: "main",
        title: "Main",
        elements: [
            Text(text: "One"), Text(text: "Two"), Text(text: "Three"), Text(text: "Four"),
            Text(text: "Five"), Text(text: "Six"),
            Button(key: "go", label: "Go", primary: true, on_click: [Set("clicked", Lit("yes")), End]),
            Text(text: "Seven"), Text(text: "Eight"),
        ],
    )],
    tasks: [(
        name: "go",
        instruction: "Press Go.",
        step_limit: 5,
        success: [(Eq(State("clicked"), Lit("yes")), "Go was not pressed")],
        solution: [Click("go")],
    )],
)"#;

#[test]
fn a_cookie_banner_blocks_only_what_it_covers() {
    let site = std::sync::Arc::new(wobble_engine::load_site("tall.ron", TALL_SITE).unwrap());
    let mut env = Env::new(site.clone(), 0, EnvConfig::default()).unwrap();
    env.set_perturbations("popup:1".parse().unwrap());
    env.reset(1);
    let bar = env.dialog().expect("the banner is open");
    let go = env
        .visible_nodes()
        .find(|&i| env.nodes()[i as usize].key == "go")
        .unwrap();
    let bar_box = env.bbox(
        env.visible_nodes()
            .find(|&i| env.nodes()[i as usize].page == bar)
            .unwrap(),
    );
    let (x, y) = env.bbox(go).center();
    assert!(
        bar_box.contains(x, y),
        "the banner {bar_box:?} covers Go at ({x}, {y})"
    );
    assert!(!env.is_usable(go));
    env.step(&Action::Click(go)).unwrap();
    assert!(!env.is_done(), "Go was clicked through the banner");
    assert_eq!(env.dialog(), Some(bar));
    // Text above the banner is not covered.
    let one = env
        .visible_nodes()
        .find(|&i| env.nodes()[i as usize].label == "One")
        .unwrap();
    let (ox, oy) = env.bbox(one).center();
    assert!(!bar_box.contains(ox, oy));
    // A click at Go's place lands on the banner, never on Go.
    env.step(&Action::ClickAt { x, y }).unwrap();
    assert!(!env.is_done(), "a click on the banner's area reached Go");
    if env.dialog().is_some() {
        let dismiss = env
            .visible_nodes()
            .find(|&i| env.nodes()[i as usize].key == DISMISS_KEY)
            .unwrap();
        env.step(&Action::Click(dismiss)).unwrap();
    }
    assert!(env.dialog().is_none());
    assert!(env.is_usable(go));
    // And the oracle gets through.
    let report = evaluate(&mut env, &mut OraclePolicy::default(), 20, 1);
    assert_eq!(report.success_rate, 1.0, "{:?}", report.failures);
}

#[test]
fn lazy_content_loads_while_waiting() {
    let site = builtin::load_builtin("click-button").unwrap();
    let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
    env.set_perturbations("lazy:2".parse().unwrap());
    env.reset(4);
    let shown = |env: &Env, key: &str| {
        env.visible_nodes()
            .any(|i| env.nodes()[i as usize].base_key == key)
    };
    assert!(shown(&env, LOADING_KEY));
    assert!(!shown(&env, "word_button"));
    assert_eq!(env.candidates(), &[Action::Scroll(0.0)]);
    env.step(&Action::Scroll(0.0)).unwrap();
    assert!(shown(&env, LOADING_KEY));
    env.step(&Action::Scroll(0.0)).unwrap();
    assert!(!shown(&env, LOADING_KEY));
    assert!(shown(&env, "word_button"));
}

#[test]
fn perturbed_episodes_replay_from_their_records() {
    use wobble_engine::{EpisodeRecord, Recorder};
    let site = builtin::load_builtin("airline").unwrap();
    let mut env = Env::new(site.clone(), 0, EnvConfig::default()).unwrap();
    env.set_perturbations(
        "popup:3,extra-step:3,lazy:2,relabel:3,font:3"
            .parse()
            .unwrap(),
    );
    env.reset(9);
    let mut oracle = OraclePolicy::default();
    oracle.begin_episode(&env);
    let mut rec = Recorder::start(&env);
    loop {
        let a = oracle.act(&env);
        let r = rec.step(&mut env, &a).unwrap();
        if r.terminated || r.truncated {
            break;
        }
    }
    let record = rec.finish();
    assert!(record.outcome.as_ref().unwrap().success);
    assert!(record.changes.len() >= 5);
    let json = serde_json::to_string(&record).unwrap();
    let back: EpisodeRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.perturbations.to_string(),
        "relabel:3,font:3,popup:3,extra-step:3,lazy:2"
    );
    let mut fresh = Env::new(site, 0, EnvConfig::default()).unwrap();
    back.replay(&mut fresh).unwrap();
}
