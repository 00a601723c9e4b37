//! `authdeck preset list|show`.

use authdeck_core::config::presets::{self, PRESETS};
use authdeck_core::Result;

use super::service::settings_lines;
use super::status::print_table;
use crate::args::{PresetCommand, PresetShowArgs};

pub fn run(cmd: &PresetCommand) -> Result<()> {
    match cmd {
        PresetCommand::List => {
            let rows: Vec<[String; 3]> = PRESETS
                .iter()
                .map(|p| [p.name.to_owned(), p.title.to_owned(), asks_for(p)])
                .collect();
            print_table(["PRESET", "SERVICE", "ASKS FOR"], &rows);
            println!(
                "\nAdd one with: {}",
                crate::hints::command("service add <id> --preset <name> --set key=value … [--client-secret-stdin] [--password-stdin]")
            );
            Ok(())
        }
        PresetCommand::Show(args) => show(args),
    }
}

fn asks_for(p: &presets::Preset) -> String {
    let mut items: Vec<String> = p.inputs.iter().map(|i| i.key.to_owned()).collect();
    if p.needs_client_secret {
        items.push("client secret".into());
    }
    if p.needs_password {
        items.push("password".into());
    }
    if items.is_empty() {
        "nothing (public client)".into()
    } else {
        items.join(", ")
    }
}

fn show(args: &PresetShowArgs) -> Result<()> {
    let preset = presets::find(&args.name)?;
    println!("{} — {}", preset.title, preset.summary);
    println!("\nAsks for:");
    for input in preset.inputs {
        match input.default {
            Some(d) => println!("  {} — {} (default: {d})", input.key, input.label),
            None => println!("  {} — {} (required)", input.key, input.label),
        }
    }
    if preset.needs_client_secret {
        println!("  client secret — read from stdin with --client-secret-stdin");
    }
    if preset.needs_password {
        println!("  password — read from stdin with --password-stdin");
    }
    if preset.inputs.is_empty() && !preset.needs_client_secret && !preset.needs_password {
        println!("  nothing: it is a public client");
    }
    // Fill required inputs with placeholders so the template can be shown.
    let mut settings = args.settings.clone();
    for input in preset.inputs.iter().filter(|i| i.default.is_none()) {
        if !settings.iter().any(|(k, _)| k == input.key) {
            let example = if input.key == "base_url" {
                "https://autolab.example.edu".to_owned()
            } else {
                format!("<{}>", input.key)
            };
            settings.push((input.key.to_owned(), example));
        }
    }
    let service = preset.build(&settings)?;
    println!("\nService settings (any of them can be overridden with --set key=value):");
    for line in settings_lines(&service)?.lines() {
        println!("  {line}");
    }
    Ok(())
}
