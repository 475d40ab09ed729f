//! Step 3: the assignments of what the service directory now holds are commented out (kept, with
//! a note, when the rest of the script still reads them), and so are the script's own values of
//! what the settings block sets, which would undo it.

use std::collections::BTreeSet;

use crate::core::source::Span;
use crate::openrc::variables::{DAEMON_VARIABLES, START_STOP_DAEMON_ONLY};
use crate::shell::ast::{Command, CompoundKind, List, ParamForm, ParamOp, SimpleCommand, WordPartKind};

use super::Subject;
use super::edit::Rewriter;
use super::error::MigrateError;
use super::references::variable_reads;

/// Variables the migration sets itself (in its block), so every other assignment must go.
const LEGACY_OWNED: &[&str] = &["supervisor", "s6_service_path", "s6_svwait_options_start"];
const GENERATED_OWNED: &[&str] =
    &["supervisor", "s6_service_path", "s6_svwait_options_start", "command", "notify", "ready", "timeout_ready"];

/// A command that only assigns variables (`a=1 b=2`, or `: ${a:=1}`), outside functions.
#[derive(Debug, Clone)]
pub struct AssignSite {
    /// The variables and where each name is.
    pub names: Vec<(String, Span)>,
    /// The whole command.
    pub span: Span,
    /// Inside an `if`, `case` or loop at the top level: commenting it out must leave a command.
    pub nested: bool,
}

/// Which variables the migration takes over on its target.
struct Ownership {
    /// What the settings block sets.
    owned: &'static [&'static str],
    /// OpenRC 0.63+, which names the service directory after `name`.
    generated: bool,
    /// `name` differs from the service directory's name.
    name_differs: bool,
    /// OpenRC 0.63+ and the script's own text decides what start() runs (it defines the start()
    /// that counts, or none is defined): `command` the script still reads can stay, and be
    /// emptied for the s6 start alone ([`super::command_at_start`]).
    command_movable: bool,
}

impl Ownership {
    fn new(cx: &Subject) -> Self {
        let generated = cx.target.generates_from_command();
        let script = cx.analysis.script_id();
        Ownership {
            owned: if generated { GENERATED_OWNED } else { LEGACY_OWNED },
            generated,
            name_differs: cx.analysis.service.settings.get("name").is_some_and(|s| s.value != cx.dir.name),
            command_movable: generated && cx.analysis.functions.get("start").is_none_or(|d| d.file == script),
        }
    }

    /// Whether the service directory or the block holds the variable's value now.
    fn handled(&self, v: &str) -> bool {
        DAEMON_VARIABLES.contains(&v)
            || START_STOP_DAEMON_ONLY.contains(&v)
            || self.owned.contains(&v)
            || (self.generated && v == "name" && self.name_differs)
    }

    /// Whether the assignment must go whatever the rest of the script does with the variable.
    fn forced(&self, v: &str) -> bool {
        (self.owned.contains(&v) && !(v == "command" && self.command_movable)) || (self.generated && v == "name")
    }
}

/// The assignments to comment out.
pub struct Commented {
    /// The assignments, sorted by position.
    pub sites: Vec<AssignSite>,
    /// OpenRC 0.63+: the script still reads `command` (set by it or by conf.d), so it stays and
    /// is emptied only for the s6 start; the block must not empty it.
    pub command_kept: bool,
}

/// The assignments to comment out, sorted by position; refuses those that cannot be.
pub fn to_comment_out(cx: &Subject, rw: &mut Rewriter) -> Commented {
    let own = Ownership::new(cx);
    let mut sites = Vec::new();
    collect_assignments(&cx.syntax.body, false, &mut sites);
    let mut candidates: Vec<AssignSite> = Vec::new();
    for site in sites {
        let names: Vec<&(String, Span)> = site.names.iter().filter(|(n, _)| own.handled(n)).collect();
        if names.is_empty() {
            continue;
        }
        if names.len() == site.names.len() && rw.alone_on_lines(site.span) {
            candidates.push(site);
            continue;
        }
        for (n, _) in names {
            let span = site.span.into();
            rw.refuse(if own.forced(n) {
                MigrateError::SettingNotRewritable { variable: n.clone(), span }
            } else {
                MigrateError::AssignmentNotAlone { variable: n.clone(), span }
            });
        }
    }
    let command_kept = keep_what_is_read(cx, rw, &own, &mut candidates);
    if own.generated && own.name_differs {
        if let Some(site) = candidates.iter().find(|s| s.names.iter().any(|(n, _)| n == "name")) {
            let at = site.names.iter().find(|(n, _)| n == "name").map(|(_, s)| *s).unwrap_or(site.span);
            rw.refuse(MigrateError::NameRemoved {
                version: cx.target.to_string(),
                service: cx.dir.name.clone(),
                span: at.into(),
            });
        }
    }
    candidates.sort_by_key(|s| s.span.start);
    Commented { sites: candidates, command_kept }
}

/// Takes out of `candidates` the assignments the rest of the script still reads (and what those
/// kept values read in turn), saying why each is kept. Returns whether `command` is still read
/// where it can stay (OpenRC 0.63+; refused where it cannot).
fn keep_what_is_read(cx: &Subject, rw: &mut Rewriter, own: &Ownership, candidates: &mut Vec<AssignSite>) -> bool {
    let reads = variable_reads(&cx.syntax.body, rw.text);
    let replaced = rw.replaced();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    loop {
        let mut edited = replaced.clone();
        edited.extend(candidates.iter().map(|s| s.span));
        // A read the edits leave in the script.
        let outside = |name: &str| {
            reads.iter().find(|(n, at)| n == name && !edited.iter().any(|e| e.start <= at.start && at.end <= e.end))
        };
        let mut keep = None;
        'sites: for (i, site) in candidates.iter().enumerate() {
            for (n, _) in &site.names {
                let Some((_, at)) = outside(n) else { continue };
                if !own.forced(n) {
                    keep = Some((i, n.clone(), *at));
                    break 'sites;
                }
                if own.generated && n == "command" && reported.insert(n.clone()) {
                    rw.refuse(MigrateError::CommandStillUsed { version: cx.target.to_string(), span: (*at).into() });
                }
            }
        }
        let Some((i, n, at)) = keep else { break };
        let site = candidates.remove(i);
        if let Some((f, _)) = site.names.iter().find(|(f, _)| own.forced(f)) {
            rw.refuse(MigrateError::SettingNotRewritable { variable: f.clone(), span: site.span.into() });
        }
        if reported.insert(n.clone()) {
            rw.refuse(if n == "pidfile" {
                MigrateError::PidfileStillUsed { span: at.into() }
            } else {
                MigrateError::VariableStillUsed { variable: n, span: at.into() }
            });
        }
    }
    if !own.generated {
        return false;
    }
    // `command` read where the edits leave it, whoever sets it (conf.d too): 0.63 needs it empty
    // in s6_start, the script needs its value elsewhere.
    let mut edited = replaced;
    edited.extend(candidates.iter().map(|s| s.span));
    let Some((_, at)) =
        reads.iter().find(|(n, at)| n == "command" && !edited.iter().any(|e| e.start <= at.start && at.end <= e.end))
    else {
        return false;
    };
    if !own.command_movable && reported.insert("command".into()) {
        rw.refuse(MigrateError::CommandStillUsed { version: cx.target.to_string(), span: (*at).into() });
    }
    own.command_movable
}

/// Comments out each site's lines (a nested one becomes `: #…` so its branch keeps a command),
/// noting where the values went when the sites are not right below the block at `block_at`.
pub fn comment_out(rw: &mut Rewriter, sites: &[AssignSite], block_at: usize, path: &str) {
    let text = rw.text;
    let mut previous_end = block_at;
    for site in sites {
        let start = rw.line_start(site.span.start);
        if site.nested {
            rw.insert(site.span.start, ": #");
        } else {
            if !text[previous_end.min(start)..start].trim().is_empty() {
                rw.insert(start, format!("# rc2s6: compiled into {path}\n"));
            }
            rw.insert(start, "#");
            previous_end = rw.line_end(site.span.end);
        }
        // Continuation lines of a multi-line value.
        let mut p = site.span.start;
        while let Some(nl) = text[p..site.span.end].find('\n') {
            p += nl + 1;
            rw.insert(p, "#");
        }
    }
}

/// Commands outside functions that only assign variables.
fn collect_assignments(list: &List, nested: bool, out: &mut Vec<AssignSite>) {
    for item in &list.items {
        let ao = &item.and_or;
        // `a && b=1`: the assignment depends on a command; it is not a line of its own.
        let chained = !ao.rest.is_empty() || ao.first.commands.len() > 1 || item.background;
        for pl in std::iter::once(&ao.first).chain(ao.rest.iter().map(|(_, p)| p)) {
            for c in &pl.commands {
                collect_in_command(c, nested || chained, out);
            }
        }
    }
}

fn collect_in_command(c: &Command, nested: bool, out: &mut Vec<AssignSite>) {
    match c {
        Command::Simple(sc) => {
            if let Some(names) = assigned_names(sc) {
                out.push(AssignSite { names, span: sc.span, nested });
            }
        }
        Command::Compound(cc, _) => match &cc.kind {
            CompoundKind::BraceGroup(l) | CompoundKind::Subshell(l) => collect_assignments(l, true, out),
            CompoundKind::If { branches, else_body } => {
                for (_, body) in branches {
                    collect_assignments(body, true, out);
                }
                if let Some(e) = else_body {
                    collect_assignments(e, true, out);
                }
            }
            CompoundKind::Loop { body, .. } | CompoundKind::For { body, .. } | CompoundKind::ArithFor { body, .. } => {
                collect_assignments(body, true, out)
            }
            CompoundKind::Case { items, .. } => {
                for it in items {
                    if let Some(b) = &it.body {
                        collect_assignments(b, true, out);
                    }
                }
            }
            CompoundKind::DoubleBracket(_) | CompoundKind::Arithmetic(_) => {}
        },
        Command::FunctionDef(_) => {}
    }
}

/// The variables a command assigns, if assigning is all it does: `a=1 b=2`, or `: ${a:=1}`.
fn assigned_names(sc: &SimpleCommand) -> Option<Vec<(String, Span)>> {
    if !sc.redirects.is_empty() {
        return None;
    }
    if sc.words.is_empty() {
        return (!sc.assignments.is_empty())
            .then(|| sc.assignments.iter().map(|a| (a.name.clone(), a.name_span)).collect());
    }
    if !sc.assignments.is_empty() || sc.words[0].static_text().as_deref() != Some(":") || sc.words.len() < 2 {
        return None;
    }
    let mut names = Vec::new();
    for w in &sc.words[1..] {
        let part = match w.parts.as_slice() {
            [p] => match &p.kind {
                WordPartKind::DoubleQuoted(inner) if inner.len() == 1 => &inner[0],
                _ => p,
            },
            _ => return None,
        };
        match &part.kind {
            WordPartKind::Param(pe) if matches!(pe.form, ParamForm::Op(ParamOp::Assign { .. }, _)) => {
                names.push((pe.name.clone(), part.span))
            }
            _ => return None,
        }
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(text: &str) -> Vec<(Vec<String>, bool)> {
        let script = crate::shell::parse::parse_script(text).script.unwrap();
        let mut out = Vec::new();
        collect_assignments(&script.body, false, &mut out);
        out.into_iter().map(|s| (s.names.into_iter().map(|(n, _)| n).collect(), s.nested)).collect()
    }

    #[test]
    fn assignment_sites() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(sites("a=1 b=2\n: ${c:=3}\n"), [(names(&["a", "b"]), false), (names(&["c"]), false)]);
        assert_eq!(sites("if x; then d=1; fi\ntrue && e=1\n"), [(names(&["d"]), true), (names(&["e"]), true)]);
        assert!(sites("f() { g=1; }\nh=1 cmd\n: ${i:-1}\n").is_empty());
    }
}
