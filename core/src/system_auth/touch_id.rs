//! Touch ID, or the account password where there is none, through LocalAuthentication's
//! `LAContext` (`DeviceOwnerAuthentication`): the system's own sheet asks. Type-checked here by
//! the cross checks; never run on Linux CI.

use std::sync::mpsc;
use std::time::Duration;

use block2::RcBlock;
use objc2::runtime::Bool;
use objc2_foundation::{NSError, NSString};
use objc2_local_authentication::{LAContext, LAPolicy};

use super::SystemAuthError;

/// How long a person may take to answer the sheet before the call gives up.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(300);

pub(super) fn confirm_user(reason: &str) -> Result<(), SystemAuthError> {
    // SAFETY: a new context, used from this thread until its reply arrives.
    let context = unsafe { LAContext::new() };
    let policy = LAPolicy::DeviceOwnerAuthentication;
    // SAFETY: a plain preflight query on a live context.
    if let Err(e) = unsafe { context.canEvaluatePolicy_error(policy) } {
        return Err(SystemAuthError::NotReady(
            e.localizedDescription().to_string(),
        ));
    }
    let (tx, rx) = mpsc::channel();
    // A "no" (cancelled, wrong password, locked out) comes with an error; the yes or no is
    // all Ninsho needs.
    let reply = RcBlock::new(move |ok: Bool, _error: *mut NSError| {
        let _ = tx.send(ok.as_bool());
    });
    // SAFETY: the block only sends on a channel, which may happen on any thread; the reason
    // is a live NSString.
    unsafe {
        context.evaluatePolicy_localizedReason_reply(policy, &NSString::from_str(reason), &reply)
    };
    match rx.recv_timeout(ANSWER_TIMEOUT) {
        Ok(true) => Ok(()),
        Ok(false) => Err(SystemAuthError::Refused),
        Err(_) => Err(SystemAuthError::NotReady("Touch ID did not answer".into())),
    }
}
