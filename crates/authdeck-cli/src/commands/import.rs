//! `authdeck service import` (an OpenAPI / Swagger document, or a team file) and
//! `authdeck service export`.

use std::io::{BufRead, IsTerminal, Write};

use authdeck_core::config::{team, Flow, Service, ServiceId};
use authdeck_core::openapi::{self, Completion, Need, Proposal, Source};
use authdeck_core::{Broker, Error, Result};

use crate::args::ImportArgs;
use crate::output;

pub async fn run(broker: &Broker, args: ImportArgs) -> Result<()> {
    let source = Source::from_arg(&args.source)?;
    let fetched = openapi::fetch(broker.http(), &source).await?;
    if team::looks_like_team_file(&fetched.text) {
        return import_team(broker, &args, &fetched.text).await;
    }
    let doc = openapi::parse(&fetched.text, fetched.url.as_ref())?;
    let mut proposals = openapi::propose(&doc);
    openapi::with_metadata(broker.http(), &mut proposals).await;
    for w in &doc.warnings {
        eprintln!("authdeck: note: {w}");
    }
    if args.dry_run {
        return show_proposals(&proposals, args.json);
    }
    let interactive = !args.yes && std::io::stdin().is_terminal();
    let chosen = choose(&proposals, &args, interactive)?;
    let secrets = read_secrets(&args)?;
    let mut input = Completion {
        id: args.id.clone(),
        client_id: args.client_id.clone(),
        client_secret: secrets.client_secret.is_some(),
        username: args.credentials.username.clone(),
        scopes: (!args.scopes.is_empty()).then(|| args.scopes.clone()),
        token_url: args.token_url.clone(),
    };
    if interactive {
        ask_missing(chosen, &mut input)?;
    }
    let (id, service) = chosen.complete(&input)?;
    if interactive && !confirm(&format!("Create service '{id}' ({})?", service.flow))? {
        return Err(Error::Cancelled);
    }
    let exists = broker.load_config()?.service(id.as_str()).is_ok();
    let replace = args.replace
        || (exists && interactive && confirm(&format!("A service '{id}' exists. Replace it?"))?);
    broker
        .add_service(
            &id,
            &service,
            replace,
            secrets.client_secret,
            secrets.password,
        )
        .await?;
    report_created(&id, &service, chosen, args.json);
    Ok(())
}

fn read_secrets(args: &ImportArgs) -> Result<output::StdinSecrets> {
    output::read_client_secret_and_password(
        args.credentials.client_secret_stdin,
        args.credentials.password_stdin,
    )
}

/// The proposal to create: `--scheme`, the only one, or the user's pick on a terminal.
fn choose<'a>(
    proposals: &'a [Proposal],
    args: &ImportArgs,
    interactive: bool,
) -> Result<&'a Proposal> {
    let names = || {
        proposals
            .iter()
            .map(|p| format!("{} ({})", p.scheme, p.service.flow))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(name) = &args.scheme {
        return proposals.iter().find(|p| &p.scheme == name).ok_or_else(|| {
            Error::Config(format!(
                "the document has no usable security scheme '{name}': it has {}",
                names()
            ))
        });
    }
    match proposals {
        [only] => Ok(only),
        _ if interactive => {
            print_proposals(proposals);
            let answer = prompt(&format!("Which one? [1-{}] ", proposals.len()))?;
            answer
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| proposals.get(i))
                .ok_or_else(|| Error::Config(format!("'{}' is not one of the numbers shown", answer.trim())))
        }
        _ => Err(Error::Config(format!(
            "the document declares several security schemes: {}; choose one with --scheme NAME (see them all with --dry-run)",
            names()
        ))),
    }
}

fn print_proposals(proposals: &[Proposal]) {
    for (i, p) in proposals.iter().enumerate() {
        println!(
            "{}. {} — scheme '{}', flow {}",
            i + 1,
            p.id,
            p.scheme,
            p.service.flow
        );
        for need in &p.needs {
            println!("     needs {}", crate::hints::need(*need));
        }
        if !p.scopes.is_empty() {
            let names: Vec<&str> = p.scopes.iter().map(|s| s.name.as_str()).collect();
            println!("     scopes: {}", names.join(" "));
        }
        for note in &p.notes {
            println!("     note: {note}");
        }
    }
}

fn show_proposals(proposals: &[Proposal], json: bool) -> Result<()> {
    if json {
        let value = serde_json::to_value(proposals)
            .map_err(|e| Error::Local(format!("could not show the proposals: {e}")))?;
        output::json_line(&value);
    } else {
        print_proposals(proposals);
    }
    Ok(())
}

/// Asks for what the flags did not give.
fn ask_missing(p: &Proposal, input: &mut Completion) -> Result<()> {
    if p.needs.contains(&Need::ClientId) && input.client_id.is_none() {
        input.client_id = Some(prompt("Client id (registered at the provider): ")?);
    }
    if p.needs.contains(&Need::Username) && input.username.is_none() {
        input.username = Some(prompt("User name: ")?);
    }
    if p.needs.contains(&Need::TokenUrl) && input.token_url.is_none() {
        input.token_url = Some(prompt("Token URL: ")?);
    }
    if input.scopes.is_none() && !p.scopes.is_empty() {
        println!("Scopes the document lists:");
        for s in &p.scopes {
            println!("  {:<24} {}", s.name, s.description);
        }
        let answer =
            prompt("Scopes to request (space-separated; empty: the provider's default): ")?;
        input.scopes = Some(answer.split_whitespace().map(str::to_owned).collect());
    }
    Ok(())
}

fn prompt(question: &str) -> Result<String> {
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::Local(format!("could not read stdin: {e}")))?;
    Ok(line.trim().to_owned())
}

fn confirm(question: &str) -> Result<bool> {
    let answer = prompt(&format!("{question} [Y/n] "))?;
    Ok(matches!(
        answer.to_ascii_lowercase().as_str(),
        "" | "y" | "yes"
    ))
}

fn report_created(id: &ServiceId, service: &Service, p: &Proposal, json: bool) {
    let hint = openapi::paste_hint(service);
    if json {
        output::json_line(&serde_json::json!({
            "created": [{
                "id": id.as_str(),
                "flow": service.flow.as_str(),
                "scheme": p.scheme,
                "paste_hint": hint,
                "next": output::next_step(id, service),
            }],
        }));
        return;
    }
    println!(
        "Created service '{id}' ({}) from scheme '{}'. {}",
        service.flow,
        p.scheme,
        output::next_step(id, service)
    );
    if service.effective_client_auth().needs_secret() {
        println!("Its client secret is in the keyring.");
    }
    if service.flow == Flow::Password {
        println!(
            "Store the password with `{}` if you did not pass --password-stdin.",
            crate::hints::command(&format!("service secret {id} --password-stdin"))
        );
    }
    for note in &p.notes {
        println!("Note: {note}");
    }
    println!(
        "Swagger \"Authorize\": {}",
        crate::hints::paste_hint(&hint, id, service)
    );
}

async fn import_team(broker: &Broker, args: &ImportArgs, text: &str) -> Result<()> {
    if args.scheme.is_some() || args.id.is_some() || args.client_id.is_some() {
        return Err(Error::Config(
            "this is a team file (from `authdeck service export`): --scheme, --id and --client-id are for OpenAPI documents".into(),
        ));
    }
    let team = team::parse_team_file(std::path::Path::new(&args.source), text)?;
    let existing = broker.load_config()?;
    let interactive = !args.yes && std::io::stdin().is_terminal();
    let clashes: Vec<&str> = team
        .services
        .keys()
        .map(ServiceId::as_str)
        .filter(|id| existing.service(id).is_ok())
        .collect();
    let replace = args.replace
        || clashes.is_empty()
        || (interactive
            && confirm(&format!(
                "Replace the existing service(s) {}?",
                clashes.join(", ")
            ))?);
    if !replace {
        return Err(Error::Config(format!(
            "service(s) {} already exist: pass --replace to overwrite them, or remove them first",
            clashes.join(", ")
        )));
    }
    if args.dry_run {
        for id in team.services.keys() {
            println!("{id}");
        }
        return Ok(());
    }
    let mut created = Vec::new();
    for (id, service) in &team.services {
        broker.add_service(id, service, true, None, None).await?;
        created.push(id.as_str().to_owned());
    }
    if args.json {
        output::json_line(&serde_json::json!({ "created": created }));
        return Ok(());
    }
    println!(
        "Imported {} service(s): {}.",
        created.len(),
        created.join(", ")
    );
    for (id, service) in &team.services {
        let secret = if service.effective_client_auth().needs_secret() {
            format!(
                " First store the client secret: `{}`.",
                crate::hints::command(&format!("service secret {id} --client-secret-stdin"))
            )
        } else {
            String::new()
        };
        println!("  {id}:{secret} {}", output::next_step(id, service));
    }
    Ok(())
}

/// `authdeck service export [<id>...]`: definitions only, on stdout.
pub fn export(broker: &Broker, ids: &[ServiceId]) -> Result<()> {
    let config = broker.load_config()?;
    print!("{}", team::export(&config, ids)?);
    Ok(())
}
