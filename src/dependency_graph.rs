//! The dependency graph of a set of services (`need`, `use`, `want`, `after`, `before`,
//! `provide`): as Graphviz DOT for people (`rc2s6 graph`), and as start order for finding cycles.

use crate::core::small_map::{SmallMap, SmallSet};
use crate::core::strongly_connected::strongly_connected_by;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use crate::model::{Dependencies, DependencySite, Loc};

/// One declared dependency of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The declaring service's index in the set.
    pub service: usize,
    /// `need`, `use`, `want`, `after`, `before` or `provide`.
    pub kind: String,
    /// The name it refers to.
    pub name: String,
    /// Where it is declared.
    pub loc: Loc,
    /// Declared only under a condition rc2s6 could not decide.
    pub conditional: bool,
    /// The name could not be known exactly (it expands something unset or unknowable).
    pub uncertain: bool,
}

/// "`from` starts after `to`", because of one declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ordering {
    /// The service that waits.
    pub from: usize,
    /// The service it waits for.
    pub to: usize,
    /// The declaration (index into `declarations`).
    pub declaration: usize,
}

/// The dependency graph of a set of services.
#[derive(Debug, Clone)]
pub struct DependencyGraph {
    /// Service names, in set order.
    pub services: Vec<String>,
    /// Every declaration, in set order then file order.
    pub declarations: Vec<Declaration>,
}

/// The kinds drawn and ordered.
const KINDS: &[&str] = &["need", "use", "want", "after", "before", "provide"];

impl DependencyGraph {
    /// The graph of analysed services, each a name and what its `depend()` declares.
    /// Declarations OpenRC itself cancels are left out: as its deptree does, a `before X` is
    /// dropped by a later `after`/`need`/`want`/`use X`, and an `after X` by a later `before X`.
    pub fn new<'a>(services: impl IntoIterator<Item = (&'a str, &'a Dependencies)>) -> Self {
        let mut names = Vec::new();
        let mut declarations = Vec::new();
        for (i, (service_name, deps)) in services.into_iter().enumerate() {
            names.push(service_name.to_string());
            // Which (kind, name) pairs the later declarations leave standing: the last
            // declaration of a name decides, as each one cancels its opposite. Hashed past a few
            // names (SmallMap), so a `depend()` with 100,000 names is read in linear time.
            let mut standing: SmallMap<(&str, &str), bool> = SmallMap::new();
            for DependencySite { kind, name, .. } in &deps.sites {
                let (kind, name) = (kind.as_str(), name.as_str());
                standing.insert((kind, name), true);
                let cancels = match kind {
                    "before" => Some("after"),
                    "after" | "need" | "want" | "use" => Some("before"),
                    _ => None,
                };
                if let Some(other) = cancels {
                    if let Some(s) = standing.get_mut(&(other, name)) {
                        *s = false;
                    }
                }
            }
            let in_model: SmallSet<(&str, &str)> = KINDS
                .iter()
                .flat_map(|&kind| {
                    let list = match kind {
                        "need" => &deps.need,
                        "use" => &deps.use_,
                        "want" => &deps.want,
                        "after" => &deps.after,
                        "before" => &deps.before,
                        _ => &deps.provide,
                    };
                    list.iter().map(move |n| (kind, n.as_str()))
                })
                .collect();
            let conditional: SmallSet<&str> = deps.conditional.iter().map(String::as_str).collect();
            let uncertain: SmallSet<&str> = deps.uncertain.iter().map(String::as_str).collect();
            let mut seen = SmallSet::new();
            for DependencySite { kind, name, loc } in &deps.sites {
                let key = (kind.as_str(), name.as_str());
                if !KINDS.contains(&key.0) || name == service_name || !seen.add(key) {
                    continue;
                }
                // `!x` removals leave the site behind but the name out of the model's list.
                if in_model.contains_key(&key) && standing.get(&key) == Some(&true) {
                    // Most services declare nothing conditional or uncertain: no tag to make.
                    let (conditional, uncertain) = if conditional.is_empty() && uncertain.is_empty() {
                        (false, false)
                    } else {
                        let tag = format!("{kind} {name}");
                        (conditional.contains_key(&tag.as_str()), uncertain.contains_key(&tag.as_str()))
                    };
                    declarations.push(Declaration {
                        service: i,
                        kind: kind.clone(),
                        name: name.clone(),
                        loc: *loc,
                        conditional,
                        uncertain,
                    });
                }
            }
        }
        DependencyGraph { services: names, declarations }
    }

    /// The services each name stands for: a service's own name, and every `provide`.
    pub fn providers(&self) -> BTreeMap<&str, Vec<usize>> {
        self.providers_where(|_| true)
    }

    fn providers_where(&self, keep: impl Fn(&Declaration) -> bool) -> BTreeMap<&str, Vec<usize>> {
        let mut map: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, n) in self.services.iter().enumerate() {
            map.entry(n.as_str()).or_default().push(i);
        }
        for d in self.declarations.iter().filter(|d| d.kind == "provide" && keep(d)) {
            let list = map.entry(d.name.as_str()).or_default();
            if !list.contains(&d.service) {
                list.push(d.service);
            }
        }
        map
    }

    /// Start-order edges between services of the set: `need`, `use`, `want` and `after` make the
    /// declaring service wait; `before` makes the named one wait, unless — as OpenRC's deptree
    /// drops such "broken before directives" — the declaring service itself waits for it.
    /// Declarations made only under an undecidable condition, or naming something not known
    /// exactly, are left out: the order is what certainly holds.
    pub fn orderings(&self) -> Vec<Ordering> {
        let mut out = Vec::new();
        StartOrder::new(self).each_ordering(|o| out.push(o));
        out
    }

    /// Each cycle of the start order, once: the orderings around it, starting from its
    /// lowest-numbered service.
    ///
    /// The components are found in a graph with one node per declaration between a service and
    /// the services a name stands for (`a` → `need net` → each provider of `net`), not in the
    /// orderings themselves: a set where thousands of services need a name dozens of them
    /// provide has millions of orderings, but only as many such edges as declarations and
    /// providers. A path between two services through a declaration's node is an ordering, so the
    /// services in each component are the same.
    pub fn cycles(&self) -> Vec<Vec<Ordering>> {
        let order = StartOrder::new(self);
        let n = self.services.len();
        let found = order.components();
        if found.is_empty() {
            return Vec::new();
        }
        let mut component_of = vec![usize::MAX; n];
        for (c, services) in found.iter().enumerate() {
            for &s in services {
                component_of[s] = c;
            }
        }
        // The orderings inside the components, in the order `orderings` gives them.
        let mut adjacent: Vec<Vec<Ordering>> = vec![Vec::new(); n];
        order.each_ordering(|e| {
            if component_of[e.from] != usize::MAX && component_of[e.from] == component_of[e.to] {
                adjacent[e.from].push(e);
            }
        });
        let mut cycles = Vec::new();
        for component in found {
            let inside: BTreeSet<usize> = component.iter().copied().collect();
            let start = component.iter().copied().min().unwrap_or(0);
            if let Some(path) = path_back(start, &adjacent, &inside) {
                cycles.push(path);
            }
        }
        cycles.sort_by_key(|c| c.first().map(|e| e.from));
        cycles
    }

    /// The graph as Graphviz DOT: services as boxes, virtual names as ellipses, names nothing in
    /// the set provides as dashed boxes; one edge per declaration, labelled with its kind.
    pub fn to_dot(&self) -> String {
        let providers = self.providers();
        let mut out = String::from("digraph dependencies {\n  rankdir=LR;\n  node [shape=box];\n");
        for s in &self.services {
            let _ = writeln!(out, "  {};", quote(s));
        }
        let services: HashSet<&str> = self.services.iter().map(String::as_str).collect();
        let mut others: BTreeSet<&str> = BTreeSet::new();
        for d in &self.declarations {
            if !services.contains(d.name.as_str()) {
                others.insert(d.name.as_str());
            }
        }
        for name in others {
            let style = if providers.contains_key(name) {
                "shape=ellipse"
            } else {
                "style=dashed, color=gray40, fontcolor=gray40"
            };
            let _ = writeln!(out, "  {} [{style}];", quote(name));
        }
        for d in &self.declarations {
            let style = match d.kind.as_str() {
                "need" => "style=bold",
                "use" | "want" => "style=solid",
                "provide" => "style=dotted, arrowhead=empty",
                _ => "style=dashed",
            };
            let label = match (d.conditional, d.uncertain) {
                (false, false) => d.kind.clone(),
                (true, false) => format!("{} (conditional)", d.kind),
                (false, true) => format!("{} (name not known exactly)", d.kind),
                (true, true) => format!("{} (conditional, name not known exactly)", d.kind),
            };
            let _ = writeln!(
                out,
                "  {} -> {} [label={}, {style}];",
                quote(&self.services[d.service]),
                quote(&d.name),
                quote(&label)
            );
        }
        out.push_str("}\n");
        out
    }
}

/// The start order of a graph as orderings are made from it: who provides each name (declarations
/// made under an undecidable condition or naming something not known exactly left out), and
/// where each service's declarations are. Each declaration's role and providers are worked out
/// once: the walks below visit declarations many times, and looking a name up by its text on
/// each visit was most of a lint run's serial tail.
struct StartOrder<'a> {
    graph: &'a DependencyGraph,
    /// The providers of each name some declaration names, one list per name.
    lists: Vec<Vec<usize>>,
    /// Each declaration's list in `lists`.
    target: Vec<usize>,
    /// Each declaration's part in the start order.
    role: Vec<Role>,
    /// Each service's declarations: they are consecutive, in set order.
    ranges: Vec<std::ops::Range<usize>>,
}

/// What a declaration does to the start order.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `need`, `use`, `want` or `after`, certain: its service waits for the name's providers.
    Waits,
    /// `before`, certain: the name's providers wait for its service, unless it waits for them.
    Before,
    /// `provide`, or made under an undecidable condition or naming something not known exactly.
    None,
}

impl<'a> StartOrder<'a> {
    fn new(graph: &'a DependencyGraph) -> Self {
        let providers = graph.providers_where(|d| !d.conditional && !d.uncertain);
        let mut list_of: HashMap<&str, usize> = HashMap::with_capacity(providers.len());
        let mut lists = Vec::new();
        let mut target = Vec::with_capacity(graph.declarations.len());
        let mut role = Vec::with_capacity(graph.declarations.len());
        let mut ranges = vec![0..0; graph.services.len()];
        for (k, d) in graph.declarations.iter().enumerate() {
            let r = &mut ranges[d.service];
            if r.start == r.end {
                *r = k..k + 1;
            } else {
                r.end = k + 1;
            }
            let name = d.name.as_str();
            let list = *list_of.entry(name).or_insert_with(|| {
                lists.push(providers.get(name).cloned().unwrap_or_default());
                lists.len() - 1
            });
            target.push(list);
            role.push(match d.kind.as_str() {
                _ if d.uncertain || d.conditional => Role::None,
                "need" | "use" | "want" | "after" => Role::Waits,
                "before" => Role::Before,
                _ => Role::None,
            });
        }
        StartOrder { graph, lists, target, role, ranges }
    }

    /// The services declaration `k`'s name stands for.
    fn targets(&self, k: usize) -> &[usize] {
        &self.lists[self.target[k]]
    }

    /// Which services `from` waits for through need/use/want/after (in one step or more).
    fn reachable(&self, from: usize) -> Vec<bool> {
        let mut seen = vec![false; self.graph.services.len()];
        let mut stack = vec![from];
        while let Some(v) = stack.pop() {
            for k in self.ranges[v].clone() {
                if self.role[k] != Role::Waits {
                    continue;
                }
                for &w in self.targets(k) {
                    if w != v && !seen[w] {
                        seen[w] = true;
                        stack.push(w);
                    }
                }
            }
        }
        seen
    }

    /// Whether `before` declaration `k` orders anything: not when its service itself waits for
    /// the name's providers. `walked` keeps the last service's walk (a service's declarations
    /// are consecutive), so each service is walked once however many names it declares.
    fn before_stands(&self, k: usize, walked: &mut Option<(usize, Vec<bool>)>) -> bool {
        let service = self.graph.declarations[k].service;
        if walked.as_ref().is_none_or(|(s, _)| *s != service) {
            *walked = Some((service, self.reachable(service)));
        }
        let reached = walked.as_ref().map(|(_, r)| r.as_slice()).unwrap_or_default();
        !self.targets(k).iter().any(|&e| reached.get(e).copied().unwrap_or(false))
    }

    /// Every ordering, one at a time (see [`DependencyGraph::orderings`]).
    fn each_ordering(&self, mut f: impl FnMut(Ordering)) {
        let mut walked = None;
        for (k, d) in self.graph.declarations.iter().enumerate() {
            let before = match self.role[k] {
                Role::None => continue,
                Role::Waits => false,
                Role::Before if !self.before_stands(k, &mut walked) => continue,
                Role::Before => true,
            };
            for &p in self.targets(k) {
                if p == d.service {
                    continue;
                }
                let (from, to) = if before { (p, d.service) } else { (d.service, p) };
                f(Ordering { from, to, declaration: k });
            }
        }
    }

    /// The services of each strongly connected component of two services or more, in the graph
    /// with a node per declaration (services are nodes `0..n`, declaration `k` is node `n + k`).
    fn components(&self) -> Vec<Vec<usize>> {
        let (n, decls) = (self.graph.services.len(), &self.graph.declarations);
        // Each service's edges to declaration nodes: its own waiting declarations, and the
        // standing `before`s naming something it provides. A declaration node's edges lead to
        // the name's providers (waiting) or to the declaring service (`before`); one with no
        // edge into it is a component of its own.
        let mut out_of: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut walked = None;
        for (k, d) in decls.iter().enumerate() {
            match self.role[k] {
                Role::Waits => out_of[d.service].push(n + k),
                Role::Before if self.before_stands(k, &mut walked) => {
                    for &p in self.targets(k).iter().filter(|&&p| p != d.service) {
                        out_of[p].push(n + k);
                    }
                }
                Role::Before | Role::None => {}
            }
        }
        let successor = |v: usize, i: usize| match v.checked_sub(n) {
            None => out_of[v].get(i).copied(),
            Some(k) if decls[k].kind == "before" => (i == 0).then_some(decls[k].service),
            Some(k) => self.targets(k).get(i).copied(),
        };
        strongly_connected_by(n + decls.len(), successor)
            .into_iter()
            .map(|c| c.into_iter().filter(|&v| v < n).collect::<Vec<_>>())
            .filter(|services| services.len() >= 2)
            .collect()
    }
}

/// A DOT string literal.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A shortest path from `start` back to itself inside one component (breadth first).
fn path_back(start: usize, adjacent: &[Vec<Ordering>], inside: &BTreeSet<usize>) -> Option<Vec<Ordering>> {
    let mut came_by: BTreeMap<usize, Ordering> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for e in &adjacent[v] {
            if !inside.contains(&e.to) {
                continue;
            }
            if e.to == start {
                let mut path = vec![*e];
                let mut at = v;
                while at != start {
                    let prev = *came_by.get(&at)?;
                    path.push(prev);
                    at = prev.from;
                }
                path.reverse();
                return Some(path);
            }
            if let std::collections::btree_map::Entry::Vacant(slot) = came_by.entry(e.to) {
                slot.insert(*e);
                queue.push_back(e.to);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::source::{FileId, Span};
    use crate::core::strongly_connected::strongly_connected;
    use proptest::prelude::*;

    /// The cycles as they were found before declarations became nodes: from every ordering.
    fn cycles_from_orderings(graph: &DependencyGraph) -> Vec<Vec<Ordering>> {
        let mut adjacent: Vec<Vec<Ordering>> = vec![Vec::new(); graph.services.len()];
        for e in graph.orderings() {
            adjacent[e.from].push(e);
        }
        let mut cycles = Vec::new();
        for component in strongly_connected(&adjacent, |e| e.to) {
            if component.len() < 2 {
                continue;
            }
            let inside: BTreeSet<usize> = component.iter().copied().collect();
            let start = component.iter().copied().min().unwrap_or(0);
            cycles.extend(path_back(start, &adjacent, &inside));
        }
        cycles.sort_by_key(|c| c.first().map(|e| e.from));
        cycles
    }

    /// A graph of up to 7 services `s0`…, each declaring up to 5 names from a small pool (the
    /// services' own names and two virtuals), some conditional or not known exactly.
    fn graphs() -> impl Strategy<Value = DependencyGraph> {
        let kinds = prop::sample::select(vec!["need", "use", "want", "after", "before", "provide"]);
        let names = prop::sample::select(vec!["s0", "s1", "s2", "s3", "s4", "s5", "s6", "net", "logger"]);
        let declaration = (kinds, names, any::<u8>());
        prop::collection::vec(prop::collection::vec(declaration, 0..5), 1..7).prop_map(|services| {
            let mut declarations = Vec::new();
            for (i, decls) in services.iter().enumerate() {
                for (k, (kind, name, flags)) in decls.iter().enumerate() {
                    declarations.push(Declaration {
                        service: i,
                        kind: kind.to_string(),
                        name: name.to_string(),
                        loc: Loc { file: FileId::new(0), span: Span::new(k, k + 1) },
                        conditional: flags % 7 == 0,
                        uncertain: flags % 11 == 0,
                    });
                }
            }
            DependencyGraph { services: (0..services.len()).map(|i| format!("s{i}")).collect(), declarations }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn cycles_through_declaration_nodes_are_the_orderings_cycles(graph in graphs()) {
            prop_assert_eq!(graph.cycles(), cycles_from_orderings(&graph));
        }
    }

    #[test]
    fn a_ring_through_a_virtual_is_one_cycle() {
        let decl = |service, kind: &str, name: &str| Declaration {
            service,
            kind: kind.into(),
            name: name.into(),
            loc: Loc { file: FileId::new(0), span: Span::new(0, 1) },
            conditional: false,
            uncertain: false,
        };
        let graph = DependencyGraph {
            services: vec!["a".into(), "b".into(), "c".into()],
            declarations: vec![
                decl(0, "need", "net"),
                decl(1, "provide", "net"),
                decl(1, "after", "a"),
                decl(2, "need", "a"),
            ],
        };
        let cycles = graph.cycles();
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].iter().map(|o| (o.from, o.to)).collect::<Vec<_>>(), vec![(0, 1), (1, 0)]);
    }
}
