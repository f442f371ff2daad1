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
//! the callback. When the component that holds the link goes away (or asks for a new worker by
//! changing its generation number), the command queue closes, the task ends and dropping the
//! bridge ends the worker.
//!
//! A worker that panics cannot answer through the bridge any more; its panic hook posts the
//! message on a `BroadcastChannel` whose name this hook makes up and sends as the first command
//! (unique per worker, so other tabs are not told), and the message goes to `on_fault`.

use std::rc::Rc;

use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::{future, stream, SinkExt, StreamExt};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};
use wobble_app::agent::{Command, Report, TrainingReactor};
use yew::prelude::*;
use yew_agent::reactor::ReactorSpawner;

/// The worker's entry point (the page's too), relative so the app works from any sub-path.
const WORKER_MODULE: &str = "boot.js";

/// Sends commands to the training worker; cheap to clone.
#[derive(Clone)]
pub struct WorkerLink {
    commands: Rc<UnboundedSender<Command>>,
    _faults: Rc<FaultListener>,
}

/// The page's end of the worker's fault channel; closed when the link goes.
struct FaultListener {
    channel: Option<BroadcastChannel>,
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
}

impl Drop for FaultListener {
    fn drop(&mut self) {
        if let Some(channel) = &self.channel {
            channel.set_onmessage(None);
            channel.close();
        }
    }
}

/// Listens on a new channel for the worker's panic message; returns the channel's name too.
fn listen_for_faults(generation: u64, on_fault: Rc<dyn Fn(String)>) -> (String, FaultListener) {
    let name = format!(
        "wobble-worker-fault-{generation}-{}",
        (js_sys::Math::random() * 1e15) as u64
    );
    let Ok(channel) = BroadcastChannel::new(&name) else {
        // Without the channel a dead worker goes unreported; everything else still works.
        return (
            name,
            FaultListener {
                channel: None,
                _on_message: None,
            },
        );
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event
            .data()
            .as_string()
            .unwrap_or_else(|| "no message".to_string());
        on_fault(text);
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    (
        name,
        FaultListener {
            channel: Some(channel),
            _on_message: Some(on_message),
        },
    )
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

/// Spawns the training worker for the life of the calling component, and a new one whenever
/// `generation` changes; `on_report` gets every report it sends, `on_fault` the message of a
/// panic that ended it.
#[hook]
pub fn use_training_worker<F, G>(generation: u64, on_report: F, on_fault: G) -> WorkerLink
where
    F: Fn(Report) + 'static,
    G: Fn(String) + 'static,
{
    let on_report = Rc::new(on_report);
    let on_fault: Rc<dyn Fn(String)> = Rc::new(on_fault);
    let link = use_memo(generation, move |generation| {
        let (channel, faults) = listen_for_faults(*generation, on_fault);
        let (sender, receiver) = unbounded::<Command>();
        // The first command: where to report a panic.
        let _ = sender.unbounded_send(Command::Watch { channel });
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
            _faults: Rc::new(faults),
        }
    });
    (*link).clone()
}
