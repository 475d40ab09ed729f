//! Step 5: `need s6-svscan` goes first in depend() (a depend() is added if there is none), so
//! OpenRC 0.16–0.62 start the supervision tree before the service (0.63 adds it itself; saying it
//! twice is harmless).

use crate::shell::ast::{Command, Word, walk_command};

use super::Subject;
use super::edit::Rewriter;
use super::error::MigrateError;

/// Puts `need s6-svscan` first in the script's depend(), or adds a depend().
pub fn add_need_s6_svscan(cx: &Subject, rw: &mut Rewriter) {
    let text = rw.text;
    let Some((depend, def)) = cx.function("depend") else {
        let mut insert = String::new();
        if !text.is_empty() && !text.ends_with('\n') {
            insert.push('\n');
        }
        insert.push_str("\ndepend() {\n\tneed s6-svscan\n}\n");
        rw.insert(text.len(), insert);
        return;
    };
    let mut present = false;
    walk_command(&def.body, &mut |c| {
        if let Command::Simple(sc) = c {
            let words: Vec<Option<String>> = sc.words.iter().map(Word::static_text).collect();
            present |= words.first().is_some_and(|w| w.as_deref() == Some("need"))
                && words.iter().skip(1).any(|w| w.as_deref() == Some("s6-svscan"));
        }
    });
    if present {
        return;
    }
    let body = def.body.span();
    let open = text[body.start..].chars().next();
    if !matches!(def.body.as_ref(), Command::Compound(..)) || !matches!(open, Some('{') | Some('(')) {
        rw.refuse(MigrateError::DependNotRewritable { span: depend.name_span.into() });
        return;
    }
    let after = body.start + 1;
    let rest = &text[after..body.end];
    let blank_to_eol = rest.find('\n').is_some_and(|i| rest[..i].trim().is_empty());
    if blank_to_eol {
        let line = after + rest.find('\n').unwrap_or(0) + 1;
        // The indentation of the body's first line, a tab if it has none.
        let indent: String = text[line..body.end]
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.chars().take_while(|c| *c == ' ' || *c == '\t').collect())
            .filter(|i: &String| !i.is_empty())
            .unwrap_or_else(|| "\t".into());
        rw.insert(line, format!("{indent}need s6-svscan\n"));
    } else {
        rw.insert(after, " need s6-svscan;");
    }
}
