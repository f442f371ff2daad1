//! Boxes, computed when first read: a step or a reset only notes which
//! pages' layouts went out of date, and a page is laid out when something
//! reads one of its boxes or its height (an observation with coordinates,
//! a click at a point, a scroll, a bar dialog covering part of the page).
//! A random policy, or an agent reading the semantic tree, never pays for
//! layout. Every read goes through [`Env::bbox`] or [`Env::page_height`],
//! which bring the page up to date first, so no box read is ever stale; and
//! a page is laid out from the very node state it would have been laid out
//! from eagerly, so the boxes are the same.

use super::Env;
use crate::layout::{Layouter, Rect};
use crate::site::PageId;
use std::cell::RefCell;

/// Where a page's boxes stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Laid {
    /// Not shown yet this episode: its boxes are all zero.
    Never,
    /// Shown, but changed since it was last laid out (or never laid out).
    Stale,
    /// Laid out from the nodes as they are.
    Current,
}

/// The layout state and its results, behind a `RefCell` so that reading a
/// box through `&Env` can lay the page out.
#[derive(Default)]
pub(super) struct Geometry {
    layout: Layouter,
    /// One box per node (zero for nodes not shown when their page was laid out).
    boxes: Vec<Rect>,
    /// Per page or dialog: content height, and where its boxes stand.
    height: Vec<f32>,
    laid: Vec<Laid>,
}

impl Geometry {
    /// Forgets every box, for a new episode of `nodes` nodes on `pages` pages
    /// (keeping the buffers and the layouter's trees).
    pub(super) fn clear(&mut self, nodes: usize, pages: usize) {
        self.boxes.clear();
        self.boxes.resize(nodes, Rect::default());
        self.height.clear();
        self.height.resize(pages, 0.0);
        self.laid.clear();
        self.laid.resize(pages, Laid::Never);
    }

    /// Notes that a shown page must be laid out before its boxes are read:
    /// when `changed`, or when it was never laid out.
    pub(super) fn touch(&mut self, page: u32, changed: bool) {
        if let Some(l) = self.laid.get_mut(page as usize) {
            if changed || *l == Laid::Never {
                *l = Laid::Stale;
            }
        }
    }
}

impl Env {
    /// The box of node `id` in page coordinates (CSS pixels, origin at the
    /// page's top left), laying its page out first if it changed since; zero
    /// for a node not shown, on a page not shown yet this episode, or unknown.
    pub fn bbox(&self, id: u32) -> Rect {
        let Some(n) = self.nodes.get(id as usize) else {
            return Rect::default();
        };
        self.bring_up_to_date(n.page);
        self.geometry
            .borrow()
            .boxes
            .get(id as usize)
            .copied()
            .unwrap_or_default()
    }

    /// Height of the current page's content (laid out first if it changed).
    pub fn page_height(&self) -> f32 {
        self.bring_up_to_date(self.page);
        // 0 before the first reset.
        self.geometry
            .borrow()
            .height
            .get(self.page as usize)
            .copied()
            .unwrap_or(0.0)
    }

    /// Lays page `page` out if it is stale.
    fn bring_up_to_date(&self, page: u32) {
        let mut g = self.geometry.borrow_mut();
        let g = &mut *g;
        if g.laid.get(page as usize) != Some(&Laid::Stale) {
            return;
        }
        let Some(&(start, end)) = self.page_nodes.get(page as usize) else {
            return;
        };
        let Some(p) = self.site.pages.get(PageId(page).index()) else {
            return;
        };
        let placement = p.is_dialog.then_some(p.placement);
        let height = g.layout.lay_out(
            &self.site,
            &self.nodes,
            &mut g.boxes,
            page,
            (start, end),
            placement,
        );
        if let Some(h) = g.height.get_mut(page as usize) {
            *h = height;
        }
        if let Some(l) = g.laid.get_mut(page as usize) {
            *l = Laid::Current;
        }
    }
}

/// The cell holding an environment's geometry.
pub(super) type GeometryCell = RefCell<Geometry>;
