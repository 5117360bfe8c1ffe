//! Keychain calls run one after another on one thread, in the order they were asked.
//!
//! Every call has a deadline (a keychain waiting on a prompt nobody sees must not freeze
//! Ninsho), and a call that passed it may still be carried out afterwards: its outcome is
//! unknown. With one helper thread per call, such a late write could land *after* a later
//! write to the same item and undo it — an item sealed under a vault key that is gone by then,
//! an old name over a new one. On one queue a late call can only land before every call asked
//! after it, and a call whose caller gave up before it started is not run at all.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Job = Box<dyn FnOnce() + Send>;

/// Why a call gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CallFailed {
    /// The deadline passed. The call may still run, before any call asked after it.
    TimedOut,
    /// The helper thread could not be started, or it died in the call.
    NoThread(String),
}

/// One helper thread and the calls waiting for it. The thread ends when the queue is dropped.
#[derive(Default)]
pub(crate) struct CallQueue {
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
}

impl CallQueue {
    /// Runs `op` after every call asked before it, and waits at most `deadline` for it.
    pub(crate) fn call<T: Send + 'static>(
        &self,
        deadline: Duration,
        op: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, CallFailed> {
        let (tx, rx) = mpsc::channel();
        let abandoned = Arc::new(AtomicBool::new(false));
        let flag = abandoned.clone();
        let job: Job = Box::new(move || {
            // The caller stopped waiting before the call began: it never happens.
            if !flag.load(Ordering::SeqCst) {
                let _ = tx.send(op());
            }
        });
        self.submit(job)?;
        match rx.recv_timeout(deadline) {
            Ok(value) => Ok(value),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                abandoned.store(true, Ordering::SeqCst);
                Err(CallFailed::TimedOut)
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(CallFailed::NoThread(
                "the keychain call ended without an answer".into(),
            )),
        }
    }

    fn submit(&self, job: Job) -> Result<(), CallFailed> {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        let job = match jobs.as_ref() {
            Some(tx) => match tx.send(job) {
                Ok(()) => return Ok(()),
                // The thread is gone: start another one for this call.
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("ninsho-keychain".into())
            .spawn(move || {
                for job in rx {
                    // A call that panics fails alone (its caller hears no answer); the
                    // calls behind it still run.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            })
            .map_err(|e| CallFailed::NoThread(format!("cannot start a keychain call: {e}")))?;
        tx.send(job)
            .map_err(|_| CallFailed::NoThread("the keychain thread ended".into()))?;
        *jobs = Some(tx);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log() -> Arc<Mutex<Vec<&'static str>>> {
        Arc::new(Mutex::new(Vec::new()))
    }

    #[test]
    fn a_call_that_timed_out_lands_before_the_next_one_not_after() {
        let queue = CallQueue::default();
        let written = log();
        let w = written.clone();
        // Started well within its deadline (the thread is idle), it passes the deadline while
        // it runs: its outcome is unknown to the caller.
        let first = queue.call(Duration::from_millis(100), move || {
            w.lock().unwrap().push("old");
            std::thread::sleep(Duration::from_millis(400));
            w.lock().unwrap().push("old landed");
        });
        assert_eq!(first, Err(CallFailed::TimedOut));
        let w = written.clone();
        queue
            .call(Duration::from_secs(5), move || {
                w.lock().unwrap().push("new")
            })
            .unwrap();
        // With a thread per call, "new" would land first and "old" would overwrite it. On a
        // machine so loaded that the idle thread did not start "old" within 100 ms, "old"
        // never runs at all (the next test); either way nothing lands after "new".
        let written = written.lock().unwrap().clone();
        assert!(
            written == ["old", "old landed", "new"] || written == ["new"],
            "{written:?}"
        );
    }

    #[test]
    fn a_call_whose_caller_gave_up_before_it_began_never_runs() {
        let queue = Arc::new(CallQueue::default());
        let ran = log();
        // Keeps the thread busy (its caller waits long enough) while the next call waits and
        // gives up.
        let (started, busy_started) = mpsc::channel();
        let r = ran.clone();
        let q = queue.clone();
        let busy = std::thread::spawn(move || {
            q.call(Duration::from_secs(10), move || {
                let _ = started.send(());
                std::thread::sleep(Duration::from_millis(200));
                r.lock().unwrap().push("busy");
            })
        });
        busy_started.recv().unwrap();
        let r = ran.clone();
        let waiting = queue.call(Duration::from_millis(20), move || {
            r.lock().unwrap().push("abandoned");
        });
        assert_eq!(waiting, Err(CallFailed::TimedOut));
        assert_eq!(busy.join().unwrap(), Ok(()));
        assert_eq!(queue.call(Duration::from_secs(5), || 7), Ok(7));
        assert_eq!(*ran.lock().unwrap(), ["busy"]);
    }

    #[test]
    fn a_call_that_panics_fails_alone_and_the_next_call_is_answered() {
        let queue = CallQueue::default();
        let failed = queue.call(Duration::from_secs(5), || -> u8 { panic!("in the call") });
        assert!(matches!(failed, Err(CallFailed::NoThread(_))));
        assert_eq!(queue.call(Duration::from_secs(5), || 3), Ok(3));
    }
}
