//! `rc2s6 man [COMMAND]`: the man page, generated from the command-line definitions.

use std::io::Write as _;

use clap::CommandFactory as _;

use super::Outcome;
use crate::cli::args::{Cli, ManArgs};

/// Prints the roff source of a man page.
pub fn run(args: &ManArgs) -> Outcome {
    let root = Cli::command();
    let cmd = match &args.command {
        None => root,
        Some(name) => match root.find_subcommand(name) {
            // Named `rc2s6-lint` as man pages of subcommands are (git-commit(1)); clap wants a
            // static name, and this process prints one page and exits.
            Some(sub) => sub.clone().name(format!("rc2s6-{name}").leak() as &str).version(env!("CARGO_PKG_VERSION")),
            None => {
                let names: Vec<String> = root.get_subcommands().map(|s| s.get_name().to_string()).collect();
                eprintln!("rc2s6: no subcommand `{name}`; there are: {}", names.join(", "));
                return Outcome::Usage;
            }
        },
    };
    let mut page = Vec::new();
    if clap_mangen::Man::new(cmd).render(&mut page).is_err() {
        return Outcome::Io;
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&page).and_then(|()| stdout.flush()) {
        Ok(()) => Outcome::Success,
        Err(_) => Outcome::Io,
    }
}
