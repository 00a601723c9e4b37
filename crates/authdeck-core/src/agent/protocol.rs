//! The agent's wire format: one request line, one reply line, fields separated by tabs.
//!
//! ```text
//! request:  token \t <service> \t <account, empty for the default> \t <min_valid> \n
//! reply:    ok \t <token_type> \t <expires_at, empty if none> \t <scopes, space-separated> \t <token> \n
//!           err \t <kind> \t <message> [\t <hint as JSON>] \n
//! ```
//!
//! The hint (`hint.rs`) travels as data, so the CLI words it for the mode it runs in;
//! a reply without one (an older agent) is still read. It stays JSON text ([`WireHint`])
//! until someone words it: the `authdeck` front, which only prints tokens, then links
//! no JSON reader (its size: BENCHMARKS.md).
//!
//! Tiny on purpose: the CLI's side parses it with no allocation beyond the fields, and the
//! whole exchange fits one read. A field cannot hold a tab or a line break; requests that
//! would need one are not sent (the CLI reads the keyring itself instead). Pure code: no
//! I/O here.

use crate::error::ErrorKind;
use crate::hint::Hint;
use crate::ids::{AccountName, ServiceId};
use crate::secret::AccessToken;

/// The longest line either side accepts (a token of a few KiB fits many times over).
pub const MAX_LINE: usize = 64 * 1024;

/// What the CLI asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub service: ServiceId,
    /// `None`: the service's default (or only) account.
    pub account: Option<AccountName>,
    pub min_valid: i64,
}

/// What the agent answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Token {
        token_type: String,
        expires_at: Option<i64>,
        scopes: Vec<String>,
        token: AccessToken,
    },
    Error {
        kind: ErrorKind,
        message: String,
        hint: Option<WireHint>,
    },
}

/// A hint as it crosses the wire: its JSON text, read into a [`Hint`] only where it is
/// worded ([`Reply::into_token`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireHint(String);

impl WireHint {
    /// `hint` as JSON (which escapes every control character: no tab or line break).
    pub fn of(hint: &Hint) -> Option<WireHint> {
        serde_json::to_string(hint).ok().map(WireHint)
    }

    /// The hint; `None` when this build cannot read it (a newer agent's).
    pub fn read(&self) -> Option<Hint> {
        serde_json::from_str(&self.0).ok()
    }
}

impl Reply {
    /// The answer as the broker would have given it: the token, or the agent's error.
    pub fn into_token(self) -> crate::error::Result<crate::broker::ValidToken> {
        match self {
            Reply::Token {
                token_type,
                expires_at,
                scopes,
                token,
            } => Ok(crate::broker::ValidToken {
                access_token: token,
                token_type,
                expires_at,
                scopes,
            }),
            Reply::Error {
                kind,
                message,
                hint,
            } => Err(crate::error::Error::Agent {
                kind,
                message,
                hint: hint.and_then(|h| h.read()).map(Box::new),
            }),
        }
    }
}

fn field_ok(s: &str) -> bool {
    !s.contains(['\t', '\n', '\r'])
}

impl Request {
    /// The request line (ids hold no tab or line break: they are checked when parsed).
    pub fn encode(&self) -> String {
        let account = self.account.as_ref().map_or("", AccountName::as_str);
        format!("token\t{}\t{account}\t{}\n", self.service, self.min_valid)
    }

    /// Parses a request line (with or without its newline).
    pub fn decode(line: &str) -> Result<Request, String> {
        let line = line.strip_suffix('\n').unwrap_or(line);
        let mut fields = line.split('\t');
        let (Some("token"), Some(service), Some(account), Some(min_valid), None) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return Err("malformed request (expected: token, service, account, min_valid)".into());
        };
        if service.is_empty() || line.contains('\r') {
            return Err("malformed request (empty service or a carriage return)".into());
        }
        let min_valid = min_valid
            .parse()
            .map_err(|_| format!("malformed request: min_valid '{min_valid}' is not a number"))?;
        let service = ServiceId::parse(service)?;
        let account = if account.is_empty() {
            None
        } else {
            Some(AccountName::parse(account)?)
        };
        Ok(Request {
            service,
            account,
            min_valid,
        })
    }
}

impl Reply {
    /// The reply line. A token or type with a tab or line break (never seen from a real
    /// provider) is answered as an error rather than sent garbled.
    pub fn encode(&self) -> String {
        match self {
            Reply::Token {
                token_type,
                expires_at,
                scopes,
                token,
            } => {
                let scopes = scopes.join(" ");
                if ![token_type.as_str(), &scopes, token.expose()]
                    .into_iter()
                    .all(field_ok)
                {
                    return Reply::Error {
                        kind: ErrorKind::Local,
                        message: "the token cannot be sent over the agent's protocol".into(),
                        hint: None,
                    }
                    .encode();
                }
                let expires = expires_at.map(|e| e.to_string()).unwrap_or_default();
                format!(
                    "ok\t{token_type}\t{expires}\t{scopes}\t{}\n",
                    token.expose()
                )
            }
            Reply::Error {
                kind,
                message,
                hint,
            } => {
                let message: String = message
                    .chars()
                    .map(|c| {
                        if matches!(c, '\t' | '\n' | '\r') {
                            ' '
                        } else {
                            c
                        }
                    })
                    .collect();
                let hint = hint
                    .as_ref()
                    .filter(|h| field_ok(&h.0))
                    .map_or(String::new(), |h| format!("\t{}", h.0));
                format!("err\t{}\t{message}{hint}\n", kind.as_str())
            }
        }
    }

    /// Parses a reply line (with or without its newline).
    pub fn decode(line: &str) -> Result<Reply, String> {
        let line = line.strip_suffix('\n').unwrap_or(line);
        if let Some(rest) = line.strip_prefix("ok\t") {
            let mut fields = rest.splitn(4, '\t');
            let (Some(token_type), Some(expires), Some(scopes), Some(token)) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err("malformed token reply".into());
            };
            if token.is_empty() || token.contains(['\t', '\r']) {
                return Err("malformed token reply (token field)".into());
            }
            let expires_at = if expires.is_empty() {
                None
            } else {
                Some(
                    expires
                        .parse()
                        .map_err(|_| "malformed token reply (expires_at)".to_owned())?,
                )
            };
            return Ok(Reply::Token {
                token_type: token_type.to_owned(),
                expires_at,
                scopes: scopes
                    .split(' ')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                token: AccessToken::new(token),
            });
        }
        if let Some(rest) = line.strip_prefix("err\t") {
            let mut fields = rest.splitn(3, '\t');
            let (Some(kind), Some(message)) = (fields.next(), fields.next()) else {
                return Err("malformed error reply".to_owned());
            };
            let kind = kind_from_str(kind).ok_or_else(|| format!("unknown error kind '{kind}'"))?;
            // Read when worded: one this build cannot read is left out then.
            let hint = fields
                .next()
                .filter(|h| !h.is_empty())
                .map(|h| WireHint(h.to_owned()));
            return Ok(Reply::Error {
                kind,
                message: message.to_owned(),
                hint,
            });
        }
        Err("malformed reply (neither ok nor err)".into())
    }
}

fn kind_from_str(s: &str) -> Option<ErrorKind> {
    [
        ErrorKind::Config,
        ErrorKind::LoginRequired,
        ErrorKind::Provider,
        ErrorKind::Keyring,
        ErrorKind::Cancelled,
        ErrorKind::Local,
    ]
    .into_iter()
    .find(|k| k.as_str() == s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::{name, sid};

    #[test]
    fn request_round_trip() {
        for account in [None, Some(name("work"))] {
            let req = Request {
                service: sid("nomad"),
                account,
                min_valid: 60,
            };
            let line = req.encode();
            assert!(line.ends_with('\n'));
            assert_eq!(Request::decode(&line), Ok(req));
        }
    }

    #[test]
    fn invalid_ids_are_refused_with_the_ids_own_message() {
        let err = Request::decode("token\tNo Mad\t\t60\n").expect_err("invalid id");
        assert!(err.contains("is not a valid service id"), "{err}");
        let err = Request::decode("token\tnomad\t.x\t60\n").expect_err("invalid name");
        assert!(err.contains("is not a valid account name"), "{err}");
    }

    #[test]
    fn malformed_requests_are_refused() {
        for line in [
            "",
            "token\n",
            "token\ts\t\n",
            "token\ts\ta\tsoon\n",
            "token\t\ta\t60\n",
            "token\ts\ta\t60\textra\n",
            "TOKEN\ts\ta\t60\n",
            "token\ts\ta\r\t60\n",
        ] {
            assert!(Request::decode(line).is_err(), "{line:?}");
        }
    }

    #[test]
    fn reply_round_trip() {
        let token = Reply::Token {
            token_type: "Bearer".into(),
            expires_at: Some(1_700_000_000),
            scopes: vec!["openid".into(), "api:read".into()],
            token: AccessToken::new("eyJ.abc.def"),
        };
        assert_eq!(Reply::decode(&token.encode()), Ok(token));
        let bare = Reply::Token {
            token_type: "ApiKey".into(),
            expires_at: None,
            scopes: vec![],
            token: AccessToken::new("k"),
        };
        assert_eq!(Reply::decode(&bare.encode()), Ok(bare));
        let err = Reply::Error {
            kind: ErrorKind::LoginRequired,
            message: "s/default: not logged in".into(),
            hint: WireHint::of(&Hint::LogIn {
                service: "s".into(),
                account: "default".into(),
            }),
        };
        assert_eq!(Reply::decode(&err.encode()), Ok(err.clone()));
        let Err(crate::error::Error::Agent { hint, .. }) = err.into_token() else {
            panic!("an error reply is an error");
        };
        assert_eq!(
            hint.as_deref(),
            Some(&Hint::LogIn {
                service: "s".into(),
                account: "default".into(),
            })
        );
        // A hint this build cannot read is left out; the error stands.
        let newer = Reply::decode("err\tprovider\tboom\t{\"kind\":\"from_the_future\"}\n")
            .expect("an error reply");
        let Err(crate::error::Error::Agent { hint, message, .. }) = newer.into_token() else {
            panic!("an error reply is an error");
        };
        assert_eq!((hint, message.as_str()), (None, "boom"));
        // An older agent's reply, without a hint.
        assert_eq!(
            Reply::decode("err\tprovider\tboom\n"),
            Ok(Reply::Error {
                kind: ErrorKind::Provider,
                message: "boom".into(),
                hint: None
            })
        );
    }

    #[test]
    fn error_messages_are_flattened_and_tokens_with_tabs_not_sent() {
        let err = Reply::Error {
            kind: ErrorKind::Provider,
            message: "line one\nline\ttwo".into(),
            hint: None,
        };
        assert_eq!(err.encode(), "err\tprovider\tline one line two\n");
        let odd = Reply::Token {
            token_type: "Bearer".into(),
            expires_at: None,
            scopes: vec![],
            token: AccessToken::new("a\tb"),
        };
        let line = odd.encode();
        assert!(line.starts_with("err\tlocal\t"), "{line}");
        assert!(!line.contains("a\tb"));
    }

    #[test]
    fn malformed_replies_are_refused() {
        for line in [
            "",
            "ok\n",
            "ok\tBearer\t\t\t\n",
            "ok\tBearer\tsoon\t\tt\n",
            "err\tweird\tmessage\n",
            "err\n",
            "hello\n",
        ] {
            assert!(Reply::decode(line).is_err(), "{line:?}");
        }
    }
}
