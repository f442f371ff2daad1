//! Wrong outcomes fail with the reason that names the mistake. Each case
//! has the oracle follow the task's recipe with one mistake written into it
//! (a different option, a wrong amount, a step left out), for the goal of
//! the same seed, and checks the reason the episode ends with.

use std::collections::BTreeMap;
use std::sync::Arc;
use wobble_engine::site::{Look, ShownText, Step};
use wobble_engine::{builtin, Env, EnvConfig, Site};
use wobble_policy::{OraclePolicy, Policy};

type Goal = BTreeMap<String, String>;

/// Where the recipe first names `key`.
fn at(recipe: &[Step], key: &str) -> usize {
    recipe
        .iter()
        .position(|s| s.key() == Some(key))
        .unwrap_or_else(|| panic!("the recipe never names {key}"))
}

fn text(key: &str, value: &str) -> Step {
    Step::TypeText(key.into(), value.into())
}

fn choose(key: &str, value: &str) -> Step {
    Step::SelectText(key.into(), value.into())
}

/// The rows that show `text`.
fn shows(text: &str) -> Look {
    Look::Shows(ShownText::Lit(text.into()))
}

/// Something in `options` other than `not`.
fn other<'a>(options: &[&'a str], not: &str) -> &'a str {
    options.iter().copied().find(|o| *o != not).unwrap()
}

/// Plays `task` on `seed` with its recipe changed by `edit`; returns (success, reason).
fn play(
    site_name: &str,
    task: &str,
    seed: u64,
    edit: impl FnOnce(&mut Vec<Step>, &Goal, &Site),
) -> (bool, String) {
    let base = builtin::load_builtin(site_name).unwrap();
    let mut probe = Env::by_name(base.clone(), task, EnvConfig::default()).unwrap();
    probe.reset(seed);
    let goal: Goal = probe
        .goal_truth()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut site = (*base).clone();
    let t = site.task_index(task).unwrap();
    let mut recipe = std::mem::take(&mut site.tasks[t].solution);
    edit(&mut recipe, &goal, &site);
    site.tasks[t].solution = recipe;
    let mut env = Env::new(Arc::new(site), t, EnvConfig::default()).unwrap();
    env.reset(seed);
    let mut oracle = OraclePolicy::default();
    oracle.begin_episode(&env);
    loop {
        let action = oracle.act(&env);
        let r = env.step(&action).unwrap();
        if r.terminated || r.truncated {
            break;
        }
    }
    let o = env.outcome().unwrap();
    (o.success, o.reason.clone())
}

fn assert_reason(site: &str, task: &str, want: &str, edit: impl Fn(&mut Vec<Step>, &Goal, &Site)) {
    for seed in 1..=5 {
        let (success, reason) = play(site, task, seed, &edit);
        assert!(
            !success && reason == want,
            "{site}/{task} seed {seed}: expected \"{want}\", got success={success} \"{reason}\""
        );
    }
}

#[test]
fn the_recipes_themselves_succeed() {
    for (site, task) in [
        ("tax", "file-return"),
        ("tax", "file-itemized"),
        ("shop", "buy"),
        ("shop", "buy-cheapest"),
        ("inbox", "forward"),
        ("inbox", "star"),
        ("inbox", "delete"),
        ("coding", "merge-green"),
        ("coding", "request-changes"),
        ("coding", "rerun-failed"),
    ] {
        assert_eq!(
            play(site, task, 3, |_, _, _| {}),
            (true, "the task was done".into())
        );
    }
}

const STATUSES: [&str; 3] = ["Single", "Married filing jointly", "Head of household"];

#[test]
fn tax_returns_fail_with_the_reason_for_the_mistake() {
    let r = "file-return";
    assert_reason("tax", r, "the filing status is wrong", |s, g, _| {
        let i = at(s, "filing_status");
        s[i] = choose("filing_status", other(&STATUSES, &g["status"]));
    });
    assert_reason(
        "tax",
        r,
        "the Social Security number is wrong",
        |s, _, _| {
            let i = at(s, "ssn");
            s[i] = text("ssn", "000-00-0000");
        },
    );
    assert_reason("tax", r, "the wages are wrong", |s, _, _| {
        let i = at(s, "wages");
        s[i] = text("wages", "1000");
    });
    assert_reason(
        "tax",
        r,
        "the interest income was not reported",
        |s, _, _| {
            let i = at(s, "has_interest");
            s[i] = choose("has_interest", "No");
            s.remove(at(s, "interest"));
        },
    );
    assert_reason("tax", r, "the interest income is wrong", |s, _, _| {
        let i = at(s, "interest");
        s[i] = text("interest", "1");
    });
    assert_reason(
        "tax",
        r,
        "the standard deduction was not taken",
        |s, _, _| {
            let i = at(s, "deduction");
            s.splice(
                i..=i,
                [
                    choose("deduction", "Itemized deductions"),
                    text("mortgage", "0"),
                    text("charity", "0"),
                ],
            );
        },
    );
    // Without the declaration the return cannot be submitted.
    assert_reason("tax", r, "no return was submitted", |s, _, _| {
        s.remove(at(s, "declare"));
    });

    let r = "file-itemized";
    assert_reason(
        "tax",
        r,
        "interest income was reported, but there was none",
        |s, _, _| {
            let i = at(s, "has_interest");
            s.splice(
                i..=i,
                [choose("has_interest", "Yes"), text("interest", "0")],
            );
        },
    );
    assert_reason("tax", r, "the deductions were not itemized", |s, _, _| {
        let i = at(s, "deduction");
        s[i] = choose("deduction", "Standard deduction");
        s.remove(at(s, "mortgage"));
        s.remove(at(s, "charity"));
    });
    assert_reason("tax", r, "the mortgage interest is wrong", |s, _, _| {
        let i = at(s, "mortgage");
        s[i] = text("mortgage", "1");
    });
    assert_reason("tax", r, "the gifts to charity are wrong", |s, _, _| {
        let i = at(s, "charity");
        s[i] = text("charity", "1");
    });
}

#[test]
fn the_tax_is_computed_by_the_schedule() {
    // Wages of $60,000 and $500 of interest, Single: taxable 60500 - 14600 =
    // 45900; tax 10% of 11600 + 12% of (45900 - 11600) = 1160 + 4116 = 5276.
    let base = builtin::load_builtin("tax").unwrap();
    let mut site = (*base).clone();
    let t = site.task_index("file-return").unwrap();
    let recipe = &mut site.tasks[t].solution;
    for (key, value) in [("wages", "60,000"), ("interest", "500")] {
        let i = at(recipe, key);
        recipe[i] = text(key, value);
    }
    let i = at(recipe, "filing_status");
    recipe[i] = choose("filing_status", "Single");
    let mut env = Env::new(Arc::new(site), t, EnvConfig::default()).unwrap();
    env.reset(1);
    let mut oracle = OraclePolicy::default();
    oracle.begin_episode(&env);
    while env.page_id() != "summary" {
        let a = oracle.act(&env);
        env.step(&a).unwrap();
    }
    let shown = |key: &str| {
        env.visible_nodes()
            .map(|i| &env.nodes()[i as usize])
            .find(|n| n.key == key)
            .map(|n| n.label.clone())
            .unwrap()
    };
    assert_eq!(shown("total_income_amount"), "$60500");
    assert_eq!(shown("deduction_amount_shown"), "-$14600");
    assert_eq!(shown("taxable_amount"), "$45900");
    assert_eq!(shown("tax_amount"), "$5276");
}

const COLOURS: [&str; 5] = ["Black", "White", "Navy", "Grey", "Olive"];
const SIZES: [&str; 5] = ["XS", "S", "M", "L", "XL"];
const SHIPPING: [&str; 3] = ["Standard", "Express", "Overnight"];

/// A product whose name contains the goal's, or any other one.
fn look_alike(goal: &str) -> &'static str {
    const PAIRS: [&str; 4] = [
        "Classic Crew Tee 2-Pack",
        "Rain Shell Jacket Pro",
        "Cloud Fleece Zip Hoodie",
        "Merino V-Neck Sweater",
    ];
    PAIRS.iter().copied().find(|p| *p != goal).unwrap()
}

#[test]
fn orders_fail_with_the_reason_for_the_mistake() {
    let b = "buy";
    assert_reason(
        "shop",
        b,
        "the order does not include the requested product",
        |s, g, _| {
            let wrong = look_alike(&g["product"]);
            let i = at(s, "search");
            s[i] = text("search", wrong);
            let i = at(s, "view");
            s[i] = Step::ClickRow("view".into(), shows(wrong));
        },
    );
    assert_reason(
        "shop",
        b,
        "the order includes other products too",
        |s, g, _| {
            // After the right product, a second one from the cart's "Continue shopping".
            let wrong = look_alike(&g["product"]);
            let i = at(s, "checkout");
            s.splice(
                i..i,
                [
                    Step::Click("continue_shopping".into()),
                    text("search", wrong),
                    Step::Click("search_button".into()),
                    Step::ClickRow("view".into(), shows(wrong)),
                    choose("size", "M"),
                    choose("colour", "Black"),
                    text("qty", "1"),
                    Step::Click("add_to_cart".into()),
                ],
            );
        },
    );
    assert_reason("shop", b, "the quantity ordered is wrong", |s, _, _| {
        let i = at(s, "qty");
        s[i] = text("qty", "1");
    });
    // Changed in the cart: the order takes the cart's quantity.
    assert_reason("shop", b, "the quantity ordered is wrong", |s, _, _| {
        let i = at(s, "checkout");
        s.insert(i, text("cart_qty", "9"));
    });
    assert_reason("shop", b, "the colour is wrong", |s, g, _| {
        let i = at(s, "colour");
        s[i] = choose("colour", other(&COLOURS, &g["colour"]));
    });
    assert_reason("shop", b, "the size is wrong", |s, g, _| {
        let i = at(s, "size");
        s[i] = choose("size", other(&SIZES, &g["size"]));
    });
    assert_reason("shop", b, "the shipping method is wrong", |s, g, _| {
        let i = at(s, "shipping");
        s[i] = choose("shipping", other(&SHIPPING, &g["shipping"]));
    });
    assert_reason(
        "shop",
        b,
        "the order is addressed to the wrong name",
        |s, _, _| {
            let i = at(s, "last_name");
            s[i] = text("last_name", "Nobody");
        },
    );
    assert_reason("shop", b, "the ZIP code is wrong", |s, _, _| {
        let i = at(s, "zip");
        s[i] = text("zip", "1");
    });
    // Removing the product empties the cart: no order can be placed.
    assert_reason("shop", b, "no order was placed", |s, _, _| {
        let i = at(s, "checkout");
        s.insert(i, Step::Click("remove".into()));
    });

    let c = "buy-cheapest";
    assert_reason(
        "shop",
        c,
        "the order includes a product from another category",
        |s, g, _| {
            let wrong = other(&["T-shirts", "Hoodies"], &g["category"]);
            let i = at(s, "category");
            s[i] = choose("category", wrong);
            let i = at(s, "view");
            s[i] = Step::ClickRow("view".into(), shows(wrong));
        },
    );
    assert_reason(
        "shop",
        c,
        "the order should hold exactly one item",
        |s, _, _| {
            let i = at(s, "qty");
            s[i] = text("qty", "2");
        },
    );
}

/// Opening a message other than the goal's, with the goal's subject (another
/// sender's message in the same thread) or from the goal's sender.
fn open_other(s: &mut [Step], g: &Goal, same_subject: bool) {
    let (same, differ, search) = if same_subject {
        ("subject", "sender", &g["subject"])
    } else {
        ("sender", "subject", &g["sender"])
    };
    let i = at(s, "search");
    s[i] = text("search", search);
    let i = at(s, "open");
    s[i] = Step::ClickRow(
        "open".into(),
        Look::And(vec![
            shows(&g[same]),
            Look::Not(Box::new(shows(&g[differ]))),
        ]),
    );
}

#[test]
fn mail_tasks_fail_with_the_reason_for_the_mistake() {
    assert_reason("inbox", "forward", "no email was forwarded", |s, _, _| {
        s.remove(at(s, "send"));
    });
    assert_reason(
        "inbox",
        "forward",
        "a different email was forwarded",
        |s, g, _| open_other(s, g, true),
    );
    assert_reason(
        "inbox",
        "forward",
        "a different email was forwarded",
        |s, g, _| open_other(s, g, false),
    );
    assert_reason(
        "inbox",
        "forward",
        "the email was forwarded to the wrong address",
        |s, _, _| {
            let i = at(s, "fwd_to");
            s[i] = text("fwd_to", "someone@example.com");
        },
    );
    // An address without "@" is refused: nothing is sent.
    assert_reason("inbox", "forward", "no email was forwarded", |s, _, _| {
        let i = at(s, "fwd_to");
        s[i] = text("fwd_to", "not an address");
    });
    assert_reason("inbox", "star", "the email was not starred", |s, g, _| {
        open_other(s, g, true)
    });
    assert_reason("inbox", "star", "the email was not starred", |s, _, _| {
        s.remove(at(s, "starred"));
    });
    // Starring the right one from the message page, then another from the list.
    assert_reason(
        "inbox",
        "star",
        "the star of another email was changed",
        |s, g, _| {
            s.extend([
                Step::Click("back_to_inbox".into()),
                Step::ClickRow("starred".into(), Look::Not(Box::new(shows(&g["sender"])))),
            ]);
        },
    );
    assert_reason("inbox", "delete", "the email was not deleted", |s, g, _| {
        open_other(s, g, false)
    });
    assert_reason(
        "inbox",
        "delete",
        "another email was deleted too",
        |s, g, _| {
            s.extend([
                // Back on the inbox, still filtered by the search: clear it first.
                text("search", ""),
                Step::Click("search_button".into()),
                Step::ClickRow("open".into(), Look::Not(Box::new(shows(&g["subject"])))),
                Step::Click("delete".into()),
            ]);
        },
    );
}

#[test]
fn code_review_tasks_fail_with_the_reason_for_the_mistake() {
    // Merging before the flaky job is re-run is refused: nothing is merged.
    assert_reason(
        "coding",
        "merge-green",
        "the pull request was not merged",
        |s, _, _| {
            s.remove(at(s, "rerun"));
        },
    );
    // Another pull request of the repository with a failed check, handled the same way.
    assert_reason(
        "coding",
        "merge-green",
        "the pull request was not merged",
        |s, g, _| {
            let i = at(s, "open_pr");
            s[i] = Step::ClickRow(
                "open_pr".into(),
                Look::And(vec![
                    shows("Checks failed"),
                    Look::Not(Box::new(shows(&g["n"]))),
                ]),
            );
        },
    );
    assert_reason("coding", "merge-green", "a review was left", |s, _, _| {
        s.push(Step::Click("approve".into()))
    });
    // Without a comment the request is refused.
    assert_reason(
        "coding",
        "request-changes",
        "changes were not requested on the pull request",
        |s, _, _| {
            s.remove(at(s, "comment"));
        },
    );
    assert_reason(
        "coding",
        "request-changes",
        "changes were not requested on the pull request",
        |s, _, _| {
            let i = at(s, "request_changes");
            s[i] = Step::Click("approve".into());
        },
    );
    assert_reason(
        "coding",
        "request-changes",
        "the review comment is not the one asked for",
        |s, _, _| {
            let i = at(s, "comment");
            s[i] = text("comment", "Looks fine to me.");
        },
    );
    assert_reason(
        "coding",
        "rerun-failed",
        "the failed job was not re-run",
        |s, _, _| {
            s.remove(at(s, "rerun"));
        },
    );
    // Then another pull request's failed job as well.
    assert_reason(
        "coding",
        "rerun-failed",
        "a job of another pull request was re-run",
        |s, g, _| {
            s.extend([
                Step::Click("run_to_pulls".into()),
                Step::ClickRow(
                    "open_pr".into(),
                    Look::And(vec![
                        shows("Checks failed"),
                        Look::Not(Box::new(shows(&g["branch"]))),
                    ]),
                ),
                Step::Click("view_run".into()),
                Step::ClickRow("rerun".into(), shows("Failed")),
            ]);
        },
    );
}

#[test]
fn merging_a_red_pull_request_shows_why_it_was_refused() {
    let site = builtin::load_builtin("coding").unwrap();
    let mut env = Env::by_name(site, "merge-green", EnvConfig::default()).unwrap();
    for seed in 1..=5 {
        env.reset(seed);
        let mut oracle = OraclePolicy::default();
        oracle.begin_episode(&env);
        // Open the pull request, as the recipe does (two steps), then merge at once.
        for _ in 0..2 {
            let action = oracle.act(&env);
            env.step(&action).unwrap();
        }
        assert_eq!(env.page_id(), "pr");
        let merge = env
            .visible_nodes()
            .find(|&i| env.site_key(i) == Some("merge"))
            .expect("a Merge button");
        env.step(&wobble_engine::Action::Click(merge)).unwrap();
        let shown = env.observation_text();
        assert!(
            shown.contains("Merging is blocked: some checks were not successful."),
            "seed {seed}: {shown}"
        );
        env.step(&wobble_engine::Action::Finish).unwrap();
        let o = env.outcome().unwrap();
        assert_eq!(o.reason, "the pull request was not merged", "seed {seed}");
    }
}
