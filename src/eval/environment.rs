//! The shell variables of one service as the loaded files leave them.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::budget::Budget;
use super::globals::Globals;
use super::name::{Name, NameStr};
use super::value::{Loc, ShellValue};

/// One variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// Its value.
    pub value: ShellValue,
    /// Marked for export.
    pub exported: bool,
    /// Where it was last assigned; `None` for values OpenRC itself provides.
    pub assigned_at: Option<Loc>,
}

/// Variables by name, with function-local scopes on top of the global one. The global map is
/// shared between copies until one of them writes to it (the interpreter copies the variables
/// for every function it runs, every branch it cannot decide and every subshell, and many of
/// those copies are only read), and so is each value and name within it: a write after a copy
/// copies the map once, counting references instead of copying every name and value. The map
/// is a vector sorted by name with a hash index (`Globals`): a service has a hundred or so
/// globals, read far more often than written; a B-tree's copy allocated every node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Environment {
    globals: Arc<Globals>,
    /// Each active function call's `local` variables; a name here shadows the global one.
    locals: Vec<BTreeMap<Name, Option<Arc<Variable>>>>,
    /// `set -a` (allexport) is on: every variable assigned is marked for export.
    pub allexport: bool,
    /// What evaluating the service may still make, shared by every copy of these variables.
    pub budget: Budget,
}

impl Environment {
    /// The bytes the values take: what a copy of the variables costs.
    pub fn bytes(&self) -> usize {
        let globals = self.globals.entries().iter().map(|(n, v)| n.as_str().len() + v.value.text.len());
        let locals =
            self.locals.iter().flatten().map(|(n, v)| n.as_str().len() + v.as_ref().map_or(0, |v| v.value.text.len()));
        globals.chain(locals).sum()
    }

    /// The variable, if set.
    pub fn get(&self, name: &str) -> Option<&Variable> {
        let name = NameStr::new(name);
        for scope in self.locals.iter().rev() {
            if let Some(v) = scope.get(name) {
                return v.as_deref();
            }
        }
        let at = self.globals.position(name.as_str())?;
        Some(&self.globals.entries()[at].1)
    }

    /// Sets a variable in the innermost scope that holds it.
    pub fn set(&mut self, name: &str, value: ShellValue, at: Option<Loc>) {
        let key = NameStr::new(name);
        for scope in self.locals.iter_mut().rev() {
            if let Some(slot) = scope.get_mut(key) {
                let exported = slot.as_ref().is_some_and(|v| v.exported);
                *slot = Some(Arc::new(Variable { value, exported, assigned_at: at }));
                return;
            }
        }
        let found = self.globals.position(name);
        let found = found.ok_or_else(|| self.globals.search(key).unwrap_or_else(|i| i));
        let globals = Arc::make_mut(&mut self.globals);
        match found {
            // The name is kept: a new one would be one more allocation.
            Ok(i) => {
                let slot = globals.variable_mut(i);
                *slot = Arc::new(Variable { value, exported: slot.exported, assigned_at: at });
            }
            Err(i) => {
                globals.insert(i, Name::from(name), Arc::new(Variable { value, exported: false, assigned_at: at }));
            }
        }
    }

    /// Removes a variable (`unset`).
    pub fn unset(&mut self, name: &str) {
        let name = NameStr::new(name);
        for scope in self.locals.iter_mut().rev() {
            if let Some(slot) = scope.get_mut(name) {
                *slot = None;
                return;
            }
        }
        // Unsetting what is not set writes nothing: the map stays shared.
        if let Some(i) = self.globals.position(name.as_str()) {
            Arc::make_mut(&mut self.globals).remove(i);
        }
    }

    /// Marks a variable for export, creating it empty-but-unset semantics aside.
    pub fn export(&mut self, name: &str) {
        let name = NameStr::new(name);
        for scope in self.locals.iter_mut().rev() {
            if let Some(slot) = scope.get_mut(name) {
                if let Some(v) = slot {
                    Arc::make_mut(v).exported = true;
                }
                return;
            }
        }
        // Exporting what is exported already, or not set, writes nothing: the map stays shared.
        if let Some(i) = self.globals.position(name.as_str()) {
            if !self.globals.entries()[i].1.exported {
                Arc::make_mut(Arc::make_mut(&mut self.globals).variable_mut(i)).exported = true;
            }
        }
    }

    /// Enters a function call.
    pub fn push_scope(&mut self) {
        self.locals.push(BTreeMap::new());
    }

    /// Leaves a function call, dropping its locals.
    pub fn pop_scope(&mut self) {
        self.locals.pop();
    }

    /// Declares a `local` in the current function; outside functions it is a global.
    pub fn declare_local(&mut self, name: &str) {
        if let Some(scope) = self.locals.last_mut() {
            // `local x` starts unset in dash; keep the global value visible only if not shadowed.
            scope.entry(Name::from(name)).or_insert(None);
        }
    }

    /// Whether `name` is declared `local` in the innermost function scope.
    pub fn is_innermost_local(&self, name: &str) -> bool {
        self.locals.last().is_some_and(|s| s.contains_key(NameStr::new(name)))
    }

    /// Whether a function scope is active.
    pub fn in_function(&self) -> bool {
        !self.locals.is_empty()
    }

    /// All global variables, sorted by name.
    pub fn globals(&self) -> impl Iterator<Item = (&str, &Variable)> {
        self.globals.entries().iter().map(|(n, v)| (n.as_str(), &**v))
    }

    /// The global variables whose names start with `prefix`, sorted by name: a walk over those
    /// alone, for a caller that looks for many names of one family.
    pub fn globals_starting_with<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a Variable)> {
        let first = self.globals.search(NameStr::new(prefix)).unwrap_or_else(|i| i);
        self.globals.entries()[first..]
            .iter()
            .take_while(move |(n, _)| n.as_str().starts_with(prefix))
            .map(|(n, v)| (n.as_str(), &**v))
    }

    /// The names whose variable may differ between `self` and `other` (a superset): the global
    /// maps are walked side by side, and a value both share (the same `Arc`, as after a copy) is
    /// not compared at all, so joining two ways of a branch looks at what the branch changed
    /// only; every name a function scope of either side holds is added (a `local` shadows the
    /// global, and whether it is one differs too).
    pub fn names_differing(&self, other: &Environment) -> Vec<String> {
        let mut names = self.globals_differing(other);
        let scopes = self.locals.iter().chain(&other.locals);
        if scopes.clone().any(|scope| !scope.is_empty()) {
            names.extend(scopes.flat_map(|scope| scope.keys().map(|k| k.as_str().to_string())));
            names.sort();
            names.dedup();
        }
        names
    }

    /// The names of the global variables that may differ between `self` and `other`, sorted.
    fn globals_differing(&self, other: &Environment) -> Vec<String> {
        if Arc::ptr_eq(&self.globals, &other.globals) {
            return Vec::new();
        }
        let (a, b) = (self.globals.entries(), other.globals.entries());
        let mut names = Vec::new();
        // First side by side, as long as both hold the same name in the same place (a way that
        // only assigned variables set before it, the most common), told by the name's address:
        // a few instructions per variable, where the walk below costs several times more.
        let aligned = a.iter().zip(b).take_while(|((na, _), (nb, _))| na.shares_text(nb)).count();
        for ((n, va), (_, vb)) in a[..aligned].iter().zip(b) {
            if !(Arc::ptr_eq(va, vb) || va == vb) {
                names.push(n.as_str().to_string());
            }
        }
        let (mut a, mut b) =
            (a[aligned..].iter().map(|(n, v)| (n, v)).peekable(), b[aligned..].iter().map(|(n, v)| (n, v)).peekable());
        loop {
            let name = match (a.peek(), b.peek()) {
                (Some((na, va)), Some((nb, vb))) if na == nb => {
                    let same = Arc::ptr_eq(va, vb) || va == vb;
                    let name = (!same).then(|| na.as_str().to_string());
                    a.next();
                    b.next();
                    name
                }
                (Some((na, _)), Some((nb, _))) if na < nb => a.next().map(|(n, _)| n.as_str().to_string()),
                (Some(_), Some(_)) | (None, Some(_)) => b.next().map(|(n, _)| n.as_str().to_string()),
                (Some(_), None) => a.next().map(|(n, _)| n.as_str().to_string()),
                (None, None) => break,
            };
            names.extend(name);
        }
        names
    }

    /// Names visible in any scope.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.globals.entries().iter().map(|(k, _)| k.as_str().to_string()).collect();
        for s in &self.locals {
            v.extend(s.keys().map(|k| k.as_str().to_string()));
        }
        v.sort();
        v.dedup();
        v
    }

    /// Every variable [`get`](Self::get) finds, with its name, in name order: what
    /// [`names`](Self::names) and a `get` of each give, without a copy of every name. Where no
    /// function's `local`s are in scope, that is the globals as they are kept (sorted by name,
    /// each once).
    pub fn visible(&self) -> Vec<(&str, &Variable)> {
        let entries = self.globals.entries();
        if self.locals.iter().all(BTreeMap::is_empty) {
            return entries.iter().map(|(n, v)| (n.as_str(), &**v)).collect();
        }
        let mut names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        for s in &self.locals {
            names.extend(s.keys().map(Name::as_str));
        }
        names.sort_unstable();
        names.dedup();
        names.into_iter().filter_map(|n| Some((n, self.get(n)?))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Environment {
        let mut e = Environment::default();
        for (n, v) in vars {
            e.set(n, ShellValue::known(*v), None);
        }
        e
    }

    #[test]
    fn visible_is_each_name_with_what_get_finds() {
        let by_names = |e: &Environment| -> Vec<(String, String)> {
            e.names().into_iter().filter_map(|n| Some((n.clone(), e.get(&n)?.value.text.clone()))).collect()
        };
        let visible = |e: &Environment| -> Vec<(String, String)> {
            e.visible().into_iter().map(|(n, v)| (n.to_string(), v.value.text.clone())).collect()
        };
        let mut e = env(&[("command_user", "u"), ("b", "2"), ("command_args", "x"), ("a", "1"), ("PATH", "/bin")]);
        assert_eq!(visible(&e), by_names(&e));
        e.push_scope();
        assert_eq!(visible(&e), by_names(&e));
        // A local shadows a global, set or not; one of its own name comes in its place.
        e.declare_local("b");
        e.declare_local("a");
        e.set("a", ShellValue::known("local"), None);
        e.declare_local("zz");
        e.set("zz", ShellValue::known("z"), None);
        assert_eq!(visible(&e), by_names(&e));
        assert!(visible(&e).contains(&("a".to_string(), "local".to_string())));
    }

    #[test]
    fn names_differing_are_what_one_side_changed_added_or_removed() {
        let base = env(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let mut taken = base.clone();
        assert!(base.names_differing(&taken).is_empty());
        taken.set("b", ShellValue::known("9"), None);
        taken.unset("c");
        taken.set("d", ShellValue::known("4"), None);
        assert_eq!(base.names_differing(&taken), ["b", "c", "d"]);
        assert_eq!(taken.names_differing(&base), ["b", "c", "d"]);
        // Equal values set apart are equal too.
        assert!(env(&[("a", "1")]).names_differing(&env(&[("a", "1")])).is_empty());
        // An exported copy differs.
        let mut exported = base.clone();
        exported.export("a");
        assert_eq!(base.names_differing(&exported), ["a"]);
        // Function scopes without a `local` change nothing; with one, its names count, whichever
        // side declares it, with what differs among the globals.
        let mut scoped = base.clone();
        scoped.push_scope();
        assert!(base.names_differing(&scoped).is_empty());
        scoped.declare_local("x");
        assert_eq!(base.names_differing(&scoped), ["x"]);
        assert_eq!(scoped.names_differing(&base), ["x"]);
        scoped.declare_local("a");
        scoped.set("a", ShellValue::known("local"), None);
        scoped.set("c", ShellValue::known("9"), None);
        scoped.set("e", ShellValue::known("5"), None);
        assert_eq!(base.names_differing(&scoped), ["a", "c", "e", "x"]);
        let mut both = scoped.clone();
        both.set("b", ShellValue::known("8"), None);
        assert_eq!(both.names_differing(&scoped), ["a", "b", "x"]);
    }
}
