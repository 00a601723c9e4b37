//! End-to-end tests: the real `authdeck` binary against the real `oidc-provider`, with
//! secrets in the real Secret Service (checked independently with `secret-tool`).

mod agent;
mod cli;
mod concurrency;
mod desktop;
mod desktop_agent;
mod desktop_faults;
mod faults;
mod flows;
mod hints;
mod hygiene;
mod import;
mod keyring_compat;
mod leaks;
mod modern;
mod refusals;
mod seeds;
mod swagger;
mod window;
