//! The tables of BENCHMARKS.md and the README's headline figures, computed from the raw
//! records alone.
//!
//! Each figure is the median over the runs, with the range (min–max) beside it when there was
//! more than one run. The template's prose stays as written; `{{name}}` placeholders are
//! replaced by the functions in [`SECTIONS`].

use crate::json::Json;
use crate::raw::Record;
use std::fmt::Write as _;

/// MiniWoB++ tasks `cargo xtask bench` runs, and the Wobble site each is compared with.
pub const MINIWOB_TASKS: [(&str, &str); 4] = [
    ("click-button", "click-button"),
    ("enter-text", "enter-text"),
    ("login-user", "login-user"),
    ("book-flight", "airline"),
];

/// The shipped sites of a single page, which the 1,000,000 steps/s target is about, in the
/// engine's order.
fn small_sites() -> Vec<&'static str> {
    wobble_engine::builtin::site_names()
        .filter(|name| {
            wobble_engine::builtin::load_builtin(name)
                .is_ok_and(|site| site.pages.iter().filter(|p| !p.is_dialog).count() == 1)
        })
        .collect()
}

/// The records, with look-ups.
pub struct Data<'a> {
    records: &'a [Record],
}

/// Median and range of a set of runs.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stat {
    median: f64,
    min: f64,
    max: f64,
    n: usize,
}

impl Stat {
    /// The finite values' statistics; `None` when there are none.
    fn of(values: &[f64]) -> Option<Stat> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if !n.is_multiple_of(2) {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Some(Stat {
            median,
            min: v[0],
            max: v[n - 1],
            n,
        })
    }
}

impl<'a> Data<'a> {
    /// Look-ups over `records`.
    pub fn new(records: &'a [Record]) -> Data<'a> {
        Data { records }
    }

    fn section(&self, section: &'a str) -> impl Iterator<Item = &'a Record> + 'a {
        self.records.iter().filter(move |r| r.section == section)
    }

    fn has(&self, section: &str) -> bool {
        self.records.iter().any(|r| r.section == section)
    }

    /// Keys of a section in the order first seen.
    fn keys(&self, section: &'a str) -> Vec<&'a str> {
        let mut keys: Vec<&str> = Vec::new();
        for r in self.section(section) {
            if !keys.contains(&r.key.as_str()) {
                keys.push(&r.key);
            }
        }
        keys
    }

    /// A field of every run of (section, key).
    fn values(&self, section: &'a str, key: &str, field: &str) -> Vec<f64> {
        self.section(section)
            .filter(|r| r.key == key)
            .filter_map(|r| {
                if field == "wall" {
                    Some(r.wall)
                } else {
                    r.value.get(field).num()
                }
            })
            .collect()
    }

    fn stat(&self, section: &'a str, key: &str, field: &str) -> Option<Stat> {
        Stat::of(&self.values(section, key, field))
    }

    /// `a / b` run by run (runs with the same number were made back to back), over the runs.
    fn paired_ratio(&self, a: &'a str, b: &'a str, key: &str, field: &str) -> Option<Stat> {
        let ratios: Vec<f64> = self
            .section(a)
            .filter(|r| r.key == key)
            .filter_map(|ra| {
                let rb = self
                    .section(b)
                    .find(|rb| rb.key == key && rb.run == ra.run)?;
                Some(ra.value.get(field).num()? / rb.value.get(field).num()?)
            })
            .collect();
        Stat::of(&ratios)
    }

    fn first(&self, section: &'a str, key: &str) -> Option<&'a Record> {
        self.section(section).find(|r| r.key == key)
    }

    fn meta(&self, key: &str) -> &'a Json {
        self.first("meta", key).map_or(&Json::Null, |r| &r.value)
    }

    fn option(&self, field: &str) -> &'a Json {
        self.meta("options").get(field)
    }

    fn runs(&self) -> usize {
        self.option("runs").num().unwrap_or(1.0) as usize
    }
}

/// `{{name}}` and the function that writes it.
type Section = fn(&Data) -> String;

const SECTIONS: &[(&str, Section)] = &[
    ("command", command),
    ("date", date),
    ("runs", runs),
    ("seconds", seconds),
    ("machine", machine),
    ("versions", versions),
    ("load", load),
    ("phases", phases),
    ("targets", targets),
    ("native_engine", native_engine),
    ("alloc", alloc),
    ("native_perturbed", native_perturbed),
    ("scaling", scaling),
    ("wasm_engine", wasm_engine),
    ("train", train),
    ("sweep", sweep),
    ("criterion", criterion),
    ("bundle", bundle),
    ("first_page", first_page),
    ("miniwob", miniwob),
];

/// Fills every placeholder of `template`; an unknown one is an error.
pub fn render(template: &str, data: &Data) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or("bench-template.md: a `{{` without its `}}`")?;
        let name = after[..end].trim();
        let (_, section) = SECTIONS
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| format!("bench-template.md: unknown placeholder {{{{{name}}}}}"))?;
        out.push_str(section(data).trim_end_matches('\n'));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `readme` with its `bench` block (between `<!-- bench:begin -->` and `<!-- bench:end -->`)
/// replaced by `block`.
pub fn replace_block(readme: &str, block: &str) -> Result<String, String> {
    wobble_testkit::replace_block(readme, "bench", &format!("{}\n", block.trim_end()))
        .map_err(|e| format!("README.md: {e}"))
}

// ----- number formatting ----------------------------------------------------------------------

/// A whole number with thousands separators.
fn int(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// A number with three significant figures at most, or a whole number from 1,000 up.
fn num(x: f64) -> String {
    let a = x.abs();
    if a >= 1000.0 {
        int(x)
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// Seconds, in the unit that suits them.
fn duration(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.1} ms", seconds * 1e3)
    } else if seconds >= 1e-6 {
        format!("{:.2} µs", seconds * 1e6)
    } else {
        format!("{:.0} ns", seconds * 1e9)
    }
}

/// `median (min–max)` with `f` for each number; the range only when there were several runs.
fn spread(stat: Option<Stat>, f: fn(f64) -> String) -> String {
    match stat {
        None => "–".into(),
        Some(s) if s.n == 1 || f(s.min) == f(s.max) => f(s.median),
        Some(s) => format!("{} ({}–{})", f(s.median), f(s.min), f(s.max)),
    }
}

fn ratio(x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if x >= 100.0 {
        format!("{}×", int(x))
    } else {
        format!("{x:.2}×")
    }
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn median(stat: Option<Stat>) -> f64 {
    stat.map_or(f64::NAN, |s| s.median)
}

// ----- sections -------------------------------------------------------------------------------

fn command(d: &Data) -> String {
    d.option("command")
        .str()
        .unwrap_or("cargo xtask bench")
        .to_string()
}

fn date(d: &Data) -> String {
    d.meta("date_start")
        .str()
        .unwrap_or("an unknown date")
        .to_string()
}

fn runs(d: &Data) -> String {
    d.runs().to_string()
}

fn seconds(d: &Data) -> String {
    d.option("seconds").num().unwrap_or(2.0).to_string()
}

fn machine(d: &Data) -> String {
    let m = d.meta("machine");
    format!(
        "{} cores ({}), {:.0} GiB, {}",
        m.get("cores").num().unwrap_or(0.0),
        m.get("cpu").str().unwrap_or("unknown CPU"),
        m.get("memory_gib").num().unwrap_or(0.0),
        m.get("os").str().unwrap_or("unknown OS"),
    )
}

fn versions(d: &Data) -> String {
    let v = d.meta("versions");
    let mut items: Vec<String> = Vec::new();
    if let Json::Obj(members) = v {
        for (name, value) in members {
            if let Some(text) = value.str() {
                items.push(if text.contains(name.as_str()) || name == "node" {
                    format!("{name} {}", text.trim_start_matches(name.as_str()).trim())
                } else {
                    format!("{name}: {text}")
                });
            }
        }
    }
    if let Some(r) = d.first("miniwob", "result") {
        let mv = r.value.get("versions");
        items.push(format!(
            "MiniWoB++ {} (selenium {}, gymnasium {}, Python {}, chromedriver {})",
            mv.get("miniwob").str().unwrap_or("?"),
            mv.get("selenium").str().unwrap_or("?"),
            mv.get("gymnasium").str().unwrap_or("?"),
            mv.get("python").str().unwrap_or("?"),
            mv.get("chromedriverVersion").str().unwrap_or("?"),
        ));
    }
    items.join("; ")
}

fn load(d: &Data) -> String {
    format!(
        "{} at the start, {} at the end",
        d.meta("load_start").str().unwrap_or("?"),
        d.meta("load_end").str().unwrap_or("?")
    )
}

fn phases(d: &Data) -> String {
    let mut t = String::from(
        "| phase | wall time | load average before → after | CPU used by other processes |\n|---|---:|---|---:|\n",
    );
    for r in d.section("phase") {
        let others = r.value.get("others").num().map_or("–".into(), percent);
        let _ = writeln!(
            t,
            "| {} | {} | {} → {} | {} |",
            r.key,
            duration(r.wall),
            r.value.get("load_before").str().unwrap_or("?"),
            r.value.get("load_after").str().unwrap_or("?"),
            others
        );
    }
    t
}

/// Step rates of the whole episodes (`wobble bench`), the steps alone and resets (criterion).
fn native_engine(d: &Data) -> String {
    let mut t = String::from(
        "| site / task | steps/s, whole episodes | episodes/s | resets/s | a step alone (criterion) | a reset (criterion) |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for site in d.keys("native-engine") {
        let task = d
            .first("native-engine", site)
            .and_then(|r| r.value.get("task").str())
            .unwrap_or("?");
        let step = criterion_median(d, &format!("step/{site}"));
        let reset = criterion_median(d, &format!("reset/{site}"));
        let _ = writeln!(
            t,
            "| {site} / {task} | {} | {} | {} | {} | {} |",
            spread(d.stat("native-engine", site, "steps_per_sec"), int),
            spread(d.stat("native-engine", site, "episodes_per_sec"), int),
            spread(d.stat("native-engine", site, "resets_per_sec"), int),
            step.map_or("–".into(), |ns| format!(
                "{} ({} steps/s)",
                duration(ns * 1e-9),
                int(1e9 / ns)
            )),
            reset.map_or("–".into(), |ns| duration(ns * 1e-9)),
        );
    }
    t
}

fn criterion_median(d: &Data, id: &str) -> Option<f64> {
    d.first("criterion", id)
        .and_then(|r| r.value.get("median").num())
}

fn alloc(d: &Data) -> String {
    if !d.has("alloc") {
        return "(not measured in this run)".into();
    }
    let mut t = String::from(
        "| site | steps counted | per step, all | per step that keeps the page | per step that changes the page | per episode-ending step | per reset |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in d.section("alloc") {
        let v = &r.value;
        let cell = |count: &str, per: &str| {
            let n = v.get(count).num().unwrap_or(0.0);
            if n == 0.0 {
                "– (none)".to_string()
            } else {
                format!(
                    "{} ({} steps)",
                    num(v.get(per).num().unwrap_or(0.0)),
                    int(n)
                )
            }
        };
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.key,
            int(v.get("steps").num().unwrap_or(0.0)),
            num(v.get("per_step").num().unwrap_or(0.0)),
            cell("kept_steps", "per_kept_step"),
            cell("changed_steps", "per_changed_step"),
            cell("ending_steps", "per_ending_step"),
            num(v.get("per_reset").num().unwrap_or(0.0)),
        );
    }
    t
}

fn native_perturbed(d: &Data) -> String {
    let mut t = String::from(
        "| site | spec | steps/s | episodes/s | resets/s |\n|---|---|---:|---:|---:|\n",
    );
    for key in d.keys("native-perturbed") {
        let (site, spec) = key.split_once('|').unwrap_or((key, ""));
        let spec = if spec.is_empty() {
            "(none)".to_string()
        } else {
            format!("`{spec}`")
        };
        let _ = writeln!(
            t,
            "| {site} | {spec} | {} | {} | {} |",
            spread(d.stat("native-perturbed", key, "steps_per_sec"), int),
            spread(d.stat("native-perturbed", key, "episodes_per_sec"), int),
            spread(d.stat("native-perturbed", key, "resets_per_sec"), int),
        );
    }
    t
}

fn scaling(d: &Data) -> String {
    let cores = d.meta("machine").get("cores").num().unwrap_or(1.0) as usize;
    let mut t = String::from("| measurement |");
    for n in 1..=cores {
        let _ = write!(t, " {n} thread{} |", if n == 1 { "" } else { "s" });
    }
    t.push_str(" speed-up | same output |\n|---|");
    for _ in 0..=cores {
        t.push_str("---:|");
    }
    t.push_str("---|\n");
    let mut sites: Vec<&str> = Vec::new();
    for key in d.keys("native-threads") {
        let site = key.split('|').next().unwrap_or(key);
        if !sites.contains(&site) {
            sites.push(site);
        }
    }
    for site in sites {
        for (field, what) in [("steps_per_sec", "steps/s"), ("resets_per_sec", "resets/s")] {
            let _ = write!(t, "| `wobble bench --site {site}`: {what} |");
            let stats: Vec<Option<Stat>> = (1..=cores)
                .map(|n| d.stat("native-threads", &format!("{site}|{n}"), field))
                .collect();
            for s in &stats {
                let _ = write!(t, " {} |", spread(*s, int));
            }
            let speedup = median(stats[stats.len() - 1]) / median(stats[0]);
            let _ = writeln!(t, " {} | (rates) |", ratio(speedup));
        }
    }
    let options = d.meta("options");
    for (section, what) in [
        (
            "native-eval-threads",
            format!(
                "`wobble eval --policy random --site airline --episodes {}`: wall time",
                int(d
                    .first("native-eval-threads", "1")
                    .and_then(|r| r.value.get("episodes").num())
                    .unwrap_or(0.0))
            ),
        ),
        (
            "native-sweep-threads",
            format!(
                "`wobble sweep --policy {} --site airline --episodes {}`: wall time",
                options.get("sweep_policy").str().unwrap_or("?"),
                options.get("sweep_episodes").num().unwrap_or(0.0)
            ),
        ),
        (
            "native-train-threads",
            format!(
                "`wobble {}`: wall time",
                options.get("train_threads_args").str().unwrap_or("train")
            ),
        ),
    ] {
        if !d.has(section) {
            continue;
        }
        let _ = write!(t, "| {what} |");
        let stats: Vec<Option<Stat>> = (1..=cores)
            .map(|n| d.stat(section, &n.to_string(), "wall"))
            .collect();
        for s in &stats {
            let _ = write!(t, " {} |", spread(*s, |x| format!("{x:.2} s")));
        }
        let digests: Vec<&str> = d
            .section(section)
            .filter_map(|r| r.value.get("digest").str())
            .collect();
        let same = digests.windows(2).all(|w| w[0] == w[1]);
        let speedup = median(stats[0]) / median(stats[stats.len() - 1]);
        let _ = writeln!(
            t,
            " {} | {} |",
            ratio(speedup),
            if same { "yes, byte for byte" } else { "**no**" }
        );
    }
    t
}

fn wasm_engine(d: &Data) -> String {
    let runtime = |prefix: &str| {
        d.first("runtime", prefix)
            .and_then(|r| r.value.get("runtime").str())
            .unwrap_or("?")
            .to_string()
    };
    let mut t = format!(
        "Runtimes: {}, {}.\n\n",
        runtime("wasm-node"),
        runtime("wasm-chromium-web")
    );
    for (field, what) in [
        ("steps_per_sec", "steps/s, whole episodes"),
        ("resets_per_sec", "resets/s"),
    ] {
        let _ = writeln!(
            t,
            "| site: {what} | native | Node, opt-level 3 | Chromium worker, opt-level 3 | Chromium worker, as shipped (opt-level z) | Node / native | worker / native, opt-level 3 | worker / native, as shipped |\n|---|---:|---:|---:|---:|---:|---:|---:|"
        );
        let pct = |s: Option<Stat>| spread(s, percent);
        for site in d.keys("wasm-chromium-web-engine") {
            let _ = writeln!(
                t,
                "| {site} | {} | {} | {} | {} | {} | {} | {} |",
                spread(d.stat("native-engine", site, field), int),
                spread(d.stat("wasm-node-engine", site, field), int),
                spread(d.stat("wasm-chromium-release-engine", site, field), int),
                spread(d.stat("wasm-chromium-web-engine", site, field), int),
                pct(d.paired_ratio("wasm-node-engine", "native-engine", site, field)),
                pct(d.paired_ratio("wasm-chromium-release-engine", "native-engine", site, field)),
                pct(d.paired_ratio("wasm-chromium-web-engine", "native-engine", site, field)),
            );
        }
        t.push('\n');
    }
    t
}

fn train(d: &Data) -> String {
    let mut t = String::from(
        "| site | episodes to 90% | native: episodes/s | native: seconds to 90% | Chromium worker, as shipped: episodes/s | as shipped: seconds to 90% | Chromium worker, opt-level 3: episodes/s | opt-level 3: seconds to 90% |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let secs = |x: f64| format!("{x:.2}");
    for site in d.keys("native-train") {
        let episodes_to_90 = d.stat("native-train", site, "episodes_to_90");
        let _ = writeln!(
            t,
            "| {site} | {} | {} | {} | {} | {} | {} | {} |",
            episodes_to_90.map_or("never".into(), |s| int(s.median)),
            spread(d.stat("native-train", site, "episodes_per_sec"), int),
            spread(d.stat("native-train", site, "seconds_to_90"), secs),
            spread(
                d.stat("wasm-chromium-web-train", site, "episodes_per_sec"),
                int
            ),
            spread(
                d.stat("wasm-chromium-web-train", site, "seconds_to_90"),
                secs
            ),
            spread(
                d.stat("wasm-chromium-release-train", site, "episodes_per_sec"),
                int
            ),
            spread(
                d.stat("wasm-chromium-release-train", site, "seconds_to_90"),
                secs
            ),
        );
    }
    t
}

fn sweep(d: &Data) -> String {
    let cores = d.meta("machine").get("cores").num().unwrap_or(1.0) as usize;
    let secs = |x: f64| format!("{x:.2} s");
    let mut t = String::from("| where | wall time |\n|---|---:|\n");
    let _ = writeln!(
        t,
        "| native, 1 thread | {} |",
        spread(d.stat("native-sweep-threads", "1", "wall"), secs)
    );
    if cores > 1 {
        let _ = writeln!(
            t,
            "| native, {cores} threads | {} |",
            spread(
                d.stat("native-sweep-threads", &cores.to_string(), "wall"),
                secs
            )
        );
    }
    let _ = writeln!(
        t,
        "| Chromium worker, as shipped (opt-level z), one cell per call | {} |",
        spread(
            d.stat("wasm-chromium-web-sweep", "airline", "seconds"),
            secs
        )
    );
    let native: Vec<f64> = d
        .first("native-sweep-threads", "1")
        .map(|r| {
            r.value
                .get("success_rates")
                .items()
                .iter()
                .filter_map(Json::num)
                .collect()
        })
        .unwrap_or_default();
    let browser: Vec<f64> = d
        .first("wasm-chromium-web-sweep", "airline")
        .map(|r| {
            r.value
                .get("success_rates")
                .items()
                .iter()
                .filter_map(Json::num)
                .collect()
        })
        .unwrap_or_default();
    if !native.is_empty() && !browser.is_empty() {
        let _ = write!(
            t,
            "\n{} cells; the browser's success rates {} the native ones.\n",
            native.len(),
            if native == browser {
                "equal, cell for cell,"
            } else {
                "**differ** from"
            }
        );
    }
    t
}

fn criterion(d: &Data) -> String {
    if !d.has("criterion") {
        return "(not measured in this run)".into();
    }
    let mut t =
        String::from("| benchmark | median | 95% interval of the median |\n|---|---:|---:|\n");
    let mut records: Vec<&Record> = d.section("criterion").collect();
    records.sort_by(|a, b| a.key.cmp(&b.key));
    for r in records {
        let ns = |field: &str| r.value.get(field).num().unwrap_or(f64::NAN) * 1e-9;
        let _ = writeln!(
            t,
            "| {} | {} | {} – {} |",
            r.key,
            duration(ns("median")),
            duration(ns("lower")),
            duration(ns("upper"))
        );
    }
    t
}

fn bundle(d: &Data) -> String {
    if !d.has("bundle") {
        return "(not measured in this run)".into();
    }
    let mut t = String::from("| file | bytes | gzip -9 |\n|---|---:|---:|\n");
    let (mut bytes, mut gzip) = (0.0, 0.0);
    for r in bundle_files(d) {
        let b = r.value.get("bytes").num().unwrap_or(0.0);
        let g = r.value.get("gzip").num().unwrap_or(0.0);
        bytes += b;
        gzip += g;
        let _ = writeln!(t, "| `{}` | {} | {} |", r.key, int(b), int(g));
    }
    let _ = writeln!(t, "| total | {} | {} |", int(bytes), int(gzip));
    t
}

/// The files of `dist/`, without Trunk's own dotfiles (its lock file).
fn bundle_files<'a>(d: &Data<'a>) -> impl Iterator<Item = &'a Record> + 'a {
    d.section("bundle").filter(|r| !r.key.starts_with('.'))
}

fn bundle_gzip(d: &Data) -> f64 {
    bundle_files(d)
        .filter_map(|r| r.value.get("gzip").num())
        .sum()
}

fn first_page(d: &Data) -> String {
    if !d.has("first-page") {
        return "(not measured in this run)".into();
    }
    let ms = |x: f64| format!("{x:.0} ms");
    format!(
        "| from navigation to | median (min–max) over {} page loads |\n|---|---:|\n\
         | DOMContentLoaded | {} |\n| the wasm module downloaded | {} |\n\
         | first interactive page (instruction and site drawn) | {} |\n",
        d.values("first-page", "app", "interactive_ms").len(),
        spread(d.stat("first-page", "app", "dom_content_loaded_ms"), ms),
        spread(d.stat("first-page", "app", "wasm_downloaded_ms"), ms),
        spread(d.stat("first-page", "app", "interactive_ms"), ms),
    )
}

/// MiniWoB++'s row for a task.
fn miniwob_row<'a>(d: &Data<'a>, task: &str) -> Option<&'a Json> {
    d.first("miniwob", "result")?
        .value
        .get("rows")
        .items()
        .iter()
        .find(|r| r.get("task").str() == Some(task))
}

fn miniwob(d: &Data) -> String {
    if let Some(r) = d.first("miniwob", "skipped") {
        return format!(
            "Not measured in this run ({}).",
            r.value.str().unwrap_or("skipped")
        );
    }
    let Some(result) = d.first("miniwob", "result") else {
        return "(not measured in this run)".into();
    };
    let mut t = String::from(
        "| MiniWoB++ task | resets/s | steps/s | episodes | steps | other processes' CPU | Wobble site | Wobble resets/s | Wobble steps/s, whole episodes | Wobble step alone | ratio: resets | ratio: steps, whole episodes | ratio: steps alone |\n|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for (task, site) in MINIWOB_TASKS {
        let Some(row) = miniwob_row(d, task) else {
            let _ = writeln!(t, "| {task} | (no result) |||||||||||| ");
            continue;
        };
        if let Some(error) = row.get("error").str() {
            let _ = writeln!(t, "| {task} | error: {error} |||||||||||| ");
            continue;
        }
        let m_resets = row.get("resets_per_s").num().unwrap_or(f64::NAN);
        let m_steps = row.get("steps_per_s").num().unwrap_or(f64::NAN);
        let w_resets = median(d.stat("native-engine", site, "resets_per_sec"));
        let w_steps = median(d.stat("native-engine", site, "steps_per_sec"));
        let w_alone = criterion_median(d, &format!("step/{site}")).map_or(f64::NAN, |ns| 1e9 / ns);
        let _ = writeln!(
            t,
            "| {task} | {} | {} | {} | {} | {} | {site} | {} | {} | {} | {} | {} | {} |",
            num(m_resets),
            num(m_steps),
            int(row.get("episodes").num().unwrap_or(0.0)),
            int(row.get("steps").num().unwrap_or(0.0)),
            row.get("other_procs_cpu_util")
                .num()
                .map_or("–".into(), percent),
            int(w_resets),
            int(w_steps),
            int(w_alone),
            ratio(w_resets / m_resets),
            ratio(w_steps / m_steps),
            ratio(w_alone / m_steps),
        );
    }
    let args = result.value.get("args");
    let _ = write!(
        t,
        "\nMiniWoB++ settings: up to {} episodes or {} s per task, at most {} steps per episode, \
         screenshots on (its default); its wall time here was {}.\n",
        args.get("episodes").num().unwrap_or(0.0),
        args.get("budget").num().unwrap_or(0.0),
        args.get("max_steps").num().unwrap_or(0.0),
        duration(result.wall)
    );
    t
}

/// The targets of BENCHMARKS.md, each with what was measured and whether it is met.
fn targets(d: &Data) -> String {
    let mut t = String::from("| target | measured (medians) | met |\n|---|---|---|\n");
    let yes = |ok: bool| if ok { "yes" } else { "**no**" };
    // Native, whole episodes and steps alone.
    let small_sites = small_sites();
    let small: Vec<(&str, f64)> = small_sites
        .iter()
        .map(|&s| (s, median(d.stat("native-engine", s, "steps_per_sec"))))
        .collect();
    let slowest = small
        .iter()
        .copied()
        .filter(|x| x.1.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((site, rate)) = slowest {
        let under: Vec<&str> = small.iter().filter(|x| x.1 < 1e6).map(|x| x.0).collect();
        let _ = writeln!(
            t,
            "| native, one core: over 1,000,000 random-policy steps/s on the small sites, whole episodes (resets included) | slowest {site}: {} steps/s; {} of {} sites under | {} |",
            int(rate),
            under.len(),
            small.len(),
            yes(under.is_empty())
        );
    }
    let alone: Vec<(&str, f64)> = small_sites
        .iter()
        .filter_map(|&s| criterion_median(d, &format!("step/{s}")).map(|ns| (s, 1e9 / ns)))
        .collect();
    if let Some((site, rate)) = alone.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1)) {
        let _ = writeln!(
            t,
            "| the same, a step alone (criterion, resets excluded) | slowest {site}: {} steps/s | {} |",
            int(rate),
            yes(alone.iter().all(|x| x.1 > 1e6))
        );
    }
    let airline = median(d.stat("native-engine", "airline", "steps_per_sec"));
    if airline.is_finite() {
        let _ = writeln!(
            t,
            "| native, one core: over 200,000 steps/s on the airline, whole episodes | {} steps/s | {} |",
            int(airline),
            yes(airline > 2e5)
        );
    }
    // WASM in Chromium against native.
    for (section, what) in [
        ("wasm-chromium-web-engine", "as shipped (opt-level z)"),
        ("wasm-chromium-release-engine", "built with opt-level 3"),
    ] {
        let ratios: Vec<(&str, f64)> = d
            .keys(section)
            .into_iter()
            .map(|s| {
                (
                    s,
                    median(d.paired_ratio(section, "native-engine", s, "steps_per_sec")),
                )
            })
            .filter(|x| x.1.is_finite())
            .collect();
        if ratios.is_empty() {
            continue;
        }
        let lo = ratios.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
        let hi = ratios.iter().map(|x| x.1).fold(0.0, f64::max);
        let _ = writeln!(
            t,
            "| WASM in a Chromium worker at least half of native, {what} | {}–{} of native steps/s across the sites (medians of run-by-run ratios) | {} |",
            percent(lo),
            percent(hi),
            yes(lo >= 0.5)
        );
    }
    // MiniWoB++.
    if d.first("miniwob", "result").is_some() {
        let mut whole = Vec::new();
        let mut alone = Vec::new();
        for (task, site) in MINIWOB_TASKS {
            let m = miniwob_row(d, task).and_then(|r| r.get("steps_per_s").num());
            if let Some(m) = m {
                whole.push((
                    site,
                    median(d.stat("native-engine", site, "steps_per_sec")) / m,
                ));
                if let Some(ns) = criterion_median(d, &format!("step/{site}")) {
                    alone.push((site, 1e9 / ns / m));
                }
            }
        }
        for (list, what) in [
            (
                &whole,
                "Wobble's whole-episode steps/s (its resets included)",
            ),
            (
                &alone,
                "a Wobble step alone (MiniWoB++ times its steps alone too)",
            ),
        ] {
            if list.is_empty() {
                continue;
            }
            let text: Vec<String> = list
                .iter()
                .map(|(s, r)| format!("{s} {}", ratio(*r)))
                .collect();
            let _ = writeln!(
                t,
                "| at least 50,000× MiniWoB++'s steps/s on the matching tasks: {what} | {} | {} |",
                text.join(", "),
                yes(list.iter().all(|x| x.1 >= 5e4))
            );
        }
    }
    // Allocations.
    if d.has("alloc") {
        let kept: f64 = d
            .section("alloc")
            .map(|r| r.value.get("per_kept_step").num().unwrap_or(0.0))
            .fold(0.0, f64::max);
        let any: f64 = d
            .section("alloc")
            .map(|r| r.value.get("per_step").num().unwrap_or(0.0))
            .fold(0.0, f64::max);
        let _ = writeln!(
            t,
            "| zero heap allocations per step after warm-up | {} per step that keeps the page (every site); up to {} per step over whole episodes (page changes and episode ends allocate) | {} |",
            num(kept),
            num(any),
            if any == 0.0 {
                "yes"
            } else if kept == 0.0 {
                "**partly**"
            } else {
                "**no**"
            }
        );
    }
    // Training and the bundle.
    let airline_90 = median(d.stat("native-train", "airline", "seconds_to_90"));
    if airline_90.is_finite() {
        let _ = writeln!(
            t,
            "| PPO from scratch: airline to 90% in under 10 s on one core | {airline_90:.2} s | {} |",
            yes(airline_90 < 10.0)
        );
    }
    let gzip = bundle_gzip(d);
    if gzip > 0.0 {
        let _ = writeln!(
            t,
            "| release bundle under 800 KB gzip | {} bytes | {} |",
            int(gzip),
            yes(gzip < 800_000.0)
        );
    }
    t
}

/// The README's headline figures (between its bench markers).
pub fn readme_block(d: &Data) -> String {
    let rate = |site: &str| int(median(d.stat("native-engine", site, "steps_per_sec")));
    let others = Stat::of(
        &d.section("phase")
            .filter_map(|r| r.value.get("others").num())
            .collect::<Vec<_>>(),
    );
    let mut t = format!(
        "Speed, as measured by `{}` on {} ({}, {} cores{}). Medians of {} runs on one core; the \
         full tables, their spread and what bounds them are in [BENCHMARKS.md](BENCHMARKS.md).\n\n",
        command(d),
        date(d),
        d.meta("machine").get("cpu").str().unwrap_or("this machine"),
        d.meta("machine").get("cores").num().unwrap_or(1.0),
        others.map_or(String::new(), |s| if s.median < 0.05 {
            format!(
                ", quiet: other processes used {} of the CPU meanwhile",
                percent(s.median)
            )
        } else {
            format!(
                ", shared: other processes kept {} of the CPU busy meanwhile, so a quiet \
                 machine does better",
                percent(s.median)
            )
        }),
        d.runs(),
    );
    let _ = writeln!(
        t,
        "- random policy, whole episodes with every reset: {} steps/s on click-button (one step \
         per episode, so this is its reset rate), {} on login-user, {} on the airline;",
        rate("click-button"),
        rate("login-user"),
        rate("airline")
    );
    if let (Some(a), Some(b)) = (
        criterion_median(d, "step/click-button"),
        criterion_median(d, "step/airline"),
    ) {
        let _ = writeln!(
            t,
            "- a step alone: {} on click-button, {} on the airline (criterion);",
            duration(a * 1e-9),
            duration(b * 1e-9)
        );
    }
    let worker = |site: &str| median(d.stat("wasm-chromium-web-engine", site, "steps_per_sec"));
    if worker("airline").is_finite() {
        let _ = writeln!(
            t,
            "- the same engine as WebAssembly in a Chromium worker (as the app ships it): {} \
             steps/s on the airline, {} of native;",
            int(worker("airline")),
            percent(median(d.paired_ratio(
                "wasm-chromium-web-engine",
                "native-engine",
                "airline",
                "steps_per_sec"
            )))
        );
    }
    let s90 = |section: &str, site: &str| median(d.stat(section, site, "seconds_to_90"));
    if s90("native-train", "airline").is_finite() {
        let _ = writeln!(
            t,
            "- PPO from scratch to 90% success: click-button in {:.2} s, the airline in {:.1} s \
             natively ({:.2} s and {:.1} s in the browser's worker);",
            s90("native-train", "click-button"),
            s90("native-train", "airline"),
            s90("wasm-chromium-web-train", "click-button"),
            s90("wasm-chromium-web-train", "airline"),
        );
    }
    if let Some(m) = miniwob_row(d, "click-button").and_then(|r| r.get("steps_per_s").num()) {
        let flight = miniwob_row(d, "book-flight").and_then(|r| r.get("steps_per_s").num());
        let _ = writeln!(
            t,
            "- MiniWoB++ on the same machine: {} steps/s on click-button{}; Wobble's \
             whole-episode rate is {} that on click-button{};",
            num(m),
            flight.map_or(String::new(), |f| format!(", {} on book-flight", num(f))),
            ratio(median(d.stat("native-engine", "click-button", "steps_per_sec")) / m),
            flight.map_or(String::new(), |f| format!(
                " and {} on the airline",
                ratio(median(d.stat("native-engine", "airline", "steps_per_sec")) / f)
            )),
        );
    }
    let gzip = bundle_gzip(d);
    let interactive = median(d.stat("first-page", "app", "interactive_ms"));
    if gzip > 0.0 {
        let _ = writeln!(
            t,
            "- the web app: {} KB gzip in all; the first interactive page {} ms after navigation \
             on 127.0.0.1.",
            int(gzip / 1000.0),
            int(interactive)
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(section: &str, key: &str, run: usize, value: &str) -> Record {
        Record {
            section: section.into(),
            key: key.into(),
            run,
            wall: 1.0,
            value: Json::parse(value).unwrap(),
        }
    }

    #[test]
    fn medians_and_ranges() {
        let s = Stat::of(&[3.0, 1.0, 2.0, 10.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.n), (2.5, 1.0, 10.0, 4));
        assert_eq!(Stat::of(&[f64::NAN]), None);
        assert_eq!(spread(Some(s), int), "3 (1–10)");
        assert_eq!(int(1234567.4), "1,234,567");
        assert_eq!(int(-1234.0), "-1,234");
        assert_eq!(duration(2.04e-6), "2.04 µs");
    }

    #[test]
    fn renders_placeholders() {
        let records = vec![
            record(
                "native-engine",
                "airline",
                0,
                r#"{"task":"book-flight","steps_per_sec":300000,"episodes_per_sec":7000,"resets_per_sec":9000}"#,
            ),
            record(
                "native-engine",
                "airline",
                1,
                r#"{"task":"book-flight","steps_per_sec":400000,"episodes_per_sec":8000,"resets_per_sec":10000}"#,
            ),
            record(
                "meta",
                "options",
                0,
                r#"{"command":"cargo xtask bench --quick","runs":2}"#,
            ),
        ];
        let data = Data::new(&records);
        let out = render("Run `{{command}}`.\n{{native_engine}}\n", &data).unwrap();
        assert!(out.starts_with("Run `cargo xtask bench --quick`."));
        assert!(out.contains("| airline / book-flight | 350,000 (300,000–400,000) |"));
        assert!(render("{{nope}}", &data).is_err());
    }

    #[test]
    fn replaces_the_readme_block() {
        let readme = "a\n<!-- bench:begin -->\nold\n<!-- bench:end -->\nb\n";
        assert_eq!(
            replace_block(readme, "new\n").unwrap(),
            "a\n<!-- bench:begin -->\nnew\n<!-- bench:end -->\nb\n"
        );
        assert!(replace_block("no markers", "x").is_err());
    }
}
