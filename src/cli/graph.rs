//! `rc2s6 graph INPUT...`: the dependency graph as Graphviz DOT on stdout.

use std::io::Write as _;

use super::Outcome;
use crate::cli::args::{GlobalArgs, GraphArgs};
use rc2s6::dependency_graph::DependencyGraph;
use rc2s6::openrc::version::OpenrcVersion;
use rc2s6::pipeline::service_set;
use rc2s6::report::escape;

/// Prints the graph.
pub fn run(args: &GraphArgs, global: &GlobalArgs) -> Outcome {
    // What depend() declares does not depend on the OpenRC release rc2s6 models.
    let set = service_set::load(&args.input.inputs, &args.input.files.set_options(&OpenrcVersion::default()), |_| ());
    let graph = DependencyGraph::new(
        set.members.iter().map(|m| (m.analysis.service.name.as_str(), &m.analysis.service.dependencies)),
    );
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(graph.to_dot().as_bytes()).and_then(|()| stdout.flush()).is_err() {
        return Outcome::Io;
    }
    for e in &set.read_errors {
        eprintln!("rc2s6: cannot read {}: {}", escape::file_name(&e.path), escape::text(&e.message));
    }
    let unparsed: Vec<String> = set
        .members
        .iter()
        .filter(|m| !m.analysis.parsed)
        .map(|m| escape::file_name(m.analysis.script().name()).into_owned())
        .collect();
    if !unparsed.is_empty() && !global.quiet {
        eprintln!(
            "rc2s6: {} could not be parsed, so {} dependencies are missing (`rc2s6 lint` says why)",
            unparsed.join(", "),
            if unparsed.len() == 1 { "its" } else { "their" }
        );
    }
    if set.read_errors.is_empty() { Outcome::Success } else { Outcome::Io }
}
