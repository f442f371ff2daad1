//! `cargo xtask`: Wobble's one-command workflow (the alias lives in `.cargo/config.toml`).
//!
//! | task    | what it does |
//! |---------|--------------|
//! | `setup` | installs whatever is missing, idempotently (see below) |
//! | `serve` | `dist`, then serves `dist/` on <http://127.0.0.1:8080/> (`tests/e2e/serve.mjs`) |
//! | `test`  | `setup`, then fmt, clippy, native tests, wasm tests, a short fuzz run, the Python package's tests, the JavaScript module and its Node tests, the web build, end-to-end tests |
//! | `dist`  | `setup` without the browsers, overlapped with the app's compile, then `dist/` without Trunk ([`web`]) |
//! | `fresh-serve` | times `serve` from a fresh clone with nothing installed, into the README ([`fresh`]) |
//! | `js`    | builds the engine as a JavaScript module into `crates/js/pkg/` (`web/` for pages, `node/` for Node) |
//! | `py`    | builds the Python package (`python/`) into a virtual environment under `target/py` and runs its tests ([`python`]) |
//! | `bless` | `cargo test --workspace --profile ci` (the tests' build) with `WOBBLE_BLESS=1`, so golden-file tests rewrite their expected files |
//! | `gallery` | redraws the README's gallery (`docs/gallery/*.svg`) with `wobble render`, as listed in `docs/gallery/gallery.txt` |
//! | `endurance` | trains for a long time natively and reports the process's memory over the run (see `endurance.rs`) |
//! | `fuzz`  | runs the fuzz targets in `fuzz/` for a while each and prints their executions ([`fuzz`]) |
//! | `bench` | runs every benchmark and writes BENCHMARKS.md and the README's figures ([`bench`]) |
//!
//! `setup` checks each tool's version and installs only what is absent or differs:
//!
//! - the `wasm32-unknown-unknown` rustup target;
//! - wasm-bindgen-cli (`wasm-bindgen`, `wasm-bindgen-test-runner`) at exactly the `wasm-bindgen`
//!   version in `Cargo.lock`: the generated JS glue only loads if CLI and crate agree;
//! - Debian `chromium` and `chromium-driver` (for the end-to-end and in-browser tests),
//!   `firefox-esr` (for the end-to-end tests in Firefox), and `nodejs`/`npm` if Node is missing,
//!   through `apt-get` (with `sudo` when not root);
//! - `node_modules/` from the committed `package-lock.json` via `npm ci` (`playwright-core`, which
//!   drives the system Chromium, and `puppeteer-core`, which drives the system Firefox over
//!   WebDriver BiDi; neither downloads a browser; and `binaryen` for `wasm-opt`), redone only when
//!   the lock changes (a stamp file in `node_modules/` remembers it).
//!
//! Every command runs from the repository root with `node_modules/.bin` and `$CARGO_HOME/bin` (or
//! `$CARGO_INSTALL_ROOT/bin`) at the front of `PATH`. Debian's own binaryen is too old for current
//! rustc output, hence the npm one.
//!
//! Trunk is not installed: building it from source took most of a fresh machine's first
//! `cargo xtask serve`, and [`web`] runs the same steps itself. `Trunk.toml` and `index.html` stay
//! Trunk's, so `trunk serve` still works for whoever has Trunk 0.22; Trunk uses a tool from
//! `PATH` only if its version matches what it expects (wasm-opt: `Trunk.toml`'s
//! `[tools] wasm_opt`; wasm-bindgen: `Cargo.lock`), which `setup` makes so.
//!
//! The crate is std-only on purpose: it has to build in seconds before anything is installed.

mod bench;

use std::env;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

mod endurance;
mod fresh;
mod fuzz;
mod python;
mod sri;
mod web;

/// The binaryen release (npm `binaryen`) whose `wasm-opt` the web build (and Trunk) runs;
/// `Trunk.toml` names it too.
const WASM_OPT_VERSION: &str = "132";
/// The rustup target the web app and the in-browser tests compile to.
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The cargo profile the test steps build with (`Cargo.toml` says why it exists).
const TEST_PROFILE: &str = "ci";
/// Where `cargo xtask serve` listens unless told otherwise.
const SERVE_ADDRESS: &str = "127.0.0.1";
/// See [`SERVE_ADDRESS`].
const SERVE_PORT: &str = "8080";
/// Written into `node_modules/` after a successful `npm ci`; holds a digest of the lock file.
const NPM_STAMP: &str = "node_modules/.wobble-npm-ci.stamp";
/// The crate that wasm-bindgen turns into the JavaScript module.
const JS_CRATE: &str = "wobble-js";
/// Where `cargo xtask js` writes the module: one folder per wasm-bindgen target (git-ignored).
const JS_PKG: &str = "crates/js/pkg";
/// The module's packages: (wasm-bindgen `--target`, folder under [`JS_PKG`], the JavaScript
/// module kind of its `.js` file, for its `package.json`).
const JS_TARGETS: [(&str, &str, &str); 2] =
    [("web", "web", "module"), ("nodejs", "node", "commonjs")];

/// Every failure is reported as one human-readable line.
type Result<T = (), E = String> = std::result::Result<T, E>;

const HELP: &str = "\
usage: cargo xtask <task> [args]

tasks:
  setup    install what is missing (wasm32 target, wasm-bindgen-cli, chromium, firefox-esr,
           node_modules)
  serve    dist, then serve dist/ on http://127.0.0.1:8080/ [--port N]; after a change, run
           `cargo xtask dist` (or serve again) and reload the page
  test     setup, then fmt, clippy, native and wasm tests (profile ci), the Python package's
           tests, 20 s per fuzz target,
           the JavaScript module and its Node tests, the web build, e2e tests
  dist     setup (no browsers) while the app compiles, then wasm-bindgen, wasm-opt and
           index.html into dist/ (the files `trunk build --release` writes; no Trunk needed)
  fresh-serve  clone this commit into a temporary folder with nothing installed (empty target
           and install root, no node_modules), time `cargo xtask serve` until the page
           answers and write the figure into README.md [--port N] [--keep]
  js       build the engine as a JavaScript module: crates/js/pkg/web (ES module for pages)
           and crates/js/pkg/node (for Node); installs only the wasm32 target and wasm-bindgen-cli
  py       build the Python package into target/py (a virtual environment, from PyPI) with
           maturin and run its tests with pytest
  bless    `cargo test --workspace --profile ci` with WOBBLE_BLESS=1: golden-file tests rewrite
           their expected files; review the diff before committing
  gallery  redraw the README's gallery (docs/gallery/*.svg) with `wobble render`, as listed
           in docs/gallery/gallery.txt
  endurance  train for a long time natively (default: 1,000,000 episodes of click-button) and
           report the process's memory over the run; [--episodes N] [--site SITE];
           --browser [MINUTES]: train in the page's worker instead (default 10 minutes)
  fuzz     [--minutes N | --seconds N] [TARGET...]: run the fuzz targets in fuzz/ (all by
           default, 60 s each) with cargo-fuzz on nightly, installing both if missing; fails
           on a crash and names the saved input
  bench    run every benchmark, write BENCHMARKS.md and the README's figures
           ([--quick] [--runs N] [--skip-miniwob] [--report-only])
  break-table  time `wobble break` on each shipped airline agent natively and in Chromium's
           worker, and write the README's break table ([--runs N] [--report-only])
  help     this text
";

fn main() -> ExitCode {
    let mut args = env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();

    let xt = Xtask::new();
    let result = match task.as_deref() {
        Some("setup") => xt.setup(Browser::Needed),
        Some("serve") => xt.serve(&rest),
        Some("test") => xt.test(),
        Some("dist") => xt.dist(),
        Some("fresh-serve") => fresh::fresh_serve(&xt, &rest),
        Some("js") => xt.js(),
        Some("py") => xt.python_tests(),
        Some("bless") => xt.bless(),
        Some("gallery") => xt.gallery(),
        Some("endurance") => xt.endurance(&rest),
        Some("fuzz") => xt.fuzz(&rest),
        Some("bench") => bench::bench(&xt, &rest),
        Some("break-table") => bench::breaks::break_table(&xt, &rest),
        None | Some("help" | "-h" | "--help") => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => {
            eprintln!("xtask: unknown task `{other}`\n");
            eprint!("{HELP}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Whether a task needs the test browsers installed: Chromium (and chromedriver) and Firefox ESR.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Browser {
    Needed,
    NotNeeded,
}

/// Shared state: where the repository is, which cargo to call, and the `PATH` for children.
struct Xtask {
    root: PathBuf,
    cargo: OsString,
    path: OsString,
}

impl Xtask {
    fn new() -> Self {
        // xtask/ sits directly under the repository root.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask lives in a subdirectory of the repository")
            .to_path_buf();
        // `cargo` sets CARGO to itself, so nested calls use the same toolchain.
        let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        // Where `cargo install` puts binaries, so tools are found where they were installed.
        let cargo_bin = env::var_os("CARGO_INSTALL_ROOT")
            .or_else(|| env::var_os("CARGO_HOME"))
            .map(PathBuf::from)
            .or_else(|| env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
            .map(|home| home.join("bin"));
        let mut dirs = vec![root.join("node_modules").join(".bin")];
        dirs.extend(cargo_bin);
        dirs.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
        let path = env::join_paths(dirs).expect("PATH entries contain no separator");
        Xtask { root, cargo, path }
    }

    // ----- tasks -------------------------------------------------------------------------------

    fn setup(&self, browser: Browser) -> Result {
        let started = Instant::now();
        println!("xtask setup: checking tools");
        self.ensure_apt_packages(browser)?;
        self.ensure_wasm_target()?;
        let bindgen = self.locked_wasm_bindgen()?;
        self.check_trunk_toml(&bindgen)?;
        self.ensure_wasm_bindgen(&bindgen)?;
        self.ensure_node_modules()?;
        println!("xtask setup: done in {}", secs(started.elapsed()));
        Ok(())
    }

    /// Builds `dist/` and serves it with the end-to-end tests' static server (Node is needed
    /// anyway, for wasm-opt), which listens on 127.0.0.1 only.
    fn serve(&self, extra: &[String]) -> Result {
        let port = serve_port(extra)?;
        self.dist()?;
        println!("xtask serve: http://{SERVE_ADDRESS}:{port}/ (rebuild with `cargo xtask dist`, then reload)");
        run(self.cmd("node").args(["tests/e2e/serve.mjs", &port]))
    }

    fn dist(&self) -> Result {
        self.dist_overlapped()
    }

    /// Builds the JavaScript module, installing only what that needs.
    fn js(&self) -> Result {
        let started = Instant::now();
        self.ensure_wasm_target()?;
        let bindgen = self.locked_wasm_bindgen()?;
        self.ensure_wasm_bindgen(&bindgen)?;
        self.js_build()?;
        println!("xtask js: done in {}", secs(started.elapsed()));
        Ok(())
    }

    fn bless(&self) -> Result {
        // No setup: only cargo is involved.
        println!("xtask bless: WOBBLE_BLESS=1 rewrites golden files; review `git diff` afterwards");
        let mut test = self.cargo(["test", "--workspace", "--profile", TEST_PROFILE]);
        test.env("WOBBLE_BLESS", "1");
        run(&mut test)
    }

    /// Redraws every image that `docs/gallery/gallery.txt` lists (file name, then the
    /// `wobble render` arguments) with the release build of the command line.
    fn gallery(&self) -> Result {
        let dir = self.root.join("docs").join("gallery");
        let list = dir.join("gallery.txt");
        let text = fs::read_to_string(&list)
            .map_err(|e| format!("cannot read {}: {e}", list.display()))?;
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.split_whitespace();
            let file = words.next().unwrap_or_default();
            let out = Path::new("docs").join("gallery").join(file);
            let mut render = self.cargo(["run", "--quiet", "--release", "-p", "wobble-cli", "--"]);
            render.arg("render").args(words).arg("--out").arg(out);
            run(&mut render)?;
        }
        println!("xtask gallery: done; review `git diff docs/gallery` before committing");
        Ok(())
    }

    fn test(&self) -> Result {
        let mut steps = Steps::default();
        steps.run("setup", || self.setup(Browser::Needed))?;
        steps.run("cargo fmt", || {
            run(&mut self.cargo(["fmt", "--all", "--check"]))
                .map_err(|e| format!("{e}\n  (run `cargo fmt --all` to fix)"))
        })?;
        steps.run("cargo clippy", || {
            run(&mut self.cargo([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))?;
            // The JavaScript module's bindings exist only on wasm32: lint them there too.
            run(&mut self.cargo([
                "clippy",
                "-p",
                JS_CRATE,
                "--target",
                WASM_TARGET,
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))
        })?;
        // The `ci` profile: optimised like release (the oracle tests run thousands of episodes)
        // but without link-time optimisation, so some thirty test binaries build in a third of
        // the time. Floating point does not depend on it: the golden files are the same bits.
        steps.run("cargo test (native)", || {
            run(&mut self.cargo(["test", "--workspace", "--profile", TEST_PROFILE]))
        })?;
        // The runner (`wasm-bindgen-test-runner`, from .cargo/config.toml) uses Node, or headless
        // Chromium through chromedriver for `run_in_browser` tests. No tests is not an error.
        steps.run("cargo test (wasm32)", || {
            run(&mut self.cargo([
                "test",
                "--profile",
                TEST_PROFILE,
                "--target",
                WASM_TARGET,
                "-p",
                "wobble-engine",
                "-p",
                "wobble-screen",
                "-p",
                "wobble-policy",
            ]))
        })?;
        steps.run("python tests", || self.python_tests())?;
        steps.run("fuzz (short)", || self.fuzz_smoke())?;
        steps.run("js build", || self.js_build())?;
        steps.run("js tests (node)", || {
            // The command line the module is compared with: the one the native tests built.
            let wobble = self.target_dir().join(TEST_PROFILE).join("wobble");
            self.node_tests_with("tests/js", &[("WOBBLE_BIN", wobble.as_os_str())])
        })?;
        steps.run("web build", || self.web_build())?;
        steps.run("e2e tests", || self.e2e())?;
        steps.summary("xtask test: all steps passed");
        Ok(())
    }

    // ----- steps -------------------------------------------------------------------------------

    /// Builds `crates/js` for wasm32 with the size-tuned `web` profile, then has wasm-bindgen
    /// write one package per target into [`JS_PKG`]: `web` (an ES module whose default export
    /// fetches the `.wasm`, or `initSync({module})` with its bytes) and `node` (loads it from
    /// disk on `require`/`import`). Each gets TypeScript definitions.
    fn js_build(&self) -> Result {
        run(&mut self.cargo([
            "build",
            "-p",
            JS_CRATE,
            "--target",
            WASM_TARGET,
            "--profile",
            "web",
        ]))?;
        let wasm = self
            .target_dir()
            .join(WASM_TARGET)
            .join("web")
            .join(format!("{}.wasm", JS_CRATE.replace('-', "_")));
        let lock = fs::read_to_string(self.root.join("Cargo.lock"))
            .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
        let version = lock_versions(&lock, JS_CRATE)
            .pop()
            .unwrap_or_else(|| "0.0.0".to_string());
        for (target, folder, kind) in JS_TARGETS {
            let out = Path::new(JS_PKG).join(folder);
            // A fresh folder: nothing left over from an older build can be loaded by mistake.
            let _ = fs::remove_dir_all(self.root.join(&out));
            let mut bindgen = self.cmd("wasm-bindgen");
            bindgen
                .args(["--target", target, "--out-dir"])
                .arg(&out)
                .arg(&wasm);
            run(&mut bindgen)?;
            // Node decides whether a `.js` file is an ES module from the nearest package.json;
            // each folder gets its own, so it loads the same wherever it is copied.
            let manifest = self.root.join(&out).join("package.json");
            fs::write(&manifest, js_package_json(&version, kind))
                .map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
        }
        Ok(())
    }

    /// Cargo's target directory: `$CARGO_TARGET_DIR` when set, else `target/`.
    fn target_dir(&self) -> PathBuf {
        match env::var_os("CARGO_TARGET_DIR").or_else(|| env::var_os("CARGO_BUILD_TARGET_DIR")) {
            Some(dir) => self.root.join(dir),
            None => self.root.join("target"),
        }
    }

    /// Runs every `tests/e2e/*.test.mjs` with `node --test` against the freshly built `dist/`.
    fn e2e(&self) -> Result {
        self.node_tests("tests/e2e")
    }

    /// Runs every `*.test.mjs` in `dir` (relative to the root) with `node --test`.
    fn node_tests(&self, dir: &str) -> Result {
        self.node_tests_with(dir, &[])
    }

    /// Runs `dir`'s `*.test.mjs` files with Node's test runner, with these variables set.
    fn node_tests_with(&self, dir: &str, vars: &[(&str, &std::ffi::OsStr)]) -> Result {
        let dir = self.root.join(dir);
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.to_str().is_some_and(|s| s.ends_with(".test.mjs")))
            .collect();
        if files.is_empty() {
            return Err(format!("no *.test.mjs files in {}", dir.display()));
        }
        // Listing the files ourselves (rather than `node --test tests/e2e/`) keeps the helpers
        // (serve.mjs, browser.mjs) out and behaves the same on every Node version.
        files.sort();
        let mut node = self.cmd("node");
        node.envs(vars.iter().copied()).arg("--test");
        for file in &files {
            node.arg(file.strip_prefix(&self.root).unwrap_or(file));
        }
        run(&mut node)
    }

    // ----- setup pieces ------------------------------------------------------------------------

    fn ensure_apt_packages(&self, browser: Browser) -> Result {
        let mut missing = Vec::new();
        if browser == Browser::Needed {
            if !Path::new("/usr/bin/chromium").exists() {
                missing.push("chromium");
            }
            if !Path::new("/usr/bin/chromedriver").exists() {
                missing.push("chromium-driver");
            }
            if !Path::new("/usr/bin/firefox-esr").exists() {
                missing.push("firefox-esr");
            }
        }
        // Node is needed by every task that builds the page (wasm-opt comes from npm).
        if self.stdout("node", &["--version"]).is_none() {
            missing.push("nodejs");
        }
        if self.stdout("npm", &["--version"]).is_none() {
            missing.push("npm");
        }
        if missing.is_empty() {
            let what = match browser {
                Browser::Needed => "chromium, chromedriver, firefox-esr, node, npm",
                Browser::NotNeeded => "node, npm",
            };
            println!("  ok       {what}");
            return Ok(());
        }
        println!("  install  {} (apt-get)", missing.join(" "));
        let as_root = self.stdout("id", &["-u"]).as_deref() == Some("0");
        let apt = |args: &[&str]| {
            let mut cmd = if as_root {
                self.cmd("apt-get")
            } else {
                let mut sudo = self.cmd("sudo");
                sudo.arg("apt-get");
                sudo
            };
            cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
            run(&mut cmd)
        };
        apt(&["update"])?;
        let mut install = vec!["install", "-y"];
        install.extend(&missing);
        apt(&install)
    }

    fn ensure_wasm_target(&self) -> Result {
        let installed = match self.stdout("rustup", &["target", "list", "--installed"]) {
            Some(list) => list.lines().any(|l| l.trim() == WASM_TARGET),
            None => {
                // No rustup: trust the sysroot, which is all rustc itself looks at.
                let sysroot = self
                    .stdout("rustc", &["--print", "sysroot"])
                    .ok_or("neither rustup nor rustc found on PATH")?;
                let lib = Path::new(&sysroot).join("lib/rustlib").join(WASM_TARGET);
                if !lib.exists() {
                    return Err(format!(
                        "target {WASM_TARGET} is missing and there is no rustup to add it"
                    ));
                }
                true
            }
        };
        if installed {
            println!("  ok       rust target {WASM_TARGET}");
            return Ok(());
        }
        println!("  install  rust target {WASM_TARGET}");
        run(self.cmd("rustup").args(["target", "add", WASM_TARGET]))
    }

    /// The `wasm-bindgen` crate version in `Cargo.lock`, which the CLI must match exactly.
    fn locked_wasm_bindgen(&self) -> Result<String> {
        let lock_path = self.root.join("Cargo.lock");
        if !lock_path.exists() {
            // `cargo run -p xtask` normally writes it already; this covers odd invocations.
            run(&mut self.cargo(["generate-lockfile"]))?;
        }
        let lock = fs::read_to_string(&lock_path)
            .map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;
        let versions = lock_versions(&lock, "wasm-bindgen");
        match versions.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err("Cargo.lock has no `wasm-bindgen` package; the web app depends on it".into()),
            many => Err(format!(
                "Cargo.lock has several wasm-bindgen versions ({}); the CLI can match only one",
                many.join(", ")
            )),
        }
    }

    /// Catches a `Trunk.toml` whose `[tools] wasm_bindgen` has drifted from `Cargo.lock`.
    fn check_trunk_toml(&self, locked: &str) -> Result {
        let trunk_toml = fs::read_to_string(self.root.join("Trunk.toml")).unwrap_or_default();
        let pinned = trunk_toml.lines().find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "wasm_bindgen").then(|| value.trim().trim_matches('"').to_string())
        });
        match pinned {
            Some(pinned) if pinned != locked => Err(format!(
                "Trunk.toml pins wasm_bindgen = \"{pinned}\" but Cargo.lock has {locked}; \
                 change them (and the `=` pin in Cargo.toml) together"
            )),
            _ => Ok(()),
        }
    }

    fn ensure_wasm_bindgen(&self, version: &str) -> Result {
        let cli = self.tool_version("wasm-bindgen", "--version");
        let runner = self.tool_version("wasm-bindgen-test-runner", "--version");
        if cli.as_deref() == Some(version) && runner.as_deref() == Some(version) {
            println!("  ok       wasm-bindgen-cli {version}");
            return Ok(());
        }
        println!(
            "  install  wasm-bindgen-cli {version} (found {}; cargo install, ~4 min)",
            cli.as_deref().unwrap_or("none")
        );
        // No --locked: its lock file pins a webpki-roots the registry mirror lacks (and the
        // lock is resolved whole, so leaving TLS out below does not get around that).
        // --no-default-features leaves out rustls and ring, the slowest part of its build: the
        // test runner's HTTP client only talks to the local chromedriver, never over TLS.
        let mut install = self.cargo([
            "install",
            "wasm-bindgen-cli",
            "--version",
            version,
            "--no-default-features",
            "--force",
        ]);
        // Its own temporary target folder, as `cargo install` has by default: a shared
        // CARGO_TARGET_DIR would make it wait for the app's build (which runs meanwhile) to
        // release the folder's lock.
        install
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET_DIR");
        run(&mut install)?;
        self.expect_version("wasm-bindgen", "--version", version)?;
        self.expect_version("wasm-bindgen-test-runner", "--version", version)
    }

    fn ensure_node_modules(&self) -> Result {
        let lock_path = self.root.join("package-lock.json");
        let manifest = fs::read(self.root.join("package.json"))
            .map_err(|e| format!("cannot read package.json: {e}"))?;
        let lock = fs::read(&lock_path).map_err(|e| {
            format!(
                "cannot read package-lock.json ({e}); create it with `npm install` and commit it"
            )
        })?;
        let digest = format!("{:016x}\n", fnv1a(&[manifest.as_slice(), lock.as_slice()]));
        let stamp = self.root.join(NPM_STAMP);
        if fs::read_to_string(&stamp).ok().as_deref() == Some(digest.as_str()) {
            println!("  ok       node_modules (package-lock.json unchanged)");
        } else {
            println!("  install  node_modules (npm ci)");
            let mut npm = self.cmd("npm");
            // --ignore-scripts and the env vars: nothing may download a browser; the system
            // Chromium and Firefox ESR are the only ones the tests use.
            npm.args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
                .env("PUPPETEER_SKIP_DOWNLOAD", "1");
            run(&mut npm)?;
            fs::write(&stamp, digest)
                .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
        }
        // `wasm-opt --version` prints e.g. `wasm-opt version 132 (version_132)`.
        let wasm_opt = self.stdout("wasm-opt", &["--version"]).unwrap_or_default();
        let found = wasm_opt.split_whitespace().nth(2).unwrap_or("none");
        if found != WASM_OPT_VERSION {
            return Err(format!(
                "wasm-opt on PATH is version {found}, Trunk.toml expects {WASM_OPT_VERSION}; \
                 is `binaryen` in package.json at {WASM_OPT_VERSION}?"
            ));
        }
        println!("  ok       wasm-opt {WASM_OPT_VERSION} (node_modules/.bin)");
        Ok(())
    }

    // ----- process helpers ---------------------------------------------------------------------

    /// A command run from the repository root with our `PATH` (also used to find `program`).
    fn cmd(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.root).env("PATH", &self.path);
        cmd
    }

    fn cargo<const N: usize>(&self, args: [&str; N]) -> Command {
        let mut cmd = Command::new(&self.cargo);
        cmd.current_dir(&self.root)
            .env("PATH", &self.path)
            .args(args);
        cmd
    }

    /// Trimmed stdout of a successful run, or `None` if the program is missing or fails.
    fn stdout(&self, program: &str, args: &[&str]) -> Option<String> {
        let out = self.cmd(program).args(args).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// The second word of `program --version`-style output (`trunk 0.22.1` → `0.22.1`).
    fn tool_version(&self, program: &str, flag: &str) -> Option<String> {
        let out = self.stdout(program, &[flag])?;
        out.split_whitespace().nth(1).map(str::to_string)
    }

    fn expect_version(&self, program: &str, flag: &str, want: &str) -> Result {
        match self.tool_version(program, flag) {
            Some(found) if found == want => Ok(()),
            found => Err(format!(
                "after installing, `{program}` on PATH reports {}, not {want}; \
                 is another copy earlier on PATH?",
                found.as_deref().unwrap_or("nothing")
            )),
        }
    }
}

/// Runs a command with inherited stdio, echoing it first; a non-zero exit is an error.
fn run(cmd: &mut Command) -> Result {
    let line = display(cmd);
    println!("$ {line}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// `program arg arg`, with the environment overrides that matter to a reader (not PATH).
fn display(cmd: &Command) -> String {
    let mut line = String::new();
    for (key, value) in cmd.get_envs() {
        if let (Some(value), false) = (value, key == "PATH") {
            let _ = write!(
                line,
                "{}={} ",
                key.to_string_lossy(),
                value.to_string_lossy()
            );
        }
    }
    let program = cmd.get_program().to_string_lossy();
    // Show `cargo`, not the toolchain's absolute path from $CARGO.
    let program = Path::new(&*program)
        .file_name()
        .map_or(program.to_string(), |name| {
            name.to_string_lossy().into_owned()
        });
    line.push_str(&program);
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// The port of `serve [--port N | --port=N]`, [`SERVE_PORT`] by default; anything else is an
/// error rather than silently ignored.
fn serve_port(args: &[String]) -> Result<String> {
    let port = match args {
        [] => SERVE_PORT,
        [flag, port] if flag == "--port" => port,
        [one] if one.starts_with("--port=") => &one["--port=".len()..],
        _ => {
            return Err(format!(
                "serve takes only `--port N`, not `{}`",
                args.join(" ")
            ))
        }
    };
    match port.parse::<u16>() {
        Ok(n) if n > 0 => Ok(n.to_string()),
        _ => Err(format!("`{port}` is not a port number")),
    }
}

/// Whether `flag` is among `args`, as `--flag value` or `--flag=value`.
fn has_flag(args: &[String], flag: &str) -> bool {
    args.iter()
        .any(|a| a == flag || a.strip_prefix(flag).is_some_and(|r| r.starts_with('=')))
}

/// Every `version` recorded for packages called `name` in a `Cargo.lock`.
fn lock_versions(lock: &str, name: &str) -> Vec<String> {
    let mut versions = Vec::new();
    let mut in_package = false;
    for line in lock.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = false;
        } else if let Some(value) = line.strip_prefix("name = ") {
            in_package = value.trim_matches('"') == name;
        } else if let (true, Some(value)) = (in_package, line.strip_prefix("version = ")) {
            versions.push(value.trim_matches('"').to_string());
        }
    }
    versions
}

/// The `package.json` of one of the JavaScript module's folders; `kind` is `module` or `commonjs`.
fn js_package_json(version: &str, kind: &str) -> String {
    let stem = JS_CRATE.replace('-', "_");
    format!(
        r#"{{
  "name": "{JS_CRATE}",
  "version": "{version}",
  "description": "Wobble's web-agent sandbox engine as a WebAssembly module: mock websites an agent can reset and step, with observations and actions as plain objects.",
  "license": "MIT OR Apache-2.0",
  "type": "{kind}",
  "main": "{stem}.js",
  "types": "{stem}.d.ts",
  "files": ["{stem}.js", "{stem}.d.ts", "{stem}_bg.wasm", "{stem}_bg.wasm.d.ts"]
}}
"#
    )
}

/// FNV-1a over several byte strings: a stable digest for the npm stamp without dependencies
/// (std's `DefaultHasher` may change between Rust releases).
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &byte in part.iter().chain(&[0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// Runs named steps in order, failing fast, and reports how long each took.
#[derive(Default)]
struct Steps {
    done: Vec<(&'static str, Duration)>,
}

impl Steps {
    fn run(&mut self, name: &'static str, step: impl FnOnce() -> Result) -> Result {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = step();
        let elapsed = started.elapsed();
        match result {
            Ok(()) => {
                println!("<== {name}: ok in {}", secs(elapsed));
                self.done.push((name, elapsed));
                Ok(())
            }
            Err(err) => {
                self.summary("steps that passed before the failure:");
                Err(format!(
                    "step `{name}` failed after {}: {err}",
                    secs(elapsed)
                ))
            }
        }
    }

    fn summary(&self, title: &str) {
        println!("\n{title}");
        for (name, elapsed) in &self.done {
            println!("  {name:<22} {:>8}", secs(*elapsed));
        }
        let total: Duration = self.done.iter().map(|(_, d)| *d).sum();
        println!("  {:<22} {:>8}", "total", secs(total));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_locked_versions() {
        let lock = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"
"#;
        assert_eq!(lock_versions(lock, "wasm-bindgen"), ["0.2.130"]);
        assert!(lock_versions(lock, "trunk").is_empty());
    }

    #[test]
    fn recognises_flags() {
        let args = ["--port=9000".to_string(), "--open".to_string()];
        assert!(has_flag(&args, "--port"));
        assert!(has_flag(&args, "--open"));
        assert!(!has_flag(&args, "--address"));
        assert!(!has_flag(&["--portal".to_string()], "--port"));
    }

    #[test]
    fn parses_the_serve_port() {
        let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(serve_port(&[]).unwrap(), SERVE_PORT);
        assert_eq!(serve_port(&args("--port 9000")).unwrap(), "9000");
        assert_eq!(serve_port(&args("--port=9001")).unwrap(), "9001");
        assert!(serve_port(&args("--port 0")).is_err());
        assert!(serve_port(&args("--port x")).is_err());
        assert!(serve_port(&args("--address 0.0.0.0")).is_err());
    }

    #[test]
    fn js_package_json_names_the_module_kind() {
        let json = js_package_json("1.2.3", "commonjs");
        assert!(json.contains("\"version\": \"1.2.3\""));
        assert!(json.contains("\"type\": \"commonjs\""));
        assert!(json.contains("\"main\": \"wobble_js.js\""));
    }

    #[test]
    fn digest_separates_parts() {
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }
}
