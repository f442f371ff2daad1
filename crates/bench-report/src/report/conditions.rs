//! How and where the run was made, for the report's opening paragraph (`{{command}}`,
//! `{{date}}`, `{{machine}}`, `{{versions}}`, `{{runs}}`, `{{seconds}}`, `{{load}}`), and how it
//! went: each phase's wall time and load (`{{phases}}`).

use super::format::{duration, percent};
use super::Data;
use crate::json::Json;
use std::fmt::Write as _;

pub(super) fn command(d: &Data) -> String {
    d.option("command")
        .str()
        .unwrap_or("cargo xtask bench")
        .to_string()
}

pub(super) fn date(d: &Data) -> String {
    d.meta("date_start")
        .str()
        .unwrap_or("an unknown date")
        .to_string()
}

pub(super) fn runs(d: &Data) -> String {
    d.runs().to_string()
}

pub(super) fn seconds(d: &Data) -> String {
    d.option("seconds").num().unwrap_or(2.0).to_string()
}

pub(super) fn machine(d: &Data) -> String {
    let m = d.meta("machine");
    format!(
        "{} cores ({}), {:.0} GiB, {}",
        m.get("cores").num().unwrap_or(0.0),
        m.get("cpu").str().unwrap_or("unknown CPU"),
        m.get("memory_gib").num().unwrap_or(0.0),
        m.get("os").str().unwrap_or("unknown OS"),
    )
}

pub(super) fn versions(d: &Data) -> String {
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

pub(super) fn load(d: &Data) -> String {
    format!(
        "{} at the start, {} at the end",
        d.meta("load_start").str().unwrap_or("?"),
        d.meta("load_end").str().unwrap_or("?")
    )
}

pub(super) fn phases(d: &Data) -> String {
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
