//! Scaling over cores (`{{scaling}}`): rates and wall times on 1..=cores threads, with the
//! speed-up and whether the output stayed the same byte for byte.

use super::format::{int, median, ratio, spread};
use super::{Data, Stat};
use std::fmt::Write as _;

pub(super) fn scaling(d: &Data) -> String {
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
