//! `cargo xtask fresh-serve`: how long a fresh machine waits for its first page.
//!
//! Clones the current commit (`HEAD`; uncommitted changes are not in it) into a temporary folder
//! and runs `cargo xtask serve` there with an empty `CARGO_TARGET_DIR` and `CARGO_INSTALL_ROOT`
//! and no `node_modules`, so the xtask, the app, wasm-bindgen-cli and the Node packages are all
//! built or installed from nothing. What stays is what a fresh machine gets from its package
//! registries without waiting on this project: the Rust toolchain with its wasm32 target,
//! Debian's packages, and the download caches of crates.io (`$CARGO_HOME/registry`) and npm
//! (`~/.npm`). `$CARGO_HOME/bin` is left off `PATH`, so tools installed there are not found.
//!
//! The clock runs from the start of `cargo xtask serve` until `GET /` answers 200 with the page
//! (its `boot.js` tag); the figure, with the machine's cores and load, goes into README.md between
//! `<!-- fresh-serve:begin -->` and `<!-- fresh-serve:end -->`.

use std::env;
use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::{run, Result, Xtask, SERVE_ADDRESS, SERVE_PORT};

/// How long the first page may take before the measurement gives up.
const GIVE_UP: Duration = Duration::from_secs(40 * 60);
/// The README block the figure is written into.
const BLOCK: &str = "fresh-serve";

pub fn fresh_serve(xt: &Xtask, args: &[String]) -> Result {
    let mut port = SERVE_PORT.to_string();
    let mut keep = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => port = args.next().ok_or("--port needs a number")?.clone(),
            "--keep" => keep = true,
            other => return Err(format!("fresh-serve: unknown argument `{other}`")),
        }
    }
    let port: u16 = port
        .parse()
        .map_err(|_| format!("`{port}` is not a port number"))?;
    measure(xt, port, keep).map(|_| ())
}

/// Measures the first page from a fresh clone on `port` and writes the README's line; returns
/// the time it took (`cargo xtask bench` records it too).
pub fn measure(xt: &Xtask, port: u16, keep: bool) -> Result<Duration> {
    // A server already on the port would answer for the one being measured.
    TcpListener::bind((SERVE_ADDRESS, port))
        .map_err(|e| format!("{SERVE_ADDRESS}:{port} is taken ({e}); pass --port N"))?;

    let dir = env::temp_dir().join(format!("wobble-fresh-serve-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let repo = dir.join("wobble");
    let head = xt
        .stdout("git", &["rev-parse", "HEAD"])
        .ok_or("cannot read HEAD with git")?;
    run(xt
        .cmd("git")
        .args(["clone", "--quiet", "--no-hardlinks", "--no-checkout"])
        .arg(&xt.root)
        .arg(&repo))?;
    // This commit, whichever branch the clone's own HEAD points at (a worktree's is not it).
    run(xt
        .cmd("git")
        .arg("-C")
        .arg(&repo)
        .args(["checkout", "--quiet", "--detach", &head]))?;
    let commit = head.get(..10).unwrap_or(&head).to_string();

    let log_path = dir.join("serve.log");
    let log = fs::File::create(&log_path).map_err(|e| format!("cannot create the log: {e}"))?;
    let log_err = log.try_clone().map_err(|e| e.to_string())?;
    let cargo = PathBuf::from(&xt.cargo);
    let mut serve = Command::new(&cargo);
    serve
        .current_dir(&repo)
        .args(["xtask", "serve", "--port", &port.to_string()])
        .env("PATH", fresh_path(&cargo))
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CARGO_INSTALL_ROOT", dir.join("install"))
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err);
    // Its own process group, so the server it ends in can be stopped with it. Elsewhere the
    // measurement works the same, but the server outlives it and must be stopped by hand.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut serve, 0);
    let load_before = load_average();
    println!(
        "xtask fresh-serve: cargo xtask serve in {} (log: {})",
        repo.display(),
        log_path.display()
    );
    let started = Instant::now();
    let mut child = serve
        .spawn()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    let outcome = loop {
        if page_answers(port) {
            break Ok(started.elapsed());
        }
        if let Ok(Some(status)) = child.try_wait() {
            break Err(format!(
                "`cargo xtask serve` exited ({status}) before the page answered"
            ));
        }
        if started.elapsed() > GIVE_UP {
            break Err(format!("no page after {} min", GIVE_UP.as_secs() / 60));
        }
        thread::sleep(Duration::from_millis(500));
    };
    let load_after = load_average();
    // The whole group: cargo, the xtask and the Node server it started.
    let _ = Command::new("kill")
        .args(["-TERM", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.wait();
    let elapsed = match outcome {
        Ok(elapsed) => elapsed,
        Err(err) => {
            return Err(format!("{err}; see {} (kept)", log_path.display()));
        }
    };

    let cores = thread::available_parallelism().map_or(0, |n| n.get());
    let date = xt.stdout("date", &["-u", "+%Y-%m-%d"]).unwrap_or_default();
    let line = figure_line(elapsed, &commit, &date, cores, &load_before, &load_after);
    println!("xtask fresh-serve: {line}");
    let readme_path = xt.root.join("README.md");
    let readme =
        fs::read_to_string(&readme_path).map_err(|e| format!("cannot read README.md: {e}"))?;
    let readme = replace_block(&readme, BLOCK, &line)?;
    fs::write(&readme_path, readme).map_err(|e| format!("cannot write README.md: {e}"))?;
    if keep {
        println!("xtask fresh-serve: kept {}", dir.display());
    } else {
        let _ = fs::remove_dir_all(&dir);
    }
    Ok(elapsed)
}

/// `PATH` without `$CARGO_HOME/bin` (tools installed there must not count), with the toolchain's
/// own folder (where `cargo` and `rustc` are) in its place.
fn fresh_path(cargo: &Path) -> std::ffi::OsString {
    let cargo_home_bin = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .map(|home| home.join("bin"));
    let mut dirs: Vec<PathBuf> = cargo.parent().map(Path::to_path_buf).into_iter().collect();
    dirs.extend(
        env::split_paths(&env::var_os("PATH").unwrap_or_default())
            .filter(|dir| Some(dir) != cargo_home_bin.as_ref()),
    );
    env::join_paths(dirs).unwrap_or_default()
}

/// Whether `GET /` on the port answers 200 with the built page.
fn page_answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect((SERVE_ADDRESS, port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET / HTTP/1.0\r\nHost: {SERVE_ADDRESS}:{port}\r\n\r\n");
    let mut response = Vec::new();
    if stream.write_all(request.as_bytes()).is_err() || stream.read_to_end(&mut response).is_err() {
        return false;
    }
    let response = String::from_utf8_lossy(&response);
    response.starts_with("HTTP/1.1 200") && response.contains("boot.js")
}

/// The first three fields of `/proc/loadavg` (1, 5 and 15 minutes), or `?` off Linux.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "?".into())
}

/// The README's sentence about one measurement.
fn figure_line(
    elapsed: Duration,
    commit: &str,
    date: &str,
    cores: usize,
    load_before: &str,
    load_after: &str,
) -> String {
    let secs = elapsed.as_secs();
    // A one-minute load at or above the core count: other work was competing for the cores.
    let busy = load_before
        .split_whitespace()
        .next()
        .and_then(|load| load.parse::<f64>().ok())
        .is_some_and(|load| load >= cores as f64);
    let shared = if busy {
        " shared with other builds"
    } else {
        ""
    };
    format!(
        "On a fresh clone with nothing built or installed, the first page answered after \
         **{} min {:02} s** (`cargo xtask fresh-serve`, commit {commit}, {date}; {cores} \
         cores{shared}, load average {load_before} at the start and {load_after} at the end).",
        secs / 60,
        secs % 60
    )
}

/// `doc` with the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->` replaced by `text`
/// (the same markers the test kit's generated blocks use).
fn replace_block(doc: &str, name: &str, text: &str) -> Result<String> {
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let start = doc
        .find(&begin)
        .ok_or_else(|| format!("README.md has no `{begin}`"))?
        + begin.len();
    let stop = start
        + doc[start..]
            .find(&end)
            .ok_or_else(|| format!("README.md has no `{end}` after `{begin}`"))?;
    Ok(format!("{}\n{text}\n{}", &doc[..start], &doc[stop..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_the_block() {
        let doc = "a\n<!-- x:begin -->\nold\n<!-- x:end -->\nb\n";
        assert_eq!(
            replace_block(doc, "x", "new").unwrap(),
            "a\n<!-- x:begin -->\nnew\n<!-- x:end -->\nb\n"
        );
        assert!(replace_block(doc, "y", "new").is_err());
        assert!(replace_block("<!-- x:begin -->", "x", "new").is_err());
    }

    #[test]
    fn writes_minutes_and_seconds() {
        let line = figure_line(
            Duration::from_secs(301),
            "abc1234",
            "2026-12-04",
            2,
            "1 2 3",
            "4 5 6",
        );
        assert!(line.contains("**5 min 01 s**"), "{line}");
        assert!(
            line.contains("2 cores, load average 1 2 3 at the start"),
            "{line}"
        );
        let busy = figure_line(Duration::from_secs(59), "c", "d", 2, "2.50 1 1", "0 0 0");
        assert!(busy.contains("**0 min 59 s**"), "{busy}");
        assert!(
            busy.contains("2 cores shared with other builds, load"),
            "{busy}"
        );
    }

    /// The README carries the block, written by this command, exactly once.
    #[test]
    fn readme_has_the_block() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let readme = fs::read_to_string(root.join("README.md")).unwrap();
        let begin = format!("<!-- {BLOCK}:begin -->");
        assert_eq!(readme.matches(&begin).count(), 1);
        let block = &readme[readme.find(&begin).unwrap() + begin.len()..];
        let block = &block[..block.find(&format!("<!-- {BLOCK}:end -->")).unwrap()];
        assert!(block.contains("`cargo xtask fresh-serve`"), "{block}");
    }
}
