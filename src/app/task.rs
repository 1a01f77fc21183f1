//! Background work: every network call runs on a named thread and reaches the UI through a
//! `poll_promise::Promise`.
//!
//! The worker always sends a `Result` (a panic becomes an error, never a dropped sender, which
//! would make the next poll panic on the UI thread), and only then asks for a repaint, so the
//! frame that follows finds the result ready.

use std::panic::{AssertUnwindSafe, catch_unwind};

use poll_promise::Promise;

use crate::api::ApiError;

/// A running call that ends in `Result<T, ApiError>`.
pub struct Task<T: Send + 'static> {
    promise: Promise<Result<T, ApiError>>,
}

/// Something that can be asked to draw another frame: the egui context, or nothing in tests of
/// pure logic.
pub trait Waker: Send + Sync + 'static {
    fn wake(&self);
}

impl Waker for egui::Context {
    fn wake(&self) {
        self.request_repaint();
    }
}

impl<T: Send + 'static> Task<T> {
    /// Runs `work` on a thread named `name`.
    pub fn spawn(
        name: &str,
        waker: impl Waker,
        work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Self {
        let (sender, promise) = Promise::new();
        let spawned = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let result = catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|_| {
                    Err(ApiError::Config(
                        "an internal error stopped this call; please report it".to_owned(),
                    ))
                });
                sender.send(result);
                waker.wake();
            });
        match spawned {
            Ok(_) => Task { promise },
            Err(error) => Task {
                promise: Promise::from_ready(Err(ApiError::Config(format!(
                    "could not start a background thread ({error})"
                )))),
            },
        }
    }

    /// The result, once ready; the task is consumed. Until then the task is handed back.
    pub fn try_take(self) -> Result<Result<T, ApiError>, Self> {
        self.promise.try_take().map_err(|promise| Task { promise })
    }

    /// Waits for the result (tests only; never on the UI thread).
    #[cfg(test)]
    pub fn wait(self) -> Result<T, ApiError> {
        self.promise.block_and_take()
    }
}

/// Takes the result out of an optional task slot when it is ready.
pub fn take_ready<T: Send + 'static>(slot: &mut Option<Task<T>>) -> Option<Result<T, ApiError>> {
    let task = slot.take()?;
    match task.try_take() {
        Ok(result) => Some(result),
        Err(pending) => {
            *slot = Some(pending);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    struct CountingWaker(Arc<AtomicUsize>);
    impl Waker for CountingWaker {
        fn wake(&self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_result_arrives_and_wakes_the_ui() {
        let wakes = Arc::new(AtomicUsize::new(0));
        let task = Task::spawn("test-ok", CountingWaker(wakes.clone()), || Ok(42));
        assert_eq!(task.wait(), Ok(42));
        // The wake comes after the send; give the thread a moment to finish.
        for _ in 0..100 {
            if wakes.load(Ordering::SeqCst) == 1 {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        panic!("the worker never asked for a repaint");
    }

    #[test]
    fn a_panicking_worker_becomes_an_error_not_a_dropped_sender() {
        let task: Task<u8> = Task::spawn("test-panic", CountingWaker(Arc::default()), || {
            panic!("boom")
        });
        assert!(matches!(task.wait(), Err(ApiError::Config(_))));
    }

    #[test]
    fn take_ready_leaves_pending_tasks_in_place() {
        let (gate_tx, gate_rx) = std::sync::mpsc::channel::<()>();
        let mut slot = Some(Task::spawn(
            "test-gate",
            CountingWaker(Arc::default()),
            move || {
                gate_rx
                    .recv()
                    .map_err(|_| ApiError::Config("gate".into()))?;
                Ok(1)
            },
        ));
        assert!(take_ready(&mut slot).is_none());
        assert!(slot.is_some());
        gate_tx.send(()).unwrap_or_default();
        let result = loop {
            if let Some(result) = take_ready(&mut slot) {
                break result;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        };
        assert_eq!(result, Ok(1));
        assert!(slot.is_none());
    }
}
