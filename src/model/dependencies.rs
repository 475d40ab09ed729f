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
    // scope is open), rather than looking up 32 names made for the purpose.
    let svc: String = svcname.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let set: Vec<(&str, &Variable)> = (interp.env.globals_starting_with("rc_"))
        .chain(interp.env.globals_starting_with("RC_"))
        .filter(|(_, v)| !v.value.text.is_empty())
        .collect();
    for kind in ["config", "need", "use", "want", "after", "before", "provide", "keyword"] {
        let upper = kind.to_ascii_uppercase();
        let names = [
            ("rc_", Some(svc.as_str()), kind),
            ("rc_", None, kind),
            ("RC_", Some(&svc), &upper),
            ("RC_", None, &upper),
        ];
        let found = names.iter().find_map(|&(head, svc, tail)| {
            let (_, v) = set.iter().find(|(n, _)| is_named(n, head, svc, tail))?;
            Some((v.value.text.clone(), v.assigned_at))
        });
        if let Some((text, Some(loc))) = found {
            let args: Vec<String> = text.split_whitespace().map(String::from).collect();
            let arg_locs = vec![loc; args.len()];
            let call = DepCall { kind: kind.to_string(), args, arg_locs, loc, conditional: false, uncertain: false };
            deps.add(&call);
        }
    }
    deps.finish()
}

/// Whether `name` is `HEAD` `SVC_` `TAIL` (`rc_sshd_need`), or `HEAD` `TAIL` without a service.
fn is_named(name: &str, head: &str, svc: Option<&str>, tail: &str) -> bool {
    // The length first: it rules out nearly every name without a look at the text.
    if name.len() != head.len() + svc.map_or(0, |s| s.len() + 1) + tail.len() {
        return false;
    }
    let Some(rest) = name.strip_prefix(head) else { return false };
    let rest = match svc {
        Some(svc) => rest.strip_prefix(svc).and_then(|r| r.strip_prefix('_')),
        None => Some(rest),
    };
    rest == Some(tail)
}

/// Names in declaration order without repeats, where `!name` removes one: each step takes
/// constant time, so a `depend()` declaring 100,000 names is read in linear time.
#[derive(Debug, Default)]
struct NameList {
    /// `None` where a name was removed.
    names: Vec<Option<String>>,
    /// Where each present name is in `names`.
    at: HashMap<String, usize>,
}

impl NameList {
    fn add(&mut self, name: &str) -> bool {
        if self.at.contains_key(name) {
            return false;
        }
        self.at.insert(name.to_string(), self.names.len());
        self.names.push(Some(name.to_string()));
        true
    }

    fn remove(&mut self, name: &str) {
        if let Some(i) = self.at.remove(name) {
            self.names[i] = None;
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
}
