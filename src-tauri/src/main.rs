//! Authdeck's desktop app. Everything is wired in `lib.rs`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // For packaging checks and bug reports: answered before any window or GTK start.
    if std::env::args()
        .skip(1)
        .any(|a| a == "--version" || a == "-V")
    {
        println!("authdeck-desktop {}", env!("CARGO_PKG_VERSION"));
        return;
    }
    authdeck_desktop::run();
}
