//! Observations carry only what a page would show: over every site, task,
//! perturbation kind and severity (and everything at once), no observation
//! form an agent receives (the protocol's JSON, the text form, the strings
//! the learned policy's features hash) holds a token that exists only to mark
//! a perturbation, and none carries the engine's element keys.
//!
//! The episodes are driven by the oracle so that they reach every page,
//! pop-up, inserted step and loading line that a perturbation adds.

use wobble_engine::perturb::{Kind, PerturbSpec, Perturbation};
use wobble_engine::{builtin, protocol, Env, EnvConfig};
use wobble_policy::{OraclePolicy, Policy};

/// Words that would give an inserted or changed element away. The engine
/// marks its own insertions internally with `wobble:` keys; none of them,
/// nor any word like these, may reach an agent.
const MARKERS: [&str; 7] = [
    "wobble",
    "distractor",
    "decoy",
    "perturb",
    "inserted",
    "injected",
    "popup-",
];

fn check_step(env: &Env, what: &str) -> Result<(), String> {
    let observation = protocol::observation(env);
    let json = serde_json::to_string(&observation).map_err(|e| e.to_string())?;
    let mut forms = vec![("protocol JSON", json), ("text", env.observation_text())];
    // What the learned policy's tokens hash: labels, selector ids, page ids.
    let mut hashed = String::new();
    hashed.push_str(env.page_id());
    if let Some(dialog) = env.dialog() {
        if let Some(page) = env.site().pages.get(dialog as usize) {
            hashed.push(' ');
            hashed.push_str(&page.id);
        }
    }
    for (_, n) in env.visible_nodes_with_ids() {
        hashed.push(' ');
        hashed.push_str(&n.label);
        hashed.push(' ');
        hashed.push_str(&n.dom_id);
        hashed.push(' ');
        hashed.push_str(&n.classes);
    }
    forms.push(("feature strings", hashed));
    for (form, text) in &forms {
        let lower = text.to_lowercase();
        for marker in MARKERS {
            if let Some(at) = lower.find(marker) {
                let from = at.saturating_sub(60);
                let context: String = text.chars().skip(from).take(140).collect();
                return Err(format!(
                    "{what}: the {form} holds \"{marker}\": ...{context}..."
                ));
            }
        }
    }
    if observation.elements.iter().any(|e| {
        serde_json::to_value(e)
            .ok()
            .and_then(|v| v.get("key").cloned())
            .is_some()
    }) {
        return Err(format!("{what}: an element carries the engine's key"));
    }
    Ok(())
}

fn check_spec(spec: &PerturbSpec, seeds: std::ops::Range<u64>) {
    for site in builtin::load_all().unwrap() {
        for task in 0..site.tasks.len() {
            let mut env = Env::new(site.clone(), task, EnvConfig::default()).unwrap();
            env.set_perturbations(spec.clone());
            for seed in seeds.clone() {
                env.reset(seed);
                let mut oracle = OraclePolicy::default();
                oracle.begin_episode(&env);
                let what = format!(
                    "{}/{} seed {seed} under \"{spec}\"",
                    site.name, site.tasks[task].name
                );
                loop {
                    if let Err(e) = check_step(&env, &format!("{what}, step {}", env.steps())) {
                        panic!("{e}");
                    }
                    if env.is_done() {
                        break;
                    }
                    let action = oracle.act(&env);
                    match env.step(&action) {
                        Ok(r) if r.terminated || r.truncated => {
                            check_step(&env, &format!("{what}, at the end")).unwrap();
                            break;
                        }
                        Ok(_) => {}
                        Err(e) => panic!("{what}: {e}"),
                    }
                }
            }
        }
    }
}

#[test]
fn no_observation_reveals_a_perturbation_at_any_kind_and_severity() {
    for kind in Kind::ALL {
        for severity in 1..=3 {
            let spec = PerturbSpec::new([Perturbation { kind, severity }]).unwrap();
            check_spec(&spec, 1..4);
        }
    }
}

#[test]
fn no_observation_reveals_everything_at_once() {
    let all = PerturbSpec::new(Kind::ALL.map(|kind| Perturbation { kind, severity: 3 })).unwrap();
    check_spec(&all, 1..9);
    // Renamed selectors at severity 2 (hashed ids) beside every inserting kind.
    let hashed = PerturbSpec::new(Kind::ALL.map(|kind| Perturbation {
        kind,
        severity: if kind == Kind::RenameSelectors { 2 } else { 3 },
    }))
    .unwrap();
    check_spec(&hashed, 1..5);
}

/// The check itself can fail: an element whose selector says what it is
/// (as the engine's old `wobble:dismiss` ids did) is caught.
#[test]
fn the_marker_check_catches_a_planted_marker() {
    let site = builtin::load_builtin("click-button").unwrap();
    let mut planted = (*site).clone();
    for elem in &mut planted.elems {
        if elem.role == wobble_engine::Role::Button {
            elem.dom_id = Some("wobble:dismiss".into());
        }
    }
    let mut env = Env::new(std::sync::Arc::new(planted), 0, EnvConfig::default()).unwrap();
    env.reset(1);
    let e = check_step(&env, "planted").unwrap_err();
    assert!(e.contains("\"wobble\""), "{e}");
    let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
    env.reset(1);
    check_step(&env, "clean").unwrap();
}

/// `rename-selectors` changes what agents see: the selector ids in the
/// observation differ from the unperturbed ones.
#[test]
fn renamed_selectors_reach_the_observation() {
    let site = builtin::load_builtin("airline").unwrap();
    let mut plain = Env::new(site.clone(), 0, EnvConfig::default()).unwrap();
    let mut renamed = Env::new(site, 0, EnvConfig::default()).unwrap();
    renamed.set_perturbations("rename-selectors:2".parse().unwrap());
    plain.reset(5);
    renamed.reset(5);
    let selectors = |env: &Env| -> Vec<Option<String>> {
        protocol::observation(env)
            .elements
            .into_iter()
            .map(|e| e.selector)
            .collect()
    };
    let (a, b) = (selectors(&plain), selectors(&renamed));
    assert_eq!(a.len(), b.len());
    assert!(a.iter().zip(&b).any(|(x, y)| x.is_some() && x != y));
    assert!(b.iter().flatten().all(|s| !a.contains(&Some(s.clone()))));
}
