//! The dependency graph of a set of services (`need`, `use`, `want`, `after`, `before`,
//! `provide`): as Graphviz DOT for people (`rc2s6 graph`), and as start order for finding cycles.

use crate::core::small_map::{SmallMap, SmallSet};
use crate::core::strongly_connected::each_strongly_connected;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use crate::model::{Dependencies, DependencySite, Loc};

/// One declared dependency of a service, its names borrowed from the services' dependencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration<'a> {
    /// The declaring service's index in the set.
    pub service: usize,
    /// `need`, `use`, `want`, `after`, `before` or `provide`.
    pub kind: &'a str,
    /// The name it refers to.
    pub name: &'a str,
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

/// The dependency graph of a set of services. It borrows its names from the services: a lint
/// builds it on the one thread left after the workers, where a copy of every name was an
/// allocation and a free each.
#[derive(Debug, Clone)]
pub struct DependencyGraph<'a> {
    /// Service names, in set order.
    pub services: Vec<&'a str>,
    /// Every declaration, in set order then file order.
    pub declarations: Vec<Declaration<'a>>,
}

/// The kinds drawn and ordered.
const KINDS: &[&str] = &["need", "use", "want", "after", "before", "provide"];

/// Adds `service` to a name's providers, once.
fn add_provider(list: &mut Vec<usize>, service: usize) {
    if !list.contains(&service) {
        list.push(service);
    }
}

impl<'a> DependencyGraph<'a> {
    /// The graph of analysed services, each a name and what its `depend()` declares.
    /// Declarations OpenRC itself cancels are left out: as its deptree does, a `before X` is
    /// dropped by a later `after`/`need`/`want`/`use X`, and an `after X` by a later `before X`.
    pub fn new(services: impl IntoIterator<Item = (&'a str, &'a Dependencies)>) -> Self {
        let mut names = Vec::new();
        let mut declarations = Vec::new();
        // Each service's own, emptied for the next: made once rather than once per service.
        let mut standing: SmallMap<(&str, &str), bool> = SmallMap::new();
        let mut in_model: SmallSet<(&str, &str)> = SmallSet::new();
        let mut seen = SmallSet::new();
        for (i, (service_name, deps)) in services.into_iter().enumerate() {
            names.push(service_name);
            // Which (kind, name) pairs the later declarations leave standing: the last
            // declaration of a name decides, as each one cancels its opposite. Hashed past a few
            // names (SmallMap), so a `depend()` with 100,000 names is read in linear time.
            standing.clear();
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
            in_model.clear();
            for &kind in KINDS {
                let list = match kind {
                    "need" => &deps.need,
                    "use" => &deps.use_,
                    "want" => &deps.want,
                    "after" => &deps.after,
                    "before" => &deps.before,
                    _ => &deps.provide,
                };
                for n in list {
                    in_model.add((kind, n.as_str()));
                }
            }
            let conditional: SmallSet<&str> = deps.conditional.iter().map(String::as_str).collect();
            let uncertain: SmallSet<&str> = deps.uncertain.iter().map(String::as_str).collect();
            seen.clear();
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
                        kind: kind.as_str(),
                        name: name.as_str(),
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
    pub fn providers(&self) -> BTreeMap<&'a str, Vec<usize>> {
        let mut map: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (name, service) in self.stands_for(|_| true) {
            add_provider(map.entry(name).or_default(), service);
        }
        map
    }

    /// Each name with a service it stands for, in the order provider lists are made: every
    /// service for its own name, in set order, then each `provide` that `keep` accepts.
    fn stands_for(&self, keep: impl Fn(&Declaration) -> bool) -> impl Iterator<Item = (&'a str, usize)> {
        let own = self.services.iter().enumerate().map(|(i, &n)| (n, i));
        let provided =
            self.declarations.iter().filter(move |d| d.kind == "provide" && keep(d)).map(|d| (d.name, d.service));
        own.chain(provided)
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
        let services: HashSet<&str> = self.services.iter().copied().collect();
        let mut others: BTreeSet<&str> = BTreeSet::new();
        for d in &self.declarations {
            if !services.contains(d.name) {
                others.insert(d.name);
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
            let style = match d.kind {
                "need" => "style=bold",
                "use" | "want" => "style=solid",
                "provide" => "style=dotted, arrowhead=empty",
                _ => "style=dashed",
            };
            let label = match (d.conditional, d.uncertain) {
                (false, false) => d.kind.to_string(),
                (true, false) => format!("{} (conditional)", d.kind),
                (false, true) => format!("{} (name not known exactly)", d.kind),
                (true, true) => format!("{} (conditional, name not known exactly)", d.kind),
            };
            let _ = writeln!(
                out,
                "  {} -> {} [label={}, {style}];",
                quote(self.services[d.service]),
                quote(d.name),
                quote(&label)
            );
        }
        out.push_str("}\n");
        out
    }
}

/// The start order of a graph as orderings are made from it: who provides each name (declarations
/// made under an undecidable condition or naming something not known exactly left out), and
/// where each service's declarations are. Each declaration's role, providers and (for a
/// `before`) whether it stands are worked out once: the walks below visit declarations many
/// times, and looking a name up by its text on each visit was most of a lint run's serial tail.
struct StartOrder<'a> {
    graph: &'a DependencyGraph<'a>,
    /// The providers of each name some declaration names, one list per name.
    lists: Vec<Vec<usize>>,
    /// Each declaration's list in `lists`.
    target: Vec<usize>,
    /// Each declaration's part in the start order.
    role: Vec<Role>,
    /// Each service's declarations: they are consecutive, in set order.
    ranges: Vec<std::ops::Range<usize>>,
    /// Whether each declaration is a `before` that orders something (see `standing_befores`).
    stands: Vec<bool>,
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
    fn new(graph: &'a DependencyGraph<'a>) -> Self {
        // The providers of the names declarations name, as `providers` lists them (each
        // service for its own name, then the certain `provide`s, in set order), without a map
        // of every service's name: only the names declared are looked up.
        let mut list_of: HashMap<&str, usize> = HashMap::new();
        let mut lists: Vec<Vec<usize>> = Vec::new();
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
            let list = *list_of.entry(d.name).or_insert_with(|| {
                lists.push(Vec::new());
                lists.len() - 1
            });
            target.push(list);
            role.push(match d.kind {
                _ if d.uncertain || d.conditional => Role::None,
                "need" | "use" | "want" | "after" => Role::Waits,
                "before" => Role::Before,
                _ => Role::None,
            });
        }
        for (name, service) in graph.stands_for(|d| !d.conditional && !d.uncertain) {
            if let Some(&l) = list_of.get(name) {
                add_provider(&mut lists[l], service);
            }
        }
        let mut order = StartOrder { graph, lists, target, role, ranges, stands: Vec::new() };
        order.stands = order.standing_befores();
        order
    }

    /// The services declaration `k`'s name stands for.
    fn targets(&self, k: usize) -> &[usize] {
        &self.lists[self.target[k]]
    }

    /// Marks in `seen` (and lists in `reached`) the services `from` waits for through
    /// need/use/want/after, in one step or more.
    fn reach(&self, from: usize, seen: &mut [bool], reached: &mut Vec<usize>) {
        let mut v = from;
        let mut next = 0;
        loop {
            for k in self.ranges[v].clone() {
                if self.role[k] != Role::Waits {
                    continue;
                }
                for &w in self.targets(k) {
                    if w != v && !seen[w] {
                        seen[w] = true;
                        reached.push(w);
                    }
                }
            }
            let Some(&w) = reached.get(next) else { break };
            next += 1;
            v = w;
        }
    }

    /// Whether each declaration is a `before` that orders anything: not when its service itself
    /// waits for the name's providers. A service's declarations are consecutive, so each service
    /// is walked once however many names it declares, and one marking serves every walk (only
    /// what the last walk marked is unmarked).
    fn standing_befores(&self) -> Vec<bool> {
        let mut stands = vec![false; self.role.len()];
        let mut seen = vec![false; self.graph.services.len()];
        let mut reached = Vec::new();
        let mut walked = None;
        for (k, d) in self.graph.declarations.iter().enumerate() {
            if self.role[k] != Role::Before {
                continue;
            }
            if walked != Some(d.service) {
                for &w in &reached {
                    seen[w] = false;
                }
                reached.clear();
                self.reach(d.service, &mut seen, &mut reached);
                walked = Some(d.service);
            }
            stands[k] = !self.targets(k).iter().any(|&e| seen[e]);
        }
        stands
    }

    /// Every ordering, one at a time (see [`DependencyGraph::orderings`]).
    fn each_ordering(&self, mut f: impl FnMut(Ordering)) {
        for (k, d) in self.graph.declarations.iter().enumerate() {
            let before = match self.role[k] {
                Role::None => continue,
                Role::Waits => false,
                Role::Before if !self.stands[k] => continue,
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

    /// Each declaration node's edges from services (see `components`), `k` and the service it
    /// leaves from: a service's own waiting declarations, and the standing `before`s naming
    /// something it provides.
    fn edges_into_declarations(&self, mut f: impl FnMut(usize, usize)) {
        for (k, d) in self.graph.declarations.iter().enumerate() {
            match self.role[k] {
                Role::Waits => f(d.service, k),
                Role::Before if self.stands[k] => {
                    for &p in self.targets(k).iter().filter(|&&p| p != d.service) {
                        f(p, k);
                    }
                }
                Role::Before | Role::None => {}
            }
        }
    }

    /// The services of each strongly connected component of two services or more, in the graph
    /// with a node per declaration (services are nodes `0..n`, declaration `k` is node `n + k`).
    fn components(&self) -> Vec<Vec<usize>> {
        let (n, decls) = (self.graph.services.len(), &self.graph.declarations);
        // Each service's edges to declaration nodes, in one vector: service `v`'s are
        // `into[start[v]..start[v + 1]]`, in declaration order. A declaration node's edges lead
        // to the name's providers (waiting) or to the declaring service (`before`); one with no
        // edge into it is a component of its own.
        let mut start = vec![0; n + 1];
        self.edges_into_declarations(|v, _| start[v + 1] += 1);
        for v in 0..n {
            start[v + 1] += start[v];
        }
        let mut into = vec![0; start[n]];
        let mut filled = start.clone();
        self.edges_into_declarations(|v, k| {
            into[filled[v]] = n + k;
            filled[v] += 1;
        });
        let successor = |v: usize, i: usize| match v.checked_sub(n) {
            None => (start[v] + i < start[v + 1]).then(|| into[start[v] + i]),
            Some(k) if decls[k].kind == "before" => (i == 0).then_some(decls[k].service),
            Some(k) => self.targets(k).get(i).copied(),
        };
        let mut out = Vec::new();
        each_strongly_connected(n + decls.len(), successor, |component| {
            if component.iter().filter(|&&v| v < n).nth(1).is_some() {
                out.push(component.iter().copied().filter(|&v| v < n).collect());
            }
        });
        out
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
    fn graphs() -> impl Strategy<Value = DependencyGraph<'static>> {
        let kinds = prop::sample::select(vec!["need", "use", "want", "after", "before", "provide"]);
        let names = prop::sample::select(vec!["s0", "s1", "s2", "s3", "s4", "s5", "s6", "net", "logger"]);
        let declaration = (kinds, names, any::<u8>());
        prop::collection::vec(prop::collection::vec(declaration, 0..5), 1..7).prop_map(|services| {
            let mut declarations = Vec::new();
            for (i, decls) in services.iter().enumerate() {
                for (k, (kind, name, flags)) in decls.iter().enumerate() {
                    declarations.push(Declaration {
                        service: i,
                        kind,
                        name,
                        loc: Loc { file: FileId::new(0), span: Span::new(k, k + 1) },
                        conditional: flags % 7 == 0,
                        uncertain: flags % 11 == 0,
                    });
                }
            }
            let names = ["s0", "s1", "s2", "s3", "s4", "s5", "s6"];
            DependencyGraph { services: names[..services.len()].to_vec(), declarations }
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
        let decl = |service, kind: &'static str, name: &'static str| Declaration {
            service,
            kind,
            name,
            loc: Loc { file: FileId::new(0), span: Span::new(0, 1) },
            conditional: false,
            uncertain: false,
        };
        let graph = DependencyGraph {
            services: vec!["a", "b", "c"],
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
