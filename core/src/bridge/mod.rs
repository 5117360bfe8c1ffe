//! The browser bridge: how a code reaches the one field of the one site it belongs to.
//!
//! ```text
//! extension (MV3) --native messaging--> host (stdio relay) --local socket--> the app
//!     --> Bridge::handle --> app::fill::decide --> a code, or a refusal in words
//! ```
//!
//! - [`frame`]: native messaging's length-prefixed JSON, bounded both ways.
//! - [`protocol`]: the requests and answers, tagged JSON.
//! - [`pairing`]: paired browser profiles (token digests) and confirmed fills.
//! - [`install`]: host manifests, where each browser reads them.
//! - [`limits`]: codes per site per minute, per hour in all.
//! - [`handle`]: one request answered; the shell lends the vault and asks the person.
//! - [`local`]: the host's way to the running app, on every system: [`socket`] (a private
//!   Unix socket) or `pipe` (this user's named pipe on Windows).

pub mod frame;
pub mod handle;
pub mod install;
pub mod limits;
pub mod local;
pub mod pairing;
#[cfg(windows)]
pub mod pipe;
pub mod protocol;
#[cfg(unix)]
pub mod socket;

pub use handle::{Bridge, Person};
pub use pairing::{Paired, PairingError, Pairings};
pub use protocol::{Request, Response};
