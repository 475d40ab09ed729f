//! `rc2s6 explain CODE`: the long explanation of a diagnostic code.

use super::Outcome;
use crate::cli::args::ExplainArgs;
use rc2s6::codes;

/// Prints an explanation, or every code with its summary.
pub fn run(args: &ExplainArgs) -> Outcome {
    let registry = codes::registry();
    if args.list {
        for code in registry.codes() {
            println!("{code}\t{}", code.summary());
        }
        return Outcome::Success;
    }
    let given = args.code.as_deref().unwrap_or("");
    match registry.resolve(given) {
        Some(code) => {
            let text = code.explanation();
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            Outcome::Success
        }
        None => {
            // A short name two phases share (`dependency_cycle` of lint and of s6-rc) is not a
            // typo: say which codes it names.
            let short = given.trim().rsplit("::").next().unwrap_or(given);
            let same_name: Vec<String> =
                registry.codes().filter(|c| c.short_name() == short).map(|c| format!("`{c}`")).collect();
            if same_name.len() > 1 {
                eprintln!("rc2s6: `{given}` names several codes: {}; give the whole code", same_name.join(", "));
                return Outcome::Usage;
            }
            let suggestions = registry.suggestions(given);
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
