//! Coverage grids (what the rasterizer says of each pixel of a shape's box):
//! blending them into a screen, and a bounded cache of them, so that a shape
//! painted again exactly as before (most text and boxes, from one step to the
//! next and one episode to the next) is blended without being rasterized.
//!
//! A cache entry is keyed by the rasterizer's whole input, bit for bit: the
//! grid's width and height and every segment's coordinates after the shift to
//! the grid's origin. The same input gives the same coverage, so what a paint
//! produces never depends on what the cache holds.

use crate::float;
use crate::Screen;

/// At most this many shapes are kept.
const MAX_SHAPES: usize = 256;
/// At most this many coverage values (with key words and runs, four values
/// each, counted as values) are kept in all: 16 MiB.
const MAX_VALUES: usize = 1 << 22;
/// Larger shapes are not kept: they would push out many small ones. (A
/// page's card, some 700 by 300 pixels, is kept.)
const MAX_SHAPE_VALUES: usize = MAX_VALUES / 8;
/// Coverage below this is a crumb (a ring's inside is left with ones of
/// 1e-7 or so): blending by it moves no pixel, see [`Grid::blend`].
const CRUMB: f32 = 1.0 / 4096.0;

/// A pixel moved towards luminance `lum` by `k` (coverage times opacity, 0 to 1).
pub(crate) fn blend(pixel: u8, lum: f32, k: f32) -> u8 {
    let v = f32::from(pixel) + (lum - f32::from(pixel)) * k;
    (v + 0.5).clamp(0.0, 255.0) as u8
}

/// Cells of one row of a grid, `start..end`, all fully covered or all partly.
#[derive(Clone, Copy)]
struct Run {
    row: u32,
    start: u32,
    end: u32,
    full: bool,
}

/// A shape's coverage, `width` values a row, and its runs of cells that are not crumbs.
#[derive(Default)]
pub(crate) struct Grid {
    width: usize,
    coverage: Vec<f32>,
    runs: Vec<Run>,
    /// How many cells are fully covered.
    full: usize,
}

impl Grid {
    /// Makes this the grid of `width` by `height` cells that `fill` writes, by index.
    pub(crate) fn set(&mut self, width: usize, height: usize, fill: impl FnOnce(&mut [f32])) {
        self.width = width;
        self.coverage.clear();
        self.coverage.resize(width * height, 0.0);
        fill(&mut self.coverage);
        self.runs.clear();
        self.full = 0;
        for (row, cells) in self.coverage.chunks_exact(width.max(1)).enumerate() {
            let mut open: Option<Run> = None;
            for (x, &c) in cells.iter().enumerate() {
                // NaN is neither: `blend` takes it as full coverage, done partly.
                let class = (c <= 0.0 || c < CRUMB, c >= 1.0);
                let extends = open.is_some_and(|r| !class.0 && r.full == class.1);
                if !extends {
                    self.runs.extend(open.take());
                    if !class.0 {
                        let (row, x) = (row as u32, x as u32);
                        let full = class.1;
                        open = Some(Run {
                            row,
                            start: x,
                            end: x,
                            full,
                        });
                    }
                }
                if let Some(r) = open.as_mut() {
                    r.end += 1;
                    self.full += usize::from(r.full);
                }
            }
            self.runs.extend(open);
        }
    }

    /// Blends `lum` into the screen by this coverage times `alpha`, the grid's
    /// top left at `(ox, oy)` in the screen; its parts off the screen are left
    /// out. Every pixel ends as `blend(pixel, lum, coverage.min(1.0) * alpha)`
    /// where the coverage is above 0, and is not touched elsewhere.
    pub(crate) fn blend(&self, screen: &mut Screen, (ox, oy): (i64, i64), lum: f32, alpha: f32) {
        // The grid's columns on the screen.
        let (screen_w, w) = (i64::from(screen.width), self.width as i64);
        let lo = (-ox).clamp(0, w);
        let hi = (screen_w - ox).clamp(lo, w);
        // With |lum| <= 256 and |alpha| <= 1, a crumb changes a pixel by
        // under 511 / 4096 < 1/4, which `blend` rounds away: skip them.
        if !(lum.abs() <= 256.0 && alpha.abs() <= 1.0) {
            for (r, cells) in self.coverage.chunks_exact(self.width.max(1)).enumerate() {
                let Some(row) = row_of(screen, (ox, oy + r as i64), lo..hi) else {
                    continue;
                };
                let cells = cells.get(lo as usize..hi as usize).unwrap_or(&[]);
                for (px, &coverage) in row.iter_mut().zip(cells) {
                    if coverage <= 0.0 {
                        continue;
                    }
                    *px = blend(*px, lum, float::min(coverage, 1.0) * alpha);
                }
            }
            return;
        }
        // Fully covered pixels all blend by `alpha`: with many, look their
        // new values up (the same `blend`, computed once per old value).
        let lookup: Option<[u8; 256]> =
            (self.full >= 256).then(|| std::array::from_fn(|p| blend(p as u8, lum, alpha)));
        for run in &self.runs {
            let (start, end) = (i64::from(run.start).max(lo), i64::from(run.end).min(hi));
            let Some(row) = row_of(screen, (ox, oy + i64::from(run.row)), start..end) else {
                continue;
            };
            match (run.full, &lookup) {
                (true, Some(lookup)) => {
                    row.iter_mut().for_each(|px| *px = lookup[usize::from(*px)])
                }
                (true, None) => row.iter_mut().for_each(|px| *px = blend(*px, lum, alpha)),
                (false, _) => {
                    let at = run.row as usize * self.width;
                    let cells = self.coverage.get(at + start as usize..at + end as usize);
                    for (px, &coverage) in row.iter_mut().zip(cells.unwrap_or(&[])) {
                        *px = blend(*px, lum, float::min(coverage, 1.0) * alpha);
                    }
                }
            }
        }
    }

    /// Coverage values held, runs counted as four.
    fn size(&self) -> usize {
        self.coverage.len() + 4 * self.runs.len()
    }

    fn copy_from(&mut self, other: &Grid) {
        self.width = other.width;
        self.full = other.full;
        self.coverage.clear();
        self.coverage.extend_from_slice(&other.coverage);
        self.runs.clear();
        self.runs.extend_from_slice(&other.runs);
    }
}

/// The screen pixels of grid columns `cols` in the row at `y`, the grid's left at `ox`
/// (none when the row is off the screen or no column is on it).
fn row_of(
    screen: &mut Screen,
    (ox, y): (i64, i64),
    cols: std::ops::Range<i64>,
) -> Option<&mut [u8]> {
    let (screen_w, screen_h) = (i64::from(screen.width), i64::from(screen.height));
    if y < 0 || y >= screen_h || cols.start >= cols.end {
        return None;
    }
    let start = (y * screen_w + ox + cols.start) as usize;
    screen
        .pixels
        .get_mut(start..start + (cols.end - cols.start) as usize)
}

/// One kept shape: its grid and the key it was rasterized from.
#[derive(Default)]
struct Entry {
    hash: u64,
    key: Vec<u32>,
    grid: Grid,
    /// When it was last used, for evicting the least recently used.
    used: u64,
}

/// Coverage grids by rasterizer input (see the module's docs).
#[derive(Default)]
pub(crate) struct CoverageCache {
    entries: Vec<Entry>,
    /// The size of all of `entries`' grids and keys.
    values: usize,
    clock: u64,
    /// An evicted entry's buffers, reused by the next insertion.
    spare: Option<Entry>,
}

/// A 64-bit FNV-1a hash over 32-bit words (cheap; hits compare the whole key).
pub(crate) fn hash(key: &[u32]) -> u64 {
    key.iter().fold(0xcbf2_9ce4_8422_2325, |h: u64, &w| {
        (h ^ u64::from(w)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl CoverageCache {
    /// The grid rasterized from `key` (whose hash is `hash`), if kept.
    pub(crate) fn get(&mut self, hash: u64, key: &[u32]) -> Option<&Grid> {
        self.clock += 1;
        let e = self
            .entries
            .iter_mut()
            .find(|e| e.hash == hash && e.key == key)?;
        e.used = self.clock;
        Some(&e.grid)
    }

    /// Keeps `grid`, rasterized from `key`, evicting the least recently
    /// used shapes to make room.
    pub(crate) fn insert(&mut self, hash: u64, key: &[u32], grid: &Grid) {
        let size = grid.size() + key.len();
        if size > MAX_SHAPE_VALUES {
            return;
        }
        while self.entries.len() >= MAX_SHAPES || self.values + size > MAX_VALUES {
            let Some((oldest, _)) = self.entries.iter().enumerate().min_by_key(|(_, e)| e.used)
            else {
                break;
            };
            let e = self.entries.swap_remove(oldest);
            self.values -= e.grid.size() + e.key.len();
            self.spare = Some(e);
        }
        let mut e = self.spare.take().unwrap_or_default();
        e.hash = hash;
        e.key.clear();
        e.key.extend_from_slice(key);
        e.grid.copy_from(grid);
        e.used = self.clock;
        self.values += size;
        self.entries.push(e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crumb_moves_no_pixel() {
        // The largest crumb, at full opacity, for every pixel and many luminances.
        let k = f32::from_bits(CRUMB.to_bits() - 1);
        for lum in (-256..=256).map(|l| l as f32 + 0.37) {
            for alpha in [1.0, -1.0, 0.5] {
                for p in 0..=255u8 {
                    assert_eq!(blend(p, lum, k.min(1.0) * alpha), p, "{p} {lum} {alpha}");
                }
            }
        }
    }

    #[test]
    fn runs_cover_every_cell_that_is_not_a_crumb() {
        let cells = [0.0, 1e-7, 0.5, 1.0, 1.2, f32::NAN, 0.3, 0.0, 1.0];
        let mut grid = Grid::default();
        grid.set(3, 3, |c| c.copy_from_slice(&cells));
        let runs: Vec<_> = grid
            .runs
            .iter()
            .map(|r| (r.row, r.start, r.end, r.full))
            .collect();
        assert_eq!(
            runs,
            [
                (0, 2, 3, false),
                (1, 0, 2, true),
                (1, 2, 3, false),
                (2, 0, 1, false),
                (2, 2, 3, true)
            ]
        );
        assert_eq!(grid.full, 3);
    }
}
