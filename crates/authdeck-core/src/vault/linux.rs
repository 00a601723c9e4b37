//! The Secret Service (gnome-keyring, KWallet, KeePassXC) over D-Bus, in pure Rust.
//!
//! Talks to the Secret Service through the `secret-service` crate on zbus: no libdbus
//! (and its chain of system libraries) is loaded when `authdeck` starts, and one D-Bus
//! connection with one encrypted session (Diffie-Hellman key exchange, AES-128 for every
//! secret on the bus) serves every operation of the process. A connection that breaks
//! (the bus or the keyring daemon restarted under a long-running agent) is replaced once,
//! and the operation retried on the new one. See docs/design.md, "Secret Service".
//!
//! Entries are the ones the `keyring` crate (3.x, which Authdeck used before) writes and
//! reads, so nothing stored by an earlier Authdeck is lost: searched in all collections
//! by the attributes `target` = `default`, `service` = the namespace, `username` = the
//! entry's user; if none match, by `service` and `username` alone in the default
//! collection (entries written before `keyring` set `target`); created in the default
//! collection with those three attributes plus `application` = `rust-keyring`.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use secret_service::blocking::{Item, SecretService as Session};
use secret_service::{EncryptionType, Error as SsError};
use zbus::DBusError;

use super::Failure;
use crate::secret::EntryText;

/// The `target` attribute the `keyring` crate gives every entry it creates.
const TARGET: &str = "default";
/// The `application` attribute the `keyring` crate gives every entry it creates.
const APPLICATION: &str = "rust-keyring";
const CONTENT_TYPE: &str = "text/plain";

type Outcome<T> = std::result::Result<T, Failure>;

/// A lazily opened, shared Secret Service session (one per [`super::Keyring`]).
#[derive(Default)]
pub struct SecretService {
    session: Mutex<Option<Arc<Session<'static>>>>,
}

impl fmt::Debug for SecretService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let open = self.session.lock().map(|s| s.is_some()).unwrap_or_default();
        f.debug_struct("SecretService")
            .field("open", &open)
            .finish()
    }
}

impl SecretService {
    pub fn get(&self, namespace: &str, user: &str) -> Outcome<Option<EntryText>> {
        self.with_session(|ss| {
            with_entry(ss, namespace, user, |found| {
                let Some(item) = found else {
                    return Ok(None);
                };
                unlock(&item)?;
                Ok(Some(item.item.get_secret()?))
            })
        })?
        .map(|bytes| String::from_utf8(bytes).map(EntryText::new))
        .transpose()
        .map_err(|_| Failure::NotUtf8)
    }

    pub fn set(&self, namespace: &str, user: &str, value: &EntryText) -> Outcome<()> {
        let secret = value.expose().as_bytes();
        self.with_session(|ss| {
            with_entry(ss, namespace, user, |found| match found {
                Some(item) => {
                    unlock(&item)?;
                    Ok(item.item.set_secret(secret, CONTENT_TYPE)?)
                }
                None => create(ss, namespace, user, secret),
            })
        })
    }

    pub fn delete(&self, namespace: &str, user: &str) -> Outcome<()> {
        self.with_session(|ss| {
            with_entry(ss, namespace, user, |found| {
                if let Some(item) = found {
                    unlock(&item)?;
                    item.item.delete()?;
                }
                Ok(())
            })
        })
    }

    /// Opens the shared session if it is not open yet (see `SecretStore::prepare`).
    pub fn prepare(&self) {
        if let Err(e) = self.session() {
            tracing::debug!("keyring: opening the session ahead failed: {e:?}");
        }
    }

    /// Runs `op` on the shared session, opening it first if needed. If `op` fails on a
    /// session opened earlier with an error that can mean the connection died, the session
    /// is replaced and `op` runs once more (every operation here is idempotent).
    fn with_session<T>(&self, op: impl Fn(&Session<'static>) -> Op<T>) -> Outcome<T> {
        let (session, reused) = self.session()?;
        match op(&session) {
            Err(OpError::Ss(e)) if reused && may_be_stale(&e) => {
                tracing::debug!("keyring: the Secret Service session failed ({e}): reconnecting");
                self.forget(&session);
                let (session, _) = self.session()?;
                op(&session).map_err(|e| e.failure())
            }
            other => other.map_err(|e| e.failure()),
        }
    }

    /// The open session (and `true`), or a new one (and `false`).
    fn session(&self) -> Outcome<(Arc<Session<'static>>, bool)> {
        let mut slot = self.session.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(session) = slot.as_ref() {
            return Ok((Arc::clone(session), true));
        }
        let session = Arc::new(Session::connect(EncryptionType::Dh).map_err(|e| failure(&e))?);
        *slot = Some(Arc::clone(&session));
        Ok((session, false))
    }

    /// Drops `session` (unless another thread has replaced it already).
    fn forget(&self, session: &Arc<Session<'static>>) {
        let mut slot = self.session.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.as_ref().is_some_and(|s| Arc::ptr_eq(s, session)) {
            *slot = None;
        }
    }
}

/// An error inside one operation: from the Secret Service, or already classified.
#[derive(Debug)]
enum OpError {
    Ss(SsError),
    Failure(Failure),
}

impl OpError {
    fn failure(self) -> Failure {
        match self {
            OpError::Ss(e) => failure(&e),
            OpError::Failure(f) => f,
        }
    }
}

impl From<SsError> for OpError {
    fn from(e: SsError) -> Self {
        OpError::Ss(e)
    }
}

type Op<T> = std::result::Result<T, OpError>;

/// A matching item and whether the search reported it locked.
struct Found<'a> {
    item: Item<'a>,
    locked: bool,
}

/// Runs `f` on the entry of `user` in `namespace` (`None` if there is none), found as the
/// `keyring` crate finds it; `Ambiguous` if several entries match.
fn with_entry<T>(
    ss: &Session<'static>,
    namespace: &str,
    user: &str,
    f: impl FnOnce(Option<Found<'_>>) -> Op<T>,
) -> Op<T> {
    let attributes = HashMap::from([
        ("target", TARGET),
        ("service", namespace),
        ("username", user),
    ]);
    let found = ss.search_items(attributes)?;
    let mut items: Vec<Found<'_>> = found
        .unlocked
        .into_iter()
        .map(|item| Found {
            item,
            locked: false,
        })
        .chain(
            found
                .locked
                .into_iter()
                .map(|item| Found { item, locked: true }),
        )
        .collect();
    if !items.is_empty() {
        return f(single(&mut items)?);
    }
    // Entries from before `keyring` set `target`: in the default collection only.
    let collection = match ss.get_default_collection() {
        Ok(c) => c,
        Err(SsError::NoResult) => return f(None),
        Err(e) => return Err(e.into()),
    };
    let legacy = HashMap::from([("service", namespace), ("username", user)]);
    let mut items = Vec::new();
    for item in collection.search_items(legacy)? {
        let locked = item.is_locked()?;
        items.push(Found { item, locked });
    }
    let entry = single(&mut items)?;
    f(entry)
}

/// The one item of `items`, none, or `Ambiguous` when there are several.
fn single<'a>(items: &mut Vec<Found<'a>>) -> Op<Option<Found<'a>>> {
    match items.len() {
        0 | 1 => Ok(items.pop()),
        _ => Err(OpError::Failure(Failure::Ambiguous)),
    }
}

/// Creates the entry in the default collection, as the `keyring` crate would.
fn create(ss: &Session<'static>, namespace: &str, user: &str, secret: &[u8]) -> Op<()> {
    let collection = ss.get_default_collection()?;
    if collection.is_locked()? {
        collection.unlock()?;
    }
    let attributes = HashMap::from([
        ("target", TARGET),
        ("service", namespace),
        ("username", user),
        ("application", APPLICATION),
    ]);
    let label = format!("{user}@{namespace}:{TARGET} (Authdeck)");
    collection.create_item(&label, attributes, secret, true, CONTENT_TYPE)?;
    Ok(())
}

/// Unlocks a locked item: the Secret Service may show its unlock prompt.
fn unlock(found: &Found<'_>) -> Op<()> {
    if found.locked {
        found.item.unlock()?;
    }
    Ok(())
}

/// Whether `e` may come from a connection or session that is no longer good (the bus or
/// the keyring daemon went away), so a new session might succeed.
fn may_be_stale(e: &SsError) -> bool {
    matches!(e, SsError::Zbus(_) | SsError::ZbusFdo(_)) && failure(e) != Failure::Locked
}

/// D-Bus error names that mean "nobody owns org.freedesktop.secrets".
const NO_SERVICE: [&str; 2] = [
    "org.freedesktop.DBus.Error.ServiceUnknown",
    "org.freedesktop.DBus.Error.NameHasNoOwner",
];
const IS_LOCKED: &str = "org.freedesktop.Secret.Error.IsLocked";

/// What a Secret Service error means for the user.
fn failure(e: &SsError) -> Failure {
    match e {
        SsError::Locked | SsError::Prompt => Failure::Locked,
        SsError::NoResult => Failure::NoDefaultCollection,
        SsError::Unavailable => bus_failure(&e.to_string()),
        SsError::Zbus(z) => zbus_failure(z),
        SsError::ZbusFdo(fdo) => named_failure(fdo.name().as_str(), &fdo.to_string()),
        other => Failure::Other(other.to_string()),
    }
}

fn zbus_failure(e: &zbus::Error) -> Failure {
    match e {
        zbus::Error::Address(_) | zbus::Error::Handshake(_) => bus_failure(&e.to_string()),
        // zbus 5 reports a failed connect as `Connection` (with the address), other
        // transport errors as `InputOutput`.
        zbus::Error::InputOutput(io) | zbus::Error::Connection(io, _)
            if matches!(
                io.kind(),
                std::io::ErrorKind::NotFound
                    | std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::PermissionDenied
            ) =>
        {
            bus_failure(&e.to_string())
        }
        zbus::Error::MethodError(name, _, _) => named_failure(name.as_str(), &e.to_string()),
        zbus::Error::FDO(fdo) => named_failure(fdo.name().as_str(), &fdo.to_string()),
        other => Failure::Other(other.to_string()),
    }
}

fn named_failure(name: &str, text: &str) -> Failure {
    if NO_SERVICE.contains(&name) {
        Failure::NoSecretService
    } else if name == IS_LOCKED {
        Failure::Locked
    } else {
        Failure::Other(text.to_owned())
    }
}

/// The session bus cannot be reached: none configured, or the configured one is gone.
fn bus_failure(detail: &str) -> Failure {
    match std::env::var("DBUS_SESSION_BUS_ADDRESS") {
        Ok(address) if !address.trim().is_empty() => {
            Failure::BusUnreachable(format!("{address}: {detail}"))
        }
        _ => Failure::NoBus,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_classified() {
        assert_eq!(failure(&SsError::Locked), Failure::Locked);
        assert_eq!(failure(&SsError::Prompt), Failure::Locked);
        assert_eq!(failure(&SsError::NoResult), Failure::NoDefaultCollection);
        assert_eq!(
            named_failure("org.freedesktop.DBus.Error.ServiceUnknown", "x"),
            Failure::NoSecretService
        );
        assert_eq!(named_failure(IS_LOCKED, "x"), Failure::Locked);
        let refused = zbus::Error::InputOutput(Arc::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused,
        )));
        assert!(matches!(
            zbus_failure(&refused),
            Failure::NoBus | Failure::BusUnreachable(_)
        ));
        // What zbus 5 answers when the bus address names a socket that is not there.
        let address: zbus::Address = match "unix:path=/nonexistent/bus".parse() {
            Ok(address) => address,
            Err(e) => panic!("test address: {e}"),
        };
        let gone = zbus::Error::Connection(
            Arc::new(std::io::Error::from(std::io::ErrorKind::NotFound)),
            address,
        );
        assert!(matches!(
            zbus_failure(&gone),
            Failure::NoBus | Failure::BusUnreachable(_)
        ));
        assert!(!may_be_stale(&SsError::Prompt));
        assert!(may_be_stale(&SsError::Zbus(refused)));
    }
}
