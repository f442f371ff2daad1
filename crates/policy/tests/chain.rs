//! Composed tasks (`chain` in a site file): the parts' goals, instruction,
//! step limits, success conditions and recipes combine into one task, which
//! the oracle solves; a composed task that names what is not there is refused
//! with the place and the reason.

use std::sync::Arc;
use wobble_engine::compile::load_site;
use wobble_engine::{Env, EnvConfig};
use wobble_policy::{evaluate, OraclePolicy};

/// A sign-in form and a message form on one page; "sign-in" and "post" each
/// do half of it, "sign-in-then-post" both.
const SITE: &str = r#"(
    name: "board",
    title: "Board",
    description: "Sign in, then post a message.",
    lists: {"users": ["ana", "bo", "cy"], "words": ["hello", "thanks", "bye"]},
    pages: [(
        id: "main",
        title: "Board",
        elements: [
            TextInput(key: "user", label: "User"),
            TextInput(key: "message", label: "Message"),
            Button(key: "send", label: "Send", primary: true, on_click: [End]),
        ],
    )],
    tasks: [
        (
            name: "sign-in",
            instruction: "Sign in as {user}.",
            goal: [("user", Pick("users"))],
            step_limit: 5,
            success: [(Eq(State("user"), Goal("user")), "signed in as someone else")],
            solution: [Type("user", "user"), Click("send")],
        ),
        (
            name: "post",
            instruction: "Post \"{word}\" as {user}.",
            goal: [("user", Pick("users")), ("word", Pick("words"))],
            step_limit: 6,
            success: [(Eq(State("message"), Goal("word")), "a different message was posted")],
            solution: [Type("message", "word"), Click("send")],
        ),
        (
            name: "sign-in-then-post",
            chain: ["sign-in", "post"],
            // The parts' recipes each end with Send; one Send for both.
            solution: [Type("user", "user"), Type("message", "word"), Click("send")],
        ),
    ],
)"#;

#[test]
fn a_chain_combines_its_parts_and_the_oracle_solves_it() {
    let site = Arc::new(load_site("board.ron", SITE).unwrap());
    let task = site.task_index("sign-in-then-post").unwrap();
    let composed = &site.tasks[task];
    assert_eq!(composed.step_limit, 11, "the parts' limits add up");
    let mut env = Env::new(site.clone(), task, EnvConfig::default()).unwrap();
    env.reset(3);
    let instruction = env.instruction().to_string();
    assert!(
        instruction.starts_with("Sign in as ") && instruction.contains(", then post \""),
        "{instruction}"
    );
    // `user` is named by both parts: one field, drawn once, in both halves.
    let fields: Vec<&str> = env.goal_fields().map(|(_, name, _)| name).collect();
    assert_eq!(fields, ["user", "word"]);
    let report = evaluate(&mut env, &mut OraclePolicy::default(), 200, 1);
    assert_eq!(report.success_rate, 1.0, "{:?}", report.failures);
}

#[test]
fn a_chain_fails_with_the_first_unmet_part() {
    use wobble_engine::{Action, TypeText};
    let site = Arc::new(load_site("board.ron", SITE).unwrap());
    let task = site.task_index("sign-in-then-post").unwrap();
    let mut env = Env::new(site, task, EnvConfig::default()).unwrap();
    env.reset(1);
    let id = |key: &str| {
        env.visible_nodes()
            .find(|&i| env.nodes()[i as usize].key == key)
            .unwrap()
    };
    let (user, send) = (id("user"), id("send"));
    env.step(&Action::Type(user, TypeText::Goal(0))).unwrap();
    let result = env.step(&Action::Click(send)).unwrap();
    assert_eq!(result.reward, -1.0);
    assert_eq!(
        env.outcome().unwrap().reason,
        "a different message was posted"
    );
}

#[test]
fn a_bad_chain_is_refused_with_where_and_why() {
    let cases = [
        (
            r#"chain: ["sign-in", "post"],"#,
            r#"chain: ["sign-in", "reply"],"#,
            "chains \"reply\", which is not a task of this site",
        ),
        (
            r#"chain: ["sign-in", "post"],"#,
            r#"chain: ["post"],"#,
            "chains only one task",
        ),
        (
            r#"instruction: "Sign in as {user}.","#,
            "",
            "task \"sign-in\" has no `instruction`",
        ),
    ];
    for (from, to, expected) in cases {
        let text = SITE.replacen(from, to, 1);
        let Err(error) = load_site("board.ron", &text) else {
            panic!("accepted a bad chain: {expected}");
        };
        let shown = error.to_string();
        assert!(shown.starts_with("board.ron:"), "{shown}");
        assert!(shown.contains(expected), "{shown}");
    }
}
