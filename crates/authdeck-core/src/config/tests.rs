use super::*;

const GOOD: &str = r#"
# my services
[services.demo]
name = "Demo API"
flow = "auth-code"
issuer = "https://id.example.test"
client_id = "abc"
scopes = ["openid", "offline_access"]
redirect = { host = "localhost", ports = "8080-8085", path = "" }

[services.demo.authorize_params]
audience = "https://api.example.test"

[services.machine]
flow = "client-credentials"
client_id = "m"
client_auth = "client_secret_post"
endpoints.token = "https://id.example.test/token"
"#;

fn p() -> PathBuf {
    PathBuf::from("/cfg/services.toml")
}

#[test]
fn parses_a_hand_written_file() {
    let config = parse(&p(), GOOD).expect("parses");
    let demo = config.service("demo").expect("demo");
    assert_eq!(demo.flow, Flow::AuthCode);
    assert_eq!(
        demo.redirect.ports.ports().collect::<Vec<_>>(),
        vec![8080, 8081, 8082, 8083, 8084, 8085]
    );
    assert_eq!(demo.redirect.uri(8081), "http://localhost:8081");
    assert_eq!(
        demo.authorize_params["audience"],
        "https://api.example.test"
    );
    assert_eq!(demo.account_names(), vec!["default"]);
    let machine = config.service("machine").expect("machine");
    assert_eq!(
        machine.effective_client_auth(),
        ClientAuth::ClientSecretPost
    );
}

fn error_at(text: &str) -> (usize, usize, String) {
    match parse(&p(), text) {
        Err(Error::ConfigSyntax {
            line,
            column,
            message,
            ..
        }) => (line, column, message),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn unknown_key_is_reported_with_line_and_column() {
    let (line, col, msg) = error_at(
        "[services.a]\nflow = \"device\"\nclient_id = \"x\"\nisuer = \"https://x.test\"\n",
    );
    assert_eq!((line, col), (4, 1), "{msg}");
    assert!(msg.contains("isuer"), "{msg}");
}

#[test]
fn bad_values_are_reported_where_they_are() {
    let (line, col, msg) = error_at("[services.a]\nflow = \"implicit\"\n");
    assert_eq!(line, 2, "{msg}");
    assert_eq!(col, 8, "{msg}");
    assert!(msg.contains("unknown flow"), "{msg}");
    // The value is not quoted back: it could be a secret typed in the wrong place.
    assert!(!msg.contains("implicit"), "{msg}");

    let (line, _, msg) =
        error_at("[services.a]\nflow = \"device\"\nclient_id = \"x\"\nissuer = \"ftp://x\"\n");
    assert_eq!(line, 4, "{msg}");
    assert!(msg.contains("http"), "{msg}");

    let (line, _, msg) = error_at("[services.a]\nflow = \"auth-code\"\nclient_id = \"x\"\nissuer = \"https://x.test\"\nredirect = { ports = \"9000-80\" }\n");
    assert_eq!(line, 5, "{msg}");
    assert!(msg.contains("port list"), "{msg}");

    let (line, _, msg) = error_at("[services.Bad_Id]\nflow = \"device\"\n");
    assert_eq!(line, 1, "{msg}");
    assert!(msg.contains("service id"), "{msg}");
}

#[test]
fn missing_endpoints_are_reported_at_the_service() {
    let (line, _, msg) = error_at("\n\n[services.a]\nflow = \"auth-code\"\nclient_id = \"x\"\n");
    assert_eq!(line, 3, "{msg}");
    assert!(
        msg.contains("issuer") && msg.contains("endpoints.token"),
        "{msg}"
    );
}

#[test]
fn port_lists() {
    assert!(PortList::parse("0").is_ok());
    assert!(PortList::parse("0,8080").is_err());
    assert_eq!(
        PortList::parse("8080, 8090-8091").expect("ok").to_string(),
        "8080,8090-8091"
    );
    assert!(PortList::parse("70000").is_err());
    assert!(PortList::parse("").is_err());
}

#[test]
fn edits_keep_comments_and_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("services.toml");
    std::fs::write(&path, GOOD).expect("write");
    let file = ConfigFile::new(path.clone());
    let before = file.load().expect("load");
    let mut copy = before.service("demo").expect("demo").clone();
    copy.name = Some("Copy".into());
    copy.accounts.push(Account {
        name: AccountName::parse("work").expect("name"),
        username: Some("al".into()),
    });
    file.upsert_service(&ServiceId::parse("copy").expect("id"), &copy)
        .expect("upsert");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.starts_with("\n# my services\n"), "{text}");
    let after = file.load().expect("reload");
    assert_eq!(after.service("copy").expect("copy"), &copy);
    assert_eq!(
        after.service("demo").expect("demo"),
        before.service("demo").expect("demo")
    );

    file.ensure_account(
        "machine",
        &Account {
            name: AccountName::parse("ci").expect("n"),
            username: None,
        },
    )
    .expect("account");
    let names = file
        .load()
        .expect("load")
        .service("machine")
        .expect("m")
        .account_names();
    assert_eq!(names, vec!["default", "ci"]);

    file.remove_service("copy").expect("remove");
    assert!(file.load().expect("load").service("copy").is_err());
    assert!(matches!(
        file.remove_service("copy"),
        Err(Error::UnknownService(_))
    ));
}

#[test]
fn a_broken_file_is_never_overwritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("services.toml");
    let broken = "[services.a]\nflow = \"device\"\nclient_id = \n";
    std::fs::write(&path, broken).expect("write");
    let file = ConfigFile::new(path.clone());
    let service = parse(&p(), GOOD)
        .expect("ok")
        .service("machine")
        .expect("m")
        .clone();
    let err = file
        .upsert_service(&ServiceId::parse("b").expect("id"), &service)
        .expect_err("must refuse");
    assert!(matches!(err, Error::ConfigSyntax { line: 3, .. }), "{err}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), broken);
}

#[test]
fn team_export_drops_accounts_and_round_trips() {
    use super::team;
    let text = r#"
[services.a]
flow = "password"
client_id = "c"
endpoints.token = "https://id.example.org/token"
accounts = [{ name = "default", username = "me@example.org" }]
swagger = { scheme = "http-bearer", name = "HTTPBearer" }

[services.b]
flow = "api-key"
swagger = { scheme = "api-key", param = "X-Key", in = "header" }
"#;
    let config = parse(Path::new("services.toml"), text).expect("parses");
    let exported = team::export(&config, &[]).expect("export");
    assert!(!exported.contains("me@example.org"), "{exported}");
    assert!(team::looks_like_team_file(&exported));
    assert!(!team::looks_like_team_file("{\"openapi\": \"3.0.0\"}"));
    let back = team::parse_team_file(Path::new("team.toml"), &exported).expect("reads back");
    let mut expected = config.clone();
    for s in expected.services.values_mut() {
        s.accounts.clear();
    }
    assert_eq!(back, expected);
    let only_b = team::export(&config, &[crate::ids::testing::sid("b")]).expect("export b");
    assert!(
        only_b.contains("[services.b]") && !only_b.contains("[services.a]"),
        "{only_b}"
    );
    assert!(team::export(&config, &[crate::ids::testing::sid("zz")]).is_err());

    // A secret-looking parameter is refused, not shared.
    let mut leaky = config.clone();
    if let Some(s) = leaky.services.values_mut().next() {
        s.token_params.insert("client_secret".into(), "x".into());
    }
    let err = team::export(&leaky, &[]).expect_err("secret param");
    assert!(err.to_string().contains("keyring"), "{err}");

    // Strict: a bad swagger value is reported at its line.
    let err = parse(
        Path::new("t.toml"),
        "[services.x]\nflow = \"bearer\"\nswagger = { scheme = \"oauth3\" }\n",
    )
    .expect_err("bad scheme");
    assert!(err.to_string().starts_with("t.toml:3:"), "{err}");
    let err = parse(
        Path::new("t.toml"),
        "[services.x]\nflow = \"api-key\"\nswagger = { scheme = \"api-key\" }\n",
    )
    .expect_err("param");
    assert!(err.to_string().contains("swagger.param"), "{err}");
}

/// A corrupted (non-UTF-8) file is a config error at the first bad byte (exit 2), not a
/// local I/O error, and it is never overwritten.
#[test]
fn a_non_utf8_file_is_a_syntax_error_at_the_bad_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("services.toml");
    let bytes = b"[services.a]\nflow = \"device\"\nname\xff = \"x\"\n".to_vec();
    std::fs::write(&path, &bytes).expect("write");
    let file = ConfigFile::new(path.clone());
    match file.load() {
        Err(Error::ConfigSyntax {
            line,
            column,
            message,
            ..
        }) => {
            assert_eq!((line, column), (3, 5));
            assert!(message.contains("not UTF-8"), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    let id = ServiceId::parse("b").expect("id");
    assert!(file.upsert_service(&id, &Service::default()).is_err());
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
}

#[test]
fn jwt_client_authentication_par_and_assertion_audience_are_settings() {
    let text = r#"
[services.signed]
flow = "client-credentials"
issuer = "https://id.example.test"
client_id = "m"
client_auth = "private_key_jwt"
assertion_audience = "issuer"
par = "always"
"#;
    let config = parse(&p(), text).expect("parses");
    let s = config.service("signed").expect("signed");
    assert_eq!(s.effective_client_auth(), ClientAuth::PrivateKeyJwt);
    assert!(s.effective_client_auth().needs_key() && !s.effective_client_auth().needs_secret());
    assert_eq!(s.assertion_audience, AssertionAudience::Issuer);
    assert_eq!(s.par, ParMode::Always);
    // Written back as read; the defaults are not written at all.
    let toml = toml::to_string(s).expect("serialise");
    assert!(
        toml.contains("assertion_audience = \"issuer\"") && toml.contains("par = \"always\""),
        "{toml}"
    );
    let plain = toml::to_string(
        config
            .service("signed")
            .map(|s| Service {
                assertion_audience: AssertionAudience::default(),
                par: ParMode::default(),
                ..s.clone()
            })
            .as_ref()
            .expect("service"),
    )
    .expect("serialise");
    assert!(
        !plain.contains("assertion_audience") && !plain.contains("par ="),
        "{plain}"
    );
    assert!(ClientAuth::ClientSecretJwt.needs_secret());

    // The issuer as audience needs an issuer.
    let (_, _, message) = error_at(
        "[services.x]\nflow = \"client-credentials\"\nclient_id = \"m\"\nclient_auth = \"client_secret_jwt\"\nendpoints.token = \"https://id.test/token\"\nassertion_audience = \"issuer\"\n",
    );
    assert!(
        message.contains("assertion_audience 'issuer' needs `issuer`"),
        "{message}"
    );
    let (_, _, message) = error_at("[services.x]\nflow = \"auth-code\"\nissuer = \"https://id.test\"\nclient_id = \"m\"\npar = \"sometimes\"\n");
    assert!(message.contains("use auto, always or never"), "{message}");
}

#[test]
fn a_refresh_token_lifetime_is_a_setting_of_flows_with_refresh_tokens() {
    let text = |lifetime: &str, flow: &str| {
        format!(
            "[services.kc]\nflow = \"{flow}\"\nclient_id = \"c\"\nissuer = \"https://id.example.test\"\nrefresh_token_lifetime = {lifetime}\n"
        )
    };
    let config = parse(&p(), &text("\"30d\"", "device")).expect("parses");
    let kc = config.service("kc").expect("kc");
    assert_eq!(
        kc.refresh_token_lifetime.map(Lifetime::secs),
        Some(2_592_000)
    );
    let config = parse(&p(), &text("5400", "auth-code")).expect("seconds");
    let kc = config.service("kc").expect("kc");
    assert_eq!(
        kc.refresh_token_lifetime.map(|l| l.to_string()),
        Some("90m".into())
    );
    let (line, _, message) = error_at(&text("\"a while\"", "device"));
    assert_eq!(line, 5, "{message}");
    assert!(message.contains("not a duration"), "{message}");
    let (_, _, message) = error_at(&text("0", "device"));
    assert!(message.contains("0 seconds"), "{message}");
    let err = parse(&p(), &text("\"30d\"", "client-credentials")).expect_err("no refresh token");
    assert!(err.to_string().contains("gets no refresh token"), "{err}");
    for (secs, written) in [(86_400, "1d"), (7_200, "2h"), (90, "90s")] {
        let l = Lifetime::from_secs(secs).expect("valid");
        assert_eq!(l.to_string(), written);
        assert_eq!(written.parse::<Lifetime>(), Ok(l));
    }
}

#[test]
fn exchange_targets_and_request_objects_are_settings_checked_like_the_rest() {
    let text = "[services.corp]\nflow = \"password\"\nclient_id = \"c\"\nissuer = \"https://id.test\"\nrequest_object = \"signed\"\n\n[services.corp.exchange.billing]\naudience = \"https://billing.test\"\nscopes = [\"read\"]\n\n[services.corp.exchange.reports]\nresource = \"https://reports.test/api\"\n";
    let config = parse(&p(), text).expect("parses");
    let corp = config.service("corp").expect("corp");
    assert_eq!(corp.request_object, RequestObjectMode::Signed);
    assert_eq!(
        corp.exchange["billing"].audience.as_deref(),
        Some("https://billing.test")
    );
    assert_eq!(
        corp.exchange["reports"].resource.as_deref(),
        Some("https://reports.test/api")
    );
    // Written back as it was read.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = ConfigFile::new(dir.path().join("services.toml"));
    file.upsert_service(&ServiceId::parse("copy").expect("id"), corp)
        .expect("upsert");
    let again = file.load().expect("load");
    assert_eq!(again.service("copy").expect("copy"), corp);

    // A target with nothing to exchange for, an unknown key, a pasted flow, a bad mode.
    let (line, _, msg) = error_at("[services.a]\nflow = \"device\"\nclient_id = \"x\"\nissuer = \"https://x.test\"\n[services.a.exchange.t]\nscopes = [\"s\"]\n");
    assert_eq!(line, 1, "{msg}");
    assert!(
        msg.contains("exchange target 't'") && msg.contains("audience"),
        "{msg}"
    );
    let (line, _, msg) = error_at("[services.a]\nflow = \"device\"\nclient_id = \"x\"\nissuer = \"https://x.test\"\n[services.a.exchange.t]\naudiance = \"x\"\n");
    assert_eq!(line, 6, "{msg}");
    assert!(msg.contains("audiance"), "{msg}");
    let (_, _, msg) = error_at("[services.a]\nflow = \"device\"\nclient_id = \"x\"\nissuer = \"https://x.test\"\n[services.a.exchange.t]\nresource = \"https://x.test/#f\"\n");
    assert!(msg.contains("without a fragment"), "{msg}");
    let (_, _, msg) =
        error_at("[services.a]\nflow = \"bearer\"\n[services.a.exchange.t]\naudience = \"x\"\n");
    assert!(
        msg.contains("exchange targets need an OAuth client"),
        "{msg}"
    );
    let (line, _, msg) = error_at("[services.a]\nflow = \"device\"\nclient_id = \"x\"\nissuer = \"https://x.test\"\nrequest_object = \"always\"\n");
    assert_eq!(line, 5, "{msg}");
    assert!(msg.contains("auto, signed or plain"), "{msg}");
}
