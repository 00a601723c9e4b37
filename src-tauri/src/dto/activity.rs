//! An account's activity as the token panel shows it: core's `ActivityEvent`s, with the
//! error's code as the UI knows codes (`error.rs`). Nothing in an event is a secret
//! (core's `activity.rs` says why).

use authdeck_core::activity::{ActivityError, ActivityEvent};
use serde::Serialize;
use ts_rs::TS;

use super::enums::{ActivityKind, HandOut};
use crate::error::ErrorCode;

/// One thing that happened to an account, newest first in a list.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityView {
    /// The account's event number: higher is later (order by it, not by `at`).
    #[ts(type = "number")]
    pub seq: u64,
    /// Unix seconds.
    #[ts(type = "number")]
    pub at: i64,
    pub kind: ActivityKind,
    /// Who the token went to (hand-outs only).
    pub via: Option<HandOut>,
    /// The last request's endpoint: origin and path.
    pub endpoint: Option<String>,
    pub status: Option<u16>,
    #[ts(type = "number | null")]
    pub duration_ms: Option<u64>,
    /// The provider's OAuth error answer ("code (description)"), scrubbed of secrets.
    pub answer: Option<String>,
    /// `null` when it succeeded.
    pub error: Option<ActivityErrorView>,
}

/// A failure kept in the activity: its code and the error's message.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ActivityErrorView {
    pub code: ErrorCode,
    pub message: String,
}

impl From<&ActivityError> for ActivityErrorView {
    fn from(e: &ActivityError) -> Self {
        ActivityErrorView {
            code: ErrorCode::from_parts(e.kind, e.refusal),
            message: e.message.clone(),
        }
    }
}

impl From<&ActivityEvent> for ActivityView {
    fn from(e: &ActivityEvent) -> Self {
        ActivityView {
            seq: e.seq,
            at: e.at,
            kind: e.kind.into(),
            via: e.via.map(HandOut::from),
            endpoint: e.endpoint.clone(),
            status: e.status,
            duration_ms: e.duration_ms,
            answer: e.answer.clone(),
            error: e.error.as_ref().map(ActivityErrorView::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use authdeck_core::activity::ActivityKind as Core;
    use authdeck_core::{Error, Refusal};

    use super::*;

    #[test]
    fn a_failed_refresh_keeps_its_code_message_and_answer() {
        let mut event = ActivityEvent::new(7, Core::Refresh);
        event.seq = 3;
        event.status = Some(400);
        event.answer = Some("invalid_grant (grant request is invalid)".into());
        event.error = Some(ActivityError::of(&Error::refused(
            Refusal::GrantExpired,
            "the provider no longer accepts the refresh token",
        )));
        let json = serde_json::to_value(ActivityView::from(&event)).expect("json");
        assert_eq!(json["seq"], 3);
        assert_eq!(json["kind"], "refresh");
        assert_eq!(json["durationMs"], serde_json::Value::Null);
        assert_eq!(json["error"]["code"], "grant_expired");
        assert_eq!(
            json["error"]["message"],
            "the provider no longer accepts the refresh token"
        );
        assert_eq!(json["answer"], "invalid_grant (grant request is invalid)");
    }
}
