//! Compiling a site's data: tables, their per-row state, the inputs that
//! hold state, and the generators that fill goals, tables and slots at reset.

use super::{Compiler, Scope, Seg, SiteError};
use crate::calendar::{parse_hhmm, parse_iso_date};
use crate::format;
use crate::site::{Gen, RowInput, Table, TableSource};

impl Compiler<'_> {
    pub(super) fn table(&mut self, def: &format::TableDef) -> Result<Table, SiteError> {
        match def {
            format::TableDef::Static {
                name,
                columns,
                rows,
                ..
            } => {
                self.context = format!("table \"{name}\"");
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
                Ok(Table {
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
                self.context = format!("table \"{name}\"");
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
                self.check_unique_columns(&columns, &out)?;
                Ok(Table {
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

    /// Refuses a column whose `Unique` draws can run out of list items: the
    /// generator would then repeat an item (or a goal value it promised to
    /// leave out), and a task that names one row would become ambiguous.
    fn check_unique_columns(
        &self,
        columns: &[String],
        groups: &[((u32, u32), Vec<Gen>)],
    ) -> Result<(), SiteError> {
        for (c, column) in columns.iter().enumerate() {
            let mut rows = 0u64;
            let mut capacity = u64::MAX;
            let mut list_name = String::new();
            for ((_, most), gens) in groups {
                let Some(Gen::Unique { list, except }) = gens.get(c) else {
                    continue;
                };
                rows += u64::from(*most);
                let distinct = self.distinct_items(*list) as u64;
                let free = distinct.saturating_sub(except.len() as u64);
                if free < capacity {
                    capacity = free;
                    list_name = self
                        .lists
                        .iter()
                        .find(|(_, &i)| i == *list)
                        .map(|(n, _)| n.clone())
                        .unwrap_or_default();
                }
            }
            if rows > capacity {
                return Err(self.err(
                    column,
                    format!(
                        "column \"{column}\" draws up to {rows} rows with Unique from list \"{list_name}\", which has only {capacity} items to give (its distinct items, less one for each goal field in `except`); on some seeds it would run out and repeat one: lower the rows' counts or add items to the list"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Declares a table's per-row state (the table is the last one compiled).
    pub(super) fn row_state(&mut self, def: &format::TableDef) -> Result<(), SiteError> {
        let (format::TableDef::Static {
            name, row_state, ..
        }
        | format::TableDef::Generated {
            name, row_state, ..
        }) = def;
        let t = (self.tables.len() - 1) as u32;
        for (key, value) in row_state {
            self.context = format!("table \"{name}\"");
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
            self.row_inputs.push(RowInput {
                key: key.clone(),
                table: t,
                init: Some(init),
            });
        }
        self.context.clear();
        Ok(())
    }

    /// Compiles a generator; `derived` allows the ones that read generated tables.
    pub(super) fn gen(
        &self,
        g: &format::Gen,
        scope: Scope,
        derived: bool,
    ) -> Result<Gen, SiteError> {
        use format::Gen as G;
        Ok(match g {
            G::Lit(s) => Gen::Lit(s.clone()),
            G::Goal(f) => Gen::Goal(self.goal_field(f)?),
            G::Pick(l) => Gen::Pick(self.list(l)?),
            G::Unique { list, except } => Gen::Unique {
                list: self.list(list)?,
                except: except
                    .iter()
                    .map(|f| self.goal_field(f))
                    .collect::<Result<_, SiteError>>()?,
            },
            G::Int { min, max, step } => {
                let step = step.unwrap_or(1);
                if min > max || step <= 0 {
                    return Err(self.err("Int", format!("Int needs min <= max and a positive step (got min {min}, max {max}, step {step})")));
                }
                Gen::Int {
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
                Gen::Money {
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
                Gen::Date {
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
                Gen::Time {
                    start: s,
                    end: e,
                    step: *step,
                }
            }
            G::Pattern(p) => Gen::Pattern(p.clone()),
            G::Calc(value) => {
                if !derived {
                    return Err(self.err("Calc", "Calc computes a field from the goal and the generated tables, so it belongs in a task's `derived` fields".into()));
                }
                Gen::Calc(self.value(value, scope)?)
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
                    G::MinOf { .. } => Gen::MinOf {
                        table: t,
                        column: c,
                        filter: f,
                    },
                    G::ArgMin { take, .. } => Gen::ArgMin {
                        table: t,
                        column: c,
                        filter: f,
                        take: self.column(t, take)?,
                    },
                    _ => Gen::Join {
                        table: t,
                        column: c,
                        filter: f,
                    },
                }
            }
        })
    }

    pub(super) fn declare_inputs(
        &mut self,
        elems: &[format::ElementDef],
        list_table: Option<u32>,
    ) -> Result<(), SiteError> {
        use format::ElementDef as E;
        let depth = self.at.len();
        for (j, e) in elems.iter().enumerate() {
            self.at.truncate(depth);
            self.at.push(Seg::Index(j));
            let key = match e {
                E::TextInput { key, .. }
                | E::Password { key, .. }
                | E::NumberInput { key, .. }
                | E::DateInput { key, .. }
                | E::Select { key, .. }
                | E::Checkbox { key, .. }
                | E::Radio { key, .. } => Some(key),
                E::Row { children } | E::Card { children } => {
                    self.at.push(Seg::Field("children"));
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
                    self.at.push(Seg::Field("row"));
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
                Some(t) => self.row_inputs.push(RowInput {
                    key: key.clone(),
                    table: t,
                    init: None,
                }),
            }
        }
        self.at.truncate(depth);
        Ok(())
    }
}
