//! The functions a service's files define, found once in their syntax trees: every definition in
//! load and text order, which one of each name counts (the last one loaded, as the shell keeps
//! the last it read), what each one's body runs, and so which functions one reaches through the
//! others. [`Analysis`](super::analysis::Analysis) keeps it; lint's rules and migration read it
//! instead of walking the trees for definitions themselves.
//!
//! It is the syntax's view: every definition the text holds. What the files leave defined once
//! openrc-run has loaded them (a definition under a condition that is false is not) is the
//! interpreter's, in [`Service::functions`](super::Service::functions).

use std::collections::{BTreeMap, BTreeSet};

use crate::core::file_name::basename;
use crate::core::source::{FileId, Span};
use crate::eval::value::Loc;
use crate::shell::ast::{Command, FunctionDef, Script, Word, walk_commands};

/// OpenRC's functions through which a script's own `start()` hands the daemon to the s6
/// backend: `default_start` dispatches to `s6_start` when `supervisor=s6` (openrc-run.sh.in;
/// openrc-semantics.md §2). Migration and verify both judge `start()` by it.
pub const S6_STARTS: &[&str] = &["default_start", "s6_start"];

/// The same for `stop()`: a `stop()` that reaches neither bypasses s6, which then restarts the
/// daemon OpenRC meant to stop (`rc2s6::migrate::stop_bypasses_s6`, `rc2s6::verify::stop_bypasses_s6`).
pub const S6_STOPS: &[&str] = &["default_stop", "s6_stop"];

/// Every function definition of a service's files. Kept for every service of a batch, so it
/// holds names and places, not syntax: a few definitions each, looked up by scanning.
#[derive(Debug, Clone, Default)]
pub struct FunctionTable {
    /// In load order, then text order.
    definitions: Vec<FunctionDefinition>,
}

/// One function definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionDefinition {
    /// The function's name.
    pub name: String,
    /// The file it is in.
    pub file: FileId,
    /// Where its name is.
    pub name_span: Span,
    /// The literal names of the commands its body runs (functions defined inside it included),
    /// each once, in the order they first appear.
    commands: Box<[Box<str>]>,
}

impl FunctionDefinition {
    /// Where the function's name is.
    pub fn loc(&self) -> Loc {
        Loc { file: self.file, span: self.name_span }
    }

    /// The literal names of the commands its body runs, each once, in the order they first
    /// appear.
    pub fn commands(&self) -> impl Iterator<Item = &str> {
        self.commands.iter().map(|c| &**c)
    }

    /// Whether its body runs any of `names`, by name or by a path ending in one.
    pub fn runs(&self, names: &[&str]) -> bool {
        self.commands.iter().any(|c| names.contains(&basename(c)))
    }
}

impl FunctionTable {
    /// The definitions in the syntax trees of a service's files, given in load order.
    pub fn new<'a>(files: impl IntoIterator<Item = (FileId, &'a Script)>) -> Self {
        let mut table = FunctionTable::default();
        for (file, script) in files {
            for (def, commands) in definitions_with_commands(script) {
                table.definitions.push(FunctionDefinition {
                    name: def.name.clone(),
                    file,
                    name_span: def.name_span,
                    commands: commands.into_boxed_slice(),
                });
            }
        }
        table
    }

    /// Every definition, in load order, then text order.
    pub fn definitions(&self) -> &[FunctionDefinition] {
        &self.definitions
    }

    /// The definition of `name` that counts: the last one loaded.
    pub fn get(&self, name: &str) -> Option<&FunctionDefinition> {
        self.definitions.iter().rev().find(|d| d.name == name)
    }

    /// The definitions that count, by name.
    pub fn counting(&self) -> impl Iterator<Item = &FunctionDefinition> {
        let by_name: BTreeMap<&str, &FunctionDefinition> =
            self.definitions.iter().map(|d| (d.name.as_str(), d)).collect();
        by_name.into_values()
    }

    /// The functions of `file` that `root` runs, directly or through others of them, `root`
    /// included (when `file` defines it): each name's last definition in `file` is followed.
    pub fn reachable(&self, root: &str, file: FileId) -> BTreeSet<String> {
        let in_file: BTreeMap<&str, &FunctionDefinition> =
            self.definitions.iter().filter(|d| d.file == file).map(|d| (d.name.as_str(), d)).collect();
        let mut seen = BTreeSet::new();
        let mut todo = vec![root];
        while let Some(name) = todo.pop() {
            let Some(def) = in_file.get(name) else { continue };
            if !seen.insert(name.to_string()) {
                continue;
            }
            todo.extend(def.commands.iter().map(|c| &**c).filter(|c| in_file.contains_key(c)));
        }
        seen
    }
}

/// Every function definition in a syntax tree, nested ones included, in the order
/// [`FunctionTable`] lists them: pairing the table with a tree again gives each definition its
/// syntax.
pub fn definitions_in(script: &Script) -> Vec<&FunctionDef> {
    let mut out = Vec::new();
    walk_commands(&script.body, &mut |c| {
        if let Command::FunctionDef(f) = c {
            out.push(f);
        }
    });
    out
}

/// The definitions of a tree in [`definitions_in`]'s order, each with the literal names of the
/// commands its body runs (each once, in the order they first appear), found in one walk of
/// the tree (walking the tree for the definitions, then each body again, went over most of a
/// script twice, nested bodies more). The walk goes in text order, so a command is in the body
/// of every definition seen before it whose text it starts inside.
fn definitions_with_commands(script: &Script) -> Vec<(&FunctionDef, Vec<Box<str>>)> {
    let mut found: Vec<(&FunctionDef, Vec<Box<str>>)> = Vec::new();
    // The definitions the walk is inside (places in `found`), outermost first.
    let mut open: Vec<usize> = Vec::new();
    walk_commands(&script.body, &mut |c| {
        let at = c.span().start;
        while open.last().is_some_and(|&i| at >= found[i].0.span.end) {
            open.pop();
        }
        match c {
            Command::FunctionDef(fd) => {
                found.push((fd, Vec::new()));
                open.push(found.len() - 1);
            }
            Command::Simple(sc) => {
                let Some(name) = sc.words.first().and_then(Word::static_str) else { return };
                for &i in &open {
                    // Copied only the first time it is seen.
                    let commands = &mut found[i].1;
                    if !commands.iter().any(|n| **n == *name) {
                        commands.push((*name).into());
                    }
                }
            }
            Command::Compound(..) => {}
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(files: &[&str]) -> FunctionTable {
        let scripts: Vec<Script> = files
            .iter()
            .map(|t| crate::shell::parse::parse_script(t).script.expect("the test script parses"))
            .collect();
        FunctionTable::new(scripts.iter().enumerate().map(|(i, s)| (FileId::new(i), s)))
    }

    #[test]
    fn the_last_definition_loaded_counts() {
        let t = table(&["stop() { a; }\n", "stop() { b; }\nstart() { /sbin/default_start; }\nstop() { c; }\n"]);
        let names: Vec<(&str, usize)> = t.definitions().iter().map(|d| (d.name.as_str(), d.file.index())).collect();
        assert_eq!(names, [("stop", 0), ("stop", 1), ("start", 1), ("stop", 1)]);
        let stop = t.get("stop").unwrap();
        assert!(stop.runs(&["c"]) && !stop.runs(&["b"]));
        assert!(t.get("start").unwrap().runs(&["default_start"]));
        let counting: Vec<&str> = t.counting().map(|d| d.name.as_str()).collect();
        assert_eq!(counting, ["start", "stop"]);
        assert!(t.get("status").is_none());
    }

    #[test]
    fn reachable_follows_calls_within_one_file() {
        let t = table(&[
            "helper() { :; }\n",
            "stop() { halt; }\nhalt() { inner() { deeper; }; helper; }\ndeeper() { :; }\nother() { :; }\n",
        ]);
        let reached: Vec<String> = t.reachable("stop", FileId::new(1)).into_iter().collect();
        // `inner` is defined in halt(), never run; what it would run counts as halt()'s.
        assert_eq!(reached, ["deeper", "halt", "stop"]);
        assert!(t.reachable("stop", FileId::new(0)).is_empty());
    }

    /// The one walk finds, for every definition, what walking its body alone finds.
    #[test]
    fn one_walk_finds_what_each_body_runs() {
        let text = "a() { x; b() { y; x; /bin/z; }; if t; then c() { w; }; fi; y; }\n\
                    d() ( case $1 in q) e() { while r; do s; done; }; v;; esac; for i in 1; do u; done )\n\
                    top; f() { { g; } | h && k; }\n";
        let script = crate::shell::parse::parse_script(text).script.unwrap();
        let t = FunctionTable::new([(FileId::new(0), &script)]);
        let defs = definitions_in(&script);
        assert_eq!(t.definitions().len(), defs.len());
        for (d, def) in t.definitions().iter().zip(defs) {
            let mut expected: Vec<String> = Vec::new();
            crate::shell::ast::walk_command(&def.body, &mut |c| {
                if let Command::Simple(sc) = c {
                    if let Some(name) = sc.words.first().and_then(Word::static_str) {
                        if !expected.iter().any(|n| **n == *name) {
                            expected.push(name.to_string());
                        }
                    }
                }
            });
            assert_eq!(
                (d.name.as_str(), d.commands().collect::<Vec<_>>()),
                (def.name.as_str(), expected.iter().map(String::as_str).collect::<Vec<_>>())
            );
        }
        assert_eq!(t.get("a").unwrap().commands().collect::<Vec<_>>(), ["x", "y", "/bin/z", "t", "w"]);
    }

    #[test]
    fn definitions_in_a_tree_line_up_with_the_table() {
        let text = "a() { b() { :; }; }\nif x; then c() { :; }; fi\n";
        let script = crate::shell::parse::parse_script(text).script.unwrap();
        let names: Vec<&str> = definitions_in(&script).iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
    }
}
