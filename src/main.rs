//! The `rc2s6` binary: parse flags, run the command, map the outcome to an exit code.

use std::process::ExitCode;

mod cli;

use clap::Parser as _;
use cli::Outcome;
use cli::args::{Cli, Command};

// A batch allocates and frees millions of small syntax-tree nodes and strings across threads;
// mimalloc's thread-local free lists halve the time glibc's malloc spends on them.
mod allocator;
#[cfg(not(feature = "alloc-stats"))]
#[global_allocator]
static ALLOCATOR: allocator::Mimalloc = allocator::Mimalloc;

#[cfg(feature = "alloc-stats")]
mod alloc_stats;
#[cfg(feature = "alloc-stats")]
#[global_allocator]
static ALLOCATOR: alloc_stats::Counting = alloc_stats::Counting;

/// Prints the live heap and its peak so far in a measurement build (`--features alloc-stats`);
/// nothing otherwise.
pub fn alloc_mark(_label: &str) {
    #[cfg(feature = "alloc-stats")]
    alloc_stats::mark(_label);
}

/// How soon mimalloc gives freed pages back to the system, by what the run keeps.
///
/// A compile, a verify or a graph gives them back after 3 ms instead of mimalloc 3's 1,000 ms
/// (options.c): a batch keeps little of each script, so what it frees is most of its resident
/// memory. Measured at 5,000 scripts: `rc2s6 lint` 44-47 MB → 35-36 MB, compile + write 92-101 MB
/// → 74-83 MB with 10 ms (mimalloc 2's default); as the work per script got faster, more of it
/// was freed within any 10 ms, and the re-run over written output peaked at 49-52 MB: with 3 ms,
/// 48.5-49 MB. Immediate purging, a delay of 0, multiplied compile's system time.
///
/// A lint never gives them back: it writes nothing and keeps only each script's findings, so
/// nearly every page it frees is taken again by the next script on the same thread, and purging
/// it only to fault it in again cost lint of the corpus 31% more page faults (7,135 against
/// 4,944) and 4.5% more CPU time. With a delay of 100 ms the one purge left came as each worker
/// ended, 38 `madvise` calls on the worker the others wait for, each one interrupting the other
/// core to flush its TLB; without it, lint of the corpus took 88.3 against 89.6 ms (alternated
/// runs, 21 rounds), and peaked at 36.5-39.5 MB at 5,000 scripts against 34-35 MB.
fn release_freed_memory(command: Option<&Command>) {
    let delay_ms = match command {
        Some(Command::Lint(_)) => -1,
        _ => 3,
    };
    allocator::set_purge_delay(delay_ms);
}

/// Stops mimalloc giving freed memory back to the system: the command's work is done and the
/// process is about to end, which gives it all back at once. Otherwise mimalloc's exit purges
/// every range whose delay has not run out, one `madvise` each (95 to 297 of them, 0.7-1.4 ms,
/// after a lint of the corpus had written its report). A negative delay turns purging off
/// (options.c).
fn keep_freed_memory() {
    allocator::set_purge_delay(-1);
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let usage = e.use_stderr();
            let _ = e.print();
            return ExitCode::from(if usage { Outcome::Usage.code() } else { 0 });
        }
    };
    release_freed_memory(cli.command.as_ref());
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
    alloc_mark("exit");
    keep_freed_memory();
    ExitCode::from(outcome.code())
}
