//! The screen: golden digests of screens along random rollouts on every site
//! (also compared on wasm32 by `wasm_screens.rs`; regenerated with
//! `cargo xtask bless`), and what a person would check by looking: the size
//! is the window's, every button and field shows ink inside its box, a font
//! change changes the pixels, and a painter's earlier paints leave no trace.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::Path;
use wobble_engine::catalog::{open, Catalog, Source};
use wobble_engine::{Env, Role};
use wobble_screen::{Painter, Scene, Screen, View};
use wobble_testkit::golden_file;

fn start(site: &str, perturb: Option<&str>, seed: u64) -> Env {
    let mut env = open(Source::Named(site), None, perturb).expect("a shipped site opens");
    env.reset(seed);
    env
}

fn paint(env: &Env, scale: f32) -> Screen {
    let mut screen = Screen::default();
    Painter::new().paint(&Scene::of(env), View::window(env, scale), &mut screen);
    screen
}

#[test]
fn screen_digests_match_the_golden_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/digests.txt");
    golden_file(path, &common::digest_lines());
}

#[test]
fn a_screen_is_the_window_at_its_scale() {
    for name in Catalog::shipped().names() {
        let env = start(&name, None, 0);
        let site = env.site();
        for scale in [1.0, 0.5, 0.25] {
            let screen = paint(&env, scale);
            assert_eq!(screen.width, (site.width * scale).round() as u32, "{name}");
            assert_eq!(
                screen.height,
                (site.height * scale).round() as u32,
                "{name}"
            );
            assert_eq!(screen.pixels.len(), (screen.width * screen.height) as usize);
        }
    }
}

#[test]
fn every_button_and_filled_field_shows_ink_inside_its_box() {
    for name in Catalog::shipped().names() {
        let env = start(&name, None, 1);
        let screen = paint(&env, 1.0);
        let top = env.scroll_y();
        for (i, n) in env.visible_nodes_with_ids() {
            let labelled = n.role == Role::Button && !n.label.is_empty();
            let b = env.bbox(i);
            if !labelled || b.y - top + b.h > screen.height as f32 {
                continue;
            }
            let (mut lo, mut hi) = (u8::MAX, u8::MIN);
            for y in (b.y - top + 3.0) as i64..(b.y - top + b.h - 3.0) as i64 {
                for x in (b.x + 3.0) as i64..(b.x + b.w - 3.0) as i64 {
                    let v = screen.get(x, y);
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
            assert!(
                hi - lo > 100,
                "{name}: button {:?} at {b:?} shows no text (pixels {lo}..{hi})",
                n.label
            );
        }
    }
}

#[test]
fn a_font_change_changes_the_pixels() {
    for name in Catalog::shipped().names() {
        let plain = paint(&start(&name, None, 2), 0.5);
        for severity in 1..=3 {
            let spec = format!("font:{severity}");
            let env = start(&name, Some(&spec), 2);
            if !env.changes().iter().any(|c| c.applied) {
                continue;
            }
            let changed = paint(&env, 0.5);
            let differing = plain
                .pixels
                .iter()
                .zip(&changed.pixels)
                .filter(|(a, b)| a.abs_diff(**b) > 32)
                .count();
            assert!(
                differing > 200,
                "{name} under {spec}: only {differing} pixels differ from the unperturbed screen"
            );
        }
    }
}

#[test]
fn a_painter_forgets_what_it_painted_before() {
    let mut painter = Painter::new();
    let mut screen = Screen::default();
    let names = Catalog::shipped().names();
    for name in &names {
        let env = start(name, Some("popup:2,restyle:3"), 4);
        painter.paint(&Scene::of(&env), View::window(&env, 0.5), &mut screen);
    }
    let last = names.last().expect("sites are shipped");
    let env = start(last, Some("popup:2,restyle:3"), 4);
    assert_eq!(screen, paint(&env, 0.5));
}
