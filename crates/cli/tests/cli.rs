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
    // The engine's shipped sites, in its order...
    let shipped: Vec<&str> = wobble_engine::builtin::site_names().collect();
    assert_eq!(sites, shipped);
    // ...which are every file in sites/.
    let mut files: Vec<String> = std::fs::read_dir(wobble_testkit::root().join("sites"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| Some(name.strip_suffix(".ron")?.to_string()))
        .collect();
    files.sort();
    let mut sorted = sites.clone();
    sorted.sort();
    assert_eq!(sorted, files, "sites/ and the shipped sites differ");
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

/// Evaluation never scores a seed training may have played: `eval` and
/// `sweep` refuse seeds below 2^63, saying why, and print intervals.
#[test]
fn eval_and_sweep_refuse_training_seeds_and_print_intervals() {
    for command in ["eval", "sweep"] {
        let (code, _, err) = wobble(&[
            command,
            "--policy",
            "random",
            "--site",
            "click-button",
            "--episodes",
            "10",
            "--seed",
            "1000000",
        ]);
        assert_eq!(code, 2, "{command}: {err}");
        assert!(
            err.contains("training seed") && err.contains("--seed"),
            "{command}: {err}"
        );
    }
    let (code, out, err) = wobble(&[
        "eval",
        "--policy",
        "oracle",
        "--site",
        "click-button",
        "--episodes",
        "20",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("success 100.0% (20/20 episodes, 95% CI 83.9–100.0%)"),
        "{out}"
    );
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
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["episodes"], 50);
    assert_eq!(v["ci95"]["high"], 1.0);
    assert!(v["ci95"]["low"].as_f64().unwrap() > 0.9);
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
    assert!(err.contains("random, oracle or script"), "{err}");
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
    let id = v["elements"]
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

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wobble-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn perturbations_lists_the_catalog() {
    let (code, out, err) = wobble(&["perturbations", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("[{\"kind\":\"move\",\"group\":\"layout\",\"description\":\""),
        "{out}"
    );
    let v = json(&out);
    let kinds = v.as_array().unwrap();
    assert_eq!(kinds.len(), 15);
    let mut names = std::collections::BTreeSet::new();
    for k in kinds {
        let fields: Vec<&String> = k.as_object().unwrap().keys().collect();
        assert_eq!(fields.len(), 3, "{k}");
        for field in ["kind", "group", "description"] {
            assert!(
                !k[field].as_str().unwrap_or("").is_empty(),
                "{field} in {k}"
            );
        }
        names.insert(k["kind"].as_str().unwrap().to_string());
    }
    assert_eq!(names.len(), 15, "kinds are distinct: {names:?}");
    for want in ["relabel", "popup", "extra-step", "number-format", "lazy"] {
        assert!(names.contains(want), "{want} missing from {names:?}");
    }

    let (code, text, _) = wobble(&["perturbations"]);
    assert_eq!(code, 0);
    for name in &names {
        assert!(
            text.lines().any(|l| l.starts_with(name.as_str())),
            "{name} has no line:\n{text}"
        );
    }
    assert!(text.contains("--perturb"), "{text}");
}

#[test]
fn eval_under_perturbations_reports_the_spec_and_the_oracle_still_succeeds() {
    let (code, out, err) = wobble(&[
        "eval",
        "--policy",
        "oracle",
        "--site",
        "airline",
        "--episodes",
        "50",
        "--perturb",
        "popup:3,extra-step:3",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["perturb"], "popup:3,extra-step:3");
    assert_eq!(v["episodes"], 50);
    assert_eq!(v["success_rate"], 1.0, "{v}");
    // The obstacles cost steps: more than the unperturbed run's.
    let (_, plain, _) = wobble(&[
        "eval",
        "--policy",
        "oracle",
        "--site",
        "airline",
        "--episodes",
        "50",
        "--json",
    ]);
    let plain = json(&plain);
    assert_eq!(plain["perturb"], "");
    assert!(v["mean_steps"].as_f64().unwrap() > plain["mean_steps"].as_f64().unwrap());

    // The spec is written canonically, whatever order it was given in.
    let (code, out, err) = wobble(&[
        "eval",
        "--policy",
        "random",
        "--site",
        "click-button",
        "--episodes",
        "5",
        "--perturb",
        "popup, relabel:1",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["perturb"], "relabel:1,popup:2");
}

#[test]
fn a_bad_spec_is_a_clear_error_naming_the_part() {
    let cases: [&[&str]; 5] = [
        &[
            "eval",
            "--policy",
            "oracle",
            "--site",
            "airline",
            "--episodes",
            "1",
        ],
        &["observe", "--site", "airline"],
        &["play", "--site", "airline"],
        &["bench", "--site", "airline", "--seconds", "0.1"],
        &["render", "--site", "airline", "--out", "never-written.svg"],
    ];
    for args in cases {
        let mut args = args.to_vec();
        args.extend(["--perturb", "move,wobble:2"]);
        let (code, out, err) = wobble(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?} printed {out}");
        assert!(
            err.starts_with("error: ")
                && err.contains("perturbation 2 (\"wobble:2\")")
                && err.contains("unknown kind \"wobble\"")
                && err.contains("swap-columns"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    let (code, _, err) = wobble(&["observe", "--site", "airline", "--perturb", "relabel:7"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("\"relabel:7\"") && err.contains("severity"),
        "{err}"
    );
    assert!(!std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../never-written.svg"
    ))
    .exists());
}

#[test]
fn observe_reports_what_the_perturbations_changed() {
    let (code, out, err) = wobble(&[
        "observe",
        "--site",
        "airline",
        "--seed",
        "3",
        "--perturb",
        "relabel:3",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    // stdout is the agent protocol's observation, nothing more; the changes go to stderr.
    let v = json(&out);
    assert_eq!(v["type"], "observation");
    assert!(
        v.get("changes").is_none() && v.get("perturb").is_none(),
        "{v}"
    );
    assert!(err.starts_with("perturbations: relabel:3\n"), "{err}");
    let change = err
        .lines()
        .find(|l| l.starts_with("  relabel:3 changed: ") && l.contains("Search flights"))
        .unwrap_or_else(|| panic!("seed 3 relabels the search button: {err}"));
    let button = v["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["selector"] == "search_button")
        .unwrap();
    assert!(
        v["elements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n.get("key").is_none()),
        "observations carry no engine keys"
    );
    assert_ne!(button["label"], "Search flights");
    assert!(
        change.contains(button["label"].as_str().unwrap()),
        "{change}"
    );

    let (_, plain, err) = wobble(&["observe", "--site", "airline", "--seed", "3", "--json"]);
    assert_eq!(json(&plain)["type"], "observation");
    assert_eq!(err, "", "no perturbations, nothing changed");

    let (code, text, _) = wobble(&[
        "observe",
        "--site",
        "airline",
        "--seed",
        "3",
        "--perturb",
        "popup:2",
    ]);
    assert_eq!(code, 0);
    assert!(text.contains("perturbations: popup:2"), "{text}");
    assert!(text.contains("dialog"), "{text}");
}

#[test]
fn render_writes_an_svg_of_the_start_page_or_the_page_asked_for() {
    let dir = scratch("render");
    let start = dir.join("search.svg");
    let (code, out, err) = wobble(&[
        "render",
        "--site",
        "airline",
        "--seed",
        "3",
        "--perturb",
        "popup:2",
        "--out",
        start.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(start.to_str().unwrap()), "{out}");
    let svg = std::fs::read_to_string(&start).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains(">SkyWays</text>") && svg.contains("data-page=\"search\""));
    assert!(svg.contains("data-perturb=\"popup:2\"") && svg.contains("class=\"backdrop\""));

    // Another page: the oracle plays until it is shown.
    let results = dir.join("nested").join("results.svg");
    let (code, out, err) = wobble(&[
        "render",
        "--site",
        "airline",
        "--page",
        "results",
        "--seed",
        "3",
        "--out",
        results.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("page results"), "{out}");
    let svg = std::fs::read_to_string(&results).unwrap();
    assert!(svg.contains("data-page=\"results\"") && svg.contains(">Select</text>"));

    let (code, _, err) = wobble(&[
        "render",
        "--site",
        "airline",
        "--page",
        "checkout",
        "--out",
        dir.join("x.svg").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no page or dialog \"checkout\"") && err.contains("payment"),
        "{err}"
    );

    // A dialog is drawn open over its page.
    let compose = dir.join("compose.svg");
    let (code, out, err) = wobble(&[
        "render",
        "--site",
        "inbox",
        "--page",
        "compose",
        "--out",
        compose.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("dialog compose"), "{out}");
    let svg = std::fs::read_to_string(&compose).unwrap();
    assert!(
        svg.contains("Forward message"),
        "the dialog's title is drawn"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn render_png_writes_the_greyscale_window_at_its_scale() {
    let dir = scratch("render-png");
    let out_path = dir.join("screen.png");
    let (code, out, err) = wobble(&[
        "render",
        "--site",
        "airline",
        "--seed",
        "3",
        "--perturb",
        "font:3",
        "--png",
        "--scale",
        "0.5",
        "--out",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("screen.png"), "{out}");
    let png = std::fs::read(&out_path).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |i: usize| u32::from_be_bytes(png[i..i + 4].try_into().unwrap());
    // The airline's window is 720 by 640 page pixels.
    assert_eq!((be(16), be(20)), (360, 320));
    assert_eq!((png[24], png[25]), (8, 0), "8-bit greyscale");

    let (code, _, err) = wobble(&[
        "render",
        "--site",
        "airline",
        "--png",
        "--out",
        dir.join("x.svg").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("should end in .png"), "{err}");
    let (code, _, err) = wobble(&[
        "render",
        "--site",
        "airline",
        "--png",
        "--scale",
        "9",
        "--out",
        dir.join("x.png").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--scale 9 is out of range"), "{err}");
    let (code, _, err) = wobble(&[
        "render",
        "--site",
        "airline",
        "--out",
        dir.join("x.png").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("add --png"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// The README's gallery images are what `wobble render` draws now (`cargo xtask gallery`
/// redraws them; so does `cargo xtask bless`, through this test).
#[test]
fn the_gallery_is_fresh() {
    let root = wobble_testkit::root();
    let gallery = root.join("docs/gallery");
    let list = std::fs::read_to_string(gallery.join("gallery.txt")).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let dir = scratch("gallery");
    let mut listed = Vec::new();
    for line in list.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let file = words.next().unwrap().to_string();
        let fresh = dir.join(&file);
        let mut args: Vec<&str> = vec!["render"];
        args.extend(words);
        args.extend(["--out", fresh.to_str().unwrap()]);
        let (code, _, err) = wobble(&args);
        assert_eq!(code, 0, "{line}: {err}");
        let drawn = std::fs::read_to_string(&fresh).unwrap();
        wobble_testkit::golden_file(gallery.join(&file), &drawn);
        assert!(
            readme.contains(&format!("docs/gallery/{file}")),
            "README.md does not show {file}"
        );
        listed.push(file);
    }
    assert!(listed.len() >= 4, "{listed:?}");
    let mut on_disk: Vec<String> = std::fs::read_dir(&gallery)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".svg"))
        .collect();
    on_disk.sort();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "docs/gallery holds images gallery.txt does not list"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn train_writes_a_policy_that_eval_and_sweep_read() {
    let out_file = scratch("train").join("login-policy.json");
    let path = out_file.to_str().unwrap();
    let (code, out, err) = wobble(&[
        "train",
        "--site",
        "login-user",
        "--episodes",
        "1500",
        "--seed",
        "1",
        "--out",
        path,
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert!(v["success_rate"].as_f64().unwrap() >= 0.95, "{v}");
    assert!(v["training"].as_str().unwrap().contains("ppo"), "{v}");
    let saved = json(&std::fs::read_to_string(&out_file).unwrap());
    assert_eq!(saved["format"], "wobble-policy");
    assert!(saved["provenance"]["command"]
        .as_str()
        .unwrap()
        .contains("--episodes 1500"));
    let (code, out, err) = wobble(&[
        "eval",
        "--policy",
        path,
        "--site",
        "login-user",
        "--episodes",
        "50",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(json(&out)["success_rate"].as_f64().unwrap() >= 0.9);
    let csv = scratch("sweep").join("sweep.csv");
    let svg = scratch("sweep").join("sweep.svg");
    let sweep_json = scratch("sweep").join("sweep.json");
    let (code, out, err) = wobble(&[
        "sweep",
        "--policy",
        path,
        "--site",
        "login-user",
        "--episodes",
        "20",
        "--kinds",
        "relabel,popup",
        "--csv",
        csv.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
        "--json",
        sweep_json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("relabel") && out.contains("unperturbed"),
        "{out}"
    );
    let written = json(&std::fs::read_to_string(&sweep_json).unwrap());
    assert_eq!(written["cells"].as_array().unwrap().len(), 6);
    let (code, out, _) = wobble(&[
        "sweep",
        "--policy",
        "oracle",
        "--site",
        "click-button",
        "--episodes",
        "5",
        "--kinds",
        "move",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(json(&out)["baseline"]["success_rate"], 1.0);
    assert_eq!(std::fs::read_to_string(&csv).unwrap().lines().count(), 8);
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
}

#[test]
fn sweep_agents_puts_agents_side_by_side_or_says_what_is_wrong() {
    let csv = scratch("sweep-agents").join("agents.csv");
    let (code, out, err) = wobble(&[
        "sweep",
        "--agents",
        "reader=policies/login-user.json,script,chance=random",
        "--site",
        "login-user",
        "--episodes",
        "10",
        "--kinds",
        "rename-selectors",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let header = out.lines().nth(1).unwrap();
    assert!(
        header.contains("reader") && header.contains("script") && header.contains("chance"),
        "{out}"
    );
    assert!(out.contains("rename-selectors:3"), "{out}");
    let written = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(written.lines().count(), 1 + 3 * 4, "{written}");
    for (args, wanted) in [
        (&["--agents", "a=random,a=oracle"][..], "given twice"),
        (&["--agents", "a="][..], "NAME=POLICY"),
        (&["--agents", "x=nothing.json"][..], "--agents x"),
        (
            &["--agents", "random", "--policy", "oracle"][..],
            "cannot be used with",
        ),
        (&[][..], "--policy"),
    ] {
        let mut all = vec!["sweep", "--site", "login-user", "--episodes", "2"];
        all.extend(args);
        let (code, _, err) = wobble(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(wanted), "{args:?}: {err}");
    }
}

/// `--threads` changes the speed, not the policy: the files written on one,
/// two and three threads are the same, byte for byte, and their recorded
/// command leaves the option out.
#[test]
fn train_threads_write_the_same_policy_file() {
    let dir = scratch("train-threads");
    let path = dir.join("policy.json");
    let path = path.to_str().unwrap();
    let mut files = Vec::new();
    for threads in ["1", "2", "3"] {
        let (code, _, err) = wobble(&[
            "train",
            "--site",
            "bank",
            "--episodes",
            "96",
            "--warm-start",
            "20",
            "--perturb",
            "popup:2@0.5",
            "--threads",
            threads,
            "--eval",
            "10",
            "--out",
            path,
            "--quiet",
        ]);
        assert_eq!(code, 0, "{err}");
        files.push(std::fs::read_to_string(path).unwrap());
    }
    assert!(files[1] == files[0], "2 threads trained another policy");
    assert!(files[2] == files[0], "3 threads trained another policy");
    let command = json(&files[0])["provenance"]["command"].to_string();
    assert!(!command.contains("--threads"), "{command}");
    assert!(command.contains("--episodes 96"), "{command}");
}

#[test]
fn training_mistakes_are_clear_errors() {
    let out = scratch("never").join("never.json");
    let out = out.to_str().unwrap();
    for (args, needle) in [
        (
            vec!["train", "--site", "airline", "--algo", "sgd", "--out", out],
            "unknown algorithm \"sgd\"",
        ),
        (
            vec![
                "train",
                "--site",
                "airline",
                "--activation",
                "relu",
                "--out",
                out,
            ],
            "--activation: unknown activation \"relu\"",
        ),
        (
            vec![
                "bench",
                "--site",
                "airline",
                "--train",
                "--activation",
                "relu",
            ],
            "--activation: unknown activation \"relu\"",
        ),
        (
            vec![
                "train",
                "--site",
                "airline",
                "--features",
                "colour",
                "--out",
                out,
            ],
            "unknown feature group \"colour\"",
        ),
        (
            vec![
                "train",
                "--site",
                "airline",
                "--perturb",
                "move@2",
                "--out",
                out,
            ],
            "not between 0 and 1",
        ),
        (
            vec!["eval", "--policy", "missing.json", "--site", "airline"],
            "cannot read missing.json",
        ),
        (
            vec![
                "sweep", "--policy", "oracle", "--site", "airline", "--kinds", "wobble",
            ],
            "unknown kind \"wobble\"",
        ),
    ] {
        let (code, _, err) = wobble(&args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let bad = scratch("bad").join("bad-policy.json");
    std::fs::write(&bad, "{\"format\": \"wobble-policy\", \"version\": 7}").unwrap();
    let (code, _, err) = wobble(&[
        "eval",
        "--policy",
        bad.to_str().unwrap(),
        "--site",
        "airline",
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("version 7"), "{err}");
}

#[test]
fn bench_measures_training() {
    let (code, out, err) = wobble(&[
        "bench",
        "--train",
        "--site",
        "click-button",
        "--episodes",
        "600",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert!(v["episodes_per_sec"].as_f64().unwrap() > 0.0);
    assert!(v["episodes_to_90"].as_u64().is_some(), "{v}");
    // Every episode takes at least one step, and the rate is of those steps.
    let steps = v["steps"].as_u64().unwrap();
    assert!(steps >= 600, "{v}");
    let per_sec = steps as f64 / v["seconds"].as_f64().unwrap();
    assert!(
        (v["steps_per_sec"].as_f64().unwrap() / per_sec - 1.0).abs() < 1e-9,
        "{v}"
    );
}

#[test]
fn files_over_the_size_limits_are_refused_before_they_are_read() {
    let dir = scratch("limits");
    // A site file of 1 MiB + 1 byte of comment, a policy file and an episode of 8 MiB + 1 byte.
    let site = dir.join("big.ron");
    std::fs::write(&site, format!("//{}", " ".repeat((1 << 20) - 1))).unwrap();
    let policy = dir.join("big.json");
    std::fs::write(&policy, " ".repeat((8 << 20) + 1)).unwrap();
    let site = site.to_str().unwrap();
    let policy = policy.to_str().unwrap();

    let (code, out, _) = wobble(&["check", site]);
    assert_ne!(code, 0);
    assert!(
        out.contains("big.ron: the site file is 1.0 MiB; site files over 1 MiB are refused"),
        "{out}"
    );
    let (code, _, err) = wobble(&[
        "eval",
        "--site",
        "click-button",
        "--policy",
        policy,
        "--episodes",
        "1",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("big.json: the policy file is 8.0 MiB; policy files over 8 MiB are refused"),
        "{err}"
    );
    let (code, _, err) = wobble(&[
        "train",
        "--site",
        "click-button",
        "--episodes",
        "1",
        "--demos",
        policy,
        "--quiet",
        "--out",
        dir.join("out.json").to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("episode files over 8 MiB are refused"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn link_prints_an_address_that_carries_the_policy_bit_for_bit() {
    let (code, out, err) = wobble(&[
        "link",
        "--policy",
        "policies/airline.json",
        "--page",
        "https://example.org/wobble/",
    ]);
    assert_eq!(code, 0, "{err}");
    let text = out
        .trim()
        .strip_prefix("https://example.org/wobble/#policy=")
        .unwrap_or_else(|| panic!("{out}"));
    let from_link = wobble_policy::learned::link::from_link_text(text).unwrap();
    let file = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../policies/airline.json"
    ))
    .unwrap();
    let from_file = wobble_policy::LearnedPolicy::from_json(&file).unwrap();
    assert_eq!(from_link.to_json(), from_file.to_json());

    let (code, _, err) = wobble(&[
        "link",
        "--policy",
        "policies/airline.json",
        "--page",
        "ftp://x",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--page \"ftp://x\""), "{err}");
    let (code, _, err) = wobble(&["link", "--policy", "sites/README.md"]);
    assert_eq!(code, 2);
    assert!(err.contains("sites/README.md: "), "{err}");
}

/// `check` plays every task with the oracle (`--seeds` episodes under each
/// perturbation), and refuses a recipe whose goal can name an option the
/// select lacks at the line of the step that selects it.
#[test]
fn check_plays_the_oracle_and_refuses_a_goal_outside_the_options() {
    let (code, out, _) = wobble(&["check", "sites/choose-list.ron", "--seeds", "5"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("every check holds"), "{out}");
    assert!(out.contains("solved 80 of 80 episodes"), "{out}");

    let good = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../sites/choose-list.ron"
    ))
    .unwrap();
    let bad = good.replacen(
        "options: List(\"countries\")",
        "options: Items([\"Argentina\", \"Australia\"])",
        1,
    );
    assert_ne!(good, bad, "test setup: the edit must apply");
    let dir = scratch("check-options");
    let site = dir.join("short.ron");
    std::fs::write(&site, &bad).unwrap();
    let (code, out, _) = wobble(&["check", site.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let step = bad.find("Select(\"country\"").unwrap();
    let line = bad[..step].matches('\n').count() + 1;
    assert!(out.contains(&format!("short.ron:{line}:")), "{out}");
    assert!(
        out.contains("which is not among the options of \"country\""),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Arguments that would silently do nothing useful are refused, saying why.
#[test]
fn training_that_would_do_nothing_and_zero_threads_are_refused() {
    let out = scratch("refused").join("p.json");
    let out = out.to_str().unwrap();
    let base = [
        "train",
        "--site",
        "click-button",
        "--algo",
        "bc",
        "--out",
        out,
    ];
    let (code, _, err) = wobble(&[&base[..], &["--episodes", "0"]].concat());
    assert_eq!(code, 2);
    assert!(
        err.contains("--episodes: is 0, so --algo bc would clone nothing"),
        "{err}"
    );
    let (code, _, err) = wobble(&[&base[..], &["--episodes", "5", "--warm-start", "30"]].concat());
    assert_eq!(code, 2);
    assert!(
        err.contains("--warm-start: has no effect with --algo bc"),
        "{err}"
    );
    for command in [
        &[
            "eval",
            "--site",
            "click-button",
            "--policy",
            "oracle",
            "--episodes",
            "3",
        ][..],
        &[
            "train",
            "--site",
            "click-button",
            "--episodes",
            "3",
            "--out",
            out,
        ][..],
    ] {
        let (code, _, err) = wobble(&[command, &["--threads", "0"]].concat());
        assert_eq!(code, 2, "{command:?}");
        assert!(err.contains("must be at least 1"), "{err}");
    }
}
