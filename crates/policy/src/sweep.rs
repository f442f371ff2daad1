//! The brittleness sweep: a policy's success on every perturbation kind and severity.
//!
//! [`sweep`] evaluates a policy unperturbed and then under each kind at each
//! severity, over the same seeds, and returns a [`SweepReport`] that renders
//! as a text table, CSV, JSON and an SVG heat map (kinds down, severities
//! across, success rate as color).

use crate::seeds::Interval;
use crate::{play_episodes, summarize, EpisodeResult, EvalReport, Policy};
use serde::Serialize;
use std::fmt::Write;
use wobble_engine::perturb::{Kind, PerturbSpec, Perturbation, MAX_SEVERITY, MIN_SEVERITY};
use wobble_engine::Env;

/// One cell of the sweep.
#[derive(Debug, Clone, Serialize)]
pub struct SweepCell {
    /// Perturbation kind (`none` for the unperturbed baseline).
    pub kind: String,
    /// Severity (0 for the baseline).
    pub severity: u8,
    /// Episodes played.
    pub episodes: u64,
    /// Episodes that succeeded.
    pub successes: u64,
    /// Success rate over the episodes.
    pub success_rate: f64,
    /// The 95% Wilson interval of the success rate.
    pub ci95: Interval,
    /// Mean raw return.
    pub mean_return: f64,
    /// Mean steps.
    pub mean_steps: f64,
}

/// A policy's success everywhere.
#[derive(Debug, Clone, Serialize)]
pub struct SweepReport {
    /// Site name.
    pub site: String,
    /// Task name.
    pub task: String,
    /// Policy name or file.
    pub policy: String,
    /// Episodes per cell.
    pub episodes: u64,
    /// First seed.
    pub seed: u64,
    /// Unperturbed success.
    pub baseline: SweepCell,
    /// Every kind at every severity, in catalog order.
    pub cells: Vec<SweepCell>,
}

impl SweepCell {
    fn new(kind: &str, severity: u8, r: &EvalReport) -> SweepCell {
        SweepCell {
            kind: kind.to_string(),
            severity,
            episodes: r.episodes,
            successes: r.successes,
            success_rate: r.success_rate,
            ci95: r.ci95,
            mean_return: r.mean_return,
            mean_steps: r.mean_steps,
        }
    }

    /// The baseline of a sweep that has not run yet: no episodes, nothing known.
    pub fn empty() -> SweepCell {
        SweepCell {
            kind: "none".into(),
            severity: 0,
            episodes: 0,
            successes: 0,
            success_rate: 0.0,
            ci95: crate::wilson_interval(0, 0),
            mean_return: 0.0,
            mean_steps: 0.0,
        }
    }

    /// `99.5% (199/200, 95% CI 97.2–99.9%)`.
    pub fn describe(&self) -> String {
        crate::seeds::describe_rate(self.successes, self.episodes)
    }
}

/// The sweep's cells, in report order: the unperturbed baseline (`None`,
/// severity 0), then each of `kinds` at every severity from
/// [`MIN_SEVERITY`] to [`MAX_SEVERITY`].
pub fn grid(kinds: &[Kind]) -> Vec<(Option<Kind>, u8)> {
    let mut cells = vec![(None, 0)];
    for &kind in kinds {
        for severity in MIN_SEVERITY..=MAX_SEVERITY {
            cells.push((Some(kind), severity));
        }
    }
    cells
}

/// The kinds a comma-separated list names, in its order (all of them for `None`).
pub fn parse_kinds(text: Option<&str>) -> Result<Vec<Kind>, String> {
    let Some(text) = text else {
        return Ok(Kind::ALL.to_vec());
    };
    text.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| {
            Kind::from_name(k).ok_or_else(|| {
                format!(
                    "unknown kind \"{k}\"; expected some of: {}",
                    Kind::ALL.map(Kind::name).join(", ")
                )
            })
        })
        .collect()
}

/// A part of a sweep that one worker plays: episodes `first..first + count`
/// (their seeds) of one cell. A cell's blocks, played anywhere and summed in
/// seed order, give exactly the cell that one worker playing them all gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// The cell: its kind (none for the baseline) and severity.
    pub cell: (Option<Kind>, u8),
    /// The first episode's seed.
    pub first: u64,
    /// How many episodes.
    pub count: u64,
}

/// The blocks of a sweep over `kinds`, in grid order and, within a cell, in
/// seed order: each cell's `episodes` seeds from `seed`, cut into blocks of
/// at most `size` (at least one episode each).
pub fn blocks(kinds: &[Kind], episodes: u64, seed: u64, size: u64) -> Vec<Block> {
    let size = size.max(1);
    let mut out = Vec::new();
    for cell in grid(kinds) {
        let mut done = 0;
        while done < episodes {
            let count = size.min(episodes - done);
            out.push(Block {
                cell,
                first: seed.wrapping_add(done),
                count,
            });
            done += count;
        }
    }
    out
}

/// The perturbation of a cell.
fn spec_of((kind, severity): (Option<Kind>, u8)) -> PerturbSpec {
    match kind {
        Some(kind) => PerturbSpec::new([Perturbation { kind, severity }]).unwrap_or_default(),
        None => PerturbSpec::none(),
    }
}

/// Plays one block on `env` under its cell's perturbation; leaves `env` unperturbed.
pub fn play_block(env: &mut Env, policy: &mut dyn Policy, block: &Block) -> Vec<EpisodeResult> {
    env.set_perturbations(spec_of(block.cell));
    let played = play_episodes(env, policy, block.first, block.count);
    env.set_perturbations(PerturbSpec::none());
    played
}

/// A cell from its episodes, all of them in seed order.
pub fn cell_of(
    env: &Env,
    (kind, severity): (Option<Kind>, u8),
    played: &[EpisodeResult],
) -> SweepCell {
    let report = summarize(env, "", played);
    SweepCell::new(kind.map_or("none", Kind::name), severity, &report)
}

/// Plays one cell of the grid: `episodes` episodes from `seed` under `kind`
/// at `severity` (none for the baseline). Leaves `env` unperturbed.
pub fn run_cell(
    env: &mut Env,
    policy: &mut dyn Policy,
    cell: (Option<Kind>, u8),
    episodes: u64,
    seed: u64,
) -> SweepCell {
    let block = Block {
        cell,
        first: seed,
        count: episodes,
    };
    let played = play_block(env, policy, &block);
    cell_of(env, cell, &played)
}

/// A sweep that stops between cells and carries on later: for a caller that
/// must answer other messages meanwhile (the page's training worker) or
/// keeps its own time (the wasm benchmarks). [`SweepRun::advance`] plays one
/// cell; driven to the end, it gives exactly the report of [`sweep`].
#[derive(Debug, Clone)]
pub struct SweepRun {
    grid: Vec<(Option<Kind>, u8)>,
    next: usize,
    report: SweepReport,
}

impl SweepRun {
    /// A sweep of `env`'s task under each of `kinds`, `episodes` per cell from `seed`.
    pub fn new(env: &Env, policy: &str, episodes: u64, seed: u64, kinds: &[Kind]) -> SweepRun {
        SweepRun {
            grid: grid(kinds),
            next: 0,
            report: SweepReport {
                site: env.site().name.clone(),
                task: env.task_name().to_string(),
                policy: policy.to_string(),
                episodes,
                seed,
                baseline: SweepCell::empty(),
                cells: Vec::new(),
            },
        }
    }

    /// Plays the next cell on `env` (left unperturbed); true once every cell is done.
    pub fn advance(&mut self, env: &mut Env, policy: &mut dyn Policy) -> bool {
        if let Some(&cell) = self.grid.get(self.next) {
            let (episodes, seed) = (self.report.episodes, self.report.seed);
            self.record(run_cell(env, policy, cell, episodes, seed));
        }
        self.is_done()
    }

    /// Files a played cell, the next in grid order.
    pub(crate) fn record(&mut self, cell: SweepCell) {
        if self.next == 0 {
            self.report.baseline = cell;
        } else {
            self.report.cells.push(cell);
        }
        self.next += 1;
    }

    /// Cells played so far.
    pub fn done(&self) -> usize {
        self.next
    }

    /// Cells in all, the baseline included.
    pub fn total(&self) -> usize {
        self.grid.len()
    }

    /// Whether every cell is played.
    pub fn is_done(&self) -> bool {
        self.next >= self.grid.len()
    }

    /// The report so far (complete once [`SweepRun::is_done`]).
    pub fn report(&self) -> &SweepReport {
        &self.report
    }

    /// The report, complete or not.
    pub fn into_report(self) -> SweepReport {
        self.report
    }
}

/// Evaluates `policy` on `env`'s task unperturbed and under every kind and severity.
pub fn sweep(
    env: &mut Env,
    policy: &mut dyn Policy,
    policy_name: &str,
    episodes: u64,
    seed: u64,
    kinds: &[Kind],
) -> SweepReport {
    let mut run = SweepRun::new(env, policy_name, episodes, seed, kinds);
    while !run.advance(env, policy) {}
    run.into_report()
}

/// [`sweep`] on `threads` cores: the cells (kind x severity) are shared out
/// among threads ([`crate::parallel`]), each with its own environment and
/// policy; the report is identical to the single-threaded one.
pub fn sweep_parallel(
    make_env: &(dyn Fn() -> Env + Sync),
    make_policy: &(dyn Fn() -> Box<dyn Policy> + Sync),
    policy_name: &str,
    episodes: u64,
    seed: u64,
    kinds: &[Kind],
    threads: usize,
) -> SweepReport {
    let agents: [(&str, &str, crate::matrix::MakePolicy<'_>); 1] =
        [(policy_name, policy_name, make_policy)];
    let matrix = crate::matrix::sweep_agents(make_env, &agents, episodes, seed, kinds, threads);
    match matrix.agents.into_iter().next() {
        Some(a) => a.report,
        None => SweepRun::new(&make_env(), policy_name, episodes, seed, kinds).into_report(),
    }
}

impl SweepReport {
    fn kinds(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for c in &self.cells {
            if !out.contains(&c.kind.as_str()) {
                out.push(&c.kind);
            }
        }
        out
    }

    fn cell(&self, kind: &str, severity: u8) -> Option<&SweepCell> {
        self.cells
            .iter()
            .find(|c| c.kind == kind && c.severity == severity)
    }

    /// A text table: one row per kind, success at severities 1, 2, 3, each
    /// with its 95% Wilson interval in brackets.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} on {}/{}, {} episodes per cell from seed {}",
            self.policy, self.site, self.task, self.episodes, self.seed
        );
        let _ = writeln!(out, "unperturbed: {}", self.baseline.describe());
        let _ = writeln!(
            out,
            "{:<18} {:>19} {:>19} {:>19}",
            "kind", "sev 1", "sev 2", "sev 3"
        );
        for kind in self.kinds() {
            let _ = write!(out, "{kind:<18}");
            for s in MIN_SEVERITY..=MAX_SEVERITY {
                match self.cell(kind, s) {
                    Some(c) => {
                        let cell = format!(
                            "{:.1}% [{:.1}–{:.1}]",
                            c.success_rate * 100.0,
                            c.ci95.low * 100.0,
                            c.ci95.high * 100.0
                        );
                        let _ = write!(out, " {cell:>19}");
                    }
                    None => {
                        let _ = write!(out, " {:>19}", "-");
                    }
                }
            }
            out.push('\n');
        }
        let _ = writeln!(out, "[low–high]: the 95% Wilson interval, in percent");
        out
    }

    /// CSV: `kind,severity,episodes,successes,success_rate,ci95_low,ci95_high,mean_return,mean_steps`, baseline first.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "kind,severity,episodes,successes,success_rate,ci95_low,ci95_high,mean_return,mean_steps\n",
        );
        for c in std::iter::once(&self.baseline).chain(&self.cells) {
            let _ = writeln!(
                out,
                "{},{},{},{},{:.4},{:.4},{:.4},{:.4},{:.2}",
                c.kind,
                c.severity,
                c.episodes,
                c.successes,
                c.success_rate,
                c.ci95.low,
                c.ci95.high,
                c.mean_return,
                c.mean_steps
            );
        }
        out
    }

    /// An SVG heat map: kinds down, severities across, success as color.
    pub fn svg(&self) -> String {
        let kinds = self.kinds();
        let (left, top, cell_w, cell_h) = (150.0, 70.0, 90.0, 28.0);
        let width = left + 4.0 * cell_w + 20.0;
        let height = top + (kinds.len() as f64 + 1.0) * cell_h + 20.0;
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="DejaVu Sans, sans-serif" font-size="13">"#
        );
        let _ = writeln!(
            s,
            r##"<rect width="100%" height="100%" fill="#ffffff"/><text x="12" y="24" font-weight="bold" font-size="15">{}</text><text x="12" y="44" fill="#555">success rate by perturbation and severity, {} episodes each (hover: 95% CI)</text>"##,
            escape(&format!("{} on {}/{}", self.policy, self.site, self.task)),
            self.episodes
        );
        let headers = ["none", "sev 1", "sev 2", "sev 3"];
        for (i, h) in headers.iter().enumerate() {
            let x = left + i as f64 * cell_w + cell_w / 2.0;
            let _ = writeln!(
                s,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle" font-weight="bold">{h}</text>"#,
                top - 8.0
            );
        }
        let row = |s: &mut String, r: usize, name: &str, cells: [Option<&SweepCell>; 4]| {
            let y = top + r as f64 * cell_h;
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                left - 10.0,
                y + cell_h / 2.0 + 4.5,
                escape(name)
            );
            for (i, cell) in cells.iter().enumerate() {
                let x = left + i as f64 * cell_w;
                let Some(cell) = cell else { continue };
                let rate = &cell.success_rate;
                let _ = writeln!(
                    s,
                    r##"<g><title>{}</title><rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}" stroke="#ffffff"/><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{}">{:.0}%</text></g>"##,
                    escape(&cell.describe()),
                    cell_w,
                    cell_h,
                    heat(*rate),
                    x + cell_w / 2.0,
                    y + cell_h / 2.0 + 4.5,
                    if *rate < 0.35 || *rate > 0.8 {
                        "#ffffff"
                    } else {
                        "#1b1b1b"
                    },
                    rate * 100.0
                );
            }
        };
        row(
            &mut s,
            0,
            "unperturbed",
            [Some(&self.baseline), None, None, None],
        );
        for (r, kind) in kinds.iter().enumerate() {
            row(
                &mut s,
                r + 1,
                kind,
                [
                    None,
                    self.cell(kind, 1),
                    self.cell(kind, 2),
                    self.cell(kind, 3),
                ],
            );
        }
        s.push_str("</svg>\n");
        s
    }
}

/// Red (0%) through amber to green (100%).
fn heat(rate: f64) -> String {
    let r = rate.clamp(0.0, 1.0);
    let (a, b, t) = if r < 0.5 {
        ((0xc6, 0x28, 0x28), (0xf0, 0xb4, 0x29), r / 0.5)
    } else {
        ((0xf0, 0xb4, 0x29), (0x2e, 0x7d, 0x32), (r - 0.5) / 0.5)
    };
    let mix = |x: i32, y: i32| (x as f64 + (y - x) as f64 * t).round() as i32;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OraclePolicy;
    use wobble_engine::{builtin, EnvConfig};

    #[test]
    fn the_oracle_sweeps_clean_and_every_format_renders() {
        let site = builtin::load_builtin("click-button").unwrap();
        let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
        let kinds = [Kind::Move, Kind::Popup];
        let report = sweep(
            &mut env,
            &mut OraclePolicy::default(),
            "oracle",
            10,
            1,
            &kinds,
        );
        assert_eq!(report.cells.len(), 6);
        assert!(report.cells.iter().all(|c| c.success_rate == 1.0));
        assert!(report.table().contains("popup"));
        // 10 of 10: the interval says how little ten episodes prove.
        assert!(report
            .table()
            .contains("100.0% (10/10, 95% CI 72.2–100.0%)"));
        assert!(report.csv().contains("none,0,10,10,1.0000,0.7225,1.0000"));
        assert!(report
            .svg()
            .contains("<title>100.0% (10/10, 95% CI 72.2–100.0%)</title>"));
        assert_eq!(report.csv().lines().count(), 8);
        let svg = report.svg();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("100%</text>").count(), 7);
        assert_eq!(heat(0.0), "#c62828");
        // The same on several threads.
        let site = builtin::load_builtin("click-button").unwrap();
        let make_env = || Env::new(site.clone(), 0, EnvConfig::default()).unwrap();
        let make_policy = || -> Box<dyn Policy> { Box::new(crate::RandomPolicy::new(3)) };
        let one = sweep_parallel(&make_env, &make_policy, "random", 20, 1, &kinds, 1);
        let three = sweep_parallel(&make_env, &make_policy, "random", 20, 1, &kinds, 3);
        assert_eq!(one.csv(), three.csv());
        let mut env = make_env();
        let plain = sweep(&mut env, make_policy().as_mut(), "random", 20, 1, &kinds);
        assert_eq!(plain.csv(), one.csv());
        assert_eq!(heat(1.0), "#2e7d32");
    }
}
