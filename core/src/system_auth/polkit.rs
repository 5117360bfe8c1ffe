//! polkit's `CheckAuthorization` for Ninsho's own action, with this process as the subject and
//! user interaction allowed: the desktop's polkit agent (or a terminal's `pkttyagent`) asks for
//! the account password. The action (`auth_self`, never kept) is shipped by the packages.

use std::collections::HashMap;
use std::time::Duration;

use zbus_polkit::policykit1::{AuthorityProxyBlocking, CheckAuthorizationFlags, Subject};

use super::{POLKIT_ACTION, SystemAuthError};

/// The system bus, named by its fixed path: `DBUS_SYSTEM_BUS_ADDRESS` is the user's to set,
/// and a bus of their own could answer "authorized" for polkit.
const SYSTEM_BUS: &str = "unix:path=/run/dbus/system_bus_socket";

/// How long a person may take to answer the agent's question before the call gives up.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(300);

pub(super) fn confirm_user() -> Result<(), SystemAuthError> {
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    if uid == 0 {
        return Err(SystemAuthError::Root);
    }
    let unavailable =
        |what: &str, e: &dyn std::fmt::Display| SystemAuthError::NoPolkit(format!("{what}: {e}"));
    let bus = zbus::blocking::connection::Builder::address(SYSTEM_BUS)
        .and_then(|b| b.method_timeout(ANSWER_TIMEOUT).build())
        .map_err(|e| unavailable("no system bus", &e))?;
    let authority = AuthorityProxyBlocking::new(&bus)
        .map_err(|e| unavailable("no polkit on the system bus", &e))?;
    let actions = authority
        .enumerate_actions("")
        .map_err(|e| unavailable("no polkit on the system bus", &e))?;
    if !actions.iter().any(|a| a.action_id == POLKIT_ACTION) {
        return Err(SystemAuthError::NoAction);
    }
    let subject = Subject::new_for_owner(std::process::id(), None, Some(uid))
        .map_err(|e| unavailable("this process cannot be described to polkit", &e))?;
    let result = authority
        .check_authorization(
            &subject,
            POLKIT_ACTION,
            &HashMap::new(),
            CheckAuthorizationFlags::AllowUserInteraction.into(),
            "",
        )
        .map_err(|e| unavailable("polkit did not answer", &e))?;
    if result.is_authorized {
        Ok(())
    } else if result.is_challenge {
        // Only when nothing could ask: no polkit agent runs in this session.
        Err(SystemAuthError::NoAgent)
    } else {
        Err(SystemAuthError::Refused)
    }
}
