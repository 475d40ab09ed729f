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

/// The characters a `grep -q` pattern may hold: ASCII letters, digits, `^` and `$` anchors and
/// a few punctuation characters that are literal in basic and extended regular expressions
/// alike. No `.`, bracket expression or backslash: what those match in a byte that is not valid
/// UTF-8 depends on the locale (POSIX XBD 9.3, RE Bracket Expression; GNU grep manual,
/// "Character Encoding"), and openrc-run passes `LANG` through (env_filter(),
/// src/shared/misc.c:58-65 at 0.63.3) where the run script has s6-svscan's.
fn plain_pattern(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('-')
        && p.chars().all(|c| c.is_ascii_alphanumeric() || " _-=/:,@%".contains(c) || c == '^' || c == '$')
        && p.char_indices().all(|(i, c)| (c != '^' || i == 0) && (c != '$' || i + 1 == p.len()))
}

impl SystemTest {
    /// The test a `[`/`test` command with arguments `rest` makes, if it is a file primary on an
    /// absolute path (relative ones depend on the directory the script may have changed to),
    /// optionally negated.
    pub fn read(loc: Loc, cmd: &str, rest: &[String]) -> Option<SystemTest> {
        if cmd == "grep" {
            return match rest {
                [q, pattern, file] if q == "-q" && plain_pattern(pattern) && plain_path(file) => {
                    Some(SystemTest { loc, program: TestProgram::Grep, args: rest.to_vec() })
                }
                _ => None,
            };
        }
        let mut args = rest.to_vec();
        if cmd == "[" {
            if args.last().map(String::as_str) != Some("]") {
                return None;
            }
            args.pop();
        } else if cmd != "test" {
            return None;
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
}

impl Oracle {
    /// An oracle that answers the tests at these places so (and no others).
    pub fn assuming(answers: BTreeMap<Loc, bool>) -> Self {
        Oracle { answers: Rc::new(answers), met: Rc::default(), seen: Rc::default() }
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
            ("grep", "-q ^rtcfile /etc/chrony/chrony.conf", true),
            ("grep", "-q user$ /etc/x", true),
            ("grep", "-q ^a.b /etc/x", false),
            ("grep", "-q ^[ab] /etc/x", false),
            ("grep", "-q a\\b /etc/x", false),
            ("grep", "-q a^b /etc/x", false),
            ("grep", "-q a$b /etc/x", false),
            ("grep", "-q ^ /etc/x", true),
            ("grep", "-q $ /etc/x", true),
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
