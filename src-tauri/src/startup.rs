//! Start-up timing for the benchmarks (`bench/desktop.py`): the page reports when it has
//! painted the service list for the first time, and with `AUTHDECK_BENCH_STARTUP=1` the
//! app prints that moment to stderr. Nothing is printed or kept otherwise.

use std::sync::OnceLock;
use std::time::Instant;

/// Set to `1` to print the first paint of the service list on stderr.
pub const ENV: &str = "AUTHDECK_BENCH_STARTUP";

static START: OnceLock<Instant> = OnceLock::new();

/// Marks the start of `main` (call first thing).
pub fn mark() {
    let _ = START.get_or_init(Instant::now);
}

static ON: OnceLock<bool> = OnceLock::new();

fn on() -> bool {
    *ON.get_or_init(|| std::env::var(ENV).is_ok_and(|v| v == "1"))
}

/// A step of start-up, printed (with the time since `main`) under the same variable.
pub fn stamp(step: &str) {
    if on() {
        let since_main = START
            .get()
            .map_or(0.0, |t| t.elapsed().as_secs_f64() * 1000.0);
        eprintln!("authdeck-desktop: start-up {step} main_ms={since_main:.1}");
    }
}

/// The page painted its first service list: `page_ms` after its navigation start,
/// showing `rows` rows.
pub fn first_paint(page_ms: f64, rows: u32) {
    if on() {
        let since_main = START
            .get()
            .map_or(0.0, |t| t.elapsed().as_secs_f64() * 1000.0);
        eprintln!(
            "authdeck-desktop: first-paint main_ms={since_main:.1} page_ms={page_ms:.1} rows={rows}"
        );
    }
}
