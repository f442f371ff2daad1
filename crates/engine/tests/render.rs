//! The SVG drawing (`render::page_svg`): golden drawings of a few sites under
//! perturbations, each with the changes the perturbations made, compared byte
//! for byte (regenerated with `cargo xtask bless`, which sets WOBBLE_BLESS=1);
//! and, over every site and kind, drawings that are well-formed XML, show
//! every visible label and value, and refer to nothing outside themselves.
//! Native only: the golden files are read from disk.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};
use wobble_engine::perturb::{Kind, PerturbSpec};
use wobble_engine::render::page_svg;
use wobble_engine::rng::Rng;
use wobble_engine::{builtin, Action, Env, EnvConfig, Role, TypeText};
use wobble_testkit::golden_file;

/// Where this file's golden drawings live.
fn golden_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/render")
        .join(name)
}

/// A step taken before drawing, naming elements by key as a recipe does.
enum Do {
    /// Type a goal field (by name) into the element with this key.
    Type(&'static str, &'static str),
    /// Click the element with this key.
    Click(&'static str),
}

/// One golden drawing: a site at a seed under a spec, after some steps.
struct Case {
    name: &'static str,
    site: &'static str,
    seed: u64,
    spec: &'static str,
    steps: &'static [Do],
}

const SIGN_IN: &[Do] = &[
    Do::Type("login_username", "username"),
    Do::Type("login_password", "password"),
    Do::Click("sign_in"),
];

/// Seed 3 of the airline is one where `move:2` moves the search button on the start page.
const CASES: &[Case] = &[
    Case {
        name: "airline-search",
        site: "airline",
        seed: 3,
        spec: "",
        steps: &[],
    },
    Case {
        name: "airline-search-relabel-2",
        site: "airline",
        seed: 3,
        spec: "relabel:2",
        steps: &[],
    },
    Case {
        name: "airline-search-move-2",
        site: "airline",
        seed: 3,
        spec: "move:2",
        steps: &[],
    },
    Case {
        name: "airline-search-popup-1",
        site: "airline",
        seed: 3,
        spec: "popup:1",
        steps: &[],
    },
    Case {
        name: "airline-search-popup-2",
        site: "airline",
        seed: 3,
        spec: "popup:2",
        steps: &[],
    },
    Case {
        name: "airline-search-font-3",
        site: "airline",
        seed: 3,
        spec: "font:3",
        steps: &[],
    },
    Case {
        name: "airline-search-restyle-3",
        site: "airline",
        seed: 3,
        spec: "restyle:3",
        steps: &[],
    },
    Case {
        name: "bank-overview-number-format-3",
        site: "bank",
        seed: 1,
        spec: "number-format:3",
        steps: SIGN_IN,
    },
    Case {
        name: "click-button-distractors-3",
        site: "click-button",
        seed: 1,
        spec: "distractors:3",
        steps: &[],
    },
    Case {
        name: "click-checkboxes-ticked",
        site: "click-checkboxes",
        seed: 2,
        spec: "",
        steps: &[Do::Click("box")],
    },
    Case {
        name: "login-user-typed",
        site: "login-user",
        seed: 2,
        spec: "",
        steps: &[
            Do::Type("username", "username"),
            Do::Type("password", "password"),
        ],
    },
];

fn env_for(site: &str, spec: &str) -> Env {
    let site = builtin::load_builtin(site).expect("shipped site");
    let mut env = Env::new(site, 0, EnvConfig::default()).expect("first task");
    env.set_perturbations(spec.parse::<PerturbSpec>().expect("valid spec"));
    env
}

/// The usable node with this key on screen now.
fn usable(env: &Env, key: &str) -> u32 {
    env.visible_nodes()
        .find(|&i| env.is_usable(i) && env.nodes()[i as usize].base_key == key)
        .unwrap_or_else(|| panic!("no usable element keyed {key:?}"))
}

fn play(env: &mut Env, steps: &[Do]) {
    for step in steps {
        let action = match step {
            Do::Click(key) => Action::Click(usable(env, key)),
            Do::Type(key, field) => {
                let g = env
                    .goal_fields()
                    .find(|(_, name, _)| name == field)
                    .map(|(g, _, _)| g)
                    .unwrap_or_else(|| panic!("no visible goal field {field:?}"));
                Action::Type(usable(env, key), TypeText::Goal(g))
            }
        };
        env.step(&action).expect("a legal step");
    }
}

fn draw(case: &Case) -> (Env, String) {
    let mut env = env_for(case.site, case.spec);
    env.reset(case.seed);
    play(&mut env, case.steps);
    let svg = page_svg(&env);
    (env, svg)
}

#[test]
fn drawings_and_changes_match_the_golden_files() {
    for case in CASES {
        let (env, svg) = draw(case);
        golden_file(golden_path(&format!("{}.svg", case.name)), &svg);
        let changes = serde_json::to_string_pretty(env.changes()).unwrap() + "\n";
        golden_file(
            golden_path(&format!("{}.changes.json", case.name)),
            &changes,
        );
    }
}

#[test]
fn the_golden_cases_show_what_they_are_named_after() {
    let find = |name: &str| {
        let case = CASES.iter().find(|c| c.name == name).unwrap();
        let (env, svg) = draw(case);
        (env, svg)
    };
    let (_, plain) = find("airline-search");
    let (env, relabelled) = find("airline-search-relabel-2");
    let renamed = env
        .changes()
        .iter()
        .find(|c| c.page.as_deref() == Some("search"))
        .expect("seed 3 relabels something on the search page");
    assert!(renamed.applied);
    assert_ne!(plain, relabelled);
    let (_, moved) = find("airline-search-move-2");
    assert_ne!(plain, moved);
    let (_, modal) = find("airline-search-popup-2");
    assert!(
        modal.contains("class=\"backdrop\""),
        "a modal has a backdrop"
    );
    let (_, bar) = find("airline-search-popup-1");
    assert!(bar.contains("data-role=\"dialog\""));
    assert!(!bar.contains("class=\"backdrop\""), "a bottom bar has none");
    let (env, refaced) = find("airline-search-font-3");
    let theme = &env.site().theme;
    assert_ne!(theme.font, env.base_site().theme.font);
    assert!(refaced.contains(&format!(
        "font-family=\"{}\" font-size=\"{}\" font-weight=\"700\"",
        theme.font, theme.font_size
    )));
    let (env, dark) = find("airline-search-restyle-3");
    assert!(dark.contains(&format!("fill=\"{}\"", env.site().theme.background)));
    assert_ne!(
        env.site().theme.background,
        env.base_site().theme.background
    );
    let (env, bank) = find("bank-overview-number-format-3");
    assert_eq!(env.page_id(), "overview");
    assert!(
        bank.contains(" $</text>"),
        "amounts written like 1.234,50 $"
    );
    let (_, ticked) = find("click-checkboxes-ticked");
    assert_eq!(ticked.matches("<path").count(), 1, "one tick mark");
    let (_, typed) = find("login-user-typed");
    assert!(typed.contains('•'), "a typed password is drawn as dots");
}

// ----- well-formedness and content, over every site and kind -----------------------------------

/// Checks that `svg` is well-formed XML as far as this drawing goes: balanced,
/// properly nested tags, quoted attributes, escaped text. Returns the text
/// content, unescaped, with every tag replaced by a space.
fn check_xml(svg: &str) -> Result<String, String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut text = String::new();
    let mut rest = svg;
    let mut roots = 0;
    while let Some(open) = rest.find('<') {
        text.push_str(&unescape(&rest[..open])?);
        text.push(' ');
        let close = rest[open..]
            .find('>')
            .ok_or("a tag is never closed with '>'")?
            + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if tag.matches('"').count() & 1 == 1 {
            return Err(format!("unbalanced quotes in <{tag}>"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(top) if top == name.trim() => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!("bad tag <{tag}>"));
        }
        if stack.is_empty() {
            roots += 1;
        }
        if !tag.ends_with('/') {
            stack.push(name);
        }
    }
    text.push_str(&unescape(rest)?);
    if !stack.is_empty() {
        return Err(format!("unclosed tags: {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(text)
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let end = rest[amp..]
            .find(';')
            .ok_or_else(|| format!("bare '&' in {s:?}"))?
            + amp;
        out.push(match &rest[amp + 1..end] {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            other => return Err(format!("unknown entity &{other};")),
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    if out.contains('<') {
        return Err("raw '<' in text".into());
    }
    Ok(out)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The drawing of the element with this role and key (its `<g>`, which holds no other group).
fn group<'a>(svg: &'a str, role: Role, key: &str) -> &'a str {
    let start = format!("<g data-role=\"{}\" data-key=\"{key}\"", role.name());
    let at = svg
        .find(&start)
        .unwrap_or_else(|| panic!("{key} is not drawn"));
    let end = svg[at..].find("</g>").unwrap() + at + 4;
    &svg[at..end]
}

/// Checks one drawing of `env`; `what` names it in failures.
fn check_drawing(env: &Env, what: &str) {
    let svg = page_svg(env);
    assert_eq!(svg, page_svg(env), "{what}: drawing twice differs");
    let text = collapse(&check_xml(&svg).unwrap_or_else(|e| panic!("{what}: {e}\n{svg}")));
    // Self-contained: the namespace is the only address, and nothing is linked.
    assert_eq!(
        svg.matches("http").count(),
        1,
        "{what}: an external address"
    );
    assert!(!svg.contains("href"), "{what}: a link to something");
    assert!(!svg.contains("<script"), "{what}: a script");
    for id in env.visible_nodes() {
        let n = &env.nodes()[id as usize];
        let shows_label = matches!(
            n.role,
            Role::Banner
                | Role::Heading
                | Role::Text
                | Role::Alert
                | Role::Label
                | Role::Button
                | Role::Link
                | Role::Checkbox
                | Role::Radio
                | Role::RadioGroup
                | Role::Dialog
        );
        if shows_label {
            let label = collapse(&n.label);
            assert!(
                text.contains(&label),
                "{what}: the {} {label:?} is not drawn\n{svg}",
                n.role.name()
            );
        }
        // A field shows its value, or as much of it as fits (a password as dots).
        if n.role.is_text_entry() || n.role == Role::Select {
            let value = env.value(id);
            let drawn = collapse(&check_xml(group(&svg, n.role, &n.key)).unwrap());
            let expected = if n.role == Role::Password {
                "•".repeat(value.chars().count())
            } else {
                collapse(value)
            };
            if value.is_empty() {
                continue;
            }
            assert!(
                !drawn.is_empty() && expected.starts_with(&drawn),
                "{what}: {} shows {drawn:?} for {value:?}",
                n.key
            );
        }
    }
}

#[test]
fn every_drawing_is_well_formed_and_shows_every_visible_label() {
    let mut specs: Vec<String> = vec![String::new()];
    specs.extend(Kind::ALL.iter().map(|k| format!("{k}:3")));
    specs.push("font:3,restyle:3,popup:1,distractors:3,relabel:3".into());
    for (site, task) in common::site_tasks() {
        let mut env = common::env(&site, task);
        for spec in &specs {
            env.set_perturbations(spec.parse().unwrap());
            for seed in 0..3u64 {
                env.reset(seed);
                let what = format!("{} seed {seed} perturb {spec:?}", site.name);
                check_drawing(&env, &format!("{what} at reset"));
                // Then along a random episode, so that values, ticks, errors and dialogs show.
                let mut rng = Rng::new(seed ^ 0x5eed);
                let mut step = 0;
                while !env.is_done() && step < 25 {
                    let c = env.candidates();
                    let action = if c.is_empty() {
                        Action::Finish
                    } else {
                        c[rng.below(c.len() as u64) as usize].clone()
                    };
                    env.step(&action).unwrap();
                    step += 1;
                    check_drawing(&env, &format!("{what} after {step} steps"));
                }
            }
        }
    }
}

#[test]
fn the_checker_catches_broken_xml() {
    assert!(check_xml("<svg><g></svg>").is_err());
    assert!(check_xml("<svg><g/></svg><svg/>").is_err());
    assert!(check_xml("<svg>a & b</svg>").is_err());
    assert!(check_xml("<svg x=\"1></svg>").is_err());
    assert_eq!(
        check_xml("<svg><text>a &amp; b</text></svg>").map(|t| collapse(&t)),
        Ok("a & b".to_string())
    );
}

#[test]
fn nothing_is_drawn_before_the_first_reset_but_the_empty_page() {
    let env = env_for("airline", "");
    let svg = page_svg(&env);
    check_xml(&svg).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
}
