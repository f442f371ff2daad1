//! The page's connection to the training worker.
//!
//! The worker runs the app's own wasm module: the page spawns a module worker from `boot.js`,
//! the page's own entry point, which imports `app.js` (unhashed, see Trunk.toml); `main`
//! registers the training reactor when it finds itself without a window. So the page and the
//! worker share one download of the engine, the policies and the trainers, and the worker comes
//! from the app's own origin (no `blob:` URL for the Content-Security-Policy to allow).
//!
//! yew-agent's `ReactorProvider` cannot spawn a module worker (its `module` setting is lost when
//! it sets the message encoding), so this hook spawns the reactor itself. One task owns the
//! bridge: it forwards the commands queued by [`WorkerLink::send`] and hands every report to
//! the callback. When the component that holds the link goes away, the command queue closes,
//! the task ends and dropping the bridge ends the worker.

use std::rc::Rc;

use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::{future, stream, SinkExt, StreamExt};
use wobble_app::agent::{Command, Report, TrainingReactor};
use yew::prelude::*;
use yew_agent::reactor::ReactorSpawner;

/// The worker's entry point (the page's too), relative so the app works from any sub-path.
const WORKER_MODULE: &str = "boot.js";

/// Sends commands to the training worker; cheap to clone.
#[derive(Clone)]
pub struct WorkerLink {
    commands: Rc<UnboundedSender<Command>>,
}

impl PartialEq for WorkerLink {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.commands, &other.commands)
    }
}

impl WorkerLink {
    /// Queues a command for the worker (in order; the worker takes one job at a time).
    pub fn send(&self, command: Command) {
        // Fails only once the forwarding task has ended, i.e. the component is going away.
        let _ = self.commands.unbounded_send(command);
    }
}

/// What the forwarding task waits for.
enum Event {
    Command(Command),
    Report(Report),
    /// The page dropped its last link.
    Closed,
}

/// Spawns the training worker for the life of the calling component; `on_report` gets every
/// report it sends.
#[hook]
pub fn use_training_worker<F>(on_report: F) -> WorkerLink
where
    F: Fn(Report) + 'static,
{
    let link = use_memo((), move |_| {
        let (sender, receiver) = unbounded::<Command>();
        let bridge = ReactorSpawner::<TrainingReactor>::new()
            .as_module(true)
            .with_loader(true)
            .spawn(WORKER_MODULE);
        let (mut to_worker, from_worker) = bridge.split();
        let commands = receiver
            .map(Event::Command)
            .chain(stream::once(future::ready(Event::Closed)));
        let mut events = stream::select(commands, from_worker.map(Event::Report));
        wasm_bindgen_futures::spawn_local(async move {
            while let Some(event) = events.next().await {
                match event {
                    Event::Command(command) => {
                        if to_worker.send(command).await.is_err() {
                            break;
                        }
                    }
                    Event::Report(report) => on_report(report),
                    Event::Closed => break,
                }
            }
        });
        WorkerLink {
            commands: Rc::new(sender),
        }
    });
    (*link).clone()
}
