//! The binary's command line: clap definitions ([`args`]) and what each subcommand does, from
//! resolved options to an outcome `main` turns into an exit code. Not part of the library.

pub mod args;
pub mod compile;
pub mod compile_json;
pub mod completions;
pub mod explain;
pub mod graph;
pub mod lint;
pub mod man;
pub mod migrate;
pub mod progress;
pub mod summary;
pub mod verify;

use std::io::IsTerminal as _;

use args::{ColorChoice, GlobalArgs};

/// How a command ended, mapped to documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything went as asked (0).
    Success,
    /// The inputs had problems: something was not converted, or lint found errors (1).
    Findings,
    /// The command line was wrong (100).
    Usage,
    /// A system call failed (111).
    Io,
}

impl Outcome {
    /// The exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Findings => 1,
            Outcome::Usage => 100,
            Outcome::Io => 111,
        }
    }
}

/// Whether to colour what goes to stdout.
pub fn use_color_on_stdout(g: &GlobalArgs) -> bool {
    match g.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    }
}

/// Whether to colour stderr.
pub fn use_color(g: &GlobalArgs) -> bool {
    match g.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
        }
    }
}
