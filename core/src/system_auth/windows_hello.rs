//! Windows Hello through `UserConsentVerifier`: a face, a fingerprint or the PIN confirms the
//! person at the computer. Type-checked here by the cross checks; never run on Linux CI.

use windows::Security::Credentials::UI::{
    UserConsentVerificationResult, UserConsentVerifier, UserConsentVerifierAvailability,
};
use windows::core::HSTRING;

use super::SystemAuthError;

pub(super) fn confirm_user(reason: &str) -> Result<(), SystemAuthError> {
    let unavailable = |e: windows::core::Error| {
        SystemAuthError::NotReady(format!("Windows Hello did not answer ({e})"))
    };
    let availability = UserConsentVerifier::CheckAvailabilityAsync()
        .and_then(|op| op.join())
        .map_err(unavailable)?;
    match availability {
        UserConsentVerifierAvailability::Available => {}
        UserConsentVerifierAvailability::NotConfiguredForUser => {
            return Err(SystemAuthError::NotReady(
                "Windows Hello is not set up for this account (Settings → Accounts → Sign-in options)"
                    .into(),
            ));
        }
        UserConsentVerifierAvailability::DisabledByPolicy => {
            return Err(SystemAuthError::NotReady(
                "Windows Hello is turned off by your organisation's policy".into(),
            ));
        }
        _ => {
            return Err(SystemAuthError::NotReady(
                "no Windows Hello device is ready".into(),
            ));
        }
    }
    let result = UserConsentVerifier::RequestVerificationAsync(&HSTRING::from(reason))
        .and_then(|op| op.join())
        .map_err(unavailable)?;
    match result {
        UserConsentVerificationResult::Verified => Ok(()),
        UserConsentVerificationResult::Canceled
        | UserConsentVerificationResult::RetriesExhausted => Err(SystemAuthError::Refused),
        _ => Err(SystemAuthError::NotReady(
            "Windows Hello is busy or not ready".into(),
        )),
    }
}
