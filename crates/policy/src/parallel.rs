//! Work shared out among threads, one routine for every parallel loop:
//! evaluation ([`crate::evaluate_parallel`]), the sweep
//! ([`crate::sweep_parallel`]), training (episodes and their gradients) and
//! the command line's benchmarks ([`on_each_thread`]).
//!
//! Items are handed out one at a time to whichever thread is free, and each
//! result goes to its item's place, so which thread did what never changes
//! the outcome: callers get the same bytes on one thread or eight, and on
//! wasm32, which has no threads and runs everything on the calling one.

use std::sync::Mutex;

/// Items handed out one at a time, with their places, to whichever thread is
/// free: episodes differ in length, so fixed shares would leave threads idle.
/// Which thread takes an item never changes what comes of it.
struct Queue<'a, T>(Mutex<std::iter::Enumerate<std::slice::IterMut<'a, T>>>);

impl<'a, T> Queue<'a, T> {
    fn new(items: &'a mut [T]) -> Self {
        Queue(Mutex::new(items.iter_mut().enumerate()))
    }

    fn next(&self) -> Option<(usize, &'a mut T)> {
        // Only `next` runs under the lock, and it cannot panic and poison it.
        self.0.lock().ok()?.next()
    }
}

/// Runs `work(index, item, worker, local)` on every item, `index` being the
/// item's place in `items`: on this thread with the first worker and `here`,
/// and on one more thread for each other worker, with a `local` that `open`
/// makes on that thread (for what cannot move between threads, such as an
/// environment; a thread whose `open` fails takes no items). None is spawned
/// for a single worker, as on wasm32, which has no threads.
pub fn share<T: Send, W: Send, L>(
    items: &mut [T],
    workers: &mut [W],
    here: &mut L,
    open: &(dyn Fn() -> Option<L> + Sync),
    work: &(dyn Fn(usize, &mut T, &mut W, &mut L) + Sync),
) {
    let threads = workers.len().min(items.len());
    let Some((first, others)) = workers.split_first_mut() else {
        return;
    };
    if threads <= 1 {
        for (i, item) in items.iter_mut().enumerate() {
            work(i, item, first, here);
        }
        return;
    }
    let queue = Queue::new(items);
    std::thread::scope(|scope| {
        for worker in others.iter_mut().take(threads - 1) {
            let queue = &queue;
            scope.spawn(move || {
                if let Some(mut local) = open() {
                    while let Some((i, item)) = queue.next() {
                        work(i, item, worker, &mut local);
                    }
                }
            });
        }
        while let Some((i, item)) = queue.next() {
            work(i, item, first, here);
        }
    });
}

/// Runs `work(index, item, local)` on every item on up to `threads` threads
/// (this one included), each with its own `local` that `open` makes on that
/// thread (an environment and a policy, say: an environment cannot move
/// between threads).
pub fn for_each<T: Send, L>(
    items: &mut [T],
    threads: usize,
    open: &(dyn Fn() -> L + Sync),
    work: &(dyn Fn(usize, &mut T, &mut L) + Sync),
) {
    let mut workers = vec![(); threads.clamp(1, items.len().max(1))];
    let mut here = open();
    share(
        items,
        &mut workers,
        &mut here,
        &|| Some(open()),
        &|i, item, (), local| work(i, item, local),
    );
}

/// Runs `work(thread)` once on each of `threads` threads (at least one; the
/// first on this one) and returns the results in thread order: for work
/// measured per thread, such as a benchmark that steps for a fixed time on
/// every core, where handing out items would change what is measured.
pub fn on_each_thread<R: Send>(threads: usize, work: &(dyn Fn(usize) -> R + Sync)) -> Vec<R> {
    let threads = threads.max(1);
    std::thread::scope(|scope| {
        let others: Vec<_> = (1..threads).map(|t| scope.spawn(move || work(t))).collect();
        let mut results = vec![work(0)];
        // A thread that panicked has no result; the panic itself is reported on stderr.
        results.extend(others.into_iter().filter_map(|h| h.join().ok()));
        results
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_worked_once_in_its_place_on_any_number_of_threads() {
        for threads in [0, 1, 2, 5, 64] {
            let mut items: Vec<u64> = (0..37).collect();
            for_each(&mut items, threads, &|| 1000u64, &|i, item, local| {
                *item = *item * *local + i as u64;
            });
            let expected: Vec<u64> = (0..37).map(|i| i * 1000 + i).collect();
            assert_eq!(items, expected, "{threads} threads");
        }
        assert_eq!(on_each_thread(0, &|t| t * 2), vec![0]);
        assert_eq!(on_each_thread(4, &|t| t * 2), vec![0, 2, 4, 6]);
        let mut none: Vec<u8> = Vec::new();
        for_each(&mut none, 4, &|| (), &|_, _, _| unreachable!("no items"));
    }
}
