//! Native steps per second of what the Python package steps: one rl-mode
//! environment and a batch of 64 (on 1 and 2 threads), uniformly random legal
//! candidates, features computed every step: the Rust side of
//! `python/benchmarks/steps.py`, to tell the binding's cost from the work's.
//!
//! ```sh
//! cargo run --release -p wobble-gym --example steps -- [SITE] [SECONDS] [--json]
//! ```
//!
//! `--json` prints one object with the keys `python/benchmarks/steps.py --json`
//! uses for the same measurements (`rl_single`, `batch64_1thread`, `batch64_2threads`).

use std::time::Instant;
use wobble_engine::catalog::Source;
use wobble_engine::rng::Rng;
use wobble_gym::{GymEnv, Mode, Pool};

fn main() -> Result<(), String> {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let json = all.iter().any(|a| a == "--json");
    let mut args = all.iter().filter(|a| *a != "--json");
    let site = args.next().cloned().unwrap_or_else(|| "airline".into());
    let seconds: f64 = args
        .next()
        .map_or(Ok(2.0), |s| s.parse().map_err(|e| format!("SECONDS: {e}")))?;
    let mut rates: Vec<(String, f64)> = Vec::new();
    let mut env = GymEnv::open(Source::Named(&site), None, None, Mode::Rl)?;
    let mut rng = Rng::new(1);

    env.reset(1);
    let (mut steps, start) = (0u64, Instant::now());
    while start.elapsed().as_secs_f64() < seconds {
        let pick = (rng.next_u64() % env.legal().max(1) as u64) as i64;
        let s = env.step_index(pick).map_err(|e| e.to_string())?;
        if s.terminated || s.truncated {
            env.reset(rng.next_u64() >> 1);
        }
        steps += 1;
    }
    rates.push((
        "rl_single".into(),
        steps as f64 / start.elapsed().as_secs_f64(),
    ));

    for threads in [1, 2] {
        let n = 64;
        let mut pool = Pool::new(&env.recipe(), n, threads)?;
        pool.reset(1)?;
        let max = pool.max_candidates();
        let mut actions = vec![0i64; n];
        let (mut steps, start) = (0u64, Instant::now());
        while start.elapsed().as_secs_f64() < seconds {
            {
                let frames = pool.frames()?;
                let masks = frames.iter().flat_map(|f| f.mask.chunks(max));
                for (a, mask) in actions.iter_mut().zip(masks) {
                    let legal = mask.iter().filter(|&&m| m == 1).count().max(1);
                    *a = (rng.next_u64() % legal as u64) as i64;
                }
            }
            pool.step(&actions).map_err(|e| format!("{e:?}"))?;
            steps += n as u64;
        }
        let name = format!(
            "batch64_{threads}thread{}",
            if threads == 1 { "" } else { "s" }
        );
        rates.push((name, steps as f64 / start.elapsed().as_secs_f64()));
    }
    if json {
        let fields: Vec<String> = rates
            .iter()
            .map(|(k, v)| format!("\"{k}\":{v:.1}"))
            .collect();
        println!("{{\"site\":\"{site}\",{}}}", fields.join(","));
    } else {
        for (name, rate) in &rates {
            println!("native_{name:<20} {rate:>12.0} steps/s");
        }
    }
    Ok(())
}
