//! The training worker's entry point: registers [`wobble_app::agent::TrainingReactor`] in the
//! web worker that the page spawns from `worker.js`.

use yew_agent::Registrable;

fn main() {
    // A panic in the worker then shows in the console with its message, not as `unreachable`.
    console_error_panic_hook::set_once();
    wobble_app::agent::TrainingReactor::registrar().register();
}
