//! The training worker's entry point: registers [`wobble_app::agent::TrainingReactor`] in the
//! web worker that the page spawns from `worker.js`.

use yew_agent::Registrable;

fn main() {
    wobble_app::agent::TrainingReactor::registrar().register();
}
