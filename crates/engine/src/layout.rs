//! Page layout with taffy: every shown node gets a box in page coordinates.
//!
//! The page is a flex column (header band, then content with padding and
//! gaps); rows and list items are wrapping flex rows; leaves are sized from
//! the deterministic text measure in [`crate::text`]. A dialog is laid out
//! on its own and centred over the page. The web app draws each element at
//! exactly these boxes, so a person sees what the agent sees.
//!
//! Each page keeps its taffy subtree between layouts (a [`PageTree`]). When
//! a page is laid out again with the same shape (the same nodes shown, in
//! the same places, with the same fonts), only the leaves whose label
//! changed are updated and marked dirty, and taffy's own caches redo just
//! what depends on them; the boxes are exactly those of a layout from
//! scratch. Any other change rebuilds the page's subtree. So a reset that
//! rewrites a few labels, or a return to a page seen before, costs a small
//! part of a full layout.

use crate::env::Node;
use crate::format::TextStyle;
use crate::site::{Placement, Role, Site};
use crate::text::{face_width, face_wrap, Measure};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use taffy::prelude::*;

/// A box in CSS pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Rect {
    /// Whether the point lies inside.
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x && y >= self.y && x < self.x + self.w && y < self.y + self.h
    }
    /// Whether two boxes share any area.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }
    /// The centre.
    pub fn center(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// Height of the header band of every page.
pub const BANNER_HEIGHT: f32 = 48.0;
/// Padding around page content.
pub const PAGE_PADDING: f32 = 16.0;
/// Width of an input's label column.
pub const LABEL_WIDTH: f32 = 150.0;
/// Width of a text field or select.
pub const INPUT_WIDTH: f32 = 220.0;
/// Height of a text field, select or button.
pub const CONTROL_HEIGHT: f32 = 34.0;
/// Gap between the top-level elements of a page (and of a dialog).
pub const PAGE_GAP: f32 = 12.0;
/// Gap between the elements of a row (and of a field's label and input).
pub const ROW_GAP: f32 = 10.0;
/// Gap between the cells of a list row.
pub const LIST_ITEM_GAP: f32 = 16.0;
/// Gap between the lines of a card, a list, a radio group or a wrapped row.
pub const LINE_GAP: f32 = 8.0;
/// Padding inside a card.
pub const CARD_PADDING: f32 = 14.0;
/// Padding inside a list row.
pub const LIST_ITEM_PADDING: f32 = 10.0;
/// Width a checkbox or radio button adds to its label (its box and the gap
/// after it); its label also gets 4 px of room to end.
pub const CHECK_WIDTH: f32 = 22.0;
/// Width of a dialog.
pub const DIALOG_WIDTH: f32 = 380.0;
/// Top of a dialog.
pub const DIALOG_TOP: f32 = 110.0;

/// Reusable layout state: one taffy tree holding a subtree per page, kept
/// for as long as the site is the same.
pub struct Layouter {
    tree: TaffyTree<u32>,
    /// The site the subtrees were built for (held, so that the comparison by
    /// pointer cannot be fooled by a new site at a freed address).
    site: Option<Arc<Site>>,
    /// How the site's theme measures text (face and weight).
    measure: Measure,
    /// Per page (or dialog) index.
    pages: Vec<PageTree>,
    /// Scratch of a rebuild: every taffy node made, the boxes to read back,
    /// and the leaves whose size follows their node's label.
    ids: Vec<taffy::NodeId>,
    map: Vec<(taffy::NodeId, u32)>,
    leaves: Vec<(taffy::NodeId, u32)>,
}

impl Default for Layouter {
    fn default() -> Self {
        Layouter {
            tree: TaffyTree::new(),
            site: None,
            measure: Measure::default(),
            pages: Vec::new(),
            ids: Vec::new(),
            map: Vec::new(),
            leaves: Vec::new(),
        }
    }
}

/// What a page's layout depends on, per node, besides its label.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Shape {
    role: Role,
    visible: bool,
    parent: Option<u32>,
    font_bits: u32,
    style: TextStyle,
    primary: bool,
}

impl Shape {
    fn of(n: &Node) -> Shape {
        Shape {
            role: n.role,
            visible: n.visible,
            parent: n.parent,
            font_bits: n.font_px.to_bits(),
            style: n.style,
            primary: n.primary,
        }
    }
}

/// A page's taffy subtree and what it was built from.
#[derive(Default)]
struct PageTree {
    /// The subtree's root; `None` until built (or when building failed).
    root: Option<taffy::NodeId>,
    /// The node range and dialog placement it was built for.
    start: u32,
    end: u32,
    dialog: Option<Placement>,
    /// Per node of the range: its shape and label when built or last updated.
    shapes: Vec<Shape>,
    labels: Vec<String>,
    /// Every taffy node of the subtree, children before parents.
    ids: Vec<taffy::NodeId>,
    /// (taffy node, engine node) of every box to read back.
    map: Vec<(taffy::NodeId, u32)>,
    /// Leaves whose size follows their node's label.
    leaves: Vec<(taffy::NodeId, u32)>,
}

impl PageTree {
    /// Whether the subtree was built for exactly this shape of the page.
    fn fits(&self, nodes: &[Node], start: u32, end: u32, dialog: Option<Placement>) -> bool {
        self.root.is_some()
            && (self.start, self.end, self.dialog) == (start, end, dialog)
            && nodes
                .get(start as usize..end as usize)
                .is_some_and(|range| {
                    range
                        .iter()
                        .zip(&self.shapes)
                        .all(|(n, shape)| Shape::of(n) == *shape)
                })
    }

    /// Remembers the nodes' shapes and labels.
    fn record(&mut self, nodes: &[Node], start: u32, end: u32, dialog: Option<Placement>) {
        self.start = start;
        self.end = end;
        self.dialog = dialog;
        let range = nodes.get(start as usize..end as usize).unwrap_or_default();
        self.shapes.clear();
        self.shapes.extend(range.iter().map(Shape::of));
        self.labels.resize_with(range.len(), String::new);
        for (label, n) in self.labels.iter_mut().zip(range) {
            label.clear();
            label.push_str(&n.label);
        }
    }
}

/// Width of a text field or select on a site this wide: [`INPUT_WIDTH`],
/// narrower when the site leaves no room for it beside its label.
pub fn input_width(site_width: f32) -> f32 {
    INPUT_WIDTH
        .min(site_width - 2.0 * PAGE_PADDING - LABEL_WIDTH - 12.0)
        .max(80.0)
}

/// Line height for a font size.
pub fn line_height(font_px: f32) -> f32 {
    (font_px * 1.4).round()
}

impl Layouter {
    /// Lays out the nodes `range` (`start..end`: page or dialog number `page`, placed
    /// as `dialog` says when it is a dialog), writing their boxes into the
    /// same range of `boxes` (one per node); returns the content height.
    #[allow(
        clippy::indexing_slicing,
        reason = "`pages` is resized to hold `page` on entry"
    )]
    pub fn lay_out(
        &mut self,
        site: &Arc<Site>,
        nodes: &[Node],
        boxes: &mut [Rect],
        page: u32,
        (start, end): (u32, u32),
        dialog: Option<Placement>,
    ) -> f32 {
        if !self.site.as_ref().is_some_and(|s| Arc::ptr_eq(s, site)) {
            // Another site (a perturbed copy, say): nothing built so far applies.
            self.tree.clear();
            for p in &mut self.pages {
                p.root = None;
                p.ids.clear();
            }
            self.site = Some(Arc::clone(site));
            self.measure = Measure::of(&site.theme);
        }
        let page = page as usize;
        if self.pages.len() <= page {
            self.pages.resize_with(page + 1, PageTree::default);
        }
        let mut tree = std::mem::take(&mut self.pages[page]);
        if tree.fits(nodes, start, end, dialog) {
            self.update_labels(&mut tree, nodes);
        } else {
            self.rebuild(&mut tree, site, nodes, start, end, dialog);
        }
        let height = self.compute(&tree, site, nodes, boxes);
        self.pages[page] = tree;
        height
    }

    /// Brings the label-sized leaves of a subtree of the same shape up to date.
    #[allow(
        clippy::indexing_slicing,
        reason = "`start..end` is a page's node range in `nodes` and every id in it and in the tree is a node of that range (`Env` builds both and lays out only its own pages)"
    )]
    fn update_labels(&mut self, tree: &mut PageTree, nodes: &[Node]) {
        for &(t, i) in &tree.leaves {
            let n = &nodes[i as usize];
            let label = &mut tree.labels[(i - tree.start) as usize];
            if *label == n.label {
                continue;
            }
            label.clear();
            label.push_str(&n.label);
            let _ = match self.label_style(n) {
                Some(style) => self.tree.set_style(t, style),
                None => self.tree.mark_dirty(t),
            };
        }
    }

    /// Builds a page's subtree from scratch (removing the old one).
    fn rebuild(
        &mut self,
        tree: &mut PageTree,
        site: &Site,
        nodes: &[Node],
        start: u32,
        end: u32,
        dialog: Option<Placement>,
    ) {
        // Children come before their parents in `ids`, so each removal finds
        // the parent it detaches from still there.
        for &t in &tree.ids {
            let _ = self.tree.remove(t);
        }
        self.ids.clear();
        self.map.clear();
        self.leaves.clear();
        tree.root = self.build_page(site, nodes, start, end, dialog);
        std::mem::swap(&mut tree.ids, &mut self.ids);
        std::mem::swap(&mut tree.map, &mut self.map);
        std::mem::swap(&mut tree.leaves, &mut self.leaves);
        tree.record(nodes, start, end, dialog);
    }

    /// Makes the taffy nodes of a page; returns the root.
    #[allow(
        clippy::indexing_slicing,
        reason = "`start..end` is a page's node range in `nodes` and every id in it and in the tree is a node of that range (`Env` builds both and lays out only its own pages)"
    )]
    fn build_page(
        &mut self,
        site: &Site,
        nodes: &[Node],
        start: u32,
        end: u32,
        dialog: Option<Placement>,
    ) -> Option<taffy::NodeId> {
        let is_dialog = dialog.is_some();
        let bar = dialog == Some(Placement::BottomBar);
        let width = site.width;
        let root_node = start;
        let tops: Vec<u32> = (start..end)
            .filter(|&i| {
                let n = &nodes[i as usize];
                if is_dialog {
                    n.parent == Some(root_node)
                } else {
                    n.parent.is_none() && i != root_node
                }
            })
            .collect();
        let mut content_children = Vec::new();
        for &i in &tops {
            if let Some(t) = self.build(site, nodes, i) {
                content_children.push(t);
            }
        }
        let gap = PAGE_GAP;
        if is_dialog {
            let dialog_w = if bar {
                width
            } else {
                DIALOG_WIDTH.min(width - 24.0)
            };
            // The title line is drawn as part of the dialog node, so it has no box of its own.
            let title = self.leaf(
                None,
                full_width_line(line_height(site.theme.font_size * 1.25)),
            );
            let mut children: Vec<taffy::NodeId> = title.into_iter().collect();
            children.extend(content_children);
            let dialog = self
                .tree
                .new_with_children(
                    Style {
                        flex_direction: FlexDirection::Column,
                        size: Size {
                            width: length(dialog_w),
                            height: auto(),
                        },
                        padding: uniform(18.0),
                        gap: Size {
                            width: length(gap),
                            height: length(gap),
                        },
                        ..Default::default()
                    },
                    &children,
                )
                .ok();
            dialog.inspect(|&d| {
                self.ids.push(d);
                self.map.push((d, root_node));
            })
        } else {
            let banner = self.leaf(Some(root_node), full_width_line(BANNER_HEIGHT));
            let content = self
                .tree
                .new_with_children(
                    Style {
                        flex_direction: FlexDirection::Column,
                        align_items: AlignItems::FLEX_START,
                        padding: uniform(PAGE_PADDING),
                        gap: Size {
                            width: length(gap),
                            height: length(gap),
                        },
                        size: Size {
                            width: Dimension::percent(1.0),
                            height: auto(),
                        },
                        ..Default::default()
                    },
                    &content_children,
                )
                .ok();
            self.ids.extend(content);
            let mut children: Vec<taffy::NodeId> = banner.into_iter().collect();
            children.extend(content);
            let root = self
                .tree
                .new_with_children(
                    Style {
                        flex_direction: FlexDirection::Column,
                        size: Size {
                            width: length(width),
                            height: auto(),
                        },
                        ..Default::default()
                    },
                    &children,
                )
                .ok();
            self.ids.extend(root);
            root
        }
    }

    /// Lays out a built subtree and writes the box of every node of the range
    /// it was built for (zero for those not shown); returns the content height.
    #[allow(
        clippy::indexing_slicing,
        reason = "`start..end` is a page's node range in `nodes` and `boxes` (one box per node) and every id in it and in the tree is a node of that range (`Env` builds them together and lays out only its own pages)"
    )]
    fn compute(&mut self, tree: &PageTree, site: &Site, nodes: &[Node], boxes: &mut [Rect]) -> f32 {
        let (start, end, dialog) = (tree.start, tree.end, tree.dialog);
        for b in &mut boxes[start as usize..end as usize] {
            *b = Rect::default();
        }
        let Some(root) = tree.root else {
            return 0.0;
        };
        let measure = self.measure;
        let width = site.width;
        let bar = dialog == Some(Placement::BottomBar);
        let (ox, mut oy) = if dialog.is_some() {
            let dialog_w = if bar {
                width
            } else {
                DIALOG_WIDTH.min(width - 24.0)
            };
            ((width - dialog_w) / 2.0, DIALOG_TOP)
        } else {
            (0.0, 0.0)
        };
        let available = Size {
            width: AvailableSpace::Definite(width),
            height: AvailableSpace::MaxContent,
        };
        let measured =
            self.tree
                .compute_layout_with_measure(root, available, |inputs, _id, ctx, style| {
                    let text = ctx.map(|&mut i| i);
                    taffy::compute_leaf_layout(
                        inputs,
                        style,
                        |_, _| 0.0,
                        |known, avail| match text {
                            Some(i) => measure_text(measure, &nodes[i as usize], known, avail),
                            None => Size::ZERO,
                        },
                    )
                });
        if measured.is_err() {
            return 0.0;
        }
        if bar {
            // A bar sits along the bottom of the first screen.
            let h = self.tree.layout(root).map(|l| l.size.height).unwrap_or(0.0);
            oy = (site.height - h).max(0.0);
        }
        // Absolute positions: each mapped box plus its ancestors' offsets
        // (taffy positions a node relative to its parent).
        for &(t, i) in &tree.map {
            let Ok(l) = self.tree.layout(t) else { continue };
            let (mut x, mut y) = (ox + l.location.x, oy + l.location.y);
            let mut up = self.tree.parent(t);
            while let Some(p) = up {
                if let Ok(pl) = self.tree.layout(p) {
                    x += pl.location.x;
                    y += pl.location.y;
                }
                up = self.tree.parent(p);
            }
            if let Some(b) = boxes.get_mut(i as usize) {
                *b = Rect {
                    x,
                    y,
                    w: l.size.width,
                    h: l.size.height,
                };
            }
        }
        self.tree
            .layout(root)
            .map(|l| oy + l.location.y + l.size.height)
            .unwrap_or(0.0)
    }

    /// A leaf of fixed style; its box is written to `node` when one is given
    /// (lines drawn as part of their parent, such as a dialog's title, have none).
    fn leaf(&mut self, node: Option<u32>, style: Style) -> Option<taffy::NodeId> {
        let id = self.tree.new_leaf(style).ok()?;
        self.ids.push(id);
        if let Some(node) = node {
            self.map.push((id, node));
        }
        Some(id)
    }

    /// A leaf sized by its node's label: measured text (the style is kept),
    /// or a control whose width follows the label ([`Layouter::label_style`]).
    fn label_leaf(&mut self, node: u32, n: &Node, style: Option<Style>) -> Option<taffy::NodeId> {
        let id = match style {
            Some(style) => self.tree.new_leaf_with_context(style, node).ok()?,
            None => {
                let style = self.label_style(n)?;
                self.tree.new_leaf(style).ok()?
            }
        };
        self.ids.push(id);
        self.map.push((id, node));
        self.leaves.push((id, node));
        Some(id)
    }

    /// The style of a control whose width follows its label (a button, a
    /// link, a checkbox or a radio button); `None` for other nodes (measured
    /// text among them: their style does not depend on the label).
    fn label_style(&self, n: &Node) -> Option<Style> {
        let lh = line_height(n.font_px);
        let (w, h) = match n.role {
            Role::Button => (
                (face_width(self.measure.face, &n.label, advance_px(self.measure, n)) + 32.0)
                    .ceil(),
                CONTROL_HEIGHT,
            ),
            Role::Link => (
                (face_width(self.measure.face, &n.label, advance_px(self.measure, n)) + 4.0).ceil(),
                lh,
            ),
            Role::Checkbox | Role::Radio => (
                (CHECK_WIDTH
                    + face_width(self.measure.face, &n.label, advance_px(self.measure, n))
                    + 4.0)
                    .ceil(),
                lh.max(CHECK_WIDTH),
            ),
            _ => return None,
        };
        Some(fixed(w, h))
    }

    /// Builds the taffy subtree for a shown node; `None` for hidden ones.
    #[allow(
        clippy::indexing_slicing,
        reason = "`start..end` is a page's node range in `nodes` and every id in it and in the tree is a node of that range (`Env` builds both and lays out only its own pages)"
    )]
    fn build(&mut self, site: &Site, nodes: &[Node], i: u32) -> Option<taffy::NodeId> {
        let n = &nodes[i as usize];
        if !n.visible {
            return None;
        }
        let font = n.font_px;
        let lh = line_height(font);
        let id = match n.role {
            Role::Heading | Role::Text | Role::Alert => {
                let pad = if n.role == Role::Alert { 8.0 } else { 0.0 };
                self.label_leaf(
                    i,
                    n,
                    Some(Style {
                        padding: uniform(pad),
                        max_size: Size {
                            width: LengthPercentageAuto::percent(1.0),
                            height: auto(),
                        },
                        ..Default::default()
                    }),
                )?
            }
            Role::Label => {
                // A fixed label column keeps inputs aligned; long labels wrap.
                self.label_leaf(
                    i,
                    n,
                    Some(Style {
                        size: Size {
                            width: length(LABEL_WIDTH),
                            height: auto(),
                        },
                        flex_shrink: 0.0,
                        ..Default::default()
                    }),
                )?
            }
            Role::Button | Role::Link | Role::Checkbox | Role::Radio => {
                self.label_leaf(i, n, None)?
            }
            Role::TextBox | Role::Password | Role::Number | Role::Date | Role::Select => {
                self.leaf(Some(i), fixed(input_width(site.width), CONTROL_HEIGHT))?
            }
            Role::Banner | Role::Dialog => return None,
            Role::Group | Role::List | Role::ListItem | Role::RadioGroup => {
                let mut children = Vec::new();
                if n.role == Role::RadioGroup {
                    // The group's own label line comes first.
                    if let Some(label) = self.leaf(
                        None,
                        Style {
                            size: Size {
                                width: auto(),
                                height: length(lh),
                            },
                            ..Default::default()
                        },
                    ) {
                        children.push(label);
                    }
                }
                for &c in &n.children {
                    if let Some(t) = self.build(site, nodes, c) {
                        children.push(t);
                    }
                }
                let is_card = n.role == Role::Group && n.primary;
                let row = matches!(n.role, Role::ListItem) || (n.role == Role::Group && !is_card);
                let style = Style {
                    flex_direction: if row {
                        FlexDirection::Row
                    } else {
                        FlexDirection::Column
                    },
                    flex_wrap: if row {
                        FlexWrap::Wrap
                    } else {
                        FlexWrap::NoWrap
                    },
                    align_items: if row {
                        AlignItems::CENTER
                    } else {
                        AlignItems::FLEX_START
                    },
                    gap: Size {
                        width: length(if n.role == Role::ListItem {
                            LIST_ITEM_GAP
                        } else {
                            ROW_GAP
                        }),
                        height: length(LINE_GAP),
                    },
                    padding: uniform(match n.role {
                        Role::ListItem => LIST_ITEM_PADDING,
                        Role::Group if is_card => CARD_PADDING,
                        _ => 0.0,
                    }),
                    size: Size {
                        width: if matches!(n.role, Role::List | Role::ListItem) || is_card {
                            Dimension::percent(1.0)
                        } else {
                            auto()
                        },
                        height: auto(),
                    },
                    max_size: Size {
                        width: LengthPercentageAuto::percent(1.0),
                        height: auto(),
                    },
                    ..Default::default()
                };
                let id = self.tree.new_with_children(style, &children).ok()?;
                self.ids.push(id);
                self.map.push((id, i));
                id
            }
        };
        Some(id)
    }
}

/// A box of a fixed size that does not shrink (controls).
fn fixed(w: f32, h: f32) -> Style {
    Style {
        size: Size {
            width: length(w),
            height: length(h),
        },
        flex_shrink: 0.0,
        ..Default::default()
    }
}

/// A full-width line of a fixed height (the banner, a dialog's title).
fn full_width_line(height: f32) -> Style {
    Style {
        size: Size {
            width: Dimension::percent(1.0),
            height: length(height),
        },
        flex_shrink: 0.0,
        ..Default::default()
    }
}

fn uniform(v: f32) -> Rect4 {
    taffy::Rect {
        left: length(v),
        right: length(v),
        top: length(v),
        bottom: length(v),
    }
}

type Rect4 = taffy::Rect<LengthPercentage>;

/// The font size scaled for the advance of bold type where the app draws
/// bold: these roles and strong text, or every text when the theme is bold.
/// The SVG drawing wraps text with the same size, so that its lines are the
/// layout's.
pub(crate) fn advance_px(measure: Measure, n: &Node) -> f32 {
    let bold = matches!(
        n.role,
        Role::Heading | Role::Banner | Role::Button | Role::Label | Role::Dialog
    ) || n.style == crate::format::TextStyle::Strong;
    measure.advance_px(n.font_px, bold)
}

fn measure_text(
    measure: Measure,
    n: &Node,
    known: Size<Option<f32>>,
    avail: Size<AvailableSpace>,
) -> Size<f32> {
    let font = n.font_px;
    let lh = line_height(font);
    let max_w = match (known.width, avail.width) {
        (Some(w), _) => w,
        (None, AvailableSpace::Definite(w)) => w,
        (None, AvailableSpace::MinContent) => 0.0,
        (None, AvailableSpace::MaxContent) => f32::INFINITY,
    };
    let (w, lines) = face_wrap(
        measure.face,
        &n.label,
        advance_px(measure, n),
        max_w.max(40.0),
    );
    Size {
        width: known.width.unwrap_or(w.ceil()),
        height: known.height.unwrap_or(lines as f32 * lh),
    }
}
