//! `depend()` and the `rc_*` dependency overrides, as `_depend` in rc-functions.sh reads them.

use super::service::{Dependencies, DependencySite};
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
        self.calls.push(DepCall {
            kind: command.name.to_string(),
            args: command.fields[1..].to_vec(),
            loc: command.loc,
            conditional: command.conditional,
            uncertain: !command.uncertain.is_empty(),
        });
        Some(Status::True)
    }
}

/// Runs `depend()` on a copy of the interpreter state and adds the rc.conf/conf.d overrides.
pub fn collect(interp: &mut Interpreter, svcname: &str) -> Dependencies {
    let mut deps = Dependencies::default();
    if let Some(run) = interp.run_on_copy("depend", DepRecorder::default()) {
        interp.take_gave_up(&run.diagnostics);
        for call in &run.observer.calls {
            add(&mut deps, call);
        }
    }
    // `rc_${svc}_TYPE`, `rc_TYPE`, `RC_${SVC}_TYPE`, `RC_TYPE`: the first non-empty one is added.
    let svc: String = svcname.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    for kind in ["config", "need", "use", "want", "after", "before", "provide", "keyword"] {
        let upper = kind.to_ascii_uppercase();
        let names =
            [format!("rc_{svc}_{kind}"), format!("rc_{kind}"), format!("RC_{svc}_{upper}"), format!("RC_{upper}")];
        let found = names.iter().find_map(|n| {
            interp.env.get(n).filter(|v| !v.value.text.is_empty()).map(|v| (v.value.text.clone(), v.assigned_at))
        });
        if let Some((text, Some(loc))) = found {
            let call = DepCall {
                kind: kind.to_string(),
                args: text.split_whitespace().map(String::from).collect(),
                loc,
                conditional: false,
                uncertain: false,
            };
            add(&mut deps, &call);
        }
    }
    deps
}

fn add(deps: &mut Dependencies, call: &DepCall) {
    for arg in &call.args {
        // `!name` removes an entry declared earlier.
        if let Some(removed) = arg.strip_prefix('!') {
            if call.kind != "keyword" {
                if let Some(list) = deps.list_mut(&call.kind) {
                    list.retain(|x| x != removed);
                }
                continue;
            }
        }
        let tag = format!("{} {}", call.kind, arg);
        if call.uncertain && !deps.uncertain.contains(&tag) {
            deps.uncertain.push(tag.clone());
        }
        if call.conditional && !deps.conditional.contains(&tag) {
            deps.conditional.push(tag);
        }
        if let Some(list) = deps.list_mut(&call.kind) {
            if !list.contains(arg) {
                list.push(arg.clone());
            }
        }
        deps.sites.push(DependencySite { kind: call.kind.clone(), name: arg.clone(), loc: call.loc });
    }
}
