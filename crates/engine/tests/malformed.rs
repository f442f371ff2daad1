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

/// GOOD with a list of buttons, one per row of a table, and a recipe step
/// `ClickRow("pick", LOOK)`; `goal` replaces the task's goal fields.
fn with_rows(look: &str, goal: &str) -> String {
    GOOD.replacen(
        "    pages: [",
        "    tables: [Static(name: \"t\", columns: [\"name\", \"secret\"], rows: [[\"alpha\", \"1\"], [\"beta\", \"2\"]])],\n    pages: [",
        1,
    )
    .replacen(
        "ErrorMessage,",
        "ErrorMessage,\n                List(key: \"rows\", table: \"t\", row: [Button(key: \"pick\", label: \"{row.name}\", on_click: [End])]),",
        1,
    )
    .replacen("Click(\"go\")", &format!("ClickRow(\"pick\", {look})"), 1)
    .replacen("goal: [(\"word\", Pick(\"words\"))]", goal, 1)
}

#[test]
fn a_recipe_picks_rows_by_what_they_show() {
    let goal = "goal: [(\"word\", Pick(\"words\"))]";
    let ok = with_rows(
        "And([Shows(Goal(\"word\")), Not(Shows(Lit(\"beta\"))), Cheapest])",
        goal,
    );
    load_site("sites/tiny.ron", &ok).unwrap();
    // A table column is not something a row shows.
    let text = with_rows("Shows(Row(\"secret\"))", goal);
    let e = error_of(&text);
    assert!(
        e.message.contains("may search only for") && e.message.contains("Row(\"secret\")"),
        "{}",
        e.message
    );
    // Nor is a goal field the instruction does not name.
    let text = with_rows(
        "Shows(Goal(\"hidden\"))",
        "goal: [(\"word\", Pick(\"words\")), (\"hidden\", Pick(\"words\"))]",
    );
    let e = error_of(&text);
    assert!(
        e.message
            .contains("\"hidden\", which the instruction does not name"),
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

#[test]
fn calc_belongs_in_derived_fields() {
    let text = broken(
        "(\"word\", Pick(\"words\"))",
        "(\"word\", Calc(Lit(\"1\")))",
    );
    let e = error_of(&text);
    assert_eq!(e.line, position(&text, "Calc(").0);
    assert!(
        e.message.contains("Calc") && e.message.contains("`derived`"),
        "{}",
        e.message
    );
}

#[test]
fn calc_in_derived_reads_known_goal_fields() {
    let text = broken(
        "goal: [(\"word\", Pick(\"words\"))],",
        "goal: [(\"word\", Pick(\"words\"))],\n            derived: [(\"twice\", Calc(Mul(Goal(\"wrd\"), Lit(\"2\"))))],",
    );
    let e = error_of(&text);
    assert_eq!((e.line, e.column), position(&text, "\"wrd\""));
    assert!(
        e.message.contains("no goal field \"wrd\"") && e.message.contains("word"),
        "{}",
        e.message
    );
}

#[test]
fn arithmetic_reads_known_slots() {
    let text = broken(
        "NotEmpty(State(\"answer\"))",
        "Gt(Add(State(\"answer\"), State(\"answr\")), Lit(\"0\"))",
    );
    let e = error_of(&text);
    assert_eq!((e.line, e.column), position(&text, "\"answr\""));
    assert!(
        e.message
            .contains("no state slot or input is named \"answr\""),
        "{}",
        e.message
    );
}

#[test]
fn sum_over_an_unknown_table() {
    let text = broken(
        "End]",
        "Set(\"answer\", Sum(\"nope\", Row(\"price\"))), End]",
    );
    let e = error_of(&text);
    assert_eq!((e.line, e.column), position(&text, "\"nope\""));
    assert!(
        e.message.contains("no table is named \"nope\""),
        "{}",
        e.message
    );
}

#[test]
fn sum_reads_the_columns_of_its_table() {
    let text = broken(
        "    pages: [",
        "    tables: [Static(name: \"items\", columns: [\"price\"], rows: [[\"3\"]])],\n    pages: [",
    );
    let text = text.replacen(
        "End]",
        "Set(\"answer\", Sum(\"items\", Mul(Row(\"cost\"), Lit(\"2\")))), End]",
        1,
    );
    let e = error_of(&text);
    assert_eq!((e.line, e.column), position(&text, "\"cost\""));
    assert!(
        e.message.contains("table \"items\" has no column \"cost\"") && e.message.contains("price"),
        "{}",
        e.message
    );
}

#[test]
fn contains_reads_known_slots() {
    let text = broken(
        "NotEmpty(State(\"answer\"))",
        "Contains(State(\"answer\"), State(\"query\"))",
    );
    let e = error_of(&text);
    assert_eq!((e.line, e.column), position(&text, "\"query\""));
    assert!(e.message.contains("\"query\""), "{}", e.message);
}

#[test]
fn visible_if_on_an_input_reads_known_slots() {
    let text = broken(
        "TextInput(key: \"answer\", label: \"Answer\")",
        "TextInput(key: \"answer\", label: \"Answer\", visible_if: Checked(\"agreed\"))",
    );
    let e = error_of(&text);
    assert_eq!((e.line, e.column), position(&text, "\"agreed\""));
    assert!(
        e.message.contains("page \"main\"") && e.message.contains("\"agreed\""),
        "{}",
        e.message
    );
}

#[test]
fn arithmetic_takes_two_values() {
    let text = broken(
        "NotEmpty(State(\"answer\"))",
        "Gt(Add(State(\"answer\")), Lit(\"0\"))",
    );
    let e = error_of(&text);
    assert_eq!(e.line, position(&text, "Add(").0);
    assert!(e.column > 1);
}

/// GOOD with a table that declares per-row state.
fn with_row_state(row_state: &str) -> String {
    broken(
        "    pages: [",
        &format!(
            "    state: {{\"seen\": \"\"}},\n    tables: [Static(name: \"items\", columns: [\"label\", \"marked\"], rows: [[\"a\", \"true\"]], row_state: [{row_state}])],\n    pages: ["
        ),
    )
}

#[test]
fn row_state_loads_and_is_shared_by_row_inputs() {
    let text = with_row_state("(\"picked\", Row(\"marked\"))").replacen(
        "ErrorMessage,",
        "ErrorMessage, List(key: \"l\", table: \"items\", row: [Checkbox(key: \"picked\", label: \"{row.label}\")]), List(key: \"m\", table: \"items\", row: [Checkbox(key: \"picked\", label: \"Again\")]),",
        1,
    );
    load_site("sites/tiny.ron", &text).unwrap();
}

#[test]
fn row_state_reads_the_columns_of_its_table() {
    let text = with_row_state("(\"picked\", Row(\"marks\"))");
    let e = error_of(&text);
    assert_eq!((e.line, e.column), position(&text, "\"marks\""));
    assert!(
        e.message.contains("table \"items\"") && e.message.contains("marked"),
        "{}",
        e.message
    );
}

#[test]
fn row_state_names_are_unique() {
    // Against the declared state...
    let text = with_row_state("(\"seen\", Lit(\"\"))");
    let e = error_of(&text);
    assert_eq!(e.line, position(&text, "\"seen\"").0);
    assert!(
        e.message
            .contains("the row state \"seen\" is declared twice"),
        "{}",
        e.message
    );
    // ...and against the inputs outside the table's lists.
    let text = with_row_state("(\"answer\", Lit(\"\"))");
    let e = error_of(&text);
    assert!(
        e.message.contains("\"answer\" is used twice") && e.message.contains("row states"),
        "{}",
        e.message
    );
}

#[test]
fn row_state_cannot_start_from_state_or_the_goal() {
    let text = with_row_state("(\"picked\", State(\"seen\"))");
    let e = error_of(&text);
    assert_eq!(e.line, position(&text, "(\"picked\"").0);
    assert!(e.message.contains("starts from state"), "{}", e.message);
    let text = with_row_state("(\"picked\", Goal(\"word\"))");
    let e = error_of(&text);
    assert!(
        e.message.contains("can only be read by a task"),
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
