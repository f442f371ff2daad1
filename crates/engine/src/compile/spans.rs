//! Where things are in a site file's text, so that an error points at the
//! token at fault rather than at the first place its text appears.
//!
//! The RON parser gives positions only for syntax errors. For the compiler's
//! own errors (a name that resolves to nothing, a key used twice), [`Outline`]
//! scans the text once into a tree of spans (every `(...)`, `[...]`, `{...}`,
//! field and item) that the compiler addresses by the path it is compiling
//! (`tasks[2].solution[1]`); the error is then placed at the name's whole-token
//! occurrence inside that span. [`unbalanced`] finds the first bracket that is
//! closed by the wrong one, which RON reports only as the symptom it meets.

/// One step of a path into the file: a struct field or map key, or an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Seg {
    /// `name: value` in a struct, or `"name": value` in a map.
    Field(&'static str),
    /// A map's entry by its key's text.
    Key(String),
    /// The item at this index of a list, tuple or positional struct, or
    /// the entry at this index of a map.
    Index(usize),
}

/// A value's span and, for a bracketed value, its parts.
#[derive(Debug, Default)]
struct Node {
    start: usize,
    end: usize,
    /// Named parts (`field: value`, or a map's `key: value` by its key's text).
    fields: Vec<(String, Node)>,
    /// Positional parts (list and tuple items, map entries in order).
    items: Vec<Node>,
}

/// The tree of spans of a site file that parsed.
#[derive(Debug)]
pub(super) struct Outline {
    root: Node,
}

/// What the scanner reads next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Open(u8),
    Close(u8),
    Comma,
    Colon,
    /// A string, number, identifier or character, as a span.
    Atom,
    End,
}

struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
    /// The span of the last token read.
    start: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            text: text.as_bytes(),
            at: 0,
            start: 0,
        }
    }

    fn peek_byte(&self, off: usize) -> Option<u8> {
        self.text.get(self.at + off).copied()
    }

    /// Skips white space and comments (`//` to the end of the line, nested `/* */`).
    fn skip_blank(&mut self) {
        loop {
            match (self.peek_byte(0), self.peek_byte(1)) {
                (Some(c), _) if c.is_ascii_whitespace() => self.at += 1,
                (Some(b'/'), Some(b'/')) => {
                    while self.peek_byte(0).is_some_and(|c| c != b'\n') {
                        self.at += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    let mut depth = 0usize;
                    while self.at < self.text.len() {
                        if self.peek_byte(0) == Some(b'/') && self.peek_byte(1) == Some(b'*') {
                            depth += 1;
                            self.at += 2;
                        } else if self.peek_byte(0) == Some(b'*') && self.peek_byte(1) == Some(b'/')
                        {
                            depth -= 1;
                            self.at += 2;
                            if depth == 0 {
                                break;
                            }
                        } else {
                            self.at += 1;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn next(&mut self) -> Tok {
        self.skip_blank();
        self.start = self.at;
        let Some(c) = self.peek_byte(0) else {
            return Tok::End;
        };
        self.at += 1;
        match c {
            b'(' | b'[' | b'{' => Tok::Open(c),
            b')' | b']' | b'}' => Tok::Close(c),
            b',' => Tok::Comma,
            b':' => Tok::Colon,
            b'"' => {
                self.quoted(b'"');
                Tok::Atom
            }
            b'\'' => {
                self.quoted(b'\'');
                Tok::Atom
            }
            b'r' if matches!(self.peek_byte(0), Some(b'"' | b'#')) => {
                self.raw_string();
                Tok::Atom
            }
            _ => {
                while self
                    .peek_byte(0)
                    .is_some_and(|c| !c.is_ascii_whitespace() && !b"()[]{},:\"/".contains(&c))
                {
                    self.at += 1;
                }
                Tok::Atom
            }
        }
    }

    fn quoted(&mut self, quote: u8) {
        while let Some(c) = self.peek_byte(0) {
            self.at += 1;
            if c == b'\\' {
                self.at += 1;
            } else if c == quote {
                return;
            }
        }
    }

    /// `r"..."` or `r#"..."#` with any number of `#`.
    fn raw_string(&mut self) {
        let mut hashes = 0;
        while self.peek_byte(0) == Some(b'#') {
            hashes += 1;
            self.at += 1;
        }
        self.at += 1; // the opening quote
        while self.at < self.text.len() {
            if self.text.get(self.at) == Some(&b'"')
                && (1..=hashes).all(|i| self.text.get(self.at + i) == Some(&b'#'))
            {
                self.at += 1 + hashes;
                return;
            }
            self.at += 1;
        }
    }

    /// The text of the last token read, unquoted when it is a plain string.
    fn token_text(&self) -> String {
        let raw = String::from_utf8_lossy(self.text.get(self.start..self.at).unwrap_or_default());
        raw.strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .map_or_else(|| raw.to_string(), str::to_string)
    }
}

impl Outline {
    /// Scans `text`; a text that does not scan as nested brackets gives an
    /// outline of the whole text only (errors are then placed by search).
    pub(super) fn of(text: &str) -> Outline {
        let mut scanner = Scanner::new(text);
        let mut root = Node {
            start: 0,
            end: text.len(),
            ..Node::default()
        };
        // A value: optional name, then optionally a bracketed group.
        let first = scanner.next();
        if let Some(node) = value(&mut scanner, first) {
            root = node;
        }
        Outline { root }
    }

    /// The byte span of the value at `path`, as far down as it can be followed.
    pub(super) fn span(&self, path: &[Seg]) -> (usize, usize) {
        let mut node = &self.root;
        for seg in path {
            let next = match seg {
                Seg::Field(name) => node.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v),
                Seg::Key(name) => node.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v),
                Seg::Index(i) => node.items.get(*i),
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        (node.start, node.end)
    }
}

/// Reads one value whose first token is `first`; `None` at the end or on a stray token.
fn value(s: &mut Scanner<'_>, first: Tok) -> Option<Node> {
    let start = s.start;
    match first {
        Tok::Atom => {
            let end = s.at;
            // A name followed directly by a group: `Button(...)`.
            let save = (s.at, s.start);
            s.skip_blank();
            if matches!(s.peek_byte(0), Some(b'(')) {
                let open = s.next();
                let mut node = value(s, open)?;
                node.start = start;
                return Some(node);
            }
            (s.at, s.start) = save;
            Some(Node {
                start,
                end,
                ..Node::default()
            })
        }
        Tok::Open(open) => {
            let mut node = Node {
                start,
                ..Node::default()
            };
            loop {
                let tok = s.next();
                match tok {
                    Tok::Close(_) => break,
                    Tok::End => {
                        node.end = s.at;
                        return Some(node);
                    }
                    Tok::Comma => continue,
                    _ => {}
                }
                let item_start = s.start;
                let key_text = s.token_text();
                let mut item = value(s, tok)?;
                let after = s.next();
                if after == Tok::Colon {
                    let v = s.next();
                    let mut v_node = value(s, v)?;
                    if open == b'{' {
                        // A map entry: findable by its key and by its place.
                        let entry = Node {
                            start: item_start,
                            end: v_node.end,
                            fields: vec![("value".into(), std::mem::take(&mut v_node))],
                            items: vec![item],
                        };
                        node.fields.push((key_text, clone_span(&entry)));
                        node.items.push(entry);
                    } else {
                        node.fields.push((key_text, v_node));
                    }
                    match s.next() {
                        Tok::Close(_) => break,
                        Tok::End => break,
                        _ => continue,
                    }
                }
                item.end = item.end.max(item.start);
                node.items.push(item);
                match after {
                    Tok::Close(_) | Tok::End => break,
                    _ => continue,
                }
            }
            node.end = s.at;
            Some(node)
        }
        _ => None,
    }
}

/// A map entry's span without its parts (its key is found by name).
fn clone_span(n: &Node) -> Node {
    Node {
        start: n.start,
        end: n.end,
        ..Node::default()
    }
}

/// Whether `b` may be part of a name or key (so a match next to it is part of a longer word).
fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b >= 0x80
}

/// The offset of `needle` in `text[start..end]`: first as a whole quoted
/// string (`"needle"`), then as a whole word (not inside a longer name).
pub(super) fn find_token(text: &str, (start, end): (usize, usize), needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let end = end.min(text.len());
    let start = start.min(end);
    let hay = text.get(start..end)?;
    let quoted = format!("\"{needle}\"");
    if let Some(i) = hay.find(&quoted) {
        return Some(start + i);
    }
    let bytes = hay.as_bytes();
    let mut from = 0;
    while let Some(i) = hay.get(from..).and_then(|h| h.find(needle)) {
        let at = from + i;
        let before = at.checked_sub(1).and_then(|b| bytes.get(b).copied());
        let after = bytes.get(at + needle.len()).copied();
        let starts_word = needle.as_bytes().first().copied().is_some_and(word_byte);
        let ends_word = needle.as_bytes().last().copied().is_some_and(word_byte);
        let clean_before = !starts_word || !before.is_some_and(word_byte);
        let clean_after = !ends_word || !after.is_some_and(word_byte);
        if clean_before && clean_after {
            return Some(start + at);
        }
        from = at + needle.len().max(1);
    }
    None
}

/// A bracket's offset in the text and the bracket itself.
pub(super) type Bracket = (usize, u8);

/// The first bracket closed by the wrong kind (or never closed): the
/// opener's offset and byte, and the offset and byte that met it (`None`
/// at the end of the text).
pub(super) fn unbalanced(text: &str) -> Option<(usize, u8, Option<Bracket>)> {
    let mut s = Scanner::new(text);
    let mut open: Vec<(usize, u8)> = Vec::new();
    loop {
        match s.next() {
            Tok::Open(c) => open.push((s.start, c)),
            Tok::Close(c) => match open.pop() {
                Some((_, o)) if closer(o) == c => {}
                Some((at, o)) => return Some((at, o, Some((s.start, c)))),
                None => return Some((s.start, c, None)),
            },
            Tok::End => return open.pop().map(|(at, o)| (at, o, None)),
            _ => {}
        }
    }
}

/// The bracket that closes `open`.
pub(super) fn closer(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"Site(
    name: "x", // a comment with "tasks"
    lists: { "a": ["p", "q"], "b": ["r"] },
    tasks: [
        Task(name: "one", goal: [("login_username", Pick("a"))]),
        Task(name: "two", goal: [("address", Pick("a")), ("address", Pick("b"))]),
    ],
)"#;

    fn at(path: &[Seg]) -> &'static str {
        let (s, e) = Outline::of(TEXT).span(path);
        &TEXT[s..e]
    }

    #[test]
    fn paths_lead_to_the_value_they_name() {
        assert_eq!(at(&[Seg::Field("name")]), "\"x\"");
        assert!(at(&[Seg::Field("tasks"), Seg::Index(1)]).starts_with("Task(name: \"two\""));
        assert_eq!(
            at(&[
                Seg::Field("tasks"),
                Seg::Index(1),
                Seg::Field("goal"),
                Seg::Index(1)
            ]),
            "(\"address\", Pick(\"b\"))"
        );
        assert_eq!(
            at(&[Seg::Field("lists"), Seg::Key("b".into())]),
            "\"b\": [\"r\"]"
        );
        assert_eq!(
            at(&[Seg::Field("lists"), Seg::Index(0)]),
            "\"a\": [\"p\", \"q\"]"
        );
        // A path that goes nowhere stops where it could no longer be followed.
        assert!(at(&[Seg::Field("tasks"), Seg::Index(9)]).starts_with("[\n"));
    }

    #[test]
    fn a_name_is_found_as_a_whole_word_only() {
        let whole = (0, TEXT.len());
        let off = find_token(TEXT, whole, "login_user");
        assert_eq!(
            off, None,
            "\"login_username\" does not hold the name login_user"
        );
        let t = "text: \"{state.login_user}\", key: \"login_username\"";
        assert_eq!(find_token(t, (0, t.len()), "login_user"), Some(14));
        assert_eq!(find_token(t, (0, t.len()), "login_username"), Some(33));
    }

    #[test]
    fn the_first_wrongly_closed_bracket_is_found() {
        assert_eq!(unbalanced(TEXT), None);
        let t = "A(b: [C(d), E(f], g)";
        assert_eq!(unbalanced(t), Some((13, b'(', Some((15, b']')))));
        assert_eq!(unbalanced("A(b: \"(\""), Some((1, b'(', None)));
        assert_eq!(unbalanced("A())"), Some((3, b')', None)));
    }
}
