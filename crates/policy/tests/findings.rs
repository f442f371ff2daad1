//! The README's findings are written from runs, not typed: its brittleness
//! table comes from the sweeps in `docs/sweeps/*.csv` (which
//! `learning.rs::the_readme_sweeps_are_fresh` keeps equal to what the sweep
//! command prints for the shipped policies), and its held-out airline table
//! from evaluations run here. `cargo xtask bless` (WOBBLE_BLESS=1) rewrites
//! the blocks between their `<!-- NAME:begin -->` and `<!-- NAME:end -->`
//! markers; otherwise a stale block fails, naming the command.

use wobble_engine::{builtin, Env, EnvConfig};
use wobble_policy::{evaluate, LearnedPolicy, RandomPolicy, EVALUATION_SEEDS_START};
use wobble_testkit::{generated_block, root};

/// One row of a sweep CSV.
struct Cell {
    kind: String,
    severity: u8,
    episodes: u64,
    successes: u64,
    low: f64,
    high: f64,
}

fn sweep_csv(name: &str) -> Vec<Cell> {
    let text = std::fs::read_to_string(root().join(format!("docs/sweeps/{name}.csv"))).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            Cell {
                kind: f[0].to_string(),
                severity: f[1].parse().unwrap(),
                episodes: f[2].parse().unwrap(),
                successes: f[3].parse().unwrap(),
                low: f[5].parse().unwrap(),
                high: f[6].parse().unwrap(),
            }
        })
        .collect()
}

/// `99.5% [97.2–99.9]`.
fn shown(c: &Cell) -> String {
    format!(
        "{:.1}% [{:.1}–{:.1}]",
        c.successes as f64 * 100.0 / c.episodes.max(1) as f64,
        c.low * 100.0,
        c.high * 100.0
    )
}

/// The kinds the randomized policy drew in training (policies/README.md).
const RANDOMIZED_ON: [&str; 4] = ["relabel", "lazy", "popup", "move"];

/// The README's brittleness table: every cell the sweeps measured for the
/// kinds the text discusses, both policies side by side.
#[test]
fn the_readme_brittleness_table_is_written_from_the_sweeps() {
    let plain = sweep_csv("airline");
    let randomized = sweep_csv("airline-randomized");
    let rows: [(&str, u8); 17] = [
        ("none", 0),
        ("move", 3),
        ("reorder", 3),
        ("relabel", 1),
        ("relabel", 2),
        ("relabel", 3),
        ("popup", 1),
        ("popup", 3),
        ("lazy", 2),
        ("lazy", 3),
        ("restyle", 3),
        ("font", 3),
        ("rename-selectors", 3),
        ("paraphrase", 3),
        ("number-format", 2),
        ("distractors", 3),
        ("extra-step", 3),
    ];
    let episodes = plain.first().map_or(0, |c| c.episodes);
    let mut table = format!(
        "| airline, success over {episodes} unseen seeds [95% interval] | trained unperturbed | trained with randomization |\n| --- | ---: | ---: |\n"
    );
    for (kind, severity) in rows {
        let find = |cells: &[Cell]| {
            cells
                .iter()
                .find(|c| c.kind == kind && c.severity == severity)
                .map(shown)
                .unwrap_or_else(|| panic!("the sweep has no {kind}:{severity}"))
        };
        let name = if kind == "none" {
            "unperturbed".to_string()
        } else if RANDOMIZED_ON.contains(&kind) {
            format!("`{kind}:{severity}`")
        } else {
            format!("*held out:* `{kind}:{severity}`")
        };
        table.push_str(&format!(
            "| {name} | {} | {} |\n",
            find(&plain),
            find(&randomized)
        ));
    }
    generated_block("README.md", "brittleness-table", &table);
}

/// The README's held-out airline table: the shipped airline policies on
/// SkyWays and on Aurora Airways (a site none was trained on), a policy
/// trained the same way on Aurora, and a random clicker, all on unseen seeds.
#[test]
fn the_readme_held_out_table_is_measured() {
    const EPISODES: u64 = 200;
    let on = |site: &str, policy: &mut dyn wobble_policy::Policy| {
        let mut env = Env::new(
            builtin::load_builtin(site).unwrap(),
            0,
            EnvConfig::default(),
        )
        .unwrap();
        let r = evaluate(&mut env, policy, EPISODES, EVALUATION_SEEDS_START);
        format!(
            "{:.1}% [{:.1}–{:.1}]",
            r.success_rate * 100.0,
            r.ci95.low * 100.0,
            r.ci95.high * 100.0
        )
    };
    let mut table = format!(
        "| policy, success over {EPISODES} unseen seeds [95% interval] | on SkyWays (`airline`) | on Aurora (`aurora`) |\n| --- | ---: | ---: |\n"
    );
    for (file, what) in [
        ("airline.json", "trained on SkyWays"),
        (
            "airline-randomized.json",
            "SkyWays, randomized perturbations",
        ),
    ] {
        let text = std::fs::read_to_string(root().join("policies").join(file)).unwrap();
        let mut policy = LearnedPolicy::from_json(&text).unwrap();
        table.push_str(&format!(
            "| `policies/{file}` ({what}) | {} | {} |\n",
            on("airline", &mut policy),
            on("aurora", &mut policy)
        ));
    }
    let mut aurora = LearnedPolicy::from_json(
        &std::fs::read_to_string(root().join("policies/aurora.json")).unwrap(),
    )
    .unwrap();
    table.push_str(&format!(
        "| `policies/aurora.json` (trained on Aurora) | {} | {} |\n",
        on("airline", &mut aurora),
        on("aurora", &mut aurora)
    ));
    table.push_str(&format!(
        "| random clicker | {} | {} |\n",
        on("airline", &mut RandomPolicy::new(1)),
        on("aurora", &mut RandomPolicy::new(1))
    ));
    generated_block("README.md", "held-out-table", &table);
}
