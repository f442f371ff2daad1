//! The screen agent's eyes: candidate features read only from pixels.
//!
//! With the `screen` feature set, the learned policy sees no label, key,
//! role or selector. Each step the window is painted into greyscale pixels
//! (`wobble-screen`, the embedded fonts), and every candidate is described
//! by what a screenshot shows around its box, as a screen agent that is
//! given the boxes of a page's controls (a set of marks) would see them:
//!
//! - the verb (click, type, choose, scroll, finish) and the box's place and size;
//! - the ink of the box, of the strips to its left, right and above (where
//!   labels sit), pooled on small grids;
//! - how alike the box's text looks to each goal value of the instruction,
//!   which is drawn as text in a fixed face (DejaVu Sans, 14 px, regular and
//!   bold: buttons and strong text are bold), as the
//!   instruction panel shows it; for a drop-down, how alike the option
//!   looks, set in the page's face as the opened list shows it;
//! - how well the label beside a field (left of it or above) shows each
//!   goal's name (the brief's "from", "date", "first"...), found by sliding
//!   the name's picture along the label; and for a value it would type or
//!   choose, whether the label names that value's goal best;
//! - for a row of a list, the amounts a glyph reader trained on the default
//!   theme's faces reads in its band, and whether its amount is the smallest
//!   in its column among the rows on screen.
//!
//! Clicks are made at the centre of the box (`click_at`), so whatever is on
//! top there (a pop-up) is what gets clicked. What breaks this agent is what
//! changes pixels: a new face (the glyphs no longer look like the goal's
//! text, and the reader no longer reads them), a moved control (its place
//! and its surroundings change); a reworded label changes the ink of its
//! strip but not the look of the values it compares.

use super::features::{Candidate, DENSE, NO_TOKEN};
use std::collections::HashMap;
use wobble_engine::render::Palette;
use wobble_engine::{Action, Env, TypeText};
use wobble_screen::read::{self, GlyphReader, InkPatch, ReadNumber, Region};
use wobble_screen::{FaceFile, Painter, Scene, Screen, View};

/// Goal values the features compare against (more are ignored).
pub const GOALS: usize = 5;
/// Where the verb one-hot starts (click, type, choose, scroll, finish).
pub const VERB: usize = 1;
/// Box centre and size.
pub const PLACE: usize = 6;
/// Step over the step limit.
pub const STEP: usize = 10;
/// The goal value a type candidate types, one-hot. For a click: how well the
/// best-matching control in sight shows a goal value, and whether this one is
/// in sight; for a scroll: the same best match, and the scroll's direction.
pub const TYPES: usize = 11;
/// How alike the candidate's text looks to each goal value.
pub const LOOKS: usize = TYPES + GOALS;
/// Whether the box shows ink (a filled field), or, for a drop-down option,
/// whether the drop-down shows that option already.
pub const FILLED: usize = LOOKS + GOALS;
/// Whether the band's amount of money is the smallest of its column.
pub const CHEAPEST: usize = FILLED + 1;
/// Whether the band shows an amount of money.
pub const HAS_AMOUNT: usize = CHEAPEST + 1;
/// Share of the type boxes on screen that are still empty.
pub const PENDING: usize = HAS_AMOUNT + 1;
/// How well the label beside a field (left of it or above) shows each goal's name.
pub const NAMES: usize = PENDING + 1;
/// Ink grids: inside the box (2 by 2), left strip (4), right strip (3), above (4).
pub const INK: usize = NAMES + GOALS;
const INK_INSIDE: (usize, usize) = (2, 2);
const INK_LEFT: usize = 4;
const INK_RIGHT: usize = 3;
const INK_ABOVE: usize = 4;
/// Length of the ink grids.
const INK_DIMS: usize = INK_INSIDE.0 * INK_INSIDE.1 + INK_LEFT + INK_RIGHT + INK_ABOVE;
/// How far the side strips reach, and the strip above, in page pixels.
const SIDE: f32 = 220.0;
const ABOVE: f32 = 26.0;
/// The face and size the instruction's values are drawn in.
const INSTRUCTION_FACE: FaceFile = FaceFile::Sans;
const INSTRUCTION_BOLD: FaceFile = FaceFile::SansBold;
const INSTRUCTION_PX: f32 = 14.0;

const _: () = assert!(
    INK + INK_DIMS == DENSE,
    "the screen features fill the dense vector exactly"
);

/// What one box shows in one step, computed once for all its candidates.
#[derive(Debug, Clone, Copy, Default)]
struct BoxView {
    region: Region,
    /// The step it was computed in.
    stamp: u64,
    ink: [f32; INK_DIMS],
    looks: [f32; GOALS],
    /// Whether the inside of the box shows ink.
    filled: f32,
}

/// Pixels, painter and reader, kept between steps.
#[derive(Debug)]
pub struct Eyes {
    painter: Painter,
    reader: GlyphReader,
    screen: Screen,
    /// Each goal value drawn in the regular and the bold face (buttons and
    /// strong text are bold: the agent knows both weights of its face).
    goal_patches: Vec<[InkPatch; 2]>,
    /// Each goal's name drawn as written and with a capital, as a brief lists it.
    name_patches: Vec<Vec<InkPatch>>,
    /// How well each field's label shows each goal's name, this episode, by node id.
    names: HashMap<u32, [f32; GOALS]>,
    /// The goal values the pictures above show (a new episode has others).
    goal_values: Vec<String>,
    /// A scratch picture of one string.
    text_image: Screen,
    /// The ink of each box's inside this step, by node id (with `views`).
    patches: Vec<InkPatch>,
    /// This step's number, stamping the box views computed in it.
    stamp: u64,
    /// Each box's view, by node id (current when stamped with this step).
    views: Vec<BoxView>,
    /// Each drop-down option's picture and looks, this episode.
    options: HashMap<(u32, u16), (InkPatch, [f32; GOALS])>,
    /// Amounts read in each candidate's band (clicks only).
    amounts: Vec<Vec<ReadNumber>>,
}

impl Default for Eyes {
    fn default() -> Self {
        let mut painter = Painter::new();
        let reader = GlyphReader::train(&mut painter, 1.0);
        Eyes {
            painter,
            reader,
            screen: Screen::default(),
            goal_patches: Vec::new(),
            name_patches: Vec::new(),
            names: HashMap::new(),
            text_image: Screen::default(),
            patches: Vec::new(),
            goal_values: Vec::new(),
            stamp: 0,
            views: Vec::new(),
            options: HashMap::new(),
            amounts: Vec::new(),
        }
    }
}

impl Clone for Eyes {
    fn clone(&self) -> Self {
        // Only buffers: a clone starts with fresh ones.
        Eyes::default()
    }
}

impl Eyes {
    /// Draws the goal values anew if they changed (a new episode); says whether it did.
    fn draw_goals(&mut self, env: &Env) -> bool {
        let same = self.goal_values.len() == env.goal_fields().count()
            && env
                .goal_fields()
                .zip(&self.goal_values)
                .all(|((_, _, v), old)| v == old);
        if same {
            return false;
        }
        self.goal_values = env.goal_fields().map(|(_, _, v)| v.to_string()).collect();
        self.goal_patches
            .resize_with(self.goal_values.len(), Default::default);
        for (value, pair) in self.goal_values.iter().zip(&mut self.goal_patches) {
            for (face, patch) in [INSTRUCTION_FACE, INSTRUCTION_BOLD].into_iter().zip(pair) {
                let image = &mut self.text_image;
                self.painter
                    .paint_text(value, face, INSTRUCTION_PX, 1.0, 0.0, image);
                patch.set(image, Region::whole(image));
            }
        }
        self.name_patches.clear();
        for (_, name, _) in env.goal_fields() {
            let plain = name.replace('_', " ");
            let mut capital: String = plain.chars().take(1).flat_map(char::to_uppercase).collect();
            capital.extend(plain.chars().skip(1));
            // At four sub-pixel places: a label's glyphs sit wherever layout put them.
            let mut variants = Vec::with_capacity(8);
            for text in [&plain, &capital] {
                for shift in [0.0, 0.25, 0.5, 0.75] {
                    let image = &mut self.text_image;
                    self.painter.paint_text(
                        text,
                        INSTRUCTION_FACE,
                        INSTRUCTION_PX,
                        1.0,
                        shift,
                        image,
                    );
                    variants.push(InkPatch::of(image, Region::whole(image)));
                }
            }
            self.name_patches.push(variants);
        }
        true
    }

    /// What box `id` shows this step (computed once for all its candidates).
    fn view_of(&mut self, env: &Env, id: u32) -> Option<BoxView> {
        if let Some(v) = self
            .views
            .get(id as usize)
            .filter(|v| v.stamp == self.stamp)
        {
            return Some(*v);
        }
        env.nodes().get(id as usize)?;
        let b = env.bbox(id);
        let region = Region::from_box(b.x, b.y - env.scroll_y(), b.w, b.h, 1.0);
        let inner = inset(region, 3);
        let bg = read::background(&self.screen, inner);
        let mut view = BoxView {
            region,
            stamp: self.stamp,
            filled: (read::ink_share(&self.screen, inner, bg) >= 0.01) as u8 as f32,
            ..BoxView::default()
        };
        ink(&self.screen, region, &mut view.ink);
        if self.views.len() <= id as usize {
            self.views.resize(id as usize + 1, BoxView::default());
            self.patches.resize_with(id as usize + 1, InkPatch::default);
        }
        if let Some(patch) = self.patches.get_mut(id as usize) {
            patch.set(&self.screen, inner);
            looks(&self.goal_patches, patch, &mut view.looks);
        }
        if let Some(slot) = self.views.get_mut(id as usize) {
            *slot = view;
        }
        Some(view)
    }

    /// How option `o` of drop-down `id` looks (set in the page's face, as the
    /// opened list shows it), against each goal value; and how alike it looks
    /// to what the closed drop-down shows now.
    fn option_looks(&mut self, env: &Env, id: u32, o: u16) -> ([f32; GOALS], f32) {
        let key = (id, o);
        if !self.options.contains_key(&key) {
            let text = env
                .nodes()
                .get(id as usize)
                .and_then(|n| n.options.get(o as usize))
                .map(String::as_str)
                .unwrap_or("");
            let face = Palette::of(&env.site().theme).measure.face;
            let size = env.site().theme.font_size.max(1.0);
            let image = &mut self.text_image;
            self.painter
                .paint_text(text, FaceFile::of(face, 400), size, 1.0, 0.0, image);
            let patch = InkPatch::of(image, Region::whole(image));
            let mut l = [0.0; GOALS];
            looks(&self.goal_patches, &patch, &mut l);
            self.options.insert(key, (patch, l));
        }
        let shown = self.patches.get(id as usize);
        match (self.options.get(&key), shown) {
            (Some((patch, l)), Some(shown)) => (*l, patch.look_alike(shown)),
            _ => ([0.0; GOALS], 0.0),
        }
    }

    /// How well the label beside box `id` (the ink left of it, or above it)
    /// shows each goal's name: the best match of the name's picture in it.
    /// Kept for the episode: a field's label does not change.
    fn label_names(&mut self, id: u32, r: Region) -> [f32; GOALS] {
        if let Some(n) = self.names.get(&id) {
            return *n;
        }
        let Strips { left, up, .. } = Strips::around(r);
        let mut out = [0.0f32; GOALS];
        for strip in [left, up] {
            let label = InkPatch::of(&self.screen, strip);
            for (slot, variants) in out.iter_mut().zip(&self.name_patches) {
                for name in variants {
                    *slot = slot.max(name.find_in(&label));
                }
            }
        }
        self.names.insert(id, out);
        out
    }

    /// Fills `out` with one candidate per action (`engine`'s, then `extra`),
    /// read from pixels.
    #[allow(
        clippy::indexing_slicing,
        reason = "fixed slots of the `DENSE`-wide feature vector, laid out by the constants above (checked at compile time)"
    )]
    pub fn compute(
        &mut self,
        env: &Env,
        engine: &[Action],
        extra: &[Action],
        out: &mut Vec<Candidate>,
    ) {
        out.clear();
        if self.draw_goals(env) || env.steps() == 0 {
            self.options.clear();
            self.names.clear();
        }
        self.stamp += 1;
        let scene = Scene::of(env);
        self.painter
            .paint(&scene, View::window(env, 1.0), &mut self.screen);
        let width = env.site().width.max(1.0);
        let height = env.site().height.max(1.0);
        let step = env.steps() as f32 / env.step_limit().max(1) as f32;
        let em = env.site().theme.font_size.max(1.0);
        let count = engine.len() + extra.len();
        // Amounts in each click's band, for the cheapest-in-column features.
        self.amounts.resize_with(count, Vec::new);
        for (a, action) in engine.iter().chain(extra).enumerate() {
            let view = match action {
                Action::Click(id) => self.view_of(env, *id),
                _ => None,
            };
            let amounts = &mut self.amounts[a];
            amounts.clear();
            if let Some(v) = view {
                let band = Region {
                    x0: 0,
                    x1: i64::from(self.screen.width),
                    y0: v.region.y0 - 6,
                    y1: v.region.y1 + 6,
                };
                self.reader.numbers(&self.screen, band, em, amounts);
            }
        }
        // What is left to type: type boxes on screen that show no ink.
        let (mut boxes, mut empty, mut last) = (0u32, 0u32, None);
        for action in engine {
            if let Action::Type(id, _) = action {
                if last != Some(*id) {
                    last = Some(*id);
                    if let Some(v) = self.view_of(env, *id) {
                        boxes += 1;
                        empty += (v.filled == 0.0) as u32;
                    }
                }
            }
        }
        let pending = if boxes == 0 {
            0.0
        } else {
            empty as f32 / boxes as f32
        };
        // How well the best-matching control in sight shows a goal value: when
        // none does, what is wanted may be out of sight.
        let mut best_in_sight = 0.0f32;
        for action in engine {
            if let Action::Click(id) = action {
                if let Some(v) = self
                    .view_of(env, *id)
                    .filter(|v| in_sight(v.region, height))
                {
                    best_in_sight = v.looks.iter().copied().fold(best_in_sight, f32::max);
                }
            }
        }
        for (a, action) in engine.iter().chain(extra).enumerate() {
            let mut c = Candidate {
                page: NO_TOKEN,
                ..Candidate::default()
            };
            let d = &mut c.dense;
            d[0] = 1.0;
            d[STEP] = step;
            d[PENDING] = pending;
            let verb = match action {
                Action::Click(_) | Action::ClickAt { .. } => 0,
                Action::Type(..) => 1,
                Action::Select(..) => 2,
                Action::Scroll(_) | Action::Key(_) => 3,
                Action::Finish => 4,
            };
            d[VERB + verb] = 1.0;
            if let Action::Scroll(dy) = action {
                d[TYPES] = best_in_sight;
                d[TYPES + 1] = dy.signum();
            }
            let Some(v) = action.element().and_then(|id| self.view_of(env, id)) else {
                out.push(c);
                continue;
            };
            let r = v.region;
            d[PLACE] = (r.x0 + r.x1) as f32 / 2.0 / width;
            d[PLACE + 1] = (r.y0 + r.y1) as f32 / 2.0 / height;
            d[PLACE + 2] = r.width() as f32 / width;
            d[PLACE + 3] = r.height() as f32 / height;
            d[INK..].copy_from_slice(&v.ink);
            match action {
                Action::Type(_, text) => {
                    if let TypeText::Goal(g) = text {
                        if (*g as usize) < GOALS {
                            d[TYPES + *g as usize] = 1.0;
                        }
                    }
                    d[FILLED] = v.filled;
                    let names = self.label_names(action.element().unwrap_or(0), r);
                    d[NAMES..NAMES + GOALS].copy_from_slice(&names);
                    // The value it types: is it shown already, and does the label name it best?
                    if let TypeText::Goal(g) = text {
                        let g = *g as usize;
                        if g < GOALS {
                            let (best, second) = best_two(&names);
                            d[LOOKS] = v.looks[g];
                            d[LOOKS + 1] = names[g];
                            d[LOOKS + 2] =
                                names[g] - if best == g { second.1 } else { names[best] };
                            d[LOOKS + 3] = (best == g) as u8 as f32;
                        }
                    }
                }
                Action::Select(id, o) => {
                    let (l, shows) = self.option_looks(env, *id, *o);
                    d[LOOKS..LOOKS + GOALS].copy_from_slice(&l);
                    d[FILLED] = shows;
                    let names = self.label_names(*id, r);
                    d[NAMES..NAMES + GOALS].copy_from_slice(&names);
                    // Does the option look like the goal value the label names best?
                    let (best, second) = best_two(&names);
                    d[TYPES] = l[best];
                    d[TYPES + 1] = names[best] - second.1;
                    d[TYPES + 2] = l.iter().copied().fold(0.0, f32::max);
                }
                _ => {
                    d[LOOKS..LOOKS + GOALS].copy_from_slice(&v.looks);
                    d[TYPES] = best_in_sight;
                    d[TYPES + 1] = in_sight(r, height) as u8 as f32;
                    let mine = &self.amounts[a];
                    d[HAS_AMOUNT] = mine.iter().any(|n| n.money) as u8 as f32;
                    d[CHEAPEST] = cheapest(mine, &self.amounts, a) as u8 as f32;
                }
            }
            out.push(c);
        }
    }
}

/// The strips around a box where labels sit: left of it, right of it, above it.
struct Strips {
    left: Region,
    right: Region,
    up: Region,
}

impl Strips {
    fn around(r: Region) -> Strips {
        let (side, above) = (SIDE as i64, ABOVE as i64);
        Strips {
            left: Region {
                x0: r.x0 - side,
                x1: r.x0 - 1,
                ..r
            },
            right: Region {
                x0: r.x1 + 1,
                x1: r.x1 + side,
                ..r
            },
            up: Region {
                y0: r.y0 - above,
                y1: r.y0 - 1,
                ..r
            },
        }
    }
}

/// The ink grids of a box and the strips around it, into `out`.
fn ink(s: &Screen, r: Region, out: &mut [f32; INK_DIMS]) {
    let (cols, rows) = INK_INSIDE;
    let Strips { left, right, up } = Strips::around(r);
    let parts = [
        (r, cols, rows),
        (left, INK_LEFT, 1),
        (right, INK_RIGHT, 1),
        (up, INK_ABOVE, 1),
    ];
    let mut rest: &mut [f32] = out;
    for (region, cols, rows) in parts {
        let (cells, tail) = rest.split_at_mut(cols * rows);
        read::ink_grid(s, region, read::background(s, region), cols, rows, cells);
        rest = tail;
    }
}

/// How alike the text in `region` of `image` looks to each goal value.
fn looks(goals: &[[InkPatch; 2]], patch: &InkPatch, out: &mut [f32; GOALS]) {
    for (slot, [regular, bold]) in out.iter_mut().zip(goals) {
        *slot = patch.look_alike(regular).max(patch.look_alike(bold));
    }
}

/// The index of the largest value, and the second largest (index, value).
fn best_two(values: &[f32; GOALS]) -> (usize, (usize, f32)) {
    let best = super::argmax(values);
    let mut second = (best, f32::MIN);
    for (i, &v) in values.iter().enumerate() {
        if i != best && v > second.1 {
            second = (i, v);
        }
    }
    if second.1 == f32::MIN {
        second.1 = 0.0;
    }
    (best, second)
}

/// Whether a box's centre is inside the window (`height` page pixels tall).
fn in_sight(r: Region, height: f32) -> bool {
    let centre = (r.y0 + r.y1) as f32 / 2.0;
    centre >= 0.0 && centre < height
}

/// A region shrunk by `by` pixels on every side.
fn inset(r: Region, by: i64) -> Region {
    Region {
        x0: r.x0 + by,
        y0: r.y0 + by,
        x1: (r.x1 - by).max(r.x0 + by),
        y1: (r.y1 - by).max(r.y0 + by),
    }
}

/// Whether one of `mine`'s amounts of money is the smallest of its column
/// (amounts starting within 12 pixels) among the other bands that show one there.
fn cheapest(mine: &[ReadNumber], all: &[Vec<ReadNumber>], me: usize) -> bool {
    mine.iter().filter(|m| m.money).any(|m| {
        let mut others = 0;
        let smallest = all
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != me)
            .filter_map(|(_, band)| band.iter().find(|n| n.money && (n.x - m.x).abs() <= 12))
            .all(|n| {
                others += 1;
                m.value <= n.value
            });
        smallest && others > 0
    })
}
