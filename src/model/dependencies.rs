//! `depend()` and the `rc_*` dependency overrides, as `_depend` in rc-functions.sh reads them.

use std::collections::{BTreeMap, HashMap};

use super::service::{Dependencies, DependencySite};
use crate::eval::environment::Variable;
use crate::eval::interpreter::{Interpreter, Status};
use crate::eval::observer::{ObservedCommand, Observer};
use crate::eval::value::Loc;

/// The functions `depend()` declares dependencies with.
pub const DEP_FUNCTIONS: &[&str] = &["need", "use", "want", "after", "before", "provide", "keyword", "config"];

/// A dependency declared in `depend()`.
#[derive(Debug, Clone, PartialEq)]
pub struct DepCall {
    /// `need`, `use`, `want`, `after`, `before`, `provide`, `keyword` or `config`.
    pub kind: String,
    /// The arguments.
    pub args: Vec<String>,
    /// Where each argument's word is, aligned with `args`.
    pub arg_locs: Vec<Loc>,
    /// Where the call is.
    pub loc: Loc,
    /// Made under a condition that cannot be decided statically.
    pub conditional: bool,
    /// Some argument could not be known exactly.
    pub uncertain: bool,
}

/// Records the calls of [`DEP_FUNCTIONS`] (whatever else a script defines by those names).
#[derive(Debug, Default)]
struct DepRecorder {
    calls: Vec<DepCall>,
}

impl Observer for DepRecorder {
    fn command(&mut self, command: &ObservedCommand<'_>) -> Option<Status> {
        if !DEP_FUNCTIONS.contains(&command.name) {
            return None;
        }
        // Each name's own word, for labels: a call may declare thousands.
        let words = command.word_fields();
        let arg_locs = if words.texts.as_slice() == command.fields {
            words.locs[1..].to_vec()
        } else {
            vec![command.loc; command.fields.len() - 1]
        };
        self.calls.push(DepCall {
            kind: command.name.to_string(),
            args: command.fields[1..].to_vec(),
            arg_locs,
            loc: command.loc,
            conditional: command.condition.is_some(),
            uncertain: !command.uncertain.is_empty(),
        });
        Some(Status::True)
    }
}

/// Runs `depend()` on a copy of the interpreter state and adds the rc.conf/conf.d overrides.
pub fn collect(interp: &mut Interpreter, svcname: &str) -> Dependencies {
    let mut deps = Lists::default();
    if let Some(run) = interp.run_on_copy("depend", DepRecorder::default()) {
        interp.take_gave_up(&run.diagnostics);
        for call in &run.observer.calls {
            deps.add(call);
        }
    }
    // `rc_${svc}_TYPE`, `rc_TYPE`, `RC_${SVC}_TYPE`, `RC_TYPE`: the first non-empty one is added.
    // Read from the few variables named `rc_…` and `RC_…` (the files are loaded: no function
    // scope is open), rather than looking up 32 names made for the purpose; each variable is
    // read once for the kind and rank its name gives, if any (comparing each of the 32 names
    // with each variable was about 4,000 instructions per service).
    let mut first: [Option<(usize, &Variable)>; OVERRIDE_KINDS.len()] = [None; OVERRIDE_KINDS.len()];
    let set = (interp.env.globals_starting_with("rc_"))
        .chain(interp.env.globals_starting_with("RC_"))
        .filter(|(_, v)| !v.value.text.is_empty());
    for (name, v) in set {
        if let Some((kind, rank)) = override_named(name, svcname) {
            if first[kind].is_none_or(|(r, _)| rank < r) {
                first[kind] = Some((rank, v));
            }
        }
    }
    for (&(kind, _), found) in OVERRIDE_KINDS.iter().zip(first) {
        if let Some((_, Variable { value, assigned_at: Some(loc), .. })) = found {
            let args: Vec<String> = value.text.split_whitespace().map(String::from).collect();
            let arg_locs = vec![*loc; args.len()];
            let call =
                DepCall { kind: kind.to_string(), args, arg_locs, loc: *loc, conditional: false, uncertain: false };
            deps.add(&call);
        }
    }
    deps.finish()
}

/// The kinds of the `rc_*` overrides, in the order `_depend` adds them, with the upper-case
/// tail of their `RC_` names.
const OVERRIDE_KINDS: [(&str, &str); 8] = [
    ("config", "CONFIG"),
    ("need", "NEED"),
    ("use", "USE"),
    ("want", "WANT"),
    ("after", "AFTER"),
    ("before", "BEFORE"),
    ("provide", "PROVIDE"),
    ("keyword", "KEYWORD"),
];

/// The kind (its place in [`OVERRIDE_KINDS`]) and the rank `name` has among that kind's four
/// names: `rc_${svc}_TYPE` 0, `rc_TYPE` 1, `RC_${svc}_TYPE` 2, `RC_TYPE` 3, where `svc` is
/// `svcname` with every character but ASCII letters and digits made `_`; `None` for any other
/// name. No tail holds a `_`: the tail is what follows the last one, and a name is at most one
/// of the 32.
fn override_named(name: &str, svcname: &str) -> Option<(usize, usize)> {
    let (rest, upper) = match name.strip_prefix("rc_") {
        Some(rest) => (rest, false),
        None => (name.strip_prefix("RC_")?, true),
    };
    // A look back over the bytes: `rfind` set up a character searcher for each of the ten or so
    // `RC_…` variables every service has.
    let (svc, tail) = match rest.bytes().rposition(|b| b == b'_') {
        Some(i) => (Some(&rest[..i]), &rest[i + 1..]),
        None => (None, rest),
    };
    let kind = OVERRIDE_KINDS.iter().position(|&(lower, upper_tail)| tail == if upper { upper_tail } else { lower })?;
    let with_svc = match svc {
        None => false,
        Some(svc) if svc.chars().eq(svcname.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })) => true,
        Some(_) => return None,
    };
    Some((kind, usize::from(upper) * 2 + usize::from(!with_svc)))
}

/// Names in declaration order without repeats, where `!name` removes one: each step takes
/// constant time, so a `depend()` declaring 100,000 names is read in linear time. Most lists
/// hold a few names: up to [`LOOKED_OVER`] places, a name is looked for along `names`, and the
/// index (a hash of each name, two copies of it) is only made past that.
#[derive(Debug, Default)]
struct NameList {
    /// `None` where a name was removed.
    names: Vec<Option<String>>,
    /// Where each present name is in `names`, once `names` is longer than [`LOOKED_OVER`].
    at: HashMap<String, usize>,
}

/// How many places of a [`NameList`] are looked over for a name before it is indexed.
const LOOKED_OVER: usize = 16;

impl NameList {
    /// Where `name` is present in `names`.
    fn position(&self, name: &str) -> Option<usize> {
        if self.names.len() <= LOOKED_OVER {
            self.names.iter().position(|n| n.as_deref() == Some(name))
        } else {
            self.at.get(name).copied()
        }
    }

    fn add(&mut self, name: &str) -> bool {
        if self.position(name).is_some() {
            return false;
        }
        self.names.push(Some(name.to_string()));
        match self.names.len() {
            n if n <= LOOKED_OVER => {}
            // Past the places looked over: every present name is indexed, then each new one.
            n if n == LOOKED_OVER + 1 => {
                let present = self.names.iter().enumerate().filter_map(|(i, n)| Some((n.clone()?, i)));
                self.at = present.collect();
            }
            n => {
                self.at.insert(name.to_string(), n - 1);
            }
        }
        true
    }

    fn remove(&mut self, name: &str) {
        if let Some(i) = self.position(name) {
            self.names[i] = None;
            if self.names.len() > LOOKED_OVER {
                self.at.remove(name);
            }
        }
    }

    fn into_vec(self) -> Vec<String> {
        self.names.into_iter().flatten().collect()
    }
}

/// The dependencies as they are being read: one list per kind, and the tags and sites.
#[derive(Debug, Default)]
struct Lists {
    kinds: BTreeMap<String, NameList>,
    uncertain: NameList,
    conditional: NameList,
    sites: Vec<DependencySite>,
}

impl Lists {
    fn add(&mut self, call: &DepCall) {
        let known = Dependencies::default().list_mut(&call.kind).is_some();
        for (arg, loc) in call.args.iter().zip(call.arg_locs.iter().chain(std::iter::repeat(&call.loc))) {
            // `!name` removes an entry declared earlier.
            if let Some(removed) = arg.strip_prefix('!') {
                if call.kind != "keyword" {
                    if let Some(list) = self.kinds.get_mut(&call.kind) {
                        list.remove(removed);
                    }
                    continue;
                }
            }
            // The tag is made only for a call that is tagged (few are).
            if call.uncertain || call.conditional {
                let tag = format!("{} {}", call.kind, arg);
                if call.uncertain {
                    self.uncertain.add(&tag);
                }
                if call.conditional {
                    self.conditional.add(&tag);
                }
            }
            if known {
                match self.kinds.get_mut(&call.kind) {
                    Some(list) => list.add(arg),
                    None => self.kinds.entry(call.kind.clone()).or_default().add(arg),
                };
            }
            self.sites.push(DependencySite { kind: call.kind.clone(), name: arg.clone(), loc: *loc });
        }
    }

    fn finish(self) -> Dependencies {
        let mut deps = Dependencies {
            uncertain: self.uncertain.into_vec(),
            conditional: self.conditional.into_vec(),
            sites: self.sites,
            ..Dependencies::default()
        };
        for (kind, names) in self.kinds {
            if let Some(list) = deps.list_mut(&kind) {
                *list = names.into_vec();
            }
        }
        deps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds and removals on either side of the places looked over keep what a plain list of the
    /// present names in order keeps.
    #[test]
    fn a_name_list_keeps_the_present_names_in_order() {
        let mut list = NameList::default();
        let mut plain: Vec<String> = Vec::new();
        for step in 0..400usize {
            let name = format!("n{}", step * 7 % 23);
            if step % 5 == 3 {
                list.remove(&name);
                plain.retain(|n| *n != name);
            } else {
                let new = !plain.contains(&name);
                assert_eq!(list.add(&name), new, "{step}: {name}");
                if new {
                    plain.push(name);
                }
            }
            let present: Vec<&String> = list.names.iter().flatten().collect();
            assert_eq!(present, plain.iter().collect::<Vec<_>>(), "{step}");
        }
        assert!(list.names.len() > LOOKED_OVER);
    }
    use crate::core::source::{FileId, Span};
    use crate::eval::environment::Environment;
    use crate::eval::value::ShellValue;

    /// `_depend` (sh/rc-functions.sh.in, OpenRC 0.63.3) adds the first non-empty of
    /// `rc_${svc}_TYPE`, `rc_TYPE`, `RC_${SVC}_TYPE` and `RC_TYPE`, the service's name with every
    /// character but letters and digits made `_`; nothing else of those families counts.
    #[test]
    fn an_override_is_the_first_non_empty_of_four_names() {
        let loc = Loc { file: FileId::default(), span: Span::default() };
        let mut env = Environment::default();
        for (name, value) in [
            ("rc_my_svc_need", "a"),
            ("rc_need", "b"),
            ("rc_use", "c"),
            ("RC_my_svc_USE", "d"),
            ("rc_my_svc_after", ""),
            ("RC_my_svc_AFTER", "e"),
            ("RC_BEFORE", "f"),
            ("rc_my_svc_wants", "g"),
            ("rc_other_want", "h"),
            ("RC_SVCNAME", "my-svc"),
        ] {
            env.set(name, ShellValue::known(value), Some(loc));
        }
        let deps = collect(&mut Interpreter::new(env), "my-svc");
        assert_eq!(deps.need, ["a"]);
        assert_eq!(deps.use_, ["c"]);
        assert_eq!(deps.after, ["e"]);
        assert_eq!(deps.before, ["f"]);
        assert!(deps.want.is_empty() && deps.provide.is_empty() && deps.keyword.is_empty());
    }

    #[test]
    fn an_override_name_gives_its_kind_and_rank() {
        assert_eq!(override_named("rc_my_svc_need", "my-svc"), Some((1, 0)));
        assert_eq!(override_named("rc_need", "my-svc"), Some((1, 1)));
        assert_eq!(override_named("RC_my_svc_USE", "my-svc"), Some((2, 2)));
        assert_eq!(override_named("RC_KEYWORD", "my-svc"), Some((7, 3)));
        for other in
            ["rc_other_need", "rc_my_svc_wants", "rc_reuse", "RC_use", "rc_NEED", "rc_my_svcneed", "rc_", "rc__need"]
        {
            assert_eq!(override_named(other, "my-svc"), None, "{other}");
        }
    }
}
