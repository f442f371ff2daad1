//! The oracle is an agent of the page: it decides from what is shown (the
//! instruction, the shown goal fields, the elements on screen) and the
//! task's recipe, never from hidden ground truth. These tests change the
//! hidden truth while the page stays the same and check that the oracle does
//! exactly the same things; they also check that it reads amounts written in
//! every format the `number-format` perturbation produces.

use std::sync::Arc;
use wobble_engine::builtin::{self, SITE_FILES};
use wobble_engine::perturb::{Kind, PerturbSpec, Perturbation};
use wobble_engine::site::Gen;
use wobble_engine::{load_site, Action, Env, EnvConfig, Site};
use wobble_policy::{evaluate, OraclePolicy, PageView, Policy};

/// Plays one episode with the oracle; every step's view and action, and
/// whether the task was done.
fn play(env: &mut Env, seed: u64) -> (Vec<(PageView, Action)>, bool) {
    let mut oracle = OraclePolicy::default();
    env.reset(seed);
    oracle.begin_episode(env);
    let mut trace = Vec::new();
    loop {
        let view = PageView::of(env);
        let action = oracle.act(env);
        trace.push((view, action.clone()));
        match env.step(&action) {
            Ok(r) if !(r.terminated || r.truncated) => {}
            _ => break,
        }
    }
    (trace, env.outcome().is_some_and(|o| o.success))
}

/// `site` with every derived goal field the instruction does not name
/// replaced by nonsense: the page and the instruction stay the same, only
/// the hidden ground truth changes.
fn scramble_hidden_fields(site: &Site) -> Site {
    let mut site = site.clone();
    for task in &mut site.tasks {
        let sampled = task.goal.len();
        for (i, g) in task.derived.iter_mut().enumerate() {
            if !task.visible.get(sampled + i).copied().unwrap_or(false) {
                *g = Gen::Lit("scrambled".into());
            }
        }
    }
    site
}

const SPECS: [&str; 4] = [
    "",
    "number-format:3,date-format:2",
    "popup:3,extra-step:3,lazy:2,distractors:3",
    "relabel:3,paraphrase:3,reorder:3,swap-columns:2",
];

#[test]
fn hidden_derived_fields_do_not_change_what_the_oracle_does() {
    let mut scrambled_any = false;
    for site in builtin::load_all().unwrap() {
        let blind = Arc::new(scramble_hidden_fields(&site));
        scrambled_any |= blind.tasks.iter().zip(&site.tasks).any(|(a, b)| {
            a.derived
                .iter()
                .zip(&b.derived)
                .any(|(x, y)| format!("{x:?}") != format!("{y:?}"))
        });
        for task in 0..site.tasks.len() {
            for spec in SPECS {
                let spec: PerturbSpec = spec.parse().unwrap();
                let mut a = Env::new(site.clone(), task, EnvConfig::default()).unwrap();
                let mut b = Env::new(blind.clone(), task, EnvConfig::default()).unwrap();
                a.set_perturbations(spec.clone());
                b.set_perturbations(spec.clone());
                for seed in 0..20 {
                    let (seen, done) = play(&mut a, seed);
                    let (blind_seen, _) = play(&mut b, seed);
                    assert!(done, "{}/{} seed {seed} \"{spec}\"", site.name, task);
                    // Equal pages, step by step, and so equal actions.
                    assert_eq!(
                        seen, blind_seen,
                        "{}/{} seed {seed} \"{spec}\": the oracle acted on hidden fields",
                        site.name, site.tasks[task].name
                    );
                }
            }
        }
    }
    assert!(
        scrambled_any,
        "no site has a hidden derived field to scramble"
    );
}

/// click-checkboxes with its hidden `want` column inverted: the boxes to
/// tick are told by a new hidden column `truth`, which the instruction's
/// list and the success conditions read. The page and the instruction are
/// those of the original site; a recipe that read `want` would tick the
/// wrong boxes.
#[test]
fn a_hidden_column_that_lies_does_not_fool_the_oracle() {
    let (_, path, source) = SITE_FILES
        .iter()
        .find(|(name, _, _)| *name == "click-checkboxes")
        .unwrap();
    let yes = r#"("want", Lit("yes"))"#;
    let no = r#"("want", Lit("no"))"#;
    assert!(source.contains(yes) && source.contains(no));
    let lying = source
        .replace(yes, r#"("want", Lit("@@1")), ("truth", Lit("yes"))"#)
        .replace(no, r#"("want", Lit("yes")), ("truth", Lit("no"))"#)
        .replace(r#"("want", Lit("@@1"))"#, r#"("want", Lit("no"))"#)
        .replace(r#"Row("want")"#, r#"Row("truth")"#);
    let original = builtin::load_builtin("click-checkboxes").unwrap();
    let mut lying = load_site(path, &lying).unwrap();
    // The recipe as the site file writes it, not rewritten to read `truth`.
    for (t, task) in lying.tasks.iter_mut().enumerate() {
        task.solution = original.tasks[t].solution.clone();
    }
    let lying = Arc::new(lying);
    let mut a = Env::new(original, 0, EnvConfig::default()).unwrap();
    let mut b = Env::new(lying, 0, EnvConfig::default()).unwrap();
    for seed in 0..200 {
        let (seen, done) = play(&mut a, seed);
        let (lied_to, lied_done) = play(&mut b, seed);
        assert!(done && lied_done, "seed {seed}");
        assert_eq!(seen, lied_to, "seed {seed}");
    }
}

#[test]
fn the_oracle_finds_the_cheapest_fare_in_every_number_format() {
    let cheapest = [
        ("airline", "book-flight"),
        ("aurora", "book-flight"),
        ("shop", "buy-cheapest"),
    ];
    // What each severity writes, as a person would see it on the page.
    let looks = [
        (
            1,
            Box::new(|l: &str| l.starts_with('$') && l.contains('.')) as Box<dyn Fn(&str) -> bool>,
        ),
        (2, Box::new(|l: &str| l.starts_with("USD "))),
        (3, Box::new(|l: &str| l.ends_with(" $") && l.contains(','))),
    ];
    for (site_name, task) in cheapest {
        let site = builtin::load_builtin(site_name).unwrap();
        for (severity, shown) in &looks {
            let spec = PerturbSpec::new([Perturbation {
                kind: Kind::NumberFormat,
                severity: *severity,
            }])
            .unwrap();
            let mut env = Env::by_name(site.clone(), task, EnvConfig::default()).unwrap();
            env.set_perturbations(spec.clone());
            let report = evaluate(&mut env, &mut OraclePolicy::default(), 200, 1);
            assert_eq!(
                report.success_rate, 1.0,
                "{site_name}/{task} under \"{spec}\": {:?}",
                report.failures
            );
            // The prices really were written that way.
            let (trace, _) = play(&mut env, 7);
            let labels: Vec<&str> = trace
                .iter()
                .flat_map(|(v, _)| v.elements.iter().map(|e| e.label.as_str()))
                .collect();
            assert!(
                labels.iter().any(|l| shown(l)),
                "{site_name}/{task} \"{spec}\": no price shown in that format in {labels:?}"
            );
        }
    }
}

/// Elements a perturbation inserts have no site key, whatever key they
/// carry; the site's own elements have theirs.
#[test]
fn inserted_elements_have_no_site_key() {
    let spec: PerturbSpec = "popup:3,extra-step:3,lazy:3,distractors:3".parse().unwrap();
    let mut inserted = 0;
    for site in builtin::load_all().unwrap() {
        let own: Vec<&str> = site.elems.iter().filter_map(|e| e.key.as_deref()).collect();
        for task in 0..site.tasks.len() {
            let mut env = Env::new(site.clone(), task, EnvConfig::default()).unwrap();
            env.set_perturbations(spec.clone());
            for seed in 0..5 {
                let mut oracle = OraclePolicy::default();
                env.reset(seed);
                oracle.begin_episode(&env);
                loop {
                    for (id, n) in env.visible_nodes_with_ids() {
                        match env.site_key(id) {
                            Some(k) => {
                                assert_eq!(k, n.base_key);
                                assert!(own.contains(&k), "{k} is not the site's");
                                assert!(!k.starts_with("wobble:"), "{k}");
                            }
                            None if n.role.is_interactive() && !n.base_key.is_empty() => {
                                inserted += 1;
                            }
                            None => {}
                        }
                    }
                    let action = oracle.act(&env);
                    match env.step(&action) {
                        Ok(r) if !(r.terminated || r.truncated) => {}
                        _ => break,
                    }
                }
            }
        }
    }
    assert!(inserted > 0, "no inserted element was seen");
}

#[test]
fn a_recipe_may_not_type_a_goal_field_the_page_does_not_show() {
    let (_, path, source) = SITE_FILES
        .iter()
        .find(|(name, _, _)| *name == "login-user")
        .unwrap();
    // The password is no longer in the instruction, but the recipe still types it.
    let hidden = source
        .replace(" and password {password}.", ".")
        .replace(" using the password {password}.", ".")
        .replace(" and the password is {password}: log in.", ": log in.")
        .replace("{username} / {password}", "{username}");
    let err = load_site(path, &hidden).unwrap_err().to_string();
    assert!(
        err.contains("the instruction does not name"),
        "unexpected error: {err}"
    );
}
