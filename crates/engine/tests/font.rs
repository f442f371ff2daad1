//! `font` changes what an article about brittle web agents means by "the
//! airline changes its font": the family, the size and the weight, each
//! severity as its description says, and with them the widths and line
//! heights the layout gives every text.

use std::collections::BTreeSet;
use std::sync::Arc;
use wobble_engine::perturb::{Kind, PerturbSpec, Perturbation};
use wobble_engine::render::page_svg;
use wobble_engine::text::Face;
use wobble_engine::{builtin, Env, EnvConfig, Role};

const SEEDS: u64 = 40;

fn font(severity: u8) -> PerturbSpec {
    PerturbSpec::new([Perturbation {
        kind: Kind::Font,
        severity,
    }])
    .unwrap()
}

/// (key, width, height) of every keyed node on screen.
fn boxes(env: &Env) -> Vec<(String, f32, f32)> {
    env.visible_nodes_with_ids()
        .filter(|(_, n)| !n.key.is_empty())
        .map(|(i, n)| {
            let b = env.bbox(i);
            (n.key.clone(), b.w, b.h)
        })
        .collect()
}

#[test]
fn each_severity_changes_family_size_and_weight_as_described() {
    let mut severe_faces = BTreeSet::new();
    for site in builtin::load_all().unwrap() {
        let base = site.theme.clone();
        let mut env = Env::new(site.clone(), 0, EnvConfig::default()).unwrap();
        for seed in 1..=SEEDS {
            env.set_perturbations(PerturbSpec::none());
            env.reset(seed);
            let plain = boxes(&env);
            for severity in 1..=3 {
                env.set_perturbations(font(severity));
                env.reset(seed);
                let theme = &env.site().theme;
                let grew = theme.font_size - base.font_size;
                let what = format!("{} font:{severity} seed {seed}: {theme:?}", site.name);
                match severity {
                    1 => {
                        assert_eq!(theme.font, base.font, "{what}");
                        assert!([1.0, 2.0].contains(&grew.abs()), "{what}");
                        let bold = if base.font_weight >= 600 { 400 } else { 700 };
                        assert_eq!(theme.font_weight, bold, "{what}");
                    }
                    2 => {
                        assert_eq!(Face::of(&theme.font), Face::Serif, "{what}");
                        assert!((1.0..=3.0).contains(&grew), "{what}");
                        assert_eq!(theme.font_weight, base.font_weight, "{what}");
                    }
                    _ => {
                        let face = Face::of(&theme.font);
                        assert!(matches!(face, Face::Mono | Face::Condensed), "{what}");
                        severe_faces.insert(format!("{face:?}"));
                        assert!((2.0..=4.0).contains(&grew), "{what}");
                        assert_eq!(theme.font_weight, 700, "{what}");
                    }
                }
                // The explanation names what changed.
                let change = &env.changes()[0];
                assert!(change.applied, "{what}");
                assert!(
                    change.text.contains(&format!(
                        "size {}px became {}px",
                        base.font_size, theme.font_size
                    )),
                    "{what}: {}",
                    change.text
                );
                assert_eq!(
                    change.text.contains("weight"),
                    theme.font_weight != base.font_weight,
                    "{what}: {}",
                    change.text
                );
                assert_eq!(
                    change.text.contains("family"),
                    theme.font != base.font,
                    "{what}: {}",
                    change.text
                );
                // And the layout gives the page's texts other boxes.
                let perturbed = boxes(&env);
                assert_ne!(plain, perturbed, "{what}: no box changed");
                // The drawing says the weight too.
                let svg = page_svg(&env);
                assert_eq!(
                    svg.lines()
                        .next()
                        .unwrap()
                        .contains(&format!("font-weight=\"{}\"", theme.font_weight)),
                    theme.font_weight != 400,
                    "{what}"
                );
            }
        }
    }
    assert_eq!(
        severe_faces.len(),
        2,
        "font:3 draws both a monospace and a condensed face: {severe_faces:?}"
    );
}

#[test]
fn a_bold_theme_lays_out_wider_text() {
    let site = builtin::load_builtin("airline").unwrap();
    let mut bold_site = (*site).clone();
    bold_site.theme.font_weight = 700;
    let mut regular = Env::new(site, 0, EnvConfig::default()).unwrap();
    let mut bold = Env::new(Arc::new(bold_site), 0, EnvConfig::default()).unwrap();
    regular.reset(3);
    bold.reset(3);
    let width_of = |env: &Env, role: Role| -> Vec<(String, f32)> {
        env.visible_nodes_with_ids()
            .filter(|(_, n)| n.role == role)
            .map(|(i, n)| (n.label.clone(), env.bbox(i).w))
            .collect()
    };
    // Links and muted text are drawn regular in a regular theme: bold, they
    // take more room. Buttons are bold in both, so they keep their width.
    let (a, b) = (width_of(&regular, Role::Text), width_of(&bold, Role::Text));
    assert_eq!(a.len(), b.len());
    assert!(!a.is_empty());
    for ((label, wa), (_, wb)) in a.iter().zip(&b) {
        assert!(wb > wa, "'{label}' is {wa} px regular and {wb} px bold");
    }
    assert_eq!(
        width_of(&regular, Role::Button),
        width_of(&bold, Role::Button)
    );
    let svg = page_svg(&bold);
    assert!(svg.lines().next().unwrap().contains("font-weight=\"700\""));
}
