//! The person's own record: the episodes a person played alone from start to end, counted per
//! site, task and perturbations, so that the race card and the training panel's comparison can
//! show "you" beside the agents, with the episode count and the 95% interval.
//!
//! Only whole episodes count: one the agent, an outside script or an imported recording had a
//! step in is not the person's. The person plays whatever seeds the page shows; agents in the
//! comparisons play evaluation seeds. A person was not trained on any of them.

use wobble_policy::Standing;

use super::Selection;

/// One row: what was played, and how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YourRow {
    /// Site.
    pub site: String,
    /// Task.
    pub task: String,
    /// The perturbations, in the spec's canonical words ("" for none).
    pub perturb: String,
    /// Episodes played to the end.
    pub episodes: u64,
    /// Of which succeeded.
    pub successes: u64,
}

impl YourRow {
    /// The count as an agent's is kept, under the name "you": its rate and 95% interval.
    pub fn tally(&self) -> Standing {
        Standing {
            name: "you".into(),
            episodes: self.episodes,
            successes: self.successes,
        }
    }

    /// Whether this is the row of this site, task and spec.
    fn is(&self, site: &str, task: &str, perturb: &str) -> bool {
        (
            self.site.as_str(),
            self.task.as_str(),
            self.perturb.as_str(),
        ) == (site, task, perturb)
    }
}

/// Every row so far (kept for the visit, in the order first played).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Yours {
    rows: Vec<YourRow>,
}

impl Yours {
    /// Counts one episode the person finished on `selection`.
    pub fn count(&mut self, selection: &Selection, success: bool) {
        let perturb = selection.perturb.to_string();
        let (site, task) = (&selection.site, &selection.task);
        if let Some(row) = self.rows.iter_mut().find(|r| r.is(site, task, &perturb)) {
            row.episodes += 1;
            row.successes += u64::from(success);
            return;
        }
        self.rows.push(YourRow {
            site: site.clone(),
            task: task.clone(),
            perturb,
            episodes: 1,
            successes: u64::from(success),
        });
    }

    /// Every row, in the order first played.
    pub fn rows(&self) -> &[YourRow] {
        &self.rows
    }

    /// The row of this site, task and spec (in its canonical words), if the person played it.
    pub fn get(&self, site: &str, task: &str, perturb: &str) -> Option<&YourRow> {
        self.rows.iter().find(|r| r.is(site, task, perturb))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(perturb: &str) -> Selection {
        Selection {
            site: "airline".into(),
            task: "book-flight".into(),
            seed: 1,
            perturb: perturb.parse().unwrap(),
        }
    }

    #[test]
    fn episodes_count_per_site_task_and_spec() {
        let mut yours = Yours::default();
        yours.count(&on(""), true);
        yours.count(&on(""), false);
        yours.count(&on("relabel:3"), true);
        let plain = yours.get("airline", "book-flight", "").unwrap();
        assert_eq!((plain.episodes, plain.successes), (2, 1));
        assert_eq!(plain.tally().rate(), 0.5);
        let reworded = yours.get("airline", "book-flight", "relabel:3").unwrap();
        assert_eq!((reworded.episodes, reworded.successes), (1, 1));
        assert!(
            reworded.tally().interval().low < 0.25,
            "one episode says little"
        );
        assert!(yours.get("airline", "book-flight", "popup:3").is_none());
        assert!(yours.get("bank", "book-flight", "").is_none());
    }
}
