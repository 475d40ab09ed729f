//! Every variable a script reads, with where: what decides whether an assignment the service
//! directory took over can be commented out.

use crate::core::source::Span;
use crate::shell::ast::{
    AssignValue, Command, CompoundKind, List, ParamForm, RedirectKind, Word, WordPart, WordPartKind, walk_commands,
};

/// Every variable the commands of `list` read, with where: parameter expansions anywhere
/// (functions included), and `$name` in text the parser keeps raw (backquotes, here-documents,
/// `$(( ))`).
pub fn variable_reads(list: &List, text: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut words: Vec<&Word> = Vec::new();
    walk_commands(list, &mut |c| match c {
        Command::Simple(sc) => {
            for a in &sc.assignments {
                match &a.value {
                    AssignValue::Word(w) => words.push(w),
                    AssignValue::Array(ws, _) => words.extend(ws),
                    AssignValue::Empty => {}
                }
            }
            words.extend(&sc.words);
            for r in &sc.redirects {
                match &r.kind {
                    RedirectKind::File(_, w) => words.push(w),
                    RedirectKind::HereDoc(h) => {
                        if let (false, Some(span)) = (h.quoted, h.body_span) {
                            raw_reads(&text[span.start..span.end], span, &mut out);
                        }
                    }
                }
            }
        }
        Command::Compound(cc, redirects) => {
            match &cc.kind {
                CompoundKind::For { words: Some(ws), .. } | CompoundKind::DoubleBracket(ws) => words.extend(ws),
                CompoundKind::Case { word, items } => {
                    words.push(word);
                    for it in items {
                        words.extend(&it.patterns);
                    }
                }
                CompoundKind::Arithmetic(_) => raw_reads(&text[cc.span.start..cc.span.end], cc.span, &mut out),
                CompoundKind::ArithFor { header, .. } => raw_reads(&text[header.start..header.end], *header, &mut out),
                _ => {}
            }
            for r in redirects {
                if let RedirectKind::File(_, w) = &r.kind {
                    words.push(w);
                }
            }
        }
        Command::FunctionDef(_) => {}
    });
    for w in words {
        word_reads(&w.parts, text, &mut out);
    }
    out
}

fn word_reads(parts: &[WordPart], text: &str, out: &mut Vec<(String, Span)>) {
    for p in parts {
        match &p.kind {
            WordPartKind::Param(pe) => {
                out.push((pe.name.clone(), p.span));
                match &pe.form {
                    ParamForm::Op(_, w) | ParamForm::Indirect(Some((_, w))) => word_reads(&w.parts, text, out),
                    _ => {}
                }
            }
            WordPartKind::DoubleQuoted(inner) => word_reads(inner, text, out),
            WordPartKind::CommandSubst(list) | WordPartKind::ProcessSubst(list) => {
                out.extend(variable_reads(list, text))
            }
            WordPartKind::Backquoted(_) | WordPartKind::Arithmetic(_) => {
                raw_reads(&text[p.span.start..p.span.end], p.span, out)
            }
            WordPartKind::Literal(_) | WordPartKind::Quoted(_) | WordPartKind::AnsiC(_) => {}
        }
    }
}

/// `$name` and `${name…}` in raw text; the whole text is the location.
fn raw_reads(raw: &str, span: Span, out: &mut Vec<(String, Span)>) {
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            let start = if b.get(i + 1) == Some(&b'{') { i + 2 } else { i + 1 };
            let len = b[start.min(b.len())..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
            if len > 0 {
                out.push((raw[start..start + len].to_string(), span));
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_references() {
        let mut out = Vec::new();
        raw_reads("cat $pidfile ${command:-x} $$ $1", Span::new(0, 5), &mut out);
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["pidfile", "command", "1"]);
    }

    #[test]
    fn reads_everywhere_in_the_script() {
        let text = "a=$b\nf() { echo \"${c:-$d}\" $(x $e) `y $g`; }\ncat <<EOF\n$h\nEOF\n";
        let script = crate::shell::parse::parse_script(text).script.unwrap();
        let mut names: Vec<String> = variable_reads(&script.body, text).into_iter().map(|(n, _)| n).collect();
        names.sort();
        assert_eq!(names, ["b", "c", "d", "e", "g", "h"]);
    }
}
