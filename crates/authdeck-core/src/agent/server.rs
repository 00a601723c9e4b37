//! The agent: serves tokens from memory on a user-only Unix socket.
//!
//! Each request is answered from the in-memory copy when the account's state file is
//! unchanged since the copy was taken and the token is valid long enough; otherwise
//! through [`Broker::token`] (keyring, refresh under the cross-process lock), whose answer
//! is then kept. Comparing the state file (a few hundred bytes, no secret) on every
//! request is what keeps the copy honest: a login, logout or refresh by any other process
//! rewrites that file, and the agent then reads the keyring again.

use std::collections::HashMap;
use std::future::Future;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio_util::task::TaskTracker;

use super::protocol::{Reply, Request, WireHint, MAX_LINE};
use crate::activity::HandOut;
use crate::broker::{Broker, ValidToken};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{AccountName, ServiceId};
use crate::paths;
use crate::state::AccountState;

/// How long a client may take to send its request line.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// How long shutdown waits for renewals still storing their tokens.
const WRITES_TIMEOUT: Duration = Duration::from_secs(30);

/// What a kept token is filed under: the request's service and account (`None`: the
/// default one).
type KeptKey = (ServiceId, Option<AccountName>);

/// A token kept in memory, with the state file it was read under.
#[derive(Debug)]
struct Kept {
    account: AccountName,
    state: AccountState,
    token: ValidToken,
}

/// The agent's state: the broker and the tokens it has handed out.
#[derive(Debug)]
pub struct Agent {
    broker: Broker,
    kept: Mutex<HashMap<KeptKey, Kept>>,
    uid: u32,
}

impl Agent {
    /// An agent over `broker`, which from now on keeps refresh tokens and client
    /// secrets in memory between refreshes ([`Broker::remembering_secrets`]).
    pub fn new(broker: Broker) -> Self {
        Agent {
            broker: broker.remembering_secrets(),
            kept: Mutex::new(HashMap::new()),
            uid: rustix::process::getuid().as_raw(),
        }
    }

    /// Answers one request (no I/O on the socket: the unit of work the server runs).
    pub async fn answer(&self, req: Request) -> Reply {
        self.answer_for(req).await.0
    }

    /// [`Agent::answer`], with the account when the token is handed out for the first
    /// time: a token served again from memory is the same hand-out (the activity log
    /// records each token once, not every request of a script's loop).
    async fn answer_for(&self, req: Request) -> (Reply, Option<AccountName>) {
        let key = (req.service.clone(), req.account.clone());
        if let Some(served) = self.kept_reply(&key, req.min_valid) {
            return served;
        }
        match self
            .broker
            .token_for_account(&req.service, req.account.as_ref(), req.min_valid)
            .await
        {
            Ok((account, token)) => {
                self.keep(key, account.clone(), &token);
                (token_reply(&token), Some(account))
            }
            Err(e) => {
                self.lock().remove(&key);
                let reply = Reply::Error {
                    kind: e.kind(),
                    message: e.to_string(),
                    hint: e.hint().as_ref().and_then(WireHint::of),
                };
                (reply, None)
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<KeptKey, Kept>> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn kept_reply(&self, key: &KeptKey, min_valid: i64) -> Option<(Reply, Option<AccountName>)> {
        let account = self.lock().get(key)?.account.clone();
        // Read outside the lock: a file read must not hold up other requests.
        let current = self.broker.account_state(&key.0, &account).ok().flatten();
        let mut kept = self.lock();
        let entry = kept.get(key)?;
        let now = self.broker.now();
        if current.as_ref() != Some(&entry.state)
            || !crate::token::is_valid(entry.token.expires_at, now, min_valid)
        {
            kept.remove(key);
            return None;
        }
        Some((token_reply(&entry.token), None))
    }

    /// Keeps `token` if the state file on disk describes it (else another process changed
    /// the account meanwhile, and the next request goes to the broker again).
    fn keep(&self, key: KeptKey, account: AccountName, token: &ValidToken) {
        let Ok(Some(state)) = self.broker.account_state(&key.0, &account) else {
            return;
        };
        if state.login_required.is_some()
            || !state.has_access_token
            || state.expires_at != token.expires_at
        {
            return;
        }
        self.lock().insert(
            key,
            Kept {
                account,
                state,
                token: token.clone(),
            },
        );
    }

    /// Serves one connection: checks the peer's uid, reads one request, answers it.
    async fn connection(&self, mut stream: UnixStream) {
        match stream.peer_cred() {
            Ok(cred) if cred.uid() == self.uid => {}
            Ok(cred) => {
                tracing::warn!(
                    "agent: refused a connection from uid {} (serving uid {})",
                    cred.uid(),
                    self.uid
                );
                let reply = Reply::Error {
                    kind: ErrorKind::Local,
                    message: "the agent serves its own user only".into(),
                    hint: None,
                };
                let _ = stream.write_all(reply.encode().as_bytes()).await;
                return;
            }
            Err(e) => {
                tracing::warn!("agent: cannot read the peer's credentials: {e}");
                return;
            }
        }
        let (read, mut write) = stream.split();
        let mut line = String::new();
        let mut reader = BufReader::new(read.take(MAX_LINE as u64));
        let read = tokio::time::timeout(REQUEST_TIMEOUT, reader.read_line(&mut line)).await;
        let mut handed_out = None;
        let reply = match read {
            Ok(Ok(_)) if line.ends_with('\n') => match Request::decode(&line) {
                Ok(req) => {
                    tracing::debug!(
                        "agent: token for {}/{}",
                        req.service,
                        req.account
                            .as_ref()
                            .map_or("(default)", AccountName::as_str)
                    );
                    let service = req.service.clone();
                    let (reply, account) = self.answer_for(req).await;
                    handed_out = account.map(|a| (service, a));
                    reply
                }
                Err(message) => Reply::Error {
                    kind: ErrorKind::Local,
                    message,
                    hint: None,
                },
            },
            Ok(Ok(_)) => Reply::Error {
                kind: ErrorKind::Local,
                message: "incomplete or too long request".into(),
                hint: None,
            },
            Ok(Err(e)) => {
                tracing::debug!("agent: reading a request failed: {e}");
                return;
            }
            Err(_) => return,
        };
        if let Err(e) = write.write_all(reply.encode().as_bytes()).await {
            tracing::debug!("agent: writing a reply failed: {e}");
            return;
        }
        // The client reads one line; closing our side tells it nothing more comes.
        let _ = write.shutdown().await;
        // Recorded once the client has its answer: the file write adds no latency.
        if let Some((service, account)) = handed_out {
            self.broker
                .record_hand_out(&service, Some(&account), HandOut::Agent)
                .await;
        }
    }
}

fn token_reply(token: &ValidToken) -> Reply {
    Reply::Token {
        token_type: token.token_type.clone(),
        expires_at: token.expires_at,
        scopes: token.scopes.clone(),
        token: token.access_token.clone(),
    }
}

/// Runs an agent for `broker` on `socket` until `shutdown` completes, then removes the
/// socket. Fails if another agent already answers there, or if the socket's directory is
/// not private to this user.
pub async fn serve(
    broker: Broker,
    socket: &Path,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let listener = bind(socket)?;
    // Renewals hand their token out once the refresh token is stored; the rest of their
    // writes finish on `writes`, which shutdown waits for, as for requests under way.
    let writes = TaskTracker::new();
    let agent = Arc::new(Agent::new(broker.finishing_writes_on(writes.clone())));
    tracing::info!("agent listening on {}", socket.display());
    tokio::pin!(shutdown);
    let result = loop {
        tokio::select! {
            () = &mut shutdown => break Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Tracked like the late writes: a refresh under way when the agent
                    // stops is finished (and its rotated refresh token stored), not cut.
                    let agent = Arc::clone(&agent);
                    writes.spawn(async move { agent.connection(stream).await });
                }
                Err(e) => break Err(Error::io("accept on", socket, e)),
            },
        }
    };
    let _ = std::fs::remove_file(socket);
    writes.close();
    if tokio::time::timeout(WRITES_TIMEOUT, writes.wait())
        .await
        .is_err()
    {
        tracing::warn!("agent: stopped before the last token writes finished");
    }
    result
}

/// Binds the socket in a private directory: `0700`, owned by this user, not a symlink;
/// the socket itself `0600`. A stale socket (nothing listening) is replaced.
fn bind(socket: &Path) -> Result<UnixListener> {
    let dir = socket
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .ok_or_else(|| Error::Local(format!("{} has no directory", socket.display())))?;
    paths::ensure_private_dir(dir)?;
    check_private_dir(dir)?;
    match std::fs::symlink_metadata(socket) {
        Ok(_) if std::os::unix::net::UnixStream::connect(socket).is_ok() => {
            return Err(Error::Local(format!(
                "an agent is already running on {}",
                socket.display()
            )));
        }
        Ok(_) => std::fs::remove_file(socket)
            .map_err(|e| Error::io("remove the stale socket", socket, e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io("inspect", socket, e)),
    }
    let listener = UnixListener::bind(socket).map_err(|e| Error::io("listen on", socket, e))?;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| Error::io("restrict", socket, e))?;
    Ok(listener)
}

/// Fails unless `dir` is a real directory owned by this user that no one else can enter.
pub(super) fn check_private_dir(dir: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(dir).map_err(|e| Error::io("inspect", dir, e))?;
    match not_private(dir, &meta) {
        Some(problem) => Err(Error::Local(problem)),
        None => Ok(()),
    }
}

/// What is wrong with `dir` (of metadata `meta`) as the agent's directory, if anything.
/// (Text, not an `Error`: the `authdeck` front checks it too and links no `Error` text.)
pub(super) fn not_private(dir: &Path, meta: &std::fs::Metadata) -> Option<String> {
    let uid = rustix::process::getuid().as_raw();
    (!meta.is_dir() || meta.uid() != uid || meta.mode() & 0o077 != 0).then(|| {
        format!(
            "{} must be a directory owned by you with mode 0700 (it holds the agent's socket)",
            dir.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::client::{ask, AgentAnswer};
    use crate::ids::testing::aref;
    use crate::secret::{AccessToken, EntryText};
    use crate::state::StateStore;
    use crate::token::{Clock, TokenSet};
    use crate::vault::{MemoryStore, SecretKey, SecretKind, SecretStore};

    #[derive(Debug)]
    struct Fixed(i64);
    impl Clock for Fixed {
        fn now(&self) -> i64 {
            self.0
        }
    }

    const NOW: i64 = 1_700_000_000;

    fn broker(root: &Path, store: Arc<MemoryStore>) -> Broker {
        let dirs = paths::Dirs::under(root);
        std::fs::create_dir_all(&dirs.config).expect("config dir");
        std::fs::write(
            dirs.services_file(),
            "[services.s]\nflow = \"client-credentials\"\nclient_id = \"c\"\nendpoints.token = \"http://127.0.0.1:9/token\"\n",
        )
        .expect("services.toml");
        Broker::new(
            dirs,
            store,
            crate::http::HttpClient::new(Duration::from_secs(1)).expect("http"),
            Arc::new(Fixed(NOW)),
            Arc::new(crate::flows::NoBrowser),
        )
    }

    fn store_token(root: &Path, store: &MemoryStore, token: &str, expires_at: i64) {
        let key = SecretKey::account(&aref("s", "default"), SecretKind::AccessToken);
        store.set(&key, &EntryText::new(token)).expect("set");
        let tokens = TokenSet {
            access_token: AccessToken::new(token),
            token_type: "Bearer".into(),
            expires_at: Some(expires_at),
            obtained_at: NOW,
            refresh_expires_at: None,
            refresh_token: None,
            id_token: None,
            scopes: vec![],
        };
        StateStore::new(&root.join("state"))
            .save(&aref("s", "default"), &AccountState::from_tokens(&tokens))
            .expect("state");
    }

    fn request() -> Request {
        Request {
            service: crate::ids::testing::sid("s"),
            account: None,
            min_valid: 60,
        }
    }

    fn token_of(reply: &Reply) -> String {
        match reply {
            Reply::Token { token, .. } => token.expose().to_owned(),
            Reply::Error { message, .. } => panic!("error reply: {message}"),
        }
    }

    #[tokio::test]
    async fn serves_kept_reply_until_the_state_file_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(MemoryStore::default());
        store_token(dir.path(), &store, "first", NOW + 3600);
        let agent = Agent::new(broker(dir.path(), Arc::clone(&store)));
        assert_eq!(token_of(&agent.answer(request()).await), "first");
        // The keyring changes behind the agent's back, the state file does not: memory wins.
        store
            .set(
                &SecretKey::account(&aref("s", "default"), SecretKind::AccessToken),
                &EntryText::new("changed"),
            )
            .expect("set");
        assert_eq!(token_of(&agent.answer(request()).await), "first");
        // Another process stores a new token (and state): the agent reads it again.
        store_token(dir.path(), &store, "second", NOW + 7200);
        assert_eq!(token_of(&agent.answer(request()).await), "second");
        // A logout (state gone): no token from memory.
        StateStore::new(&dir.path().join("state"))
            .save(
                &aref("s", "default"),
                &AccountState::login_required("logged out"),
            )
            .expect("state");
        match agent.answer(request()).await {
            Reply::Error { kind, .. } => assert_eq!(kind, ErrorKind::LoginRequired),
            other => panic!("expected login required, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn each_token_is_one_hand_out_however_often_it_is_served() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(MemoryStore::default());
        store_token(dir.path(), &store, "first", NOW + 3600);
        let agent = Agent::new(broker(dir.path(), Arc::clone(&store)));
        let handed_out = |answer: (Reply, Option<AccountName>)| answer.1.is_some();
        assert!(handed_out(agent.answer_for(request()).await), "first serve");
        for _ in 0..3 {
            assert!(
                !handed_out(agent.answer_for(request()).await),
                "served again from memory: the same hand-out"
            );
        }
        store_token(dir.path(), &store, "second", NOW + 7200);
        assert!(
            handed_out(agent.answer_for(request()).await),
            "a new token is a new hand-out"
        );
    }

    #[tokio::test]
    async fn socket_round_trip_and_private_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(MemoryStore::default());
        store_token(dir.path(), &store, "sock-token", NOW + 3600);
        let socket = dir.path().join("run").join("agent.sock");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn({
            let broker = broker(dir.path(), store);
            let socket = socket.clone();
            async move {
                serve(broker, &socket, async {
                    let _ = stopped.await;
                })
                .await
            }
        });
        let socket2 = socket.clone();
        let answer = tokio::task::spawn_blocking(move || {
            for _ in 0..100 {
                if socket2.exists() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            ask(&socket2, &request())
        })
        .await
        .expect("join");
        match answer {
            AgentAnswer::Reply(reply) => assert_eq!(token_of(&reply), "sock-token"),
            other => panic!("expected a reply, got {other:?}"),
        }
        let mode = std::fs::metadata(&socket).expect("socket").mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(socket.parent().expect("dir"))
            .expect("dir")
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        let _ = stop.send(());
        server.await.expect("join").expect("serve");
        assert!(!socket.exists(), "socket removed on shutdown");
        // No agent now: the client says so, and the CLI falls back to the keyring.
        assert!(matches!(ask(&socket, &request()), AgentAnswer::NoAgent));
    }

    #[test]
    fn a_shared_directory_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let open = dir.path().join("open");
        std::fs::create_dir(&open).expect("dir");
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        assert!(check_private_dir(&open).is_err());
        assert!(bind(&open.join("agent.sock")).is_err());
    }
}
