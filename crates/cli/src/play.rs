//! `wobble play`: a person plays a task in the terminal, by candidate number
//! or by typing actions (`click 11`, `type 4 Ana`), as an agent would.

use crate::common::Episode;
use crate::observe::print_changes;
use clap::Args;
use std::io::{BufRead, Write};
use std::process::ExitCode;
use wobble_engine::{Action, Env, Key, TypeText};

/// Play a task yourself in the terminal.
#[derive(Args, Debug)]
pub struct PlayArgs {
    #[command(flatten)]
    episode: Episode,
}

const PLAY_HELP: &str = "commands: N (take candidate N) | click ID | type ID TEXT | select ID OPTION | key enter|tab|escape | scroll DY | finish | reset | help | quit";

/// Runs `wobble play`: reads commands from stdin until `quit` or the end of input.
pub fn play(args: PlayArgs) -> Result<ExitCode, String> {
    let mut env = args.episode.open()?;
    let mut seed = args.episode.seed;
    env.reset(seed);
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    outln!("{PLAY_HELP}");
    print_changes(&env);
    loop {
        outln!("\n{}", env.observation_text());
        if env.is_done() {
            outln!("episode over: `reset` for a new one, `quit` to leave");
        } else {
            for (i, a) in env.candidates().iter().enumerate() {
                outln!("  {i:>3}: {}", describe(&env, a));
            }
        }
        out!("> ");
        let _ = out.flush();
        let mut line = String::new();
        if stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?
            == 0
        {
            return Ok(ExitCode::SUCCESS);
        }
        let line = line.trim();
        let action = match parse_play(line, &env) {
            Ok(Some(a)) => a,
            Ok(None) => match line {
                "quit" | "exit" => return Ok(ExitCode::SUCCESS),
                "reset" => {
                    seed += 1;
                    env.reset(seed);
                    print_changes(&env);
                    continue;
                }
                _ => {
                    outln!("{PLAY_HELP}");
                    continue;
                }
            },
            Err(e) => {
                outln!("{e}");
                continue;
            }
        };
        match env.step(&action) {
            Ok(r) => {
                if r.terminated || r.truncated {
                    if let Some(o) = env.outcome() {
                        outln!("reward {} — {}", o.raw_reward, o.reason);
                    }
                }
            }
            Err(e) => outln!("{e}"),
        }
    }
}

/// A candidate as `play` lists it: the element's id (what `click ID` takes), then the phrase
/// the page uses for it.
fn describe(env: &Env, a: &Action) -> String {
    match a.element() {
        Some(id) => format!("[{id}] {}", wobble_engine::describe(env, a)),
        None => wobble_engine::describe(env, a),
    }
}

/// A typed command as an action: `Ok(None)` for a word that is not an action (`reset`, `quit`).
fn parse_play(line: &str, env: &Env) -> Result<Option<Action>, String> {
    if let Ok(i) = line.parse::<usize>() {
        return env
            .candidates()
            .get(i)
            .cloned()
            .map(Some)
            .ok_or_else(|| format!("there is no candidate {i}"));
    }
    let mut parts = line.splitn(3, ' ');
    let verb = parts.next().unwrap_or("");
    let id = |s: Option<&str>| -> Result<u32, String> {
        s.and_then(|s| s.parse().ok())
            .ok_or_else(|| "expected an element id".to_string())
    };
    Ok(Some(match verb {
        "click" => Action::Click(id(parts.next())?),
        "type" => {
            let n = id(parts.next())?;
            Action::Type(n, TypeText::Literal(parts.next().unwrap_or("").to_string()))
        }
        "select" => {
            let n = id(parts.next())?;
            let want = parts.next().unwrap_or("");
            let options = env
                .nodes()
                .get(n as usize)
                .map(|x| x.options.clone())
                .unwrap_or_default();
            let o = want
                .parse::<u16>()
                .ok()
                .or_else(|| options.iter().position(|o| o == want).map(|p| p as u16))
                .ok_or_else(|| format!("no option {want:?}; options are {options:?}"))?;
            Action::Select(n, o)
        }
        "key" => {
            let name = parts.next().unwrap_or("");
            match Key::from_name(name) {
                Some(key) => Action::Key(key),
                None => {
                    return Err(format!(
                        "unknown key {name:?}; expected enter, tab or escape"
                    ))
                }
            }
        }
        "scroll" => Action::Scroll(
            parts
                .next()
                .and_then(|s| s.parse().ok())
                .ok_or("expected a number of pixels")?,
        ),
        "finish" => Action::Finish,
        _ => return Ok(None),
    }))
}
