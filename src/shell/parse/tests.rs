use super::*;
use crate::shell::ast::*;

fn ok(text: &str) -> Script {
    let out = parse_script(text);
    assert!(out.errors.is_empty(), "{text:?}: {:?}", out.errors);
    out.script.expect("parses")
}

fn simple(text: &str) -> SimpleCommand {
    let s = ok(text);
    match &s.body.items[0].and_or.first.commands[0] {
        Command::Simple(c) => c.clone(),
        other => panic!("not simple: {other:?}"),
    }
}

#[test]
fn assignment_value_may_start_with_hash() {
    let c = simple("x=#foo\n");
    assert_eq!(c.assignments[0].name, "x");
    match &c.assignments[0].value {
        AssignValue::Word(w) => assert_eq!(w.static_text().as_deref(), Some("#foo")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn heredoc_body_is_attached_to_its_redirection() {
    let s = ok("cat <<-EOF >x\n\thello $x\n\tEOF\necho after\n");
    assert_eq!(s.body.items.len(), 2);
    let Command::Simple(c) = &s.body.items[0].and_or.first.commands[0] else { panic!() };
    let RedirectKind::HereDoc(h) = &c.redirects[0].kind else { panic!() };
    assert_eq!(h.body.as_deref(), Some("hello $x\n"));
    assert!(h.strip_tabs);
}

#[test]
fn unterminated_heredoc_is_reported() {
    let out = parse_script("cat <<EOF\nhello\n");
    assert!(out.errors.iter().any(|e| matches!(e, ParseError::UnterminatedHeredoc { .. })), "{:?}", out.errors);
}

#[test]
fn reserved_words_only_in_command_position() {
    let c = simple("echo if then fi done\n");
    assert_eq!(c.words.len(), 5);
}

#[test]
fn syntax_error_names_the_open_construct() {
    let out = parse_script("if true; then\n  echo x\n");
    let ParseError::Syntax { help, .. } = &out.errors[0] else { panic!("{:?}", out.errors) };
    assert!(help.contains("line 1"), "{help}");
}

#[test]
fn braces_close_only_after_separator() {
    assert!(parse_script("{ echo a }\n").script.is_none());
    ok("{ echo a; }\n");
}

#[test]
fn case_with_patterns_and_no_final_terminator() {
    ok("case $x in\n a|b) echo 1 ;;\n (c) echo 2\nesac\n");
    ok("case $x in a) ;; esac\n");
    ok("x=$(case $y in a) echo 1;; esac)\n");
}

#[test]
fn parameter_forms() {
    ok(": ${a:=b} ${#x} ${x##*/} ${x%.*} \"${x:-'a'}\" ${x/a/b}\n");
}

#[test]
fn double_equals_in_test_is_not_posix() {
    let s = ok("[ \"$x\" == y ] && echo\ntest a = b\n[ x \"==\" y ]\n");
    let found: Vec<&str> = s.non_posix.iter().map(|n| n.what).collect();
    assert_eq!(found, vec!["`==` in `[`/`test` (dash knows only `=`)"]);
}

#[test]
fn nesting_beyond_the_stack_is_too_complex_not_a_crash() {
    // Far more openers than `stack::MAX_OPENERS`: refused before pest runs, on any thread.
    let text = format!("{}\n", "$(".repeat(100_000));
    let out = std::thread::spawn(move || parse_script(&text)).join().expect("no stack overflow");
    assert!(matches!(out.errors.as_slice(), [ParseError::TooComplex { .. }]), "{:?}", out.errors);
}

/// Every kind of nesting, closed and unclosed, parsed in place on a thread with exactly the stack
/// `stack::needed` gives its openers: an overflow here (the test binary aborts) means an opener
/// can cost more than `stack` allows for.
#[test]
fn the_stack_needed_for_the_openers_is_enough_for_any_nesting() {
    let constructs = [
        ("x=$(", ")"),
        ("echo >$(", ")"),
        ("[[ local x=$(", " ]])"),
        ("echo x$(", ")"),
        ("{ ", "\n}"),
        ("(", ")"),
        ("if true; then ", "\nfi"),
        ("while true; do ", "\ndone"),
        ("for x do ", "\ndone"),
        ("case a in a) ", ";; esac"),
        ("case x in x) [[ $(", " ]];; esac)"),
        ("f() { ", "\n}; f"),
        ("x=\"${y:-", "}\""),
        ("x=\"$(echo ", ")\""),
        ("$((1+$(", ")))"),
        ("<(", ")"),
        ("[[ a =~ (", ") ]]"),
    ];
    for (open, close) in constructs {
        for depth in [1, 199, 200, 1_500] {
            for text in [format!("{}echo{}\n", open.repeat(depth), close.repeat(depth)), open.repeat(depth)] {
                let openers = stack::count_openers(&text).expect("under the bound");
                let thread = std::thread::Builder::new().stack_size(stack::needed(openers));
                let parse = thread.spawn(move || parse_under_limit(Rule::program, &text)).expect("a thread");
                parse.join().expect("no panic");
            }
        }
    }
}

#[test]
fn more_openers_than_the_bound_are_too_complex_where_they_pass_it() {
    let text = format!("x=1\n{}\n", "\"a\" ".repeat(stack::MAX_OPENERS + 5));
    let out = parse_script(&text);
    // Two openers (the quotes) every four bytes: the one past the bound opens a word.
    let at = 4 + 2 * stack::MAX_OPENERS;
    assert_eq!(out.errors, [ParseError::TooComplex { span: Span::new(at, at).into() }]);
    assert!(out.script.is_none());
}

#[test]
fn closed_nesting_past_the_builders_limit_is_too_complex() {
    // Closed, so the grammar accepts it (on a stack sized for its openers); building (and later
    // modelling and dropping) a tree this deep overflowed a release build's 2 MiB thread stack.
    for (open, close) in [("x=$(", ")"), ("{ ", "\n}"), ("x=\"${y:-", "}\"")] {
        let text = format!("{}echo{}\n", open.repeat(1_000), close.repeat(1_000));
        let out = std::thread::spawn(move || parse_script(&text)).join().expect("no stack overflow");
        assert!(out.script.is_none(), "{open}");
        assert!(matches!(out.errors.as_slice(), [ParseError::TooComplex { .. }]), "{open}: {:?}", out.errors);
    }
}

#[test]
fn braced_expansion_with_text_after_the_name_is_invalid_not_literal() {
    // bash's `${!prefix*}` and unexpanded templates: the shell reads them up to `}`.
    for text in ["x=\"${!mysql_slot_*}\"\n", "p=\"${@PORT_VARIABLE@-${PORT}}\"\n"] {
        let c = simple(text);
        let AssignValue::Word(w) = &c.assignments[0].value else { panic!("{text}") };
        let WordPartKind::DoubleQuoted(parts) = &w.parts[0].kind else { panic!("{text}: {w:?}") };
        let WordPartKind::Param(p) = &parts[0].kind else { panic!("{text}: {parts:?}") };
        assert!(matches!(p.form, ParamForm::Invalid(_)), "{text}: {p:?}");
    }
}

#[test]
fn unclosed_expansions_are_syntax_errors() {
    for text in ["x=\"$(\"\n", "x=\"${y\"\n", "echo ${\n", "echo $(\n"] {
        let out = parse_script(text);
        assert!(out.script.is_none(), "{text:?} parsed");
    }
    // A `$` before anything else is still a literal dollar sign.
    assert_eq!(simple("echo a$ $ \"$\"\n").words.len(), 4);
}

fn first_compound(s: &Script) -> &CompoundKind {
    match &s.body.items[0].and_or.first.commands[0] {
        Command::Compound(cc, _) => &cc.kind,
        other => panic!("not compound: {other:?}"),
    }
}

#[test]
fn arithmetic_for_loop_is_a_bashism() {
    let text = "for ((i = 0; i < ((n) + 3); i++)); do\n\techo $i\ndone\n";
    let s = ok(text);
    match first_compound(&s) {
        CompoundKind::ArithFor { init, cond, step, header, body } => {
            assert_eq!((init.as_str(), cond.as_str(), step.as_str()), ("i = 0", " i < ((n) + 3)", " i++"));
            assert_eq!(&text[header.start..header.end], "((i = 0; i < ((n) + 3); i++))");
            assert_eq!(body.items.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    let found: Vec<(&str, &str)> = s.non_posix.iter().map(|n| (n.what, &text[n.span.start..n.span.end])).collect();
    assert_eq!(found, [("`for ((…))` arithmetic loop", "for ((i = 0; i < ((n) + 3); i++))")]);
}

#[test]
fn arithmetic_for_loop_forms() {
    // bash(1): `for (( expr1 ; expr2 ; expr3 )) ; do list ; done`; each expression may be empty,
    // the `;` before `do` is optional, and `for` needs no blank before `((`.
    for text in [
        "for((;;)); do break; done\n",
        "for (( i=0 ; i<3 ; i++ ))\ndo\n\t:\ndone\n",
        "for ((i=0; i<3; i++)) do :; done\n",
        "f() {\n\tfor ((i=0; i<3; i++)); do # count\n\t\t:\n\tdone\n}\n",
    ] {
        let s = ok(text);
        assert_eq!(s.non_posix.len(), 1, "{text:?}");
    }
    // Not three expressions (bash 5.2 splits at every `;`, in parentheses too), or no `do`: still
    // a syntax error.
    for text in [
        "for ((i=0; i<3)); do :; done\n",
        "for ((i=0; i < (1; 3); i++)); do :; done\n",
        "for ((i=0;;)); :; done\n",
        "for (( x )) in a; do :; done\n",
    ] {
        assert!(!parse_script(text).errors.is_empty(), "{text:?}");
    }
}

/// Both grammars' reading of a text: the tree (or that there is none) and the builder's notes.
fn both_readings(text: &str) -> (Option<String>, Option<String>) {
    let show = |o: ParseOutcome| format!("{:?} {:?}", o.script, o.errors);
    let plain = super::PlainGrammar::parse(super::grammar::plain::Rule::program, text)
        .ok()
        .map(|mut p| show(super::built(p.next().expect("the top rule"))));
    let full = super::ShellGrammar::parse(Rule::program, text)
        .ok()
        .map(|mut p| show(super::built(p.next().expect("the top rule"))));
    (plain, full)
}

/// The plain grammar reads every text without `<<` as the full one does: the same tree, or a
/// syntax error in both. Checked on every script of the shared corpus that has no `<<`, and on
/// damaged copies of each (cut short, a quote or a brace put in, a line joined), where the
/// grammars' error paths and backtracking differ most.
#[test]
fn without_here_documents_both_grammars_read_alike() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !dir.is_dir() {
        assert!(std::env::var("CI").is_err(), "{} is missing; CI has the corpus there", dir.display());
        eprintln!("SKIPPED: {} is missing", dir.display());
        return;
    }
    let mut texts = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.expect("the corpus can be walked");
        if entry.file_type().is_file() && !entry.path().starts_with(dir.join("alpine-confd")) {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                texts.push(text);
            }
        }
    }
    assert!(texts.len() > 1000, "{} scripts", texts.len());
    let mut compared = 0;
    for (k, text) in texts.iter().enumerate() {
        let at = |n: usize| (0..=text.len() * n / 7).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let damaged = [
            text.clone(),
            text[..at(3)].to_string(),
            format!("{}\"{}", &text[..at(2)], &text[at(2)..]),
            format!("{}{{ {}", &text[..at(4)], &text[at(4)..]),
            format!("{}'{}", &text[..at(5)], &text[at(5)..]),
            text.replacen('\n', " ", 1 + k % 5),
        ];
        for t in damaged.iter().filter(|t| !t.contains("<<")) {
            let (plain, full) = both_readings(t);
            assert_eq!(plain, full, "script {k} read differently:\n{t}");
            compared += 1;
        }
    }
    assert!(compared > 8000, "{compared} texts compared");
}

/// The operators between commands leave no pair in the grammar without here-documents: the
/// builder reads them from the text, and must read what the full grammar's pairs say.
#[test]
fn operators_read_from_the_text_match_the_full_grammar() {
    let texts = [
        "a & b; c &\n",
        "! a | b |& c && ! d || e\n",
        "a \\\n |& b\n",
        "!a; ! b; !\tc\n",
        "x=$(a && b || c &) ; { d & }\n",
        "a &&\n# c\n b || # d\n c\n",
        "a & # x\nb &>/dev/null &\n",
        "if a; then b & fi\n",
        "{ a; } >x 2>&1 | while read l; do b; done <in |& c\n",
        "! ( a ) >/dev/null # note\nf() { b; } >log\n",
    ];
    for text in texts {
        let (plain, full) = both_readings(text);
        assert!(plain.is_some(), "{text:?} parses");
        assert_eq!(plain, full, "{text:?}");
    }
    let s = ok("a & b; ! c | d |& e || f && g &\n");
    let background: Vec<bool> = s.body.items.iter().map(|i| i.background).collect();
    assert_eq!(background, [true, false, true]);
    let chain = &s.body.items[2].and_or;
    assert!(chain.first.negated);
    assert_eq!(chain.first.commands.len(), 3);
    let ops: Vec<AndOrOp> = chain.rest.iter().map(|(op, _)| *op).collect();
    assert_eq!(ops, [AndOrOp::Or, AndOrOp::And]);
    let found: Vec<&str> = s.non_posix.iter().map(|n| n.what).collect();
    assert_eq!(found, ["`|&` pipe"]);
    assert!(!ok("!a\n").body.items[0].and_or.first.negated);
    let s = ok("{ a; } >x 2>&1 | b\n");
    let pipeline = &s.body.items[0].and_or.first;
    let Command::Compound(_, redirects) = &pipeline.commands[0] else { panic!("{pipeline:?}") };
    assert_eq!(redirects.len(), 2);
    assert_eq!(pipeline.commands.len(), 2);
}

#[test]
fn array_assignment_arguments_and_what_is_not_one() {
    for (text, opaque) in [
        ("local -a x=(a b) y\n", "x=(a b)"),
        ("declare a[1]=(c d)\n", "a[1]=(c d)"),
        ("local a[$i]+=(e)\n", "a[$i]+=(e)"),
        ("local a[\"k\"]=(f)\n", "a[\"k\"]=(f)"),
    ] {
        let c = simple(text);
        let quoted: Vec<_> = c
            .words
            .iter()
            .filter_map(|w| match &w.parts[..] {
                [WordPart { kind: WordPartKind::Quoted(q), .. }] if q.contains('(') => Some(q.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(quoted, [opaque], "{text:?}");
        let s = ok(text);
        assert!(s.non_posix.iter().any(|b| b.what == "array assignment"), "{text:?}: {:?}", s.non_posix);
    }
    // Words that only look like the start of one stay words.
    assert_eq!(simple("echo x= y=z [a]=b\n").words.len(), 4);
    // bash 5.2: a blank inside the index, or a word before `(`, is a syntax error there.
    for text in ["local a[1 + 2]=(x)\n", "echo foo(bar)\n", "{ echo }(x) }\n"] {
        assert!(parse_script(text).script.is_none(), "{text:?}");
    }
}
