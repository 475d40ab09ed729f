//! `rc2s6 explain CODE`: the long explanation of a diagnostic code.

use super::Outcome;
use crate::cli::args::ExplainArgs;
use rc2s6::core::explain;

/// Prints an explanation, or every code with its summary.
pub fn run(args: &ExplainArgs) -> Outcome {
    if args.list {
        for code in explain::codes() {
            println!("{code}\t{}", explain::summary(code).unwrap_or(""));
        }
        return Outcome::Success;
    }
    let given = args.code.as_deref().unwrap_or("");
    match explain::resolve(given).and_then(explain::explanation) {
        Some(text) => {
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            Outcome::Success
        }
        None => {
            let suggestions = explain::suggestions(given);
            match suggestions.as_slice() {
                [] => eprintln!("rc2s6: `{given}` is not a diagnostic code; `rc2s6 explain --list` lists them"),
                [one] => eprintln!("rc2s6: `{given}` is not a diagnostic code; did you mean `{one}`?"),
                many => eprintln!(
                    "rc2s6: `{given}` is not a diagnostic code; did you mean one of {}?",
                    many.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                ),
            }
            Outcome::Usage
        }
    }
}
