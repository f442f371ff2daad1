//! The node tree: every page's and dialog's elements instantiated as
//! [`Node`]s at reset (list rows once per table row, a labelled field as a
//! row holding its label and its input, a radio group with one node per
//! option), and the one constructor every node starts from.

use super::Env;
use crate::eval::{RowCtx, TableData};
use crate::format::TextStyle;
use crate::site::{Elem, ElemId, Lazy, Options, Role, Site, SlotTarget};
use std::fmt::Write as _;
use std::sync::Arc;

/// One element instance on a page, as agents observe it.
#[derive(Debug, Clone)]
pub struct Node {
    /// What it is.
    pub role: Role,
    /// Stable handle: the element's key, with `[row]` for list-row instances.
    pub key: String,
    /// The element key without the row suffix.
    pub base_key: String,
    /// Table row of a list-row instance.
    pub row: Option<u32>,
    /// The selector id a scripted bot would use.
    pub dom_id: String,
    /// Selector classes.
    pub classes: String,
    /// Its text or accessible name.
    pub label: String,
    /// Placeholder of an empty text field.
    pub placeholder: String,
    /// Options of a select.
    pub options: Vec<String>,
    /// Page (or dialog) index.
    pub page: u32,
    /// Parent node.
    pub parent: Option<u32>,
    /// Children, in order.
    pub children: Vec<u32>,
    /// Nesting depth below the page.
    pub depth: u8,
    /// Shown now.
    pub visible: bool,
    /// Text style.
    pub style: TextStyle,
    /// Primary button, or boxed card.
    pub primary: bool,
    /// Font size in pixels.
    pub font_px: f32,
    /// The element it instantiates ([`NO_ELEM`] for a page's banner or a
    /// dialog's frame); list rows and their "nothing found" text carry their
    /// list's.
    pub(crate) elem: ElemId,
    /// The state slot holding its value, for inputs.
    pub(crate) slot: Option<u32>,
    /// For a radio button: the option text it chooses.
    pub(crate) radio_value: Option<u32>,
    /// Its label reads state, so it is rendered again after events.
    pub(crate) dynamic_label: bool,
    /// Its visibility can change, so it is evaluated again after events.
    pub(crate) conditional: bool,
}

/// The element id of a node that no element of the site makes: a page's
/// banner or a dialog's frame.
pub(crate) const NO_ELEM: ElemId = ElemId(u32::MAX);

impl Node {
    /// Whether text observations list this node: unlabelled groups and list
    /// rows only arrange others and are left out (their children stay).
    pub fn is_listed(&self) -> bool {
        !(matches!(self.role, Role::Group | Role::ListItem) && self.label.is_empty())
    }

    /// A node of `role` on `page`, made by element `elem`, with everything
    /// else plain: no key, selector, label, options, parent or children; at
    /// depth 0, visible, unstyled, not primary, with no slot, and
    /// nothing to re-evaluate after events. Every node starts here and sets
    /// what differs.
    pub(crate) fn new(role: Role, page: u32, elem: ElemId, font_px: f32) -> Node {
        Node {
            role,
            key: String::new(),
            base_key: String::new(),
            row: None,
            dom_id: String::new(),
            classes: String::new(),
            label: String::new(),
            placeholder: String::new(),
            options: Vec::new(),
            page,
            parent: None,
            children: Vec::new(),
            depth: 0,
            visible: true,
            style: TextStyle::Normal,
            primary: false,
            font_px,
            elem,
            slot: None,
            radio_value: None,
            dynamic_label: false,
            conditional: false,
        }
    }
}

impl Node {
    /// Makes this node what [`Node::new`] would make, keeping its buffers
    /// (its strings and lists keep their room for the next episode); its
    /// options must have been taken out (see `Env::new_node`).
    fn renew(&mut self, role: Role, page: u32, elem: ElemId, font_px: f32) {
        self.role = role;
        self.key.clear();
        self.base_key.clear();
        self.row = None;
        self.dom_id.clear();
        self.classes.clear();
        self.label.clear();
        self.placeholder.clear();
        self.page = page;
        self.parent = None;
        self.children.clear();
        self.depth = 0;
        self.visible = true;
        self.style = TextStyle::Normal;
        self.primary = false;
        self.font_px = font_px;
        self.elem = elem;
        self.slot = None;
        self.radio_value = None;
        self.dynamic_label = false;
        self.conditional = false;
    }
}

impl Env {
    /// Builds the node instances of every page and dialog. The previous
    /// episode's nodes are written over in place (and those it had beyond
    /// this one's wait in `spare_nodes`), so that a reset of a site seen
    /// before writes into strings and lists that already have room.
    pub(super) fn instantiate(&mut self) {
        let site = Arc::clone(&self.site);
        self.nodes.append(&mut self.spare_nodes);
        self.built = 0;
        self.page_nodes.clear();
        for (p, page) in site.pages.iter().enumerate() {
            let start = self.built as u32;
            let root_role = if page.is_dialog {
                Role::Dialog
            } else {
                Role::Banner
            };
            let font = site.theme.font_size * 1.25;
            let root = self.new_node(root_role, p as u32, NO_ELEM, font, None);
            let n = self.node_mut(root);
            if page.is_dialog {
                n.key.push_str(&page.id);
                n.dom_id.push_str(&page.id);
                n.label.push_str(&page.title);
            } else {
                n.key.push_str("banner");
                n.dom_id.push_str("site-header");
                n.label.push_str(&site.title);
            }
            n.base_key.push_str(&n.key);
            n.classes.push_str(root_role.name());
            n.style = TextStyle::Strong;
            // Dialog content nests under the dialog node; page content sits beside the banner.
            let parent = if page.is_dialog { Some(root) } else { None };
            for &e in &page.elems {
                self.instantiate_elem(&site, e, p as u32, parent, None);
            }
            self.page_nodes.push((start, self.built as u32));
        }
        self.spare_nodes.extend(self.nodes.drain(self.built..));
        self.geometry
            .get_mut()
            .clear(self.nodes.len(), site.pages.len());
    }

    /// Adds the next node as [`Node::new`] makes it, under `parent`
    /// (written over the last episode's node of that id when there is one);
    /// returns its id.
    fn new_node(
        &mut self,
        role: Role,
        page: u32,
        elem: ElemId,
        font_px: f32,
        parent: Option<u32>,
    ) -> u32 {
        let id = self.built as u32;
        self.built += 1;
        let depth = match parent {
            Some(p) => {
                let parent = self.node_mut(p);
                parent.children.push(id);
                parent.depth + 1
            }
            None => 0,
        };
        match self.nodes.get_mut(id as usize) {
            Some(n) => {
                // Option texts go to the pool that `options_into` draws from.
                self.spare_options.append(&mut n.options);
                n.renew(role, page, elem, font_px);
            }
            None => self.nodes.push(Node::new(role, page, elem, font_px)),
        }
        let n = self.node_mut(id);
        n.parent = parent;
        n.depth = depth;
        id
    }

    pub(super) fn resolve_slot(&self, target: Option<SlotTarget>, row: Option<u32>) -> Option<u32> {
        match target? {
            SlotTarget::Slot(s) => Some(s),
            SlotTarget::RowSlot(ri) => Some(self.row_base.get(ri as usize)? + row?),
        }
    }

    /// Writes an element's key, selector id, classes, placeholder and label
    /// into node `id` (a fresh one), for table row `row` when in a list.
    fn describe(&mut self, site: &Site, id: u32, elem: &Elem, row: RowCtx) {
        let mut label = std::mem::take(&mut self.scratch);
        label.clear();
        self.render_into(site, &elem.label, row, &mut label);
        let (tables, pool) = (&self.tables, &mut self.spare_options);
        let Some(n) = self.nodes.get_mut(id as usize) else {
            self.scratch = label;
            return;
        };
        n.label.push_str(&label);
        self.scratch = label;
        if let Some(opts) = &elem.options {
            options_into(site, tables, opts, &mut n.options, pool);
        }
        if let Some(k) = &elem.key {
            n.base_key.push_str(k);
        }
        n.key.push_str(&n.base_key);
        if let (Some((_, r)), false) = (row, n.base_key.is_empty()) {
            let _ = write!(n.key, "[{r}]");
        }
        if let Some(d) = &elem.dom_id {
            n.dom_id.push_str(d);
            if let Some((_, r)) = row {
                let _ = write!(n.dom_id, "-{r}");
            }
        } else {
            // The key as a selector: brackets become dashes, none at the end.
            n.dom_id.extend(
                n.key
                    .chars()
                    .map(|c| if matches!(c, '[' | ']') { '-' } else { c }),
            );
            let kept = n.dom_id.trim_end_matches('-').len();
            n.dom_id.truncate(kept);
        }
        match &elem.classes {
            Some(c) => n.classes.push_str(c),
            None => n.classes.push_str(default_classes(elem)),
        }
        n.placeholder.push_str(&elem.placeholder);
    }

    pub(super) fn instantiate_elem(
        &mut self,
        site: &Site,
        e: ElemId,
        page: u32,
        parent: Option<u32>,
        row: RowCtx,
    ) {
        let elem: &Elem = site.elem(e);
        let font = site.theme.font_size;
        let font_px = if elem.role == Role::Heading {
            font * 1.45
        } else {
            font
        };
        let r = row.map(|(_, r)| r);
        let conditional =
            elem.visible_if.is_some() || elem.role == Role::Alert || elem.lazy != Lazy::No;
        let dynamic_label = elem.label.reads_state();
        let is_input = elem.role.is_text_entry() || elem.role == Role::Select;
        // A labelled field: a row holding the visible label and the input.
        let parent = if is_input {
            let group = self.new_node(Role::Group, page, e, font_px, parent);
            let g = self.node_mut(group);
            g.row = r;
            g.classes.push_str("field");
            // The whole field (its label too) shows only when the input would.
            g.conditional = conditional;
            Some(group)
        } else {
            parent
        };
        // The label shows the input's text, and follows it when it reads state.
        let label = is_input.then(|| {
            let label = self.new_node(Role::Label, page, e, font_px, parent);
            let l = self.node_mut(label);
            l.row = r;
            l.classes.push_str("label");
            l.dynamic_label = dynamic_label;
            label
        });
        let id = self.new_node(elem.role, page, e, font_px, parent);
        self.describe(site, id, elem, row);
        let slot = self.resolve_slot(elem.slot, r);
        let n = self.node_mut(id);
        n.row = r;
        n.style = elem.style;
        n.primary = elem.primary;
        n.slot = slot;
        n.dynamic_label = dynamic_label;
        n.conditional = conditional;
        if let Some(label) = label {
            let mut text = std::mem::take(&mut self.scratch);
            text.clear();
            text.push_str(&self.node(id).label);
            self.node_mut(label).label.push_str(&text);
            self.scratch = text;
            return;
        }
        match elem.role {
            Role::RadioGroup => {
                // One radio button per option, each a copy of the group's
                // settings with its own key, selector and label.
                for i in 0..self.node(id).options.len() {
                    let radio = self.new_node(Role::Radio, page, e, font_px, Some(id));
                    // The group comes before its radio buttons.
                    let (before, after) = self.nodes.split_at_mut(radio as usize);
                    let (Some(g), Some(n)) = (before.get(id as usize), after.first_mut()) else {
                        continue;
                    };
                    let _ = write!(n.key, "{}/{i}", g.key);
                    n.base_key.push_str(&g.base_key);
                    n.row = g.row;
                    let _ = write!(n.dom_id, "{}-{i}", g.dom_id);
                    n.classes.push_str("radio");
                    if let Some(o) = g.options.get(i) {
                        n.label.push_str(o);
                    }
                    n.placeholder.push_str(&g.placeholder);
                    n.style = g.style;
                    n.primary = g.primary;
                    n.slot = g.slot;
                    n.radio_value = Some(i as u32);
                }
            }
            Role::List => {
                self.node_mut(id).conditional = elem.lazy != Lazy::No;
                if let Some(list) = &elem.list {
                    let rows = self
                        .tables
                        .get(list.table as usize)
                        .map(|t| t.rows.len())
                        .unwrap_or(0);
                    for r in 0..rows as u32 {
                        let item = self.new_node(Role::ListItem, page, e, font, Some(id));
                        let it = self.node_mut(item);
                        it.row = Some(r);
                        it.classes.push_str("list-item");
                        it.conditional = list.filter.is_some();
                        for &child in &elem.children {
                            self.instantiate_elem(
                                site,
                                child,
                                page,
                                Some(item),
                                Some((list.table, r)),
                            );
                        }
                    }
                    // The "nothing found" text, shown when no row passes.
                    let empty = self.new_node(Role::Text, page, e, font, Some(id));
                    let n = self.node_mut(empty);
                    n.classes.push_str("list-empty");
                    n.label.push_str(&list.empty);
                    n.visible = false;
                    n.style = TextStyle::Muted;
                    n.conditional = true;
                }
            }
            Role::Group => {
                for &child in &elem.children {
                    self.instantiate_elem(site, child, page, Some(id), row);
                }
            }
            _ => {}
        }
    }
}

/// Writes the options of a select or radio group into `out` (empty), in
/// strings taken from `pool` while it has some.
fn options_into(
    site: &Site,
    tables: &[TableData],
    opts: &Options,
    out: &mut Vec<String>,
    pool: &mut Vec<String>,
) {
    let mut put = |text: &str| {
        let mut s = pool.pop().unwrap_or_default();
        s.clear();
        s.push_str(text);
        out.push(s);
    };
    match opts {
        Options::Items(items) => items.iter().for_each(|t| put(t)),
        Options::List(l) => {
            let items = site.lists.get(*l as usize).map_or(&[][..], |v| &v[..]);
            items.iter().for_each(|t| put(t));
        }
        Options::Column(t, c) => {
            if let Some(t) = tables.get(*t as usize) {
                for cell in t.rows.iter().filter_map(|r| r.get(*c as usize)) {
                    put(cell);
                }
            }
        }
    }
}

fn default_classes(elem: &Elem) -> &'static str {
    match elem.role {
        Role::Button if elem.primary => "btn btn-primary",
        Role::Button => "btn",
        Role::Link => "link",
        Role::TextBox | Role::Password | Role::Number | Role::Date => "form-control",
        Role::Select => "form-select",
        Role::Checkbox => "form-check",
        Role::RadioGroup => "radio-group",
        Role::Heading => "title",
        Role::Alert => "alert alert-error",
        Role::List => "list",
        Role::Group if elem.primary => "card",
        Role::Group => "row",
        _ => "",
    }
}
