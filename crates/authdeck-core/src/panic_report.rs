//! What a panic prints. Rust's default hook prints the panic's payload, and a payload
//! can hold anything the panicking code formatted — in an app that handles tokens, that
//! could be one. Authdeck's hook prints where it happened and that it is a bug, never
//! the payload; `RUST_BACKTRACE=1` adds the backtrace (function names, no data).

use std::panic::PanicHookInfo;

/// The text printed for a panic: the location, no payload.
pub fn report(program: &str, info: &PanicHookInfo<'_>) -> String {
    let place = info.location().map_or_else(
        || "an unknown place".to_owned(),
        |l| format!("{}:{}:{}", l.file(), l.line(), l.column()),
    );
    format!(
        "{program}: internal error at {place}. This is a bug: please report it with this location and the command you ran (see SECURITY.md; never include a token). The panic's own message is not shown, as it could contain a secret."
    )
}

/// Replaces the panic hook with one that prints [`report`] (and a backtrace when
/// `RUST_BACKTRACE` asks for one) to stderr.
pub fn install(program: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        let backtrace = std::backtrace::Backtrace::capture();
        let mut text = report(program, info);
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            text.push_str(&format!("\nbacktrace:\n{backtrace}"));
        }
        eprintln!("{text}");
    }));
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    static SEEN: Mutex<String> = Mutex::new(String::new());

    #[test]
    fn a_panic_report_never_holds_the_payload() {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|info| {
            let mut seen = SEEN
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *seen = super::report("authdeck", info);
        }));
        let secret = "rt-secret-0123456789";
        let caught = std::panic::catch_unwind(|| {
            panic!("refresh failed for token {secret}");
        });
        std::panic::set_hook(previous);
        assert!(caught.is_err());
        let seen = SEEN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        assert!(
            seen.contains("internal error at") && seen.contains("panic_report.rs"),
            "{seen}"
        );
        assert!(!seen.contains(secret), "{seen}");
    }
}
