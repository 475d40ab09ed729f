//! `$(( … ))` over integers, for the simple sums scripts do with timeouts.

use super::environment::Environment;

/// Evaluates an arithmetic expression; `None` when it uses anything but integers, known numeric
/// variables and `+ - * / % ( )`.
pub fn evaluate(text: &str, env: &Environment) -> Option<i64> {
    let toks = tokenize(text, env)?;
    let mut p = Parser { toks, pos: 0 };
    let v = p.sum()?;
    (p.pos == p.toks.len()).then_some(v)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Num(i64),
    Op(char),
}

fn tokenize(text: &str, env: &Environment) -> Option<Vec<Tok>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            out.push(Tok::Num(parse_number(&s)?));
        } else if c == '$' || c.is_ascii_alphabetic() || c == '_' {
            if c == '$' {
                i += 1;
            }
            let braced = chars.get(i) == Some(&'{');
            if braced {
                i += 1;
            }
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            if braced {
                if chars.get(i) != Some(&'}') {
                    return None;
                }
                i += 1;
            }
            let var = env.get(&name);
            let value = match var {
                None => 0,
                Some(v) if v.value.is_exact() => {
                    let t = v.value.text.trim();
                    if t.is_empty() { 0 } else { parse_number(t)? }
                }
                Some(_) => return None,
            };
            out.push(Tok::Num(value));
        } else if "+-*/%()".contains(c) {
            out.push(Tok::Op(c));
            i += 1;
        } else {
            return None;
        }
    }
    Some(out)
}

fn parse_number(s: &str) -> Option<i64> {
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        i64::from_str_radix(hex, 16).ok()
    } else if s.len() > 1 && s.starts_with('0') {
        i64::from_str_radix(&s[1..], 8).ok()
    } else {
        s.parse().ok()
    }
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<Tok> {
        self.toks.get(self.pos).copied()
    }

    fn sum(&mut self) -> Option<i64> {
        let mut v = self.product()?;
        while let Some(Tok::Op(op @ ('+' | '-'))) = self.peek() {
            self.pos += 1;
            let r = self.product()?;
            v = if op == '+' { v.checked_add(r)? } else { v.checked_sub(r)? };
        }
        Some(v)
    }

    fn product(&mut self) -> Option<i64> {
        let mut v = self.unary()?;
        while let Some(Tok::Op(op @ ('*' | '/' | '%'))) = self.peek() {
            self.pos += 1;
            let r = self.unary()?;
            v = match op {
                '*' => v.checked_mul(r)?,
                '/' => v.checked_div(r)?,
                _ => v.checked_rem(r)?,
            };
        }
        Some(v)
    }

    fn unary(&mut self) -> Option<i64> {
        match self.peek()? {
            Tok::Op('-') => {
                self.pos += 1;
                self.unary()?.checked_neg()
            }
            Tok::Op('+') => {
                self.pos += 1;
                self.unary()
            }
            Tok::Op('(') => {
                self.pos += 1;
                let v = self.sum()?;
                if self.peek() != Some(Tok::Op(')')) {
                    return None;
                }
                self.pos += 1;
                Some(v)
            }
            Tok::Num(n) => {
                self.pos += 1;
                Some(n)
            }
            Tok::Op(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::value::ShellValue;

    #[test]
    fn sums_with_variables() {
        let mut env = Environment::default();
        env.set("t", ShellValue::known("30"), None);
        assert_eq!(evaluate("$t * 1000 + 5", &env), Some(30005));
        assert_eq!(evaluate("(t + 2) % 7", &env), Some(4));
        assert_eq!(evaluate("t << 2", &env), None);
        assert_eq!(evaluate("1/0", &env), None);
    }
}
