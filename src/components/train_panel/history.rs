//! The progress points a training run has reported, thinned so the charts stay cheap to draw.
//!
//! The worker's [`Point`]s arrive in batches; the [`Board`](super::board::Board) reducer adds them to its
//! [`History`] and the training section draws the charts from it.

use wobble_app::agent::Point;

/// The most points a chart draws.
pub(super) const MAX_POINTS: usize = 400;
/// The room a [`History`] keeps: its most points and the one that makes it thin out.
const HISTORY_CAPACITY: usize = MAX_POINTS + 1;

/// The progress points the charts draw, at most [`MAX_POINTS`] of them.
///
/// The board is cloned on every change, and a plain `Vec` clone allocates exactly its length:
/// a history that grows point by point would then ask the allocator for ever larger blocks and
/// the page's memory would creep up for as long as the chart fills. Every `History` (clones
/// included) holds storage of one size from the start, so a training run's memory is the same
/// from its first report to its last.
#[derive(Debug, PartialEq)]
pub(super) struct History(Vec<Point>);

impl History {
    pub(super) fn new() -> Self {
        History(Vec::with_capacity(HISTORY_CAPACITY))
    }

    /// Adds `points`; past [`MAX_POINTS`], keeps every other point and always the latest.
    pub(super) fn extend(&mut self, points: impl IntoIterator<Item = Point>) {
        for point in points {
            self.0.push(point);
            if self.0.len() > MAX_POINTS {
                // Keeps the points at even places; an even length would lose the latest.
                let latest_dropped = self.0.len().is_multiple_of(2);
                let mut index = 0;
                self.0.retain(|_| {
                    index += 1;
                    index % 2 == 1
                });
                if latest_dropped {
                    self.0.push(point);
                }
            }
        }
    }

    pub(super) fn clear(&mut self) {
        self.0.clear();
    }
}

impl Clone for History {
    fn clone(&self) -> Self {
        let mut points = Vec::with_capacity(self.0.capacity().max(HISTORY_CAPACITY));
        points.extend_from_slice(&self.0);
        History(points)
    }
}

impl std::ops::Deref for History {
    type Target = [Point];

    fn deref(&self) -> &[Point] {
        &self.0
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A progress point at `episodes` (the other figures do not matter to these tests).
    pub(in super::super) fn point(episodes: u64) -> Point {
        Point {
            episodes,
            total: 100_000,
            per_second: 1000.0,
            success_rate: 0.5,
            mean_return: 0.0,
            mean_steps: 2.0,
            memory_bytes: 0,
        }
    }

    #[test]
    fn a_history_and_its_clones_keep_room_for_the_whole_chart() {
        let mut history = History::new();
        history.extend((1..=3).map(point));
        let copy = history.clone();
        assert_eq!(&*copy, &*history);
        assert!(
            copy.0.capacity() >= HISTORY_CAPACITY,
            "{}",
            copy.0.capacity()
        );
        history.extend((4..=1000).map(point));
        assert_eq!(
            history.0.capacity(),
            HISTORY_CAPACITY,
            "thinning never reallocates"
        );
        assert_eq!(history.first().map(|p| p.episodes), Some(1));
    }
}
