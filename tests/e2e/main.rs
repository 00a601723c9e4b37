//! End-to-end tests: the real `authdeck` binary against the real `oidc-provider`, with
//! secrets in the real Secret Service (checked independently with `secret-tool`).

mod activity;
mod agent;
mod cli;
mod concurrency;
mod desktop;
mod desktop_activity;
mod desktop_agent;
mod desktop_faults;
mod desktop_proxy;
mod desktop_warning;
mod dpop;
mod exchange;
mod faults;
mod flows;
mod hints;
mod hooks;
mod hygiene;
mod import;
mod inspect;
mod jar;
mod keyring_compat;
mod leaks;
mod modern;
mod proxy;
mod refusals;
mod seeds;
mod swagger;
mod window;
