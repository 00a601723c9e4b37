//! `authdeck-full`: the whole `authdeck` command line (see `lib.rs`). Users run
//! `authdeck`, which hands over to this executable for everything but its fast path.

fn main() -> std::process::ExitCode {
    authdeck_cli::main()
}
