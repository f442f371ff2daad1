//! The `wobble` binary as a user runs it: JSON shapes, exit codes, located errors.

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

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("not one JSON value ({e}): {s}"))
}

#[test]
fn list_prints_every_site_with_its_tasks() {
    let (code, out, _) = wobble(&["list", "--json"]);
    assert_eq!(code, 0);
    let v = json(&out);
    let sites: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["site"].as_str().unwrap())
        .collect();
    for want in [
        "click-button",
        "enter-text",
        "login-user",
        "choose-list",
        "click-checkboxes",
        "choose-date",
        "airline",
        "bank",
    ] {
        assert!(sites.contains(&want), "{want} missing from {sites:?}");
    }
    let airline = v
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["site"] == "airline")
        .unwrap();
    assert_eq!(airline["tasks"][0], "book-flight");
}

#[test]
fn check_passes_on_the_shipped_sites_and_locates_a_broken_file() {
    let (code, out, _) = wobble(&["check", "sites", "--json"]);
    assert_eq!(code, 0, "{out}");
    assert!(json(&out)
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["ok"] == true));

    let dir = std::env::temp_dir().join(format!("wobble-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../sites/enter-text.ron"
    ))
    .unwrap();
    let bad = good.replacen("on_click: [End]", "on_click: [Navigate(\"thanks\")]", 1);
    assert_ne!(good, bad, "test setup: the edit must apply");
    let path = dir.join("broken.ron");
    std::fs::write(&path, &bad).unwrap();
    let (code, out, _) = wobble(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let line = bad[..bad.find("\"thanks\"").unwrap()].matches('\n').count() + 1;
    assert!(out.contains(&format!("broken.ron:{line}:")), "{out}");
    assert!(out.contains("no page has the id \"thanks\""), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn eval_reports_the_oracle_solving_the_airline() {
    let (code, out, err) = wobble(&[
        "eval",
        "--policy",
        "oracle",
        "--site",
        "airline",
        "--task",
        "book-flight",
        "--episodes",
        "50",
        "--seed",
        "1",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["episodes"], 50);
    assert_eq!(v["success_rate"], 1.0);
    assert_eq!(v["mean_return"], 1.0);
    assert!(v["mean_steps"].as_f64().unwrap() > 5.0);
}

#[test]
fn bench_reports_rates() {
    let (code, out, err) = wobble(&[
        "bench",
        "--site",
        "click-button",
        "--seconds",
        "0.2",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert!(v["steps_per_sec"].as_f64().unwrap() > 0.0);
    assert!(v["resets_per_sec"].as_f64().unwrap() > 0.0);
}

#[test]
fn unknown_names_are_clear_errors() {
    let (code, _, err) = wobble(&[
        "eval",
        "--policy",
        "oracle",
        "--site",
        "airlines",
        "--episodes",
        "1",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no site is named \"airlines\"") && err.contains("airline"),
        "{err}"
    );
    let (code, _, err) = wobble(&[
        "eval",
        "--policy",
        "genius",
        "--site",
        "airline",
        "--episodes",
        "1",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("random or oracle"), "{err}");
    let (code, _, err) = wobble(&[
        "eval",
        "--policy",
        "oracle",
        "--site",
        "airline",
        "--task",
        "fly",
        "--episodes",
        "1",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("book-flight"), "{err}");
}

#[test]
fn play_takes_typed_commands_and_shows_the_reward() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_wobble"))
        .args(["play", "--site", "click-button", "--seed", "4"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Find the target in the first screen by asking `observe` for the same seed.
    let (_, obs, _) = wobble(&["observe", "--site", "click-button", "--seed", "4", "--json"]);
    let v = json(&obs);
    let target = v["goal"]["target"].as_str().unwrap().to_string();
    let id = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["role"] == "button" && n["label"] == target.as_str())
        .unwrap()["id"]
        .as_u64()
        .unwrap();
    child
        .stdin
        .as_mut()
        .unwrap()
        .write_all(format!("click {id}\nquit\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("reward 1"), "{text}");
}
