//! A stand-in desktop notification server for the desktop tests: it owns
//! `org.freedesktop.Notifications` on the test run's private session bus (the suite runs
//! inside `dbus-run-session`) and records every `Notify` call, the way a desktop's
//! notification daemon would receive it — so a test observes the app's real path, the
//! notification plugin's D-Bus call, not a value the app meant to send.
//!
//! One recorder per test binary ([`recorder`]), shared by the tests that run in parallel:
//! each notification is tagged with the sender's `AUTHDECK_CONFIG_DIR` (read from
//! `/proc/<pid>/environ` of the process the bus names as its sender), which is unique to
//! each test's [`crate::Env`], so a test sees only its own app's notifications.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// One notification as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub app_name: String,
    pub summary: String,
    pub body: String,
    /// The sender's `AUTHDECK_CONFIG_DIR`, when it has one.
    pub config_dir: Option<PathBuf>,
}

/// The notifications received so far.
#[derive(Debug, Default)]
pub struct Recorder {
    received: Mutex<Vec<Notification>>,
    arrived: Condvar,
}

impl Recorder {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Notification>> {
        self.received
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The notifications sent by the app of the environment whose config dir is `config_dir`.
    pub fn of(&self, config_dir: &Path) -> Vec<Notification> {
        self.lock()
            .iter()
            .filter(|n| n.config_dir.as_deref() == Some(config_dir))
            .cloned()
            .collect()
    }

    /// Waits (up to `timeout`) for a notification of `config_dir`'s app that `wanted`
    /// accepts; it, or a panic that lists what arrived.
    pub fn wait_for(
        &self,
        config_dir: &Path,
        timeout: Duration,
        wanted: impl Fn(&Notification) -> bool,
    ) -> Notification {
        let deadline = Instant::now() + timeout;
        let mut received = self.lock();
        loop {
            if let Some(n) = received
                .iter()
                .find(|n| n.config_dir.as_deref() == Some(config_dir) && wanted(n))
            {
                return n.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "no such desktop notification within {timeout:?}; this app sent: {:?}",
                received
                    .iter()
                    .filter(|n| n.config_dir.as_deref() == Some(config_dir))
                    .collect::<Vec<_>>()
            );
            received = self
                .arrived
                .wait_timeout(received, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }

    fn push(&self, n: Notification) {
        self.lock().push(n);
        self.arrived.notify_all();
    }
}

/// The D-Bus object at `/org/freedesktop/Notifications`.
struct Server {
    recorder: &'static Recorder,
    next_id: std::sync::atomic::AtomicU32,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        _hints: HashMap<String, zbus::zvariant::OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let config_dir = match header.sender() {
            Some(sender) => sender_config_dir(connection, sender).await,
            None => None,
        };
        self.recorder.push(Notification {
            app_name,
            summary,
            body,
            config_dir,
        });
        self.next_id
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            .saturating_add(1)
    }

    fn close_notification(&self, _id: u32) {}

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "authdeck-e2e".into(),
            "Authdeck".into(),
            "1".into(),
            "1.2".into(),
        )
    }
}

/// The `AUTHDECK_CONFIG_DIR` of the process behind the bus name `sender`.
async fn sender_config_dir(
    connection: &zbus::Connection,
    sender: &zbus::names::UniqueName<'_>,
) -> Option<PathBuf> {
    let bus = zbus::fdo::DBusProxy::new(connection).await.ok()?;
    let pid = bus
        .get_connection_unix_process_id(zbus::names::BusName::Unique(sender.to_owned()))
        .await
        .ok()?;
    let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
    environ.split(|b| *b == 0).find_map(|var| {
        let text = std::str::from_utf8(var).ok()?;
        text.strip_prefix("AUTHDECK_CONFIG_DIR=").map(PathBuf::from)
    })
}

/// The recorder of this test binary, serving from the first call on (it then owns the
/// notification server's name on the session bus for the rest of the run).
pub fn recorder() -> &'static Recorder {
    static RECORDER: OnceLock<(&'static Recorder, zbus::blocking::Connection)> = OnceLock::new();
    RECORDER
        .get_or_init(|| {
            crate::require_keyring();
            let recorder: &'static Recorder = Box::leak(Box::default());
            let server = Server {
                recorder,
                next_id: std::sync::atomic::AtomicU32::new(0),
            };
            let connection = zbus::blocking::connection::Builder::session()
                .and_then(|b| b.name("org.freedesktop.Notifications"))
                .and_then(|b| b.serve_at("/org/freedesktop/Notifications", server))
                .and_then(zbus::blocking::connection::Builder::build)
                .unwrap_or_else(|e| {
                    panic!("cannot serve org.freedesktop.Notifications on the test session bus (is another notification server running?): {e}")
                });
            (recorder, connection)
        })
        .0
}
