//! Loading and compiling a site file.
//!
//! [`load_site`] parses RON text into a [`crate::format::SiteFile`], then the
//! compiler checks it and resolves every name (pages, slots, tables, columns,
//! lists, goal fields) into an index of a [`Site`] (see [`crate::site`]), so
//! the running engine never looks up a string. Any mistake becomes a
//! [`SiteError`] with `path:line:column` and a sentence saying what is wrong
//! and what was expected.

use crate::format::SiteFile;
use crate::site::{Elem, ElemId, Page, PageId, Role, RowInput, SlotId, SlotTarget, Table, Task};
use std::collections::BTreeMap;
use std::fmt;

mod pages;
mod spans;
mod syntax;
mod tables;
mod tasks;

use spans::{find_token, Outline, Seg};

// What the compiler produces, under the paths the built-in site loader, the
// web app and the fuzz checks name it by.
pub use crate::site::{MoneyFormat, Placement, Site};

/// A site file that could not be loaded: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteError {
    /// The file's path as given to the loader.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for SiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for SiteError {}

/// The smallest base font size a theme may set, in pixels.
pub const MIN_FONT_SIZE: f32 = 6.0;
/// The largest base font size a theme may set, in pixels.
pub const MAX_FONT_SIZE: f32 = 72.0;
/// The weights a theme may set: CSS's numeric `font-weight` range.
pub const FONT_WEIGHTS: std::ops::RangeInclusive<u16> = 1..=1000;

/// Parses and compiles a site from RON text. `path` is used in error messages.
pub fn load_site(path: &str, text: &str) -> Result<Site, SiteError> {
    crate::limits::check_size("site", text.len() as u64, crate::limits::MAX_SITE_BYTES).map_err(
        |message| SiteError {
            path: path.to_string(),
            line: 1,
            column: 1,
            message,
        },
    )?;
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let file: SiteFile = options
        .from_str(text)
        .map_err(|e| syntax::explain(path, text, &e))?;
    Compiler::new(path, text).compile(file)
}

/// Where the parts of a site file that compiled are written, read once
/// from its text and then asked as often as needed.
pub struct SourcePlaces {
    outline: Outline,
}

impl SourcePlaces {
    /// The places in `text`, a site file that compiled.
    pub fn of(text: &str) -> SourcePlaces {
        SourcePlaces {
            outline: Outline::of(text),
        }
    }

    /// The 1-based line and column where step `step` of task `task`'s
    /// recipe is written in `text` (the text these places were read from);
    /// where the task is, when the step is not written there (a composed
    /// task's steps are its parts').
    pub fn recipe_step(&self, text: &str, task: usize, step: usize) -> (usize, usize) {
        let path = [
            Seg::Field("tasks"),
            Seg::Index(task),
            Seg::Field("solution"),
            Seg::Index(step),
        ];
        line_col(text, self.outline.span(&path).0)
    }
}

/// A name-resolution scope: which table the current row context reads.
#[derive(Clone, Copy)]
struct Scope {
    row_table: Option<u32>,
    goal: bool,
}

struct Compiler<'a> {
    path: &'a str,
    source: &'a str,
    lists: BTreeMap<String, u32>,
    /// The items of each list, by index.
    list_items: Vec<Vec<String>>,
    tables: Vec<Table>,
    slots: Vec<(String, String)>,
    row_inputs: Vec<RowInput>,
    page_ids: Vec<(String, bool)>,
    elems: Vec<Elem>,
    /// Goal field names of the task being compiled, or of all tasks (for site parts).
    goal_fields: Vec<String>,
    /// Goal fields that every task defines: the only ones tables may read.
    table_goal_fields: Vec<String>,
    context: String,
    /// The spans of the file's parts, to place errors: scanned at the first
    /// error, so a file that compiles is read once.
    outline: std::cell::OnceCell<Outline>,
    /// Where in the file the part being compiled is: errors about it are
    /// placed inside its span.
    at: Vec<Seg>,
}

impl<'a> Compiler<'a> {
    fn new(path: &'a str, source: &'a str) -> Self {
        Compiler {
            path,
            source,
            lists: BTreeMap::new(),
            list_items: Vec::new(),
            tables: Vec::new(),
            slots: Vec::new(),
            row_inputs: Vec::new(),
            page_ids: Vec::new(),
            elems: Vec::new(),
            goal_fields: Vec::new(),
            table_goal_fields: Vec::new(),
            context: String::new(),
            outline: std::cell::OnceCell::new(),
            at: Vec::new(),
        }
    }

    /// Compiles the part at `self.at` + `segs` with `f`, then steps back out.
    fn within<T>(&mut self, segs: &[Seg], f: impl FnOnce(&mut Self) -> T) -> T {
        let depth = self.at.len();
        self.at.extend_from_slice(segs);
        let out = f(self);
        self.at.truncate(depth);
        out
    }

    /// An error about `needle` (the name that is wrong) in the part being
    /// compiled: placed at its whole-word occurrence inside that part's span
    /// (at the part's start when it does not appear there), or in the whole
    /// file when no part is being compiled.
    fn err(&self, needle: &str, message: String) -> SiteError {
        self.err_in(&self.at, needle, message)
    }

    /// [`Compiler::err`] for the part at `path`.
    fn err_in(&self, path: &[Seg], needle: &str, message: String) -> SiteError {
        let offset = if path.is_empty() {
            find_token(self.source, (0, self.source.len()), needle)
        } else {
            let span = self
                .outline
                .get_or_init(|| Outline::of(self.source))
                .span(path);
            find_token(self.source, span, needle).or(Some(span.0))
        };
        let (line, column) = match offset {
            Some(off) => line_col(self.source, off),
            None => (1, 1),
        };
        let message = if self.context.is_empty() {
            message
        } else {
            format!("in {}: {message}", self.context)
        };
        SiteError {
            path: self.path.to_string(),
            line,
            column,
            message,
        }
    }

    fn compile(mut self, mut file: SiteFile) -> Result<Site, SiteError> {
        self.expand_chains(&mut file.tasks)?;
        if file.name.trim().is_empty() {
            return Err(self.err(
                "name",
                "the site's `name` is empty; expected a short name such as \"airline\"".into(),
            ));
        }
        for (field, size) in [("width", file.width), ("height", file.height)] {
            if size.is_some_and(f32::is_nan) {
                return Err(self.err(
                    field,
                    format!("the site's `{field}` is not a number; expected CSS pixels from 200 to 1600"),
                ));
            }
        }
        // Larger sizes overflow the layout's arithmetic to infinite boxes.
        if !(MIN_FONT_SIZE..=MAX_FONT_SIZE).contains(&file.theme.font_size) {
            return Err(self.err(
                "font_size",
                format!(
                    "the theme's `font_size` is {}; expected pixels from {MIN_FONT_SIZE} to {MAX_FONT_SIZE}",
                    file.theme.font_size
                ),
            ));
        }
        if !FONT_WEIGHTS.contains(&file.theme.font_weight) {
            return Err(self.err(
                "font_weight",
                format!(
                    "the theme's `font_weight` is {}; expected a CSS weight from {} to {} (400 regular, 700 bold)",
                    file.theme.font_weight,
                    FONT_WEIGHTS.start(),
                    FONT_WEIGHTS.end()
                ),
            ));
        }
        for (i, (name, items)) in file.lists.iter().enumerate() {
            if items.is_empty() {
                return Err(self.err_in(
                    &[Seg::Field("lists"), Seg::Key(name.clone())],
                    name,
                    format!("list \"{name}\" is empty; expected at least one item"),
                ));
            }
            self.lists.insert(name.clone(), i as u32);
        }
        let lists: Vec<Vec<String>> = file.lists.values().cloned().collect();
        self.list_items = lists.clone();
        if file.pages.is_empty() {
            return Err(self.err(
                "pages",
                "the site has no pages; expected at least one Page".into(),
            ));
        }
        if file.tasks.is_empty() {
            return Err(self.err(
                "tasks",
                "the site has no tasks; expected at least one task".into(),
            ));
        }
        // Goal fields of every task: the tables may only read fields all tasks define.
        let mut common_fields: Option<Vec<String>> = None;
        for task in &file.tasks {
            let names: Vec<String> = task.goal.iter().map(|(n, _)| n.clone()).collect();
            common_fields = Some(match common_fields {
                None => names,
                Some(prev) => prev.into_iter().filter(|n| names.contains(n)).collect(),
            });
        }
        self.goal_fields = common_fields.unwrap_or_default();
        self.table_goal_fields = self.goal_fields.clone();

        // Slots: declared state, the built-in error slot, then inputs (found while walking pages).
        for (name, init) in &file.state {
            self.slots.push((name.clone(), init.clone()));
        }
        let error_slot = match self.slots.iter().position(|(n, _)| n == "error") {
            Some(i) => i as u32,
            None => {
                self.slots.push(("error".into(), String::new()));
                (self.slots.len() - 1) as u32
            }
        };

        // Generated slots are declared with the state, so pages can show them.
        let mut generated = Vec::new();
        for (i, (name, gen)) in file.generated.iter().enumerate() {
            self.context = format!("generated slot \"{name}\"");
            self.at = vec![Seg::Field("generated"), Seg::Index(i)];
            let slot = match self.slots.iter().position(|(n, _)| n == name) {
                Some(i) => i as u32,
                None => {
                    self.slots.push((name.clone(), String::new()));
                    (self.slots.len() - 1) as u32
                }
            };
            let gen = self.gen(
                gen,
                Scope {
                    row_table: None,
                    goal: false,
                },
                false,
            )?;
            generated.push((slot, gen));
        }
        self.context.clear();
        self.at.clear();

        // Tables (in order; a table's generators may read earlier tables? no: goal and lists only).
        for (i, def) in file.tables.iter().enumerate() {
            self.context = String::new();
            self.at = vec![Seg::Field("tables"), Seg::Index(i)];
            let table = self.table(def)?;
            if self.tables.iter().any(|t| t.name == table.name) {
                return Err(self.err(
                    &table.name,
                    format!("table \"{}\" is declared twice", table.name),
                ));
            }
            self.tables.push(table);
            self.row_state(def)?;
        }
        self.at.clear();

        // Pages and dialogs: ids first, so navigation can point forward.
        for page in &file.pages {
            self.page_ids.push((page.id.clone(), false));
        }
        for page in &file.dialogs {
            self.page_ids.push((page.id.clone(), true));
        }
        for (i, (id, _)) in self.page_ids.iter().enumerate() {
            if self.page_ids.iter().take(i).any(|(other, _)| other == id) {
                return Err(self.err_in(
                    &page_path(i, file.pages.len()),
                    id,
                    format!("page or dialog id \"{id}\" is used twice; ids must be unique"),
                ));
            }
        }
        // Input slots are declared before any effect is compiled so effects may
        // refer to inputs on later pages.
        for (i, page) in file.pages.iter().chain(&file.dialogs).enumerate() {
            self.at = page_path(i, file.pages.len());
            self.at.push(Seg::Field("elements"));
            self.declare_inputs(&page.elements, None)?;
        }
        let mut pages = Vec::new();
        for (i, (page, is_dialog)) in file
            .pages
            .iter()
            .map(|p| (p, false))
            .chain(file.dialogs.iter().map(|p| (p, true)))
            .enumerate()
        {
            self.context = format!("page \"{}\"", page.id);
            self.at = page_path(i, file.pages.len());
            let scope = Scope {
                row_table: None,
                goal: false,
            };
            let mut elems = Vec::new();
            for (j, e) in page.elements.iter().enumerate() {
                elems.push(self.within(&[Seg::Field("elements"), Seg::Index(j)], |c| {
                    c.elem(e, scope)
                })?);
            }
            let enter = match &page.enter {
                None => None,
                Some(key) => Some(self.find_button(&elems, key).ok_or_else(|| {
                    self.err(key, format!("`enter` names \"{key}\", but this page has no button or link with that key"))
                })?),
            };
            pages.push(Page {
                id: page.id.clone(),
                title: page.title.clone(),
                is_dialog,
                enter,
                elems,
                popup: None,
                placement: Placement::Modal,
            });
        }
        self.context.clear();
        self.at.clear();
        let rewordings = self.rewordings(&file.rewordings)?;
        let start = match &file.start {
            None => PageId(0),
            Some(id) => self.page(id, false)?,
        };

        let mut tasks = Vec::new();
        for (i, task) in file.tasks.iter().enumerate() {
            self.context = format!("task \"{}\"", task.name);
            self.at = vec![Seg::Field("tasks"), Seg::Index(i)];
            if tasks.iter().any(|t: &Task| t.name == task.name) {
                return Err(self.err(
                    &task.name,
                    format!("task \"{}\" is declared twice", task.name),
                ));
            }
            tasks.push(self.task(task)?);
        }

        Ok(Site {
            name: file.name,
            title: file.title,
            description: file.description,
            width: file.width.unwrap_or(480.0).clamp(200.0, 1600.0),
            height: file.height.unwrap_or(600.0).clamp(200.0, 1600.0),
            theme: file.theme,
            date_format: file.date_format,
            lists,
            tables: self.tables,
            slots: self.slots,
            generated,
            row_inputs: self.row_inputs,
            pages,
            start,
            elems: self.elems,
            tasks,
            error_slot,
            rewordings: rewordings.into(),
        })
    }

    /// Checks the site's own rewordings: each names a label and at least
    /// one other wording of it.
    fn rewordings(
        &self,
        given: &BTreeMap<String, Vec<String>>,
    ) -> Result<Vec<(String, Vec<String>)>, SiteError> {
        let mut out = Vec::new();
        for (label, options) in given {
            let here = [Seg::Field("rewordings"), Seg::Key(label.clone())];
            if label.trim().is_empty() {
                return Err(self.err_in(
                    &here,
                    "",
                    "a rewording names an empty label; expected the label it rewords".into(),
                ));
            }
            let fresh: Vec<String> = options
                .iter()
                .filter(|o| !o.trim().is_empty() && !o.trim().eq_ignore_ascii_case(label.trim()))
                .cloned()
                .collect();
            if fresh.len() != options.len() || fresh.is_empty() {
                return Err(self.err_in(
                    &here,
                    label,
                    format!("the rewordings of \"{label}\" must be one or more labels, none empty and none the label itself"),
                ));
            }
            out.push((label.trim().to_string(), fresh));
        }
        Ok(out)
    }

    /// How many different items the list `list` holds (what `Unique` can draw).
    fn distinct_items(&self, list: u32) -> usize {
        let items = self.list_items.get(list as usize).map_or(&[][..], |l| l);
        items
            .iter()
            .enumerate()
            .filter(|(i, item)| !items.iter().take(*i).any(|x| x == *item))
            .count()
    }

    fn find_button(&self, elems: &[ElemId], key: &str) -> Option<ElemId> {
        for &i in elems {
            let Some(e) = self.elems.get(i.index()) else {
                continue;
            };
            if matches!(e.role, Role::Button | Role::Link) && e.key.as_deref() == Some(key) {
                return Some(i);
            }
            if e.list.is_none() {
                if let Some(found) = self.find_button(&e.children, key) {
                    return Some(found);
                }
            }
        }
        None
    }

    fn page(&self, id: &str, dialog: bool) -> Result<PageId, SiteError> {
        match self
            .page_ids
            .iter()
            .position(|(p, d)| p == id && *d == dialog)
        {
            Some(i) => Ok(PageId(i as u32)),
            None => {
                let kind = if dialog { "dialog" } else { "page" };
                let known: Vec<&str> = self
                    .page_ids
                    .iter()
                    .filter(|(_, d)| *d == dialog)
                    .map(|(p, _)| p.as_str())
                    .collect();
                Err(self.err(
                    id,
                    format!(
                        "no {kind} has the id \"{id}\"; expected one of: {}",
                        known.join(", ")
                    ),
                ))
            }
        }
    }

    fn list(&self, name: &str) -> Result<u32, SiteError> {
        self.lists.get(name).copied().ok_or_else(|| {
            let known: Vec<&str> = self.lists.keys().map(|s| s.as_str()).collect();
            self.err(
                name,
                format!(
                    "no list is named \"{name}\"; expected one of: {}",
                    known.join(", ")
                ),
            )
        })
    }

    fn table_index(&self, name: &str) -> Result<u32, SiteError> {
        self.tables
            .iter()
            .position(|t| t.name == name)
            .map(|i| i as u32)
            .ok_or_else(|| {
                let known: Vec<&str> = self.tables.iter().map(|t| t.name.as_str()).collect();
                self.err(
                    name,
                    format!(
                        "no table is named \"{name}\"; expected one of: {}",
                        known.join(", ")
                    ),
                )
            })
    }

    fn column(&self, table: u32, name: &str) -> Result<u32, SiteError> {
        let Some(t) = self.tables.get(table as usize) else {
            return Err(self.err(name, format!("no table #{table} for column \"{name}\"")));
        };
        t.columns
            .iter()
            .position(|c| c == name)
            .map(|i| i as u32)
            .ok_or_else(|| {
                self.err(
                    name,
                    format!(
                        "table \"{}\" has no column \"{name}\"; its columns are: {}",
                        t.name,
                        t.columns.join(", ")
                    ),
                )
            })
    }

    fn goal_field(&self, name: &str) -> Result<u32, SiteError> {
        self.goal_fields.iter().position(|f| f == name).map(|i| i as u32).ok_or_else(|| {
            self.err(name, format!("no goal field \"{name}\" is defined before this point; expected one of: {}", self.goal_fields.join(", ")))
        })
    }

    fn slot_named(&self, name: &str) -> Option<SlotId> {
        self.slots
            .iter()
            .position(|(n, _)| n == name)
            .map(|i| i as u32)
    }

    fn input_slot(&self, key: &str, scope: Scope) -> Result<SlotTarget, SiteError> {
        if let Some(row_table) = scope.row_table {
            if let Some(i) = self
                .row_inputs
                .iter()
                .position(|r| r.key == key && r.table == row_table)
            {
                return Ok(SlotTarget::RowSlot(i as u32));
            }
        }
        if let Some(s) = self.slot_named(key) {
            return Ok(SlotTarget::Slot(s));
        }
        if self.row_inputs.iter().any(|r| r.key == key) {
            return Err(self.err(key, format!("\"{key}\" is an input inside a List row; it can only be read inside that list's rows (or AllRows/AnyRow over its table)")));
        }
        let mut known: Vec<&str> = self.slots.iter().map(|(n, _)| n.as_str()).collect();
        known.sort();
        Err(self.err(
            key,
            format!(
                "no state slot or input is named \"{key}\"; expected one of: {}",
                known.join(", ")
            ),
        ))
    }
}

/// The path of the `i`th of the pages followed by the dialogs.
fn page_path(i: usize, pages: usize) -> Vec<Seg> {
    if i < pages {
        vec![Seg::Field("pages"), Seg::Index(i)]
    } else {
        vec![Seg::Field("dialogs"), Seg::Index(i - pages)]
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}
