//! What a task looks like at a seed: `wobble observe` prints what an agent
//! sees (the text observation, or the agent protocol's JSON), `wobble render`
//! draws a page as a person would see it (SVG), and both say what the
//! perturbations changed.

use crate::common::Episode;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use wobble_engine::Env;
use wobble_policy::Policy;

/// Print the text observation of a task at a seed (what an agent sees).
#[derive(Args, Debug)]
pub struct ObserveArgs {
    #[command(flatten)]
    episode: Episode,
    /// Print the agent protocol's observation as JSON (what the perturbations changed goes to stderr).
    #[arg(long)]
    json: bool,
}

/// Runs `wobble observe`.
pub fn observe(args: ObserveArgs) -> Result<ExitCode, String> {
    let mut env = args.episode.open()?;
    env.reset(args.episode.seed);
    if args.json {
        // Exactly what an agent gets for `{"op":"observe"}`; what the perturbations
        // changed is for the person running it, so it goes to stderr.
        let observation = wobble_engine::protocol::observation(&env);
        outln!(
            "{}",
            serde_json::to_string(&observation).map_err(|e| e.to_string())?
        );
        for line in changes_text(&env) {
            eprintln!("{line}");
        }
    } else {
        out!("{}", env.observation_text());
        print_changes(&env);
    }
    Ok(ExitCode::SUCCESS)
}

/// What the perturbations changed in this episode, one line each (nothing when unperturbed).
pub(crate) fn print_changes(env: &Env) {
    for line in changes_text(env) {
        outln!("{line}");
    }
}

/// The perturbations and what each changed, a line each (nothing when unperturbed).
fn changes_text(env: &Env) -> Vec<String> {
    if env.perturbations().is_empty() {
        return Vec::new();
    }
    let mut lines = vec![format!("perturbations: {}", env.perturbations())];
    for c in env.changes() {
        let mark = if c.applied { "changed" } else { "unchanged" };
        lines.push(format!("  {}:{} {mark}: {}", c.kind, c.severity, c.text));
    }
    lines
}

/// Draw a page of a task at a seed as an SVG file (what a person would see), or as
/// the greyscale PNG screen a screen-reading agent sees.
#[derive(Args, Debug)]
pub struct RenderArgs {
    #[command(flatten)]
    episode: Episode,
    /// Page or dialog to draw (default: the start page); the oracle plays the episode until it shows it.
    #[arg(long)]
    page: Option<String>,
    /// Write the screen as a greyscale PNG: the window at its scroll position, drawn with
    /// the embedded fonts, as a screen agent sees it (the whole page with --whole).
    #[arg(long)]
    png: bool,
    /// Screen pixels per page pixel, for --png (0.1 to 4).
    #[arg(long, default_value_t = 1.0, requires = "png")]
    scale: f32,
    /// With --png, draw the whole page from its top rather than the window.
    #[arg(long, requires = "png")]
    whole: bool,
    /// Where to write the drawing.
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    out: PathBuf,
}

/// Resets at `seed`, has the oracle play until `page` is shown (if it is not the start page),
/// and writes the SVG drawing of that moment to `out`.
pub fn render(args: RenderArgs) -> Result<ExitCode, String> {
    let (page, seed, out) = (args.page.as_deref(), args.episode.seed, args.out.as_path());
    let wanted = if args.png { "png" } else { "svg" };
    let extension = out.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !extension.eq_ignore_ascii_case(wanted) {
        return Err(format!(
            "--out {} should end in .{wanted}: {}",
            out.display(),
            if args.png {
                "--png writes a PNG image"
            } else {
                "without --png, render writes an SVG drawing (add --png for the screen as pixels)"
            }
        ));
    }
    if !(args.scale.is_finite() && (0.1..=4.0).contains(&args.scale)) {
        return Err(format!(
            "--scale {} is out of range: give screen pixels per page pixel from 0.1 to 4",
            args.scale
        ));
    }
    let mut env = args.episode.open()?;
    if let Some(p) = page {
        let site = env.site();
        if !site.pages.iter().any(|pg| pg.id == p) {
            let ids = |dialog: bool| {
                site.pages
                    .iter()
                    .filter(|pg| pg.is_dialog == dialog)
                    .map(|pg| pg.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let dialogs = ids(true);
            return Err(format!(
                "site \"{}\" has no page or dialog \"{p}\"; its pages are: {}{}",
                site.name,
                ids(false),
                if dialogs.is_empty() {
                    String::new()
                } else {
                    format!("; its dialogs: {dialogs}")
                }
            ));
        }
    }
    env.reset(seed);
    if let Some(p) = page {
        // A page is reached when it is shown, a dialog when it is open over one.
        let shows = |env: &wobble_engine::Env| {
            let dialog = env.dialog().and_then(|d| env.site().pages.get(d as usize));
            env.page_id() == p || dialog.is_some_and(|d| d.id == p)
        };
        let mut oracle = wobble_policy::OraclePolicy::default();
        oracle.begin_episode(&env);
        while !shows(&env) {
            if env.is_done() {
                return Err(format!(
                    "the oracle never reached \"{p}\" on seed {seed}: the episode ended on page \"{}\" after {} steps ({})",
                    env.page_id(),
                    env.steps(),
                    env.outcome().map(|o| o.reason.as_str()).unwrap_or("no outcome")
                ));
            }
            let action = oracle.act(&env);
            env.step(&action).map_err(|e| e.to_string())?;
        }
    }
    let bytes = if args.png {
        screen_png(&env, args.scale, args.whole)?
    } else {
        wobble_engine::render::page_svg(&env).into_bytes()
    };
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(out, bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let spec = env.perturbations().to_string();
    outln!(
        "wrote {} ({}/{}, page {}{}, seed {seed}{})",
        out.display(),
        env.site().name,
        env.task_name(),
        env.page_id(),
        env.dialog()
            .and_then(|d| env.site().pages.get(d as usize))
            .map_or(String::new(), |d| format!(", dialog {}", d.id)),
        if spec.is_empty() {
            String::new()
        } else {
            format!(", perturb {spec}")
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// The screen of `env` (its window, or the whole page) as greyscale PNG bytes.
fn screen_png(env: &wobble_engine::Env, scale: f32, whole: bool) -> Result<Vec<u8>, String> {
    use wobble_screen::{Painter, Scene, Screen, View};
    let scene = Scene::of(env);
    let view = if whole {
        View::whole(&scene, scale)
    } else {
        View::window(env, scale)
    };
    let mut screen = Screen::default();
    Painter::new().paint(&scene, view, &mut screen);
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, screen.width, screen.height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|e| format!("cannot encode the PNG: {e}"))?;
    writer
        .write_image_data(&screen.pixels)
        .map_err(|e| format!("cannot encode the PNG: {e}"))?;
    writer
        .finish()
        .map_err(|e| format!("cannot encode the PNG: {e}"))?;
    Ok(bytes)
}
