//! The dependency graph of a set of services (`need`, `use`, `want`, `after`, `before`,
//! `provide`): as Graphviz DOT for people (`rc2s6 graph`), and as start order for finding cycles.

use crate::core::strongly_connected::strongly_connected;
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
            // declaration of a name decides, as each one cancels its opposite. Hashed, so a
            // `depend()` with 100,000 names is read in linear time.
            let mut standing: HashMap<(&str, &str), bool> = HashMap::new();
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
            let in_model: HashSet<(&str, &str)> = KINDS
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
            let conditional: HashSet<&str> = deps.conditional.iter().map(String::as_str).collect();
            let uncertain: HashSet<&str> = deps.uncertain.iter().map(String::as_str).collect();
            let mut seen = HashSet::new();
            for DependencySite { kind, name, loc } in &deps.sites {
                let key = (kind.as_str(), name.as_str());
                if !KINDS.contains(&key.0) || name == service_name || !seen.insert(key) {
                    continue;
                }
                // `!x` removals leave the site behind but the name out of the model's list.
                if in_model.contains(&key) && standing.get(&key) == Some(&true) {
                    let tag = format!("{kind} {name}");
                    declarations.push(Declaration {
                        service: i,
                        kind: kind.clone(),
                        name: name.clone(),
                        loc: *loc,
                        conditional: conditional.contains(tag.as_str()),
                        uncertain: uncertain.contains(tag.as_str()),
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
        let providers = self.providers_where(|d| !d.conditional && !d.uncertain);
        let targets = |name: &str| providers.get(name).map(Vec::as_slice).unwrap_or(&[]).to_vec();
        // What each service waits for through need/use/want/after, directly.
        let mut waits: Vec<Vec<usize>> = vec![Vec::new(); self.services.len()];
        for d in &self.declarations {
            if matches!(d.kind.as_str(), "need" | "use" | "want" | "after") && !d.uncertain && !d.conditional {
                waits[d.service].extend(targets(&d.name).into_iter().filter(|&p| p != d.service));
            }
        }
        let mut out = Vec::new();
        // What a service declaring `before` waits for, walked once per service however many
        // names it declares (as OpenRC's phase 5 visits each service once); a service's
        // declarations are consecutive, so only the last walk is kept.
        let mut waited_for: Option<(usize, Vec<bool>)> = None;
        for (k, d) in self.declarations.iter().enumerate() {
            if d.kind == "provide" || d.uncertain || d.conditional {
                continue;
            }
            let ends = targets(&d.name);
            if d.kind == "before" {
                if waited_for.as_ref().is_none_or(|(s, _)| *s != d.service) {
                    waited_for = Some((d.service, reachable(&waits, d.service)));
                }
                let reached = waited_for.as_ref().map(|(_, r)| r.as_slice()).unwrap_or_default();
                if ends.iter().any(|&e| reached.get(e).copied().unwrap_or(false)) {
                    continue;
                }
            }
            for p in ends {
                if p == d.service {
                    continue;
                }
                let (from, to) = if d.kind == "before" { (p, d.service) } else { (d.service, p) };
                out.push(Ordering { from, to, declaration: k });
            }
        }
        out
    }

    /// Each cycle of the start order, once: the orderings around it, starting from its
    /// lowest-numbered service.
    pub fn cycles(&self) -> Vec<Vec<Ordering>> {
        let edges = self.orderings();
        let n = self.services.len();
        let mut adjacent: Vec<Vec<Ordering>> = vec![Vec::new(); n];
        for e in &edges {
            adjacent[e.from].push(*e);
        }
        let mut cycles = Vec::new();
        for component in strongly_connected(&adjacent, |e| e.to) {
            if component.len() < 2 {
                continue;
            }
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

/// Which services are reachable from `from` along `edges` (in one step or more).
fn reachable(edges: &[Vec<usize>], from: usize) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut stack = vec![from];
    while let Some(v) = stack.pop() {
        for &w in &edges[v] {
            if !seen[w] {
                seen[w] = true;
                stack.push(w);
            }
        }
    }
    seen
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
