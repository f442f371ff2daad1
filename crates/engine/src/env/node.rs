//! The node tree: every page's and dialog's elements instantiated as
//! [`Node`]s at reset (list rows once per table row, a labelled field as a
//! row holding its label and its input, a radio group with one node per
//! option), and the one constructor every node starts from.

use super::Env;
use crate::eval::RowCtx;
use crate::format::TextStyle;
use crate::layout::Rect;
use crate::site::{Elem, ElemId, Lazy, Options, Role, Site, SlotTarget};
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
    /// Box in page coordinates (CSS pixels, origin at the page's top left).
    pub bbox: Rect,
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
    /// depth 0, visible, unstyled, not primary, with no box yet, no slot, and
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
            bbox: Rect::default(),
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

impl Env {
    /// Builds the node instances of every page and dialog.
    pub(super) fn instantiate(&mut self) {
        let site = Arc::clone(&self.site);
        self.nodes.clear();
        self.page_nodes.clear();
        for (p, page) in site.pages.iter().enumerate() {
            let start = self.nodes.len() as u32;
            let root_role = if page.is_dialog {
                Role::Dialog
            } else {
                Role::Banner
            };
            let (key, dom_id, label) = if page.is_dialog {
                (page.id.clone(), page.id.clone(), page.title.clone())
            } else {
                ("banner".into(), "site-header".into(), site.title.clone())
            };
            let root = self.push_node(Node {
                base_key: key.clone(),
                key,
                dom_id,
                classes: root_role.name().into(),
                label,
                style: TextStyle::Strong,
                ..Node::new(root_role, p as u32, NO_ELEM, site.theme.font_size * 1.25)
            });
            // Dialog content nests under the dialog node; page content sits beside the banner.
            let parent = if page.is_dialog { Some(root) } else { None };
            for &e in &page.elems {
                self.instantiate_elem(&site, e, p as u32, parent, None);
            }
            self.page_nodes.push((start, self.nodes.len() as u32));
        }
        self.page_height.clear();
        self.page_height.resize(site.pages.len(), 0.0);
        self.page_laid_out.clear();
        self.page_laid_out.resize(site.pages.len(), false);
    }

    pub(super) fn push_node(&mut self, node: Node) -> u32 {
        let id = self.nodes.len() as u32;
        if let Some(parent) = node.parent {
            if let Some(p) = self.nodes.get_mut(parent as usize) {
                p.children.push(id);
            }
        }
        self.nodes.push(node);
        id
    }

    pub(super) fn resolve_slot(&self, target: Option<SlotTarget>, row: Option<u32>) -> Option<u32> {
        match target? {
            SlotTarget::Slot(s) => Some(s),
            SlotTarget::RowSlot(ri) => Some(self.row_base.get(ri as usize)? + row?),
        }
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
        let depth = parent.map(|p| self.node(p).depth + 1).unwrap_or(0);
        let base_key = elem.key.clone().unwrap_or_default();
        let key = match (row, base_key.is_empty()) {
            (Some((_, r)), false) => format!("{base_key}[{r}]"),
            _ => base_key.clone(),
        };
        let dom_id = if let Some(id) = &elem.dom_id {
            match row {
                Some((_, r)) => format!("{id}-{r}"),
                None => id.clone(),
            }
        } else if key.is_empty() {
            String::new()
        } else {
            key.replace(['[', ']'], "-")
                .trim_end_matches('-')
                .to_string()
        };
        let font = site.theme.font_size;
        let font_px = if elem.role == Role::Heading {
            font * 1.45
        } else {
            font
        };
        let mut node = Node {
            key: key.clone(),
            base_key: base_key.clone(),
            row: row.map(|(_, r)| r),
            dom_id,
            classes: elem
                .classes
                .clone()
                .unwrap_or_else(|| default_classes(elem)),
            placeholder: elem.placeholder.clone(),
            parent,
            depth,
            style: elem.style,
            primary: elem.primary,
            slot: self.resolve_slot(elem.slot, row.map(|(_, r)| r)),
            dynamic_label: elem.label.reads_state(),
            conditional: elem.visible_if.is_some()
                || elem.role == Role::Alert
                || elem.lazy != Lazy::No,
            ..Node::new(elem.role, page, e, font_px)
        };
        node.label = self.render_template(site, &elem.label, row);
        if let Some(opts) = &elem.options {
            node.options = self.options_of(site, opts);
        }
        let is_input = elem.role.is_text_entry() || elem.role == Role::Select;
        if is_input {
            // A labelled field: a row holding the visible label and the input.
            let group = self.push_node(Node {
                row: node.row,
                parent,
                depth,
                classes: "field".into(),
                // The whole field (its label too) shows only when the input would.
                conditional: node.conditional,
                ..Node::new(Role::Group, page, e, font_px)
            });
            // The label shows the input's text, and follows it when it reads state.
            self.push_node(Node {
                row: node.row,
                parent: Some(group),
                depth: depth + 1,
                classes: "label".into(),
                label: node.label.clone(),
                dynamic_label: node.dynamic_label,
                ..Node::new(Role::Label, page, e, font_px)
            });
            node.parent = Some(group);
            node.depth = depth + 1;
            self.push_node(node);
            return;
        }
        match elem.role {
            Role::RadioGroup => {
                let options = std::mem::take(&mut node.options);
                let group = self.push_node(node);
                let group_node = self.node(group).clone();
                for (i, option) in options.iter().enumerate() {
                    self.push_node(Node {
                        role: Role::Radio,
                        key: format!("{key}/{i}"),
                        dom_id: format!("{}-{i}", group_node.dom_id),
                        classes: "radio".into(),
                        label: option.clone(),
                        parent: Some(group),
                        depth: depth + 1,
                        radio_value: Some(i as u32),
                        dynamic_label: false,
                        conditional: false,
                        children: Vec::new(),
                        ..group_node.clone()
                    });
                }
                self.node_mut(group).options = options;
            }
            Role::List => {
                let list = elem.list.clone();
                node.conditional = elem.lazy != Lazy::No;
                let id = self.push_node(node);
                if let Some(list) = list {
                    let rows = self
                        .tables
                        .get(list.table as usize)
                        .map(|t| t.rows.len())
                        .unwrap_or(0);
                    for r in 0..rows as u32 {
                        let item = self.push_node(Node {
                            row: Some(r),
                            classes: "list-item".into(),
                            parent: Some(id),
                            depth: depth + 1,
                            conditional: list.filter.is_some(),
                            ..Node::new(Role::ListItem, page, e, font)
                        });
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
                    self.push_node(Node {
                        classes: "list-empty".into(),
                        label: list.empty.clone(),
                        parent: Some(id),
                        depth: depth + 1,
                        visible: false,
                        style: TextStyle::Muted,
                        conditional: true,
                        ..Node::new(Role::Text, page, e, font)
                    });
                }
            }
            Role::Group => {
                let id = self.push_node(node);
                for &child in &elem.children {
                    self.instantiate_elem(site, child, page, Some(id), row);
                }
            }
            _ => {
                self.push_node(node);
            }
        }
    }

    pub(super) fn options_of(&self, site: &Site, opts: &Options) -> Vec<String> {
        match opts {
            Options::Items(items) => items.clone(),
            Options::List(l) => site.lists.get(*l as usize).cloned().unwrap_or_default(),
            Options::Column(t, c) => self
                .tables
                .get(*t as usize)
                .map(|t| {
                    t.rows
                        .iter()
                        .filter_map(|r| r.get(*c as usize).cloned())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

fn default_classes(elem: &Elem) -> String {
    match elem.role {
        Role::Button if elem.primary => "btn btn-primary".into(),
        Role::Button => "btn".into(),
        Role::Link => "link".into(),
        Role::TextBox | Role::Password | Role::Number | Role::Date => "form-control".into(),
        Role::Select => "form-select".into(),
        Role::Checkbox => "form-check".into(),
        Role::RadioGroup => "radio-group".into(),
        Role::Heading => "title".into(),
        Role::Alert => "alert alert-error".into(),
        Role::List => "list".into(),
        Role::Group if elem.primary => "card".into(),
        Role::Group => "row".into(),
        _ => String::new(),
    }
}
