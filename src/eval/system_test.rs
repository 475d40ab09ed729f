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

/// One test of the running system: `test`'s operands (without `[`'s `]`), at a place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SystemTest {
    /// Where the command is.
    pub loc: Loc,
    /// `test`'s operands: `[!] -X /path`.
    pub args: Vec<String>,
}

impl SystemTest {
    /// The test a `[`/`test` command with arguments `rest` makes, if it is a file primary on an
    /// absolute path (relative ones depend on the directory the script may have changed to),
    /// optionally negated.
    pub fn read(loc: Loc, cmd: &str, rest: &[String]) -> Option<SystemTest> {
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
        let plain = operand.starts_with('/') && !has_marker(operand) && !operand.contains('\0');
        plain.then_some(SystemTest { loc, args })
    }

    /// The path it tests.
    pub fn path(&self) -> &str {
        self.args.last().map(String::as_str).unwrap_or("")
    }

    /// The test as a script writes it: `[ ! -f /etc/x ]`.
    pub fn display(&self) -> String {
        format!("[ {} ]", self.args.join(" "))
    }
}

/// What the interpreter assumes about the tests of the running system it meets, and which it
/// met. Copies share what was met (a function run on a copy of the state meets tests too).
#[derive(Debug, Clone, Default)]
pub struct Oracle {
    answers: Rc<BTreeMap<Loc, bool>>,
    met: Rc<RefCell<Vec<SystemTest>>>,
}

impl Oracle {
    /// An oracle that answers the tests at these places so (and no others).
    pub fn assuming(answers: BTreeMap<Loc, bool>) -> Self {
        Oracle { answers: Rc::new(answers), met: Rc::default() }
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
        let t1 = SystemTest { loc: at(1), args: words("-f /a") };
        let t2 = SystemTest { loc: at(2), args: words("-d /b") };
        assert_eq!(copy.consult(t1.clone()), Some(true));
        assert_eq!(copy.consult(t2.clone()), None);
        assert_eq!(oracle.consult(t1.clone()), Some(true));
        assert_eq!(oracle.met(), [t1, t2]);
    }
}
