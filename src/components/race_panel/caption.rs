//! The race card's one-line caption, written from the measured matrix.
//!
//! `docs/sweeps/agents.csv` is what `wobble sweep --agents reader=...,screen=...,script` wrote
//! for the airline (100 unseen seeds per cell, the same seeds the race plays), and a test keeps
//! it fresh. The caption quotes the reader's and the screen agent's row for the site as it is
//! now (unchanged, or one kind of change at one severity) and names the mechanism: what each
//! agent perceives, and so what the change takes from it. Every figure comes from the file; for
//! a mix of changes the file has no row, and the caption says how to measure it.

use wobble_engine::perturb::{Kind, PerturbSpec};

/// The measured matrix, embedded at build time.
const MATRIX: &str = include_str!("../../../docs/sweeps/agents.csv");

/// One agent's measured cell.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cell {
    episodes: u64,
    successes: u64,
    low: f64,
    high: f64,
}

impl Cell {
    fn describe(self) -> String {
        format!(
            "{:.0}% [{:.0}–{:.0}]",
            self.successes as f64 * 100.0 / self.episodes.max(1) as f64,
            self.low * 100.0,
            self.high * 100.0
        )
    }
}

/// The cell of `agent` under `kind` (`none` for the unchanged site) at `severity`.
fn measured(agent: &str, kind: &str, severity: u8) -> Option<Cell> {
    let mut lines = MATRIX.lines();
    let header: Vec<&str> = lines.next()?.split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name);
    let (a, k, s) = (column("agent")?, column("kind")?, column("severity")?);
    let (e, n) = (column("episodes")?, column("successes")?);
    let (lo, hi) = (column("ci95_low")?, column("ci95_high")?);
    lines.find_map(|line| {
        let row: Vec<&str> = line.split(',').collect();
        let field = |i: usize| row.get(i).copied();
        (field(a)? == agent && field(k)? == kind && field(s)?.parse::<u8>().ok()? == severity)
            .then_some(())?;
        Some(Cell {
            episodes: field(e)?.parse().ok()?,
            successes: field(n)?.parse().ok()?,
            low: field(lo)?.parse().ok()?,
            high: field(hi)?.parse().ok()?,
        })
    })
}

/// Why the change does what it does to each agent: what each perceives.
fn mechanism(kind: Option<Kind>) -> &'static str {
    match kind {
        None => "Trained on this site, both book nearly every flight.",
        Some(Kind::Font) => {
            "The screen agent knows a city or a field by the shapes of letters drawn in the one \
             face it trained on, and new glyphs no longer match; the reader reads the words, \
             which a font does not change."
        }
        Some(Kind::Move) => {
            "The screen agent sees where each button is and the ink around it, and both change; \
             the reader reads the buttons' words, which stay."
        }
        Some(Kind::Relabel) => {
            "Both learned the site's words: the reader looks for them in the text, the screen \
             agent for their picture in the label."
        }
        Some(Kind::RenameSelectors) => {
            "Renamed ids change no word and no pixel, and neither agent reads ids."
        }
        Some(_) => "",
    }
}

/// The caption for the site under `spec`.
pub fn caption(spec: &PerturbSpec) -> String {
    let (kind, severity) = match spec.items() {
        [] => (None, 0),
        [one] => (Some(one.kind), one.severity),
        _ => {
            return format!(
                "No measured row for {spec} together: `wobble sweep --agents` measures one change at a time."
            )
        }
    };
    let name = kind.map_or("none", Kind::name);
    match (measured("reader", name, severity), measured("screen", name, severity)) {
        (Some(reader), Some(screen)) => {
            let on = match kind {
                None => "on the unchanged site".to_string(),
                Some(_) => format!("with {spec}"),
            };
            format!(
                "Measured on {} unseen flights {on}: reader {}, screen agent {}. {}",
                reader.episodes,
                reader.describe(),
                screen.describe(),
                mechanism(kind)
            )
            .trim_end()
            .to_string()
        }
        _ => format!(
            "No measured row for {spec}: `wobble sweep --agents reader=policies/airline.json,screen=policies/airline-screen.json --kinds {name}` measures it."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_figure_comes_from_the_matrix_file() {
        for (spec, kind, severity) in [
            ("", "none", 0),
            ("font:3", "font", 3),
            ("move:3", "move", 3),
        ] {
            let spec: PerturbSpec = spec.parse().unwrap();
            let text = caption(&spec);
            for agent in ["reader", "screen"] {
                let cell = measured(agent, kind, severity).unwrap();
                assert!(text.contains(&cell.describe()), "{text}");
                assert!(
                    text.contains(&format!("Measured on {} ", cell.episodes)),
                    "{text}"
                );
            }
        }
        // The matrix's own figures, read independently of `measured`.
        let row = MATRIX
            .lines()
            .find(|l| l.starts_with("screen,font,3,"))
            .unwrap();
        let successes: u64 = row.split(',').nth(4).unwrap().parse().unwrap();
        assert_eq!(measured("screen", "font", 3).unwrap().successes, successes);
    }

    #[test]
    fn a_change_the_matrix_did_not_measure_says_how_to_measure_it() {
        let popup: PerturbSpec = "popup:2".parse().unwrap();
        assert!(caption(&popup).starts_with("No measured row for popup:2"));
        let both: PerturbSpec = "font:3,move:3".parse().unwrap();
        assert!(caption(&both).contains("one change at a time"));
    }
}
