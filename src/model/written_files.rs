//! The files a command run by start_pre() or start() writes over, as far as its words tell:
//! what `configuration_edits` compares with the files rc2s6 read the service's values from.

use super::option_words::{
    OptionValue,
    ParsedOption::{Long, Short},
    Takes, read_options,
};
use crate::core::file_name::basename;
use crate::eval::value::Uncertainty;

/// A file a command writes, with what makes its name inexact.
pub type WrittenFile = (String, Vec<Uncertainty>);

/// The files the command `words` (its program's basename `base`) writes over: the files
/// `sed -i` edits; the destination of `cp`, `mv`, `install` and `ln`, and `tee`'s files, where
/// their names are known. `None` when the command writes no file of its operands.
pub fn written_by(base: &str, words: &[String], uncertain: &[Vec<Uncertainty>]) -> Option<Vec<WrittenFile>> {
    let known = |files: Vec<WrittenFile>| files.into_iter().filter(|(_, u)| u.is_empty()).collect();
    match writer(base)? {
        Writer::Sed => sed_in_place(words, uncertain),
        Writer::Copy => copy_destinations(base, words, uncertain).map(known),
        Writer::Tee => Some(known(tee_files(words, uncertain))),
    }
}

/// Whether [`written_by`] may find files `base` writes: a caller that must first split the
/// command's words (what makes each inexact) asks this before it does.
pub fn writes_operands(base: &str) -> bool {
    writer(base).is_some()
}

/// The programs whose operands name files they write, by how they name them.
enum Writer {
    /// `sed -i`.
    Sed,
    /// `cp`, `mv`, `install`, `ln`: the destination.
    Copy,
    /// `tee`: every operand.
    Tee,
}

fn writer(base: &str) -> Option<Writer> {
    match base {
        "sed" => Some(Writer::Sed),
        "cp" | "mv" | "install" | "ln" => Some(Writer::Copy),
        "tee" => Some(Writer::Tee),
        _ => None,
    }
}

/// Whether a redirection operator writes to its target file: `>`, `>>`, `>|`, `<>` and bash's
/// `&>`/`&>>`; `>&` duplicates a descriptor.
pub fn redirect_writes(op: &str) -> bool {
    matches!(op, ">" | ">>" | ">|" | "<>" | "&>" | "&>>")
}

/// The files `sed` (in `words`) edits in place (`-i[SUFFIX]`, `--in-place[=SUFFIX]`), with what makes each
/// inexact; `None` for a `sed` that writes to its standard output. Options
/// are read as GNU sed 4.9 and BusyBox 1.36 read them (getopt, which permutes: an option after
/// an operand still counts): `-e SCRIPT`, `-f FILE` and `-l N` take a value, attached or next;
/// the first operand is the script unless `-e` or `-f` gave one.
fn sed_in_place(words: &[String], uncertain: &[Vec<Uncertainty>]) -> Option<Vec<WrittenFile>> {
    let short = |c| match c {
        // The rest of the word is the backup suffix.
        'i' => Takes::AttachedValue,
        'e' | 'f' | 'l' => Takes::Value,
        _ => Takes::Nothing,
    };
    let long = |name: &str| match name {
        "in-place" => Takes::AttachedValue,
        "expression" | "file" | "line-length" => Takes::Value,
        _ => Takes::Nothing,
    };
    let (options, operands) = read_options(words, short, long);
    let in_place = options.iter().any(|o| matches!(o, Short('i', _) | Long("in-place", _)));
    let script_given = options.iter().any(|o| matches!(o, Short('e' | 'f', _) | Long("expression" | "file", _)));
    if !in_place {
        return None;
    }
    let files = operands.into_iter().skip(usize::from(!script_given));
    Some(files.map(|k| (words[k].clone(), uncertain.get(k).cloned().unwrap_or_default())).collect())
}

/// Where `cp`, `mv`, `install` and `ln` write, read as GNU coreutils 9 and BusyBox 1.36 read
/// their options (getopt, which permutes): `-t DIR`/`--target-directory=DIR` puts every operand
/// into DIR; otherwise the last operand is the destination, a file or a directory the others go
/// into (both are listed: which one it is depends on the running system). Options that take a
/// value: `-S`/`--suffix` and `-t`, and for install `-m`, `-o`, `-g` (`--mode`, `--owner`,
/// `--group`); `install -d` only makes directories. Long options are matched whole, as the
/// programs' manuals spell them.
fn copy_destinations(base: &str, words: &[String], uncertain: &[Vec<Uncertainty>]) -> Option<Vec<WrittenFile>> {
    let install = base == "install";
    let valued: &[char] = if install { &['S', 't', 'm', 'o', 'g'] } else { &['S', 't'] };
    let short = |c| if valued.contains(&c) { Takes::Value } else { Takes::Nothing };
    let long = |name: &str| match name {
        "suffix" | "target-directory" => Takes::Value,
        "mode" | "owner" | "group" if install => Takes::Value,
        _ => Takes::Nothing,
    };
    let (options, operands) = read_options(words, short, long);
    let dirs_only = install && options.iter().any(|o| matches!(o, Short('d', _) | Long("directory", _)));
    // The last `-t`/`--target-directory` wins.
    let target = options.iter().rev().find_map(|o| match o {
        Short('t', v) | Long("target-directory", v) => Some(*v),
        _ => None,
    });
    if dirs_only {
        return None;
    }
    let word = |k: usize| (words.get(k).cloned().unwrap_or_default(), uncertain.get(k).cloned().unwrap_or_default());
    let into = |dir: &WrittenFile, source: usize| {
        let (name, u) = word(source);
        let base = basename(name.trim_end_matches('/')).to_string();
        (format!("{}/{base}", dir.0.trim_end_matches('/')), [dir.1.clone(), u].concat())
    };
    let dir = match target {
        Some(OptionValue::Attached(text)) => Some((text.to_string(), Vec::new())),
        Some(OptionValue::Next(k)) => Some(word(k)),
        Some(OptionValue::None) | None => None,
    };
    if let Some(dir) = dir {
        return Some(operands.iter().map(|&k| into(&dir, k)).collect());
    }
    let (&last, sources) = operands.split_last()?;
    if sources.is_empty() {
        return None;
    }
    let dest = word(last);
    let mut out = vec![dest.clone()];
    out.extend(sources.iter().map(|&k| into(&dest, k)));
    Some(out)
}

/// `tee`'s files: its operands (GNU coreutils 9, BusyBox: `-a`, `-i`, `-p`, and long options
/// whose values are attached).
fn tee_files(words: &[String], uncertain: &[Vec<Uncertainty>]) -> Vec<WrittenFile> {
    let mut out = Vec::new();
    let mut options_done = false;
    for (k, w) in words.iter().enumerate().skip(1) {
        if !options_done && w == "--" {
            options_done = true;
            continue;
        }
        if !options_done && w.starts_with('-') && w.len() > 1 {
            continue;
        }
        out.push((w.clone(), uncertain.get(k).cloned().unwrap_or_default()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::written_by;

    fn edits(line: &str) -> Option<Vec<String>> {
        let words: Vec<String> = line.split(' ').map(String::from).collect();
        let uncertain = vec![Vec::new(); words.len()];
        written_by(&words[0], &words, &uncertain).map(|f| f.into_iter().map(|(p, _)| p).collect())
    }

    fn list(files: &[&str]) -> Option<Vec<String>> {
        Some(files.iter().map(|f| f.to_string()).collect())
    }

    /// GNU sed 4.9 and BusyBox: `-i` with an attached suffix, in a cluster, `--in-place`, the
    /// script as the first operand unless `-e`/`-f` gave one, options after operands.
    #[test]
    fn sed_in_place_files() {
        assert_eq!(edits("sed -i s/a/b/ /etc/x /etc/y"), Some(vec!["/etc/x".into(), "/etc/y".into()]));
        assert_eq!(edits("sed -Ei.bak -e s/a/b/ /etc/x"), Some(vec!["/etc/x".into()]));
        assert_eq!(edits("sed s/a/b/ /etc/x --in-place"), Some(vec!["/etc/x".into()]));
        assert_eq!(edits("sed -f script -i /etc/x"), Some(vec!["/etc/x".into()]));
        assert_eq!(edits("sed -es/a/b/ -i -- /etc/x"), Some(vec!["/etc/x".into()]));
        // `-e` takes `-i` as its script: nothing is edited in place.
        assert_eq!(edits("sed -e -i /etc/x"), None);
        assert_eq!(edits("sed -n s/a/b/p /etc/x"), None);
    }

    /// The destination of cp, mv, install and ln, as a file or as a directory the sources go
    /// into; `-t DIR` names the directory; `install -d` makes directories only.
    #[test]
    fn copy_destinations() {
        assert_eq!(edits("cp /usr/share/x/conf /etc/conf.d/x"), list(&["/etc/conf.d/x", "/etc/conf.d/x/conf"]));
        assert_eq!(edits("mv -f /tmp/new /etc/conf.d/x"), list(&["/etc/conf.d/x", "/etc/conf.d/x/new"]));
        assert_eq!(edits("cp -S .old /a/x /etc/conf.d"), list(&["/etc/conf.d", "/etc/conf.d/x"]));
        assert_eq!(edits("cp -t /etc/conf.d /a/x /b/y"), list(&["/etc/conf.d/x", "/etc/conf.d/y"]));
        assert_eq!(edits("mv --target-directory=/etc/conf.d /a/x"), list(&["/etc/conf.d/x"]));
        assert_eq!(edits("install -m 600 -o root /a/x /etc/conf.d/x"), list(&["/etc/conf.d/x", "/etc/conf.d/x/x"]));
        assert_eq!(edits("install -d -m 700 /etc/conf.d/x"), None);
        assert_eq!(edits("ln -sf /a/x /etc/conf.d/x"), list(&["/etc/conf.d/x", "/etc/conf.d/x/x"]));
        assert_eq!(edits("cp -- -x /etc/conf.d/x"), list(&["/etc/conf.d/x", "/etc/conf.d/x/-x"]));
        assert_eq!(edits("cp /a/x"), None);
        assert_eq!(edits("tee -a /etc/conf.d/x /tmp/y"), list(&["/etc/conf.d/x", "/tmp/y"]));
        assert_eq!(edits("cat /etc/conf.d/x"), None);
    }

    /// A destination whose name is only known at run time is left out (a log or state file of
    /// the service, most often), unlike `sed -i`'s files, which are edits by their nature.
    #[test]
    fn copy_to_a_name_known_only_at_run_time_is_left_out() {
        let words: Vec<String> = "cp /a/x /run/y".split(' ').map(String::from).collect();
        let mut uncertain = vec![Vec::new(); words.len()];
        let loc = crate::eval::value::Loc {
            file: crate::core::source::FileId::new(0),
            span: crate::core::source::Span::new(0, 0),
        };
        uncertain[2] = vec![crate::eval::value::Uncertainty::CommandSubst(loc)];
        assert_eq!(written_by("cp", &words, &uncertain), Some(Vec::new()));
    }
}
