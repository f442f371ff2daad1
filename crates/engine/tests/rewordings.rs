//! A site's own rewordings are what `relabel` uses for its labels, before
//! the catalog's synonyms; a rewording that is empty or the label itself is
//! refused where it is written.

use std::sync::Arc;
use wobble_engine::{load_site, Env, EnvConfig, Role};

fn site(rewordings: &str) -> String {
    format!(
        r#"Site(
    name: "own-words",
    title: "Own words",
    lists: {{ "words": ["alpha"] }},
    rewordings: {{ {rewordings} }},
    pages: [Page(id: "main", elements: [
        Button(key: "merge", label: "Merge pull request", on_click: [End]),
    ])],
    tasks: [Task(name: "go", instruction: "Finish the review of {{w}}.", goal: [("w", Pick("words"))],
        success: [(True, "")], solution: [Click("merge")])],
)"#
    )
}

fn labels_under_relabel(text: &str) -> Vec<String> {
    let site = Arc::new(load_site("own.ron", text).unwrap());
    let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
    env.set_perturbations("relabel:3".parse().unwrap());
    let mut out: Vec<String> = (0..20)
        .map(|seed| {
            env.reset(seed);
            let button = env
                .visible_nodes_with_ids()
                .find(|(_, n)| n.role == Role::Button)
                .map(|(_, n)| n.label.clone());
            button.unwrap()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn relabel_uses_the_sites_own_rewordings() {
    let own = labels_under_relabel(&site(
        r#""merge PULL request": ["Squash and merge", "Land it"]"#,
    ));
    assert_eq!(
        own,
        vec!["Land it".to_string(), "Squash and merge".to_string()]
    );
    // Without them the catalog has no synonym for this label: it stays.
    assert_eq!(
        labels_under_relabel(&site("")),
        vec!["Merge pull request".to_string()]
    );
}

#[test]
fn a_rewording_that_changes_nothing_is_refused_where_it_is_written() {
    let text = site(r#""Merge pull request": ["merge pull request"]"#);
    let err = load_site("own.ron", &text).unwrap_err();
    assert_eq!(err.line, 5, "{err}");
    assert!(err.message.contains("none the label itself"), "{err}");
}
