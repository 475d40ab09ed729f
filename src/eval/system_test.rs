//! Tests of the running system a script makes as OpenRC loads or starts it (`[ -c /dev/rtc ]`),
//! which a run script can make again at the same moment: a [`SystemTest`] is a `[`/`test` of one
//! file primary on an absolute path whose words are all known. The interpreter cannot decide one;
//! an [`Oracle`] records each it meets and, when told to, answers it, so that the model can work
//! out the service once per answer ("world") and the backend choose the world when the service
//! starts.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::at_start::has_marker;
use super::value::Loc;

/// `test`'s file primaries a run script evaluates the same way (POSIX `test`, XCU; dash's
/// `test` builtin, which runs OpenRC's scripts). As root, `-r`/`-w`/`-x` are the same in
/// openrc-run's shell and in the run script (both run as root). `-t`, `-nt`, `-ot`, `-ef` and the
/// set-ID bits are not taken.
pub const FILE_PRIMARIES: &[&str] = &["-b", "-c", "-d", "-e", "-f", "-h", "-L", "-p", "-r", "-s", "-S", "-w", "-x"];

/// One test of the running system at a place: `test`'s operands (without `[`'s `]`), or
/// `grep -q`'s.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SystemTest {
    /// Where the command is.
    pub loc: Loc,
    /// The program: `test` (the shell's builtin) or `grep`.
    pub program: TestProgram,
    /// Its operands: `[!] -X /path`, or `-q PATTERN /path`.
    pub args: Vec<String>,
}

/// The program a [`SystemTest`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TestProgram {
    /// `[` or `test`.
    Test,
    /// `grep -q PATTERN FILE`.
    Grep,
}

/// Whether a `grep -q` pattern (a basic regular expression: grep without `-E`/`-F`) finds a
/// line in a file whatever the locale: `^`, then ASCII literals and bracket expressions that
/// list single ASCII characters, each optionally followed by `*`, then `$`. Such a line matches
/// in every locale exactly when it holds only the ASCII characters the pattern names, so no
/// byte that is not valid in the locale's encoding is ever read as part of a match (openrc-run
/// passes `LANG` and `LC_*` through, env_filter(), src/shared/misc.c:58-65 at 0.63.3, where the
/// run script has s6-svscan's environment).
///
/// Both anchors are needed: musl's regexec (Alpine's busybox grep, which calls
/// `setlocale(LC_ALL, "")`) gives up on a line, REG_NOMATCH, at the first byte that is not valid
/// UTF-8 it reads in a UTF-8 locale (src/regex/regexec.c, GET_NEXT_WCHAR, musl 1.2.3), and it
/// reads one character past a match: `^rtcfile` finds `rtcfile\xff` in the C locale and not in
/// C.UTF-8, an unanchored pattern loses any line such a byte comes before, and `.` (so a
/// trailing `.*`) stops at one in GNU grep (GNU grep manual, "Character Encoding").
/// In a bracket expression a backslash is literal (POSIX XBD 9.3.5: `\` loses its special
/// meaning there), so `"[ \t]"` lists space, backslash and `t`; ranges, classes, equivalence
/// classes, collating symbols and negation (`-`, `[:`, `[=`, `[.`, a leading `^`) depend on the
/// locale's collation or character classes (XBD 9.3.5) and are not taken, nor `.`, `\` outside
/// a bracket expression, or a `*` that follows no character.
fn locale_free_pattern(p: &str) -> bool {
    let Some(body) = p.strip_prefix('^').and_then(|b| b.strip_suffix('$')) else { return false };
    let literal = |c: char| c.is_ascii_alphanumeric() || " \t_-=/:,@%".contains(c);
    let listed = |c: char| c.is_ascii_alphanumeric() || " \t_=/:,@%\\".contains(c);
    let mut chars = body.chars();
    let mut after_atom = false;
    while let Some(c) = chars.next() {
        match c {
            '*' if after_atom => after_atom = false,
            '[' => {
                let mut members = 0;
                loop {
                    match chars.next() {
                        Some(']') if members > 0 => break,
                        Some(m) if listed(m) => members += 1,
                        _ => return false,
                    }
                }
                after_atom = true;
            }
            c if literal(c) => after_atom = true,
            _ => return false,
        }
    }
    true
}

impl SystemTest {
    /// The test a `[`/`test` command with arguments `rest` makes, if it is a file primary on an
    /// absolute path (relative ones depend on the directory the script may have changed to),
    /// optionally negated.
    pub fn read(loc: Loc, cmd: &str, rest: &[String]) -> Option<SystemTest> {
        if cmd == "grep" {
            return match rest {
                [q, pattern, file] if q == "-q" && locale_free_pattern(pattern) && plain_path(file) => {
                    Some(SystemTest { loc, program: TestProgram::Grep, args: rest.to_vec() })
                }
                _ => None,
            };
        }
        // Any other program is none (most commands): known before the words are copied.
        if cmd != "[" && cmd != "test" {
            return None;
        }
        let mut args = rest.to_vec();
        if cmd == "[" {
            if args.last().map(String::as_str) != Some("]") {
                return None;
            }
            args.pop();
        }
        let operand = match args.as_slice() {
            [op, path] | [_, op, path] if FILE_PRIMARIES.contains(&op.as_str()) => path,
            _ => return None,
        };
        if args.len() == 3 && args[0] != "!" {
            return None;
        }
        plain_path(operand).then_some(SystemTest { loc, program: TestProgram::Test, args })
    }

    /// Why the run script cannot make a `grep -q PATTERN FILE` that [`SystemTest::read`] does
    /// not take, when its words are otherwise those of one (an absolute file, every word known).
    pub fn declined(cmd: &str, rest: &[String]) -> Option<String> {
        match rest {
            [q, pattern, file] if cmd == "grep" && q == "-q" && !pattern.starts_with('-') && plain_path(file) => {
                (!locale_free_pattern(pattern)).then(|| {
                    format!(
                        "the run script cannot make this test itself: what `grep -q {}` finds may depend on the locale, which openrc-run passes through (only a pattern anchored at both ends, `^…$`, of ASCII characters and bracket expressions listing single ASCII characters finds the same lines in every locale)",
                        pattern.escape_debug()
                    )
                })
            }
            _ => None,
        }
    }

    /// The path it tests.
    pub fn path(&self) -> &str {
        self.args.last().map(String::as_str).unwrap_or("")
    }

    /// The test as a script writes it: `[ ! -f /etc/x ]`, `grep -q ^x /etc/x`.
    pub fn display(&self) -> String {
        match self.program {
            TestProgram::Test => format!("[ {} ]", self.args.join(" ")),
            TestProgram::Grep => format!("grep {}", self.args.join(" ")),
        }
    }
}

/// An absolute path with every part known (a relative one depends on the directory the script
/// may have changed to).
fn plain_path(p: &str) -> bool {
    p.starts_with('/') && !has_marker(p) && !p.contains('\0')
}

/// A program an interpreter ran: its words, the program first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// The words as far as they are known.
    pub words: Vec<String>,
    /// One of them cannot be known.
    pub unknowable: bool,
}

/// What the interpreter assumes about the tests of the running system it meets, and which it
/// met. Copies share what was met (a function run on a copy of the state meets tests too).
#[derive(Debug, Clone, Default)]
pub struct Oracle {
    answers: Rc<BTreeMap<Loc, bool>>,
    met: Rc<RefCell<Vec<SystemTest>>>,
    seen: Rc<RefCell<Vec<Ran>>>,
    declined: Rc<RefCell<Vec<(Loc, String)>>>,
}

impl Oracle {
    /// An oracle that answers the tests at these places so (and no others).
    pub fn assuming(answers: BTreeMap<Loc, bool>) -> Self {
        Oracle { answers: Rc::new(answers), ..Oracle::default() }
    }

    /// Records `test` and answers it, if told to.
    pub fn consult(&self, test: SystemTest) -> Option<bool> {
        let answer = self.answers.get(&test.loc).copied();
        let mut met = self.met.borrow_mut();
        if !met.contains(&test) {
            met.push(test);
        }
        answer
    }

    /// Records why the run script could not make the test `cmd rest` at `loc` makes, if it is
    /// one it declines ([`SystemTest::declined`]).
    pub fn decline(&self, loc: Loc, cmd: &str, rest: &[String]) {
        if let Some(why) = SystemTest::declined(cmd, rest) {
            let mut declined = self.declined.borrow_mut();
            if !declined.iter().any(|(l, _)| *l == loc) {
                declined.push((loc, why));
            }
        }
    }

    /// The tests declined so far, with why, in the order first met.
    pub fn declined(&self) -> Vec<(Loc, String)> {
        self.declined.borrow().clone()
    }

    /// The tests met so far, in the order first met.
    pub fn met(&self) -> Vec<SystemTest> {
        self.met.borrow().clone()
    }

    /// Records a program an interpreter that records commands ran (its words, the program
    /// first, and whether one of them cannot be known).
    pub fn saw(&self, words: &[String], unknowable: bool) {
        self.seen.borrow_mut().push(Ran { words: words.to_vec(), unknowable });
    }

    /// The programs recorded so far, in order.
    pub fn seen(&self) -> Vec<Ran> {
        self.seen.borrow().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::source::{FileId, Span};

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn only_file_primaries_on_absolute_known_paths() {
        let loc = Loc { file: FileId::new(0), span: Span::new(0, 1) };
        let cases: &[(&str, &str, bool)] = &[
            ("[", "-c /dev/rtc ]", true),
            ("[", "! -f /etc/tvheadend/config ]", true),
            ("test", "-d /etc/sing-box", true),
            ("test", "-x /sbin/getty", true),
            ("[", "-c /dev/rtc", false),
            ("[", "-f relative ]", false),
            ("[", "-n /x ]", false),
            ("[", "-t 1 ]", false),
            ("[", "x -f /a ]", false),
            ("[", "-f /a -a -f /b ]", false),
            ("[", "/a -nt /b ]", false),
            ("echo", "-f /a", false),
            ("grep", "-q ^rtcfile$ /etc/chrony/chrony.conf", true),
            ("grep", "-q ^$ /etc/x", true),
            // Bracket expressions of single ASCII characters, a backslash among them literal.
            ("grep", "-q ^[\t\\]*cd[\t]*$ /etc/x", true),
            ("grep", "-q ^[_a]*cd[=]$ /etc/x", true),
            // Both anchors: musl's regexec reads past a match and gives up at an invalid byte.
            ("grep", "-q ^rtcfile /etc/chrony/chrony.conf", false),
            ("grep", "-q user$ /etc/x", false),
            ("grep", "-q rtcfile /etc/x", false),
            ("grep", "-q ^ /etc/x", false),
            ("grep", "-q $ /etc/x", false),
            // `.`, ranges, classes, negation, an empty or unclosed bracket, a stray `*`.
            ("grep", "-q ^a.b$ /etc/x", false),
            ("grep", "-q ^cd[\t].*$ /etc/x", false),
            ("grep", "-q ^[a-z]$ /etc/x", false),
            ("grep", "-q ^[[:space:]]$ /etc/x", false),
            ("grep", "-q ^[^a]$ /etc/x", false),
            ("grep", "-q ^[]a]$ /etc/x", false),
            ("grep", "-q ^[]$ /etc/x", false),
            ("grep", "-q ^[a$ /etc/x", false),
            ("grep", "-q ^*a$ /etc/x", false),
            ("grep", "-q ^a**$ /etc/x", false),
            ("grep", "-q ^a\\b$ /etc/x", false),
            ("grep", "-q ^a^b$ /etc/x", false),
            ("grep", "-q ^a$b$ /etc/x", false),
            ("grep", "-q ^\u{e9}$ /etc/x", false),
            ("grep", "-q -v /etc/x", false),
            ("grep", "-qs x /etc/x", false),
            ("grep", "x /etc/x", false),
            ("grep", "-q x rel", false),
            ("grep", "-q x /a /b", false),
        ];
        for (cmd, rest, want) in cases {
            assert_eq!(SystemTest::read(loc, cmd, &words(rest)).is_some(), *want, "{cmd} {rest}");
        }
        let marker = format!("/x{}", crate::eval::at_start::AtStart::Nproc.marker());
        assert!(SystemTest::read(loc, "test", &["-f".into(), marker]).is_none());
        let t = SystemTest::read(loc, "[", &words("! -e /a/b ]")).unwrap();
        assert_eq!((t.path(), t.display().as_str()), ("/a/b", "[ ! -e /a/b ]"));
    }

    #[test]
    fn answers_what_it_is_told_and_remembers_every_test_once() {
        let at = |n| Loc { file: FileId::new(0), span: Span::new(n, n + 1) };
        let oracle = Oracle::assuming(BTreeMap::from([(at(1), true)]));
        let copy = oracle.clone();
        let t1 = SystemTest { loc: at(1), program: TestProgram::Test, args: words("-f /a") };
        let t2 = SystemTest { loc: at(2), program: TestProgram::Test, args: words("-d /b") };
        assert_eq!(copy.consult(t1.clone()), Some(true));
        assert_eq!(copy.consult(t2.clone()), None);
        assert_eq!(oracle.consult(t1.clone()), Some(true));
        assert_eq!(oracle.met(), [t1, t2]);
    }
}
