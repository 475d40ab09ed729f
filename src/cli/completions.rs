//! `rc2s6 completions SHELL`: a completion script, generated from the command-line definitions.

use clap::CommandFactory as _;

use super::Outcome;
use crate::cli::args::{Cli, CompletionsArgs};

/// Prints the completion script for a shell.
pub fn run(args: &CompletionsArgs) -> Outcome {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "rc2s6", &mut std::io::stdout());
    Outcome::Success
}
