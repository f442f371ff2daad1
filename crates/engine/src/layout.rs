//! Page layout with taffy: every shown node gets a box in page coordinates.
//!
//! The page is a flex column (header band, then content with padding and
//! gaps); rows and list items are wrapping flex rows; leaves are sized from
//! the deterministic text measure in [`crate::text`]. A dialog is laid out
//! on its own and centred over the page. The web app draws each element at
//! exactly these boxes, so a person sees what the agent sees.

use crate::compile::{Placement, Role, Site};
use crate::env::Node;
use crate::text::{face_width, face_wrap, Face};
use serde::{Deserialize, Serialize};
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
/// Width of a dialog.
pub const DIALOG_WIDTH: f32 = 380.0;
/// Top of a dialog.
pub const DIALOG_TOP: f32 = 110.0;

/// Reusable layout state (the taffy tree is kept and cleared per page).
pub struct Layouter {
    tree: TaffyTree<u32>,
    map: Vec<(taffy::NodeId, u32)>,
    face: Face,
}

impl Default for Layouter {
    fn default() -> Self {
        Layouter {
            tree: TaffyTree::new(),
            map: Vec::new(),
            face: Face::Sans,
        }
    }
}

/// Line height for a font size.
pub fn line_height(font_px: f32) -> f32 {
    (font_px * 1.4).round()
}

impl Layouter {
    /// Lays out the nodes `start..end` (one page, or a dialog placed as
    /// `dialog` says); returns the content height.
    pub fn lay_out(
        &mut self,
        site: &Site,
        nodes: &mut [Node],
        start: u32,
        end: u32,
        dialog: Option<Placement>,
    ) -> f32 {
        let is_dialog = dialog.is_some();
        let bar = dialog == Some(Placement::BottomBar);
        self.face = Face::of(&site.theme.font);
        let face = self.face;
        self.tree.clear();
        self.map.clear();
        for n in &mut nodes[start as usize..end as usize] {
            n.bbox = Rect::default();
        }
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
        let gap = 12.0;
        let result = if is_dialog {
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
            dialog.map(|d| {
                self.map.push((d, root_node));
                (d, (width - dialog_w) / 2.0, DIALOG_TOP)
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
            let mut children: Vec<taffy::NodeId> = banner.into_iter().collect();
            children.extend(content);
            self.tree
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
                .ok()
                .map(|r| (r, 0.0, 0.0))
        };
        let Some((root, ox, mut oy)) = result else {
            return 0.0;
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
                            Some(i) => measure_text(face, &nodes[i as usize], known, avail),
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
        for &(t, i) in &self.map {
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
            if let Some(n) = nodes.get_mut(i as usize) {
                n.bbox = Rect {
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
        if let Some(node) = node {
            self.map.push((id, node));
        }
        Some(id)
    }

    fn measured_leaf(&mut self, node: u32, style: Style) -> Option<taffy::NodeId> {
        let id = self.tree.new_leaf_with_context(style, node).ok()?;
        self.map.push((id, node));
        Some(id)
    }

    /// Builds the taffy subtree for a shown node; `None` for hidden ones.
    fn build(&mut self, site: &Site, nodes: &[Node], i: u32) -> Option<taffy::NodeId> {
        let n = &nodes[i as usize];
        if !n.visible {
            return None;
        }
        let font = n.font_px;
        let lh = line_height(font);
        let fixed = |w: f32, h: f32| Style {
            size: Size {
                width: length(w),
                height: length(h),
            },
            flex_shrink: 0.0,
            ..Default::default()
        };
        let id = match n.role {
            Role::Heading | Role::Text | Role::Alert => {
                let pad = if n.role == Role::Alert { 8.0 } else { 0.0 };
                self.measured_leaf(
                    i,
                    Style {
                        padding: uniform(pad),
                        max_size: Size {
                            width: LengthPercentageAuto::percent(1.0),
                            height: auto(),
                        },
                        ..Default::default()
                    },
                )?
            }
            Role::Label => {
                // A fixed label column keeps inputs aligned; long labels wrap.
                self.measured_leaf(
                    i,
                    Style {
                        size: Size {
                            width: length(LABEL_WIDTH),
                            height: auto(),
                        },
                        flex_shrink: 0.0,
                        ..Default::default()
                    },
                )?
            }
            Role::Button => {
                let w = (face_width(self.face, &n.label, advance_px(n)) + 32.0).ceil();
                self.leaf(Some(i), fixed(w, CONTROL_HEIGHT))?
            }
            Role::Link => {
                let w = (face_width(self.face, &n.label, advance_px(n)) + 4.0).ceil();
                self.leaf(Some(i), fixed(w, lh))?
            }
            Role::TextBox | Role::Password | Role::Number | Role::Date | Role::Select => {
                let w = INPUT_WIDTH
                    .min(site.width - 2.0 * PAGE_PADDING - LABEL_WIDTH - 12.0)
                    .max(80.0);
                self.leaf(Some(i), fixed(w, CONTROL_HEIGHT))?
            }
            Role::Checkbox | Role::Radio => {
                let w = (22.0 + face_width(self.face, &n.label, advance_px(n)) + 4.0).ceil();
                self.leaf(Some(i), fixed(w, lh.max(22.0)))?
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
                        width: length(if n.role == Role::ListItem { 16.0 } else { 10.0 }),
                        height: length(8.0),
                    },
                    padding: uniform(match n.role {
                        Role::ListItem => 10.0,
                        Role::Group if is_card => 14.0,
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
                self.map.push((id, i));
                id
            }
        };
        Some(id)
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

/// The font size scaled for the advance of bold type where the app draws bold.
fn advance_px(n: &Node) -> f32 {
    let bold = matches!(
        n.role,
        Role::Heading | Role::Banner | Role::Button | Role::Label | Role::Dialog
    ) || n.style == crate::format::TextStyle::Strong;
    n.font_px * if bold { crate::text::BOLD_FACTOR } else { 1.0 }
}

fn measure_text(
    face: Face,
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
    let (w, lines) = face_wrap(face, &n.label, advance_px(n), max_w.max(40.0));
    Size {
        width: known.width.unwrap_or(w.ceil()),
        height: known.height.unwrap_or(lines as f32 * lh),
    }
}
