//! A [`Batch`] spread over threads: each thread owns a contiguous part of
//! the environments (an engine environment stays on the thread that made
//! it) and writes that part's arrays into its own [`Frame`], which the
//! caller reads after every step. The parts play exactly the seeds that one
//! batch of the same size would, so the arrays are the same bits whatever
//! the number of threads (a test checks it).
//!
//! ```text
//! caller --Reset(seed) / Step(actions[part])--> worker t: Batch::part --> Frame t (Arc<Mutex>)
//! caller <--------------- Ok / GymError ------- worker t
//! caller reads Frame 0, Frame 1, ... in order
//! ```

use crate::batch::{Batch, Frame, MAX_ENVS};
use crate::{GymError, Recipe};
use std::ops::Range;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

enum Command {
    Reset(u64),
    Step(Vec<i64>),
}

struct Worker {
    commands: Option<Sender<Command>>,
    replies: Receiver<Result<(), GymError>>,
    frame: Arc<Mutex<Frame>>,
    range: Range<usize>,
    handle: Option<JoinHandle<()>>,
}

/// `n` rl-mode environments stepped by `threads` threads.
pub struct Pool {
    workers: Vec<Worker>,
    n: usize,
    max: usize,
    started: bool,
}

/// What a stopped worker thread reports.
const GONE: &str = "a worker thread of the batch has stopped";

impl Pool {
    /// `n` environments made from `recipe`, stepped by `threads` threads
    /// (at most one per environment).
    pub fn new(recipe: &Recipe, n: usize, threads: usize) -> Result<Pool, String> {
        if !(1..=MAX_ENVS).contains(&n) {
            return Err(format!(
                "n must be from 1 to {MAX_ENVS} environments, got {n}"
            ));
        }
        if !(1..=256).contains(&threads) {
            return Err(format!("threads must be from 1 to 256, got {threads}"));
        }
        let threads = threads.min(n);
        let mut workers = Vec::with_capacity(threads);
        let mut start = 0;
        for t in 0..threads {
            let count = n / threads + usize::from(t < n % threads);
            let range = start..start + count;
            start += count;
            let (commands, inbox) = channel::<Command>();
            let (outbox, replies) = channel();
            let frame = Arc::new(Mutex::new(Frame::default()));
            let shared = Arc::clone(&frame);
            let recipe = recipe.clone();
            let offset = range.start as u64;
            let handle = std::thread::Builder::new()
                .name(format!("wobble-batch-{t}"))
                .spawn(move || {
                    let batch = Batch::part(recipe.open(), count, offset, n as u64);
                    let mut batch = match batch {
                        Ok(b) => b,
                        Err(_) => return,
                    };
                    if let Ok(mut f) = shared.lock() {
                        *f = batch.frame();
                    }
                    while let Ok(command) = inbox.recv() {
                        let Ok(mut frame) = shared.lock() else { return };
                        let reply = match command {
                            Command::Reset(seed) => {
                                batch.reset(seed, &mut frame);
                                Ok(())
                            }
                            Command::Step(actions) => batch.step(&actions, &mut frame),
                        };
                        drop(frame);
                        if outbox.send(reply).is_err() {
                            return;
                        }
                    }
                })
                .map_err(|e| format!("cannot start a thread for the batch: {e}"))?;
            workers.push(Worker {
                commands: Some(commands),
                replies,
                frame,
                range,
                handle: Some(handle),
            });
        }
        Ok(Pool {
            workers,
            n,
            max: recipe.max_candidates(),
            started: false,
        })
    }

    /// The number of environments.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Never: a pool has at least one environment.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The number of candidate rows of each environment.
    pub fn max_candidates(&self) -> usize {
        self.max
    }

    fn send_all(&self, mut command: impl FnMut(&Range<usize>) -> Command) -> Result<(), String> {
        for w in &self.workers {
            let sent = w.commands.as_ref().map(|c| c.send(command(&w.range)));
            if !matches!(sent, Some(Ok(()))) {
                return Err(GONE.into());
            }
        }
        let mut first_error = None;
        for w in &self.workers {
            match w.replies.recv() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    first_error.get_or_insert(e.to_string());
                }
                Err(_) => {
                    first_error.get_or_insert(GONE.to_string());
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Starts every environment: environment `i` plays seed `seed + i`.
    pub fn reset(&mut self, seed: u64) -> Result<(), String> {
        self.send_all(|_| Command::Reset(seed))?;
        self.started = true;
        Ok(())
    }

    /// One step of every environment (see [`Batch::step`]).
    pub fn step(&mut self, actions: &[i64]) -> Result<(), StepFailure> {
        if !self.started {
            return Err(StepFailure::Contract(GymError::NotStarted));
        }
        if actions.len() != self.n {
            return Err(StepFailure::Other(format!(
                "actions: {} given for {} environments",
                actions.len(),
                self.n
            )));
        }
        let max = self.max;
        if let Some(&index) = actions.iter().find(|&&a| a < 0 || a as u64 >= max as u64) {
            return Err(StepFailure::Contract(GymError::Index { index, max }));
        }
        self.send_all(|range| {
            Command::Step(actions.get(range.clone()).unwrap_or_default().to_vec())
        })
        .map_err(StepFailure::Other)
    }

    /// Each part's arrays, in environment order.
    pub fn frames(&self) -> Result<Vec<MutexGuard<'_, Frame>>, String> {
        self.workers
            .iter()
            .map(|w| w.frame.lock().map_err(|_| GONE.to_string()))
            .collect()
    }
}

/// Why a pool's step failed.
#[derive(Debug, Clone, PartialEq)]
pub enum StepFailure {
    /// The caller broke the environment's contract.
    Contract(GymError),
    /// Anything else (a wrong number of actions, a stopped thread).
    Other(String),
}

impl Drop for Pool {
    fn drop(&mut self) {
        for w in &mut self.workers {
            // Closing the channel ends the worker's loop.
            w.commands = None;
        }
        for w in &mut self.workers {
            if let Some(h) = w.handle.take() {
                let _ = h.join();
            }
        }
    }
}
