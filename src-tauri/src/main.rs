//! Authdeck's desktop app. Everything is wired in `lib.rs`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    authdeck_desktop::run();
}
