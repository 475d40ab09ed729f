//! `[ … ]`, `test …` and bash's `[[ … ]]` over known strings. File tests and anything else that
//! looks at the running system are unknown.

use super::pattern::Pattern;
use super::status::Status;
use super::value::ShellValue;

/// Evaluates test arguments; `dbl` selects `[[ ]]` rules (`==` matches a pattern, `&&`/`||`).
pub fn evaluate_values(args: &[ShellValue], dbl: bool) -> Status {
    if args.iter().any(ShellValue::is_unknowable) {
        return Status::Unknown;
    }
    let texts: Vec<&str> = args.iter().map(|v| v.text.as_str()).collect();
    let mut p = TestParser { args: &texts, pos: 0, dbl };
    let s = p.or();
    if p.pos != texts.len() { Status::Unknown } else { s }
}

struct TestParser<'a> {
    args: &'a [&'a str],
    pos: usize,
    dbl: bool,
}

const UNARY_FILE: &[&str] = &[
    "-e", "-f", "-d", "-r", "-w", "-x", "-s", "-L", "-h", "-S", "-p", "-b", "-c", "-g", "-u", "-k", "-O", "-G", "-N",
    "-t", "-a",
];

impl<'a> TestParser<'a> {
    fn peek(&self, k: usize) -> Option<&'a str> {
        self.args.get(self.pos + k).copied()
    }

    fn remaining(&self) -> usize {
        self.args.len() - self.pos
    }

    fn or(&mut self) -> Status {
        let mut s = self.and();
        while matches!(self.peek(0), Some("-o") if !self.dbl) || (self.dbl && self.peek(0) == Some("||")) {
            self.pos += 1;
            let r = self.and();
            s = match (s, r) {
                (Status::True, _) | (_, Status::True) => Status::True,
                (Status::False, Status::False) => Status::False,
                _ => Status::Unknown,
            };
        }
        s
    }

    fn and(&mut self) -> Status {
        let mut s = self.not();
        while matches!(self.peek(0), Some("-a") if !self.dbl && self.remaining() > 1)
            || (self.dbl && self.peek(0) == Some("&&"))
        {
            self.pos += 1;
            let r = self.not();
            s = match (s, r) {
                (Status::False, _) | (_, Status::False) => Status::False,
                (Status::True, Status::True) => Status::True,
                _ => Status::Unknown,
            };
        }
        s
    }

    fn not(&mut self) -> Status {
        if self.peek(0) == Some("!") && self.remaining() > 1 {
            self.pos += 1;
            return match self.not() {
                Status::True => Status::False,
                Status::False => Status::True,
                Status::Unknown => Status::Unknown,
            };
        }
        self.primary()
    }

    fn primary(&mut self) -> Status {
        let Some(a) = self.peek(0) else { return Status::False };
        if a == "(" && self.remaining() >= 3 {
            self.pos += 1;
            let s = self.or();
            if self.peek(0) == Some(")") {
                self.pos += 1;
                return s;
            }
            return Status::Unknown;
        }
        // Binary operators take precedence when three or more arguments remain.
        if let Some(op) = self.peek(1) {
            if self.remaining() >= 3 && is_binary(op) {
                let b = self.peek(2).unwrap_or("");
                self.pos += 3;
                return self.binary(a, op, b);
            }
        }
        if self.remaining() >= 2 && a.starts_with('-') && a.len() == 2 {
            let b = self.peek(1).unwrap_or("");
            match a {
                "-n" => {
                    self.pos += 2;
                    return Status::from_bool(!b.is_empty());
                }
                "-z" => {
                    self.pos += 2;
                    return Status::from_bool(b.is_empty());
                }
                _ if UNARY_FILE.contains(&a) => {
                    self.pos += 2;
                    return Status::Unknown;
                }
                _ => {}
            }
        }
        self.pos += 1;
        Status::from_bool(!a.is_empty())
    }

    fn binary(&self, a: &str, op: &str, b: &str) -> Status {
        let num = |s: &str| s.trim().parse::<i64>().ok();
        match op {
            "=" | "==" => {
                if self.dbl {
                    Status::from_bool(Pattern::from_glob(b).matches(a))
                } else if op == "==" && a == b {
                    // `[ a == a ]`: busybox ash's and bash's test compare (true); dash's test does
                    // not know `==` ("unexpected operator", exit 2: false). openrc-run runs the
                    // system's /bin/sh, which rc2s6 cannot know; unequal strings are false in all.
                    Status::Unknown
                } else {
                    Status::from_bool(a == b)
                }
            }
            "!=" => {
                if self.dbl {
                    Status::from_bool(!Pattern::from_glob(b).matches(a))
                } else {
                    Status::from_bool(a != b)
                }
            }
            "<" => Status::from_bool(a < b),
            ">" => Status::from_bool(a > b),
            "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" => match (num(a), num(b)) {
                (Some(x), Some(y)) => Status::from_bool(match op {
                    "-eq" => x == y,
                    "-ne" => x != y,
                    "-lt" => x < y,
                    "-le" => x <= y,
                    "-gt" => x > y,
                    _ => x >= y,
                }),
                // A non-number is an error: test exits 2, which is false.
                _ => Status::False,
            },
            _ => Status::Unknown,
        }
    }
}

fn is_binary(op: &str) -> bool {
    matches!(
        op,
        "=" | "==" | "!=" | "<" | ">" | "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" | "-nt" | "-ot" | "-ef" | "=~"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(args: &[&str]) -> Status {
        let v: Vec<ShellValue> = args.iter().map(|a| ShellValue::known(*a)).collect();
        evaluate_values(&v, false)
    }

    #[test]
    fn strings_and_numbers() {
        assert_eq!(t(&["-n", "x"]), Status::True);
        assert_eq!(t(&["-z", "x"]), Status::False);
        assert_eq!(t(&["a", "=", "a"]), Status::True);
        assert_eq!(t(&["a", "!=", "a"]), Status::False);
        assert_eq!(t(&["3", "-lt", "10"]), Status::True);
        assert_eq!(t(&["-f", "/etc/x"]), Status::Unknown);
        assert_eq!(t(&["!", "-n", ""]), Status::True);
        assert_eq!(t(&["-n", "a", "-a", "-f", "/x"]), Status::Unknown);
        assert_eq!(t(&["-z", "a", "-a", "-f", "/x"]), Status::False);
        assert_eq!(t(&["x"]), Status::True);
        assert_eq!(t(&[""]), Status::False);
        assert_eq!(t(&[]), Status::False);
    }

    /// `==` in `[`: true in busybox ash and bash, an error (false) in dash (measured: dash 0.5.12
    /// prints "[: a: unexpected operator" and exits 2); unequal strings are false in all three.
    #[test]
    fn double_equals_depends_on_the_shell() {
        assert_eq!(t(&["a", "==", "a"]), Status::Unknown);
        assert_eq!(t(&["a", "==", "b"]), Status::False);
        let v: Vec<ShellValue> = ["a", "==", "a"].iter().map(|a| ShellValue::known(*a)).collect();
        assert_eq!(evaluate_values(&v, true), Status::True);
    }
}
