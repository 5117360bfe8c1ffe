//! What a look at a watched folder reports, the same for a followed backup folder and a sync
//! folder: the accounts it changed and the files it could not use.

use serde::Serialize;
use uuid::Uuid;

/// A file that was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

/// An account a look changed, with its label as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Changed {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    pub label: String,
}

impl PartialEq<&str> for Changed {
    fn eq(&self, other: &&str) -> bool {
        self.label == *other
    }
}
