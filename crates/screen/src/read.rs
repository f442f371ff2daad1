//! Reading a screen: where the ink is, whether two pieces of text look the
//! same, and a small glyph reader for numbers.
//!
//! These are the eyes of an agent that sees only pixels. They know nothing
//! of the page's elements: they look at a rectangle of pixels. The glyph
//! reader is a nearest-template classifier whose templates are the
//! characters of the faces it was trained on (DejaVu Sans, regular and bold,
//! at 12 to 17 pixels: the default theme's); a glyph far from every template
//! is not read. So a page set in an unseen face can become unreadable to it,
//! as an unseen font is to a screenshot agent.

use crate::float;
use crate::fonts::FaceFile;
use crate::{Painter, Screen};

/// A rectangle of screen pixels: columns `x0..x1`, rows `y0..y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Region {
    /// First column.
    pub x0: i64,
    /// First row.
    pub y0: i64,
    /// One past the last column.
    pub x1: i64,
    /// One past the last row.
    pub y1: i64,
}

impl Region {
    /// The region from page-pixel bounds at a scale (rounded outwards).
    pub fn from_box(x: f32, y: f32, w: f32, h: f32, scale: f32) -> Region {
        Region {
            x0: (x * scale).floor() as i64,
            y0: (y * scale).floor() as i64,
            x1: ((x + w) * scale).ceil() as i64,
            y1: ((y + h) * scale).ceil() as i64,
        }
    }

    /// All of a screen.
    pub fn whole(screen: &Screen) -> Region {
        Region {
            x0: 0,
            y0: 0,
            x1: i64::from(screen.width),
            y1: i64::from(screen.height),
        }
    }

    /// The region clipped to a screen.
    pub fn clip(self, screen: &Screen) -> Region {
        let (w, h) = (i64::from(screen.width), i64::from(screen.height));
        Region {
            x0: self.x0.clamp(0, w),
            y0: self.y0.clamp(0, h),
            x1: self.x1.clamp(0, w),
            y1: self.y1.clamp(0, h),
        }
    }

    /// Width in pixels (0 when empty).
    pub fn width(&self) -> i64 {
        (self.x1 - self.x0).max(0)
    }

    /// Height in pixels (0 when empty).
    pub fn height(&self) -> i64 {
        (self.y1 - self.y0).max(0)
    }

    /// Whether it has no pixels.
    pub fn is_empty(&self) -> bool {
        self.width() == 0 || self.height() == 0
    }
}

/// Row `y` of a screen (empty outside it).
fn row(screen: &Screen, y: i64) -> &[u8] {
    let w = screen.width as usize;
    usize::try_from(y)
        .ok()
        .and_then(|y| screen.pixels.get(y * w..(y + 1) * w))
        .unwrap_or(&[])
}

/// The pixels of row `y` in the columns of `r`, a region clipped to the screen.
fn span(screen: &Screen, r: Region, y: i64) -> &[u8] {
    row(screen, y)
        .get(r.x0 as usize..r.x1 as usize)
        .unwrap_or(&[])
}

/// The pixel at column `x` of a row, or white outside it (as [`Screen::get`]).
fn at(row: &[u8], x: i64) -> u8 {
    usize::try_from(x)
        .ok()
        .and_then(|x| row.get(x))
        .copied()
        .unwrap_or(u8::MAX)
}

/// The most common luminance of a region: its background.
pub fn background(screen: &Screen, region: Region) -> u8 {
    let r = region.clip(screen);
    let mut counts = [0u32; 256];
    for y in r.y0..r.y1 {
        // Counted a stretch of equal pixels at a time: a background is long
        // stretches, and adding to one count pixel by pixel waits on each add.
        let mut pixels = span(screen, r, y);
        while let Some(&p) = pixels.first() {
            let same = pixels.iter().take_while(|&&q| q == p).count();
            counts[usize::from(p)] += same as u32;
            pixels = pixels.get(same..).unwrap_or(&[]);
        }
    }
    let mut best = 255u8;
    let mut best_count = 0;
    for (v, &c) in counts.iter().enumerate() {
        if c > best_count {
            best_count = c;
            best = v as u8;
        }
    }
    best
}

/// How much a pixel stands out from the background, 0 to 1.
fn ink_of(pixel: u8, bg: u8) -> f32 {
    float::min(f32::from(pixel.abs_diff(bg)) / 128.0, 1.0)
}

/// The ink of columns `xs` of a row (white outside it) in 128ths: the
/// sum of `ink_of` times 128, each a whole number.
fn ink_128ths(row: &[u8], xs: std::ops::Range<i64>, bg: u8) -> u32 {
    let len = row.len() as i64;
    let (a, b) = (xs.start.clamp(0, len), xs.end.clamp(0, len));
    let inside: u32 = row
        .get(a as usize..b.max(a) as usize)
        .unwrap_or(&[])
        .iter()
        .map(|&p| u32::from(p.abs_diff(bg).min(128)))
        .sum();
    let outside = (xs.end - xs.start - (b - a).max(0)).max(0) as u32;
    inside + outside * u32::from(u8::MAX.abs_diff(bg).min(128))
}

/// The share of a region's pixels that are ink (stand out by half or more).
pub fn ink_share(screen: &Screen, region: Region, bg: u8) -> f32 {
    let r = region.clip(screen);
    if r.is_empty() {
        return 0.0;
    }
    let mut ink = 0u32;
    for y in r.y0..r.y1 {
        let inked = span(screen, r, y).iter().filter(|&&p| ink_of(p, bg) >= 0.5);
        ink += inked.count() as u32;
    }
    ink as f32 / (r.width() * r.height()) as f32
}

/// Mean ink of each cell of a `cols` by `rows` grid over a region, row by row, into `out`.
pub fn ink_grid(
    screen: &Screen,
    region: Region,
    bg: u8,
    cols: usize,
    rows: usize,
    out: &mut [f32],
) {
    for v in out.iter_mut() {
        *v = 0.0;
    }
    let (w, h) = (region.width(), region.height());
    if w == 0 || h == 0 || cols == 0 || rows == 0 {
        return;
    }
    // Each pixel's ink is a whole number of 128ths (see `ink_of`). While a
    // cell's sum stays under 2^24 128ths (the region has under 2^17 pixels)
    // every float add is exact, so adding the 128ths up as integers (much
    // faster) gives the same float.
    let whole = cols * rows <= 64 && w * h < 1 << 17;
    let mut sums = [0u32; 64];
    let mut counts = [0u32; 64];
    let cols_i = cols as i64;
    for y in region.y0..region.y1 {
        let line = row(screen, y);
        let cell_row = ((y - region.y0) * rows as i64 / h) as usize;
        // Column x is in grid column (x - x0) * cols / w: grid column `col`
        // spans from the first x with (x - x0) * cols >= col * w.
        let mut x = region.x0;
        for col in 0..cols {
            let end = region.x0 + ((col as i64 + 1) * w + cols_i - 1) / cols_i;
            let cell = cell_row * cols + col;
            if let Some(v) = out.get_mut(cell) {
                match sums.get_mut(cell).filter(|_| whole) {
                    Some(sum) => *sum += ink_128ths(line, x..end, bg),
                    None => {
                        for x in x..end {
                            *v += ink_of(at(line, x), bg);
                        }
                    }
                }
                if let Some(c) = counts.get_mut(cell) {
                    *c += (end - x) as u32;
                }
            }
            x = end;
        }
    }
    if whole {
        for (v, &sum) in out.iter_mut().zip(&sums) {
            *v = sum as f32 / 128.0;
        }
    }
    for (v, &c) in out.iter_mut().zip(counts.iter()) {
        if c > 0 {
            *v /= c as f32;
        }
    }
}

/// The smallest region holding all the ink of `region` (none if it has none).
pub fn ink_bounds(screen: &Screen, region: Region, bg: u8) -> Option<Region> {
    let r = region.clip(screen);
    let mut found: Option<Region> = None;
    for y in r.y0..r.y1 {
        let pixels = span(screen, r, y);
        let inked = |p: &u8| ink_of(*p, bg) >= 0.25;
        let (Some(first), Some(last)) = (
            pixels.iter().position(inked),
            pixels.iter().rposition(inked),
        ) else {
            continue;
        };
        let (x0, x1) = (r.x0 + first as i64, r.x0 + last as i64 + 1);
        let b = found.get_or_insert(Region {
            x0,
            y0: y,
            x1,
            y1: y + 1,
        });
        b.x0 = b.x0.min(x0);
        b.x1 = b.x1.max(x1);
        b.y1 = y + 1;
    }
    found
}

/// How alike two pieces of text look, 0 to 1: the normalized correlation of
/// their ink, each cropped to its ink and aligned at the top left. The same
/// string in the same face and size gives 1; another string, face or size
/// gives less. (Both [`InkPatch`]es at once; keep patches to compare often.)
pub fn look_alike(a: &Screen, a_region: Region, b: &Screen, b_region: Region) -> f32 {
    InkPatch::of(a, a_region).look_alike(&InkPatch::of(b, b_region))
}

/// The ink of a region cropped to its bounds: a piece of text ready to be
/// compared with another ([`InkPatch::look_alike`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InkPatch {
    width: usize,
    height: usize,
    ink: Vec<f32>,
    /// The square root of the sum of squared ink.
    norm: f32,
}

impl InkPatch {
    /// The patch of a region of a screen.
    pub fn of(screen: &Screen, region: Region) -> InkPatch {
        let mut patch = InkPatch::default();
        patch.set(screen, region);
        patch
    }

    /// Makes this the patch of a region of a screen, reusing its storage.
    pub fn set(&mut self, screen: &Screen, region: Region) {
        self.ink.clear();
        let bg = background(screen, region);
        let Some(b) = ink_bounds(screen, region, bg) else {
            (self.width, self.height, self.norm) = (0, 0, 0.0);
            return;
        };
        (self.width, self.height) = (b.width() as usize, b.height() as usize);
        let mut sum = 0.0f32;
        for y in b.y0..b.y1 {
            for &p in span(screen, b, y) {
                let v = ink_of(p, bg);
                sum += v * v;
                self.ink.push(v);
            }
        }
        self.norm = sum.sqrt();
    }

    /// Whether it holds no ink.
    pub fn is_empty(&self) -> bool {
        self.norm <= 0.0
    }

    /// Where this patch (a word) best matches inside `haystack` (a label, say),
    /// how alike it looks there, 0 to 1: the normalized correlation at the
    /// best place. Rows near each line of the haystack's text are tried; along
    /// each, the column profiles (ink summed down each column) pick the three
    /// most promising places, where the whole pictures are compared.
    pub fn find_in(&self, haystack: &InkPatch) -> f32 {
        if self.is_empty() || haystack.is_empty() {
            return 0.0;
        }
        let (w, h) = (self.width, self.height);
        if w > haystack.width || h > haystack.height + 2 {
            return 0.0;
        }
        let rows = haystack.height.saturating_sub(h);
        let mut best = 0.0f32;
        // Rows where a line of text starts (ink after a blank row), and the
        // ones beside them; a row crossed only by a border or two is blank.
        let blank = |y: usize| {
            haystack
                .ink
                .get(y * haystack.width..(y + 1) * haystack.width)
                .is_none_or(|row| row.iter().filter(|&&v| v >= 0.25).count() < 3)
        };
        let mut mine = vec![0.0f32; w];
        for y in 0..h {
            for (m, v) in mine
                .iter_mut()
                .zip(self.ink.get(y * w..(y + 1) * w).unwrap_or(&[]))
            {
                *m += v;
            }
        }
        let mine_norm = mine.iter().map(|v| v * v).sum::<f32>().sqrt();
        let mut theirs = vec![0.0f32; haystack.width];
        for top in 0..=rows {
            let line_starts = top == 0 || (blank(top - 1) && !blank(top));
            if !line_starts {
                continue;
            }
            for y0 in top.saturating_sub(1)..=(top + 1).min(rows) {
                let rows_here = h.min(haystack.height - y0);
                theirs.iter_mut().for_each(|v| *v = 0.0);
                for y in y0..y0 + rows_here {
                    let row = haystack
                        .ink
                        .get(y * haystack.width..(y + 1) * haystack.width);
                    for (t, v) in theirs.iter_mut().zip(row.unwrap_or(&[])) {
                        *t += v;
                    }
                }
                // The three places whose column profiles correlate best.
                let mut places = [(f32::MIN, 0usize); 3];
                for x0 in 0..=(haystack.width - w) {
                    let window = theirs.get(x0..x0 + w).unwrap_or(&[]);
                    let (mut dot, mut sq) = (0.0f32, 0.0f32);
                    for (a, b) in mine.iter().zip(window) {
                        dot += a * b;
                        sq += b * b;
                    }
                    let score = if sq > 0.0 {
                        dot / (mine_norm * sq.sqrt())
                    } else {
                        0.0
                    };
                    if let Some(worst) = places.iter_mut().min_by(|a, b| a.0.total_cmp(&b.0)) {
                        if score > worst.0 {
                            *worst = (score, x0);
                        }
                    }
                }
                for &(score, x0) in &places {
                    if score == f32::MIN {
                        continue;
                    }
                    let (mut dot, mut sq) = (0.0f32, 0.0f32);
                    for y in 0..rows_here {
                        let start = (y0 + y) * haystack.width + x0;
                        let hay = haystack.ink.get(start..start + w).unwrap_or(&[]);
                        let me = self.ink.get(y * w..(y + 1) * w).unwrap_or(&[]);
                        for (a, b) in me.iter().zip(hay) {
                            dot += a * b;
                            sq += b * b;
                        }
                    }
                    if sq > 0.0 {
                        best = float::max(best, dot / (self.norm * sq.sqrt()));
                    }
                }
            }
        }
        best.clamp(0.0, 1.0)
    }

    /// How alike two patches look, 0 to 1 (see [`look_alike`]).
    pub fn look_alike(&self, other: &InkPatch) -> f32 {
        if self.is_empty() || other.is_empty() {
            return 0.0;
        }
        let (w, h) = (self.width.min(other.width), self.height.min(other.height));
        let mut dot = 0.0f32;
        for y in 0..h {
            let a = self
                .ink
                .get(y * self.width..y * self.width + w)
                .unwrap_or(&[]);
            let b = other
                .ink
                .get(y * other.width..y * other.width + w)
                .unwrap_or(&[]);
            dot += a.iter().zip(b).map(|(p, q)| p * q).sum::<f32>();
        }
        (dot / (self.norm * other.norm)).clamp(0.0, 1.0)
    }
}

/// Columns and rows of a glyph's normalized picture.
const GLYPH_COLS: usize = 5;
const GLYPH_ROWS: usize = 7;
/// Length of a glyph's description: its picture and its shape.
const GLYPH_DIMS: usize = GLYPH_COLS * GLYPH_ROWS + 2;
/// The characters the reader knows.
const KNOWN: &str = "0123456789$.,:/-()abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// A glyph farther than this from every template is not read.
const UNREADABLE: f32 = 1.2;

/// A number read off the screen and where its word starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadNumber {
    /// Left edge of the word, in screen pixels.
    pub x: i64,
    /// Its value.
    pub value: f64,
    /// Whether it was written as money (with a `$`).
    pub money: bool,
}

/// A nearest-template glyph reader, trained on the default theme's faces.
#[derive(Debug, Clone)]
pub struct GlyphReader {
    templates: Vec<(char, [f32; GLYPH_DIMS])>,
    columns: Vec<f32>,
}

impl GlyphReader {
    /// Renders the templates: every known character in DejaVu Sans and Sans
    /// Bold at 12 to 17 pixels (at `scale` screen pixels per page pixel).
    pub fn train(painter: &mut Painter, scale: f32) -> GlyphReader {
        let mut templates = Vec::new();
        let mut screen = Screen::default();
        let mut buf = [0u8; 4];
        for file in [FaceFile::Sans, FaceFile::SansBold] {
            for size in 12..=17 {
                for (c, shift) in KNOWN
                    .chars()
                    .flat_map(|c| [(c, 0.0), (c, 0.25), (c, 0.5), (c, 0.75)])
                {
                    let text = c.encode_utf8(&mut buf);
                    painter.paint_text(text, file, size as f32, scale, shift, &mut screen);
                    if let Some(b) = ink_bounds(&screen, Region::whole(&screen), 255) {
                        templates.push((c, describe(&screen, b, 255, size as f32 * scale)));
                    }
                }
            }
        }
        GlyphReader {
            templates,
            columns: Vec::new(),
        }
    }

    /// The character a glyph's pixels show, if any template is near enough.
    fn classify(&self, d: &[f32; GLYPH_DIMS]) -> Option<char> {
        let mut best = (f32::MAX, ' ');
        for (c, t) in &self.templates {
            let dist: f32 = t.iter().zip(d).map(|(a, b)| (a - b) * (a - b)).sum();
            if dist < best.0 {
                best = (dist, *c);
            }
        }
        (best.0.sqrt() <= UNREADABLE).then_some(best.1)
    }

    /// The numbers written in a band of the screen (a row of a list, say),
    /// read glyph by glyph: words of digits, with `$`, `,` and `.` allowed.
    /// `em` is the expected text size in screen pixels; taller shapes (borders)
    /// are not glyphs.
    pub fn numbers(&mut self, screen: &Screen, band: Region, em: f32, out: &mut Vec<ReadNumber>) {
        out.clear();
        let r = band.clip(screen);
        if r.is_empty() {
            return;
        }
        let bg = background(screen, r);
        // Rows that are mostly ink are rules and borders, not text: skip them.
        let rule = |y: i64| {
            let inked = span(screen, r, y)
                .iter()
                .filter(|&&p| ink_of(p, bg) >= 0.5)
                .count();
            inked as i64 * 2 > r.width()
        };
        let (mut top, mut bottom) = (r.y0, r.y1);
        while top < bottom && rule(top) {
            top += 1;
        }
        while bottom > top && rule(bottom - 1) {
            bottom -= 1;
        }
        let r = Region {
            y0: top,
            y1: bottom,
            ..r
        };
        // Each column's most ink (row by row: the order of `max` does not matter).
        self.columns.clear();
        self.columns.resize(r.width() as usize, 0.0);
        for y in r.y0..r.y1 {
            for (ink, &p) in self.columns.iter_mut().zip(span(screen, r, y)) {
                *ink = float::max(*ink, ink_of(p, bg));
            }
        }
        let gap = (em * 0.3).max(2.0) as i64;
        let mut word = String::new();
        let mut word_x = 0i64;
        let mut last_end = i64::MIN;
        let mut x = r.x0;
        while x < r.x1 {
            if self
                .columns
                .get((x - r.x0) as usize)
                .copied()
                .unwrap_or(0.0)
                < 0.5
            {
                x += 1;
                continue;
            }
            let start = x;
            while x < r.x1
                && self
                    .columns
                    .get((x - r.x0) as usize)
                    .copied()
                    .unwrap_or(0.0)
                    >= 0.5
            {
                x += 1;
            }
            let glyph = Region {
                x0: start,
                y0: r.y0,
                x1: x,
                y1: r.y1,
            };
            if start - last_end > gap {
                push_number(&word, word_x, out);
                word.clear();
                word_x = start;
            }
            last_end = x;
            let Some(b) = ink_bounds(screen, glyph, bg) else {
                continue;
            };
            if b.height() as f32 > em * 1.4 || b.width() as f32 > em * 1.5 {
                // A border or a picture, not a glyph: it ends the word.
                push_number(&word, word_x, out);
                word.clear();
                last_end = i64::MIN;
                continue;
            }
            let c = self.classify(&describe(screen, b, bg, em)).unwrap_or('?');
            word.push(c);
        }
        push_number(&word, word_x, out);
    }
}

/// Adds a word to `out` if it reads as a number.
fn push_number(word: &str, x: i64, out: &mut Vec<ReadNumber>) {
    if !word.chars().any(|c| c.is_ascii_digit())
        || !word
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '$' | ',' | '.'))
    {
        return;
    }
    let digits: String = word
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if let Ok(value) = digits.parse::<f64>() {
        out.push(ReadNumber {
            x,
            value,
            money: word.contains('$'),
        });
    }
}

/// A glyph's picture on a fixed grid, plus its width and height in ems.
fn describe(screen: &Screen, b: Region, bg: u8, em: f32) -> [f32; GLYPH_DIMS] {
    let mut d = [0.0f32; GLYPH_DIMS];
    ink_grid(
        screen,
        b,
        bg,
        GLYPH_COLS,
        GLYPH_ROWS,
        &mut d[..GLYPH_COLS * GLYPH_ROWS],
    );
    let em = em.max(1.0);
    d[GLYPH_COLS * GLYPH_ROWS] = b.width() as f32 / em * 2.0;
    d[GLYPH_COLS * GLYPH_ROWS + 1] = b.height() as f32 / em * 2.0;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(painter: &mut Painter, s: &str, file: FaceFile, size: f32) -> Screen {
        let mut screen = Screen::default();
        painter.paint_text(s, file, size, 1.0, 0.0, &mut screen);
        screen
    }

    #[test]
    fn the_same_text_looks_alike_and_other_text_or_faces_do_not() {
        let mut p = Painter::new();
        let a = text(&mut p, "Orlando", FaceFile::Sans, 14.0);
        let same = text(&mut p, "Orlando", FaceFile::Sans, 14.0);
        let other = text(&mut p, "Portland", FaceFile::Sans, 14.0);
        let serif = text(&mut p, "Orlando", FaceFile::Serif, 14.0);
        let bigger = text(&mut p, "Orlando", FaceFile::Sans, 17.0);
        let alike = |b: &Screen| look_alike(&a, Region::whole(&a), b, Region::whole(b));
        assert!(alike(&same) > 0.999, "{}", alike(&same));
        for (name, b) in [
            ("another word", &other),
            ("serif", &serif),
            ("bigger", &bigger),
        ] {
            assert!(alike(b) < 0.8, "{name}: {}", alike(b));
        }
        let blank = Screen::new(20, 20);
        assert_eq!(alike(&blank), 0.0);
    }

    #[test]
    fn the_reader_reads_numbers_in_its_faces_and_not_in_others() {
        let mut p = Painter::new();
        let mut reader = GlyphReader::train(&mut p, 1.0);
        let mut out = Vec::new();
        for file in [FaceFile::Sans, FaceFile::SansBold] {
            for size in [13.0, 14.0, 16.0] {
                let s = text(&mut p, "SW 412   $1,375   07:45", file, size);
                reader.numbers(&s, Region::whole(&s), size, &mut out);
                let values: Vec<f64> = out.iter().map(|n| n.value).collect();
                assert!(values.contains(&1375.0), "{file:?} {size}: {values:?}");
                assert!(values.contains(&412.0), "{file:?} {size}: {values:?}");
                // Words with letters or colons are not numbers.
                assert!(!values.contains(&745.0), "{file:?} {size}: {values:?}");
            }
        }
        // An unseen face: most amounts are not read (measured, not required to be none).
        let mut read = 0;
        for amount in ["$173", "$624", "$905", "$38", "$417", "$256"] {
            let s = text(&mut p, amount, FaceFile::Serif, 16.0);
            reader.numbers(&s, Region::whole(&s), 16.0, &mut out);
            read += out.len();
        }
        assert!(read < 6, "serif amounts read: {read} of 6");
    }

    #[test]
    fn a_word_is_found_inside_a_longer_label() {
        let mut p = Painter::new();
        let label = text(&mut p, "Departure date (MM/DD/YYYY)", FaceFile::Sans, 14.0);
        let label = InkPatch::of(&label, Region::whole(&label));
        let mut word = |w: &str, file| {
            let s = text(&mut p, w, file, 14.0);
            InkPatch::of(&s, Region::whole(&s))
        };
        let date = word("date", FaceFile::Sans).find_in(&label);
        assert!(date > 0.95, "{date}");
        let first = word("first", FaceFile::Sans).find_in(&label);
        assert!(first < 0.8, "{first}");
        let serif = word("date", FaceFile::Serif).find_in(&label);
        assert!(
            serif < date && serif > first,
            "serif {serif}, sans {date}, another word {first}"
        );
        assert_eq!(
            word("a much longer word than it", FaceFile::Sans)
                .find_in(&word("date", FaceFile::Sans)),
            0.0
        );
    }

    #[test]
    fn rules_and_borders_are_not_glyphs() {
        let mut p = Painter::new();
        let mut reader = GlyphReader::train(&mut p, 1.0);
        let mut s = text(&mut p, "   $250   ", FaceFile::Sans, 14.0);
        // A frame around the text, as a list row's border draws.
        let (w, h) = (s.width as usize, s.height as usize);
        for x in 0..w {
            s.pixels[x] = 0;
            s.pixels[(h - 1) * w + x] = 0;
        }
        for y in 0..h {
            s.pixels[y * w] = 0;
            s.pixels[y * w + w - 1] = 0;
        }
        let mut out = Vec::new();
        reader.numbers(&s, Region::whole(&s), 14.0, &mut out);
        assert_eq!(out.iter().map(|n| n.value).collect::<Vec<_>>(), [250.0]);
    }
}
