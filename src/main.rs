//! The `rc2s6` binary: parse flags, run the command, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser as _;
use rc2s6::cli::{Cli, Command};
use rc2s6::command::{self, Outcome};

// A batch allocates and frees millions of small syntax-tree nodes and strings across threads;
// mimalloc's thread-local free lists halve the time glibc's malloc spends on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let usage = e.use_stderr();
            let _ = e.print();
            return ExitCode::from(if usage { Outcome::Usage.code() } else { 0 });
        }
    };
    let outcome = match &cli.command {
        Some(Command::Compile(args)) => command::compile::run(args, &cli.global),
        Some(Command::Verify(args)) => command::verify::run(args, &cli.global),
        Some(Command::Lint(args)) => command::lint::run(args, &cli.global),
        Some(Command::Graph(args)) => command::graph::run(args, &cli.global),
        Some(Command::Explain(args)) => command::explain::run(args),
        Some(Command::Man(args)) => command::man::run(args),
        Some(Command::Completions(args)) => command::completions::run(args),
        None => command::compile::run(&cli.compile, &cli.global),
    };
    ExitCode::from(outcome.code())
}
