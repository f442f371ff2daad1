//! `wobble break` as a user runs it: clear errors for bad arguments, and the JSON shape.

use std::process::Command;

fn wobble(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wobble"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_arguments_get_clear_errors() {
    let base = [
        "break",
        "--policy",
        "policies/click-button.json",
        "--site",
        "click-button",
    ];
    for (extra, says) in [
        (&["--threshold", "1.5"][..], "threshold 1.5"),
        (
            &["--kinds", "move,wobble"][..],
            "--kinds: unknown kind \"wobble\"",
        ),
        (&["--budget-episodes", "50"][..], "needs at least 230"),
        (&["--max-kinds", "0"][..], "at least 1"),
        (&["--task", "nope"][..], "nope"),
    ] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let (code, out, err) = wobble(&args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let (code, _, err) = wobble(&[
        "break",
        "--policy",
        "nothing.json",
        "--site",
        "click-button",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read nothing.json"), "{err}");
    let (code, _, err) = wobble(&["break", "--site", "click-button"]);
    assert_eq!(code, 2);
    assert!(err.contains("--policy"), "{err}");
}

#[test]
fn an_agent_with_nothing_to_break_exits_1_and_says_so() {
    // The random agent rarely succeeds: its baseline is already below the threshold.
    let (code, out, _) = wobble(&["break", "--policy", "random", "--site", "airline"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("nothing to break"), "{out}");
}

#[test]
fn json_has_the_search_its_path_and_the_verified_break() {
    // The recorded script clicks where the page was: a cookie modal in the way breaks it.
    let (code, out, err) = wobble(&[
        "break",
        "--policy",
        "script",
        "--site",
        "enter-text",
        "--kinds",
        "popup",
        "--json",
    ]);
    let v: serde_json::Value =
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    assert_eq!(code, 0, "{v}");
    for key in [
        "site",
        "task",
        "policy",
        "config",
        "search_seed",
        "baseline",
        "path",
        "found",
        "episodes",
        "stopped",
    ] {
        assert!(v.get(key).is_some(), "no {key}: {v}");
    }
    let tally = |t: &serde_json::Value| {
        for key in ["episodes", "successes", "success_rate"] {
            assert!(t[key].is_number(), "{t}");
        }
        assert!(
            t["ci95"]["low"].as_f64().unwrap() <= t["ci95"]["high"].as_f64().unwrap(),
            "{t}"
        );
    };
    tally(&v["baseline"]);
    for attempt in v["path"].as_array().unwrap() {
        for key in ["kinds", "severity", "elements"] {
            assert!(attempt["cost"][key].is_u64(), "{attempt}");
        }
        assert!(
            attempt["spec"].as_str().unwrap().starts_with("popup:"),
            "{attempt}"
        );
        assert!(
            attempt["episodes"].is_u64() && attempt["verdict"].is_string(),
            "{attempt}"
        );
        tally(&attempt["agent"]);
    }
    let found = &v["found"];
    assert_eq!(
        v["path"].as_array().unwrap().last().unwrap()["spec"],
        found["spec"]
    );
    tally(&found["agent"]);
    tally(&found["oracle"]);
    assert!(
        found["agent"]["ci95"]["high"].as_f64().unwrap() < 0.5,
        "{found}"
    );
    assert_eq!(found["oracle"]["success_rate"], 1.0);
    assert_eq!(found["kinds"][0][0], "popup");
    assert!(
        found["changes"][0].as_str().unwrap().starts_with("popup:"),
        "{found}"
    );
    assert!(found["verify_seed"].as_u64().unwrap() > v["search_seed"].as_u64().unwrap());
    assert!(v["episodes"].as_u64().unwrap() <= v["config"]["budget_episodes"].as_u64().unwrap());
}
