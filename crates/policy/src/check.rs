//! `wobble check` as a library: everything that must hold of a site file
//! before agents are trained and measured on it, in the spirit of
//! Gymnasium's environment checker. The command line, the page's worker
//! and the tests call [`check_text`].
//!
//! After the file compiles (its errors located at the token at fault, see
//! `wobble_engine::compile`), every task is played by the oracle (an agent
//! of the page: it reads only what is shown) on `seeds` seeds, unperturbed
//! and under every kind of perturbation at one severity, and each episode
//! is checked for:
//! - **lockstep determinism**: a second environment given the same seed and
//!   the same actions shows the same page after every step;
//! - **layout**: no shown element leaves the page, no two usable elements
//!   overlap or share a key ([`wobble_engine::check::layout_problem`]);
//! - **solvability**: the oracle succeeds; when it does not, the finding
//!   names the recipe step it could not take (its index, its text and its
//!   line in the file) and what the page showed instead, such as a goal
//!   value that is not among a select's options on that seed;
//! - **unambiguous goals**: no recipe step that picks one row finds several
//!   rows matching the goal (a `Unique` list that ran out, a tie for the
//!   cheapest), even when the oracle happens to succeed.

use crate::{wilson_interval, OraclePolicy, Policy};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use wobble_engine::check::{fingerprint, layout_problem};
use wobble_engine::compile::SourcePlaces;
use wobble_engine::site::{Look, ShownText, Step};
use wobble_engine::{load_site, Env, EnvConfig, Kind, PerturbSpec, Site, SiteError};

/// How much to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Episodes per task and perturbation.
    pub seeds: u64,
    /// The first seed; episode `i` plays `first_seed + i`.
    pub first_seed: u64,
    /// The severity every kind is checked at.
    pub severity: u8,
    /// The kinds checked (each alone), besides the unperturbed site.
    pub kinds: Vec<Kind>,
    /// Findings kept in the report per task, perturbation and kind of
    /// finding (all are counted).
    pub keep: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            seeds: 20,
            first_seed: 0,
            severity: 3,
            kinds: Kind::ALL.to_vec(),
            keep: 3,
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Two environments given the same seed and actions showed different pages.
    Determinism,
    /// A page broke a layout rule.
    Layout,
    /// The oracle could not solve the task.
    Oracle,
    /// A step that picks one row found several.
    Ambiguity,
}

impl Stage {
    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Determinism => "determinism",
            Stage::Layout => "layout",
            Stage::Oracle => "oracle",
            Stage::Ambiguity => "ambiguity",
        }
    }
}

/// A recipe step a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipeStep {
    /// Its index in the task's recipe (from 0).
    pub index: usize,
    /// The step as a site file writes it, e.g. `Select("cabin", "class")`.
    pub text: String,
    /// Where the file writes it (1-based line and column).
    pub line: usize,
    /// Column.
    pub column: usize,
}

/// One thing that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What kind of rule.
    pub stage: Stage,
    /// The task.
    pub task: String,
    /// The perturbation (`none`, or `KIND:SEVERITY`).
    pub perturbation: String,
    /// The episode's seed.
    pub seed: u64,
    /// The recipe step at fault, when one is.
    pub step: Option<RecipeStep>,
    /// What went wrong, in words.
    pub message: String,
}

/// The oracle's results for one task under one perturbation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// The task.
    pub task: String,
    /// The perturbation (`none`, or `KIND:SEVERITY`).
    pub perturbation: String,
    /// Episodes played.
    pub episodes: u64,
    /// Episodes the oracle solved.
    pub solved: u64,
    /// Findings of any kind (more than the report keeps, perhaps).
    pub findings: u64,
}

/// Everything [`check_text`] found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The site's name.
    pub site: String,
    /// Its tasks.
    pub tasks: Vec<String>,
    /// Seeds per task and perturbation.
    pub seeds: u64,
    /// The oracle's results, task by task, unperturbed first.
    pub cells: Vec<Cell>,
    /// What does not hold (the first few of each kind per cell).
    pub findings: Vec<Finding>,
}

impl Report {
    /// Whether everything holds.
    pub fn passed(&self) -> bool {
        self.cells.iter().all(|c| c.findings == 0)
    }

    /// Episodes played in all.
    pub fn episodes(&self) -> u64 {
        self.cells.iter().map(|c| c.episodes).sum()
    }

    /// The report in lines a person reads, findings first.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            out.push_str(&format!(
                "{} task \"{}\", {}, seed {}: ",
                f.stage.name(),
                f.task,
                f.perturbation,
                f.seed
            ));
            if let Some(step) = &f.step {
                out.push_str(&format!(
                    "recipe step {} `{}` (line {}): ",
                    step.index + 1,
                    step.text,
                    step.line
                ));
            }
            out.push_str(&f.message);
            out.push('\n');
        }
        for task in &self.tasks {
            let cells: Vec<&Cell> = self.cells.iter().filter(|c| &c.task == task).collect();
            let (episodes, solved) = cells
                .iter()
                .fold((0, 0), |(e, s), c| (e + c.episodes, s + c.solved));
            let interval = wilson_interval(solved, episodes);
            let failing: Vec<String> = cells
                .iter()
                .filter(|c| c.findings > 0)
                .map(|c| format!("{} ({} of {})", c.perturbation, c.findings, c.episodes))
                .collect();
            out.push_str(&format!(
                "task \"{task}\": the oracle solved {solved} of {episodes} episodes [95% interval {:.1}–{:.1}%] over {} perturbations",
                interval.low * 100.0,
                interval.high * 100.0,
                cells.len()
            ));
            if failing.is_empty() {
                out.push_str("; every check holds\n");
            } else {
                out.push_str(&format!("; findings under {}\n", failing.join(", ")));
            }
        }
        out
    }
}

/// Why a site file could not be checked at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// It does not compile.
    Site(SiteError),
    /// A task could not be opened (a site that compiles always opens).
    Open(String),
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::Site(e) => write!(f, "{e}"),
            CheckError::Open(e) => write!(f, "{e}"),
        }
    }
}

/// Compiles the site file `text` (errors name `path`) and checks it; calls
/// `progress(done, total)` after every episode.
pub fn check_text(
    path: &str,
    text: &str,
    options: &CheckOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report, CheckError> {
    let site = Arc::new(load_site(path, text).map_err(CheckError::Site)?);
    check_site(&site, Some(text), options, progress)
}

/// Checks a compiled site; `text`, when given, is the file it came from
/// (so findings can say on which line a recipe step is written).
pub fn check_site(
    site: &Arc<Site>,
    text: Option<&str>,
    options: &CheckOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report, CheckError> {
    let mut checker = Checker::new(site.clone(), text.map(str::to_string), options.clone());
    while !checker.advance(1)? {
        let (done, total) = checker.progress();
        progress(done, total);
    }
    let (done, total) = checker.progress();
    if total > 0 {
        progress(done, total);
    }
    Ok(checker.into_report())
}

/// A check played a few episodes at a time, for a caller that must stay
/// responsive between them (the page's worker): [`Checker::advance`] plays
/// some, [`Checker::progress`] says how far it is.
pub struct Checker {
    site: Arc<Site>,
    text: Option<String>,
    /// Where `text` writes things, read at the first finding that needs it.
    places: std::cell::OnceCell<SourcePlaces>,
    options: CheckOptions,
    /// Unperturbed, then each kind alone.
    perturbations: Vec<PerturbSpec>,
    /// The cell being played: task `cell / perturbations`, perturbation `cell % perturbations`.
    cell: usize,
    /// The next seed's index in the cell.
    seed: u64,
    /// The environment and its twin for the cell being played.
    envs: Option<(Env, Env)>,
    /// Findings kept in the cell so far, per stage.
    kept: [usize; 4],
    done: u64,
    total: u64,
    report: Report,
}

impl Checker {
    /// A check of `site` (compiled from `text`, when given) not yet begun.
    pub fn new(site: Arc<Site>, text: Option<String>, options: CheckOptions) -> Checker {
        let mut perturbations = vec![PerturbSpec::none()];
        for &kind in &options.kinds {
            let mut spec = PerturbSpec::none();
            spec.set(kind, options.severity);
            perturbations.push(spec);
        }
        let total = site.tasks.len() as u64 * perturbations.len() as u64 * options.seeds;
        let report = Report {
            site: site.name.clone(),
            tasks: site.tasks.iter().map(|t| t.name.clone()).collect(),
            seeds: options.seeds,
            cells: Vec::new(),
            findings: Vec::new(),
        };
        Checker {
            site,
            text,
            places: std::cell::OnceCell::new(),
            options,
            perturbations,
            cell: 0,
            seed: 0,
            envs: None,
            kept: [0; 4],
            done: 0,
            total,
            report,
        }
    }

    /// Episodes played, of how many.
    pub fn progress(&self) -> (u64, u64) {
        (self.done, self.total)
    }

    /// Plays up to `episodes` more episodes; whether every one is played.
    pub fn advance(&mut self, episodes: u64) -> Result<bool, CheckError> {
        let per_task = self.perturbations.len();
        let cells = self.site.tasks.len() * per_task;
        let mut left = episodes;
        while self.cell < cells && self.options.seeds > 0 {
            if left == 0 {
                return Ok(false);
            }
            let (t, p) = (self.cell / per_task, self.cell % per_task);
            if self.envs.is_none() {
                let spec = self.perturbations.get(p).cloned().unwrap_or_default();
                self.envs = Some((open(&self.site, t, &spec)?, open(&self.site, t, &spec)?));
                self.kept = [0; 4];
                self.report.cells.push(Cell {
                    task: self.report.tasks.get(t).cloned().unwrap_or_default(),
                    perturbation: spec_label(&spec),
                    episodes: 0,
                    solved: 0,
                    findings: 0,
                });
            }
            let seed = self.options.first_seed.wrapping_add(self.seed);
            let Some((env, twin)) = self.envs.as_mut() else {
                continue;
            };
            let (solved, found) = play(env, twin, seed);
            self.record(t, seed, solved, found);
            self.done += 1;
            left -= 1;
            self.seed += 1;
            if self.seed >= self.options.seeds {
                self.seed = 0;
                self.cell += 1;
                self.envs = None;
            }
        }
        Ok(true)
    }

    fn record(&mut self, t: usize, seed: u64, solved: bool, found: Found) {
        let Some(cell) = self.report.cells.last_mut() else {
            return;
        };
        cell.episodes += 1;
        cell.solved += u64::from(solved);
        cell.findings += found.len() as u64;
        let perturbation = cell.perturbation.clone();
        let task = self.report.tasks.get(t).cloned().unwrap_or_default();
        for (stage, step, message) in found {
            let Some(slot) = self.kept.get_mut(stage as usize) else {
                continue;
            };
            if *slot >= self.options.keep {
                continue;
            }
            *slot += 1;
            let step = step.map(|index| self.recipe_step(t, index));
            self.report.findings.push(Finding {
                stage,
                task: task.clone(),
                perturbation: perturbation.clone(),
                seed,
                step,
                message,
            });
        }
    }

    /// Step `index` of task `t`'s recipe, written out, with its place in the file.
    fn recipe_step(&self, t: usize, index: usize) -> RecipeStep {
        let (line, column) = self.text.as_deref().map_or((0, 0), |text| {
            self.places
                .get_or_init(|| SourcePlaces::of(text))
                .recipe_step(text, t, index)
        });
        let task = self.site.tasks.get(t);
        RecipeStep {
            index,
            text: task
                .and_then(|task| {
                    task.solution
                        .get(index)
                        .map(|s| write_step(s, &task.fields))
                })
                .unwrap_or_default(),
            line,
            column,
        }
    }

    /// The report so far (whole once [`Checker::advance`] has said so).
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The report.
    pub fn into_report(self) -> Report {
        self.report
    }
}

/// `none`, or the spec as `--perturb` writes it.
fn spec_label(spec: &PerturbSpec) -> String {
    if spec.is_empty() {
        "none".into()
    } else {
        spec.to_string()
    }
}

fn open(site: &Arc<Site>, task: usize, spec: &PerturbSpec) -> Result<Env, CheckError> {
    let mut env = Env::new(site.clone(), task, EnvConfig::default()).map_err(CheckError::Open)?;
    env.set_perturbations(spec.clone());
    Ok(env)
}

/// What one episode found: (stage, recipe step, message).
type Found = Vec<(Stage, Option<usize>, String)>;

/// Plays the oracle on `seed` in `env`, with `twin` taking the same actions;
/// whether it solved the task, and what did not hold.
fn play(env: &mut Env, twin: &mut Env, seed: u64) -> (bool, Found) {
    let mut found: Found = Vec::new();
    let mut oracle = OraclePolicy::default();
    env.reset(seed);
    twin.reset(seed);
    oracle.begin_episode(env);
    let mut layout_seen = false;
    let mut step = 0u32;
    loop {
        if !layout_seen {
            if let Some(problem) = layout_problem(env) {
                layout_seen = true;
                found.push((
                    Stage::Layout,
                    None,
                    format!(
                        "after {step} steps, on page \"{}\": {problem}",
                        env.page_id()
                    ),
                ));
            }
        }
        if fingerprint(env) != fingerprint(twin) {
            found.push((
                Stage::Determinism,
                None,
                format!("after {step} steps the same seed and actions show two different pages"),
            ));
            break;
        }
        let action = oracle.act(env);
        let a = env.step(&action);
        let b = twin.step(&action);
        step += 1;
        if a != b {
            found.push((
                Stage::Determinism,
                None,
                format!("step {step} gave {a:?} once and {b:?} the other time"),
            ));
            break;
        }
        match a {
            Ok(r) if r.terminated || r.truncated => break,
            Ok(_) => {}
            Err(e) => {
                found.push((
                    Stage::Oracle,
                    None,
                    format!("the oracle's action {action:?} was refused: {e}"),
                ));
                break;
            }
        }
    }
    let outcome = env.outcome().cloned();
    let solved = outcome.as_ref().is_some_and(|o| o.success);
    if let Some(amb) = oracle.ambiguity() {
        found.push((Stage::Ambiguity, Some(amb.step), amb.reason.clone()));
    }
    if !solved {
        let why = outcome.map_or_else(|| "the episode did not end".to_string(), |o| o.reason);
        match oracle.trouble() {
            Some(t) => found.push((
                Stage::Oracle,
                Some(t.step),
                format!("{} (the task then failed: {why})", t.reason),
            )),
            None => found.push((
                Stage::Oracle,
                None,
                format!("every recipe step was taken, but the task failed: {why}"),
            )),
        }
    }
    (solved, found)
}

/// A compiled recipe step as a site file writes it.
pub fn write_step(step: &Step, fields: &[String]) -> String {
    let field = |f: &u32| fields.get(*f as usize).map_or("?", String::as_str);
    match step {
        Step::Click(k) => format!("Click({k:?})"),
        Step::ClickRow(k, look) => format!("ClickRow({k:?}, {})", write_look(look, fields)),
        Step::CheckRows(k, look) => format!("CheckRows({k:?}, {})", write_look(look, fields)),
        Step::Check(k) => format!("Check({k:?})"),
        Step::Type(k, f) => format!("Type({k:?}, {:?})", field(f)),
        Step::TypeText(k, t) => format!("TypeText({k:?}, {t:?})"),
        Step::Select(k, f) => format!("Select({k:?}, {:?})", field(f)),
        Step::SelectText(k, t) => format!("SelectText({k:?}, {t:?})"),
        Step::Press(key) => format!("Press({key:?})"),
    }
}

fn write_look(look: &Look, fields: &[String]) -> String {
    let shown = |t: &ShownText| match t {
        ShownText::Goal(f) => format!(
            "Goal({:?})",
            fields.get(*f as usize).map_or("?", String::as_str)
        ),
        ShownText::Lit(s) => format!("Lit({s:?})"),
    };
    match look {
        Look::All => "All".into(),
        Look::Shows(t) => format!("Shows({})", shown(t)),
        Look::ShowsOneOf(t) => format!("ShowsOneOf({})", shown(t)),
        Look::Cheapest => "Cheapest".into(),
        Look::Not(l) => format!("Not({})", write_look(l, fields)),
        Look::And(ls) => format!(
            "And([{}])",
            ls.iter()
                .map(|l| write_look(l, fields))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> CheckOptions {
        CheckOptions {
            seeds: 4,
            kinds: vec![Kind::from_name("relabel").unwrap_or(Kind::ALL[0])],
            ..CheckOptions::default()
        }
    }

    #[test]
    fn a_shipped_site_passes_every_check() {
        let (_, path, text) = wobble_engine::builtin::SITE_FILES[0];
        let mut calls = 0;
        let report = check_text(path, text, &quick(), &mut |done, total| {
            calls += 1;
            assert!(done <= total);
        })
        .unwrap();
        assert!(report.passed(), "{}", report.to_text());
        assert_eq!(calls, report.episodes());
        assert_eq!(report.episodes(), 4 * 2 * report.tasks.len() as u64);
    }

    #[test]
    fn a_check_in_slices_is_the_check_in_one_go() {
        let (_, path, text) = wobble_engine::builtin::SITE_FILES[2];
        let whole = check_text(path, text, &quick(), &mut |_, _| {}).unwrap();
        let site = Arc::new(load_site(path, text).unwrap());
        let mut sliced = Checker::new(site, Some(text.to_string()), quick());
        let mut rounds = 0;
        while !sliced.advance(3).unwrap() {
            rounds += 1;
            let (done, total) = sliced.progress();
            assert_eq!(done, 3 * rounds);
            assert!(done < total);
        }
        assert_eq!(sliced.progress().0, sliced.progress().1);
        assert_eq!(sliced.into_report(), whole);
    }
}
