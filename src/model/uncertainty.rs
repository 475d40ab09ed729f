//! Why a value cannot be known when OpenRC's is, in words, with what to write instead: the
//! `why` and `help` of every `unknowable_value` diagnostic, and the words that name a condition
//! rc2s6 cannot decide (which one, and what would decide it).

use crate::core::source::FileId;
use crate::eval::environment::Environment;
use crate::eval::value::{Loc, Uncertainty};
use crate::openrc::variables::PROVIDED_VARIABLES;

/// The loaded files' texts in load order (indexed by `FileId`), to quote the conditions
/// diagnostics name. Empty when the caller has none: the words are then generic.
#[derive(Debug, Clone, Copy, Default)]
pub struct Texts<'a> {
    files: &'a [&'a str],
}

impl<'a> Texts<'a> {
    /// Over the files' texts, in load order.
    pub fn new(files: &'a [&'a str]) -> Self {
        Texts { files }
    }

    /// The script: the last file loaded (openrc-run sources it after rc.conf and conf.d).
    pub fn script(&self) -> FileId {
        FileId::new(self.files.len().saturating_sub(1))
    }

    /// The text at `loc`, if the file is known and the span falls on character boundaries.
    pub fn at(&self, loc: Loc) -> Option<&'a str> {
        self.files.get(loc.file.index())?.get(loc.span.start..loc.span.end)
    }
}

/// Why a value cannot be known, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknowable {
    /// Why, in words.
    pub why: String,
    /// What to write instead.
    pub help: String,
}

/// Whether a conf.d value of `name` would decide a condition on it: `env` (the variables once
/// the files are loaded) has it last assigned in a file before the script (rc.conf, conf.d).
/// Not when the script assigns it (it runs after conf.d and overrides it), when it is gone once
/// the files are loaded (a function's `local`, a loop's variable), or when OpenRC provides it.
/// `script` is the script's file.
pub fn confd_decides(env: &Environment, script: FileId, name: &str) -> bool {
    !name.starts_with("RC_")
        && !PROVIDED_VARIABLES.contains(&name)
        && env.get(name).is_some_and(|v| v.assigned_at.is_some_and(|at| at.file != script))
}

/// Why a value cannot be known, and what to write instead; a condition is quoted from `texts`,
/// and its variables are named as the conf.d values that decide it when `confd` says a conf.d
/// value of each would reach the condition.
pub fn explain_uncertainty(u: &Uncertainty, texts: &Texts, confd: &dyn Fn(&str) -> bool) -> Unknowable {
    let (why, help): (String, String) = match u {
        // Said as any substitution is where the model does not take it (a setting s6 needs known).
        Uncertainty::CommandSubst(_) | Uncertainty::AtStart { .. } => (
            "a command substitution only runs when OpenRC starts the service".into(),
            // Where it is set, not always conf.d: a value start_pre() sets overrides conf.d's.
            "replace the command substitution by the value it gives, where it is set".into(),
        ),
        Uncertainty::Conditional { cond } => match texts.at(*cond).map(Condition::read) {
            Some(c) => (
                format!("it is set {}", c.describe()),
                match c.decided_in_confd(confd) {
                    Some(vars) => format!(
                        "set {vars} in conf.d to a literal value to decide it, or set the value unconditionally"
                    ),
                    None => "set the value unconditionally in conf.d, or move the condition into the daemon's own configuration".into(),
                },
            ),
            None => (
                "it is set under a condition that depends on the running system".into(),
                "set the value unconditionally in conf.d, or move the condition into the daemon's own configuration".into(),
            ),
        },
        Uncertainty::Runtime { what, .. } => {
            (format!("{what} is only known at run time"), "write the value literally".into())
        }
        Uncertainty::Arithmetic(_) => {
            ("arithmetic rc2s6 does not evaluate".into(), "write the number literally".into())
        }
        Uncertainty::CommandOutput(_) => {
            ("it is read from a command's output".into(), "write the value literally where it is set".into())
        }
        Uncertainty::UnsetVariable { name, .. } => (format!("`{name}` is not set"), format!("set `{name}`")),
    };
    Unknowable { why, help }
}

/// A condition rc2s6 cannot decide, read from its source text: how to quote it, whether it is a
/// loop, and the variables it tests (what a conf.d value would decide), if it tests nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The source text on one line, escaped and shortened.
    pub quoted: String,
    /// A loop rc2s6 cannot unroll (`for`, `while`, `until`) rather than a test.
    pub is_loop: bool,
    /// The variables the condition compares; empty when it tests the running system (files,
    /// commands, a command substitution) or anything rc2s6 does not recognise.
    pub variables: Vec<String>,
}

/// How long a quoted condition may be, in characters, before it is shortened.
const MAX_QUOTE: usize = 60;

/// `test`'s operators that look at the running system rather than at strings: files
/// (POSIX `test`, dash's and bash's), and `-t` (a terminal). A condition using one is decided by
/// the system, whatever its operands' variables hold.
const SYSTEM_OPERATORS: &[&str] = &[
    "-b", "-c", "-d", "-e", "-f", "-g", "-G", "-h", "-k", "-L", "-N", "-O", "-p", "-r", "-s", "-S", "-t", "-u", "-w",
    "-x", "-nt", "-ot", "-ef",
];

impl Condition {
    /// Reads a condition's source text.
    pub fn read(text: &str) -> Condition {
        let trimmed = text.trim().trim_end_matches(';').trim_end();
        let first_word = trimmed.split_whitespace().next().unwrap_or("");
        let is_loop = matches!(first_word, "for" | "while" | "until" | "select");
        let variables = if is_loop { Vec::new() } else { tested_variables(trimmed).unwrap_or_default() };
        // A loop is quoted up to its body: `for x in $LIST`, `while read line`.
        let head = if is_loop { loop_head(trimmed) } else { trimmed };
        Condition { quoted: quote(head), is_loop, variables }
    }

    /// `under the condition `…``, with what decides it, for a `why`.
    pub fn describe(&self) -> String {
        if self.is_loop {
            return format!("in the loop `{}`, which rc2s6 cannot unroll", self.quoted);
        }
        match self.decided_by() {
            Some(vars) => format!("under the condition `{}`, which depends on {vars}", self.quoted),
            None => format!("under the condition `{}`, which tests the running system", self.quoted),
        }
    }

    /// `decided_by`, when `confd` says a conf.d value of every one of those variables would
    /// reach the condition (none is assigned by the script itself, say).
    pub fn decided_in_confd(&self, confd: &dyn Fn(&str) -> bool) -> Option<String> {
        if self.variables.iter().all(|v| confd(v)) { self.decided_by() } else { None }
    }

    /// The variables that decide it, quoted and joined (`` `A` and `B` ``), if variables alone do.
    pub fn decided_by(&self) -> Option<String> {
        let names: Vec<String> = self.variables.iter().map(|v| format!("`{v}`")).collect();
        match names.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
        }
    }
}

/// A loop's text before `do` (after `;` or a newline), trimmed; all of it when there is none.
fn loop_head(text: &str) -> &str {
    for (i, _) in text.match_indices("do") {
        let before = text[..i].trim_end_matches([' ', '\t', '\n', '\r']);
        let after = text[i + 2..].chars().next();
        if (before.ends_with(';') || text[before.len()..i].contains('\n'))
            && after.is_none_or(|c| c.is_whitespace() || c == ';')
        {
            return before.trim_end_matches(';').trim_end();
        }
    }
    text
}

/// The condition on one line: control characters escaped, runs of blanks as one space, at most
/// `MAX_QUOTE` characters (then `…`). Backquotes become `'` so the quote stays one code span.
fn quote(text: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    let mut count = 0;
    for c in text.chars() {
        if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
            blank = true;
            continue;
        }
        if blank && !out.is_empty() {
            out.push(' ');
            count += 1;
        }
        blank = false;
        if count >= MAX_QUOTE {
            out.push('…');
            return out;
        }
        if c == '`' {
            out.push('\'');
        } else if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        count += 1;
    }
    out
}

/// The variables a condition compares, when every command in it is a string test (`[`, `test`,
/// `[[` without a file operator, or OpenRC's `yesno`) or a bare `$X` (a `case` subject); `None`
/// when some part tests the running system or is not recognised.
fn tested_variables(text: &str) -> Option<Vec<String>> {
    let mut vars: Vec<String> = Vec::new();
    if text.contains("$(") || text.contains('`') {
        // A command's output decides it.
        return None;
    }
    for part in text.split(['\n', ';', '|', '&']).map(str::trim).filter(|p| !p.is_empty()) {
        let words: Vec<&str> = part.split_whitespace().filter(|w| *w != "!").collect();
        let Some((&first, rest)) = words.split_first() else { continue };
        let found = match first {
            "[" | "[[" | "test" => {
                if rest.iter().any(|w| SYSTEM_OPERATORS.contains(&w.trim_matches(['"', '\'']))) {
                    return None;
                }
                variables_in(part)
            }
            // OpenRC's `yesno VALUE` (sh/functions.sh.in): a string test.
            "yesno" => variables_in(part),
            w if rest.is_empty() && w.trim_matches('"').starts_with('$') => variables_in(part),
            _ => return None,
        };
        if found.is_empty() {
            return None;
        }
        for v in found {
            if !vars.contains(&v) {
                vars.push(v);
            }
        }
    }
    (!vars.is_empty()).then_some(vars)
}

/// The names of the variables `$NAME` and `${NAME…}` expand in `text` (not `$1`, `$@`, …).
fn variables_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        rest = &rest[i + 1..];
        let body = rest.strip_prefix('{').unwrap_or(rest);
        let name: String = body.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` read as a condition: its quote, and what decides it.
    fn check(text: &str, quoted: &str, decided: &str) {
        let c = Condition::read(text);
        assert_eq!(c.quoted, quoted, "{text:?}");
        let got = if c.is_loop { "loop".to_string() } else { c.decided_by().unwrap_or_else(|| "system".into()) };
        assert_eq!(got, decided, "{text:?}");
    }

    #[test]
    fn conditions_say_what_decides_them() {
        let cases: &[(&str, &str, &str)] = &[
            ("[ -c /dev/rtc ]", "[ -c /dev/rtc ]", "system"),
            ("[ -e \"$pidfile\" ]", "[ -e \"$pidfile\" ]", "system"),
            ("test -f /etc/x.conf", "test -f /etc/x.conf", "system"),
            ("[ \"$FOO\" = yes ]", "[ \"$FOO\" = yes ]", "`FOO`"),
            ("[ -n \"${OPTS}\" ];", "[ -n \"${OPTS}\" ]", "`OPTS`"),
            ("[ -z \"${X:-}\" ] && [ \"$Y\" != no ]", "[ -z \"${X:-}\" ] && [ \"$Y\" != no ]", "`X` and `Y`"),
            ("yesno $USE_TLS", "yesno $USE_TLS", "`USE_TLS`"),
            (
                "! yesno \"${A}\" || [ -n \"$B\" ] || [ \"$C\" ]",
                "! yesno \"${A}\" || [ -n \"$B\" ] || [ \"$C\" ]",
                "`A`, `B` and `C`",
            ),
            ("$MODE", "$MODE", "`MODE`"),
            // A part that tests the system makes the whole condition the system's.
            ("[ -n \"$X\" ] && [ -d /x ]", "[ -n \"$X\" ] && [ -d /x ]", "system"),
            ("[ \"$(id -u)\" = 0 ]", "[ \"$(id -u)\" = 0 ]", "system"),
            ("[ `uname` = Linux ]", "[ 'uname' = Linux ]", "system"),
            ("grep -q x /f", "grep -q x /f", "system"),
            ("pidof foo >/dev/null", "pidof foo >/dev/null", "system"),
            ("[ \"$1\" = x ]", "[ \"$1\" = x ]", "system"),
            ("[ yes = yes ]", "[ yes = yes ]", "system"),
            ("for i in $(ls); do n=$i; done", "for i in $(ls)", "loop"),
            ("while read line; do x=1; done", "while read line", "loop"),
            ("for dom in $DOMAINS\ndo\n\tx=$dom\ndone", "for dom in $DOMAINS", "loop"),
            ("while true ; do dosomething; done", "while true", "loop"),
            ("for x in do; done", "for x in do; done", "loop"),
            // Newlines, tabs and control characters never reach the message; long ones are cut.
            ("[ -f /a ] &&\n\t[ -f /b ]", "[ -f /a ] && [ -f /b ]", "system"),
            ("[ \"$A\" = \"x\u{1b}[31m\" ]", "[ \"$A\" = \"x\\u{1b}[31m\" ]", "`A`"),
            (
                "[ -f /a/very/long/path/to/some/file/that/goes/on/and/on/forever.conf ]",
                "[ -f /a/very/long/path/to/some/file/that/goes/on/and/on/fore…",
                "system",
            ),
            ("", "", "system"),
        ];
        for (text, quoted, decided) in cases {
            check(text, quoted, decided);
        }
    }

    #[test]
    fn only_variables_conf_d_sets_are_named_as_conf_d_values() {
        use crate::model::testing::{files, prepare};
        let f = files(
            "A=\"$(cat /etc/a)\"\nS=1",
            "#!/sbin/openrc-run\nS=\"$(cat /etc/s)\"\nstart_pre() { local L=$(cat /l); for i in $L; do :; done; }",
        );
        let p = prepare(&f.inputs());
        let script = Texts::new(&f.texts()).script();
        let cases: &[(&str, bool)] = &[
            ("A", true),
            // The script overrides conf.d's value.
            ("S", false),
            // Gone once start_pre() returns, or never set: no conf.d value decides them.
            ("L", false),
            ("i", false),
            ("NOTSET", false),
            // OpenRC's own.
            ("RC_SVCNAME", false),
            ("SVCNAME", false),
        ];
        for (name, want) in cases {
            assert_eq!(confd_decides(&p.interp.env, script, name), *want, "{name}");
        }
    }

    #[test]
    fn explanations_quote_the_condition() {
        let text = "x=1\nif [ \"$MODE\" = fast ]; then y=2; fi\n";
        let start = text.find('[').unwrap();
        let end = text.find(']').unwrap() + 1;
        let files = [text];
        let texts = Texts::new(&files);
        let cond = Loc { file: crate::core::source::FileId::new(0), span: crate::core::source::Span::new(start, end) };
        let u = Unknowable {
            why: "it is set under the condition `[ \"$MODE\" = fast ]`, which depends on `MODE`".into(),
            help: "set `MODE` in conf.d to a literal value to decide it, or set the value unconditionally".into(),
        };
        assert_eq!(explain_uncertainty(&Uncertainty::Conditional { cond }, &texts, &|_| true), u);
        // `MODE` set by the script itself: a conf.d value would not decide it.
        let set_by_script = explain_uncertainty(&Uncertainty::Conditional { cond }, &texts, &|_| false);
        assert_eq!(set_by_script.why, u.why);
        assert_eq!(
            set_by_script.help,
            "set the value unconditionally in conf.d, or move the condition into the daemon's own configuration"
        );
        // Without the text (or with a span outside it), the words stay generic.
        let far = Loc { span: crate::core::source::Span::new(500, 510), ..cond };
        let generic = explain_uncertainty(&Uncertainty::Conditional { cond: far }, &texts, &|_| true);
        assert_eq!(generic.why, "it is set under a condition that depends on the running system");
        assert_eq!(explain_uncertainty(&Uncertainty::Conditional { cond }, &Texts::default(), &|_| true), generic);
    }
}
