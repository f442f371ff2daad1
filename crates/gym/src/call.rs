//! Reading one action string in BrowserGym's form, `click('12')` or
//! `fill('6', "Hiro")`, as a function call with Python literal arguments.
//!
//! Only literals are read (strings in single or double quotes with Python's
//! escapes, numbers, `True`, `False`, `None` and lists of them): nothing is
//! evaluated, so any text is safe to pass. A mistake gives a message that
//! says where the text stopped making sense, never a panic.

/// One argument's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A quoted string.
    Str(String),
    /// A number (whole or not).
    Num(f64),
    /// `True` or `False`.
    Bool(bool),
    /// `None`.
    None,
    /// `[a, b, ...]`.
    List(Vec<Literal>),
}

impl Literal {
    /// How it reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Literal::Str(s) => format!("{s:?}"),
            Literal::Num(n) => format!("{n}"),
            Literal::Bool(b) => if *b { "True" } else { "False" }.to_string(),
            Literal::None => "None".to_string(),
            Literal::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(Literal::describe)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// A parsed call: `name(positional..., key=value...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The function's name.
    pub name: String,
    /// Positional arguments, in order.
    pub args: Vec<Literal>,
    /// Keyword arguments, in order.
    pub kwargs: Vec<(String, Literal)>,
}

/// Reads `text` as exactly one call. Surrounding blanks are allowed.
pub fn parse(text: &str) -> Result<Call, String> {
    let mut p = Parser {
        chars: text.char_indices().peekable(),
        text,
    };
    p.blanks();
    let name = p.name();
    if name.is_empty() {
        return Err(match p.peek() {
            None => "the action is empty; write a call such as click('12')".to_string(),
            Some(c) => format!(
                "expected a function name such as click at character {}, found {c:?}",
                p.position() + 1
            ),
        });
    }
    p.blanks();
    p.expect('(', &format!("after {name}"))?;
    let mut call = Call {
        name,
        args: Vec::new(),
        kwargs: Vec::new(),
    };
    p.blanks();
    if p.peek() == Some(')') {
        p.next();
    } else {
        loop {
            p.blanks();
            let start = p.save();
            let word = p.name();
            p.blanks();
            if !word.is_empty() && p.peek() == Some('=') && !p.looking_at("==") {
                p.next();
                p.blanks();
                let value = p.literal()?;
                if call.kwargs.iter().any(|(k, _)| *k == word) {
                    return Err(format!("{}: argument {word} is given twice", call.name));
                }
                call.kwargs.push((word, value));
            } else {
                p.restore(start);
                if !call.kwargs.is_empty() {
                    return Err(format!(
                        "{}: a positional argument follows a keyword argument",
                        call.name
                    ));
                }
                call.args.push(p.literal()?);
            }
            p.blanks();
            match p.next() {
                Some(',') => {
                    p.blanks();
                    if p.peek() == Some(')') {
                        p.next();
                        break;
                    }
                }
                Some(')') => break,
                Some(c) => {
                    return Err(format!(
                        "{}: expected ',' or ')' at character {}, found {c:?}",
                        call.name,
                        p.position()
                    ))
                }
                None => return Err(format!("{}: the call is not closed with ')'", call.name)),
            }
        }
    }
    p.blanks();
    if let Some(c) = p.peek() {
        return Err(format!(
            "only one action at a time: unexpected {c:?} after the call at character {}",
            p.position() + 1
        ));
    }
    Ok(call)
}

struct Parser<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    text: &'a str,
}

impl Parser<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    fn next(&mut self) -> Option<char> {
        self.chars.next().map(|(_, c)| c)
    }

    /// The byte offset of the next character, as a count of characters read.
    fn position(&mut self) -> usize {
        let at = self.chars.peek().map_or(self.text.len(), |&(i, _)| i);
        self.text.get(..at).map_or(0, |s| s.chars().count())
    }

    fn save(&mut self) -> usize {
        self.chars.peek().map_or(self.text.len(), |&(i, _)| i)
    }

    fn restore(&mut self, at: usize) {
        let mut chars = self.text.char_indices().peekable();
        while chars.peek().is_some_and(|&(i, _)| i < at) {
            chars.next();
        }
        self.chars = chars;
    }

    fn looking_at(&mut self, s: &str) -> bool {
        let at = self.save();
        self.text.get(at..).is_some_and(|rest| rest.starts_with(s))
    }

    fn blanks(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.next();
        }
    }

    fn name(&mut self) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                out.push(c);
                self.next();
            } else {
                break;
            }
        }
        out
    }

    fn expect(&mut self, want: char, context: &str) -> Result<(), String> {
        let at = self.position() + 1;
        match self.next() {
            Some(c) if c == want => Ok(()),
            Some(c) => Err(format!(
                "expected {want:?} {context} at character {at}, found {c:?}"
            )),
            None => Err(format!("expected {want:?} {context}; the text ended")),
        }
    }

    fn literal(&mut self) -> Result<Literal, String> {
        let at = self.position() + 1;
        match self.peek() {
            Some(q @ ('\'' | '"')) => {
                self.next();
                self.string(q, at).map(Literal::Str)
            }
            Some('[') => {
                self.next();
                let mut items = Vec::new();
                loop {
                    self.blanks();
                    if self.peek() == Some(']') {
                        self.next();
                        break;
                    }
                    items.push(self.literal()?);
                    self.blanks();
                    match self.next() {
                        Some(',') => {}
                        Some(']') => break,
                        _ => {
                            return Err(format!(
                                "the list opened at character {at} is not closed with ']'"
                            ))
                        }
                    }
                }
                Ok(Literal::List(items))
            }
            Some(c) if c == '-' || c == '+' || c == '.' || c.is_ascii_digit() => {
                let mut text = String::new();
                while let Some(c) = self.peek() {
                    if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E' | '_') {
                        text.push(c);
                        self.next();
                    } else {
                        break;
                    }
                }
                text.replace('_', "")
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .map(Literal::Num)
                    .ok_or_else(|| format!("{text:?} at character {at} is not a number"))
            }
            Some(c) if c.is_ascii_alphabetic() => match self.name().as_str() {
                "True" => Ok(Literal::Bool(true)),
                "False" => Ok(Literal::Bool(false)),
                "None" => Ok(Literal::None),
                word => Err(format!(
                    "{word} at character {at} is not a value: quote strings, e.g. '{word}'"
                )),
            },
            Some(c) => Err(format!("expected a value at character {at}, found {c:?}")),
            None => Err("the text ended where a value was expected".to_string()),
        }
    }

    fn string(&mut self, quote: char, at: usize) -> Result<String, String> {
        let mut out = String::new();
        loop {
            match self.next() {
                None => return Err(format!("the string opened at character {at} is not closed")),
                Some(c) if c == quote => return Ok(out),
                Some('\\') => match self.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('0') => out.push('\0'),
                    Some('u') => {
                        let hex: String = (0..4).filter_map(|_| self.next()).collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(c) => out.push(c),
                            None => {
                                return Err(format!(
                                    "\\u{hex} in the string at character {at} is not a character"
                                ))
                            }
                        }
                    }
                    Some(c @ ('\\' | '\'' | '"')) => out.push(c),
                    Some(c) => {
                        out.push('\\');
                        out.push(c);
                    }
                    None => {
                        return Err(format!("the string opened at character {at} is not closed"))
                    }
                },
                Some(c) => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Literal {
        Literal::Str(text.into())
    }

    #[test]
    fn browsergym_calls_read_as_written() {
        let c = parse("  fill('6', \"Hiro O'Neil\")\n").unwrap();
        assert_eq!(c.name, "fill");
        assert_eq!(c.args, vec![s("6"), s("Hiro O'Neil")]);
        let c = parse("click('12', button='left', modifiers=[])").unwrap();
        assert_eq!(c.args, vec![s("12")]);
        assert_eq!(
            c.kwargs,
            vec![
                ("button".into(), s("left")),
                ("modifiers".into(), Literal::List(vec![]))
            ]
        );
        let c = parse("scroll(0, -200.5)").unwrap();
        assert_eq!(c.args, vec![Literal::Num(0.0), Literal::Num(-200.5)]);
        let c = parse("noop()").unwrap();
        assert!(c.args.is_empty() && c.kwargs.is_empty());
        let c = parse(r"send_msg_to_user('line\nnext \'q\' \u00e9')").unwrap();
        assert_eq!(c.args, vec![s("line\nnext 'q' é")]);
        let c = parse("select_option('8', ['A', 'B'],)").unwrap();
        assert_eq!(c.args[1], Literal::List(vec![s("A"), s("B")]));
    }

    #[test]
    fn mistakes_say_where() {
        let e = parse("").unwrap_err();
        assert!(e.contains("empty"), "{e}");
        let e = parse("click('12'").unwrap_err();
        assert!(e.contains("not closed"), "{e}");
        let e = parse("click(12 13)").unwrap_err();
        assert!(e.contains("expected ',' or ')'"), "{e}");
        let e = parse("click('12') click('13')").unwrap_err();
        assert!(e.contains("only one action"), "{e}");
        let e = parse("click(Search)").unwrap_err();
        assert!(e.contains("quote strings"), "{e}");
        let e = parse("fill('6', 'Hiro)").unwrap_err();
        assert!(e.contains("not closed"), "{e}");
        let e = parse("click(bid='1', '2')").unwrap_err();
        assert!(e.contains("positional argument follows"), "{e}");
        let e = parse("?").unwrap_err();
        assert!(e.contains("function name"), "{e}");
    }
}
