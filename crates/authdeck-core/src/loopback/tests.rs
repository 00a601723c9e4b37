//! The listener over real sockets on 127.0.0.1, with a hand-written HTTP client.

#![allow(clippy::unwrap_used)]

use super::*;

use tokio::task::JoinHandle;

const STATE: &str = "st4te-0f-th1s-l0gin";
const CODE: &str = "the-authorization-code";

fn expectation(path: &str, service: &str) -> CallbackExpectation {
    CallbackExpectation {
        path: path.into(),
        state: STATE.into(),
        service_name: service.into(),
    }
}

/// A listener on any free port waiting (20 s) in the background.
async fn start(path: &str) -> (u16, JoinHandle<Result<Callback>>) {
    let listener = LoopbackListener::bind(&PortList::default()).await.unwrap();
    start_with(listener, expectation(path, "Example"))
}

fn start_with(
    listener: LoopbackListener,
    expect: CallbackExpectation,
) -> (u16, JoinHandle<Result<Callback>>) {
    let port = listener.port();
    let waiter = tokio::spawn(async move {
        let cancel = CancellationToken::new();
        listener
            .wait_for_callback(&expect, Duration::from_secs(20), &cancel)
            .await
    });
    (port, waiter)
}

fn get(port: u16, target: &str) -> String {
    format!(
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: test\r\n\
         Accept: text/html\r\n\r\n"
    )
}

fn callback_target(code: &str, state: &str) -> String {
    format!("/callback?code={code}&state={state}&scope=openid")
}

/// Sends `request` and reads the whole answer (until the server closes).
async fn exchange(port: u16, request: impl AsRef<[u8]>) -> String {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))
        .await
        .unwrap();
    stream.write_all(request.as_ref()).await.unwrap();
    read_all(&mut stream).await
}

async fn read_all(stream: &mut TcpStream) -> String {
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8(response).unwrap()
}

/// The status code of `response`, after checking its headers and Content-Length.
fn status(response: &str) -> u16 {
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let head = format!("{head}\r\n");
    for header in [
        "Content-Type: text/html; charset=utf-8",
        "Cache-Control: no-store",
        "Referrer-Policy: no-referrer",
        "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'",
        "X-Content-Type-Options: nosniff",
        "Connection: close",
        &format!("Content-Length: {}", body.len()),
    ] {
        assert!(
            head.contains(&format!("\r\n{header}\r\n")),
            "{header}: {head}"
        );
    }
    assert!(!body.contains("<script"), "{body}");
    head.strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .unwrap()
        .parse()
        .unwrap()
}

/// The waiter has not returned (yet).
async fn still_waiting(waiter: &JoinHandle<Result<Callback>>) {
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!waiter.is_finished(), "the listener stopped waiting");
}

/// Sends the right callback, lets the flow answer Ok, and returns the browser's page.
async fn complete(port: u16, waiter: JoinHandle<Result<Callback>>) -> String {
    let browser = tokio::spawn(exchange(port, get(port, &callback_target(CODE, STATE))));
    let callback = waiter.await.unwrap().unwrap();
    assert_eq!(callback.code.expose(), CODE);
    let (_, responder) = callback.into_parts();
    responder.finish(Ok(())).await;
    browser.await.unwrap()
}

#[tokio::test]
async fn success_returns_the_code_and_answers_after_finish() {
    let listener = LoopbackListener::bind(&PortList::default()).await.unwrap();
    let (port, waiter) = start_with(listener, expectation("/callback", "Example <API>"));
    let mut browser = TcpStream::connect((Ipv4Addr::LOCALHOST, port))
        .await
        .unwrap();
    let target = format!("/callback?state={STATE}&code=a%2Fb%20c&iss=https%3A%2F%2Fidp");
    browser
        .write_all(get(port, &target).as_bytes())
        .await
        .unwrap();

    let callback = waiter.await.unwrap().unwrap();
    assert_eq!(callback.code.expose(), "a/b c");
    assert_eq!(callback.iss.as_deref(), Some("https://idp"));
    assert!(!format!("{callback:?}").contains("a/b c"));

    // Nothing is answered before the flow says how the exchange went.
    let mut byte = [0_u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(100), browser.read(&mut byte)).await;
    assert!(early.is_err(), "the browser got an answer before finish");

    let (_, responder) = callback.into_parts();
    responder.finish(Ok(())).await;
    let page = read_all(&mut browser).await;
    assert_eq!(status(&page), 200);
    assert!(page.contains("Logged in to Example &lt;API&gt;"), "{page}");
    assert!(page.contains("You can close this tab"), "{page}");
}

#[tokio::test]
async fn finish_with_an_error_shows_it_escaped() {
    let (port, waiter) = start("/callback").await;
    let browser = tokio::spawn(exchange(port, get(port, &callback_target(CODE, STATE))));
    let (_, responder) = waiter.await.unwrap().unwrap().into_parts();
    responder
        .finish(Err("the token endpoint said <invalid_grant>"))
        .await;
    let page = browser.await.unwrap();
    assert_eq!(status(&page), 500);
    assert!(page.contains("Login to Example failed"), "{page}");
    assert!(page.contains("said &lt;invalid_grant&gt;"), "{page}");
}

#[tokio::test]
async fn dropping_the_responder_still_answers_the_browser() {
    let (port, waiter) = start("/callback").await;
    let browser = tokio::spawn(exchange(port, get(port, &callback_target(CODE, STATE))));
    drop(waiter.await.unwrap().unwrap());
    let page = browser.await.unwrap();
    assert_eq!(status(&page), 500);
    assert!(page.contains("was not finished"), "{page}");
}

#[tokio::test]
async fn wrong_or_missing_state_is_refused_and_waiting_goes_on() {
    let (port, waiter) = start("/callback").await;
    for target in [
        callback_target(CODE, "forged"),
        callback_target(CODE, &STATE[..STATE.len() - 1]),
        format!("/callback?code={CODE}"),
        format!("/callback?state={STATE}&state=other&code={CODE}"),
        "/callback?state=forged&error=access_denied".to_owned(),
    ] {
        let page = exchange(port, get(port, &target)).await;
        assert_eq!(status(&page), 400, "{target}");
        assert!(
            page.contains(
                "This sign-in response does not belong to the login Authdeck is waiting for"
            ),
            "{page}"
        );
        still_waiting(&waiter).await;
    }
    let page = complete(port, waiter).await;
    assert_eq!(status(&page), 200);
}

#[tokio::test]
async fn other_paths_get_404_while_waiting() {
    let (port, waiter) = start("/callback").await;
    for target in [
        "/favicon.ico",
        "/",
        "/callback/",
        "/Callback?state=x",
        "/callbackx",
    ] {
        let page = exchange(port, get(port, target)).await;
        assert_eq!(status(&page), 404, "{target}");
        still_waiting(&waiter).await;
    }
    complete(port, waiter).await;
}

#[tokio::test]
async fn access_denied_is_reported_and_shown() {
    let (port, waiter) = start("/callback").await;
    let target = format!(
        "/callback?error=access_denied&error_description=User+said+%3Cno%3E%1B%5B31m&state={STATE}"
    );
    let page = exchange(port, get(port, &target)).await;
    assert_eq!(status(&page), 400);
    assert!(page.contains("Access to Example was denied"), "{page}");
    assert!(page.contains("<code>access_denied</code>"), "{page}");
    assert!(page.contains("User said &lt;no&gt;"), "{page}");
    match waiter.await.unwrap() {
        Err(Error::Refused {
            refusal: crate::Refusal::ConsentDenied,
            reason: message,
            ..
        }) => {
            assert_eq!(
                message,
                "the login to Example was refused in the browser: User said <no> [31m"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn other_provider_errors_are_provider_errors() {
    let (port, waiter) = start("/callback").await;
    let target = format!("/callback?state={STATE}&error=invalid_scope");
    let page = exchange(port, get(port, &target)).await;
    assert_eq!(status(&page), 400);
    assert!(page.contains("<code>invalid_scope</code>"), "{page}");
    match waiter.await.unwrap() {
        Err(Error::Provider(message)) => assert_eq!(
            message,
            "Example answered the login with the error 'invalid_scope'"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn neither_code_nor_error_fails_the_login() {
    let (port, waiter) = start("/callback").await;
    let page = exchange(port, get(port, &format!("/callback?state={STATE}&code="))).await;
    assert_eq!(status(&page), 400);
    assert!(page.contains("neither an authorization code nor an error"));
    match waiter.await.unwrap() {
        Err(Error::Provider(message)) => assert_eq!(
            message,
            "the provider's redirect carried neither a code nor an error"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn only_one_callback_is_accepted() {
    let (port, waiter) = start("/callback").await;
    // A connection that is open, but has not sent its request, when the callback arrives.
    let mut early = TcpStream::connect((Ipv4Addr::LOCALHOST, port))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;

    let page = complete(port, waiter).await;
    assert_eq!(status(&page), 200);

    // The in-flight connection is closed without an answer...
    let _ = early
        .write_all(get(port, &callback_target("second", STATE)).as_bytes())
        .await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), early.read_to_end(&mut answer))
        .await
        .unwrap();
    assert!(read.is_err() || answer.is_empty(), "{answer:?}");
    // ...and a later one is refused: the listener is closed.
    assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port))
        .await
        .is_err());
}

#[tokio::test]
async fn all_ports_busy_is_a_clear_error() {
    let first = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let second = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let (a, b) = (
        first.local_addr().unwrap().port(),
        second.local_addr().unwrap().port(),
    );
    let ports = PortList::parse(&format!("{a},{b}")).unwrap();
    match LoopbackListener::bind(&ports).await {
        Err(Error::Local(message)) => assert_eq!(
            message,
            format!(
                "ports {a},{b} on 127.0.0.1 are all in use: close the other login (or the \
                 program using them) and try again, or configure other ports (`redirect.ports`)"
            )
        ),
        other => panic!("{other:?}"),
    }
    let one = PortList::parse(&a.to_string()).unwrap();
    match LoopbackListener::bind(&one).await {
        Err(Error::Local(message)) => {
            assert!(message.starts_with(&format!("port {a} on 127.0.0.1 is in use: ")));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_busy_port_is_skipped() {
    let busy = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let busy_port = busy.local_addr().unwrap().port();
    let free = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let free_port = free.local_addr().unwrap().port();
    drop(free);
    let ports = PortList::parse(&format!("{busy_port},{free_port}")).unwrap();
    let listener = LoopbackListener::bind(&ports).await.unwrap();
    assert_eq!(listener.port(), free_port);
    assert_eq!(
        listener.listener.local_addr().unwrap().ip(),
        Ipv4Addr::LOCALHOST
    );
}

#[tokio::test]
async fn timeout_gives_up_with_the_duration() {
    let listener = LoopbackListener::bind(&PortList::default()).await.unwrap();
    let result = listener
        .wait_for_callback(
            &expectation("/callback", "Example"),
            Duration::from_millis(200),
            &CancellationToken::new(),
        )
        .await;
    match result {
        Err(Error::TimedOut(message)) => assert_eq!(
            message,
            "no answer from the browser within 200 ms: the login was abandoned; run the login again"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn cancel_stops_waiting() {
    let listener = LoopbackListener::bind(&PortList::default()).await.unwrap();
    let port = listener.port();
    let cancel = CancellationToken::new();
    let waiter = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            listener
                .wait_for_callback(
                    &expectation("/callback", "Example"),
                    Duration::from_secs(20),
                    &cancel,
                )
                .await
        })
    };
    still_waiting(&waiter).await;
    cancel.cancel();
    let result = tokio::time::timeout(Duration::from_secs(2), waiter)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
    assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port))
        .await
        .is_err());

    // Already cancelled: returns at once.
    let listener = LoopbackListener::bind(&PortList::default()).await.unwrap();
    let result = listener
        .wait_for_callback(
            &expectation("/callback", "Example"),
            Duration::from_secs(20),
            &cancel,
        )
        .await;
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
}

#[tokio::test]
async fn slow_clients_do_not_block_the_callback() {
    let (port, waiter) = start("/callback").await;
    let mut stalled = Vec::new();
    for partial in [
        &b""[..],
        b"GET /callback?state=",
        b"GET /callback HTTP/1.1\r\nHost: 127.0.0.1",
    ] {
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))
            .await
            .unwrap();
        stream.write_all(partial).await.unwrap();
        stalled.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let page = tokio::time::timeout(Duration::from_secs(3), complete(port, waiter))
        .await
        .unwrap();
    assert_eq!(status(&page), 200);
}

#[tokio::test]
async fn a_stalled_request_times_out_with_408() {
    let listener = LoopbackListener::bind(&PortList::default())
        .await
        .unwrap()
        .with_head_timeout(Duration::from_millis(200));
    let (port, waiter) = start_with(listener, expectation("/callback", "Example"));
    let page = exchange(port, b"GET /callback HTTP/1.1\r\n").await;
    assert_eq!(status(&page), 408);
    // A connection that never sends anything is closed silently.
    let mut idle = TcpStream::connect((Ipv4Addr::LOCALHOST, port))
        .await
        .unwrap();
    assert_eq!(read_all(&mut idle).await, "");
    still_waiting(&waiter).await;
    complete(port, waiter).await;
}

#[tokio::test]
async fn oversized_head_gets_431() {
    let (port, waiter) = start("/callback").await;
    let request = format!(
        "GET /callback HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Big: {}\r\n\r\n",
        "a".repeat(MAX_HEAD_LEN + 1000)
    );
    let page = exchange(port, request).await;
    assert_eq!(status(&page), 431);
    still_waiting(&waiter).await;
    complete(port, waiter).await;
}

#[tokio::test]
async fn foreign_host_gets_400() {
    let (port, waiter) = start("/callback").await;
    let target = callback_target(CODE, STATE);
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("127.0.0.1.evil.example:{port}"),
        "localhost".to_owned(),
        format!("[::1]:{port}"),
        format!("localhost:+{port}"),
    ] {
        let request = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n");
        let page = exchange(port, request).await;
        assert_eq!(status(&page), 400, "{host}");
        assert!(page.contains("Wrong address"), "{page}");
        still_waiting(&waiter).await;
    }
    // `localhost` in any case is fine, and so is no Host at all (HTTP/1.0).
    let request = format!("GET {target} HTTP/1.1\r\nHost: LocalHost:{port}\r\n\r\n");
    let browser = tokio::spawn(exchange(port, request));
    let (_, responder) = waiter.await.unwrap().unwrap().into_parts();
    responder.finish(Ok(())).await;
    assert_eq!(status(&browser.await.unwrap()), 200);

    let (port, waiter) = start("/callback").await;
    let browser = tokio::spawn(exchange(port, format!("GET {target} HTTP/1.0\r\n\r\n")));
    let (_, responder) = waiter.await.unwrap().unwrap().into_parts();
    responder.finish(Ok(())).await;
    assert_eq!(status(&browser.await.unwrap()), 200);
}

#[tokio::test]
async fn malformed_and_non_get_requests_are_refused() {
    let (port, waiter) = start("/callback").await;
    let page = exchange(port, b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03").await;
    assert_eq!(status(&page), 400);
    let page = exchange(port, b"GET /callback HTTP/1.1\nHost: x\n\n").await;
    assert_eq!(status(&page), 400);
    let request = format!(
        "POST {} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 3\r\n\r\nabc",
        callback_target(CODE, STATE)
    );
    let page = exchange(port, request).await;
    assert_eq!(status(&page), 405);
    assert!(page.contains("\r\nAllow: GET\r\n"), "{page}");
    still_waiting(&waiter).await;
    complete(port, waiter).await;
}

#[tokio::test]
async fn empty_path_accepts_the_root() {
    let (port, waiter) = start("").await;
    let page = exchange(port, get(port, "/favicon.ico")).await;
    assert_eq!(status(&page), 404);
    let target = format!("/?state={STATE}&code={CODE}");
    let browser = tokio::spawn(exchange(port, get(port, &target)));
    let callback = waiter.await.unwrap().unwrap();
    assert_eq!(callback.code.expose(), CODE);
    callback.into_parts().1.finish(Ok(())).await;
    assert_eq!(status(&browser.await.unwrap()), 200);
}

#[tokio::test]
async fn an_empty_expected_state_is_refused() {
    let listener = LoopbackListener::bind(&PortList::default()).await.unwrap();
    let mut expect = expectation("/callback", "Example");
    expect.state.clear();
    let result = listener
        .wait_for_callback(&expect, Duration::from_secs(1), &CancellationToken::new())
        .await;
    assert!(matches!(result, Err(Error::Local(_))), "{result:?}");
}

#[test]
fn expectation_debug_hides_the_state() {
    let shown = format!("{:?}", expectation("/callback", "Example"));
    assert!(!shown.contains(STATE), "{shown}");
}

#[test]
fn host_check() {
    assert!(host_allowed("127.0.0.1:8080", 8080));
    assert!(host_allowed("localhost:8080", 8080));
    assert!(host_allowed("LOCALHOST:8080", 8080));
    assert!(host_allowed("localhost", 80));
    assert!(!host_allowed("localhost", 8080));
    assert!(!host_allowed("localhost:", 8080));
    assert!(!host_allowed("localhost:08080x", 8080));
    assert!(!host_allowed("127.0.0.2:8080", 8080));
    assert!(!host_allowed("example.com:8080", 8080));
    assert!(!host_allowed(":8080", 8080));
}

#[test]
fn secret_comparison() {
    assert!(same_secret(b"abc", b"abc"));
    assert!(same_secret(b"", b""));
    assert!(!same_secret(b"abc", b"abd"));
    assert!(!same_secret(b"abc", b"ab"));
}

#[test]
fn durations_read_well() {
    assert_eq!(human_duration(Duration::from_secs(300)), "5 min");
    assert_eq!(human_duration(Duration::from_secs(90)), "1 min 30 s");
    assert_eq!(human_duration(Duration::from_secs(45)), "45 s");
    assert_eq!(human_duration(Duration::from_millis(200)), "200 ms");
    assert_eq!(human_duration(Duration::from_secs(7200)), "2 h");
    assert_eq!(human_duration(Duration::from_secs(5400)), "1 h 30 min");
}

#[test]
fn provider_text_is_sanitized() {
    assert_eq!(sanitize("a\u{1b}[2Jb\u{202e}c\n"), "a [2Jb c");
    let long = "x".repeat(MAX_PROVIDER_TEXT + 5);
    let cut = sanitize(&long);
    assert_eq!(cut.chars().count(), MAX_PROVIDER_TEXT + 1);
    assert!(cut.ends_with('\u{2026}'));
}
