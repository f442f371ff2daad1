//! `move` moves the task's primary action clearly elsewhere, at every
//! severity, on every shipped site: laid out for real, on every page the
//! oracle visits, the primary action's centre is at least
//! [`MOVE_MIN_DISTANCE`] from where the unperturbed episode of the same seed
//! draws it, and a click at its old centre misses it. Measured when the page
//! first shows and when the oracle clicks it. (A site without a primary
//! button, such as click-button, whose buttons are the words to pick, has
//! nothing to measure here.)

use std::collections::BTreeMap;
use wobble_engine::perturb::{Kind, PerturbSpec, Perturbation, MOVE_MIN_DISTANCE};
use wobble_engine::site::Role;
use wobble_engine::{builtin, Action, Env, EnvConfig, Rect};
use wobble_policy::{OraclePolicy, Policy};

const SEEDS: u64 = 100;

/// Pages whose primary action cannot be moved clearly at some severity, and
/// why: (site, page, severity, reason). Empty: every shipped page's can.
const EXEMPT: &[(&str, &str, u8, &str)] = &[];

/// Where the primary actions were seen over one oracle episode, by (page, key).
#[derive(Default)]
struct Seen {
    /// When the page first showed it.
    first: BTreeMap<(String, String), Rect>,
    /// When the oracle clicked it.
    clicked: BTreeMap<(String, String), Rect>,
    success: bool,
}

/// Whether a node is a primary action of a page (not of a dialog).
fn is_primary_action(env: &Env, id: u32) -> bool {
    let n = &env.nodes()[id as usize];
    n.role == Role::Button
        && n.primary
        && !env
            .site()
            .pages
            .get(n.page as usize)
            .is_some_and(|p| p.is_dialog)
}

fn watch(env: &mut Env, seed: u64) -> Seen {
    let mut seen = Seen::default();
    let mut oracle = OraclePolicy::default();
    env.reset(seed);
    oracle.begin_episode(env);
    loop {
        let page = env.page_id().to_string();
        for id in env.visible_nodes() {
            if is_primary_action(env, id) {
                let n = &env.nodes()[id as usize];
                seen.first
                    .entry((page.clone(), n.key.clone()))
                    .or_insert(env.bbox(id));
            }
        }
        let action = oracle.act(env);
        if let Action::Click(id) = action {
            if is_primary_action(env, id) {
                let n = &env.nodes()[id as usize];
                seen.clicked
                    .entry((page.clone(), n.key.clone()))
                    .or_insert(env.bbox(id));
            }
        }
        match env.step(&action) {
            Ok(r) if !(r.terminated || r.truncated) => {}
            _ => break,
        }
    }
    seen.success = env.outcome().is_some_and(|o| o.success);
    seen
}

/// How far a box moved: the distance between centres, or 0 when the new
/// box still holds the old centre (a click there would still hit it).
fn moved_by(before: &Rect, after: &Rect) -> f32 {
    let (bx, by) = before.center();
    let (ax, ay) = after.center();
    if after.contains(bx, by) {
        0.0
    } else {
        ((ax - bx).powi(2) + (ay - by).powi(2)).sqrt()
    }
}

/// Moves shorter than promised on one page at one severity.
struct Shortfall {
    count: usize,
    least: f32,
    seed: u64,
    what: String,
}

#[test]
fn move_takes_the_primary_action_clearly_elsewhere_at_every_severity() {
    let mut failures: BTreeMap<(String, String, u8), Shortfall> = BTreeMap::new();
    // Every distance measured outside the exemptions, by severity.
    let mut distances: [Vec<f32>; 3] = Default::default();
    let mut used_exemptions = Vec::new();
    for site in builtin::load_all().unwrap() {
        for task in 0..site.tasks.len() {
            let mut env = Env::new(site.clone(), task, EnvConfig::default()).unwrap();
            for severity in 1..=3u8 {
                let spec = PerturbSpec::new([Perturbation {
                    kind: Kind::Move,
                    severity,
                }])
                .unwrap();
                for seed in 1..=SEEDS {
                    env.set_perturbations(PerturbSpec::none());
                    let plain = watch(&mut env, seed);
                    env.set_perturbations(spec.clone());
                    let perturbed = watch(&mut env, seed);
                    assert!(
                        plain.success && perturbed.success,
                        "{} seed {seed}",
                        site.name
                    );
                    for (when, before, after) in [
                        ("first shown", &plain.first, &perturbed.first),
                        ("clicked", &plain.clicked, &perturbed.clicked),
                    ] {
                        for ((page, key), b) in before {
                            let Some(a) = after.get(&(page.clone(), key.clone())) else {
                                panic!(
                                    "{}: the oracle saw {key} on page {page} unperturbed but not under move:{severity} (seed {seed}, {when})",
                                    site.name
                                );
                            };
                            let d = moved_by(b, a);
                            if let Some(e) = EXEMPT
                                .iter()
                                .find(|e| e.0 == site.name && e.1 == page && e.2 == severity)
                            {
                                used_exemptions.push(*e);
                                continue;
                            }
                            distances[usize::from(severity - 1)].push(d);
                            if d >= MOVE_MIN_DISTANCE {
                                continue;
                            }
                            let short = failures
                                .entry((site.name.clone(), page.clone(), severity))
                                .or_insert(Shortfall {
                                    count: 0,
                                    least: f32::INFINITY,
                                    seed,
                                    what: String::new(),
                                });
                            short.count += 1;
                            if d < short.least {
                                short.least = d;
                                short.seed = seed;
                                short.what = format!(
                                    "{key} {when}: {b:?} -> {a:?}; {:?}",
                                    env.changes().iter().map(|c| &c.text).collect::<Vec<_>>()
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    for (i, d) in distances.iter_mut().enumerate() {
        d.sort_by(f32::total_cmp);
        eprintln!(
            "move:{}: {} primary-action boxes measured; shortest move {:.1} px, median {:.1} px",
            i + 1,
            d.len(),
            d.first().copied().unwrap_or(f32::NAN),
            d.get(d.len() / 2).copied().unwrap_or(f32::NAN)
        );
    }
    let report: Vec<String> = failures
        .iter()
        .map(|((site, page, severity), s)| {
            format!(
                "{site} page {page} move:{severity}: {} times, least {:.1} px (seed {}: {})",
                s.count, s.least, s.seed, s.what
            )
        })
        .collect();
    assert!(
        report.is_empty(),
        "the primary action moved less than {MOVE_MIN_DISTANCE} px (or still covers its old centre):\n{}",
        report.join("\n")
    );
    for e in EXEMPT {
        assert!(
            used_exemptions.contains(e),
            "exemption {e:?} is no longer needed; remove it"
        );
    }
}
