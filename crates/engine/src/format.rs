//! The site file format: what a person writes in `sites/*.ron`.
//!
//! These types mirror the RON text one to one (serde derives them), so a
//! workshop participant reads this module as the format's reference. Nothing
//! here is used at step time: [`crate::compile`] checks every name and turns
//! a [`SiteFile`] into the index-based [`crate::Site`] that the engine runs.
//! `sites/README.md` has a complete annotated example.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One mock website: its look, its data, its pages and the tasks set on it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Site")]
pub struct SiteFile {
    /// Short machine name, e.g. `"airline"`; used on the command line and in URLs.
    pub name: String,
    /// The brand shown in the page header, e.g. `"SkyWays"`.
    pub title: String,
    /// One sentence for people choosing a site.
    #[serde(default)]
    pub description: String,
    /// Page width in CSS pixels (default 480).
    #[serde(default)]
    pub width: Option<f32>,
    /// Visible page height in CSS pixels (default 600); taller pages scroll.
    #[serde(default)]
    pub height: Option<f32>,
    /// Colours and type.
    #[serde(default)]
    pub theme: Theme,
    /// How dates are written on this site and in its instructions.
    #[serde(default)]
    pub date_format: DateFormat,
    /// Named word lists that generators pick from.
    #[serde(default)]
    pub lists: BTreeMap<String, Vec<String>>,
    /// Data tables, generated at reset after the goal (so they can contain it).
    #[serde(default)]
    pub tables: Vec<TableDef>,
    /// State slots and their initial text. Input elements get a slot of their
    /// own, named by their key, holding what the user typed or chose.
    #[serde(default)]
    pub state: BTreeMap<String, String>,
    /// State slots whose initial text is generated at reset (e.g. a booking code).
    #[serde(default)]
    pub generated: Vec<(String, Gen)>,
    /// The site's own rewordings for the `relabel` perturbation: a label
    /// (compared ignoring case) and the labels it may become, e.g.
    /// `{"Merge pull request": ["Merge", "Squash and merge"]}`. They come
    /// before the catalog's synonyms.
    #[serde(default)]
    pub rewordings: BTreeMap<String, Vec<String>>,
    /// The page an episode starts on (default: the first page).
    #[serde(default)]
    pub start: Option<String>,
    /// The pages, each a column of elements.
    pub pages: Vec<PageDef>,
    /// Modal dialogs drawn over the current page; while one is open only its
    /// elements can be used.
    #[serde(default)]
    pub dialogs: Vec<PageDef>,
    /// What agents are asked to do here.
    pub tasks: Vec<TaskDef>,
}

/// Colours (CSS colour strings) and type of a site.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Theme {
    /// CSS font family.
    pub font: String,
    /// Base font size in pixels.
    pub font_size: f32,
    /// CSS weight of body text (400 regular, 700 bold; files without it get
    /// 400). From 600 up every text is drawn, and measured, bold.
    pub font_weight: u16,
    /// Page background.
    pub background: String,
    /// Body text.
    pub text: String,
    /// Primary buttons and links.
    pub accent: String,
    /// Text on primary buttons.
    pub accent_text: String,
    /// Cards, list rows and the header band.
    pub surface: String,
    /// Borders of inputs and cards.
    pub border: String,
    /// Corner radius of buttons and inputs.
    pub radius: f32,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            font: "system-ui, sans-serif".into(),
            font_size: 14.0,
            font_weight: 400,
            background: "#ffffff".into(),
            text: "#1d2330".into(),
            accent: "#2459d6".into(),
            accent_text: "#ffffff".into(),
            surface: "#f3f5f9".into(),
            border: "#c5ccd8".into(),
            radius: 4.0,
        }
    }
}

/// How a date is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum DateFormat {
    /// `2026-12-31`
    #[default]
    Iso,
    /// `12/31/2026`
    MonthDayYear,
    /// `31/12/2026`
    DayMonthYear,
    /// `31.12.2026`
    DayMonthYearDots,
}

impl DateFormat {
    /// How the format is shown to people in field labels, e.g. `MM/DD/YYYY`.
    pub fn hint(self) -> &'static str {
        match self {
            DateFormat::Iso => "YYYY-MM-DD",
            DateFormat::MonthDayYear => "MM/DD/YYYY",
            DateFormat::DayMonthYear => "DD/MM/YYYY",
            DateFormat::DayMonthYearDots => "DD.MM.YYYY",
        }
    }
}

/// A page (or dialog): an id and a column of elements.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Page")]
pub struct PageDef {
    /// Referenced by `Navigate("id")` and `OpenDialog("id")`.
    pub id: String,
    /// The page's title, shown in its header band.
    #[serde(default)]
    pub title: String,
    /// The button that Enter presses while focus is in one of this page's inputs.
    #[serde(default)]
    pub enter: Option<String>,
    /// Top to bottom.
    pub elements: Vec<ElementDef>,
}

/// A text whose `{state.NAME}` and `{row.COLUMN}` parts are filled in when drawn.
pub type Template = String;

/// One thing on a page. Every interactive element has a `key`: its stable
/// handle, unique on its page, that actions and solution recipes name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ElementDef {
    /// A title.
    Heading {
        /// What it says.
        text: Template,
        /// Optional handle.
        #[serde(default)]
        key: Option<String>,
        /// Shown only while this holds.
        #[serde(default)]
        visible_if: Option<Cond>,
    },
    /// A paragraph.
    Text {
        /// What it says.
        text: Template,
        /// Optional handle.
        #[serde(default)]
        key: Option<String>,
        /// How it looks.
        #[serde(default)]
        style: TextStyle,
        /// Shown only while this holds.
        #[serde(default)]
        visible_if: Option<Cond>,
    },
    /// The page's current validation message (state slot `error`), shown only when there is one.
    ErrorMessage,
    /// A link: like a button, drawn as underlined text.
    Link {
        /// Handle.
        key: String,
        /// Its text.
        label: Template,
        /// What clicking it does.
        #[serde(default)]
        on_click: Vec<Effect>,
        /// Shown only while this holds.
        #[serde(default)]
        visible_if: Option<Cond>,
    },
    /// A button.
    Button {
        /// Handle.
        key: String,
        /// Its text.
        label: Template,
        /// What clicking it does.
        #[serde(default)]
        on_click: Vec<Effect>,
        /// Filled (primary) or outlined (secondary).
        #[serde(default)]
        primary: bool,
        /// Shown only while this holds.
        #[serde(default)]
        visible_if: Option<Cond>,
    },
    /// A one-line text field.
    TextInput {
        /// Handle, and the state slot holding its text.
        key: String,
        /// Its label.
        label: String,
        /// Grey hint shown while empty.
        #[serde(default)]
        placeholder: String,
        /// Shown only while this holds (a hidden field keeps what was typed).
        #[serde(default)]
        visible_if: Option<Cond>,
    },
    /// A password field (drawn as dots).
    Password {
        /// Handle, and the state slot holding its text.
        key: String,
        /// Its label.
        label: String,
        /// Shown only while this holds (a hidden field keeps what was typed).
        #[serde(default)]
        visible_if: Option<Cond>,
    },
    /// A number field.
    NumberInput {
        /// Handle, and the state slot holding its text.
        key: String,
        /// Its label.
        label: String,
        /// Shown only while this holds (a hidden field keeps what was typed).
        #[serde(default)]
        visible_if: Option<Cond>,
    },
    /// A date field, typed in the site's date format.
    DateInput {
        /// Handle, and the state slot holding its text.
        key: String,
        /// Its label.
        label: String,
        /// Shown only while this holds (a hidden field keeps what was typed).
        #[serde(default)]
        visible_if: Option<Cond>,
    },
    /// A drop-down list; its slot holds the chosen option's text.
    Select {
        /// Handle, and the state slot holding the chosen text.
        key: String,
        /// Its label.
        label: String,
        /// The choices.
        options: Options,
        /// Shown only while this holds (a hidden field keeps what was typed).
        #[serde(default)]
        visible_if: Option<Cond>,
    },
    /// A checkbox; its slot holds `"true"` or `""`.
    Checkbox {
        /// Handle, and the state slot.
        key: String,
        /// Its label.
        label: Template,
        /// Shown only while this holds (a hidden field keeps what was typed).
        #[serde(default)]
        visible_if: Option<Cond>,
    },
    /// A group of radio buttons; its slot holds the chosen option's text.
    Radio {
        /// Handle, and the state slot.
        key: String,
        /// The group's label.
        label: String,
        /// The choices.
        options: Options,
        /// Shown only while this holds (a hidden field keeps what was typed).
        #[serde(default)]
        visible_if: Option<Cond>,
    },
    /// Elements side by side.
    Row {
        /// Left to right.
        children: Vec<ElementDef>,
    },
    /// A bordered box of elements, top to bottom.
    Card {
        /// Top to bottom.
        children: Vec<ElementDef>,
    },
    /// One row of `row` elements per table row passing `filter`; inside,
    /// `{row.COLUMN}` and `Row("COLUMN")` read the row, and input keys name
    /// the row's own instance.
    List {
        /// Handle of the list.
        key: String,
        /// The table rendered.
        table: String,
        /// Which rows are shown (evaluated when the page is shown).
        #[serde(default)]
        filter: Option<Cond>,
        /// Shown instead when no row passes.
        #[serde(default)]
        empty: String,
        /// The elements of one row, left to right.
        row: Vec<ElementDef>,
    },
}

/// How a text element looks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum TextStyle {
    /// Body text.
    #[default]
    Normal,
    /// Secondary, grey.
    Muted,
    /// Bold.
    Strong,
    /// Red, for problems.
    Error,
    /// Green, for confirmations.
    Success,
    /// Large monospace, for codes and amounts.
    Code,
}

/// Where a select's or radio group's options come from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Options {
    /// Written out.
    Items(Vec<String>),
    /// A named list.
    List(String),
    /// A column of a table (after generation).
    Column(String, String),
}

/// What an event does, in order; a failed `Require` stops the rest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Effect {
    /// Set a state slot.
    Set(String, Value),
    /// Go to a page (clears the error message and closes any dialog).
    Navigate(String),
    /// If the condition fails, show the message in the page's `ErrorMessage` and stop.
    Require(Cond, String),
    /// Branch.
    If(Cond, Vec<Effect>, Vec<Effect>),
    /// Open a dialog over the page.
    OpenDialog(String),
    /// Close the open dialog.
    CloseDialog,
    /// The episode ends here; the task's success conditions decide the reward.
    End,
}

/// A text value read when an effect or condition runs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Value {
    /// This text.
    Lit(String),
    /// A state slot or an input's value (inside a list row: that row's instance).
    State(String),
    /// A column of the current list row.
    Row(String),
    /// A goal field (only in task success conditions and recipes).
    Goal(String),
    /// `Lookup(table, key_column, key, column)`: the `column` of the first row
    /// whose `key_column` equals `key`.
    Lookup(String, String, Box<Value>, String),
    /// The sum of two numbers. Arithmetic reads its operands as exact
    /// decimals; its result is rounded to the cent, and written as a whole
    /// number when it has no cents (`"1250"`) or with two decimals
    /// (`"1250.40"`). An operand that is not a number makes the result empty.
    Add(Box<Value>, Box<Value>),
    /// The first number minus the second.
    Sub(Box<Value>, Box<Value>),
    /// The product of two numbers (e.g. a quantity times a price, an amount times a rate).
    Mul(Box<Value>, Box<Value>),
    /// The smaller of two numbers.
    Min(Box<Value>, Box<Value>),
    /// The larger of two numbers.
    Max(Box<Value>, Box<Value>),
    /// `Sum(table, value)`: the value added up over every row of the table
    /// (row context inside: `Row(..)` and row inputs read each row); rows
    /// where it is not a number are left out, and no rows sum to 0.
    Sum(String, Box<Value>),
}

/// A yes/no question about the state.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Cond {
    /// Always true.
    True,
    /// Same text (numbers compare by value: `"5"` equals `"5.00"`).
    Eq(Value, Value),
    /// Different text.
    Ne(Value, Value),
    /// Empty text.
    Empty(Value),
    /// Non-empty text.
    NotEmpty(Value),
    /// Parses as a number.
    IsNumber(Value),
    /// The first text contains the second, ignoring case (an empty second
    /// text is contained in every text): a search box's filter.
    Contains(Value, Value),
    /// Numerically less (false if either is not a number).
    Lt(Value, Value),
    /// Numerically less or equal.
    Le(Value, Value),
    /// Numerically greater.
    Gt(Value, Value),
    /// Numerically greater or equal.
    Ge(Value, Value),
    /// A checkbox slot is `"true"`.
    Checked(String),
    /// All hold.
    And(Vec<Cond>),
    /// One holds.
    Or(Vec<Cond>),
    /// Does not hold.
    Not(Box<Cond>),
    /// Holds for every row of the table (row context inside).
    AllRows(String, Box<Cond>),
    /// Holds for some row of the table.
    AnyRow(String, Box<Cond>),
}

/// A data table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum TableDef {
    /// Written out in the file.
    Static {
        /// Table name.
        name: String,
        /// Column names.
        columns: Vec<String>,
        /// Rows, one text per column.
        rows: Vec<Vec<String>>,
        /// Per-row state: for each `(name, value)`, a slot in every row,
        /// set at reset to `value` read in that row (`Row("starred")`,
        /// `Lit("")`). Inputs keyed `name` in lists over this table show and
        /// change it, and `Set("name", ..)` in a row writes it.
        #[serde(default)]
        row_state: Vec<(String, Value)>,
    },
    /// Generated from the episode's seed, group by group.
    Generated {
        /// Table name.
        name: String,
        /// Row groups, generated in order.
        groups: Vec<RowGroup>,
        /// Shuffle the rows after generation.
        #[serde(default)]
        shuffle: bool,
        /// Per-row state: for each `(name, value)`, a slot in every row,
        /// set at reset to `value` read in that row (`Row("starred")`,
        /// `Lit("")`). Inputs keyed `name` in lists over this table show and
        /// change it, and `Set("name", ..)` in a row writes it.
        #[serde(default)]
        row_state: Vec<(String, Value)>,
    },
}

/// A run of generated rows sharing the same cell generators.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Rows")]
pub struct RowGroup {
    /// How many rows: `(min, max)` inclusive.
    pub count: (u32, u32),
    /// One generator per column; every group of a table names the same columns.
    pub cells: Vec<(String, Gen)>,
}

/// Generates one text from the episode's random stream.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Gen {
    /// This text.
    Lit(String),
    /// A goal field's text.
    Goal(String),
    /// Any item of a named list.
    Pick(String),
    /// An item of the list not yet used in this column of this table (or, for
    /// goal fields, by the fields named), and not equal to the goal fields named.
    Unique {
        /// The list.
        list: String,
        /// Goal fields whose values are excluded.
        #[serde(default)]
        except: Vec<String>,
    },
    /// A whole number in `min..=max`, in steps of `step` (default 1).
    Int {
        /// Smallest.
        min: i64,
        /// Largest.
        max: i64,
        /// Granularity.
        #[serde(default)]
        step: Option<i64>,
    },
    /// An amount with cents, `min..=max` whole units, e.g. `"125.40"`.
    Money {
        /// Smallest whole amount.
        min: i64,
        /// Largest whole amount.
        max: i64,
    },
    /// A date within `days` days from `start` (`YYYY-MM-DD`), written in the site's format.
    Date {
        /// First possible day.
        start: String,
        /// Number of possible days.
        days: u32,
    },
    /// A time of day `HH:MM` from `start` to `end` in steps of `step` minutes.
    Time {
        /// Earliest, `HH:MM`.
        start: String,
        /// Latest, `HH:MM`.
        end: String,
        /// Minutes between choices.
        step: u32,
    },
    /// `#` becomes a digit, `@` an upper-case letter, anything else stays.
    Pattern(String),
    /// Goal fields computed from the generated tables (only in `derived`):
    /// the smallest number in `column` among rows where `filter` holds.
    MinOf {
        /// Table.
        table: String,
        /// Numeric column.
        column: String,
        /// Row filter (row context).
        filter: Cond,
    },
    /// The `take` column of the row with the smallest `column` among rows where `filter` holds.
    ArgMin {
        /// Table.
        table: String,
        /// Numeric column.
        column: String,
        /// Row filter.
        filter: Cond,
        /// Column to return.
        take: String,
    },
    /// A computed goal field (only in `derived`): the value, with goal
    /// fields, lookups and arithmetic (`Add`, `Mul`, `Sum`...), e.g. the tax
    /// owed on the goal's income, computed the way the site computes it.
    Calc(Value),
    /// The `column` of every row where `filter` holds, joined with ", ".
    Join {
        /// Table.
        table: String,
        /// Column.
        column: String,
        /// Row filter.
        filter: Cond,
    },
}

/// Something agents are asked to do on the site.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Task")]
pub struct TaskDef {
    /// Short machine name, e.g. `"book-flight"`.
    pub name: String,
    /// A composed task: the names of two or more tasks of this site, done one
    /// after the other in one episode. Whatever this task leaves out comes
    /// from them: the goal and derived fields (a field named by several parts
    /// is one field, drawn once), the instruction ("A, then b"), the step
    /// limit (their sum), the success conditions (all of them, in order) and
    /// the solution (their recipes one after the other).
    #[serde(default)]
    pub chain: Vec<String>,
    /// The instruction; `{FIELD}` is replaced by the goal field's text.
    /// Fields named here are visible to agents; the rest are ground truth.
    /// May be left out only in a composed task.
    #[serde(default)]
    pub instruction: String,
    /// Other wordings of the instruction (used by the `paraphrase`
    /// perturbation); each must name the same goal fields.
    #[serde(default)]
    pub paraphrases: Vec<String>,
    /// Goal fields sampled at reset, before the tables.
    #[serde(default)]
    pub goal: Vec<(String, Gen)>,
    /// Goal fields computed after the tables (`MinOf`, `ArgMin`, `Join`, `Calc`, or any generator).
    #[serde(default)]
    pub derived: Vec<(String, Gen)>,
    /// Steps before the episode is truncated (default 30).
    #[serde(default)]
    pub step_limit: Option<u32>,
    /// Checked in order when the episode ends: the first that fails gives the
    /// reason for reward -1; if all hold, reward +1.
    #[serde(default)]
    pub success: Vec<(Cond, String)>,
    /// How to solve it, naming elements by key; the oracle follows it through
    /// the observation, so it proves the task solvable as presented.
    #[serde(default)]
    pub solution: Vec<Step>,
}

/// One step of a task's solution recipe.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Step {
    /// Click the element with this key.
    Click(String),
    /// Click the list-row instance of this key in the first row that the
    /// look picks, reading each row as shown: `ClickRow("open",
    /// And([Shows(Goal("sender")), Shows(Goal("subject"))]))`.
    ClickRow(String, Look),
    /// Make every list-row instance of this checkbox key checked exactly in
    /// the rows that the look picks.
    CheckRows(String, Look),
    /// Make this checkbox checked.
    Check(String),
    /// Type a goal field into the input with this key.
    Type(String, String),
    /// Type this literal text into the input with this key.
    TypeText(String, String),
    /// Choose the option whose text equals the goal field.
    Select(String, String),
    /// Choose the option with this literal text.
    SelectText(String, String),
    /// Press a key.
    Press(crate::Key),
}

/// Which rows of a list a recipe step means, told by what each row shows
/// (the text of its elements), the way a person scanning the list would tell
/// them: never by a table column the page does not show. Goal fields are
/// read as the instruction shows them; amounts of money and dates are read
/// in any format a page writes them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Look {
    /// Every row.
    All,
    /// Rows that show this text: `Goal("field")` (a field the instruction
    /// names) or `Lit("text")`. A row shows it when one of its texts reads
    /// it as a whole phrase, ignoring case; an amount or a date also matches
    /// the same amount or date written another way.
    Shows(Value),
    /// Rows that show one of the items this text lists (`"apple, bridge and
    /// candle"`): items are separated by commas and a final "and".
    ShowsOneOf(Value),
    /// Of the rows so far, those that show the smallest amount of money.
    Cheapest,
    /// Of the rows so far, those the look does not pick.
    Not(Box<Look>),
    /// Each look in turn narrows the rows the one before left:
    /// `And([Shows(Goal("category")), Cheapest])` is the cheapest row of the category.
    And(Vec<Look>),
}
