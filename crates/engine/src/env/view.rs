//! What is shown: state-reading labels and visibility re-evaluated after
//! each event, pages marked for layout only when something visible changed, and
//! which nodes can be used under an open dialog.

use super::{Env, Node};
use crate::eval;
use crate::eval::RowCtx;
use crate::perturb;
use crate::site::{Lazy, Placement, Role, Site, Template, TemplatePart};
use std::sync::Arc;

impl Env {
    pub(super) fn render_into(&self, site: &Site, t: &Template, row: RowCtx, out: &mut String) {
        let ctx = self.ctx(site);
        for part in &t.parts {
            match part {
                TemplatePart::Lit(s) => out.push_str(s),
                TemplatePart::Value(v) => ctx.write_val(v, row, out),
                TemplatePart::Money(v, format) => {
                    eval::write_money_val(out, ctx.val(v, row), *format)
                }
            }
        }
    }

    pub(super) fn row_ctx_of(&self, site: &Site, node: &Node) -> RowCtx {
        let r = node.row?;
        // The row's table: the nearest enclosing list's table.
        let mut cur = node.parent;
        while let Some(i) = cur {
            let n = self.node(i);
            if n.role == Role::List {
                return site.elem(n.elem).list.as_ref().map(|l| (l.table, r));
            }
            cur = n.parent;
        }
        None
    }

    /// Re-evaluates visibility and state-reading labels of the current page
    /// (and dialog), and marks it for layout if anything visible changed.
    pub(super) fn refresh(&mut self) {
        let site = Arc::clone(&self.site);
        self.refresh_page(&site, self.page);
        if let Some(d) = self.dialog {
            self.refresh_page(&site, d);
        }
    }

    /// Re-evaluates one page's visibility and state-reading labels, and marks
    /// it for layout if anything visible changed (or it never was laid out);
    /// the layout itself waits for the first read of a box.
    pub(super) fn refresh_page(&mut self, site: &Site, p: u32) {
        let mut changed = false;
        let (start, end) = self.page_range(p);
        for i in start..end {
            let (conditional, dynamic) = {
                let n = self.node(i);
                (n.conditional, n.dynamic_label)
            };
            if conditional {
                let visible = self.own_visibility(site, i);
                let n = self.node_mut(i);
                if n.visible != visible {
                    n.visible = visible;
                    changed = true;
                }
            }
            if dynamic {
                let node = self.node(i);
                let row = self.row_ctx_of(site, node);
                let elem = &site.elem(node.elem);
                let mut buf = std::mem::take(&mut self.scratch);
                buf.clear();
                self.render_into(site, &elem.label, row, &mut buf);
                let n = self.node_mut(i);
                if n.label != buf {
                    n.label.clear();
                    n.label.push_str(&buf);
                    changed = true;
                }
                self.scratch = buf;
            }
        }
        self.geometry.get_mut().touch(p, changed);
    }

    /// The box of the element with this key on a page, laid out as the page
    /// would be shown now (the first row's instance for list rows).
    pub(super) fn box_of(&mut self, page: u32, key: &str) -> Option<crate::layout::Rect> {
        let site = Arc::clone(&self.site);
        self.refresh_page(&site, page);
        let (start, end) = *self.page_nodes.get(page as usize)?;
        (start..end)
            .find(|&i| self.node(i).base_key == key && self.is_shown(i))
            .map(|i| self.bbox(i))
    }

    /// Adds where moved elements were and are now to the move explanations,
    /// from the unperturbed episode of the same seed laid out beside this one.
    pub(super) fn locate_moves(&mut self) {
        let wanted: Vec<(usize, u32, String)> = self
            .changes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.applied && c.kind == perturb::Kind::Move)
            .filter_map(|(i, c)| {
                let page = self
                    .site
                    .pages
                    .iter()
                    .position(|p| Some(&p.id) == c.page.as_ref())?;
                Some((i, page as u32, c.key.clone()?))
            })
            .collect();
        if wanted.is_empty() {
            return;
        }
        let mut baseline = match self.baseline.take() {
            Some(b) if Arc::ptr_eq(&b.site, &self.base) => b,
            _ => match Env::new(Arc::clone(&self.base), self.task, self.config) {
                Ok(b) => Box::new(b),
                Err(_) => return,
            },
        };
        baseline.reset(self.seed);
        for (i, page, key) in wanted {
            let before = baseline.box_of(page, &key);
            let after = self.box_of(page, &key);
            if let (Some(a), Some(b)) = (before, after) {
                if let Some(change) = self.changes.get_mut(i) {
                    change.text.push_str(&format!(
                        ", from ({:.0}, {:.0}) to ({:.0}, {:.0})",
                        a.x, a.y, b.x, b.y
                    ));
                }
            }
        }
        self.baseline = Some(baseline);
    }

    pub(super) fn own_visibility(&self, site: &Site, i: u32) -> bool {
        let n = self.node(i);
        let ctx = self.ctx(site);
        let elem = match site.elems.get(n.elem.index()) {
            Some(e) => e,
            None => return true,
        };
        // Lazy content applies to the element itself, not to its list rows.
        if n.role != Role::ListItem && !(n.role == Role::Text && n.classes == "list-empty") {
            match elem.lazy {
                Lazy::After(k) if self.page_steps < k => return false,
                Lazy::Until(k) => return self.page_steps < k,
                _ => {}
            }
        }
        match n.role {
            Role::ListItem => {
                let row = self.row_ctx_of(site, n);
                match elem.list.as_ref().and_then(|l| l.filter.as_ref()) {
                    Some(f) => ctx.cond(f, row),
                    None => true,
                }
            }
            Role::Text if n.classes == "list-empty" => {
                // Visible when no sibling row is visible and the list says
                // something then (a list without `empty` shows nothing).
                if n.label.is_empty() {
                    return false;
                }
                let Some(parent) = n.parent else { return false };
                // The rows come before this node, so `refresh` has already
                // brought their visibility up to date.
                let any = self.node(parent).children.iter().any(|&c| {
                    let cn = self.node(c);
                    cn.role == Role::ListItem && cn.visible
                });
                !any
            }
            _ => match &elem.visible_if {
                Some(c) => ctx.cond(c, self.row_ctx_of(site, n)),
                None => true,
            },
        }
    }

    /// Whether a node is shown: its own condition and all its ancestors'.
    pub fn is_shown(&self, id: u32) -> bool {
        let mut cur = Some(id);
        while let Some(i) = cur {
            let Some(n) = self.nodes.get(i as usize) else {
                return false;
            };
            if !n.visible {
                return false;
            }
            cur = n.parent;
        }
        true
    }

    /// Whether a node can be used now: shown, on the current page, interactive,
    /// and not covered by an open dialog.
    pub fn is_usable(&self, id: u32) -> bool {
        let Some(n) = self.nodes.get(id as usize) else {
            return false;
        };
        if !n.role.is_interactive() || !self.is_shown(id) {
            return false;
        }
        match self.dialog {
            Some(d) if n.page == d => true,
            Some(d) if self.is_bar(d) => n.page == self.page && !self.covered_by(d, &self.bbox(id)),
            Some(_) => false,
            None => n.page == self.page,
        }
    }

    pub(super) fn is_bar(&self, dialog: u32) -> bool {
        self.site
            .pages
            .get(dialog as usize)
            .is_some_and(|p| p.placement == Placement::BottomBar)
    }

    /// Whether any part of a box lies under a dialog (a partly hidden
    /// button cannot be clicked either).
    pub(super) fn covered_by(&self, dialog: u32, bbox: &crate::layout::Rect) -> bool {
        let (start, _) = self.page_range(dialog);
        self.bbox(start).overlaps(bbox)
    }

    /// How the open dialog is placed, if one is open.
    pub fn dialog_placement(&self) -> Option<Placement> {
        self.dialog
            .and_then(|d| self.site.pages.get(d as usize))
            .map(|p| p.placement)
    }
}
