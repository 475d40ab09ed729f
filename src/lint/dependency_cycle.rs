#![doc = include_str!("../../docs/codes/lint/dependency_cycle.md")]

use super::LintError;
use super::set_context::SetContext;
use crate::core::diagnostic::Finding;
use crate::dependency_graph::{DependencyGraph, Ordering};

/// Edges named in full in a cycle's message; a longer cycle shows its first and last edges and
/// how many are left out, so a ring of thousands of scripts is one readable finding.
const SHOWN_EDGES: usize = 12;

/// Fires once per cycle in the start order of the set, at the declaration of the first service
/// on it: a cycle of n scripts is one finding of bounded size, not n findings each listing all
/// n edges (8,000 scripts in a ring made 1.46 GB of JSON).
pub fn check(cx: &SetContext, out: &mut Vec<Finding>) {
    let graph = DependencyGraph::new(cx.services.iter().map(|m| (m.name.as_str(), &m.dependencies)));
    for cycle in graph.cycles() {
        let Some(first) = cycle.first() else { continue };
        let words: Vec<String> = if cycle.len() <= SHOWN_EDGES {
            cycle.iter().map(|o| edge(&graph, o)).collect()
        } else {
            let head = cycle[..SHOWN_EDGES - 2].iter().map(|o| edge(&graph, o));
            let left_out = format!("… {} more …", cycle.len() - SHOWN_EDGES);
            let tail = cycle[cycle.len() - 2..].iter().map(|o| edge(&graph, o));
            head.chain(std::iter::once(left_out)).chain(tail).collect()
        };
        let d = &graph.declarations[first.declaration];
        let text = if cycle.len() > SHOWN_EDGES {
            format!("{} ({} scripts)", words.join(", "), cycle.len())
        } else {
            words.join(", ")
        };
        out.push(cx.finding(
            d.service,
            d.loc,
            LintError::DependencyCycle {
                cycle: text,
                span: cx.name_span(d.service, d.loc, d.name),
                edge: edge(&graph, first),
            },
        ));
    }
}

/// One ordering of a cycle in words: "`a` needs `b`", with the provider of a virtual name.
fn edge(graph: &DependencyGraph, o: &Ordering) -> String {
    let d = &graph.declarations[o.declaration];
    let verb = match d.kind {
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
}
