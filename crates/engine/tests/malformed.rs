//! Every class of mistake in a site file is rejected with its location and a
//! sentence saying what is wrong and what was expected, never a panic.

use wobble_engine::load_site;

/// A small valid site; each test breaks one thing in it.
const GOOD: &str = r#"Site(
    name: "tiny",
    title: "Tiny",
    lists: { "words": ["alpha", "beta", "gamma"] },
    pages: [
        Page(
            id: "main",
            elements: [
                TextInput(key: "answer", label: "Answer"),
                Button(key: "go", label: "Go", on_click: [Require(NotEmpty(State("answer")), "Type something."), End]),
                ErrorMessage,
            ],
        ),
    ],
    tasks: [
        Task(
            name: "type-word",
            instruction: "Type {word}.",
            goal: [("word", Pick("words"))],
            success: [(Eq(State("answer"), Goal("word")), "the answer is not the word")],
            solution: [Type("answer", "word"), Click("go")],
        ),
    ],
)"#;

fn broken(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "test setup: {from:?} not in the site");
    GOOD.replacen(from, to, 1)
}

fn error_of(text: &str) -> wobble_engine::SiteError {
    load_site("sites/tiny.ron", text).expect_err("the site must be rejected")
}

/// The (line, column) of the first occurrence of `needle` in `text`, 1-based.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let off = text.find(needle).expect("needle present");
    let before = &text[..off];
    (
        before.matches('\n').count() + 1,
        before.rsplit('\n').next().unwrap().chars().count() + 1,
    )
}

#[test]
fn the_good_site_loads() {
    let site = load_site("sites/tiny.ron", GOOD).unwrap();
    assert_eq!(site.task_names(), vec!["type-word"]);
}

#[test]
fn syntax_errors_give_line_and_column() {
    // A missing comma: the error points just after `"Go"`, where the comma belongs.
    let text = broken("label: \"Go\",", "label: \"Go\"");
    let e = error_of(&text);
    assert_eq!(e.path, "sites/tiny.ron");
    let (line, col) = position(&text, "label: \"Go\"");
    assert_eq!(
        (e.line, e.column),
        (line, col + "label: \"Go\" ".len()),
        "{e}"
    );
    assert!(e.message.contains("comma"), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("sites/tiny.ron:{line}:")),
        "{e}"
    );
}

#[test]
fn unknown_element_kind_lists_the_kinds() {
    let text = broken("Button(key: \"go\"", "Buton(key: \"go\"");
    let e = error_of(&text);
    assert_eq!((e.line, e.column > 0), (position(&text, "Buton").0, true));
    assert!(
        e.message.contains("Buton") && e.message.contains("Button"),
        "{}",
        e.message
    );
}

#[test]
fn unknown_field_lists_the_fields() {
    let text = broken("label: \"Answer\"", "lable: \"Answer\"");
    let e = error_of(&text);
    assert_eq!(e.line, position(&text, "lable").0);
    assert!(
        e.message.contains("lable") && e.message.contains("label"),
        "{}",
        e.message
    );
}

#[test]
fn missing_field_is_named() {
    let text = broken(
        "TextInput(key: \"answer\", label: \"Answer\")",
        "TextInput(key: \"answer\")",
    );
    let e = error_of(&text);
    assert!(e.message.contains("label"), "{}", e.message);
}

#[test]
fn unknown_page_in_navigate() {
    let text = broken("End]", "Navigate(\"nowhere\")]");
    let e = error_of(&text);
    assert_eq!((e.line, e.column), position(&text, "\"nowhere\""));
    assert!(
        e.message.contains("no page has the id \"nowhere\"") && e.message.contains("main"),
        "{}",
        e.message
    );
}

#[test]
fn unknown_state_slot() {
    let text = broken("NotEmpty(State(\"answer\"))", "NotEmpty(State(\"answr\"))");
    let e = error_of(&text);
    assert_eq!((e.line, e.column), position(&text, "\"answr\""));
    assert!(
        e.message.contains("answr") && e.message.contains("answer"),
        "{}",
        e.message
    );
}

#[test]
fn unknown_list_in_generator() {
    let text = broken("Pick(\"words\")", "Pick(\"wrods\")");
    let e = error_of(&text);
    assert_eq!((e.line, e.column), position(&text, "\"wrods\""));
    assert!(
        e.message.contains("no list is named \"wrods\"") && e.message.contains("words"),
        "{}",
        e.message
    );
}

#[test]
fn unknown_goal_field_in_instruction() {
    let text = broken("Type {word}.", "Type {wrd}.");
    let e = error_of(&text);
    assert!(
        e.message.contains("task \"type-word\"")
            && e.message.contains("wrd")
            && e.message.contains("word"),
        "{}",
        e.message
    );
}

#[test]
fn duplicate_input_keys() {
    let text = broken(
        "ErrorMessage,",
        "ErrorMessage, TextInput(key: \"answer\", label: \"Again\"),",
    );
    let e = error_of(&text);
    assert!(
        e.message.contains("\"answer\" is used twice"),
        "{}",
        e.message
    );
}

#[test]
fn goal_read_by_a_page_is_refused() {
    let text = broken("NotEmpty(State(\"answer\"))", "NotEmpty(Goal(\"word\"))");
    let e = error_of(&text);
    assert!(
        e.message.contains("can only be read by a task"),
        "{}",
        e.message
    );
}

#[test]
fn row_outside_a_list_is_refused() {
    let text = broken("NotEmpty(State(\"answer\"))", "NotEmpty(Row(\"label\"))");
    let e = error_of(&text);
    assert!(
        e.message.contains("only meaningful inside a List row"),
        "{}",
        e.message
    );
}

#[test]
fn bad_date_in_generator() {
    let text = broken("Pick(\"words\")", "Date(start: \"2026-02-30\", days: 5)");
    let e = error_of(&text);
    assert_eq!((e.line, e.column), position(&text, "\"2026-02-30\""));
    assert!(
        e.message.contains("not a date") && e.message.contains("YYYY-MM-DD"),
        "{}",
        e.message
    );
}

#[test]
fn solution_naming_a_missing_element() {
    let text = broken("Click(\"go\")]", "Click(\"gone\")]");
    let e = error_of(&text);
    assert_eq!((e.line, e.column), position(&text, "\"gone\""));
    assert!(
        e.message.contains("no element has that key"),
        "{}",
        e.message
    );
}

#[test]
fn solution_typing_into_a_button() {
    let text = broken("Type(\"answer\", \"word\")", "Type(\"go\", \"word\")");
    let e = error_of(&text);
    assert!(
        e.message
            .contains("cannot type into \"go\": it is a button"),
        "{}",
        e.message
    );
}

#[test]
fn no_tasks_is_refused() {
    let start = GOOD.find("    tasks: [").unwrap();
    let text = format!("{})", &GOOD[..start]);
    let e = error_of(&text);
    assert!(e.message.contains("tasks"), "{}", e.message);
}

#[test]
fn garbage_never_panics() {
    for text in [
        "",
        "(",
        "Site(",
        "\u{0}\u{1}",
        "Site(name: 5)",
        "[1,2,3]",
        &GOOD[..GOOD.len() / 2],
    ] {
        let e = error_of(text);
        assert!(e.line >= 1 && e.column >= 1);
    }
}

#[test]
fn keys_of_inserted_elements_are_reserved() {
    let text = broken("Button(key: \"go\"", "Button(key: \"wobble:go\"");
    let e = error_of(&text);
    assert_eq!(e.line, position(&text, "wobble:go").0);
    assert!(e.message.contains("reserved"), "{}", e.message);
}

#[test]
fn a_paraphrase_must_name_the_same_goal_fields() {
    let text = broken(
        "instruction: \"Type {word}.\",",
        "instruction: \"Type {word}.\",\n            paraphrases: [\"Type something.\"],",
    );
    let e = error_of(&text);
    assert_eq!(e.line, position(&text, "Type something.").0);
    assert!(
        e.message.contains("{word}") && e.message.contains("same goal fields"),
        "{}",
        e.message
    );
}

// Found by fuzzing the site loader (fuzz/regressions/site_loader/, RELIABILITY.md).

#[test]
fn an_int_generator_may_span_all_of_i64() {
    // `max - min` overflowed an i64: a panic with overflow checks, and a
    // wrapped (always `min`) value without them.
    let text = broken("Pick(\"words\")", "Int(min: -5, max: 9223372036854775807)");
    let site = std::sync::Arc::new(load_site("sites/tiny.ron", &text).unwrap());
    let mut env = wobble_engine::Env::new(site, 0, Default::default()).unwrap();
    let mut large = 0;
    for seed in 0..50 {
        env.reset(seed);
        let n: i64 = env.goal_value(0).parse().expect("a whole number");
        assert!(n >= -5, "{n}");
        large += usize::from(n > 1 << 40);
    }
    assert!(large > 40, "only {large} of 50 draws were large");
}

#[test]
fn a_font_size_out_of_range_is_refused_with_its_location() {
    // 3e38 pixels overflowed the layout to infinite boxes.
    for size in ["3e38", "inf", "NaN", "0.0", "-14.0", "500.0"] {
        let text = broken(
            "title: \"Tiny\",",
            &format!("title: \"Tiny\",\n    theme: (font_size: {size}),"),
        );
        let e = error_of(&text);
        assert_eq!((e.line, e.column), position(&text, "font_size"), "{e}");
        assert!(
            e.message.contains("font_size") && e.message.contains("from 6 to 72"),
            "{}",
            e.message
        );
    }
    let text = broken(
        "title: \"Tiny\",",
        "title: \"Tiny\",\n    theme: (font_size: 72.0),",
    );
    assert!(load_site("sites/tiny.ron", &text).is_ok());
}

#[test]
fn a_page_size_that_is_not_a_number_is_refused() {
    for field in ["width", "height"] {
        let text = broken(
            "title: \"Tiny\",",
            &format!("title: \"Tiny\",\n    {field}: NaN,"),
        );
        let e = error_of(&text);
        assert_eq!(e.line, position(&text, &format!("{field}:")).0, "{e}");
        assert!(
            e.message.contains(&format!("`{field}` is not a number")),
            "{}",
            e.message
        );
    }
}
