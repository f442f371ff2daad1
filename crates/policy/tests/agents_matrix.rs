//! The brittleness matrix: three agents that perceive the airline
//! differently, swept over the same grid on the same unseen seeds. The reader
//! (`policies/airline.json`) reads the page's text; the screen agent
//! (`policies/airline-screen.json`) only its pixels, and a second one
//! (`policies/airline-screen-randomized.json`) was trained with a new font or
//! moved buttons in half its episodes each; the script replays one recorded
//! episode by selector ids and points. `docs/sweeps/agents.csv` is
//! what `wobble sweep --agents ...` (the command in the README) writes, and
//! the README's matrix is written from the same run by `cargo xtask bless`
//! (WOBBLE_BLESS=1); a stale file or table fails.
#![cfg(not(target_arch = "wasm32"))]

use wobble_engine::perturb::Kind;
use wobble_engine::{builtin, Env, EnvConfig};
use wobble_policy::matrix::MakePolicy;
use wobble_policy::{sweep_agents, LearnedPolicy, Policy, ScriptPolicy, EVALUATION_SEEDS_START};
use wobble_testkit::{generated_block, golden_file, root};

/// Episodes per cell.
const EPISODES: u64 = 100;
/// The kinds whose every severity the matrix shows.
const KINDS: [Kind; 4] = [Kind::Font, Kind::Move, Kind::Relabel, Kind::RenameSelectors];

fn learned(file: &str) -> LearnedPolicy {
    let text = std::fs::read_to_string(root().join("policies").join(file)).unwrap();
    LearnedPolicy::from_json(&text).unwrap()
}

#[test]
fn the_agents_matrix_and_its_readme_table_are_fresh() {
    let site = builtin::load_builtin("airline").unwrap();
    let make_env = || Env::new(site.clone(), 0, EnvConfig::default()).unwrap();
    let (reader, screen) = (learned("airline.json"), learned("airline-screen.json"));
    let randomized = learned("airline-screen-randomized.json");
    let make_reader = || Box::new(reader.clone()) as Box<dyn Policy>;
    let make_screen = || Box::new(screen.clone()) as Box<dyn Policy>;
    let make_randomized = || Box::new(randomized.clone()) as Box<dyn Policy>;
    let make_script = || Box::new(ScriptPolicy::new()) as Box<dyn Policy>;
    let agents: [(&str, &str, MakePolicy<'_>); 4] = [
        ("reader", "policies/airline.json", &make_reader),
        ("screen", "policies/airline-screen.json", &make_screen),
        (
            "screen-randomized",
            "policies/airline-screen-randomized.json",
            &make_randomized,
        ),
        ("script", "script", &make_script),
    ];
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let matrix = sweep_agents(
        &make_env,
        &agents,
        EPISODES,
        EVALUATION_SEEDS_START,
        &KINDS,
        threads,
    );
    golden_file(root().join("docs/sweeps/agents.csv"), &matrix.csv());

    let mut table = format!(
        "| airline, success over {EPISODES} unseen seeds [95% interval] | reader (reads text) | screen (sees pixels) | screen, trained with `font:3@0.5,move:3@0.5` | script (replays ids and points) |\n| --- | ---: | ---: | ---: | ---: |\n"
    );
    let first = &matrix.agents[0].report;
    for cell in std::iter::once(&first.baseline).chain(&first.cells) {
        let name = if cell.severity == 0 {
            "unperturbed".to_string()
        } else {
            format!("`{}:{}`", cell.kind, cell.severity)
        };
        table.push_str(&format!("| {name} |"));
        for a in &matrix.agents {
            let c = std::iter::once(&a.report.baseline)
                .chain(&a.report.cells)
                .find(|c| c.kind == cell.kind && c.severity == cell.severity)
                .unwrap();
            table.push_str(&format!(
                " {:.0}% [{:.0}–{:.0}] |",
                c.success_rate * 100.0,
                c.ci95.low * 100.0,
                c.ci95.high * 100.0
            ));
        }
        table.push('\n');
    }
    generated_block("README.md", "agents-matrix", &table);
}
