//! Painting a scene's shapes and text into a screen.
//!
//! Every shape is an outline of lines and Bézier curves given to one
//! coverage rasterizer (`ab_glyph_rasterizer`, which glyphs use too), then
//! blended into the screen by its coverage and opacity: anti-aliased edges,
//! no supersampling. A stroke is the ring between two outlines of opposite
//! direction; a polyline is capsules. Coverage where a shape overlaps itself
//! is capped at full. A shape given to the rasterizer exactly as before (the
//! same text in the same place, step after step) reuses the coverage it got
//! then (`coverage.rs`), which is the same bits.

use crate::color::luminance;
use crate::coverage::{self, blend, CoverageCache, Grid};
use crate::float;
use crate::fonts::{FaceFile, Fonts};
use crate::{Screen, View};
use ab_glyph::{Font, OutlineCurve};
use ab_glyph_rasterizer::{point, Point, Rasterizer};
use wobble_engine::layout::Rect;
use wobble_engine::render::{Paint, RectPaint, Scene, TextLook, TextRun};
use wobble_engine::text::Face;

/// How far a control point of a cubic sits along the tangent to draw a quarter circle.
const KAPPA: f32 = 0.552_284_8;
/// Opacity of a dimmed node (the app's and the SVG's).
const DIMMED: f32 = 0.6;

/// One segment of an outline, in screen pixels.
#[derive(Clone, Copy)]
enum Seg {
    Line(Point, Point),
    Cubic(Point, Point, Point, Point),
    Quad(Point, Point, Point),
}

impl Seg {
    fn reversed(self) -> Seg {
        match self {
            Seg::Line(a, b) => Seg::Line(b, a),
            Seg::Cubic(a, b, c, d) => Seg::Cubic(d, c, b, a),
            Seg::Quad(a, b, c) => Seg::Quad(c, b, a),
        }
    }
}

/// Paints scenes; holds the fonts and the buffers it reuses from one paint to the next.
pub struct Painter {
    fonts: Fonts,
    raster: Rasterizer,
    path: Vec<Seg>,
    opacity: Vec<f32>,
    /// Coverage of shapes painted before, so repeated ones skip the rasterizer.
    coverages: CoverageCache,
    /// The rasterizer input of the shape being filled, as the cache's key.
    key: Vec<u32>,
    /// The coverage of the shape being filled, when it was not in the cache.
    grid: Grid,
}

impl Default for Painter {
    fn default() -> Self {
        Painter::new()
    }
}

impl std::fmt::Debug for Painter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Painter").finish_non_exhaustive()
    }
}

impl Painter {
    /// A painter with the embedded fonts.
    pub fn new() -> Painter {
        Painter {
            fonts: Fonts::load(),
            raster: Rasterizer::new(1, 1),
            path: Vec::with_capacity(64),
            opacity: Vec::with_capacity(16),
            coverages: CoverageCache::default(),
            key: Vec::with_capacity(1024),
            grid: Grid::default(),
        }
    }

    /// Paints the part of `scene` that `view` shows into `screen`, which is
    /// resized to the view (the scene's width by the view's height, scaled).
    pub fn paint(&mut self, scene: &Scene<'_>, view: View, screen: &mut Screen) {
        let scale = if view.scale.is_finite() && view.scale > 0.0 {
            view.scale.min(4.0)
        } else {
            1.0
        };
        let width = (scene.width * scale).round().max(1.0) as u32;
        let height = (view.height * scale).round().max(1.0) as u32;
        screen.clear(width, height);
        let mut job = Job {
            painter: self,
            screen,
            scale,
            top: view.top,
        };
        job.painter.opacity.clear();
        for p in &scene.paints {
            job.paint(scene, p);
        }
    }
}

impl Painter {
    /// Paints `text` alone, black on white, set in `file` at `size` pixels to the
    /// em and `scale`, into `screen`, sized to fit it with a small margin: how a
    /// string looks in a face (an instruction's values, a drop-down's options).
    /// `shift` moves the text right by a fraction of a pixel (glyphs look a
    /// little different at each sub-pixel position).
    pub fn paint_text(
        &mut self,
        text: &str,
        file: FaceFile,
        size: f32,
        scale: f32,
        shift: f32,
        screen: &mut Screen,
    ) {
        let size = if size.is_finite() {
            size.clamp(1.0, 200.0)
        } else {
            14.0
        };
        let scale = if scale.is_finite() && scale > 0.0 {
            scale.min(4.0)
        } else {
            1.0
        };
        let margin = 4.0;
        let width = self.fonts.width(file, text, size) + 2.0 * margin;
        let height = size * 1.5;
        screen.clear(
            (width * scale).ceil().max(1.0) as u32,
            (height * scale).ceil().max(1.0) as u32,
        );
        self.opacity.clear();
        let run = TextRun {
            x: margin + shift.clamp(0.0, 1.0) / scale,
            y: size * 1.1,
            size,
            look: TextLook {
                fill: "#000000",
                weight: 400,
                opacity: None,
                anchor_middle: false,
                mono: false,
                underline: false,
            },
            text: std::borrow::Cow::Borrowed(text),
        };
        let mut job = Job {
            painter: self,
            screen,
            scale,
            top: 0.0,
        };
        job.run(file, &run);
    }
}

/// One scene being painted.
struct Job<'p> {
    painter: &'p mut Painter,
    screen: &'p mut Screen,
    scale: f32,
    top: f32,
}

impl Job<'_> {
    /// A page point in screen pixels.
    fn at(&self, x: f32, y: f32) -> Point {
        point(x * self.scale, (y - self.top) * self.scale)
    }

    fn alpha(&self) -> f32 {
        self.painter.opacity.iter().product()
    }

    fn paint(&mut self, scene: &Scene<'_>, p: &Paint<'_>) {
        match p {
            Paint::Begin { dimmed, .. } => {
                let o = if *dimmed { DIMMED } else { 1.0 };
                self.painter.opacity.push(o);
            }
            Paint::End => {
                self.painter.opacity.pop();
            }
            Paint::Rect(r) => self.rect(r),
            Paint::Line { from, to, color } => {
                self.capsules(&[*from, *to], 0.5);
                self.fill(luminance(color), 1.0);
            }
            Paint::Polyline {
                points,
                color,
                width,
            } => {
                self.capsules(points, width / 2.0);
                self.fill(luminance(color), 1.0);
            }
            Paint::Circle {
                center,
                radius,
                fill,
                stroke,
            } => {
                self.painter.path.clear();
                let inner = stroke.map_or(*radius, |(_, w)| radius - w / 2.0);
                self.circle(*center, inner, false);
                self.fill(luminance(fill), 1.0);
                if let Some((color, w)) = stroke {
                    self.painter.path.clear();
                    self.circle(*center, radius + w / 2.0, false);
                    self.circle(*center, (radius - w / 2.0).max(0.0), true);
                    self.fill(luminance(color), 1.0);
                }
            }
            Paint::Text(run) => self.text(scene, run),
        }
    }

    fn rect(&mut self, r: &RectPaint<'_>) {
        let b = r.rect;
        if r.shadow {
            // A soft shadow below a dialog: two widening, fainter layers.
            for (grow, opacity) in [(4.0, 0.12), (10.0, 0.06)] {
                let s = Rect {
                    x: b.x - grow,
                    y: b.y + 12.0 - grow,
                    w: b.w + 2.0 * grow,
                    h: b.h + 2.0 * grow,
                };
                self.painter.path.clear();
                self.rounded(s, r.radius + grow, false);
                self.fill(0.0, opacity);
            }
        }
        if let Some(fill) = r.fill {
            let (lum, opacity) = (luminance(fill), r.fill_opacity.unwrap_or(1.0));
            if r.radius <= 0.0 {
                self.square(b, lum, opacity);
            } else {
                self.painter.path.clear();
                self.rounded(b, r.radius, false);
                self.fill(lum, opacity);
            }
        }
        if let Some(s) = r.stroke {
            let half = s.width / 2.0;
            let grow = |by: f32| Rect {
                x: b.x - by,
                y: b.y - by,
                w: (b.w + 2.0 * by).max(0.0),
                h: (b.h + 2.0 * by).max(0.0),
            };
            self.painter.path.clear();
            self.rounded(grow(half), r.radius + half, false);
            self.rounded(grow(-half), (r.radius - half).max(0.0), true);
            self.fill(luminance(s.color), s.opacity.unwrap_or(1.0));
        }
    }

    /// Fills a rectangle with square corners: each pixel covered by the share
    /// of it inside the rectangle, computed exactly (the page's background and
    /// bands are large, and this is much faster than the rasterizer).
    fn square(&mut self, b: Rect, lum: f32, opacity: f32) {
        let alpha = opacity * self.alpha();
        if alpha <= 0.0 || !(b.w > 0.0 && b.h > 0.0) {
            return;
        }
        let p0 = self.at(b.x, b.y);
        let p1 = self.at(b.x + b.w, b.y + b.h);
        if !(p0.x.is_finite() && p0.y.is_finite() && p1.x.is_finite() && p1.y.is_finite()) {
            return;
        }
        let (w, h) = (self.screen.width as f32, self.screen.height as f32);
        let (x0, x1) = (p0.x.max(0.0), p1.x.min(w));
        let (y0, y1) = (p0.y.max(0.0), p1.y.min(h));
        if x1 <= x0 || y1 <= y0 {
            return;
        }
        let width = self.screen.width as usize;
        let cover = |lo: f32, hi: f32, i: f32| {
            (float::min(hi, i + 1.0) - float::max(lo, i)).clamp(0.0, 1.0)
        };
        let solid = (lum + 0.5).clamp(0.0, 255.0) as u8;
        for y in (y0.floor() as usize)..(y1.ceil() as usize) {
            let cy = cover(y0, y1, y as f32);
            let row = y * width;
            let (first, last) = (x0.floor() as usize, x1.ceil() as usize);
            // Whole pixels of an opaque fill take its value (what blending gives).
            let (inner_lo, inner_hi) = (x0.ceil() as usize, x1.floor() as usize);
            // The columns still to blend: all, or the partly covered ones at either end.
            let mut skip = 0..0;
            if alpha >= 1.0 && cy >= 1.0 && inner_lo < inner_hi {
                if let Some(run) = self.screen.pixels.get_mut(row + inner_lo..row + inner_hi) {
                    run.fill(solid);
                }
                skip = inner_lo..inner_hi;
            }
            for x in (first..last.min(skip.start)).chain(skip.end.max(first)..last) {
                let k = cover(x0, x1, x as f32) * cy * alpha;
                if let Some(px) = self.screen.pixels.get_mut(row + x) {
                    *px = blend(*px, lum, k);
                }
            }
        }
    }

    /// Adds a rounded rectangle's outline (page pixels) to the path.
    fn rounded(&mut self, b: Rect, radius: f32, reverse: bool) {
        if b.w <= 0.0 || b.h <= 0.0 {
            return;
        }
        let r = radius.clamp(0.0, b.w.min(b.h) / 2.0);
        let k = r * KAPPA;
        let (x0, y0, x1, y1) = (b.x, b.y, b.x + b.w, b.y + b.h);
        let p = |x: f32, y: f32| self.at(x, y);
        let mut segs = [
            Seg::Line(p(x0 + r, y0), p(x1 - r, y0)),
            Seg::Cubic(
                p(x1 - r, y0),
                p(x1 - r + k, y0),
                p(x1, y0 + r - k),
                p(x1, y0 + r),
            ),
            Seg::Line(p(x1, y0 + r), p(x1, y1 - r)),
            Seg::Cubic(
                p(x1, y1 - r),
                p(x1, y1 - r + k),
                p(x1 - r + k, y1),
                p(x1 - r, y1),
            ),
            Seg::Line(p(x1 - r, y1), p(x0 + r, y1)),
            Seg::Cubic(
                p(x0 + r, y1),
                p(x0 + r - k, y1),
                p(x0, y1 - r + k),
                p(x0, y1 - r),
            ),
            Seg::Line(p(x0, y1 - r), p(x0, y0 + r)),
            Seg::Cubic(
                p(x0, y0 + r),
                p(x0, y0 + r - k),
                p(x0 + r - k, y0),
                p(x0 + r, y0),
            ),
        ];
        if reverse {
            for s in &mut segs {
                *s = s.reversed();
            }
        }
        let square = r == 0.0;
        self.painter.path.extend(
            segs.into_iter()
                .filter(|s| !square || matches!(s, Seg::Line(..))),
        );
    }

    /// Adds a circle's outline (page pixels) to the path.
    fn circle(&mut self, (cx, cy): (f32, f32), r: f32, reverse: bool) {
        if r <= 0.0 {
            return;
        }
        let k = r * KAPPA;
        let p = |x: f32, y: f32| self.at(cx + x, cy + y);
        let mut segs = [
            Seg::Cubic(p(r, 0.0), p(r, k), p(k, r), p(0.0, r)),
            Seg::Cubic(p(0.0, r), p(-k, r), p(-r, k), p(-r, 0.0)),
            Seg::Cubic(p(-r, 0.0), p(-r, -k), p(-k, -r), p(0.0, -r)),
            Seg::Cubic(p(0.0, -r), p(k, -r), p(r, -k), p(r, 0.0)),
        ];
        if reverse {
            for s in &mut segs {
                *s = s.reversed();
            }
        }
        self.painter.path.extend(segs);
    }

    /// Replaces the path with round-capped segments through `points` (page pixels).
    fn capsules(&mut self, points: &[(f32, f32)], half_width: f32) {
        self.painter.path.clear();
        for pair in points.windows(2) {
            let [(ax, ay), (bx, by)] = [pair[0], pair[1]];
            let len = ((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).sqrt();
            if len > 0.0 {
                let (nx, ny) = (-(by - ay) / len * half_width, (bx - ax) / len * half_width);
                let corners = [
                    self.at(ax + nx, ay + ny),
                    self.at(bx + nx, by + ny),
                    self.at(bx - nx, by - ny),
                    self.at(ax - nx, ay - ny),
                ];
                for i in 0..4 {
                    self.painter
                        .path
                        .push(Seg::Line(corners[i], corners[(i + 1) % 4]));
                }
            }
        }
        for &c in points {
            self.circle(c, half_width, false);
        }
    }

    /// Rasterizes the path (or finds its coverage in the cache) and blends
    /// `lum` into the screen by coverage times `opacity`.
    fn fill(&mut self, lum: f32, opacity: f32) {
        let alpha = opacity * self.alpha();
        let path = &self.painter.path;
        if path.is_empty() || alpha <= 0.0 {
            return;
        }
        let (mut min_x, mut min_y, mut max_x, mut max_y) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for s in path {
            let all: [Point; 4] = match *s {
                Seg::Line(a, b) => [a, b, b, b],
                Seg::Quad(a, b, c) => [a, b, c, c],
                Seg::Cubic(a, b, c, d) => [a, b, c, d],
            };
            for q in all {
                min_x = float::min(min_x, q.x);
                min_y = float::min(min_y, q.y);
                max_x = float::max(max_x, q.x);
                max_y = float::max(max_y, q.y);
            }
        }
        if !(min_x.is_finite() && min_y.is_finite() && max_x.is_finite() && max_y.is_finite()) {
            return;
        }
        // Whole columns (the rasterizer must see every x of the shape), only the rows on screen.
        let x0 = min_x.floor();
        let x1 = max_x.ceil() + 1.0;
        let y0 = min_y.floor().max(0.0);
        let y1 = (max_y.ceil() + 1.0).min(self.screen.height as f32);
        if y1 <= y0 || x1 <= x0 || x1 < 0.0 || x0 > self.screen.width as f32 {
            return;
        }
        let (w, h) = ((x1 - x0) as usize, (y1 - y0) as usize);
        let shift = |q: Point| point(q.x - x0, q.y - y0);
        let painter = &mut *self.painter;
        // The rasterizer's whole input, bit for bit: the grid's size and the
        // shifted segments (rows off the screen are already cut from `h`).
        let key = &mut painter.key;
        key.clear();
        key.extend([w as u32, h as u32]);
        for s in &painter.path {
            let (tag, all): (u32, [Point; 4]) = match *s {
                Seg::Line(a, b) => (0, [a, b, b, b]),
                Seg::Quad(a, b, c) => (1, [a, b, c, c]),
                Seg::Cubic(a, b, c, d) => (2, [a, b, c, d]),
            };
            key.push(tag);
            for q in all {
                let q = shift(q);
                key.extend([q.x.to_bits(), q.y.to_bits()]);
            }
        }
        let hash = coverage::hash(key);
        let origin = (x0 as i64, y0 as i64);
        if let Some(grid) = painter.coverages.get(hash, key) {
            grid.blend(self.screen, origin, lum, alpha);
            return;
        }
        let raster = &mut painter.raster;
        raster.reset(w, h);
        for s in &painter.path {
            match *s {
                Seg::Line(a, b) => raster.draw_line(shift(a), shift(b)),
                Seg::Quad(a, b, c) => raster.draw_quad(shift(a), shift(b), shift(c)),
                Seg::Cubic(a, b, c, d) => raster.draw_cubic(shift(a), shift(b), shift(c), shift(d)),
            }
        }
        let grid = &mut painter.grid;
        grid.set(w, h, |cells| {
            raster.for_each_pixel(|i, coverage| {
                if let Some(c) = cells.get_mut(i) {
                    *c = coverage;
                }
            });
        });
        grid.blend(self.screen, origin, lum, alpha);
        painter.coverages.insert(hash, key, grid);
    }

    fn text(&mut self, scene: &Scene<'_>, run: &TextRun<'_>) {
        let face = if run.look.mono {
            Face::Mono
        } else {
            scene.palette.measure.face
        };
        self.run(FaceFile::of(face, run.look.weight), run);
    }

    /// A run of text set in one file.
    fn run(&mut self, file: FaceFile, run: &TextRun<'_>) {
        let font = self.painter.fonts.get(file).clone();
        let size = if run.size.is_finite() {
            run.size.clamp(1.0, 200.0)
        } else {
            14.0
        };
        let per_unit = size / font.units_per_em().unwrap_or(2048.0);
        let width = self.painter.fonts.width(file, &run.text, size);
        let mut pen = if run.look.anchor_middle {
            run.x - width / 2.0
        } else {
            run.x
        };
        let start = pen;
        self.painter.path.clear();
        for c in run.text.chars() {
            let id = font.glyph_id(c);
            if let Some(outline) = font.outline(id) {
                let (scale, top) = (self.scale, self.top);
                let to = |q: Point| {
                    point(
                        (pen + q.x * per_unit) * scale,
                        (run.y - q.y * per_unit - top) * scale,
                    )
                };
                for curve in &outline.curves {
                    let seg = match *curve {
                        OutlineCurve::Line(a, b) => Seg::Line(to(a), to(b)),
                        OutlineCurve::Quad(a, b, c) => Seg::Quad(to(a), to(b), to(c)),
                        OutlineCurve::Cubic(a, b, c, d) => Seg::Cubic(to(a), to(b), to(c), to(d)),
                    };
                    self.painter.path.push(seg);
                }
            }
            pen += font.h_advance_unscaled(id) * per_unit;
        }
        let lum = luminance(run.look.fill);
        let opacity = run.look.opacity.unwrap_or(1.0);
        self.fill(lum, opacity);
        if run.look.underline {
            let y = run.y + size * 0.12;
            self.capsules(&[(start, y), (pen, y)], (size / 28.0).max(0.5));
            self.fill(lum, opacity);
        }
    }
}
