//! Loading and compiling a site file.
//!
//! [`load_site`] parses RON text into [`crate::format::SiteFile`], then
//! [`compile`](Site::compile) resolves every name (pages, slots, tables,
//! columns, lists, goal fields) into indices, so the running engine never looks
//! up a string. Any mistake becomes a [`SiteError`] with `path:line:column`
//! and a sentence saying what is wrong and what was expected.

use crate::format::{self, DateFormat, SiteFile, TextStyle, Theme};
use std::collections::BTreeMap;
use std::fmt;

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

/// Index of a state slot.
pub type SlotId = u32;

/// Where a value is read from, resolved.
#[derive(Debug, Clone)]
pub enum ValueC {
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
    /// Lookup in a table.
    Lookup {
        /// Table.
        table: u32,
        /// Key column.
        key_column: u32,
        /// Key.
        key: Box<ValueC>,
        /// Returned column.
        column: u32,
    },
    /// Arithmetic on two numbers (exact decimals; see [`crate::eval::Fixed`]).
    Calc(CalcOp, Box<ValueC>, Box<ValueC>),
    /// A value added up over every row of a table (row context inside).
    Sum(u32, Box<ValueC>),
}

impl ValueC {
    /// True when the value can change during an episode (it reads state).
    pub fn reads_state(&self) -> bool {
        match self {
            ValueC::Lit(_) | ValueC::Row(_) | ValueC::Goal(_) => false,
            ValueC::Slot(_) | ValueC::RowSlot(_) | ValueC::Lookup { .. } => true,
            ValueC::Calc(_, a, b) => a.reads_state() || b.reads_state(),
            ValueC::Sum(_, v) => v.reads_state(),
        }
    }
    /// True for arithmetic, whose value is a number computed when read.
    pub fn is_calc(&self) -> bool {
        matches!(self, ValueC::Calc(..) | ValueC::Sum(..))
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
pub enum CondC {
    /// Always.
    True,
    /// Equal (numerically when both are numbers).
    Eq(ValueC, ValueC),
    /// Not equal.
    Ne(ValueC, ValueC),
    /// Empty after trimming.
    Empty(ValueC),
    /// Not empty.
    NotEmpty(ValueC),
    /// A number.
    IsNumber(ValueC),
    /// The first text contains the second, ignoring case.
    Contains(ValueC, ValueC),
    /// Numeric comparisons.
    Cmp(CmpOp, ValueC, ValueC),
    /// A checkbox slot holds "true".
    Checked(ValueC),
    /// All.
    And(Vec<CondC>),
    /// Any.
    Or(Vec<CondC>),
    /// Negation.
    Not(Box<CondC>),
    /// For every row of a table.
    AllRows(u32, Box<CondC>),
    /// For some row of a table.
    AnyRow(u32, Box<CondC>),
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
pub enum EffectC {
    /// Set a slot.
    Set(SlotTarget, ValueC),
    /// Go to a page.
    Navigate(u32),
    /// Stop with a message unless the condition holds.
    Require(CondC, TemplateC),
    /// Branch.
    If(CondC, Vec<EffectC>, Vec<EffectC>),
    /// Open a dialog (an index into pages).
    OpenDialog(u32),
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
pub struct TemplateC {
    /// Literal and value parts, in order.
    pub parts: Vec<TemplatePart>,
}

/// One part of a template.
#[derive(Debug, Clone)]
pub enum TemplatePart {
    /// Text as written.
    Lit(String),
    /// A value filled in when drawn.
    Value(ValueC),
    /// An amount of money drawn in a number format (a perturbation).
    Money(ValueC, MoneyFormat),
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

impl TemplateC {
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

/// A generator, resolved.
#[derive(Debug, Clone)]
pub enum GenC {
    /// Literal.
    Lit(String),
    /// Copy a goal field.
    Goal(u32),
    /// Any item of a list.
    Pick(u32),
    /// An unused item of a list, excluding goal fields' values.
    Unique {
        /// List.
        list: u32,
        /// Goal fields excluded.
        except: Vec<u32>,
    },
    /// Integer.
    Int {
        /// Min.
        min: i64,
        /// Max.
        max: i64,
        /// Step.
        step: i64,
    },
    /// Money with cents.
    Money {
        /// Min.
        min: i64,
        /// Max.
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
    /// Pattern.
    Pattern(String),
    /// Smallest number.
    MinOf {
        /// Table.
        table: u32,
        /// Column.
        column: u32,
        /// Filter.
        filter: CondC,
    },
    /// Row with the smallest number.
    ArgMin {
        /// Table.
        table: u32,
        /// Column.
        column: u32,
        /// Filter.
        filter: CondC,
        /// Returned column.
        take: u32,
    },
    /// A computed value (derived fields only).
    Calc(ValueC),
    /// Joined column.
    Join {
        /// Table.
        table: u32,
        /// Column.
        column: u32,
        /// Filter.
        filter: CondC,
    },
}

/// A table's definition.
#[derive(Debug, Clone)]
pub struct TableC {
    /// Name.
    pub name: String,
    /// Column names.
    pub columns: Vec<String>,
    /// Static rows, or generated groups.
    pub source: TableSource,
}

/// Where a table's rows come from.
#[derive(Debug, Clone)]
pub enum TableSource {
    /// Written out.
    Static(Vec<Vec<String>>),
    /// Generated groups (count range, one generator per column in column order), then maybe shuffled.
    Generated {
        /// Groups.
        groups: Vec<((u32, u32), Vec<GenC>)>,
        /// Shuffle after.
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
pub struct ElemC {
    /// What it is.
    pub role: Role,
    /// Stable handle, if any.
    pub key: Option<String>,
    /// Label or text.
    pub label: TemplateC,
    /// Placeholder of a text field.
    pub placeholder: String,
    /// Text style.
    pub style: TextStyle,
    /// Primary button.
    pub primary: bool,
    /// The value slot of an input.
    pub slot: Option<SlotTarget>,
    /// What a click does.
    pub on_click: Vec<EffectC>,
    /// Shown only while this holds.
    pub visible_if: Option<CondC>,
    /// Options of a select or radio group.
    pub options: Option<OptionsC>,
    /// Children (groups), or the row template (lists).
    pub children: Vec<u32>,
    /// For lists: table, filter and empty text.
    pub list: Option<ListC>,
    /// Selector id replacing the one derived from the key (a perturbation).
    pub dom_id: Option<String>,
    /// Selector classes replacing the default ones (a perturbation).
    pub classes: Option<String>,
    /// Shown only after, or only until, some steps on the page (lazy content).
    pub lazy: Lazy,
}

impl ElemC {
    /// An element of this role with nothing set: no key, label, effects or children.
    pub fn blank(role: Role) -> ElemC {
        ElemC {
            role,
            key: None,
            label: TemplateC::default(),
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
pub struct ListC {
    /// Table.
    pub table: u32,
    /// Filter.
    pub filter: Option<CondC>,
    /// Text when nothing passes.
    pub empty: String,
}

/// Options of a select or radio group.
#[derive(Debug, Clone)]
pub enum OptionsC {
    /// Written out.
    Items(Vec<String>),
    /// A named list.
    List(u32),
    /// A table column.
    Column(u32, u32),
}

/// A page or dialog.
#[derive(Debug, Clone)]
pub struct PageC {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// True for dialogs.
    pub is_dialog: bool,
    /// The button pressed by Enter.
    pub enter: Option<u32>,
    /// Top-level elements.
    pub elems: Vec<u32>,
    /// A dialog opened the first time the page is shown (a pop-up).
    pub popup: Option<u32>,
    /// How a dialog is placed.
    pub placement: Placement,
}

/// A task, resolved.
#[derive(Debug, Clone)]
pub struct TaskC {
    /// Name.
    pub name: String,
    /// Instruction template: literal parts and goal field indices.
    pub instruction: Vec<InstrPart>,
    /// Goal field names (sampled, then derived).
    pub fields: Vec<String>,
    /// Whether each field appears in the instruction (visible to agents).
    pub visible: Vec<bool>,
    /// Generators of the sampled fields.
    pub goal: Vec<GenC>,
    /// Generators of the derived fields.
    pub derived: Vec<GenC>,
    /// For each goal field the tables read (by index among the fields every
    /// task defines), this task's index of it.
    pub table_goal_map: Vec<u32>,
    /// Step limit.
    pub step_limit: u32,
    /// Success conditions with their failure reasons.
    pub success: Vec<(CondC, String)>,
    /// Solution recipe.
    pub solution: Vec<StepC>,
    /// Other wordings of the instruction, naming the same visible goal fields.
    pub paraphrases: Vec<Vec<InstrPart>>,
}

/// Part of an instruction.
#[derive(Debug, Clone)]
pub enum InstrPart {
    /// Literal.
    Lit(String),
    /// A goal field.
    Field(u32),
}

/// A recipe step, resolved (keys stay strings: they are looked up in the observation).
#[derive(Debug, Clone)]
pub enum StepC {
    /// Click by key.
    Click(String),
    /// Click the instance in the first row the look picks (read from the rows as shown).
    ClickRow(String, LookC),
    /// Check exactly the row instances in the rows the look picks.
    CheckRows(String, LookC),
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

/// A recipe's look over list rows, resolved: what a row must show. It can
/// name only goal fields the instruction shows and literal text, never a
/// table column, state or a hidden goal field, so whoever follows it reads
/// the page as shown.
#[derive(Debug, Clone, PartialEq)]
pub enum LookC {
    /// Every row.
    All,
    /// Rows that show this text.
    Shows(ShownText),
    /// Rows that show one of the items this text lists.
    ShowsOneOf(ShownText),
    /// Of the rows so far, those showing the smallest amount of money.
    Cheapest,
    /// Of the rows so far, those the look does not pick.
    Not(Box<LookC>),
    /// Each narrows the rows the one before left.
    And(Vec<LookC>),
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
pub struct RowInputC {
    /// Its key.
    pub key: String,
    /// The list's table.
    pub table: u32,
    /// For a table's declared `row_state`: its value at reset, read in each
    /// row (inputs inside list rows start empty).
    pub init: Option<ValueC>,
}

/// A compiled site, ready to run: every name resolved to an index.
#[derive(Debug, Clone)]
pub struct Site {
    /// Machine name.
    pub name: String,
    /// Brand.
    pub title: String,
    /// Description.
    pub description: String,
    /// Page width.
    pub width: f32,
    /// Viewport height.
    pub height: f32,
    /// Theme.
    pub theme: Theme,
    /// Date format.
    pub date_format: DateFormat,
    /// Lists.
    pub lists: Vec<Vec<String>>,
    /// Tables.
    pub tables: Vec<TableC>,
    /// Fixed slot names and initial values.
    pub slots: Vec<(String, String)>,
    /// Generated slot values.
    pub generated: Vec<(SlotId, GenC)>,
    /// Per-row inputs.
    pub row_inputs: Vec<RowInputC>,
    /// Pages then dialogs.
    pub pages: Vec<PageC>,
    /// Start page.
    pub start: u32,
    /// All elements.
    pub elems: Vec<ElemC>,
    /// Tasks.
    pub tasks: Vec<TaskC>,
    /// The built-in `error` slot.
    pub error_slot: SlotId,
}

impl Site {
    /// Index of the task with this name.
    pub fn task_index(&self, name: &str) -> Option<usize> {
        self.tasks.iter().position(|t| t.name == name)
    }
    /// Names of the tasks.
    pub fn task_names(&self) -> Vec<String> {
        self.tasks.iter().map(|t| t.name.clone()).collect()
    }
}

/// A task's step limit when its file gives none.
const DEFAULT_STEP_LIMIT: u32 = 30;

/// "Log in as {user}." and "Transfer {amount} to {payee}." become "Log in as
/// {user}, then transfer {amount} to {payee}." (a part that starts with a
/// field or a capitalised name keeps its case only if its second letter is
/// capitalised too, as in "ID").
fn compose_instructions<'t>(parts: impl Iterator<Item = &'t str>) -> String {
    let mut out = String::new();
    for (i, part) in parts.enumerate() {
        let part = part.trim().trim_end_matches('.');
        if i == 0 {
            out.push_str(part);
            continue;
        }
        out.push_str(", then ");
        let mut chars = part.chars();
        match (chars.next(), chars.clone().next()) {
            (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
                out.extend(first.to_lowercase());
                out.push_str(chars.as_str());
            }
            _ => out.push_str(part),
        }
    }
    out.push('.');
    out
}
/// The smallest base font size a theme may set, in pixels.
pub const MIN_FONT_SIZE: f32 = 6.0;
/// The largest base font size a theme may set, in pixels.
pub const MAX_FONT_SIZE: f32 = 72.0;

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
    let file: SiteFile = options.from_str(text).map_err(|e| {
        let (line, column) = (e.span.start.line.max(1), e.span.start.col.max(1));
        SiteError {
            path: path.to_string(),
            line,
            column,
            message: explain_ron_error(&e.code),
        }
    })?;
    Compiler::new(path, text).compile(file)
}

fn explain_ron_error(code: &ron::error::Error) -> String {
    use ron::error::Error as E;
    match code {
        E::NoSuchEnumVariant {
            expected, found, ..
        } => format!(
            "unknown kind `{found}`; expected one of: {}",
            expected.join(", ")
        ),
        E::NoSuchStructField {
            expected, found, ..
        } => format!(
            "unknown field `{found}`; expected one of: {}",
            expected.join(", ")
        ),
        E::MissingStructField { field, outer } => match outer {
            Some(outer) => format!("`{outer}` is missing its field `{field}`"),
            None => format!("missing field `{field}`"),
        },
        E::DuplicateStructField { field, .. } => format!("field `{field}` is given twice"),
        other => format!("{other}"),
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
    tables: Vec<TableC>,
    slots: Vec<(String, String)>,
    row_inputs: Vec<RowInputC>,
    page_ids: Vec<(String, bool)>,
    elems: Vec<ElemC>,
    /// Goal field names of the task being compiled, or of all tasks (for site parts).
    goal_fields: Vec<String>,
    /// Goal fields that every task defines: the only ones tables may read.
    table_goal_fields: Vec<String>,
    where_: String,
}

type R<T> = Result<T, SiteError>;

impl<'a> Compiler<'a> {
    fn new(path: &'a str, source: &'a str) -> Self {
        Compiler {
            path,
            source,
            lists: BTreeMap::new(),
            tables: Vec::new(),
            slots: Vec::new(),
            row_inputs: Vec::new(),
            page_ids: Vec::new(),
            elems: Vec::new(),
            goal_fields: Vec::new(),
            table_goal_fields: Vec::new(),
            where_: String::new(),
        }
    }

    /// Fills in every composed task (`chain`) from its parts, which must be
    /// tasks of this site that are not composed themselves; what the composed
    /// task gives itself is kept. See [`format::TaskDef::chain`].
    fn expand_chains(&self, tasks: &mut [format::TaskDef]) -> R<()> {
        let plain: Vec<format::TaskDef> = tasks
            .iter()
            .filter(|t| t.chain.is_empty())
            .cloned()
            .collect();
        for task in tasks.iter_mut().filter(|t| !t.chain.is_empty()) {
            if task.chain.len() < 2 {
                return Err(self.err(
                    &task.name,
                    format!(
                        "task \"{}\" chains only one task; a chain names two or more",
                        task.name
                    ),
                ));
            }
            let mut parts = Vec::new();
            for name in &task.chain {
                match plain.iter().find(|t| &t.name == name) {
                    Some(part) => parts.push(part),
                    None => {
                        return Err(self.err(
                            name,
                            format!(
                                "task \"{}\" chains \"{name}\", which is not a task of this site (or is composed itself); expected one of: {}",
                                task.name,
                                plain.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
                            ),
                        ))
                    }
                }
            }
            let union = |pick: fn(&format::TaskDef) -> &Vec<(String, format::Gen)>| {
                let mut out: Vec<(String, format::Gen)> = Vec::new();
                for part in &parts {
                    for (name, gen) in pick(part) {
                        if !out.iter().any(|(n, _)| n == name) {
                            out.push((name.clone(), gen.clone()));
                        }
                    }
                }
                out
            };
            if task.goal.is_empty() {
                task.goal = union(|t| &t.goal);
            }
            if task.derived.is_empty() {
                task.derived = union(|t| &t.derived);
            }
            if task.instruction.trim().is_empty() {
                task.instruction =
                    compose_instructions(parts.iter().map(|p| p.instruction.as_str()));
            }
            if task.step_limit.is_none() {
                task.step_limit = Some(
                    parts
                        .iter()
                        .map(|p| p.step_limit.unwrap_or(DEFAULT_STEP_LIMIT))
                        .fold(0u32, u32::saturating_add),
                );
            }
            if task.success.is_empty() {
                task.success = parts
                    .iter()
                    .flat_map(|p| p.success.iter().cloned())
                    .collect();
            }
            if task.solution.is_empty() {
                task.solution = parts
                    .iter()
                    .flat_map(|p| p.solution.iter().cloned())
                    .collect();
            }
        }
        if let Some(task) = tasks
            .iter()
            .find(|t| t.chain.is_empty() && t.instruction.trim().is_empty())
        {
            return Err(self.err(
                &task.name,
                format!("task \"{}\" has no `instruction`; only a composed task (`chain`) may leave it out", task.name),
            ));
        }
        Ok(())
    }

    /// An error located at the first quoted occurrence of `needle` (the name
    /// that is wrong), or at the start of the file when it cannot be found.
    fn err(&self, needle: &str, message: String) -> SiteError {
        let quoted = format!("\"{needle}\"");
        let offset = if needle.is_empty() {
            None
        } else {
            self.source
                .find(&quoted)
                .or_else(|| self.source.find(needle))
        };
        let (line, column) = match offset {
            Some(off) => line_col(self.source, off),
            None => (1, 1),
        };
        let message = if self.where_.is_empty() {
            message
        } else {
            format!("in {}: {message}", self.where_)
        };
        SiteError {
            path: self.path.to_string(),
            line,
            column,
            message,
        }
    }

    fn compile(mut self, mut file: SiteFile) -> R<Site> {
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
        for (i, (name, items)) in file.lists.iter().enumerate() {
            if items.is_empty() {
                return Err(self.err(
                    name,
                    format!("list \"{name}\" is empty; expected at least one item"),
                ));
            }
            self.lists.insert(name.clone(), i as u32);
        }
        let lists: Vec<Vec<String>> = file.lists.values().cloned().collect();
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
        for (name, gen) in &file.generated {
            self.where_ = format!("generated slot \"{name}\"");
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
        self.where_.clear();

        // Tables (in order; a table's generators may read earlier tables? no: goal and lists only).
        for def in &file.tables {
            self.where_ = String::new();
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

        // Pages and dialogs: ids first, so navigation can point forward.
        for page in &file.pages {
            self.page_ids.push((page.id.clone(), false));
        }
        for page in &file.dialogs {
            self.page_ids.push((page.id.clone(), true));
        }
        for (i, (id, _)) in self.page_ids.iter().enumerate() {
            if self.page_ids.iter().take(i).any(|(other, _)| other == id) {
                return Err(self.err(
                    id,
                    format!("page or dialog id \"{id}\" is used twice; ids must be unique"),
                ));
            }
        }
        // Input slots are declared before any effect is compiled so effects may
        // refer to inputs on later pages.
        for page in file.pages.iter().chain(&file.dialogs) {
            self.declare_inputs(&page.elements, None)?;
        }
        let mut pages = Vec::new();
        for (page, is_dialog) in file
            .pages
            .iter()
            .map(|p| (p, false))
            .chain(file.dialogs.iter().map(|p| (p, true)))
        {
            self.where_ = format!("page \"{}\"", page.id);
            let scope = Scope {
                row_table: None,
                goal: false,
            };
            let mut elems = Vec::new();
            for e in &page.elements {
                elems.push(self.elem(e, scope)?);
            }
            let enter = match &page.enter {
                None => None,
                Some(key) => Some(self.find_button(&elems, key).ok_or_else(|| {
                    self.err(key, format!("`enter` names \"{key}\", but this page has no button or link with that key"))
                })?),
            };
            pages.push(PageC {
                id: page.id.clone(),
                title: page.title.clone(),
                is_dialog,
                enter,
                elems,
                popup: None,
                placement: Placement::Modal,
            });
        }
        self.where_.clear();
        let start = match &file.start {
            None => 0,
            Some(id) => self.page(id, false)?,
        };

        let mut tasks = Vec::new();
        for task in &file.tasks {
            self.where_ = format!("task \"{}\"", task.name);
            if tasks.iter().any(|t: &TaskC| t.name == task.name) {
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
        })
    }

    fn find_button(&self, elems: &[u32], key: &str) -> Option<u32> {
        for &i in elems {
            let Some(e) = self.elems.get(i as usize) else {
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

    fn page(&self, id: &str, dialog: bool) -> R<u32> {
        match self
            .page_ids
            .iter()
            .position(|(p, d)| p == id && *d == dialog)
        {
            Some(i) => Ok(i as u32),
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

    fn list(&self, name: &str) -> R<u32> {
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

    fn table_index(&self, name: &str) -> R<u32> {
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

    fn column(&self, table: u32, name: &str) -> R<u32> {
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

    fn goal_field(&self, name: &str) -> R<u32> {
        self.goal_fields.iter().position(|f| f == name).map(|i| i as u32).ok_or_else(|| {
            self.err(name, format!("no goal field \"{name}\" is defined before this point; expected one of: {}", self.goal_fields.join(", ")))
        })
    }

    fn table(&mut self, def: &format::TableDef) -> R<TableC> {
        match def {
            format::TableDef::Static {
                name,
                columns,
                rows,
                ..
            } => {
                self.where_ = format!("table \"{name}\"");
                for (i, row) in rows.iter().enumerate() {
                    if row.len() != columns.len() {
                        let needle = row.first().map(|s| s.as_str()).unwrap_or(name);
                        return Err(self.err(
                            needle,
                            format!(
                                "row {} has {} cells but the table has {} columns",
                                i + 1,
                                row.len(),
                                columns.len()
                            ),
                        ));
                    }
                }
                Ok(TableC {
                    name: name.clone(),
                    columns: columns.clone(),
                    source: TableSource::Static(rows.clone()),
                })
            }
            format::TableDef::Generated {
                name,
                groups,
                shuffle,
                ..
            } => {
                self.where_ = format!("table \"{name}\"");
                let Some(first) = groups.first() else {
                    return Err(self.err(
                        name,
                        "a generated table needs at least one group of rows".into(),
                    ));
                };
                let columns: Vec<String> = first.cells.iter().map(|(c, _)| c.clone()).collect();
                let mut out = Vec::new();
                for group in groups {
                    let names: Vec<&String> = group.cells.iter().map(|(c, _)| c).collect();
                    if names.len() != columns.len()
                        || names.iter().zip(&columns).any(|(a, b)| *a != b)
                    {
                        return Err(self.err(
                            name,
                            format!(
                                "every group must name the same columns in the same order ({})",
                                columns.join(", ")
                            ),
                        ));
                    }
                    if group.count.0 > group.count.1 || group.count.1 > 500 {
                        return Err(self.err(
                            name,
                            format!(
                                "row count ({}, {}) must be (min, max) with min <= max <= 500",
                                group.count.0, group.count.1
                            ),
                        ));
                    }
                    let mut gens = Vec::new();
                    for (_, g) in &group.cells {
                        gens.push(self.gen(
                            g,
                            Scope {
                                row_table: None,
                                goal: true,
                            },
                            false,
                        )?);
                    }
                    out.push((group.count, gens));
                }
                Ok(TableC {
                    name: name.clone(),
                    columns,
                    source: TableSource::Generated {
                        groups: out,
                        shuffle: *shuffle,
                    },
                })
            }
        }
    }

    /// Declares a table's per-row state (the table is the last one compiled).
    fn row_state(&mut self, def: &format::TableDef) -> R<()> {
        let (format::TableDef::Static {
            name, row_state, ..
        }
        | format::TableDef::Generated {
            name, row_state, ..
        }) = def;
        let t = (self.tables.len() - 1) as u32;
        for (key, value) in row_state {
            self.where_ = format!("table \"{name}\"");
            if key.is_empty() {
                return Err(self.err(
                    name,
                    "a row state has an empty name; expected a short name".into(),
                ));
            }
            let taken =
                self.slot_named(key).is_some() || self.row_inputs.iter().any(|r| &r.key == key);
            if taken {
                return Err(self.err(key, format!("the row state \"{key}\" is declared twice (state names, row states and input keys share one namespace)")));
            }
            // Read in each row at reset, before any input exists: no state, no goal.
            let init = self.value(
                value,
                Scope {
                    row_table: Some(t),
                    goal: false,
                },
            )?;
            if init.reads_state() {
                return Err(self.err(key, format!("the row state \"{key}\" starts from state, which is not there yet at reset; expected Row(\"COLUMN\"), Lit(\"TEXT\") or arithmetic on those")));
            }
            self.row_inputs.push(RowInputC {
                key: key.clone(),
                table: t,
                init: Some(init),
            });
        }
        self.where_.clear();
        Ok(())
    }

    /// Compiles a generator; `derived` allows the ones that read generated tables.
    fn gen(&self, g: &format::Gen, scope: Scope, derived: bool) -> R<GenC> {
        use format::Gen as G;
        Ok(match g {
            G::Lit(s) => GenC::Lit(s.clone()),
            G::Goal(f) => GenC::Goal(self.goal_field(f)?),
            G::Pick(l) => GenC::Pick(self.list(l)?),
            G::Unique { list, except } => GenC::Unique {
                list: self.list(list)?,
                except: except
                    .iter()
                    .map(|f| self.goal_field(f))
                    .collect::<R<_>>()?,
            },
            G::Int { min, max, step } => {
                let step = step.unwrap_or(1);
                if min > max || step <= 0 {
                    return Err(self.err("Int", format!("Int needs min <= max and a positive step (got min {min}, max {max}, step {step})")));
                }
                GenC::Int {
                    min: *min,
                    max: *max,
                    step,
                }
            }
            G::Money { min, max } => {
                if min > max || *min < 0 {
                    return Err(self.err(
                        "Money",
                        format!("Money needs 0 <= min <= max (got {min}, {max})"),
                    ));
                }
                GenC::Money {
                    min: *min,
                    max: *max,
                }
            }
            G::Date { start, days } => {
                let start_day = parse_iso_date(start).ok_or_else(|| {
                    self.err(
                        start,
                        format!("\"{start}\" is not a date; expected YYYY-MM-DD"),
                    )
                })?;
                if *days == 0 {
                    return Err(self.err(start, "Date needs days >= 1".into()));
                }
                GenC::Date {
                    start_day,
                    days: *days,
                }
            }
            G::Time { start, end, step } => {
                let s = parse_hhmm(start).ok_or_else(|| {
                    self.err(start, format!("\"{start}\" is not a time; expected HH:MM"))
                })?;
                let e = parse_hhmm(end).ok_or_else(|| {
                    self.err(end, format!("\"{end}\" is not a time; expected HH:MM"))
                })?;
                if e < s || *step == 0 {
                    return Err(
                        self.err(start, "Time needs start <= end and a positive step".into())
                    );
                }
                GenC::Time {
                    start: s,
                    end: e,
                    step: *step,
                }
            }
            G::Pattern(p) => GenC::Pattern(p.clone()),
            G::Calc(value) => {
                if !derived {
                    return Err(self.err("Calc", "Calc computes a field from the goal and the generated tables, so it belongs in a task's `derived` fields".into()));
                }
                GenC::Calc(self.value(value, scope)?)
            }
            G::MinOf {
                table,
                column,
                filter,
            }
            | G::ArgMin {
                table,
                column,
                filter,
                ..
            }
            | G::Join {
                table,
                column,
                filter,
            } => {
                if !derived {
                    return Err(self.err(table, "MinOf, ArgMin and Join read the generated tables, so they belong in a task's `derived` fields".into()));
                }
                let t = self.table_index(table)?;
                let c = self.column(t, column)?;
                let f = self.cond(
                    filter,
                    Scope {
                        row_table: Some(t),
                        goal: scope.goal,
                    },
                )?;
                match g {
                    G::MinOf { .. } => GenC::MinOf {
                        table: t,
                        column: c,
                        filter: f,
                    },
                    G::ArgMin { take, .. } => GenC::ArgMin {
                        table: t,
                        column: c,
                        filter: f,
                        take: self.column(t, take)?,
                    },
                    _ => GenC::Join {
                        table: t,
                        column: c,
                        filter: f,
                    },
                }
            }
        })
    }

    fn slot_named(&self, name: &str) -> Option<SlotId> {
        self.slots
            .iter()
            .position(|(n, _)| n == name)
            .map(|i| i as u32)
    }

    fn declare_inputs(&mut self, elems: &[format::ElementDef], list_table: Option<u32>) -> R<()> {
        use format::ElementDef as E;
        for e in elems {
            let key = match e {
                E::TextInput { key, .. }
                | E::Password { key, .. }
                | E::NumberInput { key, .. }
                | E::DateInput { key, .. }
                | E::Select { key, .. }
                | E::Checkbox { key, .. }
                | E::Radio { key, .. } => Some(key),
                E::Row { children } | E::Card { children } => {
                    self.declare_inputs(children, list_table)?;
                    None
                }
                E::List {
                    table, row, key, ..
                } => {
                    if list_table.is_some() {
                        return Err(
                            self.err(key, "a List inside a List row is not supported".into())
                        );
                    }
                    let t = self.table_index(table)?;
                    self.declare_inputs(row, Some(t))?;
                    None
                }
                _ => None,
            };
            let Some(key) = key else { continue };
            if key.is_empty() {
                return Err(self.err(
                    "key",
                    "an input has an empty key; expected a short name".into(),
                ));
            }
            // An input in a row of a table that declares this key as row
            // state shows and changes that state.
            let row_state = list_table.is_some_and(|t| {
                self.row_inputs
                    .iter()
                    .any(|r| &r.key == key && r.table == t && r.init.is_some())
            });
            if row_state {
                continue;
            }
            let taken =
                self.slot_named(key).is_some() || self.row_inputs.iter().any(|r| &r.key == key);
            if taken {
                return Err(self.err(key, format!("the key \"{key}\" is used twice (input keys, state names and row states share one namespace)")));
            }
            match list_table {
                None => self.slots.push((key.clone(), String::new())),
                Some(t) => self.row_inputs.push(RowInputC {
                    key: key.clone(),
                    table: t,
                    init: None,
                }),
            }
        }
        Ok(())
    }

    fn options(&self, o: &format::Options) -> R<OptionsC> {
        Ok(match o {
            format::Options::Items(items) => {
                if items.is_empty() {
                    return Err(self.err(
                        "Items",
                        "a select or radio group needs at least one option".into(),
                    ));
                }
                OptionsC::Items(items.clone())
            }
            format::Options::List(l) => OptionsC::List(self.list(l)?),
            format::Options::Column(t, c) => {
                let t = self.table_index(t)?;
                OptionsC::Column(t, self.column(t, c)?)
            }
        })
    }

    fn input_slot(&self, key: &str, scope: Scope) -> R<SlotTarget> {
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

    fn elem(&mut self, e: &format::ElementDef, scope: Scope) -> R<u32> {
        use format::ElementDef as E;
        let mut c = ElemC::blank(Role::Text);
        let vis = |this: &Self, v: &Option<format::Cond>| -> R<Option<CondC>> {
            v.as_ref().map(|c| this.cond(c, scope)).transpose()
        };
        match e {
            E::Heading {
                text,
                key,
                visible_if,
            } => {
                c.role = Role::Heading;
                c.key = key.clone();
                c.label = self.template(text, scope)?;
                c.visible_if = vis(self, visible_if)?;
            }
            E::Text {
                text,
                key,
                style,
                visible_if,
            } => {
                c.role = Role::Text;
                c.key = key.clone();
                c.label = self.template(text, scope)?;
                c.style = *style;
                c.visible_if = vis(self, visible_if)?;
            }
            E::ErrorMessage => {
                c.role = Role::Alert;
                c.key = Some("error".into());
                c.style = TextStyle::Error;
                c.label = TemplateC {
                    parts: vec![TemplatePart::Value(ValueC::Slot(
                        self.slot_named("error").unwrap_or(0),
                    ))],
                };
                c.visible_if = Some(CondC::NotEmpty(ValueC::Slot(
                    self.slot_named("error").unwrap_or(0),
                )));
            }
            E::Link {
                key,
                label,
                on_click,
                visible_if,
            }
            | E::Button {
                key,
                label,
                on_click,
                visible_if,
                ..
            } => {
                c.role = if matches!(e, E::Link { .. }) {
                    Role::Link
                } else {
                    Role::Button
                };
                if let E::Button { primary, .. } = e {
                    c.primary = *primary;
                }
                c.key = Some(key.clone());
                c.label = self.template(label, scope)?;
                c.on_click = self.effects(on_click, scope)?;
                c.visible_if = vis(self, visible_if)?;
            }
            E::TextInput {
                key,
                label,
                placeholder,
                visible_if,
            } => {
                c.role = Role::TextBox;
                c.key = Some(key.clone());
                c.label = self.template(label, scope)?;
                c.placeholder = placeholder.clone();
                c.slot = Some(self.input_slot(key, scope)?);
                c.visible_if = vis(self, visible_if)?;
            }
            E::Password {
                key,
                label,
                visible_if,
            }
            | E::NumberInput {
                key,
                label,
                visible_if,
            }
            | E::DateInput {
                key,
                label,
                visible_if,
            } => {
                c.role = match e {
                    E::Password { .. } => Role::Password,
                    E::NumberInput { .. } => Role::Number,
                    _ => Role::Date,
                };
                c.key = Some(key.clone());
                c.label = self.template(label, scope)?;
                c.slot = Some(self.input_slot(key, scope)?);
                c.visible_if = vis(self, visible_if)?;
            }
            E::Select {
                key,
                label,
                options,
                visible_if,
            }
            | E::Radio {
                key,
                label,
                options,
                visible_if,
            } => {
                c.role = if matches!(e, E::Select { .. }) {
                    Role::Select
                } else {
                    Role::RadioGroup
                };
                c.key = Some(key.clone());
                c.label = self.template(label, scope)?;
                c.options = Some(self.options(options)?);
                c.slot = Some(self.input_slot(key, scope)?);
                c.visible_if = vis(self, visible_if)?;
            }
            E::Checkbox {
                key,
                label,
                visible_if,
            } => {
                c.role = Role::Checkbox;
                c.key = Some(key.clone());
                c.label = self.template(label, scope)?;
                c.slot = Some(self.input_slot(key, scope)?);
                c.visible_if = vis(self, visible_if)?;
            }
            E::Row { children } | E::Card { children } => {
                c.role = Role::Group;
                c.primary = matches!(e, E::Card { .. }); // cards are drawn boxed
                for child in children {
                    let i = self.elem(child, scope)?;
                    c.children.push(i);
                }
            }
            E::List {
                key,
                table,
                filter,
                empty,
                row,
            } => {
                c.role = Role::List;
                c.key = Some(key.clone());
                let t = self.table_index(table)?;
                let inner = Scope {
                    row_table: Some(t),
                    goal: scope.goal,
                };
                let filter = filter.as_ref().map(|f| self.cond(f, inner)).transpose()?;
                for child in row {
                    let i = self.elem(child, inner)?;
                    c.children.push(i);
                }
                c.list = Some(ListC {
                    table: t,
                    filter,
                    empty: empty.clone(),
                });
            }
        }
        if let Some(key) = c
            .key
            .as_deref()
            .filter(|k| k.starts_with(crate::perturb::INSERTED_PREFIX) || k.starts_with("wobble-"))
        {
            return Err(self.err(
                key,
                format!(
                    "the key \"{key}\" starts with \"wobble\", which is reserved for the elements perturbations insert and for the page around the site; choose another key"
                ),
            ));
        }
        self.elems.push(c);
        Ok((self.elems.len() - 1) as u32)
    }

    fn template(&self, text: &str, scope: Scope) -> R<TemplateC> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let Some(close_rel) = rest[open..].find('}') else {
                return Err(self.err(
                    text,
                    format!("the text \"{text}\" has a `{{` without a closing `}}`"),
                ));
            };
            if open > 0 {
                parts.push(TemplatePart::Lit(rest[..open].to_string()));
            }
            let hole = &rest[open + 1..open + close_rel];
            let value = if let Some(name) = hole.strip_prefix("state.") {
                match self.input_slot(name, scope)? {
                    SlotTarget::Slot(s) => ValueC::Slot(s),
                    SlotTarget::RowSlot(r) => ValueC::RowSlot(r),
                }
            } else if let Some(col) = hole.strip_prefix("row.") {
                let Some(t) = scope.row_table else {
                    return Err(self.err(
                        text,
                        format!("`{{row.{col}}}` is only meaningful inside a List row"),
                    ));
                };
                ValueC::Row(self.column(t, col)?)
            } else {
                return Err(self.err(text, format!("`{{{hole}}}` in \"{text}\" is not understood; expected {{state.NAME}} or {{row.COLUMN}}")));
            };
            parts.push(TemplatePart::Value(value));
            rest = &rest[open + close_rel + 1..];
        }
        if !rest.is_empty() {
            parts.push(TemplatePart::Lit(rest.to_string()));
        }
        Ok(TemplateC { parts })
    }

    fn effects(&self, effects: &[format::Effect], scope: Scope) -> R<Vec<EffectC>> {
        effects.iter().map(|e| self.effect(e, scope)).collect()
    }

    fn effect(&self, e: &format::Effect, scope: Scope) -> R<EffectC> {
        use format::Effect as F;
        Ok(match e {
            F::Set(name, v) => {
                let target = self.input_slot(name, scope)?;
                EffectC::Set(target, self.value(v, scope)?)
            }
            F::Navigate(p) => EffectC::Navigate(self.page(p, false)?),
            F::Require(c, msg) => {
                EffectC::Require(self.cond(c, scope)?, self.template(msg, scope)?)
            }
            F::If(c, a, b) => EffectC::If(
                self.cond(c, scope)?,
                self.effects(a, scope)?,
                self.effects(b, scope)?,
            ),
            F::OpenDialog(d) => EffectC::OpenDialog(self.page(d, true)?),
            F::CloseDialog => EffectC::CloseDialog,
            F::End => EffectC::End,
        })
    }

    fn value(&self, v: &format::Value, scope: Scope) -> R<ValueC> {
        use format::Value as V;
        Ok(match v {
            V::Lit(s) => ValueC::Lit(s.clone()),
            V::State(name) => match self.input_slot(name, scope)? {
                SlotTarget::Slot(s) => ValueC::Slot(s),
                SlotTarget::RowSlot(r) => ValueC::RowSlot(r),
            },
            V::Row(col) => {
                let Some(t) = scope.row_table else {
                    return Err(self.err(col, format!("Row(\"{col}\") is only meaningful inside a List row, a table filter, or AllRows/AnyRow")));
                };
                ValueC::Row(self.column(t, col)?)
            }
            V::Goal(f) => {
                if !scope.goal {
                    return Err(self.err(f, format!("Goal(\"{f}\") can only be read by a task (success, derived, solution), not by the site's pages")));
                }
                ValueC::Goal(self.goal_field(f)?)
            }
            V::Lookup(table, key_col, key, col) => {
                let t = self.table_index(table)?;
                ValueC::Lookup {
                    table: t,
                    key_column: self.column(t, key_col)?,
                    key: Box::new(self.value(key, scope)?),
                    column: self.column(t, col)?,
                }
            }
            V::Add(a, b) | V::Sub(a, b) | V::Mul(a, b) | V::Min(a, b) | V::Max(a, b) => {
                let op = match v {
                    V::Add(..) => CalcOp::Add,
                    V::Sub(..) => CalcOp::Sub,
                    V::Mul(..) => CalcOp::Mul,
                    V::Min(..) => CalcOp::Min,
                    _ => CalcOp::Max,
                };
                ValueC::Calc(
                    op,
                    Box::new(self.value(a, scope)?),
                    Box::new(self.value(b, scope)?),
                )
            }
            V::Sum(table, inner) => {
                let t = self.table_index(table)?;
                let inner = self.value(
                    inner,
                    Scope {
                        row_table: Some(t),
                        goal: scope.goal,
                    },
                )?;
                ValueC::Sum(t, Box::new(inner))
            }
        })
    }

    fn cond(&self, c: &format::Cond, scope: Scope) -> R<CondC> {
        use format::Cond as C;
        let v = |x: &format::Value| self.value(x, scope);
        Ok(match c {
            C::True => CondC::True,
            C::Eq(a, b) => CondC::Eq(v(a)?, v(b)?),
            C::Ne(a, b) => CondC::Ne(v(a)?, v(b)?),
            C::Empty(a) => CondC::Empty(v(a)?),
            C::NotEmpty(a) => CondC::NotEmpty(v(a)?),
            C::IsNumber(a) => CondC::IsNumber(v(a)?),
            C::Contains(a, b) => CondC::Contains(v(a)?, v(b)?),
            C::Lt(a, b) => CondC::Cmp(CmpOp::Lt, v(a)?, v(b)?),
            C::Le(a, b) => CondC::Cmp(CmpOp::Le, v(a)?, v(b)?),
            C::Gt(a, b) => CondC::Cmp(CmpOp::Gt, v(a)?, v(b)?),
            C::Ge(a, b) => CondC::Cmp(CmpOp::Ge, v(a)?, v(b)?),
            C::Checked(key) => CondC::Checked(match self.input_slot(key, scope)? {
                SlotTarget::Slot(s) => ValueC::Slot(s),
                SlotTarget::RowSlot(r) => ValueC::RowSlot(r),
            }),
            C::And(xs) => CondC::And(xs.iter().map(|x| self.cond(x, scope)).collect::<R<_>>()?),
            C::Or(xs) => CondC::Or(xs.iter().map(|x| self.cond(x, scope)).collect::<R<_>>()?),
            C::Not(x) => CondC::Not(Box::new(self.cond(x, scope)?)),
            C::AllRows(t, x) | C::AnyRow(t, x) => {
                let ti = self.table_index(t)?;
                let inner = self.cond(
                    x,
                    Scope {
                        row_table: Some(ti),
                        goal: scope.goal,
                    },
                )?;
                if matches!(c, C::AllRows(..)) {
                    CondC::AllRows(ti, Box::new(inner))
                } else {
                    CondC::AnyRow(ti, Box::new(inner))
                }
            }
        })
    }

    fn task(&mut self, task: &format::TaskDef) -> R<TaskC> {
        if task.name.trim().is_empty() {
            return Err(self.err("name", "a task has an empty name".into()));
        }
        self.goal_fields = Vec::new();
        let goal_scope = Scope {
            row_table: None,
            goal: true,
        };
        let mut goal = Vec::new();
        for (name, g) in &task.goal {
            if self.goal_fields.contains(name) {
                return Err(self.err(name, format!("goal field \"{name}\" is defined twice")));
            }
            let gen = self.gen(g, goal_scope, false)?;
            goal.push(gen);
            self.goal_fields.push(name.clone());
        }
        // Tables read goal fields by their index among the fields every task
        // defines; map those to this task's own indices.
        let table_goal_map = self
            .table_goal_fields
            .iter()
            .map(|n| self.goal_fields.iter().position(|f| f == n).unwrap_or(0) as u32)
            .collect();
        let mut derived = Vec::new();
        for (name, g) in &task.derived {
            if self.goal_fields.contains(name) {
                return Err(self.err(name, format!("goal field \"{name}\" is defined twice")));
            }
            derived.push(self.gen(g, goal_scope, true)?);
            self.goal_fields.push(name.clone());
        }
        // Instruction, and its other wordings (which must name the same fields).
        let mut visible = vec![false; self.goal_fields.len()];
        let instruction = self.instruction(&task.instruction, &mut visible)?;
        let mut paraphrases = Vec::new();
        for text in &task.paraphrases {
            let mut named = vec![false; self.goal_fields.len()];
            paraphrases.push(self.instruction(text, &mut named)?);
            if named != visible {
                let names = |v: &[bool]| {
                    self.goal_fields
                        .iter()
                        .zip(v)
                        .filter(|(_, &on)| on)
                        .map(|(n, _)| format!("{{{n}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return Err(self.err(
                    text,
                    format!(
                        "this paraphrase names {} but the instruction names {}; a paraphrase must name the same goal fields",
                        names(&named),
                        names(&visible)
                    ),
                ));
            }
        }
        if task.success.is_empty() {
            return Err(self.err(
                &task.name,
                "the task has no success conditions; expected at least one (Cond, \"reason\")"
                    .into(),
            ));
        }
        let success = task
            .success
            .iter()
            .map(|(c, reason)| Ok((self.cond(c, goal_scope)?, reason.clone())))
            .collect::<R<Vec<_>>>()?;
        if task.solution.is_empty() {
            return Err(self.err(
                &task.name,
                "the task has no solution recipe; expected the steps that solve it".into(),
            ));
        }
        let mut solution = Vec::new();
        for s in &task.solution {
            solution.push(self.step(s, &visible)?);
        }
        Ok(TaskC {
            name: task.name.clone(),
            instruction,
            fields: self.goal_fields.clone(),
            visible,
            goal,
            derived,
            table_goal_map,
            step_limit: task
                .step_limit
                .unwrap_or(DEFAULT_STEP_LIMIT)
                .clamp(1, 10_000),
            success,
            solution,
            paraphrases,
        })
    }

    /// Splits an instruction into literal parts and goal fields, marking the fields it names.
    fn instruction(&self, text: &str, named: &mut [bool]) -> R<Vec<InstrPart>> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let Some(close_rel) = rest[open..].find('}') else {
                return Err(self.err(
                    text,
                    "the instruction has a `{` without a closing `}`".into(),
                ));
            };
            if open > 0 {
                parts.push(InstrPart::Lit(rest[..open].to_string()));
            }
            let name = &rest[open + 1..open + close_rel];
            let f = self.goal_field(name)?;
            if let Some(v) = named.get_mut(f as usize) {
                *v = true;
            }
            parts.push(InstrPart::Field(f));
            rest = &rest[open + close_rel + 1..];
        }
        if !rest.is_empty() {
            parts.push(InstrPart::Lit(rest.to_string()));
        }
        Ok(parts)
    }

    fn elem_with_key(&self, key: &str) -> Option<&ElemC> {
        self.elems.iter().find(|e| e.key.as_deref() == Some(key))
    }

    fn list_table_of(&self, key: &str) -> Option<u32> {
        // The table of the list whose row template holds this key.
        for e in &self.elems {
            if let Some(list) = &e.list {
                if self.subtree_has_key(&e.children, key) {
                    return Some(list.table);
                }
            }
        }
        None
    }

    fn subtree_has_key(&self, elems: &[u32], key: &str) -> bool {
        elems.iter().any(|&i| {
            self.elems.get(i as usize).is_some_and(|e| {
                e.key.as_deref() == Some(key) || self.subtree_has_key(&e.children, key)
            })
        })
    }

    /// A goal field a recipe step reads: one the instruction names, since
    /// the recipe is followed by someone who reads only what is shown.
    fn shown_goal_field(&self, name: &str, visible: &[bool]) -> R<u32> {
        let f = self.goal_field(name)?;
        if !visible.get(f as usize).copied().unwrap_or(false) {
            return Err(self.err(
                name,
                format!("the solution reads goal field \"{name}\", which the instruction does not name; the recipe may use only what agents are shown"),
            ));
        }
        Ok(f)
    }

    fn look(&self, look: &format::Look, visible: &[bool]) -> R<LookC> {
        use format::Look as L;
        let text = |v: &format::Value| -> R<ShownText> {
            match v {
                format::Value::Lit(t) => Ok(ShownText::Lit(t.clone())),
                format::Value::Goal(name) => {
                    let f = self.shown_goal_field(name, visible)?;
                    Ok(ShownText::Goal(f.min(u16::MAX as u32) as u16))
                }
                other => Err(self.err(
                    match other {
                        format::Value::Row(name) | format::Value::State(name) => name,
                        _ => "Shows",
                    },
                    format!("a recipe's look reads a row as shown, so it may search only for `Goal(\"field\")` or `Lit(\"text\")`, not {other:?}"),
                )),
            }
        };
        Ok(match look {
            L::All => LookC::All,
            L::Shows(v) => LookC::Shows(text(v)?),
            L::ShowsOneOf(v) => LookC::ShowsOneOf(text(v)?),
            L::Cheapest => LookC::Cheapest,
            L::Not(l) => LookC::Not(Box::new(self.look(l, visible)?)),
            L::And(looks) => LookC::And(
                looks
                    .iter()
                    .map(|l| self.look(l, visible))
                    .collect::<R<Vec<_>>>()?,
            ),
        })
    }

    fn step(&self, s: &format::Step, visible: &[bool]) -> R<StepC> {
        use format::Step as S;
        let key_of = |k: &str| -> R<&ElemC> {
            self.elem_with_key(k).ok_or_else(|| {
                self.err(
                    k,
                    format!("the solution names \"{k}\", but no element has that key"),
                )
            })
        };
        let goal_scope = Scope {
            row_table: None,
            goal: true,
        };
        Ok(match s {
            S::Click(k) => {
                key_of(k)?;
                StepC::Click(k.clone())
            }
            S::Check(k) => {
                key_of(k)?;
                StepC::Check(k.clone())
            }
            S::ClickRow(k, look) | S::CheckRows(k, look) => {
                let e = key_of(k)?;
                self.list_table_of(k).ok_or_else(|| {
                    self.err(
                        k,
                        format!("\"{k}\" is not inside a List row, so there is no row to choose"),
                    )
                })?;
                if matches!(s, S::CheckRows(..)) && e.role != Role::Checkbox {
                    return Err(self.err(
                        k,
                        format!(
                            "the solution cannot tick \"{k}\": it is a {}",
                            e.role.name()
                        ),
                    ));
                }
                let look = self.look(look, visible)?;
                if matches!(s, S::ClickRow(..)) {
                    StepC::ClickRow(k.clone(), look)
                } else {
                    StepC::CheckRows(k.clone(), look)
                }
            }
            S::Type(k, f) | S::Select(k, f) => {
                let e = key_of(k)?;
                let want_select = matches!(s, S::Select(..));
                let ok = if want_select {
                    matches!(e.role, Role::Select | Role::RadioGroup)
                } else {
                    e.role.is_text_entry()
                };
                if !ok {
                    return Err(self.err(
                        k,
                        format!(
                            "the solution cannot {} \"{k}\": it is a {}",
                            if want_select {
                                "select an option of"
                            } else {
                                "type into"
                            },
                            e.role.name()
                        ),
                    ));
                }
                let _ = goal_scope;
                let f = self.shown_goal_field(f, visible)?;
                if want_select {
                    StepC::Select(k.clone(), f)
                } else {
                    StepC::Type(k.clone(), f)
                }
            }
            S::TypeText(k, t) => {
                key_of(k)?;
                StepC::TypeText(k.clone(), t.clone())
            }
            S::SelectText(k, t) => {
                key_of(k)?;
                StepC::SelectText(k.clone(), t.clone())
            }
            S::Press(key) => StepC::Press(*key),
        })
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

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn parse_iso_date(s: &str) -> Option<i64> {
    let mut it = s.trim().split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Howard Hinnant's days-from-civil.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Year, month, day of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    (h < 24 && m < 60).then_some(h * 60 + m)
}
