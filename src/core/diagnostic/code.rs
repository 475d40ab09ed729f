//! Diagnostic codes as values: each code is one `static` [`Code`] defined next to the error type
//! that reports it, holding its stable name, its severity and its long explanation. Findings
//! carry the `&'static Code`, so code that decides on a finding compares codes, not strings.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use miette::Diagnostic;

use super::Severity;

/// A diagnostic code: `rc2s6::<phase>::<name>`, its severity and its explanation. Codes are
/// public names: never renamed, never reused. Two codes are equal when their names are.
pub struct Code {
    name: &'static str,
    phase: &'static str,
    short_name: &'static str,
    severity: Severity,
    explanation: &'static str,
}

impl Code {
    /// A code; `define_codes!` builds every one, so name, phase and explanation file agree.
    pub(crate) const fn new(
        name: &'static str,
        phase: &'static str,
        short_name: &'static str,
        severity: Severity,
        explanation: &'static str,
    ) -> Code {
        Code { name, phase, short_name, severity, explanation }
    }

    /// The full name, e.g. `rc2s6::parse::syntax_error`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The phase, the name's middle part (`parse`); `--deny 'rc2s6::parse::*'` names it.
    pub fn phase(&self) -> &'static str {
        self.phase
    }

    /// The name's last part (`syntax_error`).
    pub fn short_name(&self) -> &'static str {
        self.short_name
    }

    /// The severity a finding with this code has unless the user says otherwise.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The long explanation in markdown (`rc2s6 explain`): what it means, why it matters, an
    /// example and the fix.
    pub fn explanation(&self) -> &'static str {
        self.explanation
    }

    /// The summary: the explanation's first paragraph (after the title), on one line.
    pub fn summary(&self) -> String {
        let mut lines = self.explanation.lines().map(str::trim).skip_while(|l| l.is_empty() || l.starts_with('#'));
        lines.by_ref().take_while(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Code) -> bool {
        self.name == other.name
    }
}

impl Eq for Code {}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Code) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Code) -> Ordering {
        self.name.cmp(other.name)
    }
}

impl Hash for Code {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

/// The name alone: a code's explanation is too long for a debug print.
impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.name, f)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// A diagnostic with a code: every error type a phase reports implements it with an exhaustive
/// `match`, so a new variant does not compile without its code. The code, not miette's
/// `#[diagnostic(code, severity)]`, is where code and severity are declared.
pub trait Coded: Diagnostic + Send + Sync + 'static {
    /// This diagnostic's code.
    fn code(&self) -> &'static Code;
}

/// Defines a phase's codes next to the error type that reports them: one `static` [`Code`] per
/// code, named `rc2s6::<phase>::<name>`, whose explanation is `docs/codes/<phase>/<name>.md`
/// (so a code cannot exist without its explanation, nor disagree with it on its name), and a
/// list of them all for the registry.
///
/// ```text
/// define_codes! {
///     /// Every code of the parser.
///     CODES in parse {
///         SYNTAX_ERROR = syntax_error: Error,
///     }
/// }
/// ```
macro_rules! define_codes {
    (
        $(#[$list_doc:meta])*
        $list:ident in $phase:ident { $($konst:ident = $name:ident: $severity:ident,)* }
    ) => {
        $(
            #[doc = concat!(
                "`rc2s6::", stringify!($phase), "::", stringify!($name), "`, explained in docs/codes/",
                stringify!($phase), "/", stringify!($name), ".md."
            )]
            pub static $konst: $crate::core::diagnostic::Code = $crate::core::diagnostic::Code::new(
                concat!("rc2s6::", stringify!($phase), "::", stringify!($name)),
                stringify!($phase),
                stringify!($name),
                $crate::core::diagnostic::Severity::$severity,
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"), "/docs/codes/", stringify!($phase), "/", stringify!($name), ".md"
                )),
            );
        )*
        $(#[$list_doc])*
        pub static $list: &[&$crate::core::diagnostic::Code] = &[$(&$konst),*];
    };
}

pub(crate) use define_codes;
