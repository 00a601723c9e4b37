use super::*;
use crate::config::{Account, AccountName, Flow};
use crate::ids::testing::{aref, name, sid};
use crate::secret::{ClientSecret, EntryText, Password, RefreshToken};
use crate::vault::{SecretKey, SecretKind};

fn service(accounts: &[&str]) -> Service {
    Service {
        client_id: "c".into(),
        accounts: accounts
            .iter()
            .map(|a| Account {
                name: AccountName::parse(a).expect("name"),
                username: None,
            })
            .collect(),
        ..Service::default()
    }
}

impl Broker {
    /// Stores a token set as a login does: through the one route, under the lock.
    async fn store_tokens(&self, service_id: &str, account: &str, tokens: &TokenSet) -> Result<()> {
        let target = aref(service_id, account);
        let lock = self.store.lock(&target).await?;
        self.store.store(&target, tokens, lock).await
    }
}

#[test]
fn account_resolution() {
    assert_eq!(
        existing_account(&sid("s"), &service(&[]), None).expect("default"),
        aref("s", "default")
    );
    assert_eq!(
        existing_account(&sid("s"), &service(&["work"]), None).expect("only one"),
        aref("s", "work")
    );
    assert_eq!(
        existing_account(&sid("s"), &service(&["default", "work"]), None).expect("default wins"),
        aref("s", "default")
    );
    let err = existing_account(&sid("s"), &service(&["a", "b"]), None).expect_err("ambiguous");
    // Core names no CLI flag: the front end words the hint.
    assert!(!err.to_string().contains("--"), "{err}");
    assert_eq!(
        err.hint(),
        Some(crate::Hint::ChooseAccount {
            service: "s".into()
        })
    );
    let err =
        existing_account(&sid("s"), &service(&["a"]), Some(&name("zz"))).expect_err("unknown");
    assert_eq!(
        err.hint(),
        Some(crate::Hint::LogIn {
            service: "s".into(),
            account: "zz".into()
        }),
        "{err}"
    );
    assert!(!err.to_string().contains("authdeck"), "{err}");
}

#[derive(Debug)]
struct FixedClock(i64);
impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

fn broker(dir: &std::path::Path, now: i64) -> (Broker, crate::vault::MemoryStore) {
    let store = crate::vault::MemoryStore::default();
    let broker = Broker::new(
        Dirs::under(dir),
        Arc::new(store.clone()),
        HttpClient::new(Duration::from_secs(1)).expect("http"),
        Arc::new(FixedClock(now)),
        Arc::new(flows::NoBrowser),
    );
    (broker, store)
}

/// Adds the password-flow service `svc`, whose token endpoint nothing listens on (port
/// 9): any network use fails the test.
async fn add_offline_service(broker: &Broker) {
    let id = crate::config::ServiceId::parse("svc").expect("id");
    let mut svc = service(&[]);
    svc.flow = Flow::Password;
    svc.endpoints.token =
        Some(crate::config::HttpUrl::parse("http://127.0.0.1:9/token").expect("url"));
    broker
        .add_service(&id, &svc, false, None, None)
        .await
        .expect("add");
}

#[tokio::test]
async fn cached_tokens_and_login_required_need_no_network() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (broker, store) = broker(dir.path(), 1_000);
    add_offline_service(&broker).await;

    let tokens = TokenSet {
        access_token: AccessToken::new("cached-access"),
        refresh_token: Some(RefreshToken::new("refresh")),
        id_token: None,
        token_type: "Bearer".into(),
        scopes: vec![],
        expires_at: Some(1_000 + 600),
        obtained_at: 1_000,
        refresh_expires_at: None,
    };
    broker
        .store_tokens("svc", "default", &tokens)
        .await
        .expect("store");
    assert_eq!(store.len(), 1, "access and refresh token in one entry");
    let t = broker.token(&sid("svc"), None, 60).await.expect("cached");
    assert_eq!(t.access_token.expose(), "cached-access");

    // Too short-lived for the caller: a refresh is attempted, fails on the network, and
    // nothing stored changes.
    let err = broker
        .token(&sid("svc"), None, 3600)
        .await
        .expect_err("network");
    assert_eq!(err.kind(), crate::ErrorKind::Provider, "{err}");
    assert_eq!(
        broker
            .token(&sid("svc"), None, 60)
            .await
            .expect("still cached")
            .access_token
            .expose(),
        "cached-access"
    );

    // A login-required account answers at once, without touching the provider.
    broker
        .store
        .state
        .save(
            &aref("svc", "default"),
            &AccountState::login_required("logged out"),
        )
        .expect("save");
    let err = broker
        .token(&sid("svc"), None, 60)
        .await
        .expect_err("login required");
    assert_eq!(err.kind(), crate::ErrorKind::LoginRequired);
    let status = broker.status().expect("status");
    assert_eq!(status[0].status, StatusKind::LoginRequired);
}

#[tokio::test]
async fn accounts_are_added_and_removed_with_their_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (broker, store) = broker(dir.path(), 1_000);
    let id = crate::config::ServiceId::parse("svc").expect("id");
    let mut svc = service(&[]);
    svc.flow = Flow::Password;
    svc.endpoints.token =
        Some(crate::config::HttpUrl::parse("http://127.0.0.1:9/token").expect("url"));
    svc.accounts = vec![Account {
        name: AccountName::parse("alice").expect("name"),
        username: Some("alice".into()),
    }];
    broker
        .add_service(&id, &svc, false, None, Some(Password::new("pw-a")))
        .await
        .expect("add");

    // The password grant needs a user name and a password; nothing changes without.
    let err = broker
        .add_account(&sid("svc"), &name("bob"), None, Some(Password::new("pw-b")))
        .await
        .expect_err("no user name");
    assert!(err.to_string().contains("user name"), "{err}");
    let err = broker
        .add_account(&sid("svc"), &name("bob"), Some("bob".into()), None)
        .await
        .expect_err("no password");
    assert!(err.to_string().contains("password"), "{err}");
    assert_eq!(store.len(), 1);
    let err = broker
        .add_account(
            &sid("svc"),
            &name("alice"),
            Some("x".into()),
            Some(Password::new("y")),
        )
        .await
        .expect_err("duplicate");
    assert!(err.to_string().contains("already has"), "{err}");

    broker
        .add_account(
            &sid("svc"),
            &name("bob"),
            Some("bob".into()),
            Some(Password::new("pw-b")),
        )
        .await
        .expect("add bob");
    assert_eq!(store.len(), 2);
    let names = broker
        .load_config()
        .expect("config")
        .service("svc")
        .expect("svc")
        .account_names();
    assert_eq!(names, ["alice", "bob"]);

    broker
        .remove_account(&sid("svc"), &name("bob"))
        .await
        .expect("remove");
    assert_eq!(store.len(), 1, "bob's password is gone, alice's stays");
    let config = broker.load_config().expect("config");
    assert_eq!(
        config.service("svc").expect("svc").account_names(),
        ["alice"]
    );
    let err = broker
        .remove_account(&sid("svc"), &name("alice"))
        .await
        .expect_err("last account");
    assert!(err.to_string().contains("remove the service"), "{err}");
    let err = broker
        .remove_account(&sid("svc"), &name("zed"))
        .await
        .expect_err("unknown");
    assert!(err.to_string().contains("no account 'zed'"), "{err}");
}

fn jwt_with_exp(exp: i64) -> String {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.sig",
        b64(r#"{"alg":"none"}"#),
        b64(&format!(r#"{{"sub":"me","exp":{exp}}}"#))
    )
}

#[tokio::test]
async fn pasted_bearer_tokens_and_api_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (broker, _store) = broker(dir.path(), 1_000);
    for (id, flow) in [("b", Flow::Bearer), ("k", Flow::ApiKey)] {
        let svc = Service {
            flow,
            ..Service::default()
        };
        let id = crate::config::ServiceId::parse(id).expect("id");
        broker
            .add_service(&id, &svc, false, None, None)
            .await
            .expect("a pasted-token service needs no client or endpoint");
    }
    // Not pasted yet: login required, saying how.
    let err = broker
        .token(&sid("b"), None, 60)
        .await
        .expect_err("nothing yet");
    assert_eq!(err.kind(), crate::ErrorKind::LoginRequired);
    assert_eq!(
        err.hint(),
        Some(crate::Hint::PasteToken {
            service: "b".into(),
            account: "default".into()
        }),
        "{err}"
    );
    // An OAuth login is refused with the right instruction.
    let cancel = tokio_util::sync::CancellationToken::new();
    let err = broker
        .login(&sid("b"), None, &|_: flows::LoginEvent| {}, &cancel)
        .await
        .expect_err("pasted");
    assert!(
        matches!(err.hint(), Some(crate::Hint::PasteToken { .. })),
        "{err}"
    );

    // A JWT's `exp` is the expiry; "Bearer " pasted along is dropped.
    let jwt = jwt_with_exp(1_000 + 300);
    let t = broker
        .store_pasted(&sid("b"), None, AccessToken::new(format!("Bearer {jwt}\n")))
        .await
        .expect("store");
    assert_eq!(t.expires_at, Some(1_300));
    assert_eq!(
        broker
            .token(&sid("b"), None, 60)
            .await
            .expect("valid")
            .access_token
            .expose(),
        &jwt
    );
    // Expired for the caller: no renewal is possible, the message says to paste anew.
    let err = broker
        .token(&sid("b"), None, 600)
        .await
        .expect_err("expired");
    assert!(err.to_string().contains("paste a new token"), "{err}");
    // An already expired token is refused.
    let err = broker
        .store_pasted(&sid("b"), None, AccessToken::new(jwt_with_exp(10)))
        .await
        .expect_err("expired");
    assert!(err.to_string().contains("expired"), "{err}");

    // An API key is kept as is and never expires; logout needs no provider.
    broker
        .store_pasted(&sid("k"), None, AccessToken::new("Bearer key-123"))
        .await
        .expect("store key");
    let t = broker
        .token(&sid("k"), None, 1_000_000)
        .await
        .expect("no expiry");
    assert_eq!(t.access_token.expose(), "Bearer key-123");
    assert_eq!(t.expires_at, None);
    let report = broker.logout(&sid("k"), None).await.expect("logout");
    assert!(report.revocation_note.is_some());
    assert!(broker.token(&sid("k"), None, 0).await.is_err());
}

/// A config write that fails (read-only directory, disk full) must not leave the
/// keyring changed: the secrets stored just before are put back as they were.
#[tokio::test]
async fn a_failed_config_write_restores_the_keyring() {
    use crate::vault::SecretStore;
    let dir = tempfile::tempdir().expect("tempdir");
    let (broker, store) = broker(dir.path(), 1_000);
    let id = crate::config::ServiceId::parse("svc").expect("id");
    let mut svc = service(&[]);
    svc.flow = Flow::Password;
    svc.endpoints.token =
        Some(crate::config::HttpUrl::parse("http://127.0.0.1:9/token").expect("url"));
    broker
        .add_service(
            &id,
            &svc,
            false,
            Some(ClientSecret::new("old-secret")),
            Some(Password::new("old-password")),
        )
        .await
        .expect("add");
    let config_file = dir.path().join("config/services.toml");
    let before = std::fs::read(&config_file).expect("config");

    // Make the next config edit fail even for root: its lock file becomes a directory.
    let lock = dir.path().join("config/.services.lock");
    std::fs::remove_file(&lock).expect("remove lock");
    std::fs::create_dir(&lock).expect("lock dir");

    let replaced = broker
        .add_service(
            &id,
            &svc,
            true,
            Some(ClientSecret::new("new-secret")),
            Some(Password::new("new-password")),
        )
        .await;
    assert!(replaced.is_err(), "{replaced:?}");
    let other = crate::config::ServiceId::parse("other").expect("id");
    let added = broker
        .add_service(
            &other,
            &svc,
            false,
            Some(ClientSecret::new("other-secret")),
            None,
        )
        .await;
    assert!(added.is_err(), "{added:?}");

    let get = |key: SecretKey| store.get(&key).expect("get").map(|s| s.expose().to_owned());
    assert_eq!(
        get(SecretKey::service(&sid("svc"), SecretKind::ClientSecret)).as_deref(),
        Some("old-secret")
    );
    assert_eq!(
        get(SecretKey::account(
            &aref("svc", "default"),
            SecretKind::Password
        ))
        .as_deref(),
        Some("old-password")
    );
    assert_eq!(
        get(SecretKey::service(&sid("other"), SecretKind::ClientSecret)),
        None
    );
    assert_eq!(store.len(), 2);
    assert_eq!(std::fs::read(&config_file).expect("config"), before);
}

/// A secret store that counts reads (to see which renewals touch the keyring).
#[derive(Debug, Default)]
struct CountingStore {
    inner: crate::vault::MemoryStore,
    reads: std::sync::atomic::AtomicUsize,
}

impl crate::vault::SecretStore for CountingStore {
    fn get(&self, key: &SecretKey) -> Result<Option<EntryText>> {
        self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.get(key)
    }
    fn set(&self, key: &SecretKey, value: &EntryText) -> Result<()> {
        self.inner.set(key, value)
    }
    fn delete(&self, key: &SecretKey) -> Result<()> {
        self.inner.delete(key)
    }
}

/// A token endpoint that rotates refresh tokens: `rt-N` buys `at-N+1` and `rt-N+1`,
/// and only the newest refresh token and the client secret `cs` are accepted.
async fn rotating_provider() -> (String, Arc<std::sync::Mutex<u32>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/token", listener.local_addr().expect("addr"));
    let current = Arc::new(std::sync::Mutex::new(0u32));
    let state = Arc::clone(&current);
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Headers, then the body by Content-Length.
            let body = loop {
                let n = conn.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break String::new();
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).into_owned();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if text.len() >= end + 4 + len {
                        break text[end + 4..end + 4 + len].to_owned();
                    }
                }
            };
            let form: std::collections::HashMap<String, String> =
                url::form_urlencoded::parse(body.as_bytes())
                    .into_owned()
                    .collect();
            let (status, json) = {
                let mut n = state.lock().expect("state");
                if form.get("client_secret").map(String::as_str) != Some("cs") {
                    (
                        "401 Unauthorized",
                        r#"{"error":"invalid_client"}"#.to_owned(),
                    )
                } else if form.get("refresh_token") == Some(&format!("rt-{n}")) {
                    *n += 1;
                    (
                        "200 OK",
                        format!(
                            r#"{{"access_token":"at-{n}","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-{n}"}}"#
                        ),
                    )
                } else {
                    ("400 Bad Request", r#"{"error":"invalid_grant"}"#.to_owned())
                }
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
                json.len()
            );
            let _ = conn.write_all(reply.as_bytes()).await;
        }
    });
    (url, current)
}

/// Waits until the renewals' late writes are done.
async fn settle(tracker: &TaskTracker) {
    tracker.close();
    tracker.wait().await;
    tracker.reopen();
}

#[tokio::test]
async fn a_remembering_broker_refreshes_without_reading_the_keyring() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, provider) = rotating_provider().await;
    let store = Arc::new(CountingStore::default());
    let broker = Broker::new(
        Dirs::under(dir.path()),
        Arc::clone(&store) as Arc<dyn crate::vault::SecretStore>,
        HttpClient::new(Duration::from_secs(5)).expect("http"),
        Arc::new(FixedClock(1_000)),
        Arc::new(flows::NoBrowser),
    );
    let tracker = TaskTracker::new();
    let agent = broker
        .clone()
        .remembering_secrets()
        .finishing_writes_on(tracker.clone());
    let id = crate::config::ServiceId::parse("svc").expect("id");
    let mut svc = service(&[]);
    svc.flow = Flow::AuthCode;
    svc.client_auth = Some(crate::config::ClientAuth::ClientSecretPost);
    svc.endpoints.token = Some(crate::config::HttpUrl::parse(&url).expect("url"));
    svc.endpoints.authorization =
        Some(crate::config::HttpUrl::parse("http://127.0.0.1:9/authorize").expect("url"));
    broker
        .add_service(&id, &svc, false, Some(ClientSecret::new("cs")), None)
        .await
        .expect("add");
    let login = TokenSet {
        access_token: AccessToken::new("at-0"),
        refresh_token: Some(RefreshToken::new("rt-0")),
        id_token: None,
        token_type: "Bearer".into(),
        scopes: vec![],
        expires_at: Some(1_000 + 600),
        obtained_at: 1_000,
        refresh_expires_at: None,
    };
    broker
        .store_tokens("svc", "default", &login)
        .await
        .expect("store");
    let stored = |kind| {
        let broker = broker.clone();
        async move {
            broker
                .store
                .vault
                .get_tokens(&aref("svc", "default"), &[kind])
                .await
                .expect("get")
                .text(kind)
        }
    };

    // The first renewal reads the client secret and refresh token; the later ones
    // nothing. Each hands out a token whose rotated refresh token is already stored.
    for round in 1..=3u32 {
        let before = store.reads.load(std::sync::atomic::Ordering::SeqCst);
        let t = agent
            .token(&sid("svc"), None, 99_999)
            .await
            .expect("refresh");
        assert_eq!(t.access_token.expose(), format!("at-{round}"));
        let reads = store.reads.load(std::sync::atomic::Ordering::SeqCst) - before;
        assert_eq!(
            stored(SecretKind::RefreshToken).await,
            Some(format!("rt-{round}"))
        );
        assert_eq!(
            stored(SecretKind::AccessToken).await,
            Some(format!("at-{round}"))
        );
        settle(&tracker).await;
        assert_eq!(reads, if round == 1 { 2 } else { 0 }, "round {round}");
    }

    // Another process rotates behind the agent's back without writing the state file
    // (it died in between): memory is stale, the provider says invalid_grant, and the
    // keyring's newer refresh token is used instead.
    let other = broker.clone();
    *provider.lock().expect("provider") = 7;
    other
        .store
        .vault
        .set_tokens(
            &aref("svc", "default"),
            crate::vault::StoredTokens {
                access_token: Some(AccessToken::new("at-7")),
                refresh_token: Some(RefreshToken::new("rt-7")),
                id_token: None,
            },
            false,
        )
        .await
        .expect("set");
    let t = agent
        .token(&sid("svc"), None, 99_999)
        .await
        .expect("fallback");
    assert_eq!(t.access_token.expose(), "at-8");
    assert_eq!(
        stored(SecretKind::RefreshToken).await,
        Some("rt-8".to_owned())
    );
    settle(&tracker).await;

    // A client secret changed by another process: rejected once, then read again.
    other
        .store
        .vault
        .set_client_secret(&sid("svc"), ClientSecret::new("cs"))
        .await
        .expect("set");
    agent
        .store
        .cache
        .keep_client_secret(&sid("svc"), ClientSecret::new("old"));
    let t = agent
        .token(&sid("svc"), None, 99_999)
        .await
        .expect("client secret");
    assert_eq!(t.access_token.expose(), "at-9");
    settle(&tracker).await;
    let state = broker
        .account_state(&sid("svc"), &name("default"))
        .expect("state")
        .expect("some");
    assert_eq!(state.obtained_at, Some(1_000));
    assert!(state.has_refresh_token);
}

/// A secret store whose writes fail while `fail` is set.
#[derive(Debug, Default)]
struct FailingStore {
    inner: crate::vault::MemoryStore,
    fail: std::sync::atomic::AtomicBool,
}

impl crate::vault::SecretStore for FailingStore {
    fn get(&self, key: &SecretKey) -> Result<Option<EntryText>> {
        self.inner.get(key)
    }
    fn set(&self, key: &SecretKey, value: &EntryText) -> Result<()> {
        if self.fail.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::Keyring("the keyring is locked".into()));
        }
        self.inner.set(key, value)
    }
    fn delete(&self, key: &SecretKey) -> Result<()> {
        self.inner.delete(key)
    }
}

#[tokio::test]
async fn a_failed_keyring_write_leaves_the_state_file_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(FailingStore::default());
    let broker = Broker::new(
        Dirs::under(dir.path()),
        Arc::clone(&store) as Arc<dyn crate::vault::SecretStore>,
        HttpClient::new(Duration::from_secs(1)).expect("http"),
        Arc::new(FixedClock(1_000)),
        Arc::new(flows::NoBrowser),
    );
    let tokens = |at: &str, expires_at: i64| TokenSet {
        access_token: AccessToken::new(at),
        refresh_token: Some(RefreshToken::new(format!("rt-{at}"))),
        id_token: None,
        token_type: "Bearer".into(),
        scopes: vec![],
        expires_at: Some(expires_at),
        obtained_at: 1_000,
        refresh_expires_at: None,
    };
    broker
        .store_tokens("svc", "default", &tokens("first", 2_000))
        .await
        .expect("store");
    let state_dir = dir.path().join("state/accounts/svc");
    let before = std::fs::read(state_dir.join("default.json")).expect("state");

    store.fail.store(true, std::sync::atomic::Ordering::SeqCst);
    let err = broker
        .store_tokens("svc", "default", &tokens("second", 9_000))
        .await
        .expect_err("the keyring write fails");
    assert!(err.to_string().contains("locked"), "{err}");
    // The state staged meanwhile was not put in place, and nothing is left of it.
    assert_eq!(
        std::fs::read(state_dir.join("default.json")).expect("state"),
        before
    );
    let files: Vec<_> = std::fs::read_dir(&state_dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(files, ["default.json"], "{files:?}");
    let stored = broker
        .store
        .vault
        .access_token(&aref("svc", "default"))
        .await
        .expect("get");
    assert_eq!(
        stored.map(|s| s.expose().to_owned()).as_deref(),
        Some("first")
    );
}

#[tokio::test]
async fn a_missing_app_token_is_a_hint_not_a_cli_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (broker, _) = broker(dir.path(), 1_000);
    add_offline_service(&broker).await;
    let err = broker
        .app_token(&sid("svc"), None, None, 60)
        .await
        .expect_err("no app token");
    assert!(!err.to_string().contains("--"), "{err}");
    assert_eq!(
        err.hint(),
        Some(crate::Hint::MintAppToken {
            service: "svc".into(),
            account: "default".into()
        })
    );
}

#[tokio::test]
async fn the_status_says_when_a_login_will_be_needed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (broker, _) = broker(dir.path(), 1_000);
    let id = crate::config::ServiceId::parse("kc").expect("id");
    let mut svc = service(&[]);
    svc.flow = Flow::AuthCode;
    svc.endpoints.token =
        Some(crate::config::HttpUrl::parse("http://127.0.0.1:9/token").expect("url"));
    svc.endpoints.authorization =
        Some(crate::config::HttpUrl::parse("http://127.0.0.1:9/authorize").expect("url"));
    broker
        .add_service(&id, &svc, false, None, None)
        .await
        .expect("add");
    let tokens = TokenSet {
        access_token: AccessToken::new("a"),
        refresh_token: Some(RefreshToken::new("r")),
        id_token: None,
        token_type: "Bearer".into(),
        scopes: vec![],
        expires_at: Some(1_300),
        obtained_at: 1_000,
        refresh_expires_at: Some(2_800),
    };
    broker
        .store_tokens("kc", "default", &tokens)
        .await
        .expect("store");
    // The refresh token's end is kept in the state file (no secret there).
    let state = broker
        .account_state(&sid("kc"), &name("default"))
        .expect("state")
        .expect("some");
    assert_eq!(state.refresh_expires_at, Some(2_800));
    let status = broker.status().expect("status");
    assert_eq!(
        status[0].login_deadline,
        Some(crate::relogin::LoginDeadline {
            at: 2_800,
            cause: crate::relogin::DeadlineCause::RefreshToken
        })
    );
}
