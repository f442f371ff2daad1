//! Compiling what pages show and do: elements, their options and texts, and
//! the values, conditions and effects that pages and tasks are written in.

use super::{Compiler, Scope, Seg, SiteError};
use crate::format::{self, TextStyle};
use crate::site::{
    CalcOp, CmpOp, Cond, Effect, Elem, ElemId, List, Options, Role, SlotTarget, Template,
    TemplatePart, Value,
};

impl Compiler<'_> {
    pub(super) fn options(&self, o: &format::Options) -> Result<Options, SiteError> {
        Ok(match o {
            format::Options::Items(items) => {
                if items.is_empty() {
                    return Err(self.err(
                        "Items",
                        "a select or radio group needs at least one option".into(),
                    ));
                }
                Options::Items(items.clone())
            }
            format::Options::List(l) => Options::List(self.list(l)?),
            format::Options::Column(t, c) => {
                let t = self.table_index(t)?;
                Options::Column(t, self.column(t, c)?)
            }
        })
    }

    pub(super) fn elem(
        &mut self,
        e: &format::ElementDef,
        scope: Scope,
    ) -> Result<ElemId, SiteError> {
        use format::ElementDef as E;
        let mut c = Elem::blank(Role::Text);
        let vis = |this: &Self, v: &Option<format::Cond>| -> Result<Option<Cond>, SiteError> {
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
                c.label = Template {
                    parts: vec![TemplatePart::Value(Value::Slot(
                        self.slot_named("error").unwrap_or(0),
                    ))],
                };
                c.visible_if = Some(Cond::NotEmpty(Value::Slot(
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
                for (j, child) in children.iter().enumerate() {
                    let i = self.within(&[Seg::Field("children"), Seg::Index(j)], |c| {
                        c.elem(child, scope)
                    })?;
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
                for (j, child) in row.iter().enumerate() {
                    let i = self.within(&[Seg::Field("row"), Seg::Index(j)], |c| {
                        c.elem(child, inner)
                    })?;
                    c.children.push(i);
                }
                c.list = Some(List {
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
        Ok(ElemId((self.elems.len() - 1) as u32))
    }

    pub(super) fn template(&self, text: &str, scope: Scope) -> Result<Template, SiteError> {
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
                    SlotTarget::Slot(s) => Value::Slot(s),
                    SlotTarget::RowSlot(r) => Value::RowSlot(r),
                }
            } else if let Some(col) = hole.strip_prefix("row.") {
                let Some(t) = scope.row_table else {
                    return Err(self.err(
                        text,
                        format!("`{{row.{col}}}` is only meaningful inside a List row"),
                    ));
                };
                Value::Row(self.column(t, col)?)
            } else {
                return Err(self.err(text, format!("`{{{hole}}}` in \"{text}\" is not understood; expected {{state.NAME}} or {{row.COLUMN}}")));
            };
            parts.push(TemplatePart::Value(value));
            rest = &rest[open + close_rel + 1..];
        }
        if !rest.is_empty() {
            parts.push(TemplatePart::Lit(rest.to_string()));
        }
        Ok(Template { parts })
    }

    pub(super) fn effects(
        &self,
        effects: &[format::Effect],
        scope: Scope,
    ) -> Result<Vec<Effect>, SiteError> {
        effects.iter().map(|e| self.effect(e, scope)).collect()
    }

    pub(super) fn effect(&self, e: &format::Effect, scope: Scope) -> Result<Effect, SiteError> {
        use format::Effect as F;
        Ok(match e {
            F::Set(name, v) => {
                let target = self.input_slot(name, scope)?;
                Effect::Set(target, self.value(v, scope)?)
            }
            F::Navigate(p) => Effect::Navigate(self.page(p, false)?),
            F::Require(c, msg) => Effect::Require(self.cond(c, scope)?, self.template(msg, scope)?),
            F::If(c, a, b) => Effect::If(
                self.cond(c, scope)?,
                self.effects(a, scope)?,
                self.effects(b, scope)?,
            ),
            F::OpenDialog(d) => Effect::OpenDialog(self.page(d, true)?),
            F::CloseDialog => Effect::CloseDialog,
            F::End => Effect::End,
        })
    }

    pub(super) fn value(&self, v: &format::Value, scope: Scope) -> Result<Value, SiteError> {
        use format::Value as V;
        Ok(match v {
            V::Lit(s) => Value::Lit(s.clone()),
            V::State(name) => match self.input_slot(name, scope)? {
                SlotTarget::Slot(s) => Value::Slot(s),
                SlotTarget::RowSlot(r) => Value::RowSlot(r),
            },
            V::Row(col) => {
                let Some(t) = scope.row_table else {
                    return Err(self.err(col, format!("Row(\"{col}\") is only meaningful inside a List row, a table filter, or AllRows/AnyRow")));
                };
                Value::Row(self.column(t, col)?)
            }
            V::Goal(f) => {
                if !scope.goal {
                    return Err(self.err(f, format!("Goal(\"{f}\") can only be read by a task (success, derived, solution), not by the site's pages")));
                }
                Value::Goal(self.goal_field(f)?)
            }
            V::Lookup(table, key_col, key, col) => {
                let t = self.table_index(table)?;
                Value::Lookup {
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
                Value::Calc(
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
                Value::Sum(t, Box::new(inner))
            }
        })
    }

    pub(super) fn cond(&self, c: &format::Cond, scope: Scope) -> Result<Cond, SiteError> {
        use format::Cond as C;
        let v = |x: &format::Value| self.value(x, scope);
        Ok(match c {
            C::True => Cond::True,
            C::Eq(a, b) => Cond::Eq(v(a)?, v(b)?),
            C::Ne(a, b) => Cond::Ne(v(a)?, v(b)?),
            C::Empty(a) => Cond::Empty(v(a)?),
            C::NotEmpty(a) => Cond::NotEmpty(v(a)?),
            C::IsNumber(a) => Cond::IsNumber(v(a)?),
            C::Contains(a, b) => Cond::Contains(v(a)?, v(b)?),
            C::Lt(a, b) => Cond::Cmp(CmpOp::Lt, v(a)?, v(b)?),
            C::Le(a, b) => Cond::Cmp(CmpOp::Le, v(a)?, v(b)?),
            C::Gt(a, b) => Cond::Cmp(CmpOp::Gt, v(a)?, v(b)?),
            C::Ge(a, b) => Cond::Cmp(CmpOp::Ge, v(a)?, v(b)?),
            C::Checked(key) => Cond::Checked(match self.input_slot(key, scope)? {
                SlotTarget::Slot(s) => Value::Slot(s),
                SlotTarget::RowSlot(r) => Value::RowSlot(r),
            }),
            C::And(xs) => Cond::And(
                xs.iter()
                    .map(|x| self.cond(x, scope))
                    .collect::<Result<_, SiteError>>()?,
            ),
            C::Or(xs) => Cond::Or(
                xs.iter()
                    .map(|x| self.cond(x, scope))
                    .collect::<Result<_, SiteError>>()?,
            ),
            C::Not(x) => Cond::Not(Box::new(self.cond(x, scope)?)),
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
                    Cond::AllRows(ti, Box::new(inner))
                } else {
                    Cond::AnyRow(ti, Box::new(inner))
                }
            }
        })
    }
}
