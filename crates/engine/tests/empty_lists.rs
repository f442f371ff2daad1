//! A list whose rows are all filtered out shows its `empty` text, and a list
//! without one shows nothing at all: no blank line where the text would be.

use std::sync::Arc;
use wobble_engine::{load_site, Env, EnvConfig, Role};

fn site(empty: &str) -> String {
    format!(
        r#"Site(
    name: "lists",
    title: "Lists",
    lists: {{ "words": ["alpha"] }},
    tables: [Static(name: "t", columns: ["name"], rows: [["a"], ["b"]])],
    pages: [Page(id: "main", elements: [
        List(key: "rows", table: "t", filter: Eq(Row("name"), Lit("zzz")), {empty} row: [Text(text: "{{row.name}}")]),
        Button(key: "go", label: "Go", on_click: [End]),
    ])],
    tasks: [Task(name: "go", instruction: "Press go for {{w}}.", goal: [("w", Pick("words"))],
        success: [(True, "")], solution: [Click("go")])],
)"#
    )
}

/// The texts shown, and the y of the button below the list.
fn shown(text: &str) -> (Vec<String>, f32) {
    let site = Arc::new(load_site("lists.ron", text).unwrap());
    let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
    env.reset(1);
    let texts = env
        .visible_nodes_with_ids()
        .filter(|(_, n)| n.role == Role::Text)
        .map(|(_, n)| n.label.clone())
        .collect();
    let button = env
        .visible_nodes_with_ids()
        .find(|(_, n)| n.role == Role::Button)
        .map(|(i, _)| env.bbox(i).y)
        .unwrap();
    (texts, button)
}

#[test]
fn an_empty_list_shows_its_empty_text_or_nothing() {
    let (with_text, below_text) = shown(&site(r#"empty: "Nothing found.","#));
    assert_eq!(with_text, vec!["Nothing found.".to_string()]);
    let (without, below_nothing) = shown(&site(""));
    assert!(without.is_empty(), "{without:?}");
    assert!(
        below_nothing < below_text,
        "the button moves up when no empty text is shown ({below_nothing} vs {below_text})"
    );
}
