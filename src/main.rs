//! The `rc2s6` binary: parse flags, run the command, map the outcome to an exit code.

use std::process::ExitCode;

mod cli;

use clap::Parser as _;
use cli::Outcome;
use cli::args::{Cli, Command};

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
        Some(Command::Compile(args)) => cli::compile::run(args, &cli.global),
        Some(Command::Verify(args)) => cli::verify::run(args, &cli.global),
        Some(Command::Lint(args)) => cli::lint::run(args, &cli.global),
        Some(Command::Graph(args)) => cli::graph::run(args, &cli.global),
        Some(Command::Explain(args)) => cli::explain::run(args),
        Some(Command::Man(args)) => cli::man::run(args),
        Some(Command::Completions(args)) => cli::completions::run(args),
        None => cli::compile::run(&cli.compile, &cli.global),
    };
    ExitCode::from(outcome.code())
}
