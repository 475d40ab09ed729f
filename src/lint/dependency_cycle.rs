#![doc = include_str!("../../docs/codes/lint/dependency_cycle.md")]

use super::LintError;
use super::set_context::SetContext;
use crate::core::diagnostic::Finding;
use crate::dependency_graph::DependencyGraph;

/// Fires at every declaration along each cycle in the start order of the set, so each end of
/// the cycle is labelled in its own file.
pub fn check(cx: &SetContext, out: &mut Vec<Finding>) {
    let graph = DependencyGraph::new(cx.services.iter().copied());
    for cycle in graph.cycles() {
        let words: Vec<String> = cycle
            .iter()
            .map(|o| {
                let d = &graph.declarations[o.declaration];
                let verb = match d.kind.as_str() {
                    "need" => "needs",
                    "use" => "uses",
                    "want" => "wants",
                    "after" => "starts after",
                    _ => "starts before",
                };
                // The other end of the edge, when the name is a virtual it provides.
                let other = if d.kind == "before" { o.from } else { o.to };
                let via = if graph.services[other] == d.name {
                    String::new()
                } else {
                    format!(" (provided by `{}`)", graph.services[other])
                };
                format!("`{}` {verb} `{}`{via}", graph.services[d.service], d.name)
            })
            .collect();
        let text = words.join(", ");
        for (o, edge) in cycle.iter().zip(&words) {
            let d = &graph.declarations[o.declaration];
            out.push(cx.finding(
                d.service,
                d.loc,
                LintError::DependencyCycle {
                    cycle: text.clone(),
                    span: cx.name_span(d.service, d.loc, &d.name),
                    edge: edge.clone(),
                },
            ));
        }
    }
}
