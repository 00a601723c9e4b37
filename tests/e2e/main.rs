//! End-to-end tests: the real `authdeck` binary against the real `oidc-provider`, with
//! secrets in the real Secret Service (checked independently with `secret-tool`).

mod agent;
mod cli;
mod desktop;
mod faults;
mod flows;
mod hygiene;
mod import;
mod keyring_compat;
mod seeds;
mod swagger;
