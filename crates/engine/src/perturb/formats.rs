//! The format kinds: dates and amounts of money written in another format.
//! The date format is decided before the goal is sampled (the goal is
//! written in it); field hints and the change's explanation follow here.

use super::Transform;
use crate::format::DateFormat;
use crate::site::{MoneyFormat, Site, Template, TemplatePart};

impl Transform<'_> {
    pub(super) fn date_format(&mut self) {
        let old = self.view.original_date_format;
        let new = self.site.date_format;
        if old == new {
            return;
        }
        // Field hints follow the new format.
        for elem in &mut self.site.elems {
            for part in &mut elem.label.parts {
                if let TemplatePart::Lit(s) = part {
                    if s.contains(old.hint()) {
                        *s = s.replace(old.hint(), new.hint());
                    }
                }
            }
            if elem.placeholder.contains(old.hint()) {
                elem.placeholder = elem.placeholder.replace(old.hint(), new.hint());
            }
        }
        let sample = crate::calendar::parse_iso_date("2026-03-14")
            .map(|d| {
                (
                    crate::text::format_date(d, old),
                    crate::text::format_date(d, new),
                )
            })
            .unwrap_or_default();
        self.change(
            format!(
                "dates are written {} instead of {} ({} instead of {}), in fields, lists and the instruction",
                new.hint(),
                old.hint(),
                sample.1,
                sample.0
            ),
            None,
            None,
        );
    }

    pub(super) fn number_format(&mut self) {
        let format = match self.p.severity {
            1 => MoneyFormat {
                prefix: "$",
                suffix: "",
                decimals: 2,
                decimal_mark: '.',
                thousands: Some(','),
            },
            2 => MoneyFormat {
                prefix: "USD ",
                suffix: "",
                decimals: 2,
                decimal_mark: '.',
                thousands: Some(','),
            },
            _ => MoneyFormat {
                prefix: "",
                suffix: " $",
                decimals: 2,
                decimal_mark: ',',
                thousands: Some('.'),
            },
        };
        let mut count = 0;
        for elem in &mut self.site.elems {
            count += money_parts(&mut elem.label, format);
        }
        if count == 0 {
            return;
        }
        let mut sample = String::new();
        crate::eval::write_money(&mut sample, "1234.5", format);
        self.change(
            format!(
                "amounts of money are written like {sample} instead of $1234.5 ({count} places)"
            ),
            None,
            None,
        );
    }
}

pub(super) fn new_date_format(current: DateFormat, severity: u8) -> DateFormat {
    let wanted = match severity {
        1 => DateFormat::Iso,
        2 => DateFormat::DayMonthYear,
        _ => DateFormat::DayMonthYearDots,
    };
    if wanted != current {
        wanted
    } else if current == DateFormat::Iso {
        DateFormat::MonthDayYear
    } else {
        DateFormat::Iso
    }
}

/// Whether any generator of the site writes a date.
pub(super) fn uses_dates(site: &Site) -> bool {
    use crate::site::{Gen, TableSource};
    let is_date = |g: &Gen| matches!(g, Gen::Date { .. });
    site.tasks
        .iter()
        .any(|t| t.goal.iter().chain(&t.derived).any(is_date))
        || site.generated.iter().any(|(_, g)| is_date(g))
        || site.tables.iter().any(|t| match &t.source {
            TableSource::Generated { groups, .. } => {
                groups.iter().any(|(_, cells)| cells.iter().any(is_date))
            }
            TableSource::Static(_) => false,
        })
}

/// Turns `$` + value into a formatted amount; returns how many it changed.
fn money_parts(t: &mut Template, format: MoneyFormat) -> usize {
    let mut count = 0;
    let mut parts = Vec::with_capacity(t.parts.len());
    let mut pending_dollar = false;
    for part in t.parts.drain(..) {
        match part {
            TemplatePart::Lit(s) => {
                if pending_dollar {
                    parts.push(TemplatePart::Lit("$".into()));
                }
                pending_dollar = s.ends_with('$');
                let keep = if pending_dollar {
                    s[..s.len() - 1].to_string()
                } else {
                    s
                };
                if !keep.is_empty() {
                    parts.push(TemplatePart::Lit(keep));
                }
            }
            TemplatePart::Value(v) if pending_dollar => {
                parts.push(TemplatePart::Money(v, format));
                pending_dollar = false;
                count += 1;
            }
            other => {
                if pending_dollar {
                    parts.push(TemplatePart::Lit("$".into()));
                    pending_dollar = false;
                }
                parts.push(other);
            }
        }
    }
    if pending_dollar {
        parts.push(TemplatePart::Lit("$".into()));
    }
    // Merge neighbouring literals so that `literal()` still sees one string.
    let mut merged: Vec<TemplatePart> = Vec::with_capacity(parts.len());
    for part in parts {
        match (merged.last_mut(), part) {
            (Some(TemplatePart::Lit(a)), TemplatePart::Lit(b)) => a.push_str(&b),
            (_, p) => merged.push(p),
        }
    }
    t.parts = merged;
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::Value;

    #[test]
    fn money_templates_keep_other_text() {
        let mut t = Template {
            parts: vec![
                TemplatePart::Lit("Total $".into()),
                TemplatePart::Value(Value::Lit("5".into())),
                TemplatePart::Lit(" now".into()),
            ],
        };
        let f = MoneyFormat {
            prefix: "USD ",
            suffix: "",
            decimals: 2,
            decimal_mark: '.',
            thousands: Some(','),
        };
        assert_eq!(money_parts(&mut t, f), 1);
        assert!(matches!(&t.parts[0], TemplatePart::Lit(s) if s == "Total "));
        assert!(matches!(&t.parts[1], TemplatePart::Money(..)));
    }
}
