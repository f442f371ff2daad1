//! # Wobble's environment engine
//!
//! Mock websites are data ([`format`], written as RON files under `sites/`).
//! [`load_site`] parses and compiles one into a [`Site`], resolving every
//! name once. An [`Env`] runs one task of a site with a Gymnasium-shaped API:
//!
//! ```text
//! site file --load_site--> Site --Env::new--> Env
//!   Env::reset(seed)      goal sampled, tables generated, pages laid out (taffy)
//!   Env::step(&Action)    effects run, visibility re-evaluated, reward on the last step
//!   observation           instruction + goal fields, semantic tree, boxes, selectors
//! ```
//!
//! Callers open environments through [`catalog`] ([`open`], [`Catalog`]),
//! which does those first two steps the same way for all of them.
//! The engine knows nothing of browsers; the web app, the `wobble` command
//! line and the JavaScript module drive this same code. Outside agents see
//! it through [`protocol`]: observations, actions and step results as JSON
//! values, the same for the command line's JSON lines and for JavaScript.
//! Everything is deterministic: the same seed and the same actions give the
//! same episode, bit for bit, natively and on wasm32 (integer random numbers,
//! no platform float functions).
#![forbid(unsafe_code)]
// Site files, perturbation specs, episodes, policies and protocol lines are user input:
// nothing here may panic on them, so no unwrap, no expect and no unchecked indexing.
// Tests may (clippy.toml); a proven-safe index keeps a narrow allow with its reason.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod action;
pub mod builtin;
pub mod calendar;
pub mod catalog;
pub mod check;
pub mod compile;
pub mod env;
pub mod episode;
pub mod eval;
pub mod format;
pub mod layout;
pub mod limits;
pub mod obs;
pub mod perturb;
pub mod protocol;
pub mod render;
pub mod rng;
pub mod site;
pub mod text;

pub use action::{describe, Action, Key, TypeText};
pub use catalog::{open, Blueprint, Catalog, OpenError, Source};
pub use compile::{load_site, SiteError};
pub use env::{Env, EnvConfig, Node, Outcome, RewardMode, StepError, StepResult};
pub use episode::{EpisodeRecord, Recorder, ReplayError};
pub use layout::Rect;
pub use perturb::{Change, Kind, PerturbSpec, SpecError};
pub use site::{Role, Site};
