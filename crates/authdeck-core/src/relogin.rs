//! When must an account log in again? The one answer the fronts use to warn ahead of
//! time ("log in again by 14:05"), read from the account's state file (no secret).
//!
//! - An account whose flow gets new tokens from stored credentials alone (client
//!   credentials; the password grant, whose password Authdeck keeps in the keyring) never
//!   needs a login while those credentials work: none foreseen.
//! - Without a refresh token (Oqtant, a pasted token), the login is needed when the access
//!   token ends.
//! - With a refresh token whose end is known (Keycloak's `refresh_expires_in`, or the
//!   service's `refresh_token_lifetime`), when both the access token and the refresh
//!   token have ended. A refresh token of unknown lifetime: none foreseen.
//! - An access token without a known end is never renewed: none foreseen.
//!
//! An account that already needs a login (or holds no token) has no deadline here: its
//! status says so.

use crate::config::Flow;
use crate::flows::login::fetches_without_user;
use crate::state::AccountState;
use crate::token::Clock;

/// What ends when the login becomes necessary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlineCause {
    /// The access token ends and nothing can renew it.
    AccessToken,
    /// The refresh token ends (the provider's session).
    RefreshToken,
}

impl DeadlineCause {
    pub const ALL: [DeadlineCause; 2] = [DeadlineCause::AccessToken, DeadlineCause::RefreshToken];

    /// The cause as the fronts write it (snake case).
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineCause::AccessToken => "access_token",
            DeadlineCause::RefreshToken => "refresh_token",
        }
    }
}

/// "A login is needed by `at`" (Unix seconds), because `cause` ends then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LoginDeadline {
    pub at: i64,
    pub cause: DeadlineCause,
}

impl LoginDeadline {
    /// When a warning `lead_secs` ahead of the deadline begins.
    pub fn warn_from(&self, lead_secs: i64) -> i64 {
        self.at.saturating_sub(lead_secs.max(0))
    }

    /// Whether a warning `lead_secs` ahead is due now: from [`Self::warn_from`] until the
    /// deadline (after it, the account simply needs a login).
    pub fn warning_due(&self, clock: &dyn Clock, lead_secs: i64) -> bool {
        let now = clock.now();
        now >= self.warn_from(lead_secs) && now < self.at
    }
}

/// When the account described by `state`, of a service logging in with `flow`, needs a
/// login: `Some` deadline, or `None` when none is foreseen (see the module's rules).
pub fn login_deadline(state: &AccountState, flow: Flow) -> Option<LoginDeadline> {
    if state.login_required.is_some() || !state.has_access_token || fetches_without_user(flow) {
        return None;
    }
    let access_ends = state.expires_at?;
    if !state.has_refresh_token {
        return Some(LoginDeadline {
            at: access_ends,
            cause: DeadlineCause::AccessToken,
        });
    }
    let refresh_ends = state.refresh_expires_at?;
    Some(if refresh_ends >= access_ends {
        LoginDeadline {
            at: refresh_ends,
            cause: DeadlineCause::RefreshToken,
        }
    } else {
        // The refresh token dies first: the access token is the last one usable.
        LoginDeadline {
            at: access_ends,
            cause: DeadlineCause::AccessToken,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Fixed(i64);
    impl Clock for Fixed {
        fn now(&self) -> i64 {
            self.0
        }
    }

    const NOW: i64 = 1_800_000_000;

    fn logged_in(expires_in: i64) -> AccountState {
        AccountState {
            expires_at: Some(NOW + expires_in),
            obtained_at: Some(NOW),
            has_access_token: true,
            ..AccountState::default()
        }
    }

    #[test]
    fn an_access_token_nothing_renews_is_the_deadline() {
        let state = logged_in(300);
        let deadline = login_deadline(&state, Flow::AuthCode).expect("a deadline");
        assert_eq!(
            deadline,
            LoginDeadline {
                at: NOW + 300,
                cause: DeadlineCause::AccessToken
            }
        );
        // Ten minutes ahead: due at once; one minute ahead: not yet, then due, then past.
        assert!(deadline.warning_due(&Fixed(NOW), 600));
        assert!(!deadline.warning_due(&Fixed(NOW), 60));
        assert_eq!(deadline.warn_from(60), NOW + 240);
        assert!(deadline.warning_due(&Fixed(NOW + 240), 60));
        assert!(!deadline.warning_due(&Fixed(NOW + 300), 60));
        // A pasted bearer token the same way.
        assert_eq!(
            login_deadline(&state, Flow::Bearer).map(|d| d.at),
            Some(NOW + 300)
        );
    }

    #[test]
    fn re_fetching_flows_never_need_a_login() {
        for flow in [Flow::ClientCredentials, Flow::Password] {
            assert_eq!(login_deadline(&logged_in(300), flow), None, "{flow}");
        }
    }

    #[test]
    fn a_refresh_token_moves_the_deadline_to_its_end_when_known() {
        let mut state = logged_in(300);
        state.has_refresh_token = true;
        assert_eq!(login_deadline(&state, Flow::Device), None, "unknown end");
        state.refresh_expires_at = Some(NOW + 1800);
        assert_eq!(
            login_deadline(&state, Flow::Device),
            Some(LoginDeadline {
                at: NOW + 1800,
                cause: DeadlineCause::RefreshToken
            })
        );
        state.refresh_expires_at = Some(NOW + 100);
        assert_eq!(
            login_deadline(&state, Flow::Device),
            Some(LoginDeadline {
                at: NOW + 300,
                cause: DeadlineCause::AccessToken
            })
        );
    }

    #[test]
    fn no_deadline_without_a_token_or_an_end() {
        assert_eq!(
            login_deadline(&AccountState::default(), Flow::AuthCode),
            None
        );
        let marked = AccountState {
            login_required: Some("logged out".into()),
            ..logged_in(300)
        };
        assert_eq!(login_deadline(&marked, Flow::AuthCode), None);
        let endless = AccountState {
            expires_at: None,
            ..logged_in(300)
        };
        assert_eq!(login_deadline(&endless, Flow::ApiKey), None);
    }

    #[test]
    fn cause_words_are_snake_case() {
        let words: Vec<_> = DeadlineCause::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(words, ["access_token", "refresh_token"]);
    }
}
