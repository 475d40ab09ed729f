//! The interpreter on small scripts: each `check` runs a script's top level and compares the
//! variables it leaves (and what the interpreter reported) with the expected lines. They say
//! what rc2s6 does today, including where that differs from the shell (marked "differs").

use super::*;
use crate::eval::observer::ObservedCommand;
use crate::shell::parse::parse_script;

/// A value's uncertainties, briefly.
fn kinds(v: &crate::eval::value::ShellValue) -> String {
    let kinds: Vec<String> = v.uncertain.iter().map(Uncertainty::brief).collect();
    if kinds.is_empty() { String::new() } else { format!(" [{}]", kinds.join(", ")) }
}

/// The global variables, one `[export ]name=text [uncertainties]` line each, then `! diagnostic`s.
fn render<O: Observer>(interp: &Interpreter<O>) -> Vec<String> {
    let mut out: Vec<String> = interp
        .env
        .globals()
        .map(|(name, v)| {
            let export = if v.exported { "export " } else { "" };
            format!("{export}{name}={}{}", v.value.text, kinds(&v.value))
        })
        .collect();
    out.extend(interp.diagnostics.iter().map(|d| format!("! {}", d.error)));
    out
}

fn run<O: Observer>(script: &str, observer: O) -> Interpreter<O> {
    let parsed = parse_script(script);
    let ast = parsed.script.unwrap_or_else(|| panic!("the test script parses: {script}"));
    let mut interp = Interpreter::observed(Environment::default(), observer);
    interp.run_file(FileId::default(), &ast);
    interp
}

#[track_caller]
fn check(script: &str, expect: &[&str]) {
    assert_eq!(render(&run(script, ())), expect, "script:\n{script}");
}

#[test]
fn assignments() {
    check("a=1\nb=$a-x\nc=\"$a  $b\"", &["a=1", "b=1-x", "c=1  1-x"]);
    check("d=\ne+=x\na=1\na+=2", &["a=12", "d=", "e=x"]);
    check("f=$(date)\ng=`date`", &["f= [$(…)]", "g= [$(…)]"]);
    check("g=$nothing", &["g= [unset nothing]"]);
    // In arithmetic an unset variable is 0, as in the shell, and not reported.
    check("n=$((1 + 2 * 3))\nm=$((x + 1))", &["m=1", "n=7"]);
    check("arr=(a b)\narr[1]=c", &["arr= [runtime bash array]"]);
    check(": ${PORT:=8080} ${PORT:=9090}\n: ${HOST=}", &["HOST=", "PORT=8080"]);
    check("x=1\nunset x", &[]);
    check(
        "read a b < /etc/f\ngetopts ab opt",
        &["a= [command output]", "b= [command output]", "opt= [command output]"],
    );
}

#[test]
fn exports_and_allexport() {
    check("export A=1\nB=2\nexport B\nexport C", &["export A=1", "export B=2"]);
    check("set -a\nA=1\nset +a\nB=2", &["export A=1", "B=2"]);
    check("set -o allexport\nC=3\nset +o allexport\nD=4", &["export C=3", "D=4"]);
    // `set -e` and `set --` leave allexport alone; `set --` gives the top level known `$1`….
    check("set -e\nE=5\nset -- a b\nF=$1", &["E=5", "F=a"]);
    check("readonly R=1\ndeclare S=2", &["R=1", "S=2"]);
    // A field that is `NAME=value` once expanded is an assignment (svxlink: `export $ENV`).
    check("ENV='A=1 B=x=y'\nexport $ENV", &["export A=1", "export B=x=y", "ENV=A=1 B=x=y"]);
    // Which names an unknowable field sets or exports is unknown: said, not silently dropped.
    check("ENV=$(uname)\nexport $ENV", &["ENV= [$(…)]", "! `export` of names that are only known at run time"]);
    // A value computed at start is no better here: its marker stands in the text.
    check(
        "ENV=$(cat f)\nexport $ENV",
        &["ENV=\u{e000}cf\u{e001} [at start $(cat f)]", "! `export` of names that are only known at run time"],
    );
    check("export $(cat f) B=1", &["export B=1", "! `export` of names that are only known at run time"]);
    check("E='A=1 -n 1B=2'\nreadonly $E", &["A=1", "E=A=1 -n 1B=2"]);
}

#[test]
fn conditions_that_can_be_decided() {
    check("a=1\nif [ \"$a\" = 1 ]; then x=yes; else x=no; fi", &["a=1", "x=yes"]);
    check("if [ -n \"\" ]; then x=1; elif [ 2 -gt 1 ]; then x=2; else x=3; fi", &["x=2"]);
    check("[ -z \"\" ] && y=1 || y=2", &["y=1"]);
    check("false || y=2\ntrue && z=3\n! true || w=4", &["w=4", "y=2", "z=3"]);
    check("[[ abc == a* ]] && p=1", &["p=1"]);
    check(
        "v=yes\nif yesno $v; then a=1; fi\nif yesno v; then b=1; fi\nif yesno off; then c=1; fi",
        &["a=1", "b=1", "v=yes"],
    );
}

#[test]
fn conditions_that_cannot_be_decided_run_both_ways() {
    check("if [ -f /etc/x ]; then x=1; fi", &["x=1 [conditional]"]);
    // Both ways assign: the `then` way's text is kept, marked conditional.
    check("if [ -f /etc/x ]; then m=a; else m=b; fi", &["m=a [conditional]"]);
    check("m=b\nif [ -d /x ]; then m=a; fi", &["m=a [conditional]"]);
    check("test -f /x && z=1\n[ -e /y ] || w=2", &["w=2 [conditional]", "z=1 [conditional]"]);
    // A value unknowable before the branch stays so.
    check("if [ \"$(id -u)\" = 0 ]; then r=root; fi", &["r=root [conditional]"]);
    check("grep -q x /f && g=1", &["g=1 [conditional]"]);
}

#[test]
fn functions() {
    check("f() { x=in_f; }\nf", &["x=in_f"]);
    check("g() { y=$1; z=$#; }\ng hello world", &["y=hello", "z=2"]);
    // Arguments only known at run time: `$1` is unknown, the function still runs.
    check("g() { y=$1; }\ng $(cmd)", &["y= [runtime `$1`]"]);
    check("h() { a=1; return 0; a=2; }\nh", &["a=1"]);
    check("f() { set -- a b; shift; p=$1; }\nf", &["p=b"]);
    // Where nothing splits fields, dash joins `"$@"` with IFS's first character, as `"$*"`
    // (issue 11, bug 3: mqtt-exec's `command_args="$@"`).
    check("f() { q=\"$@\"; }\nf a b", &["q=a b"]);
    check("f() { IFS=:; q=\"x$@y\" r=\"$*\"; IFS=; s=\"$@\"; }\nf a b", &["IFS=", "q=xa:by", "r=a:b", "s=ab"]);
    // A function defined in a branch that cannot be decided is still defined.
    check("if [ -f /x ]; then f() { r=1; }; fi\nf", &["r=1"]);
    // Recursion stops at 32 calls; a call tree that grows runs into the step limit.
    check("f() { n=1; f; }\nf", &["n=1"]);
    check("f() { f; f; }\nf", &["! rc2s6 stopped following the script after 20000 commands"]);
}

/// Assignments before a command name hold, exported, while it runs (a function's too) and are
/// gone after it, as in dash, busybox ash and bash; before a special built-in they last (POSIX
/// 2.14). Measured: `f() { echo "[$x]"; }; x=1; x= f; echo "[$x]"` prints `[]` then `[1]` in all
/// three; with `g() { x=5; }`, `x=2 g` leaves x=1 in all three.
#[test]
fn assignments_before_a_command() {
    check(
        "f() { seen=$x; }
x=1
x= f",
        &["seen=", "x=1"],
    );
    check(
        "g() { x=5; }
x=1
x=2 g",
        &["x=1"],
    );
    check(
        "f() { seen=$y; }
y=2 f
z=3 cmd",
        &["seen=2"],
    );
    check(
        "a=1 :
b=2 export c=3",
        &["a=1", "b=2", "export c=3"],
    );
}

/// The observer sees the command's own assignments in the variables it is given.
/// `word_fields` is each word's share of the command's own expansion: a word that makes no
/// field, or several, and what makes each word inexact stays with that word's fields; the words
/// are expanded before the assignments in front of the command name (POSIX XCU 2.9.1), once.
#[test]
fn an_observer_reads_each_words_fields_from_the_commands_expansion() {
    #[derive(Default)]
    struct Words(Vec<String>);
    impl Observer for Words {
        fn command(&mut self, command: &ObservedCommand<'_>) -> Option<Status> {
            let words = command.word_fields();
            assert_eq!(words.texts, command.fields);
            for (text, u) in words.texts.iter().zip(&words.uncertain) {
                let kinds: Vec<String> = u.iter().map(Uncertainty::brief).collect();
                self.0.push(format!("{text}[{}]", kinds.join(",")));
            }
            None
        }
    }
    let interp = run("ab='a b'\nX=old\nX=new cmd \"$X\" $ab $empty \"$nothing\" ${i:=1} $i", Words::default());
    assert_eq!(
        interp.observer.0,
        ["cmd[]", "old[]", "a[]", "b[]", "[unset nothing]", "1[]", "1[]"],
        "`$empty` makes no field; `${{i:=1}}` assigns before `$i`"
    );
}

#[test]
fn an_observer_sees_the_assignments_before_a_command() {
    #[derive(Default)]
    struct Env(Vec<String>);
    impl Observer for Env {
        fn command(&mut self, command: &ObservedCommand<'_>) -> Option<Status> {
            let v = command.env.get("command").map(|v| format!("{}:{}", v.value.text, v.exported));
            self.0.push(format!("{} {v:?}", command.name));
            None
        }
    }
    let interp = run(
        "command=/bin/x
command=\"\" default_start
echo done",
        Env::default(),
    );
    assert_eq!(interp.observer.0, ["default_start Some(\":true\")", "echo Some(\"/bin/x:false\")"]);
}

#[test]
fn locals() {
    check("v=global\nf() { local v=inner; w=$v; }\nf", &["v=global", "w=inner"]);
    check("f() { local v; v=2; }\nv=1\nf", &["v=1"]);
    // Outside a function, `local` assigns a global.
    check("local q=1", &["q=1"]);
    // A local assigned under a condition stays local.
    check("v=global\nf() { if [ -f /x ]; then local v=2; fi; }\nf", &["v=global"]);
}

#[test]
fn eval() {
    check("eval \"x=1 y=2\"\neval 'z=$x'", &["x=1", "y=2", "z=1"]);
    check("eval \"$(cmd)\"", &["! `eval` of text that is only known at run time"]);
    check("n=port\neval \"${n}=80\"", &["n=port", "port=80"]);
}

#[test]
fn loops() {
    check("for i in a b c; do last=$i; done", &["i=c", "last=c"]);
    check("for i in 1 2 3; do if [ $i = 2 ]; then break; fi; k=$i; done", &["i=2", "k=1"]);
    check("for i in $(ls); do n=$i; done", &["i= [conditional]", "n= [conditional]"]);
    check("for i in /etc/*.conf; do n=$i; done", &["i= [conditional]", "n= [conditional]"]);
    check("f() { for a; do b=$a; done; }\nf x y", &["a= [conditional]", "b= [conditional]"]);
    check("while false; do x=1; done\nuntil true; do y=1; done", &[]);
    // A loop that cannot be unrolled runs once, its assignments conditional.
    check("while read line; do x=$line; done < /f", &["line= [command output]", "x= [command output, conditional]"]);
    // bash's `for ((…))`: its arithmetic is not evaluated, so whether the body runs is unknown
    // (differs: bash runs it for i=0 and i=1, leaving x=1).
    check("for ((i = 0; i < 2; i++)); do x=1; done", &["x=1 [conditional]"]);
}

/// A `break`, `continue` or successful `return` taken one way of an undecidable condition skips
/// what follows it that way: what follows is conditional (alpine/minio's `for conf in …; do
/// [ -w "$conf" ] && break; done` chose the last word, as if the break never happened).
#[test]
fn jumps_under_a_condition_make_what_follows_conditional() {
    check("for c in /a /b x; do [ -w \"$c\" ] && break; done", &["c=x [conditional]"]);
    check("for c in 1 2; do if [ -f /x ]; then continue; fi; n=$c; done", &["c=2", "n=1 [conditional]"]);
    check("f() { [ -f /x ] && return 0; v=1; }\nf", &["v=1 [conditional]"]);
    check("f() { if [ -f /x ]; then return; fi; v=1; }\nf", &["v=1 [conditional]"]);
    // A failing return ends a start that fails, which the model does not follow.
    check("f() { [ -f /x ] || return 1; v=1; }\nf", &["v=1"]);
    check("f() { checkpath -d /x || return; v=1; }\nf", &["v=1"]);
    // A subshell's return leaves the subshell only.
    check("f() { ( [ -f /x ] && return 0 ); v=1; }\nf", &["v=1"]);
}

#[test]
fn case() {
    check("case foo in f*) c=1;; *) c=2;; esac", &["c=1"]);
    check("case bar in f*|b*) c=1;; esac\ncase x in y) d=1;; esac", &["c=1"]);
    check("case a in a) x=1;& b) y=2;; c) z=3;; esac", &["x=1", "y=2"]);
    // bash's `;;&` goes on testing the next patterns (issue 11, bug 17).
    check("case ab in a*) x=1;;& b) y=2;; *b) z=3;; *) w=4;; esac", &["x=1", "z=3"]);
    // Undecidable: every item from the first undecidable one may run; the last one's text is kept.
    check("case $(uname) in Linux) os=l;; *) os=o;; esac", &["os=o [conditional]"]);
    check("case x in x) a=1;; $(y)) a=2;; esac", &["a=1"]);
}

#[test]
fn subshells_pipelines_and_background_keep_nothing() {
    check("(x=1)\ny=1 | cat\nz=1 &\n{ w=1; }", &["w=1"]);
}

#[test]
fn what_is_not_followed_is_reported() {
    check(
        ". /etc/default/foo\nsource ./x",
        &[
            "! `.` reads another file whose variables rc2s6 does not see",
            "! `source` reads another file whose variables rc2s6 does not see",
        ],
    );
}

/// Records every command as `name` (`?name` when conditional) and takes `stop_here` over with a
/// false status; picks the first way of an undecidable `if` when it ran `pick_me`.
#[derive(Default)]
struct Recorder {
    seen: Vec<String>,
}

impl Observer for Recorder {
    fn command(&mut self, command: &ObservedCommand<'_>) -> Option<Status> {
        let mark = if command.condition.is_some() { "?" } else { "" };
        let bg = if command.background { "&" } else { "" };
        self.seen.push(format!("{mark}{}{bg}", command.fields.join(" ")));
        (command.name == "stop_here").then_some(Status::False)
    }

    fn mark(&self) -> Option<usize> {
        Some(self.seen.len())
    }

    fn pick_way(&mut self, start: usize, middle: usize, _outer: Option<Loc>) -> Option<bool> {
        self.seen[start..middle].iter().any(|s| s.contains("pick_me")).then_some(true)
    }
}

#[test]
fn an_observer_sees_every_command_and_can_take_one_over() {
    let interp =
        run("echo a\nif [ -f /x ]; then logger b; fi\nsleep 1 &\nstop_here && x=1 || y=2", Recorder::default());
    assert_eq!(interp.observer.seen, ["echo a", "[ -f /x ]", "?logger b", "sleep 1&", "stop_here"]);
    assert_eq!(render(&interp), ["y=2"]);
    // The way the observer picks is the one whose variables are kept, unconditionally.
    let interp = run("if [ -f /x ]; then pick_me; a=1; else a=2; fi", Recorder::default());
    assert_eq!(render(&interp), ["a=1"]);
}

#[test]
fn a_function_run_on_a_copy_leaves_the_original_alone() {
    let mut interp = run("x=1\nf() { x=2; y=3; }", ());
    let run = interp.run_on_copy("f", ()).expect("f is defined");
    assert_eq!(run.env.get("y").map(|v| v.value.text.as_str()), Some("3"));
    assert!(interp.run_on_copy("g", ()).is_none());
    assert_eq!(render(&interp), ["x=1"]);
    assert!(interp.call_function("f"));
    assert_eq!(render(&interp), ["x=2", "y=3"]);
}

/// `$(dirname X)` and `$(basename X [SUFFIX])` with known words are computed (POSIX fixes what
/// they print); anything else about them stays unknowable.
#[test]
fn pure_utilities_computed() {
    check("p=/run/ospd/o.pid\n: ${S:=$(dirname $p)/o.sock}", &["S=/run/ospd/o.sock", "p=/run/ospd/o.pid"]);
    check("c=/etc/kea/k.conf\nb=$(basename ${c%.conf})", &["b=k", "c=/etc/kea/k.conf"]);
    check("b=\"$(basename /a/b.c .c)\"x", &["b=bx"]);
    // The operand splits like any unquoted word: two operands to dirname is not POSIX's.
    check("p='/a b/c'\nd=$(dirname $p)", &["d= [$(…)]", "p=/a b/c"]);
    check("p='/a b/c'\nd=$(dirname \"$p\")", &["d=/a b", "p=/a b/c"]);
    // A function of the script shadows the utility.
    check("dirname() { echo x; }\nd=$(dirname /a/b)", &["d=x"]);
    check("dirname() { cat /x; }\nd=$(dirname /a/b)", &["d= [$(…)]"]);
    // An unset variable is empty, as OpenRC would have it, and said.
    check("d=$(dirname \"$u\")", &["d=. [unset u]"]);
    // Words only known at run time, globs, pipelines, redirections, options: not computed.
    check("d=$(dirname $unset_thing)", &["d= [$(…)]"]);
    check("d=$(dirname /a/*)", &["d= [$(…)]"]);
    check("d=$(dirname /a/b | tr a b)", &["d= [$(…)]"]);
    check("d=$(dirname /a/b 2>/dev/null)", &["d= [$(…)]"]);
    check("d=$(dirname -z /a/b)", &["d= [$(…)]"]);
    check("d=`dirname /a/b`", &["d= [$(…)]"]);
    // The substitution is a subshell: `${x:=…}` inside assigns nothing outside.
    check("d=$(dirname ${x:=/a/b})", &["d=/a"]);
}

/// `$(f ARGS)` for a function of the script that only writes with `echo`/`printf` what POSIX
/// fixes: its output (trailing newlines removed), on a copy of the variables; anything it does
/// that rc2s6 cannot follow leaves the substitution unknowable.
#[test]
fn function_output_computed() {
    let optif = "optif() {\n\ttest -n \"$2\" && printf '%s\\n' \"$1 $2\"\n}\n";
    check(
        &format!("{optif}p=80\na=\"-x $(optif --port \"$p\") $(optif --host \"$h\")\""),
        &["a=-x --port 80  [unset h]", "p=80"],
    );
    let togif = "togif() {\n\tyesno \"$2\" && printf '%s\\n' \"$1\"\n}\n";
    check(&format!("{togif}c=yes\na=\"$(togif --compress \"$c\")$(togif --io no)\""), &["a=--compress", "c=yes"]);
    let echo = "optif() { test -n \"$2\" && echo \"$1 $2\"; }\n";
    check(&format!("{echo}a=$(optif --port 1)"), &["a=--port 1"]);
    let quoted = "optif() { test -n \"$2\" && printf %s \"$1='$2'\"; }\n";
    check(&format!("{quoted}a=$(optif --u '/run/a b')"), &["a=--u='/run/a b'"]);
    // The function's assignments stay in the substitution's subshell.
    check("f() { x=1; echo y; }\na=$(f)", &["a=y"]);
    // An assignment alone has the substitution's status.
    check("f() { return 1; }\na=$(f) || b=no", &["a=", "b=no"]);
    // Undecidable conditions, other programs, redirections, escapes: unknowable.
    check("f() { [ -f /x ] && echo y; }\na=$(f)", &["a= [$(…)]"]);
    check("f() { cat /etc/x; }\na=$(f)", &["a= [$(…)]"]);
    check("f() { echo y >&2; }\na=$(f)", &["a= [$(…)]"]);
    check("f() { { echo y; } >&2; }\na=$(f)", &["a= [$(…)]"]);
    check("f() { echo 'a\\tb'; }\na=$(f)", &["a= [$(…)]"]);
    check("f() { echo -n y; }\na=$(f)", &["a= [$(…)]"]);
    check("f() { printf '%d' 1; }\na=$(f)", &["a= [$(…)]"]);
    check("f() { echo y | tr y z; }\na=$(f)", &["a= [$(…)]"]);
    check("f() { echo $$; }\na=$(f)", &["a= [$(…)]"]);
    check("f() { echo $unset_here; }\na=$(f)", &["a= [unset unset_here]"]);
    check("f() { echo $(g); }\ng() { echo y; }\na=$(f)", &["a= [$(…)]"]);
    // A function that calls itself for its output stops within the step limit.
    check("f() { a=$(f)$(f); echo x; }\nb=$(f)", &["b=x"]);
}
