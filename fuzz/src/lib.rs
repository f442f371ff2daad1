//! Wobble's fuzz targets: the checks they run and the structured input of
//! the `actions` target.
//!
//! | target           | input                                     | code under test |
//! |------------------|-------------------------------------------|-----------------|
//! | `site_loader`    | bytes as a site file                      | `load_site`, then `Env` reset and steps |
//! | `perturb_spec`   | bytes as a perturbation spec              | `PerturbSpec` parse/print, perturbed reset, number parsing |
//! | `episode_import` | bytes as an episode JSON file             | `EpisodeRecord` parse and replay, live re-play, `check_records` |
//! | `agent_protocol` | bytes as JSON lines                       | `protocol::Driver` on every builtin site |
//! | `policy_import`  | bytes as a policy JSON file               | `LearnedPolicy::from_json`, then acting |
//! | `actions`        | [`ActionsInput`] (from the `arbitrary` crate) | `Env::step` with any action, any perturbation |
//!
//! The checks live in [`checks`] and [`policy`], which depend only on the
//! Wobble crates and serde, so that the crates' own regression tests compile
//! the same files and run them on the saved inputs under `fuzz/regressions/`.
//! Run the targets with `cargo xtask fuzz` (see `RELIABILITY.md`).

pub mod checks;
pub mod policy;

use arbitrary::Arbitrary;
use checks::{builtin_sites, Move, Scenario};
use std::fmt;
use wobble_engine::Key;

/// The `actions` target's input, as the `arbitrary` crate builds it from
/// the fuzzer's bytes; [`ActionsInput::scenario`] turns it into the
/// [`Scenario`] that is played. Its `Debug` form (what `cargo fuzz fmt
/// actions FILE` prints) is the scenario's JSON, ready to be saved as a
/// regression under `fuzz/regressions/actions/`.
#[derive(Arbitrary)]
pub struct ActionsInput {
    site: u8,
    task: u8,
    seed: u64,
    perturb: Vec<(u8, u8)>,
    moves: Vec<ArbMove>,
}

/// A [`Move`] as the fuzzer draws it: element ids mostly small (the shipped
/// sites have a few hundred nodes), sometimes anything.
#[derive(Arbitrary, Debug)]
enum ArbMove {
    Candidate(u16),
    Click(u16),
    ClickAnywhere(u32),
    ClickAt(f32, f32),
    TypeGoal(u16, u8),
    TypeText(u16, String),
    Select(u16, u16),
    Key(u8),
    Scroll(f32),
    Finish,
    Reset(u64),
    Perturb(Vec<(u8, u8)>),
    Observe,
}

impl ActionsInput {
    /// The scenario this input plays.
    pub fn scenario(&self) -> Scenario {
        let sites = builtin_sites();
        let site = &sites[self.site as usize % sites.len()];
        Scenario {
            site: site.name.clone(),
            task: self.task as usize % site.tasks.len(),
            seed: self.seed,
            perturb: self.perturb.clone(),
            moves: self.moves.iter().map(ArbMove::to_move).collect(),
        }
    }
}

impl ArbMove {
    fn to_move(&self) -> Move {
        match self {
            ArbMove::Candidate(i) => Move::Candidate(*i),
            ArbMove::Click(n) => Move::Click(u32::from(*n)),
            ArbMove::ClickAnywhere(n) => Move::Click(*n),
            ArbMove::ClickAt(x, y) => Move::ClickAt(*x, *y),
            ArbMove::TypeGoal(n, g) => Move::TypeGoal(u32::from(*n), u16::from(*g)),
            ArbMove::TypeText(n, t) => Move::TypeText(u32::from(*n), t.clone()),
            ArbMove::Select(n, o) => Move::Select(u32::from(*n), *o),
            ArbMove::Key(k) => Move::Key(match k % 3 {
                0 => Key::Enter,
                1 => Key::Tab,
                _ => Key::Escape,
            }),
            ArbMove::Scroll(dy) => Move::Scroll(*dy),
            ArbMove::Finish => Move::Finish,
            ArbMove::Reset(seed) => Move::Reset(*seed),
            ArbMove::Perturb(parts) => Move::Perturb(parts.clone()),
            ArbMove::Observe => Move::Observe,
        }
    }
}

impl fmt::Debug for ActionsInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let json = serde_json::to_string_pretty(&self.scenario()).map_err(|_| fmt::Error)?;
        f.write_str(&json)
    }
}
