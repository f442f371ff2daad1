//! A rough sketch of where a page draws its elements, for choosing moves.
//!
//! `move` promises that the task's primary action ends up clearly elsewhere.
//! Perturbations run on the site before any page is laid out (the layout
//! needs an episode's state, tables and labels), so they cannot ask the
//! layout where a candidate place would draw a button. The sketch answers
//! from the site alone, with the layout's own sizes and gaps
//! ([`crate::layout`]): elements shown whatever the state, labels measured in
//! the theme's face and weight (a value read from state counts as a short
//! word) and wrapped by width alone, one row per list, rows that wrap. It is
//! close, not exact; the move tests lay the real pages out and measure.

use super::Transform;
use crate::layout::{
    input_width, line_height, Rect, BANNER_HEIGHT, CARD_PADDING, CHECK_WIDTH, CONTROL_HEIGHT,
    LABEL_WIDTH, LINE_GAP, LIST_ITEM_GAP, LIST_ITEM_PADDING, PAGE_GAP, PAGE_PADDING, ROW_GAP,
};
use crate::site::{ElemId, Options, PageId, Role, TemplatePart};
use crate::text::{face_width, Measure};

/// How a container places its items.
#[derive(Clone, Copy)]
struct Flow {
    /// Side by side, wrapping (else stacked).
    row: bool,
    /// Gap between items along the flow, and between wrapped lines.
    gap: f32,
    padding: f32,
    /// Takes the whole width it is given (else as wide as its items).
    full_width: bool,
}

const PAGE_FLOW: Flow = Flow {
    row: false,
    gap: PAGE_GAP,
    padding: 0.0,
    full_width: false,
};

impl Transform<'_> {
    /// Where the page draws `target`, roughly: its box in page coordinates
    /// (list rows: the first row's), or `None` when it is not on the page
    /// or not always shown.
    pub(super) fn sketch_box(&self, page: PageId, target: ElemId) -> Option<Rect> {
        let m = Measure::of(&self.site.theme);
        let avail = self.site.width - 2.0 * PAGE_PADDING;
        let items = &self.site.page(page).elems;
        self.find_in(
            m,
            items,
            PAGE_FLOW,
            PAGE_PADDING,
            BANNER_HEIGHT + PAGE_PADDING,
            avail,
            target,
        )
    }

    /// How an element places its children, if it is a container.
    fn flow_of(&self, e: ElemId) -> Option<Flow> {
        let elem = self.site.elem(e);
        match elem.role {
            Role::Group if elem.primary => Some(Flow {
                row: false,
                gap: LINE_GAP,
                padding: CARD_PADDING,
                full_width: true,
            }),
            Role::Group => Some(Flow {
                row: true,
                gap: ROW_GAP,
                padding: 0.0,
                full_width: false,
            }),
            // A list's children are its row template, sketched as one row.
            Role::List => Some(Flow {
                row: true,
                gap: LIST_ITEM_GAP,
                padding: LIST_ITEM_PADDING,
                full_width: true,
            }),
            _ => None,
        }
    }

    /// Width and height of a shown element given `avail` pixels of width.
    fn sketch_size(&self, m: Measure, e: ElemId, avail: f32) -> (f32, f32) {
        if !self.always_shown(e) {
            return (0.0, 0.0);
        }
        let elem = self.site.elem(e);
        let font = self.site.theme.font_size;
        let lh = line_height(font);
        let parts = &elem.label.parts;
        let width = |px: f32, bold: bool| label_width(m, parts, m.advance_px(px, bold));
        // Lines of a label wrapped at `max`: close to the layout's word wrap.
        let lines = |w: f32, max: f32| (w / max.max(1.0)).ceil().max(1.0);
        if let Some(flow) = self.flow_of(e) {
            return self.flow_size(m, &elem.children, flow, avail);
        }
        match elem.role {
            Role::Heading => {
                let px = font * 1.45;
                let w = width(px, true);
                (w.min(avail), lines(w, avail) * line_height(px))
            }
            Role::Text => {
                let w = width(font, elem.style == crate::format::TextStyle::Strong);
                (w.min(avail), lines(w, avail) * lh)
            }
            Role::Button => ((width(font, true) + 32.0).ceil(), CONTROL_HEIGHT),
            Role::Link => ((width(font, false) + 4.0).ceil(), lh),
            Role::Checkbox => (
                (CHECK_WIDTH + width(font, false) + 4.0).ceil(),
                lh.max(CHECK_WIDTH),
            ),
            Role::RadioGroup => {
                let options = match &elem.options {
                    Some(Options::Items(items)) => items.len(),
                    Some(Options::List(l)) => self
                        .site
                        .lists
                        .get(*l as usize)
                        .map_or(1, |list| list.len()),
                    // A table's rows are made at reset; two is a fair guess.
                    _ => 2,
                };
                let option_h = lh.max(CHECK_WIDTH);
                (
                    avail.min(LABEL_WIDTH),
                    lh + options as f32 * (option_h + LINE_GAP),
                )
            }
            role if role.is_text_entry() || role == Role::Select => (
                (LABEL_WIDTH + ROW_GAP + input_width(self.site.width)).min(avail),
                CONTROL_HEIGHT.max(lines(width(font, true), LABEL_WIDTH) * lh),
            ),
            _ => (0.0, 0.0),
        }
    }

    /// Width and height of a container's content with its padding.
    fn flow_size(&self, m: Measure, items: &[ElemId], flow: Flow, avail: f32) -> (f32, f32) {
        let mut size = (0.0, 0.0);
        self.place_items(m, items, flow, 0.0, 0.0, avail, |_, _, _, _| {}, &mut size);
        size
    }

    /// Places the shown `items` of a container whose box starts at (x, y),
    /// calling `at` with each item, its position and its width available;
    /// writes the container's size (padding included) to `size`.
    #[allow(
        clippy::too_many_arguments,
        reason = "one walk serves both sizing and finding; a struct for its arguments would only rename them"
    )]
    fn place_items(
        &self,
        m: Measure,
        items: &[ElemId],
        flow: Flow,
        x: f32,
        y: f32,
        avail: f32,
        mut at: impl FnMut(ElemId, f32, f32, f32),
        size: &mut (f32, f32),
    ) {
        let inner = (avail - 2.0 * flow.padding).max(0.0);
        let (left, top) = (x + flow.padding, y + flow.padding);
        let mut widest = 0.0f32;
        let mut height = 0.0f32;
        if flow.row {
            // Lines of items, each centred on its line's height.
            let mut line: Vec<(ElemId, f32, f32)> = Vec::new();
            let mut line_w = 0.0f32;
            let mut line_top = top;
            let mut first_line = true;
            let mut finish = |line: &mut Vec<(ElemId, f32, f32)>,
                              line_top: &mut f32,
                              first_line: &mut bool,
                              height: &mut f32| {
                if line.is_empty() {
                    return;
                }
                let line_h = line.iter().map(|l| l.2).fold(0.0, f32::max);
                if !*first_line {
                    *line_top += LINE_GAP;
                    *height += LINE_GAP;
                }
                for &(e, ex, h) in line.iter() {
                    at(e, ex, *line_top + (line_h - h) / 2.0, inner);
                }
                *line_top += line_h;
                *height += line_h;
                *first_line = false;
                line.clear();
            };
            for &e in items {
                if !self.always_shown(e) {
                    continue;
                }
                let (w, h) = self.sketch_size(m, e, inner);
                let gap = if line.is_empty() { 0.0 } else { flow.gap };
                if !line.is_empty() && line_w + gap + w > inner {
                    widest = widest.max(line_w);
                    finish(&mut line, &mut line_top, &mut first_line, &mut height);
                    line_w = 0.0;
                }
                let gap = if line.is_empty() { 0.0 } else { flow.gap };
                line.push((e, left + line_w + gap, h));
                line_w += gap + w;
            }
            widest = widest.max(line_w);
            finish(&mut line, &mut line_top, &mut first_line, &mut height);
        } else {
            let mut cy = top;
            let mut any = false;
            for &e in items {
                if !self.always_shown(e) {
                    continue;
                }
                let (w, h) = self.sketch_size(m, e, inner);
                if any {
                    cy += flow.gap;
                }
                at(e, left, cy, inner);
                cy += h;
                widest = widest.max(w);
                any = true;
            }
            height = cy - top;
        }
        let w = if flow.full_width {
            avail
        } else {
            (widest + 2.0 * flow.padding).min(avail)
        };
        *size = (w, height + 2.0 * flow.padding);
    }

    /// The box of `target` at or under `e`, whose box starts at (x, y).
    fn find(
        &self,
        m: Measure,
        e: ElemId,
        x: f32,
        y: f32,
        avail: f32,
        target: ElemId,
    ) -> Option<Rect> {
        if e == target {
            let (w, h) = self.sketch_size(m, e, avail);
            return self.always_shown(e).then_some(Rect { x, y, w, h });
        }
        let flow = self.flow_of(e)?;
        if !self.always_shown(e) {
            return None;
        }
        self.find_in(m, &self.site.elem(e).children, flow, x, y, avail, target)
    }

    /// The box of `target` among `items` placed by `flow` from (x, y).
    #[allow(
        clippy::too_many_arguments,
        reason = "the flow's box and the target; grouping them would only rename them"
    )]
    fn find_in(
        &self,
        m: Measure,
        items: &[ElemId],
        flow: Flow,
        x: f32,
        y: f32,
        avail: f32,
        target: ElemId,
    ) -> Option<Rect> {
        let mut found = None;
        let mut size = (0.0, 0.0);
        self.place_items(
            m,
            items,
            flow,
            x,
            y,
            avail,
            |e, ex, ey, inner| {
                if found.is_none() {
                    found = self.find(m, e, ex, ey, inner, target);
                }
            },
            &mut size,
        );
        found
    }
}

/// The width of a label at `px`: its literal parts, and a short word of six
/// letters for each value it reads (a name, a price or a date is rarely
/// shorter). Measured in place: a reset sketches many candidate places.
fn label_width(m: Measure, parts: &[TemplatePart], px: f32) -> f32 {
    parts
        .iter()
        .map(|part| match part {
            TemplatePart::Lit(s) => face_width(m.face, s, px),
            _ => 6.0 * m.face.advance('n') * px,
        })
        .sum()
}
