//! `--deny`, `--warn` and `--allow`: the severity of codes, chosen on the command line. A flag
//! names a code (in any form `rc2s6 explain` accepts), a phase (`rc2s6::model::*`), or, for
//! `--deny`, `warnings` (every warning becomes an error). A code's own flag beats its phase's,
//! which beats `--deny warnings`.

use crate::core::diagnostic::{Code, Registry, Severity};
use crate::model::error as model;

/// Model codes that say a script cannot be converted to s6 as it is, not that it is wrong for
/// OpenRC: lint reports them at this severity unless a flag says otherwise (compile still refuses
/// the service). `--deny 'rc2s6::model::*'` makes them errors again for a distribution moving
/// to s6. Lint's policy, so it lives here rather than in the codes' definitions.
static LINT_DEFAULTS: &[(&Code, Severity)] = &[
    (&model::CONTROL_PROGRAM, Severity::Warning),
    (&model::CUSTOM_START, Severity::Warning),
    (&model::DAEMON_MAY_FORK, Severity::Warning),
    (&model::HANDWRITTEN_SERVICE_DIR, Severity::Advice),
    (&model::UNCONVERTIBLE_SETTING, Severity::Warning),
    (&model::UNKNOWABLE_VALUE, Severity::Warning),
];

/// What a flag does to a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Allow,
    Warn,
    Deny,
}

/// The severity choices of a lint run.
#[derive(Debug, Clone, Default)]
pub struct Levels {
    codes: Vec<(&'static Code, Level)>,
    /// Phases as the registry names them ([`Code::phase`]).
    phases: Vec<(&'static str, Level)>,
    deny_warnings: bool,
}

impl Levels {
    /// Resolves the flags against the codes there are; a code that does not exist, or one named
    /// by two flags, is an error message for the user.
    pub fn new(codes: &Registry, deny: &[String], warn: &[String], allow: &[String]) -> Result<Levels, String> {
        let mut levels = Levels::default();
        for (flag, given, level) in deny
            .iter()
            .map(|g| ("--deny", g, Level::Deny))
            .chain(warn.iter().map(|g| ("--warn", g, Level::Warn)))
            .chain(allow.iter().map(|g| ("--allow", g, Level::Allow)))
        {
            let g = given.trim();
            if g == "warnings" {
                if level != Level::Deny {
                    return Err(format!(
                        "`{flag} warnings` does nothing; `--deny warnings` makes every warning an error"
                    ));
                }
                levels.deny_warnings = true;
            } else if let Some(given_phase) = g.strip_suffix("::*") {
                let Some(phase) = codes.phase(given_phase) else {
                    return Err(format!("`{g}` names no phase; the phases are {}", codes.phases().join(", ")));
                };
                if levels.phases.iter().any(|(p, _)| *p == phase) {
                    return Err(format!("`{g}` is given to more than one of --deny, --warn and --allow"));
                }
                levels.phases.push((phase, level));
            } else {
                let Some(code) = codes.resolve(g) else {
                    let hint = codes
                        .suggestions(g)
                        .first()
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_else(|| "; `rc2s6 explain --list` lists every code".into());
                    return Err(format!("`{flag} {g}`: no such code{hint}"));
                };
                if levels.codes.iter().any(|(c, _)| *c == code) {
                    return Err(format!("`{code}` is given to more than one of --deny, --warn and --allow"));
                }
                levels.codes.push((code, level));
            }
        }
        Ok(levels)
    }

    /// The severity a finding ends up with; `None` when it is allowed.
    pub fn severity(&self, code: &Code, declared: Severity) -> Option<Severity> {
        let level = self
            .codes
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, l)| *l)
            .or_else(|| self.phases.iter().find(|(p, _)| *p == code.phase()).map(|(_, l)| *l));
        match level {
            Some(Level::Allow) => None,
            Some(Level::Warn) => Some(Severity::Warning),
            Some(Level::Deny) => Some(Severity::Error),
            None => {
                let default = LINT_DEFAULTS.iter().find(|(c, _)| *c == code).map(|(_, s)| *s).unwrap_or(declared);
                if self.deny_warnings && default == Severity::Warning { Some(Severity::Error) } else { Some(default) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::error::{RELATIVE_COMMAND, USE_NOT_PROVIDED, VARIABLE_TYPO};

    fn levels(deny: &[&str], warn: &[&str], allow: &[&str]) -> Result<Levels, String> {
        let codes = Registry::new(&[crate::lint::error::CODES, crate::model::error::CODES]);
        let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Levels::new(&codes, &owned(deny), &owned(warn), &owned(allow))
    }

    #[test]
    fn a_code_beats_its_phase_which_beats_deny_warnings() {
        let l = levels(&["warnings", "relative_command"], &["rc2s6::model::*"], &["lint::variable_typo"]).unwrap();
        let cases: &[(&Code, Severity, Option<Severity>)] = &[
            (&RELATIVE_COMMAND, Severity::Warning, Some(Severity::Error)),
            (&VARIABLE_TYPO, Severity::Warning, None),
            (&USE_NOT_PROVIDED, Severity::Advice, Some(Severity::Advice)),
            (&model::CONTROL_PROGRAM, Severity::Error, Some(Severity::Warning)),
            (&model::UNSET_VARIABLE, Severity::Warning, Some(Severity::Warning)),
        ];
        for (code, declared, expected) in cases {
            assert_eq!(l.severity(code, *declared), *expected, "{code}");
        }
        let defaults = levels(&["warnings"], &[], &[]).unwrap();
        assert_eq!(defaults.severity(&model::CONTROL_PROGRAM, Severity::Error), Some(Severity::Error));
        assert_eq!(defaults.severity(&model::HANDWRITTEN_SERVICE_DIR, Severity::Error), Some(Severity::Advice));
        assert_eq!(Levels::default().severity(&model::CONTROL_PROGRAM, Severity::Error), Some(Severity::Warning));
    }

    #[test]
    fn unknown_and_repeated_names_are_refused() {
        for (deny, warn, expected) in [
            (
                &["relative_comand"][..],
                &[][..],
                "`--deny relative_comand`: no such code; did you mean `rc2s6::lint::relative_command`?",
            ),
            (&["rc2s6::nothing::*"], &[], "`rc2s6::nothing::*` names no phase; the phases are lint, model"),
            (
                &["relative_command"],
                &["rc2s6::lint::relative_command"],
                "`rc2s6::lint::relative_command` is given to more than one of --deny, --warn and --allow",
            ),
            (
                &["lint::*"],
                &["rc2s6::lint::*"],
                "`rc2s6::lint::*` is given to more than one of --deny, --warn and --allow",
            ),
            (&[], &["warnings"], "`--warn warnings` does nothing; `--deny warnings` makes every warning an error"),
        ] {
            assert_eq!(levels(deny, warn, &[]).unwrap_err(), expected);
        }
    }
}
