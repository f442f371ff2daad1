//! `wobble_policy::check` finds what compiling cannot: a goal value that is
//! not among a select's options on some seeds (options read from a table),
//! a row choice that matches several rows, and it names the recipe step, its
//! line and the seed. A site without those mistakes passes.

use wobble_policy::check::{check_text, CheckOptions, Stage};

/// A shop of three items; `{cabin}` is drawn from a list and chosen in a
/// select whose options come from the table `classes`.
fn site(classes: &str, items: &str) -> String {
    format!(
        r#"Site(
    name: "tiny",
    title: "Tiny",
    lists: {{ "cabins": ["Economy", "Business", "First"], "words": ["alpha", "beta"] }},
    tables: [
        Static(name: "classes", columns: ["name"], rows: [{classes}]),
        Static(name: "items", columns: ["name"], rows: [{items}]),
    ],
    state: {{ "bought": "" }},
    pages: [
        Page(
            id: "main",
            elements: [
                Select(key: "cabin", label: "Cabin", options: Column("classes", "name")),
                List(key: "shelf", table: "items", row: [
                    Text(text: "{{row.name}}"),
                    Button(key: "buy", label: "Buy", on_click: [Set("bought", Row("name"))]),
                ]),
                Button(key: "go", label: "Done", on_click: [End]),
            ],
        ),
    ],
    tasks: [
        Task(
            name: "order",
            instruction: "Choose {{cabin}} and buy {{word}}.",
            goal: [("cabin", Pick("cabins")), ("word", Pick("words"))],
            success: [
                (Eq(State("cabin"), Goal("cabin")), "the cabin is not the one asked for"),
                (Eq(State("bought"), Goal("word")), "the item bought is not the one asked for"),
            ],
            solution: [
                Select("cabin", "cabin"),
                ClickRow("buy", Shows(Goal("word"))),
                Click("go"),
            ],
        ),
    ],
)"#
    )
}

fn options() -> CheckOptions {
    CheckOptions {
        seeds: 12,
        kinds: Vec::new(),
        ..CheckOptions::default()
    }
}

#[test]
fn a_site_without_mistakes_passes() {
    let text = site(
        r#"["Economy"], ["Business"], ["First"]"#,
        r#"["alpha"], ["beta"]"#,
    );
    let report = check_text("tiny.ron", &text, &options(), &mut |_, _| {}).unwrap();
    assert!(report.passed(), "{}", report.to_text());
    assert_eq!(report.episodes(), 12);
    assert!(
        report.to_text().contains("solved 12 of 12"),
        "{}",
        report.to_text()
    );
}

#[test]
fn a_goal_missing_from_the_options_is_reported_at_its_recipe_step() {
    let text = site(r#"["Economy"], ["Business"]"#, r#"["alpha"], ["beta"]"#);
    let report = check_text("tiny.ron", &text, &options(), &mut |_, _| {}).unwrap();
    assert!(!report.passed());
    let finding = report
        .findings
        .iter()
        .find(|f| f.stage == Stage::Oracle)
        .expect("an oracle finding");
    let step = finding.step.as_ref().expect("the step at fault");
    assert_eq!(step.index, 0);
    assert_eq!(step.text, r#"Select("cabin", "cabin")"#);
    let line = text[..text.find(r#"Select("cabin", "cabin")"#).unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert_eq!(step.line, line);
    assert!(
        finding
            .message
            .starts_with(r#""First" is not among the options of "cabin" (Economy, Business)"#),
        "{}",
        finding.message
    );
    // Only the seeds that drew "First" fail, and the report counts them.
    let cell = &report.cells[0];
    assert!(cell.solved > 0 && cell.solved < cell.episodes, "{cell:?}");
    assert_eq!(cell.findings, cell.episodes - cell.solved);
    assert!(report.to_text().contains(&format!("(line {line})")));
}

#[test]
fn two_rows_matching_the_goal_are_an_ambiguity_even_when_the_oracle_succeeds() {
    let text = site(
        r#"["Economy"], ["Business"], ["First"]"#,
        r#"["alpha"], ["beta"], ["alpha"]"#,
    );
    let report = check_text("tiny.ron", &text, &options(), &mut |_, _| {}).unwrap();
    assert!(!report.passed());
    let finding = report
        .findings
        .iter()
        .find(|f| f.stage == Stage::Ambiguity)
        .expect("an ambiguity");
    assert_eq!(finding.step.as_ref().map(|s| s.index), Some(1));
    assert!(
        finding
            .message
            .starts_with(r#"2 rows of "buy" fit the step (each shows "alpha")"#),
        "{}",
        finding.message
    );
    // The oracle took the first row and succeeded: solvable, but ambiguous.
    assert_eq!(report.cells[0].solved, report.cells[0].episodes);
}

#[test]
fn a_file_that_does_not_compile_is_an_error_with_its_place() {
    let text = site(r#"["Economy"]"#, r#"["alpha"]"#).replace("Column(\"classes\", \"nme\")", "");
    let text = text.replace(
        r#"Column("classes", "name")"#,
        r#"Column("classes", "nme")"#,
    );
    let err = check_text("tiny.ron", &text, &options(), &mut |_, _| {}).unwrap_err();
    let line = text[..text.find("\"nme\"").unwrap()].matches('\n').count() + 1;
    assert!(
        err.to_string().starts_with(&format!("tiny.ron:{line}:")),
        "{err}"
    );
}
