use super::*;
use crate::config::{Account, AccountName};

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

#[test]
fn account_resolution() {
    assert_eq!(
        existing_account("s", &service(&[]), None).expect("default"),
        "default"
    );
    assert_eq!(
        existing_account("s", &service(&["work"]), None).expect("only one"),
        "work"
    );
    assert_eq!(
        existing_account("s", &service(&["default", "work"]), None).expect("default wins"),
        "default"
    );
    let err = existing_account("s", &service(&["a", "b"]), None).expect_err("ambiguous");
    assert!(err.to_string().contains("--account"), "{err}");
    let err = existing_account("s", &service(&["a"]), Some("zz")).expect_err("unknown");
    assert!(
        err.to_string().contains("authdeck login s --account zz"),
        "{err}"
    );
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

#[tokio::test]
async fn cached_tokens_and_login_required_need_no_network() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (broker, store) = broker(dir.path(), 1_000);
    let id = crate::config::ServiceId::parse("svc").expect("id");
    let mut svc = service(&[]);
    svc.flow = Flow::Password;
    // Nothing listens on port 9: any network use would fail the test.
    svc.endpoints.token =
        Some(crate::config::HttpUrl::parse("http://127.0.0.1:9/token").expect("url"));
    broker
        .add_service(&id, &svc, false, None, None)
        .await
        .expect("add");

    let tokens = TokenSet {
        access_token: Secret::from("cached-access"),
        refresh_token: Some(Secret::from("refresh")),
        id_token: None,
        token_type: "Bearer".into(),
        scopes: vec![],
        expires_at: Some(1_000 + 600),
        obtained_at: 1_000,
    };
    broker
        .store_tokens("svc", "default", &tokens, None)
        .await
        .expect("store");
    assert_eq!(store.len(), 2);
    let t = broker.token("svc", None, 60).await.expect("cached");
    assert_eq!(t.access_token.expose(), "cached-access");

    // Too short-lived for the caller: a refresh is attempted, fails on the network, and
    // nothing stored changes.
    let err = broker.token("svc", None, 3600).await.expect_err("network");
    assert_eq!(err.kind(), crate::ErrorKind::Provider, "{err}");
    assert_eq!(
        broker
            .token("svc", None, 60)
            .await
            .expect("still cached")
            .access_token
            .expose(),
        "cached-access"
    );

    // A login-required account answers at once, without touching the provider.
    broker
        .state
        .save(
            "svc",
            "default",
            &AccountState::login_required("logged out"),
        )
        .expect("save");
    let err = broker
        .token("svc", None, 60)
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
        .add_service(&id, &svc, false, None, Some(Secret::from("pw-a")))
        .await
        .expect("add");

    // The password grant needs a user name and a password; nothing changes without.
    let err = broker
        .add_account("svc", "bob", None, Some(Secret::from("pw-b")))
        .await
        .expect_err("no user name");
    assert!(err.to_string().contains("user name"), "{err}");
    let err = broker
        .add_account("svc", "bob", Some("bob".into()), None)
        .await
        .expect_err("no password");
    assert!(err.to_string().contains("password"), "{err}");
    assert_eq!(store.len(), 1);
    let err = broker
        .add_account("svc", "alice", Some("x".into()), Some(Secret::from("y")))
        .await
        .expect_err("duplicate");
    assert!(err.to_string().contains("already has"), "{err}");

    broker
        .add_account("svc", "bob", Some("bob".into()), Some(Secret::from("pw-b")))
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

    broker.remove_account("svc", "bob").await.expect("remove");
    assert_eq!(store.len(), 1, "bob's password is gone, alice's stays");
    let config = broker.load_config().expect("config");
    assert_eq!(
        config.service("svc").expect("svc").account_names(),
        ["alice"]
    );
    let err = broker
        .remove_account("svc", "alice")
        .await
        .expect_err("last account");
    assert!(err.to_string().contains("remove the service"), "{err}");
    let err = broker
        .remove_account("svc", "zed")
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
    let err = broker.token("b", None, 60).await.expect_err("nothing yet");
    assert_eq!(err.kind(), crate::ErrorKind::LoginRequired);
    assert!(err.to_string().contains("authdeck login b"), "{err}");
    // An OAuth login is refused with the right instruction.
    let cancel = tokio_util::sync::CancellationToken::new();
    let err = broker
        .login("b", None, &|_: flows::LoginEvent| {}, &cancel)
        .await
        .expect_err("pasted");
    assert!(err.to_string().contains("stdin"), "{err}");

    // A JWT's `exp` is the expiry; "Bearer " pasted along is dropped.
    let jwt = jwt_with_exp(1_000 + 300);
    let t = broker
        .store_pasted("b", None, Secret::new(format!("Bearer {jwt}\n")))
        .await
        .expect("store");
    assert_eq!(t.expires_at, Some(1_300));
    assert_eq!(
        broker
            .token("b", None, 60)
            .await
            .expect("valid")
            .access_token
            .expose(),
        &jwt
    );
    // Expired for the caller: no renewal is possible, the message says to paste anew.
    let err = broker.token("b", None, 600).await.expect_err("expired");
    assert!(err.to_string().contains("paste a new token"), "{err}");
    // An already expired token is refused.
    let err = broker
        .store_pasted("b", None, Secret::new(jwt_with_exp(10)))
        .await
        .expect_err("expired");
    assert!(err.to_string().contains("expired"), "{err}");

    // An API key is kept as is and never expires; logout needs no provider.
    broker
        .store_pasted("k", None, Secret::new("Bearer key-123".into()))
        .await
        .expect("store key");
    let t = broker.token("k", None, 1_000_000).await.expect("no expiry");
    assert_eq!(t.access_token.expose(), "Bearer key-123");
    assert_eq!(t.expires_at, None);
    let report = broker.logout("k", None).await.expect("logout");
    assert!(report.revocation_note.is_some());
    assert!(broker.token("k", None, 0).await.is_err());
}

/// A config write that fails (read-only directory, disk full) must not leave the
/// keyring changed: the secrets stored just before are put back as they were.
#[tokio::test]
async fn a_failed_config_write_restores_the_keyring() {
    use crate::vault::{SecretKey, SecretKind, SecretStore};
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
            Some(Secret::from("old-secret")),
            Some(Secret::from("old-password")),
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
            Some(Secret::from("new-secret")),
            Some(Secret::from("new-password")),
        )
        .await;
    assert!(replaced.is_err(), "{replaced:?}");
    let other = crate::config::ServiceId::parse("other").expect("id");
    let added = broker
        .add_service(
            &other,
            &svc,
            false,
            Some(Secret::from("other-secret")),
            None,
        )
        .await;
    assert!(added.is_err(), "{added:?}");

    let get = |key: SecretKey| store.get(&key).expect("get").map(|s| s.expose().clone());
    assert_eq!(
        get(SecretKey::service("svc", SecretKind::ClientSecret)).as_deref(),
        Some("old-secret")
    );
    assert_eq!(
        get(SecretKey::account("svc", "default", SecretKind::Password)).as_deref(),
        Some("old-password")
    );
    assert_eq!(
        get(SecretKey::service("other", SecretKind::ClientSecret)),
        None
    );
    assert_eq!(store.len(), 2);
    assert_eq!(std::fs::read(&config_file).expect("config"), before);
}
