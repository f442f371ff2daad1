//! What the screen tests share: the digest lines of screens painted along
//! random rollouts, compared natively (`screens.rs`, against the golden file)
//! and on wasm32 (`wasm_screens.rs`).

use wobble_engine::catalog::{open, Catalog, Source};
use wobble_engine::rng::Rng;
use wobble_engine::Action;
use wobble_screen::{Painter, Scene, Screen, View};

/// Specs whose screens are digested: unperturbed, every severity of the
/// kinds that change what pixels show, and a pop-up over the page.
pub const SPECS: [&str; 9] = [
    "",
    "font:1",
    "font:2",
    "font:3",
    "move:3",
    "restyle:2",
    "restyle:3",
    "popup:2",
    "relabel:3",
];

/// One line per site, spec and seed: the digests of the screens (the window
/// at scale 0.5) after reset and after each of up to 8 random candidate actions.
pub fn digest_lines() -> String {
    let mut out = String::new();
    let mut painter = Painter::new();
    let mut screen = Screen::default();
    for name in Catalog::shipped().names() {
        for spec in SPECS {
            let perturb = (!spec.is_empty()).then_some(spec);
            let Ok(mut env) = open(Source::Named(&name), None, perturb) else {
                continue;
            };
            for seed in 0..2u64 {
                let mut rng = Rng::new(seed.wrapping_mul(97).wrapping_add(5));
                env.reset(seed);
                let mut line =
                    format!("{name} {} {seed}", if spec.is_empty() { "-" } else { spec });
                for step in 0..=8 {
                    if step > 0 {
                        if env.is_done() {
                            break;
                        }
                        let c = env.candidates();
                        let action = if c.is_empty() {
                            Action::Finish
                        } else {
                            c[rng.below(c.len() as u64) as usize].clone()
                        };
                        env.step(&action).expect("candidate actions are legal");
                    }
                    painter.paint(&Scene::of(&env), View::window(&env, 0.5), &mut screen);
                    line.push_str(&format!(" {:016x}", screen.digest()));
                }
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}
