//! Work done ahead on a second thread.
//!
//! A [`Prefetch`] hands a list of inputs to a worker thread that processes
//! them in order while the caller does something else. The caller then
//! [`take`](Prefetch::take)s each result: it gets the worker's result, waits
//! for the one the worker is on, or is told to do that item itself when the
//! worker has not reached it (so both threads share what is left).
//! [`skip`](Prefetch::skip) drops inputs that turned out not to be needed;
//! dropping the `Prefetch` stops the worker after its current item.
//!
//! Results are exactly what the caller would have computed: the work
//! function is a plain function of its input.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// What became of one input.
enum Slot<I, O> {
    /// Not started.
    Waiting(I),
    /// The worker is on it.
    Running,
    /// The worker's result.
    Ready(O),
    /// Taken by the caller, or skipped.
    Done,
}

/// State shared with the worker.
struct Shared<I, O> {
    slots: Mutex<Vec<Slot<I, O>>>,
    ready: Condvar,
    stop: AtomicBool,
}

impl<I, O> Shared<I, O> {
    fn slots(&self) -> MutexGuard<'_, Vec<Slot<I, O>>> {
        // Slots are only replaced whole, so a poisoned lock is still consistent.
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Inputs being processed ahead; see the module documentation.
pub struct Prefetch<I, O> {
    shared: Arc<Shared<I, O>>,
}

impl<I: Send + 'static, O: Send + 'static> Prefetch<I, O> {
    /// Start processing `inputs` in order with `work` on a thread with
    /// `stack_bytes` of stack. When no thread can be started, every
    /// [`take`](Prefetch::take) leaves the item to the caller.
    pub fn start(inputs: Vec<I>, work: fn(&I) -> O, stack_bytes: usize) -> Self {
        let shared = Arc::new(Shared {
            slots: Mutex::new(inputs.into_iter().map(Slot::Waiting).collect()),
            ready: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let worker = shared.clone();
        let started = std::thread::Builder::new()
            .name("prefetch".to_string())
            .stack_size(stack_bytes)
            .spawn(move || run(&worker, work));
        if started.is_err() {
            shared.stop.store(true, Ordering::Relaxed);
        }
        Prefetch { shared }
    }
}

impl<I, O> Prefetch<I, O> {
    /// The worker will not start the inputs for which `keep` is false.
    pub fn skip(&self, keep: impl Fn(usize) -> bool) {
        let mut slots = self.shared.slots();
        for (i, slot) in slots.iter_mut().enumerate() {
            if !keep(i) && matches!(slot, Slot::Waiting(_)) {
                *slot = Slot::Done;
            }
        }
    }

    /// The worker's result for input `i`, waiting while the worker is on
    /// it; `None` when the caller must do it (not reached, or taken before).
    pub fn take(&self, i: usize) -> Option<O> {
        let mut slots = self.shared.slots();
        loop {
            match std::mem::replace(slots.get_mut(i)?, Slot::Done) {
                Slot::Running => {
                    slots[i] = Slot::Running;
                    slots = self
                        .shared
                        .ready
                        .wait(slots)
                        .unwrap_or_else(|p| p.into_inner());
                }
                Slot::Ready(out) => return Some(out),
                Slot::Waiting(_) | Slot::Done => return None,
            }
        }
    }
}

impl<I, O> Drop for Prefetch<I, O> {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }
}

/// The worker: every waiting input in order, until told to stop.
fn run<I, O>(shared: &Shared<I, O>, work: fn(&I) -> O) {
    let mut next = 0;
    while !shared.stop.load(Ordering::Relaxed) {
        let (i, input) = {
            let mut slots = shared.slots();
            let Some(i) = (next..slots.len()).find(|&i| matches!(slots[i], Slot::Waiting(_)))
            else {
                return;
            };
            let Slot::Waiting(input) = std::mem::replace(&mut slots[i], Slot::Running) else {
                return;
            };
            (i, input)
        };
        next = i + 1;
        let out = work(&input);
        shared.slots()[i] = Slot::Ready(out);
        shared.ready.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: &u64) -> u64 {
        x * x
    }

    /// Every item is either the worker's result or left to the caller, and
    /// only once, skipped or not.
    #[test]
    fn each_item_once() {
        for skip_odd in [false, true] {
            let inputs: Vec<u64> = (0..200).collect();
            let p = Prefetch::start(inputs.clone(), square, 1 << 20);
            if skip_odd {
                p.skip(|i| i % 2 == 0);
            }
            for (i, x) in inputs.iter().enumerate() {
                if let Some(v) = p.take(i) {
                    assert_eq!(v, x * x);
                }
                assert_eq!(p.take(i), None, "item {i} taken twice");
            }
            assert_eq!(p.take(200), None);
        }
    }
}
