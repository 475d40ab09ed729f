//! `rc_ulimit` (dash `ulimit` arguments) → `s6-softlimit` options, with dash's units.

use super::super::service::{LimitKind, ResourceLimit};

/// Reads `ulimit` arguments as dash's builtin does.
pub fn parse(args: &[String]) -> Result<Vec<ResourceLimit>, String> {
    let mut out = Vec::new();
    let mut which = LimitKind::Both;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        let Some(flags) = a.strip_prefix('-') else {
            return Err(format!("`{a}` is not a `ulimit` option"));
        };
        for (k, c) in flags.char_indices() {
            match c {
                'H' => which = if which == LimitKind::Soft { LimitKind::Both } else { LimitKind::Hard },
                'S' => which = if which == LimitKind::Hard { LimitKind::Both } else { LimitKind::Soft },
                'a' => return Err("`-a` only prints limits".into()),
                _ => {
                    let (flag, unit) = resource(c).ok_or_else(|| format!("`-{c}` has no s6-softlimit equivalent"))?;
                    // The value is the rest of this word or the next one.
                    let rest = &flags[k + c.len_utf8()..];
                    let value = if !rest.is_empty() {
                        rest.to_string()
                    } else {
                        let v = args.get(i).cloned().ok_or_else(|| format!("`-{c}` needs a value"))?;
                        i += 1;
                        v
                    };
                    let v = if value == "unlimited" {
                        "18446744073709551615".to_string()
                    } else {
                        let n: u64 = value.parse().map_err(|_| format!("`{value}` is not a number"))?;
                        n.checked_mul(unit).ok_or_else(|| format!("`{value}` is too large"))?.to_string()
                    };
                    out.push(ResourceLimit { flag, value: v, which });
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// The s6-softlimit letter and the byte multiplier for one of dash's ulimit letters.
fn resource(c: char) -> Option<(char, u64)> {
    Some(match c {
        'n' => ('o', 1),
        'c' => ('c', 512),
        'f' => ('f', 512),
        'd' => ('d', 1024),
        's' => ('s', 1024),
        'v' => ('a', 1024),
        'm' => ('r', 1024),
        'l' => ('l', 1024),
        't' => ('t', 1),
        'p' | 'u' => ('p', 1),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn units_and_kinds() {
        let l = parse(&w("-n 4096 -c 0")).unwrap();
        assert_eq!(l[0], ResourceLimit { flag: 'o', value: "4096".into(), which: LimitKind::Both });
        assert_eq!(l[1].value, "0");
        let l = parse(&w("-S -d 1024")).unwrap();
        assert_eq!(l[0], ResourceLimit { flag: 'd', value: "1048576".into(), which: LimitKind::Soft });
        let l = parse(&w("-Hn unlimited")).unwrap();
        assert_eq!(l[0].which, LimitKind::Hard);
        assert!(parse(&w("-e 5")).is_err());
    }
}
