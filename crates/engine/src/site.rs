//! The compiled site: the form of a site the engine runs.
//!
//! [`crate::compile`] checks a [`crate::format::SiteFile`] and resolves every
//! name in it to an index, giving a [`Site`]: elements name their children by
//! index into [`Site::elems`], effects name pages by index into
//! [`Site::pages`], values name slots, tables, columns and goal fields by
//! index. Nothing here is looked up by string at step time; only recipe steps
//! keep element keys, because whoever follows a recipe finds elements on the
//! page as shown.
//!
//! Several types here share a name with the text-format type they are
//! compiled from ([`Value`] and [`crate::format::Value`], [`Cond`] and
//! [`crate::format::Cond`], ...): the engine names the format's types by
//! their module path, so a bare name always means the compiled form.

use crate::format::{DateFormat, TextStyle, Theme};

/// Index of a state slot.
pub type SlotId = u32;

/// An element of a site: its index in [`Site::elems`]. Elements name their
/// children, and pages their elements, by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct ElemId(pub u32);

impl ElemId {
    /// Its position in [`Site::elems`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A page or dialog of a site: its index in [`Site::pages`]. Effects name
/// the pages they go to, and pages their pop-ups, by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct PageId(pub u32);

impl PageId {
    /// Its position in [`Site::pages`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a value is read from, resolved.
#[derive(Debug, Clone)]
pub enum Value {
    /// Literal text.
    Lit(String),
    /// A fixed slot.
    Slot(SlotId),
    /// A per-row input instance: row-input index (row from context).
    RowSlot(u32),
    /// A column of the context row.
    Row(u32),
    /// A goal field.
    Goal(u32),
    /// The `column` of the first row of `table` whose `key_column` equals `key`.
    Lookup {
        /// Index into [`Site::tables`].
        table: u32,
        /// The column searched, by index.
        key_column: u32,
        /// What the searched column must equal.
        key: Box<Value>,
        /// The column read from the row found, by index.
        column: u32,
    },
    /// Arithmetic on two numbers (exact decimals; see [`crate::eval::Fixed`]).
    Calc(CalcOp, Box<Value>, Box<Value>),
    /// A value added up over every row of a table (row context inside).
    Sum(u32, Box<Value>),
}

impl Value {
    /// True when the value can change during an episode (it reads state).
    pub fn reads_state(&self) -> bool {
        match self {
            Value::Lit(_) | Value::Row(_) | Value::Goal(_) => false,
            Value::Slot(_) | Value::RowSlot(_) | Value::Lookup { .. } => true,
            Value::Calc(_, a, b) => a.reads_state() || b.reads_state(),
            Value::Sum(_, v) => v.reads_state(),
        }
    }
    /// True for arithmetic, whose value is a number computed when read.
    pub fn is_calc(&self) -> bool {
        matches!(self, Value::Calc(..) | Value::Sum(..))
    }
}

/// An arithmetic operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalcOp {
    /// a + b
    Add,
    /// a - b
    Sub,
    /// a * b
    Mul,
    /// The smaller.
    Min,
    /// The larger.
    Max,
}

/// A condition, resolved.
#[derive(Debug, Clone)]
pub enum Cond {
    /// Always.
    True,
    /// Equal (numerically when both are numbers).
    Eq(Value, Value),
    /// Not equal.
    Ne(Value, Value),
    /// Empty after trimming.
    Empty(Value),
    /// Not empty.
    NotEmpty(Value),
    /// A number.
    IsNumber(Value),
    /// The first text contains the second, ignoring case.
    Contains(Value, Value),
    /// Numeric comparisons.
    Cmp(CmpOp, Value, Value),
    /// A checkbox slot holds "true".
    Checked(Value),
    /// All.
    And(Vec<Cond>),
    /// Any.
    Or(Vec<Cond>),
    /// Negation.
    Not(Box<Cond>),
    /// For every row of a table.
    AllRows(u32, Box<Cond>),
    /// For some row of a table.
    AnyRow(u32, Box<Cond>),
}

/// A numeric comparison.
#[derive(Debug, Clone, Copy)]
pub enum CmpOp {
    /// <
    Lt,
    /// <=
    Le,
    /// >
    Gt,
    /// >=
    Ge,
}

/// An effect, resolved.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Set a slot.
    Set(SlotTarget, Value),
    /// Go to a page.
    Navigate(PageId),
    /// Stop with a message unless the condition holds.
    Require(Cond, Template),
    /// Branch.
    If(Cond, Vec<Effect>, Vec<Effect>),
    /// Open a dialog (an index into pages).
    OpenDialog(PageId),
    /// Close the dialog.
    CloseDialog,
    /// End the episode.
    End,
}

/// A slot written by `Set`.
#[derive(Debug, Clone, Copy)]
pub enum SlotTarget {
    /// A fixed slot.
    Slot(SlotId),
    /// The context row's instance of a row input.
    RowSlot(u32),
}

/// A text with holes.
#[derive(Debug, Clone, Default)]
pub struct Template {
    /// Literal and value parts, in order.
    pub parts: Vec<TemplatePart>,
}

/// One part of a template.
#[derive(Debug, Clone)]
pub enum TemplatePart {
    /// Text as written.
    Lit(String),
    /// A value filled in when drawn.
    Value(Value),
    /// An amount of money drawn in a number format (a perturbation).
    Money(Value, MoneyFormat),
}

/// How an amount of money is written: `$1,234.50`, `USD 1,234.50`, `1.234,50 $`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoneyFormat {
    /// Text before the number.
    pub prefix: &'static str,
    /// Text after the number.
    pub suffix: &'static str,
    /// Digits after the decimal mark (0 keeps whole amounts whole).
    pub decimals: u8,
    /// The decimal mark.
    pub decimal_mark: char,
    /// Between groups of three digits, if any.
    pub thousands: Option<char>,
}

impl Template {
    /// True when the template reads state (so it must be refreshed after events).
    pub fn reads_state(&self) -> bool {
        self.parts.iter().any(|p| match p {
            TemplatePart::Lit(_) => false,
            TemplatePart::Value(v) | TemplatePart::Money(v, _) => v.reads_state(),
        })
    }
    /// The text when it has no holes.
    pub fn literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [TemplatePart::Lit(s)] => Some(s),
            _ => None,
        }
    }
}

/// A generator, resolved (see [`crate::format::Gen`] for what each draws).
/// Lists, tables and goal fields are indices.
#[derive(Debug, Clone)]
pub enum Gen {
    /// This text.
    Lit(String),
    /// Copy a goal field.
    Goal(u32),
    /// Any item of a list.
    Pick(u32),
    /// An unused item of a list, excluding goal fields' values.
    Unique {
        /// Index into [`Site::lists`].
        list: u32,
        /// Goal fields whose values are excluded.
        except: Vec<u32>,
    },
    /// A whole number in `min..=max`, in steps of `step`.
    Int {
        /// Smallest.
        min: i64,
        /// Largest.
        max: i64,
        /// Granularity (positive).
        step: i64,
    },
    /// An amount with cents, from `min` to `max` whole units.
    Money {
        /// Smallest whole amount.
        min: i64,
        /// Largest whole amount.
        max: i64,
    },
    /// A date: first day number and count.
    Date {
        /// Days since 1970-01-01.
        start_day: i64,
        /// Number of days.
        days: u32,
    },
    /// A time of day.
    Time {
        /// Minutes after midnight.
        start: u32,
        /// Minutes after midnight.
        end: u32,
        /// Step in minutes.
        step: u32,
    },
    /// `#` becomes a digit, `@` an upper-case letter, anything else stays.
    Pattern(String),
    /// The smallest number in `column` among the rows where `filter` holds.
    MinOf {
        /// Index into [`Site::tables`].
        table: u32,
        /// The numeric column, by index.
        column: u32,
        /// Row filter (row context).
        filter: Cond,
    },
    /// The `take` column of the row with the smallest `column` among the rows where `filter` holds.
    ArgMin {
        /// Index into [`Site::tables`].
        table: u32,
        /// The numeric column, by index.
        column: u32,
        /// Row filter (row context).
        filter: Cond,
        /// The column returned, by index.
        take: u32,
    },
    /// A computed value (derived fields only).
    Calc(Value),
    /// The `column` of every row where `filter` holds, joined with ", ".
    Join {
        /// Index into [`Site::tables`].
        table: u32,
        /// The column joined, by index.
        column: u32,
        /// Row filter (row context).
        filter: Cond,
    },
}

/// A table's definition.
#[derive(Debug, Clone)]
pub struct Table {
    /// The name the site file gives it.
    pub name: String,
    /// Column names.
    pub columns: Vec<String>,
    /// Static rows, or generated groups.
    pub source: TableSource,
}

/// Where a table's rows come from.
#[derive(Debug, Clone)]
pub enum TableSource {
    /// Rows written out in the site file.
    Static(Vec<Vec<String>>),
    /// Generated groups (count range, one generator per column in column order), then maybe shuffled.
    Generated {
        /// Each group's (fewest, most) rows and its generators.
        groups: Vec<((u32, u32), Vec<Gen>)>,
        /// Whether the rows are shuffled once all groups are generated.
        shuffle: bool,
    },
}

/// The role of an element: what it is, for agents and for drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The site's header band.
    Banner,
    /// A title.
    Heading,
    /// A paragraph.
    Text,
    /// An input's visible label.
    Label,
    /// A validation message.
    Alert,
    /// A link.
    Link,
    /// A button.
    Button,
    /// A text field.
    TextBox,
    /// A password field.
    Password,
    /// A number field.
    Number,
    /// A date field.
    Date,
    /// A drop-down.
    Select,
    /// A checkbox.
    Checkbox,
    /// A radio group.
    RadioGroup,
    /// One radio button.
    Radio,
    /// A row or card of elements.
    Group,
    /// A list.
    List,
    /// One row of a list.
    ListItem,
    /// A modal dialog.
    Dialog,
}

impl Role {
    /// Can be clicked or typed into.
    pub fn is_interactive(self) -> bool {
        matches!(
            self,
            Role::Link
                | Role::Button
                | Role::TextBox
                | Role::Password
                | Role::Number
                | Role::Date
                | Role::Select
                | Role::Checkbox
                | Role::Radio
        )
    }
    /// Takes typed text.
    pub fn is_text_entry(self) -> bool {
        matches!(
            self,
            Role::TextBox | Role::Password | Role::Number | Role::Date
        )
    }
    /// The lower-case name used in text observations and selectors.
    pub fn name(self) -> &'static str {
        match self {
            Role::Banner => "banner",
            Role::Heading => "heading",
            Role::Text => "text",
            Role::Label => "label",
            Role::Alert => "alert",
            Role::Link => "link",
            Role::Button => "button",
            Role::TextBox => "textbox",
            Role::Password => "password",
            Role::Number => "number",
            Role::Date => "date",
            Role::Select => "select",
            Role::Checkbox => "checkbox",
            Role::RadioGroup => "radiogroup",
            Role::Radio => "radio",
            Role::Group => "group",
            Role::List => "list",
            Role::ListItem => "listitem",
            Role::Dialog => "dialog",
        }
    }
}

/// One element of a page, resolved; children are indices into [`Site::elems`].
#[derive(Debug, Clone)]
pub struct Elem {
    /// What it is.
    pub role: Role,
    /// Stable handle, if any.
    pub key: Option<String>,
    /// Label or text.
    pub label: Template,
    /// Placeholder of a text field.
    pub placeholder: String,
    /// Text style.
    pub style: TextStyle,
    /// Primary button.
    pub primary: bool,
    /// The value slot of an input.
    pub slot: Option<SlotTarget>,
    /// What a click does.
    pub on_click: Vec<Effect>,
    /// Shown only while this holds.
    pub visible_if: Option<Cond>,
    /// Options of a select or radio group.
    pub options: Option<Options>,
    /// Children (groups), or the row template (lists).
    pub children: Vec<ElemId>,
    /// For lists: table, filter and empty text.
    pub list: Option<List>,
    /// Selector id replacing the one derived from the key (a perturbation).
    pub dom_id: Option<String>,
    /// Selector classes replacing the default ones (a perturbation).
    pub classes: Option<String>,
    /// Shown only after, or only until, some steps on the page (lazy content).
    pub lazy: Lazy,
}

impl Elem {
    /// An element of this role with nothing set: no key, label, effects or children.
    pub fn blank(role: Role) -> Elem {
        Elem {
            role,
            key: None,
            label: Template::default(),
            placeholder: String::new(),
            style: TextStyle::Normal,
            primary: false,
            slot: None,
            on_click: Vec::new(),
            visible_if: None,
            options: None,
            children: Vec::new(),
            list: None,
            dom_id: None,
            classes: None,
            lazy: Lazy::No,
        }
    }
}

/// Content that loads late: shown after (or, for its spinner, until) a
/// number of steps spent on the page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lazy {
    /// Always there.
    #[default]
    No,
    /// Appears once this many steps were spent on the page.
    After(u32),
    /// A loading indicator shown until this many steps were spent on the page.
    Until(u32),
}

/// Where a dialog sits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Placement {
    /// Centred over the page; everything behind it is blocked.
    #[default]
    Modal,
    /// A band along the bottom of the first screen; only what it covers is blocked.
    BottomBar,
}

/// A list's data binding.
#[derive(Debug, Clone)]
pub struct List {
    /// The table whose rows it shows: an index into [`Site::tables`].
    pub table: u32,
    /// Which rows are shown (row context); all when `None`.
    pub filter: Option<Cond>,
    /// Text shown when no row passes.
    pub empty: String,
}

/// Options of a select or radio group.
#[derive(Debug, Clone)]
pub enum Options {
    /// Written out in the site file.
    Items(Vec<String>),
    /// The items of a list: an index into [`Site::lists`].
    List(u32),
    /// Every row's cell of a column: table and column indices.
    Column(u32, u32),
}

/// A page or dialog.
#[derive(Debug, Clone)]
pub struct Page {
    /// The id the site file gives it (effects name pages by it).
    pub id: String,
    /// The title a dialog shows.
    pub title: String,
    /// True for dialogs.
    pub is_dialog: bool,
    /// The element of the button that Enter presses.
    pub enter: Option<ElemId>,
    /// Top-level elements, as indices into [`Site::elems`].
    pub elems: Vec<ElemId>,
    /// A dialog opened the first time the page is shown (a pop-up).
    pub popup: Option<PageId>,
    /// How a dialog is placed.
    pub placement: Placement,
}

/// A task, resolved.
#[derive(Debug, Clone)]
pub struct Task {
    /// Name.
    pub name: String,
    /// Instruction template: literal parts and goal field indices.
    pub instruction: Vec<InstrPart>,
    /// Goal field names (sampled, then derived).
    pub fields: Vec<String>,
    /// Whether each field appears in the instruction (visible to agents).
    pub visible: Vec<bool>,
    /// Generators of the sampled fields.
    pub goal: Vec<Gen>,
    /// Generators of the derived fields.
    pub derived: Vec<Gen>,
    /// For each goal field the tables read (by index among the fields every
    /// task defines), this task's index of it.
    pub table_goal_map: Vec<u32>,
    /// Steps before the episode is truncated.
    pub step_limit: u32,
    /// Success conditions with their failure reasons.
    pub success: Vec<(Cond, String)>,
    /// The recipe that solves the task, followed by the oracle.
    pub solution: Vec<Step>,
    /// Other wordings of the instruction, naming the same visible goal fields.
    pub paraphrases: Vec<Vec<InstrPart>>,
}

/// Part of an instruction.
#[derive(Debug, Clone)]
pub enum InstrPart {
    /// Text as written.
    Lit(String),
    /// A goal field's value, by index.
    Field(u32),
}

/// A recipe step, resolved (keys stay strings: they are looked up in the observation).
#[derive(Debug, Clone)]
pub enum Step {
    /// Click by key.
    Click(String),
    /// Click the instance in the first row the look picks (read from the rows as shown).
    ClickRow(String, Look),
    /// Check exactly the row instances in the rows the look picks.
    CheckRows(String, Look),
    /// Check a checkbox.
    Check(String),
    /// Type a goal field.
    Type(String, u32),
    /// Type literal text.
    TypeText(String, String),
    /// Choose the option equal to a goal field.
    Select(String, u32),
    /// Choose a literal option.
    SelectText(String, String),
    /// Press a key.
    Press(crate::Key),
}

impl Step {
    /// The key of the element the step names (`None` for a key press).
    pub fn key(&self) -> Option<&str> {
        match self {
            Step::Click(k)
            | Step::ClickRow(k, _)
            | Step::CheckRows(k, _)
            | Step::Check(k)
            | Step::Type(k, _)
            | Step::TypeText(k, _)
            | Step::Select(k, _)
            | Step::SelectText(k, _) => Some(k),
            Step::Press(_) => None,
        }
    }
}

/// A recipe's look over list rows, resolved: what a row must show. It can
/// name only goal fields the instruction shows and literal text, never a
/// table column, state or a hidden goal field, so whoever follows it reads
/// the page as shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Look {
    /// Every row.
    All,
    /// Rows that show this text.
    Shows(ShownText),
    /// Rows that show one of the items this text lists.
    ShowsOneOf(ShownText),
    /// Of the rows so far, those showing the smallest amount of money.
    Cheapest,
    /// Of the rows so far, those the look does not pick.
    Not(Box<Look>),
    /// Each narrows the rows the one before left.
    And(Vec<Look>),
}

/// Text a look searches rows for.
#[derive(Debug, Clone, PartialEq)]
pub enum ShownText {
    /// A goal field the instruction names (by index).
    Goal(u16),
    /// This text.
    Lit(String),
}

/// A per-row input: an input element inside a list's row template.
#[derive(Debug, Clone)]
pub struct RowInput {
    /// Its key.
    pub key: String,
    /// The list's table.
    pub table: u32,
    /// For a table's declared `row_state`: its value at reset, read in each
    /// row (inputs inside list rows start empty).
    pub init: Option<Value>,
}

/// A compiled site, ready to run: every name resolved to an index.
#[derive(Debug, Clone)]
pub struct Site {
    /// Short machine name, e.g. `"airline"`.
    pub name: String,
    /// The brand shown in the page header.
    pub title: String,
    /// One sentence for people choosing a site.
    pub description: String,
    /// Page width in CSS pixels.
    pub width: f32,
    /// Viewport height in CSS pixels.
    pub height: f32,
    /// Colours and type.
    pub theme: Theme,
    /// How dates are written on the site and in its instructions.
    pub date_format: DateFormat,
    /// The named word lists, in name order.
    pub lists: Vec<Vec<String>>,
    /// The data tables, in file order.
    pub tables: Vec<Table>,
    /// Fixed slot names and initial values.
    pub slots: Vec<(String, String)>,
    /// Generated slot values.
    pub generated: Vec<(SlotId, Gen)>,
    /// Per-row inputs and row states (one slot per row of their table).
    pub row_inputs: Vec<RowInput>,
    /// Pages then dialogs.
    pub pages: Vec<Page>,
    /// The page an episode starts on.
    pub start: PageId,
    /// Every element of every page and dialog; pages and groups hold indices into it.
    pub elems: Vec<Elem>,
    /// The tasks set on the site.
    pub tasks: Vec<Task>,
    /// The built-in `error` slot.
    pub error_slot: SlotId,
    /// The site's own rewordings for `relabel` (label, what it may become),
    /// shared by every perturbed copy.
    pub rewordings: std::sync::Arc<[(String, Vec<String>)]>,
}

// Element and page ids are resolved by the compiler, or made by a
// perturbation as it pushes the element or page it refers to, and nothing
// removes either; so an id the engine holds always indexes the site. These
// accessors are where that is relied on, once, instead of at every index.
#[allow(
    clippy::indexing_slicing,
    reason = "element and page ids are ones the site compiler resolved or a perturbation made as it pushed the element or page, and nothing removes either"
)]
impl Site {
    /// The element with this id (an index into [`Site::elems`]).
    pub(crate) fn elem(&self, e: ElemId) -> &Elem {
        &self.elems[e.index()]
    }
    /// The element with this id, to change it.
    pub(crate) fn elem_mut(&mut self, e: ElemId) -> &mut Elem {
        &mut self.elems[e.index()]
    }
    /// The page or dialog with this id (an index into [`Site::pages`]).
    pub(crate) fn page(&self, p: PageId) -> &Page {
        &self.pages[p.index()]
    }
    /// The page or dialog with this id, to change it.
    pub(crate) fn page_mut(&mut self, p: PageId) -> &mut Page {
        &mut self.pages[p.index()]
    }
}

impl Site {
    /// Every page and dialog with its id, in id order.
    pub(crate) fn pages_with_ids(&self) -> impl Iterator<Item = (PageId, &Page)> {
        (0u32..).map(PageId).zip(&self.pages)
    }
    /// Adds an element (a perturbation's); returns its id.
    pub(crate) fn push_elem(&mut self, elem: Elem) -> ElemId {
        self.elems.push(elem);
        ElemId((self.elems.len() - 1) as u32)
    }
    /// Adds a page or dialog (a perturbation's); returns its id.
    pub(crate) fn push_page(&mut self, page: Page) -> PageId {
        self.pages.push(page);
        PageId((self.pages.len() - 1) as u32)
    }
    /// Index of the task with this name.
    pub fn task_index(&self, name: &str) -> Option<usize> {
        self.tasks.iter().position(|t| t.name == name)
    }
    /// Names of the tasks.
    pub fn task_names(&self) -> Vec<String> {
        self.tasks.iter().map(|t| t.name.clone()).collect()
    }
}
