//! The web app's `dist/`, built without Trunk: the same four steps Trunk runs, in the same order
//! and with the same arguments, so `dist/` holds the same files under the same names.
//!
//! ```text
//! cargo build --profile web --target wasm32-unknown-unknown --bin app   (fat LTO: one core)
//!   | meanwhile, on the other core: cargo install wasm-bindgen-cli, npm ci (wasm-opt)
//! wasm-bindgen --target=web --out-name=app --no-typescript  -> app.js, app_bg.wasm
//! wasm-opt -Oz                                             -> app_bg.wasm
//! index.html with its data-trunk links resolved            -> index.html, style.css, boot.js
//! ```
//!
//! `index.html` stays Trunk's input (`trunk serve` still works); [`render_index`] resolves its
//! `data-trunk` links exactly as Trunk 0.22 does with `Trunk.toml`'s `public_url` and
//! `pattern_script`, integrity hashes included, and refuses a link it does not know, so the two
//! builds cannot drift apart silently. The names are fixed: the training worker imports `app.js`
//! by name (`filehash = false` in `Trunk.toml`).

use std::fs;
use std::path::Path;
use std::thread;
use std::time::Instant;

use crate::sri::integrity;
use crate::{run, secs, Browser, Result, Xtask, WASM_TARGET};

/// The binary (and Trunk's `--out-name`) of the app.
const APP: &str = "app";
/// The cargo profile the app is built with (`Trunk.toml`'s `cargo_profile`).
const WEB_PROFILE: &str = "web";

impl Xtask {
    /// Installs what the page's build needs while the app compiles, then writes `dist/`.
    ///
    /// The app's build ends in a fat-LTO link on one core; installing wasm-bindgen-cli (a cargo
    /// build of its own) and `npm ci` run beside it rather than before it.
    pub(crate) fn dist_overlapped(&self) -> Result {
        let started = Instant::now();
        println!("xtask: checking tools; installing what is missing while the app compiles");
        self.ensure_apt_packages(Browser::NotNeeded)?;
        self.ensure_wasm_target()?;
        let bindgen = self.locked_wasm_bindgen()?;
        self.check_trunk_toml(&bindgen)?;
        let (bindgen_cli, node_modules, app) = thread::scope(|s| {
            let bindgen_cli = s.spawn(|| self.ensure_wasm_bindgen(&bindgen));
            let node_modules = s.spawn(|| self.ensure_node_modules());
            let app = self.compile_app();
            let joined = |r: thread::Result<Result>| r.unwrap_or_else(|_| Err("panicked".into()));
            (joined(bindgen_cli.join()), joined(node_modules.join()), app)
        });
        bindgen_cli.map_err(|e| format!("installing wasm-bindgen-cli: {e}"))?;
        node_modules.map_err(|e| format!("installing node_modules: {e}"))?;
        app.map_err(|e| format!("building the app: {e}"))?;
        self.write_dist()?;
        println!("xtask: dist/ written in {}", secs(started.elapsed()));
        Ok(())
    }

    /// `cargo xtask dist` for when the tools are known to be there (`cargo xtask test`).
    pub(crate) fn web_build(&self) -> Result {
        self.compile_app()?;
        self.write_dist()
    }

    /// The app's wasm, as Trunk builds it (`Trunk.toml`'s `cargo_profile`).
    fn compile_app(&self) -> Result {
        run(&mut self.cargo([
            "build",
            "--profile",
            WEB_PROFILE,
            "--target",
            WASM_TARGET,
            "--bin",
            APP,
        ]))
    }

    /// wasm-bindgen, wasm-opt and the page's files, into a fresh `dist/`.
    fn write_dist(&self) -> Result {
        let wasm = self
            .target_dir()
            .join(WASM_TARGET)
            .join(WEB_PROFILE)
            .join(format!("{APP}.wasm"));
        let work = self.target_dir().join("wobble-web");
        let _ = fs::remove_dir_all(&work);
        fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
        run(self
            .cmd("wasm-bindgen")
            .arg("--target=web")
            .arg(format!("--out-dir={}", work.display()))
            .arg(format!("--out-name={APP}"))
            .arg("--no-typescript")
            .arg(&wasm))?;
        let bindgen_wasm = work.join(format!("{APP}_bg.wasm"));
        let optimized = work.join("opt.wasm");
        run(self
            .cmd("wasm-opt")
            .arg(format!("--output={}", optimized.display()))
            .arg("-Oz")
            .arg(&bindgen_wasm))?;

        let read = |path: &Path| {
            fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
        };
        let trunk_toml =
            String::from_utf8_lossy(&read(&self.root.join("Trunk.toml"))?).into_owned();
        let config = PageConfig::from_trunk_toml(&trunk_toml)?;
        let index = String::from_utf8(read(&self.root.join("index.html"))?)
            .map_err(|_| "index.html is not UTF-8".to_string())?;
        let files: Vec<(String, Vec<u8>)> = vec![
            (format!("{APP}.js"), read(&work.join(format!("{APP}.js")))?),
            (format!("{APP}_bg.wasm"), read(&optimized)?),
            ("style.css".into(), read(&self.root.join("style.css"))?),
            ("boot.js".into(), read(&self.root.join("boot.js"))?),
        ];
        let page = render_index(&index, &config, |name| {
            files
                .iter()
                .find(|(file, _)| file == name)
                .map(|(_, bytes)| integrity(bytes))
                .ok_or_else(|| format!("index.html links {name}, which the build does not write"))
        })?;

        let dist = self.root.join("dist");
        let _ = fs::remove_dir_all(&dist);
        fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;
        let write = |name: &str, bytes: &[u8]| {
            let path = dist.join(name);
            fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        for (name, bytes) in &files {
            write(name, bytes)?;
        }
        write("index.html", page.as_bytes())
    }
}

/// What `Trunk.toml` says about the page's URLs and its script tag.
#[derive(Debug, PartialEq)]
pub(crate) struct PageConfig {
    /// `public_url`: the prefix of every URL in the page (`./`, so it works from any sub-path).
    base: String,
    /// `pattern_script` with `{base}` still in it: the tag that replaces the rust link.
    script: String,
}

impl PageConfig {
    pub(crate) fn from_trunk_toml(text: &str) -> Result<Self> {
        let get = |key: &str| {
            toml_string(text, key).ok_or_else(|| format!("Trunk.toml has no string `{key}`"))
        };
        Ok(PageConfig {
            base: get("public_url")?,
            script: get("pattern_script")?,
        })
    }
}

/// The value of the first `key = "..."` line of a TOML file, with `\"` and `\\` unescaped; the
/// xtask has no TOML parser and `Trunk.toml` needs none.
fn toml_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        let v = v.trim().strip_prefix('"')?.strip_suffix('"')?;
        (k.trim() == key).then(|| v.replace("\\\"", "\"").replace("\\\\", "\\"))
    })
}

/// `index.html` as Trunk 0.22 writes it into `dist/`: the css link becomes a stylesheet link
/// with its integrity, the rust link becomes `pattern_script`, the copy-file link disappears
/// (its indentation stays), and the module and the wasm are preloaded right before `</head>`.
/// `integrity(name)` gives a built file's `sha384-…` value.
pub(crate) fn render_index(
    html: &str,
    config: &PageConfig,
    integrity: impl Fn(&str) -> Result<String>,
) -> Result<String> {
    let base = &config.base;
    let mut out = String::with_capacity(html.len() + 512);
    let (mut rust, mut head) = (0, 0);
    for (number, line) in html.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let indent = &body[..body.len() - body.trim_start().len()];
        let tag = body.trim();
        let at = |what: String| format!("index.html:{}: {what}", number + 1);
        if tag.starts_with("<link data-trunk") {
            let attr = |name: &str| attribute(tag, name).ok_or_else(|| at(format!("no {name}=")));
            let rel = attr("rel")?;
            let replacement = match rel.as_str() {
                "css" => {
                    let href = attr("href")?;
                    let sri = integrity(&href).map_err(at)?;
                    format!(r#"<link rel="stylesheet" href="{base}{href}" integrity="{sri}"/>"#)
                }
                "rust" => {
                    // Anything else (another binary, another wasm-opt level) is a Trunk build
                    // this one does not reproduce.
                    for (name, want) in [
                        ("data-bin", APP),
                        ("data-type", "main"),
                        ("data-wasm-opt", "z"),
                    ] {
                        if attr(name)? != want {
                            return Err(at(format!("the direct build expects {name}=\"{want}\"")));
                        }
                    }
                    rust += 1;
                    config.script.replace("{base}", base)
                }
                // Copied as is by the build; Trunk leaves nothing in its place.
                "copy-file" => String::new(),
                other => {
                    return Err(at(format!(
                        "a data-trunk link rel=\"{other}\" the direct build does not know"
                    )))
                }
            };
            out.push_str(indent);
            out.push_str(&replacement);
        } else if tag == "</head>" {
            let js = integrity(&format!("{APP}.js")).map_err(at)?;
            let wasm = integrity(&format!("{APP}_bg.wasm")).map_err(at)?;
            head += 1;
            out.push_str(indent);
            out.push_str(&format!(
                r#"<link rel="modulepreload" href="{base}{APP}.js" crossorigin="anonymous" integrity="{js}"><link rel="preload" href="{base}{APP}_bg.wasm" crossorigin="anonymous" integrity="{wasm}" as="fetch" type="application/wasm"></head>"#
            ));
        } else if tag.contains("data-trunk") {
            return Err(at("a data-trunk link must sit on a line of its own".into()));
        } else {
            out.push_str(body);
        }
        out.push_str(ending);
    }
    match (rust, head) {
        (1, 1) => Ok(out),
        (_, 1) => Err("index.html needs exactly one <link data-trunk rel=\"rust\" …/>".into()),
        _ => Err("index.html needs exactly one `</head>` on a line of its own".into()),
    }
}

/// The value of `name="..."` in a tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(tag[start..start + len].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> PageConfig {
        PageConfig {
            base: "./".into(),
            script: r#"<script type="module" src="{base}boot.js"></script>"#.into(),
        }
    }

    fn fake(name: &str) -> Result<String> {
        Ok(format!("sha384-{name}"))
    }

    #[test]
    fn reads_trunk_toml() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let text = fs::read_to_string(root.join("Trunk.toml")).unwrap();
        assert_eq!(PageConfig::from_trunk_toml(&text).unwrap(), config());
        assert!(PageConfig::from_trunk_toml("public_url = \"./\"").is_err());
    }

    /// Trunk 0.22.1's own output for a page shaped like ours (`trunk build --release`), byte for
    /// byte, with the hashes replaced.
    #[test]
    fn resolves_links_like_trunk() {
        let html = "<html>\n  <head>\n    <link rel=\"icon\" href=\"data:,\" />\n    \
            <link data-trunk rel=\"css\" href=\"style.css\" />\n    \
            <link data-trunk rel=\"rust\" href=\"Cargo.toml\" data-bin=\"app\" data-type=\"main\" data-wasm-opt=\"z\" />\n    \
            <!-- a comment -->\n    <link data-trunk rel=\"copy-file\" href=\"boot.js\" />\n  </head>\n  <body></body>\n</html>\n";
        let want = "<html>\n  <head>\n    <link rel=\"icon\" href=\"data:,\" />\n    \
            <link rel=\"stylesheet\" href=\"./style.css\" integrity=\"sha384-style.css\"/>\n    \
            <script type=\"module\" src=\"./boot.js\"></script>\n    <!-- a comment -->\n    \n  \
            <link rel=\"modulepreload\" href=\"./app.js\" crossorigin=\"anonymous\" integrity=\"sha384-app.js\">\
            <link rel=\"preload\" href=\"./app_bg.wasm\" crossorigin=\"anonymous\" integrity=\"sha384-app_bg.wasm\" as=\"fetch\" type=\"application/wasm\"></head>\n  \
            <body></body>\n</html>\n";
        assert_eq!(render_index(html, &config(), fake).unwrap(), want);
    }

    #[test]
    fn renders_the_repository_page() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let html = fs::read_to_string(root.join("index.html")).unwrap();
        let page = render_index(&html, &config(), fake).unwrap();
        assert!(!page.contains("data-trunk"), "{page}");
        assert!(page.contains(r#"<script type="module" src="./boot.js"></script>"#));
        assert!(page.contains("Content-Security-Policy"));
    }

    #[test]
    fn refuses_what_it_cannot_reproduce() {
        let page = |link: &str| format!("<head>\n{link}\n</head>\n");
        let rust =
            r#"<link data-trunk rel="rust" data-bin="app" data-type="main" data-wasm-opt="z" />"#;
        assert!(render_index(&page(rust), &config(), fake).is_ok());
        let other_bin = rust.replace("\"app\"", "\"other\"");
        let err = render_index(&page(&other_bin), &config(), fake).unwrap_err();
        assert!(err.contains("data-bin=\"app\""), "{err}");
        let sass = r#"<link data-trunk rel="sass" href="a.scss" />"#;
        let err = render_index(&page(&format!("{rust}\n{sass}")), &config(), fake).unwrap_err();
        assert!(
            err.starts_with("index.html:3:") && err.contains("sass"),
            "{err}"
        );
        assert!(render_index("<head>\n</head>\n", &config(), fake).is_err());
        let missing = |name: &str| Err(format!("no {name}"));
        assert!(render_index(&page(rust), &config(), missing).is_err());
    }
}
