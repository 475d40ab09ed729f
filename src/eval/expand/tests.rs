//! Word expansion on small words: each `check` expands the words of a command line against
//! some variables (and, where given, positional parameters) and compares the fields, written
//! `[text]` (`[text]*` when a pattern is left for pathname expansion), then what makes them
//! inexact.

use super::*;
use crate::shell::parse::parse_command_line;

/// The words of `text` as a command's arguments.
fn words(text: &str) -> Vec<Word> {
    let parsed = parse_command_line(&format!("_ {text}"));
    let script = parsed.script.unwrap_or_else(|| panic!("the test words parse: {text}"));
    match &script.body.items[0].and_or.first.commands[0] {
        crate::shell::ast::Command::Simple(sc) => sc.words[1..].to_vec(),
        other => panic!("not a simple command: {other:?}"),
    }
}

fn env(vars: &[(&str, &str)]) -> Environment {
    let mut env = Environment::default();
    for (n, v) in vars {
        env.set(n, ShellValue::known(*v), None);
    }
    env
}

fn render(fields: &Fields) -> String {
    let mut out: Vec<String> =
        fields.fields.iter().map(|f| format!("[{}]{}", f.text, if f.glob { "*" } else { "" })).collect();
    out.extend(fields.uncertain.iter().map(|u| format!("({})", u.brief())));
    out.join(" ")
}

/// Expands `text` into fields with `vars` set and `$1`… unknown (the top level).
#[track_caller]
fn check(vars: &[(&str, &str)], text: &str, expect: &str) {
    let mut env = env(vars);
    let fields = Expander::new(&mut env, FileId::default()).fields(&words(text));
    assert_eq!(render(&fields), expect, "words: {text}");
}

/// The same inside a function called with `params`.
#[track_caller]
fn check_params(params: &[&str], text: &str, expect: &str) {
    let mut env = Environment::default();
    let params: Vec<String> = params.iter().map(|p| p.to_string()).collect();
    let fields = Expander::new(&mut env, FileId::default()).with_positional(Some(&params)).fields(&words(text));
    assert_eq!(render(&fields), expect, "words: {text}");
}

/// Expands each word without field splitting, as an assignment does: `[text]` each, then what
/// makes any of them inexact.
#[track_caller]
fn check_string(vars: &[(&str, &str)], text: &str, expect: &str) {
    let mut env = env(vars);
    let mut texts = Vec::new();
    let mut uncertain = Vec::new();
    for w in words(text) {
        let v = Expander::new(&mut env, FileId::default()).string(&w);
        texts.push(format!("[{}]", v.text));
        uncertain.extend(v.uncertain.iter().map(|u| format!("({})", u.brief())));
    }
    texts.extend(uncertain);
    assert_eq!(texts.join(" "), expect, "words: {text}");
}

#[test]
fn quoting() {
    check(&[("x", "1  2")], r#"a'b c'"d $x""#, "[ab cd 1  2]");
    check(&[], r#"'' "" a"""#, "[] [] [a]");
    check(&[("x", "$y")], r#"'$x' "\$x" \$x $x"#, "[$x] [$x] [$x] [$y]");
    // bash and busybox ash decode it; dash, Debian's /bin/sh, does not: which applies is only
    // known on the machine.
    check(
        &[],
        r#"$'a\tb'"#,
        "[a\tb] (runtime `$'…'` (dash, Debian's /bin/sh, keeps the `$` and the backslashes; busybox ash decodes them))",
    );
}

#[test]
fn field_splitting() {
    check(&[("x", " 1  2 ")], r#"$x "$x" a${x}b"#, "[1] [2] [ 1  2 ] [a] [1] [2] [b]");
    check(&[("empty", "")], r#"$empty "$empty" ${empty}"#, "[]");
    check(&[("IFS", ":"), ("x", "a:b::c")], "$x", "[a] [b] [] [c]");
    check(&[("IFS", ""), ("x", "a b")], "$x", "[a b]");
    // An IFS only known at run time is taken to be the default.
    check(&[("x", "a b")], "$x", "[a] [b]");
}

#[test]
fn parameter_forms() {
    let vars = [("x", "value"), ("e", ""), ("p", "/usr/lib/libfoo.so.1"), ("ref", "x")];
    let c = |text: &str, expect: &str| check_string(&vars, text, expect);
    c("${x:-d} ${u:-d} ${e:-d} ${e-d}", "[value] [d] [d] []");
    c("${x:+alt}${e:+alt}${e+set}${u+set}", "[altset]");
    c("${#x} ${#u}", "[5] [0] (unset u)");
    c(
        "${p#*/} ${p##*/} ${p%.*} ${p%%.*}",
        "[usr/lib/libfoo.so.1] [libfoo.so.1] [/usr/lib/libfoo.so] [/usr/lib/libfoo]",
    );
    c("${x/a/A} ${p//\\//_} ${x/#v/V} ${x/%e/E}", "[vAlue] [_usr_lib_libfoo.so.1] [Value] [valuE]");
    c("${x^} ${x^^} ${x,}", "[Value] [VALUE] [value]");
    c("${x:1:3} ${x:2} ${x: -2}", "[alu] [lue] [value] (runtime substring expansion)");
    c("${!ref}", "[value]");
    c("${!u}", "[] (unset u) (runtime `${!name}` indirection)");
    c("${u:?}", "[] (runtime `${u:?}`: the script stops when `u` is unset)");
    c("${u}", "[] (unset u)");
    c("${x[1]}", "[] (runtime bash array)");
}

#[test]
fn assigning_defaults() {
    let mut env = env(&[("set", "1")]);
    let fields = Expander::new(&mut env, FileId::default()).fields(&words("${PORT:=80} ${set:=2} ${u:=$none}"));
    assert_eq!(render(&fields), "[80] [1] (unset none)");
    assert_eq!(env.get("PORT").map(|v| v.value.text.as_str()), Some("80"));
    assert_eq!(env.get("u").map(|v| v.value.uncertain.len()), Some(1));
}

#[test]
fn positional_parameters() {
    check_params(&["a b", "c"], r#""$@""#, "[a b] [c]");
    check_params(&["a b", "c"], "$@ $*", "[a] [b] [c] [a] [b] [c]");
    check_params(&["a b", "c"], r#""$*""#, "[a b c]");
    check_params(&["a b", "c"], r#""x$@y""#, "[xa b] [cy]");
    check_params(&["a b", "c"], "$# $1 $2 $3", "[2] [a] [b] [c] (unset 3)");
    check_params(&[], r#""$@" "$1""#, "[] (unset 1)");
    check_params(&["a"], "$0", "(runtime `$0`)");
    // At the top level the parameters are only known at run time.
    check(&[], r#"$1 "$@" $#"#, "[] (runtime `$1`) (runtime `$@`) (runtime `$#`)");
    check(&[], "$$ $? $!", "(runtime `$$`) (runtime `$?`) (runtime `$!`)");
}

#[test]
fn substitutions_and_arithmetic() {
    check(&[], r#"$(date) "$(date)" `id -u`"#, "[] ($(…)) ($(…)) ($(…))");
    check(&[("n", "4")], "$((n * 2 + 1)) $((0x10))", "[9] [16]");
    check(&[], "$((1 / 0))", "[0] (arithmetic)");
    check(&[], "<(cmd)", "[] (runtime process substitution)");
}

#[test]
fn patterns_left_for_pathname_expansion() {
    check(
        &[("g", "*.conf")],
        r#"/etc/*.conf "/etc/*.conf" $g "$g" a[bc]"#,
        "[/etc/*.conf]* [/etc/*.conf] [*.conf]* [*.conf] [a[bc]]*",
    );
    // A `[` opens a bracket expression only when an unquoted `]` closes it; a `]` first in the
    // list is a member (POSIX XCU 2.13.1): `[]:` and a lone `[` are plain text, as dash prints them.
    check(
        &[("host", "")],
        "[$host]:80 [ a[ []:x []] [!]x] [[:digit:]] [[:x] [a\\] '[a]'",
        "[[]:80] [[] [a[] [[]:x] [[]]]* [[!]x]]* [[[:digit:]]]* [[[:x]]* [[a]] [[a]]",
    );
    check(&[("p", "[a]")], r#"$p "$p" x"["a]"#, "[[a]]* [[a]] [x[a]]");
    // Characters of more than one byte around and inside the brackets, split or not.
    check(
        &[("u", "é[é] ü*ü [é"), ("IFS", " é")],
        r#"ü[é] "ü["é] $u [!é]x"#,
        "[ü[é]]* [ü[é]] [] [[] []] [ü*ü]* [[] [[!é]x]*",
    );
}

#[test]
fn splitting_text_as_eval_does() {
    let mut env = env(&[("IFS", " ")]);
    let fields = Expander::new(&mut env, FileId::default()).split_text(" -a  'b c' ", Span::default());
    let texts: Vec<&str> = fields.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(texts, ["-a", "'b", "c'"]);
}
