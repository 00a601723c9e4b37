//! `authdeck`: valid API tokens for scripts and terminals, without storing credentials
//! in plaintext. See `authdeck --help`.

mod args;
mod commands;
mod demo;
mod output;

fn main() -> std::process::ExitCode {
    commands::main()
}
