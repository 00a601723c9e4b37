//! A token endpoint that misbehaves on purpose, one way per server.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// How the fault server answers every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 500 with an HTML error page.
    ServerErrorHtml,
    /// HTTP 200, JSON content type, body cut off mid-object.
    TruncatedJson,
    /// HTTP 200 with a 2 MiB JSON body.
    Oversized,
    /// Accepts the request and answers nothing for a minute.
    Silent,
    /// Closes the connection without answering.
    Reset,
    /// HTTP 400 `invalid_grant`.
    InvalidGrant,
}

/// A fault server on 127.0.0.1; it lives as long as the test process.
#[derive(Debug)]
pub struct FaultServer {
    pub url: String,
}

impl FaultServer {
    pub fn start(fault: Fault) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fault server");
        let port = listener.local_addr().expect("addr").port();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                thread::spawn(move || answer(stream, fault));
            }
        });
        FaultServer {
            url: format!("http://127.0.0.1:{port}/token"),
        }
    }
}

fn answer(mut stream: TcpStream, fault: Fault) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 16384];
    let _ = stream.read(&mut buf);
    let respond = |s: &mut TcpStream, status: &str, ct: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(body);
    };
    match fault {
        Fault::ServerErrorHtml => respond(
            &mut stream,
            "500 Internal Server Error",
            "text/html",
            b"<html><body><h1>Internal Server Error</h1></body></html>",
        ),
        Fault::TruncatedJson => respond(
            &mut stream,
            "200 OK",
            "application/json",
            br#"{"access_token":"cut-off-tok"#,
        ),
        Fault::Oversized => {
            let mut body = br#"{"access_token":"big","pad":""#.to_vec();
            body.extend(std::iter::repeat_n(b'x', 2 * 1024 * 1024));
            body.extend_from_slice(b"\"}");
            respond(&mut stream, "200 OK", "application/json", &body);
        }
        Fault::Silent => thread::sleep(Duration::from_secs(60)),
        Fault::Reset => drop(stream),
        Fault::InvalidGrant => respond(
            &mut stream,
            "400 Bad Request",
            "application/json",
            br#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#,
        ),
    }
}
