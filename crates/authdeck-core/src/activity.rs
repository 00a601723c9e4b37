//! What happened to each account: logins, pasted tokens, refreshes, re-fetches, token
//! hand-outs (the CLI, the agent, the desktop's copies) and logouts, each with its time,
//! the token endpoint it talked to (origin and path only), the HTTP status, how long the
//! request took, and, when it failed, the typed error and the provider's answer.
//!
//! **Where it is seen.** [`observe`] runs a broker operation with a task-local record,
//! and `flows/token_endpoint.rs` notes every request it sends into it ([`note_request`]):
//! the one place every token request passes, so no flow can forget. The broker then
//! writes one [`ActivityEvent`] per operation (`broker/activity.rs`), with the last
//! request's endpoint, status and duration. A request outside such a scope notes nothing.
//!
//! **On disk.** One JSON line per event in `<state>/activity/<service>/<account>.jsonl`,
//! appended under a lock file beside it (`<account>.lock`), so processes that write at
//! once never interleave; each event carries a sequence number one above the last, so
//! readers order events by it, never by time. A line cut short by a crash is skipped by
//! readers, and the next append starts on a line of its own. When the file would grow
//! past [`MAX_FILE_BYTES`] it is renamed to `<account>.jsonl.1` (replacing the previous
//! one) and a new file is begun: at most twice that size per account.
//!
//! **No secret.** An event holds an endpoint's origin and path (never its query or user
//! info), a status, a duration, error kinds and messages — which never quote a secret
//! (`error.rs`) — and the provider's OAuth error code and description, read from an
//! answer already scrubbed of every secret its request sent (`flows/token_endpoint.rs`).
//! The e2e hygiene tests scan these files too.
//!
//! Recording never fails what it records: a write that fails is logged and dropped.

use std::cell::RefCell;
use std::future::Future;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Refusal, Result};
use crate::ids::{AccountRef, ServiceId};
use crate::paths;

/// The size past which an account's activity file is rotated.
pub const MAX_FILE_BYTES: u64 = 64 * 1024;

/// The longest text kept in an event's message or answer (characters).
const MAX_TEXT: usize = 500;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// A login (browser, device code, client credentials, password).
    Login,
    /// A token or API key pasted by the user.
    Paste,
    /// A refresh with the refresh token.
    Refresh,
    /// A new token fetched without the user (client credentials, password grant).
    Refetch,
    /// A valid token handed to a consumer (see [`HandOut`]).
    HandOut,
    /// A logout (with the revocation request, where the provider has one).
    Logout,
    /// The account's token exchanged for another audience's (RFC 8693).
    Exchange,
    /// The provider was asked whether a token is active (RFC 7662).
    Introspect,
    /// The access token alone was revoked at the provider (RFC 7009).
    RevokeAccess,
    /// The refresh token alone was revoked at the provider (RFC 7009).
    RevokeRefresh,
    /// A NOMAD app token was minted (and handed to whoever asked for it).
    AppToken,
}

impl ActivityKind {
    /// Every kind, in declaration order.
    pub const ALL: [ActivityKind; 11] = [
        ActivityKind::Login,
        ActivityKind::Paste,
        ActivityKind::Refresh,
        ActivityKind::Refetch,
        ActivityKind::HandOut,
        ActivityKind::Logout,
        ActivityKind::Exchange,
        ActivityKind::Introspect,
        ActivityKind::RevokeAccess,
        ActivityKind::RevokeRefresh,
        ActivityKind::AppToken,
    ];

    /// The word used on disk and in `--json` output.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Login => "login",
            ActivityKind::Paste => "paste",
            ActivityKind::Refresh => "refresh",
            ActivityKind::Refetch => "refetch",
            ActivityKind::HandOut => "hand_out",
            ActivityKind::Logout => "logout",
            ActivityKind::Exchange => "exchange",
            ActivityKind::Introspect => "introspect",
            ActivityKind::RevokeAccess => "revoke_access",
            ActivityKind::RevokeRefresh => "revoke_refresh",
            ActivityKind::AppToken => "app_token",
        }
    }
}

/// Who a token was handed to. A front end that hands tokens out adds its variant here
/// and calls [`crate::Broker::record_hand_out`] once per hand-out to a consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandOut {
    /// `authdeck token` without an agent.
    Cli,
    /// The token agent (`authdeck token` answered from its socket).
    Agent,
    /// A copy to the clipboard from the desktop app (window or tray).
    Copy,
    /// `authdeck exec` (into a command's environment).
    Exec,
    /// `authdeck git-credential` (to git).
    Git,
    /// `authdeck kube-credential` (to kubectl).
    Kube,
    /// "Reveal" in the desktop window (the token shown on screen).
    Reveal,
}

impl HandOut {
    /// Every channel, in declaration order.
    pub const ALL: [HandOut; 7] = [
        HandOut::Cli,
        HandOut::Agent,
        HandOut::Copy,
        HandOut::Exec,
        HandOut::Git,
        HandOut::Kube,
        HandOut::Reveal,
    ];

    /// The word used on disk and in `--json` output.
    pub fn as_str(self) -> &'static str {
        match self {
            HandOut::Cli => "cli",
            HandOut::Agent => "agent",
            HandOut::Copy => "copy",
            HandOut::Exec => "exec",
            HandOut::Git => "git",
            HandOut::Kube => "kube",
            HandOut::Reveal => "reveal",
        }
    }
}

/// A failure, as the typed error said it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityError {
    /// The error's kind (its exit code).
    #[serde(with = "kind_text")]
    pub kind: ErrorKind,
    /// Which credential the provider refused, when it was a refusal.
    #[serde(
        default,
        with = "refusal_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub refusal: Option<Refusal>,
    /// The error's message (never a secret, never a CLI command).
    pub message: String,
}

impl ActivityError {
    pub fn of(e: &Error) -> Self {
        ActivityError {
            kind: e.kind(),
            refusal: e.refusal(),
            message: shortened(&e.to_string()),
        }
    }

    /// The refusal's name, else the kind's: "grant_expired", "provider", …
    pub fn code(&self) -> &'static str {
        self.refusal.map_or(self.kind.as_str(), Refusal::as_str)
    }
}

/// One thing that happened to an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEvent {
    /// One more than the account's previous event: the order of events.
    pub seq: u64,
    /// When it happened (Unix seconds, UTC).
    pub at: i64,
    pub kind: ActivityKind,
    /// Who the token went to ([`ActivityKind::HandOut`] only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<HandOut>,
    /// The last request's endpoint: origin and path, no query, no user info.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Its HTTP status (none when it got no answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// How long it took, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// The provider's OAuth error answer, "code (description)", already scrubbed; for
    /// an introspection, its verdict ("active", "not active").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// `None` when it succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ActivityError>,
}

impl ActivityEvent {
    /// A new event (its `seq` is given when it is appended).
    pub fn new(at: i64, kind: ActivityKind) -> Self {
        ActivityEvent {
            seq: 0,
            at,
            kind,
            via: None,
            endpoint: None,
            status: None,
            duration_ms: None,
            answer: None,
            error: None,
        }
    }

    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}

/// What [`observe`] saw of a broker operation's requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// The kind the operation turned out to be, when it said (a renewal that re-fetched).
    pub kind: Option<ActivityKind>,
    /// The last request: endpoint, status, duration, the provider's error answer.
    pub endpoint: Option<String>,
    pub status: Option<u16>,
    pub duration: Option<Duration>,
    pub answer: Option<String>,
}

impl Observed {
    /// The event of the operation: `kind` unless it said otherwise, with its outcome.
    pub fn event(self, at: i64, kind: ActivityKind, outcome: Result<(), &Error>) -> ActivityEvent {
        let mut event = ActivityEvent::new(at, self.kind.unwrap_or(kind));
        event.endpoint = self.endpoint;
        event.status = self.status;
        event.duration_ms = self
            .duration
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        event.answer = self.answer;
        event.error = outcome.err().map(ActivityError::of);
        event
    }
}

tokio::task_local! {
    static OBSERVED: RefCell<Observed>;
}

/// Runs `operation`, noting what its token requests did (see [`note_request`]).
pub async fn observe<F: Future>(operation: F) -> (F::Output, Observed) {
    OBSERVED
        .scope(RefCell::new(Observed::default()), async {
            let output = operation.await;
            let seen = OBSERVED.with(RefCell::take);
            (output, seen)
        })
        .await
}

/// Notes a request sent under [`observe`]: its endpoint (reduced to origin and path
/// here), status (`None`: no answer), duration and the provider's OAuth error answer.
/// Outside [`observe`] it does nothing.
pub fn note_request(
    endpoint: &url::Url,
    status: Option<u16>,
    took: Duration,
    answer: Option<String>,
) {
    let _ = OBSERVED.try_with(|o| {
        let mut o = o.borrow_mut();
        o.endpoint = Some(format!(
            "{}{}",
            crate::http::origin(endpoint),
            endpoint.path()
        ));
        o.status = status;
        o.duration = Some(took);
        o.answer = answer.map(|a| shortened(&a));
    });
}

/// Notes the provider's verdict for the observed operation's event (an introspection's
/// "active"): it replaces the answer of the last request. Outside [`observe`] it does
/// nothing.
pub fn note_answer(answer: &str) {
    let _ = OBSERVED.try_with(|o| o.borrow_mut().answer = Some(shortened(answer)));
}

/// Tells the observed operation what kind it turned out to be (a renewal that had to
/// re-fetch rather than refresh). Outside [`observe`] it does nothing.
pub fn note_kind(kind: ActivityKind) {
    let _ = OBSERVED.try_with(|o| o.borrow_mut().kind = Some(kind));
}

fn shortened(text: &str) -> String {
    let mut out: String = text.chars().take(MAX_TEXT).collect();
    if text.chars().count() > MAX_TEXT {
        out.push('…');
    }
    out
}

/// The activity files under one state directory.
#[derive(Debug, Clone)]
pub struct ActivityLog {
    dir: PathBuf,
}

impl ActivityLog {
    pub fn new(state_dir: &Path) -> Self {
        ActivityLog {
            dir: state_dir.join("activity"),
        }
    }

    fn file(&self, account: &AccountRef) -> PathBuf {
        self.dir
            .join(account.service.as_str())
            .join(format!("{}.jsonl", account.account))
    }

    fn rotated(&self, account: &AccountRef) -> PathBuf {
        self.dir
            .join(account.service.as_str())
            .join(format!("{}.jsonl.1", account.account))
    }

    fn lock_path(&self, account: &AccountRef) -> PathBuf {
        self.dir
            .join(account.service.as_str())
            .join(format!("{}.lock", account.account))
    }

    /// Appends `event` to the account's activity (blocking file I/O), numbered one
    /// above the last event; returns it as written.
    pub fn append(&self, account: &AccountRef, mut event: ActivityEvent) -> Result<ActivityEvent> {
        let _lock = paths::lock_exclusive(&self.lock_path(account))?;
        let path = self.file(account);
        let rotated = self.rotated(account);
        let last = last_seq(&path)?.or(last_seq(&rotated)?);
        event.seq = last.map_or(1, |s| s + 1);
        let mut line = serde_json::to_vec(&event)
            .map_err(|e| Error::Local(format!("could not encode an activity event: {e}")))?;
        line.push(b'\n');
        let size = match std::fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(Error::io("inspect", &path, e)),
        };
        if size > 0 && size + line.len() as u64 > MAX_FILE_BYTES {
            std::fs::rename(&path, &rotated).map_err(|e| Error::io("rotate", &path, e))?;
        }
        let mut file = open_append(&path)?;
        // A line cut short by a crash: the new one starts on a line of its own.
        if ends_without_newline(&mut file).map_err(|e| Error::io("read", &path, e))? {
            line.insert(0, b'\n');
        }
        file.write_all(&line)
            .map_err(|e| Error::io("append to", &path, e))?;
        Ok(event)
    }

    /// The account's last `limit` events, newest first.
    pub fn read(&self, account: &AccountRef, limit: usize) -> Result<Vec<ActivityEvent>> {
        let mut events = read_lines(&self.rotated(account))?;
        events.extend(read_lines(&self.file(account))?);
        events.sort_by_key(|e| std::cmp::Reverse(e.seq));
        events.dedup_by_key(|e| e.seq);
        events.truncate(limit);
        Ok(events)
    }

    /// Forgets the account's activity.
    pub fn remove(&self, account: &AccountRef) -> Result<()> {
        for path in [
            self.file(account),
            self.rotated(account),
            self.lock_path(account),
        ] {
            crate::paths::remove_file_if_present(&path)?;
        }
        Ok(())
    }

    /// Forgets the activity of every account of a service.
    pub fn remove_service(&self, service: &ServiceId) -> Result<()> {
        crate::paths::remove_dir_if_present(&self.dir.join(service.as_str()))
    }
}

fn open_append(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true).read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map_err(|e| Error::io("open the activity file", path, e))
}

fn ends_without_newline(file: &mut std::fs::File) -> std::io::Result<bool> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// The highest sequence number in the file at `path` (`None`: no file, or no event).
/// The last complete line is read first; a file whose end does not parse is read whole.
fn last_seq(path: &Path) -> Result<Option<u64>> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read", path, e)),
    };
    let len = file
        .seek(SeekFrom::End(0))
        .map_err(|e| Error::io("read", path, e))?;
    let tail_start = len.saturating_sub(4096);
    let mut tail = Vec::new();
    file.seek(SeekFrom::Start(tail_start))
        .and_then(|_| file.read_to_end(&mut tail))
        .map_err(|e| Error::io("read", path, e))?;
    let last_line = tail
        .split(|b| *b == b'\n')
        .rev()
        .find_map(|l| serde_json::from_slice::<ActivityEvent>(l).ok());
    if let Some(event) = last_line {
        return Ok(Some(event.seq));
    }
    Ok(read_lines(path)?.iter().map(|e| e.seq).max())
}

/// Every event in the file at `path` that parses (a line cut short is skipped).
fn read_lines(path: &Path) -> Result<Vec<ActivityEvent>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("read", path, e)),
    };
    Ok(bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect())
}

/// `ErrorKind` as its stable name.
mod kind_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::error::ErrorKind;

    pub fn serialize<S: Serializer>(kind: &ErrorKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ErrorKind, D::Error> {
        let text = String::deserialize(d)?;
        ErrorKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown error kind '{text}'")))
    }
}

/// `Option<Refusal>` as its stable name.
mod refusal_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::error::Refusal;

    pub fn serialize<S: Serializer>(refusal: &Option<Refusal>, s: S) -> Result<S::Ok, S::Error> {
        match refusal {
            Some(r) => s.serialize_str(r.as_str()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Refusal>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else {
            return Ok(None);
        };
        Refusal::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown refusal '{text}'")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::aref;

    fn event(kind: ActivityKind) -> ActivityEvent {
        ActivityEvent::new(1_700_000_000, kind)
    }

    #[test]
    fn events_are_numbered_and_read_newest_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = ActivityLog::new(dir.path());
        let at = aref("s", "a");
        assert!(log.read(&at, 10).expect("read").is_empty());
        log.append(&at, event(ActivityKind::Login)).expect("append");
        let mut failed = event(ActivityKind::Refresh);
        failed.error = Some(ActivityError::of(&Error::refused(
            Refusal::GrantExpired,
            "expired",
        )));
        log.append(&at, failed).expect("append");
        let read = log.read(&at, 10).expect("read");
        assert_eq!(
            read.iter().map(|e| (e.seq, e.kind)).collect::<Vec<_>>(),
            [(2, ActivityKind::Refresh), (1, ActivityKind::Login)]
        );
        let error = read[0].error.as_ref().expect("an error");
        assert_eq!(error.code(), "grant_expired");
        assert_eq!(error.kind, ErrorKind::LoginRequired);
        assert_eq!(log.read(&at, 1).expect("read").len(), 1);
        // Another account's activity is its own.
        assert!(log.read(&aref("s", "b"), 10).expect("read").is_empty());
    }

    #[test]
    fn a_line_cut_short_is_skipped_and_the_next_starts_afresh() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = ActivityLog::new(dir.path());
        let at = aref("s", "a");
        log.append(&at, event(ActivityKind::Login)).expect("append");
        let path = dir.path().join("activity/s/a.jsonl");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        f.write_all(br#"{"seq":2,"at":1,"ki"#).expect("partial");
        log.append(&at, event(ActivityKind::HandOut))
            .expect("append");
        let read = log.read(&at, 10).expect("read");
        assert_eq!(
            read.iter().map(|e| (e.seq, e.kind)).collect::<Vec<_>>(),
            [(2, ActivityKind::HandOut), (1, ActivityKind::Login)]
        );
    }

    #[test]
    fn the_file_is_rotated_once_and_bounded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = ActivityLog::new(dir.path());
        let at = aref("s", "a");
        let mut big = event(ActivityKind::Refresh);
        big.error = Some(ActivityError::of(&Error::Provider("x".repeat(2_000))));
        let per_line = serde_json::to_vec(&big).expect("json").len() as u64 + 1;
        let lines = 3 * MAX_FILE_BYTES / per_line;
        for _ in 0..lines {
            log.append(&at, big.clone()).expect("append");
        }
        let file = std::fs::metadata(dir.path().join("activity/s/a.jsonl")).expect("file");
        let rotated = std::fs::metadata(dir.path().join("activity/s/a.jsonl.1")).expect("rotated");
        assert!(file.len() <= MAX_FILE_BYTES && rotated.len() <= MAX_FILE_BYTES);
        let read = log.read(&at, usize::MAX).expect("read");
        // Numbered on across rotations, the newest kept.
        assert_eq!(read.first().map(|e| e.seq), Some(lines));
        assert!(read.windows(2).all(|w| w[0].seq == w[1].seq + 1));
        // Messages are shortened.
        let message = &read[0].error.as_ref().expect("error").message;
        assert_eq!(message.chars().count(), MAX_TEXT + 1);
        log.remove(&at).expect("remove");
        assert!(log.read(&at, 10).expect("read").is_empty());
    }

    #[tokio::test]
    async fn observe_keeps_the_last_request_reduced_to_origin_and_path() {
        let url = url::Url::parse("https://user:pw@id.test:8443/oauth/token?client_secret=s3cr3t")
            .expect("url");
        // Outside a scope: nothing, and no panic.
        note_request(&url, Some(500), Duration::from_millis(1), None);
        let ((), seen) = observe(async {
            note_request(&url, Some(400), Duration::from_millis(3), None);
            note_kind(ActivityKind::Refetch);
            tokio::task::yield_now().await;
            note_request(
                &url,
                Some(401),
                Duration::from_millis(12),
                Some("invalid_client".into()),
            );
        })
        .await;
        assert_eq!(
            seen.endpoint.as_deref(),
            Some("https://id.test:8443/oauth/token")
        );
        let e = Error::refused(Refusal::BadClientCredentials, "refused");
        let event = seen.event(5, ActivityKind::Refresh, Err(&e));
        assert_eq!(event.kind, ActivityKind::Refetch);
        assert_eq!(
            (event.status, event.duration_ms, event.answer.as_deref()),
            (Some(401), Some(12), Some("invalid_client"))
        );
        let text = serde_json::to_string(&event).expect("json");
        assert!(!text.contains("s3cr3t") && !text.contains("pw@"), "{text}");
        assert!(
            text.contains(r#""refusal":"bad_client_credentials""#),
            "{text}"
        );
    }
}
