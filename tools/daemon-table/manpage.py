"""Man pages as stage 2 needs them: rendered by man-db (groff), split into option blocks (tag +
description), and each option's description read for what it says about forking.

What an option description is taken to say (per sentence, case-insensitive):
- `fg`: it keeps the program in the foreground ("do not fork", "run in the foreground", "don't
  daemonize", "do not detach", "without forking", "no-daemon mode", ...);
- `bg`: it makes the program fork ("daemonize", "fork into the background", "run as a daemon",
  "detach from the terminal", "become a daemon", ...), and `bg-default` when the same sentence
  says it is the default (then the program forks without it);
- nothing, when neither is said, and `mixed` when sentences say both.
Sentences about what happens otherwise ("by default it forks", "unless -f is given") are not
counted for the option itself, except to notice a default.
An `fg` option has side effects when its description also speaks of debugging, verbosity,
logging to the terminal/stderr, a test or single run, inetd, mail, or "implies": such an option is
only recognised as already keeping the program in the foreground, never added.
"""

import gzip
import os
import re
import subprocess

NEG = r"(?:do not|don't|does not|doesn't|will not|won't|shall not|should not|never|not|no longer|cannot|can't|nor)"
FG_PATTERNS = [
    # A bare "background" only right after the negation ("don't background"): "do not make
    # transparent background of diagram" (blockdiag3(1)) speaks of a picture.
    NEG + r" (?:\w+ ){0,3}(?:(?:go|fork|run|move|detach) (?:in)?to (?:the )?background|fork|daemoni[sz]e|daemoni[sz]ing|detach|become (?:a )?daemon|run as (?:a )?daemon|run in (?:the )?background|put \w+ (?:in)?to (?:the )?background|disassociate|double[- ]fork)",
    NEG + r" background\b",
    r"(?:run|runs|running|stay|stays|staying|remain|remains|remaining|keep|keeps|keeping|execute|executes|start|starts|operate|operates|work|works|be|is|stays?)(?: \S+){0,4} in (?:the )?foreground\b",
    r"\bforeground (?:mode|process|operation|execution)\b",
    r"\bin foreground mode\b",
    r"^(?:run )?(?:in )?(?:the )?foreground\b",
    r"\bwithout (?:\w+ )?(?:forking|daemoni[sz]ing|detaching|going (?:in)?to (?:the )?background|becoming a daemon|backgrounding|running in the background|running as a daemon)",
    r"\b(?:no|non)[- ]?(?:daemon(?:i[sz]e)?|detach|fork)(?:ing|ed)?\s*(?:$|[,.;:])|\b(?:no|non)[- ]?(?:daemon|detach|fork)(?:ing)? mode\b",
    # At most two words between: "skip checking that the daemon is running" (swtchrd(1)) and
    # "disable the use of fork() while scanning the registry" (goobox(1)) are not about the
    # program itself.
    r"\b(?:prevent|prevents|disable|disables|inhibit|inhibits|suppress|suppresses|skip|skips|avoid|avoids|turn off|turns off)(?: \S+){0,2} (?:fork|daemon|detach|background)",
    r"\bstay(?:s)? attached\b",
    r"\b(?:stop|stops|keep|keeps|prevent|prevents|prevented)(?: \S+){0,3} from (?:fork\w*|daemoni\w+|detach\w*|becoming a daemon|going (?:in)?to (?:the )?background|running in (?:the )?background|running as a daemon|backgrounding)",
]
BG_PATTERNS = [
    r"\b(?:fork|forks|forking|go|goes|going|put|puts|run|runs|running|send|sends|move|moves|detach|detaches|place|places|switch|switches|be|is)(?: \S+){0,3} (?:in)?to (?:the )?background\b",
    r"\b(?:run|runs|running|start|starts|act|acts|operate|operates|execute|executes|work|works|launch|launches|be|is|behave|behaves)(?: \S+){0,3} (?:as|in) (?:a |the )?(?:background )?(?:daemon|background)\b",
    r"\bdaemoni[sz](?:e|es|ed|ing|ation)\b",
    r"\bdetach(?:es|ed|ing)? (?:itself |themselves )?(?:from )?(?:the )?(?:controlling )?(?:terminal|tty|console|shell)\b",
    r"\bdetach(?:es)?(?: itself)?(?: and run)?(?: after| at| on| once| when|\.|,|$)",
    r"\bbecome(?:s)? (?:a )?(?:background )?daemon\b",
    r"\b(?:daemon|background) mode\b",
    r"\bfork(?:s|ing)?(?: itself| off)?(?: (?:at|on) (?:startup|start|launch)| after (?:start|startup|initiali[sz]ation|init|loading|reading|binding|setup)| and (?:exit|detach|go)|(?: itself)? away)",
    r"^(?:run )?(?:in )?(?:the )?background\b",
]
NEG_BEFORE = re.compile(
    NEG + r"\b|\b(?:stop|stops|keep|keeps|prevent|prevents)\b.*\bfrom\b|\binstead of\b|\bwithout\b|\brather than\b|\bprevent|\bdisable|\binhibit|\bsuppress|\bavoid|\bturn(?:s)? off\b|\bskip|\bno\b|\bnon-"
)
# Sentences that speak of what happens without the option, or of a default.
OTHERWISE = re.compile(r"\b(?:by default|default|defaults|unless|otherwise|normally|usually|if not|when not|if this option is not|without this option|omitted|absent)\b")
DEFAULT = re.compile(r"\bdefault\b")
SIDE_EFFECTS = [
    (re.compile(r"\bdebug(?:ging)? (?:mode|output|messages?|information|info|level|logging|log)\b|^debug|\b(?:enables?|turns? on|prints?|shows?|sets?|increases?|debug) (?:\S+ ){0,3}debug|\bdebug\b(?! ?(?:purposes|problems|issues|it|the|a|your|when)\b)(?<!for debug)(?<!useful for debug)"), "debug"),
    (re.compile(r"\bverbos"), "verbose"),
    (re.compile(r"\btrac(?:e|ing)\b"), "trace"),
    (re.compile(r"\b(?:stderr|stdout|standard (?:error|output)|std(?:err|out)|console|tty|terminal|screen|output)\b"), "terminal output"),
    (re.compile(r"\binteractive"), "interactive"),
    (re.compile(r"\bimpl(?:y|ies)\b|\bsame as (?:-|giving|specifying)\S* .* and\b"), "implies other options"),
    (re.compile(r"\bonce\b|\bsingle\b|\bone[- ]shot\b|\bone (?:connection|request|client|session|run)\b"), "single run"),
    (re.compile(r"\bexit(?:s|ing)?\b|\bquit(?:s)?\b|\bterminat(?:e|es|ing)\b"), "exits"),
    (re.compile(r"\bprint(?:s|ing)?\b|\bdisplay(?:s)?\b|\bdump(?:s)?\b"), "prints"),
    (re.compile(r"\binetd\b|\bstdin\b|\bstandard input\b"), "inetd mode"),
    (re.compile(r"\bmail"), "mail"),
    (re.compile(r"\btest(?:ing)?\b|\bdry[- ]run\b|\bcheck(?:s)? (?:the )?config"), "test"),
    (re.compile(r"\bdeprecated\b|\bobsolete\b|\bignored\b|\bno effect\b|\bno-op\b|\bhas no\b"), "deprecated or ignored"),
    (re.compile(r"\bconnections?\b|\brequests?\b|\bqueries\b|\bclients?\b"), "changes how connections are served"),
    (re.compile(r"\btwice\b|\bmore than once\b|\bmultiple times\b|\brepeat"), "means more when repeated"),
]
# Phrases of the fg/bg vocabulary that contain words of the side-effect list ("do not detach
# from the terminal" says nothing about output to the terminal).
FG_NOISE = re.compile(
    r"(?:from|to|of) (?:the |its |a )?(?:current |controlling |invoking )?(?:terminal|tty|console|shell)\b(?! for)|controlling (?:terminal|tty)"
)


def normalise(text):
    t = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2010", "-").replace("\u2212", "-")
    t = re.sub(r"\s+", " ", t).strip().lower()
    return t


def sentences(text):
    """Sentences, and the clauses of a sentence that a "but", "otherwise" or "unless" starts (so
    "do not go into the background at startup but otherwise run as normal" keeps its first
    clause)."""
    text = text.replace("(", " ").replace(")", " ")
    parts = re.split(
        r"(?<=[.;!?])\s+|\s+-{1,2}\s+|\s*;\s*|,?\s+(?=but\b|otherwise\b|unless\b|whereas\b|while\b|however\b|as opposed to\b|rather than\b|instead of\b|when\b|whenever\b|if\b|even though\b|even if\b|although\b|though\b)|,\s+(?=by default\b|after\b|once\b)",
        text,
    )
    return [p.strip(" .,") for p in parts if p and p.strip(" .,")]


OTHER_ACTION = re.compile(
    r"^(?:terminate|terminates|kill|kills|stop|stops|signal|signals|query|queries|list|lists|show|shows|print|prints|connect|connects|attach|attaches|check|checks|reload|reloads|restart|restarts|wait|waits|send|sends|ask|asks|tell the|talk|talks|contact|contacts|control|controls|shut|shuts|display|displays|report|reports|dump|dumps|test|tests|disable|disables|specify|specifies)\b"
)
FG_OTHER_ACTION = re.compile(
    r"^(?:terminate|terminates|kill|kills|signal|signals|query|queries|list|lists|show|shows|print|prints|connect|connects|attach|attaches|check|checks|reload|reloads|restart|restarts|wait|waits|send|sends|ask|asks|tell the|talk|talks|contact|contacts|control|controls|shut|shuts|display|displays|report|reports|dump|dumps|test|tests|specify|specifies|use|uses|log|logs|write|writes|set|sets)\b"
)
CHILDREN = re.compile(
    r"\bfork\w* (?:off )?(?:a |new |one |extra |separate )?(?:child|children|process(?:es)?|workers?|instances?|threads?|subprocess\w*)\b|\bforks? (?:for|on|per) (?:each|every)\b"
)
ALTERNATIVE = re.compile(r"^(?:as opposed to|rather than|instead of)\b")
CONDITION = re.compile(
    r"^(?:when|if|while|whenever|once|after|only when|only if|in case|in \S+(?: \S+)? mode|with \S+ mode|even though|even if|although|though)\b"
)


def classify(desc):
    """-> (class, matched fg/bg sentences, side effects, mentions_default)"""
    t = normalise(desc)
    # A Mac OS file's resource fork is data, not a process (rdiff-backup(1)).
    t = re.sub(r"\bresource[- ]forks?\b", "resource data", t)
    # Other options named in the text ("cannot be used with -n, --nodaemon") are not what this
    # option does.
    t = re.sub(r"(?<![\w-])--?[a-z0-9][\w-]*(?:=\S*)?", "OPT", t)
    fg, bg, bg_default, alt_bg = [], [], False, False
    fg_first = False
    # Clauses, with the index of the sentence they are in: what an option does is said first
    # ("-q  Terminate any instance running in the background" is not a daemonize option).
    clauses = [(i, c) for i, sent in enumerate(re.split(r"(?<=[.;!?])\s+", t)) for c in sentences(sent)]
    for si, s in clauses:
        if CONDITION.match(s):
            # "when run in this mode, the program will not detach": the main clause counts.
            if "," not in s:
                continue
            s = s.split(",", 1)[1].strip()
        if ALTERNATIVE.match(s):
            # "stays attached instead of forking": the alternative, said of the default. An
            # option that does something "instead of daemonizing" keeps it in the foreground.
            if any(re.search(p, s) for p in BG_PATTERNS):
                alt_bg = True
            continue
        # Said of the program itself, near the start of the clause, not of children ("forking
        # children to handle connections") nor as an aside ("use syslog, even though running in
        # foreground").
        if CHILDREN.search(s):
            continue
        is_fg = not FG_OTHER_ACTION.match(s) and any(
            (m := re.search(p, s)) and len(s[: m.start()].split()) <= 6 for p in FG_PATTERNS
        )
        bg_hit = None
        if not is_fg:
            for p in BG_PATTERNS:
                m = re.search(p, s)
                # The option's own verb, near the start ("-q  Terminate any instance running in
                # the background" speaks of other instances).
                if (
                    m
                    and not NEG_BEFORE.search(s[: m.start()])
                    and len(s[: m.start()].split()) <= 6
                    and not OTHER_ACTION.match(s)
                ):
                    bg_hit = m
                    break
        if OTHERWISE.search(s):
            if bg_hit and DEFAULT.search(s):
                # "daemonize (default)", "runs in the background by default"
                bg_default = True
            continue
        if is_fg:
            fg.append(s)
            fg_first = fg_first or si == 0
        elif bg_hit and si == 0:
            bg.append(s)
    # "(default)" as a sentence of its own after a bg sentence.
    if bg and re.search(r"\(\s*default[^)]*\)|\bdefault\s*$|\bthis is the default\b|\bis the default\b|\bdefault behaviou?r\b", t):
        bg_default = True
    if not fg and not bg and alt_bg:
        fg = ["instead of daemonizing"]
    if fg and bg:
        cls = "mixed"
    elif fg:
        cls = "fg"
    elif bg or bg_default:
        cls = "bg-default" if bg_default else "bg"
    else:
        cls = None
    effects = []
    if cls == "fg":
        # What else the option does, from the sentences that say what it does (not those about
        # the default or a condition); the whole text for "debug", which colours everything.
        said = " . ".join(
            (s.split(",", 1)[1] if CONDITION.match(s) and "," in s else s)
            for s in sentences(t)
            if not OTHERWISE.search(s) and (not CONDITION.match(s) or "," in s)
        )
        cleaned = FG_NOISE.sub(" ", said)
        for rx, name in SIDE_EFFECTS:
            if rx.search(cleaned) or (name == "debug" and rx.search(t)):
                effects.append(name)
        if not fg_first:
            effects.append("foreground only after its first sentence")
    return cls, fg or bg, effects, bg_default


# Where a foreground option sends the program's log messages instead of syslog: the terminal's
# stderr/stdout, which a supervisor's logger keeps (s6-log reads the service's output). Said of
# messages, logs or errors only, never of other output ("also log received packets").
LOG_DESTINATION = re.compile(
    r"(?:,\s*|\s+)?(?:and |also |but |while )?(?:makes? it |will )?"
    r"(?:(?:log|logs|logging)(?: (?:all |its )?(?:messages|output))?(?: as well)?"
    r"|(?:send|sends|sending|print|prints|write|writes|report|reports) (?:all |its |the )?(?:log |logging )?(?:messages|output|logs|logging|errors)"
    r"|(?:all )?(?:log )?messages are (?:logged|sent|written)|(?:all )?logging (?:will be|is) (?:done|sent)"
    r"|causes logging to be sent|with logging copied)"
    r" (?:in)?to (?:the )?(?:stdout and stderr|stdout or stderr|stdout/err|stderr|stdout|standard error(?: output| stream)?|standard output)\b"
    r"(?:,? (?:not|instead of|rather than|as opposed to|in addition to|as well as) (?:to )?(?:the )?(?:syslog(?:d)?(?:\(3\)| 3)?(?: mechanism)?|log ?file))?"
)
OTHER_LOG_DESTINATION = re.compile(r"^(?:not|instead of|rather than|as opposed to) (?:to )?(?:the )?syslog(?:d)?(?: 3)?(?: mechanism)?$")


def said_foreground(part):
    """A clause that only says the program stays in the foreground (what follows the phrase, if
    anything, says it again: "keeps acpid in the foreground by not forking at startup")."""
    for p in FG_PATTERNS:
        m = re.search(p, part)
        if m and len(part[: m.start()].split()) <= 6:
            # The rest of a word the pattern matched the start of ("fork" in "forking").
            rest = re.sub(r"^\w*", "", part[m.end() :]).strip()
            if not rest or re.fullmatch(r"(?:at|on) (?:startup|start)|when started|from (?:the |its )?(?:controlling )?(?:terminal|tty|console)", rest) or said_foreground(rest):
                return True
    return False


def only_moves_logs(desc):
    """Whether an option's description says only that it keeps the program in the foreground and
    sends its log messages to stderr/stdout (acpid(8) -f: "keeps acpid in the foreground by not
    forking at startup, and makes it log to stderr instead of syslog"): every clause is one or
    the other. Anything else said (debugging, a file descriptor to listen on, what to use it
    for) leaves the option with its side effects."""
    t = normalise(desc)
    t = re.sub(r"(?<![\w-])--?[a-z0-9][\w-]*(?:=\S*)?", "OPT", t)
    stripped = LOG_DESTINATION.sub(" ", t)
    if stripped == t:
        return False
    # What is left must say nothing else the side-effect list knows ("debug mode: run in the
    # foreground and log to stderr").
    cleaned = FG_NOISE.sub(" ", stripped)
    if any(rx.search(cleaned) for rx, _ in SIDE_EFFECTS):
        return False
    fg = False
    for s in sentences(stripped):
        # "will not fork into background, not detach from terminal": each part says it.
        for part in re.split(r",\s*|\s+and\s+", s):
            part = part.strip(" ,.;:\"")
            if not part or OTHER_LOG_DESTINATION.match(part):
                continue
            if OTHERWISE.search(part) or CONDITION.match(part) or FG_OTHER_ACTION.match(part) or not said_foreground(part):
                return False
            fg = True
    return fg


OPT_NAME = re.compile(r"^([-+]{1,2}[A-Za-z0-9?#@][A-Za-z0-9_.?#@-]*)(.*)$")


class Option:
    def __init__(self, names, arg, tag, desc, line):
        self.names = names  # ["-f", "--foreground"]
        self.arg = arg  # None | "required" | "optional"
        self.tag = tag
        self.desc = desc
        self.line = line
        self.cls, self.evidence, self.effects, self.mentions_default = classify(desc)
        if self.cls == "fg":
            # What the option's name says it also is.
            if any(re.search(r"debug|trace|verbose|test|once|oneshot|single|inetd|interactive|dry", n, re.I) for n in names):
                self.effects.append("named as more than a foreground option")
            # `-D - do not fork, -DD - ...`: a count, not a flag.
            if any(len(n) == 2 and re.search(r"(?<![\w-])" + re.escape(n) + re.escape(n[1]) + r"+\b", desc) for n in names):
                self.effects.append("means more when repeated")
        # A foreground option whose only other effect is where log messages go (stderr/stdout,
        # which the supervisor's logger keeps, instead of syslog): added like a clean one.
        self.moves_logs = bool(
            self.cls == "fg" and self.effects and set(self.effects) <= {"terminal output", "prints"} and only_moves_logs(desc)
        )

    def quote(self, limit=220):
        d = re.sub(r"\s+", " ", self.desc).strip()
        if len(d) > limit:
            cut = d[:limit]
            d = cut[: cut.rfind(" ")] + " ..."
        note = " [its only other effect: log messages go to stderr/stdout, which the supervisor's logger keeps]" if self.moves_logs else ""
        return f"{self.tag.strip()}  {d}{note}"

    def __repr__(self):
        return f"Option({self.names}, arg={self.arg}, cls={self.cls}, fx={self.effects})"


def parse_tag(tag):
    """`-f, --foreground` / `-D | --daemonize` / `-c file, --config=file` -> (names, arg)."""
    t = tag.strip().replace("\u2010", "-").replace("\u2212", "-")
    # An en dash rendered for a long option's `--` (vzlogger(8): `-f, \u2013foreground`).
    t = re.sub(r"(?:(?<=\s)|^)\u2013(?=[A-Za-z])", "--", t)
    # A name in parentheses is another name of the option (brltty(1): `-n (--no-daemon)`), and a
    # colon may end the tag (ocserv(8): `-f, --foreground:`).
    t = re.sub(r"\(\s*([-+]{1,2}[A-Za-z0-9][\w.-]*)\s*\)", r"\1", t).rstrip(":").rstrip()
    # Alternatives are separated by ',', '|' (lvmpolld(8): `-f|--foreground`), '/' before another
    # option (sinfod(8): `-F/--foreground`), ' or ', or whitespace before another option.
    alts = re.split(r"\s*,\s*|\s*\|\s*|\s*/\s*(?=[-+]{1,2}[A-Za-z0-9])|\s+or\s+|\s+(?=[-+]{1,2}[A-Za-z0-9])", t)
    names, arg = [], None
    for a in alts:
        a = a.strip()
        if not a:
            continue
        m = OPT_NAME.match(a)
        if not m:
            # An argument word after an alternative (`-c file`) split off: it belongs to the last.
            if names and arg is None:
                arg = "optional" if a.startswith("[") else "required"
            continue
        name, rest = m.group(1), m.group(2)
        # `--foo=bar`, `--foo bar`, `--foo[=bar]`, `-d [dir]`, `-f<file>`
        name = name.rstrip(".")
        if rest.strip():
            r = rest.strip()
            this_arg = "optional" if r.startswith("[") else "required"
            if arg != "required":
                arg = this_arg
        names.append(name)
    return names, arg


def render(path, man_root, cache_dir):
    """A man page rendered as plain text (man-db + groff, 200 columns, no hyphenation), cached."""
    key = re.sub(r"[^A-Za-z0-9_.+-]", "_", os.path.relpath(path, "/"))
    out = os.path.join(cache_dir, key + ".txt")
    if os.path.exists(out):
        return open(out, encoding="utf-8", errors="replace").read()
    env = dict(os.environ, MANWIDTH="200", LANG="C.UTF-8", LC_ALL="C.UTF-8", MAN_KEEP_FORMATTING="")
    try:
        r = subprocess.run(
            ["man", "--nh", "--nj", "-E", "UTF-8", "-l", path],
            cwd=man_root,
            env=env,
            capture_output=True,
            timeout=60,
        )
        text = r.stdout.decode("utf-8", "replace")
        # Strip backspace overstrikes (col -b).
        text = re.sub(r".\x08", "", text)
    except subprocess.TimeoutExpired:
        text = ""
    os.makedirs(cache_dir, exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    return text


def indent(line):
    return len(line) - len(line.lstrip(" "))


def options(text):
    """Option blocks of a rendered man page."""
    lines = text.split("\n")
    out = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        s = line.strip()
        ind = indent(line)
        if not s or not re.match(r"^[-+]{1,2}[A-Za-z0-9?#@]", s) or ind == 0:
            i += 1
            continue
        # The description: what follows, deeper than the tag.
        j = i + 1
        while j < n and not lines[j].strip():
            j += 1
        desc_indent = indent(lines[j]) if j < n and lines[j].strip() else None
        tag, first = s, ""
        if desc_indent is not None and desc_indent > ind:
            # The tag may share its line with the description start (a tag shorter than the
            # indent: `--test Read and ...`): split at the description's column.
            if len(line) > desc_indent and line[desc_indent - 1] == " " and line[ind:desc_indent].strip():
                tag, first = line[ind:desc_indent].strip(), line[desc_indent:].strip()
            else:
                m = re.match(r"^(.*?\S)\s{2,}(\S.*)$", s)
                if m:
                    tag, first = m.group(1), m.group(2)
            body = [first] if first else []
            k = j
            while k < n and (not lines[k].strip() or indent(lines[k]) > ind):
                # A nested option list ends this option's own description.
                if k > j and not lines[k - 1].strip() and re.match(r"^[-+]{1,2}[A-Za-z0-9?#@]", lines[k].strip()):
                    break
                body.append(lines[k].strip())
                k += 1
        else:
            # No deeper block: a one-line option (`-d     Debug`), or not an option at all.
            m = re.match(r"^(.*?\S)\s{2,}(\S.*)$", s)
            if not m and len(line) > ind + 7 and line[ind + 6] == " " and line[ind:ind + 6].strip() and line[ind + 7] != " ":
                # `--test Read and ...`: a tag one column short of the description's.
                m = re.match(r"^(.{%d})(\S.*)$" % 7, line[ind:])
            if not m:
                i += 1
                continue
            tag, first = m.group(1).strip(), m.group(2)
            body = [first]
            k = i + 1
            # Continuation lines aligned with the description column.
            col = line.find(first, ind + len(tag))
            while k < n and lines[k].strip() and indent(lines[k]) == col:
                body.append(lines[k].strip())
                k += 1
        # A tag longer than its column (`-d,  --daemon Run ...`): its other names too.
        while tag.endswith(",") or tag.endswith("|"):
            m = re.match(r"^([-+]{1,2}[A-Za-z0-9?#@][^\s,]*,?)\s*(.*)$", first)
            if not m:
                break
            tag, first = tag + " " + m.group(1), m.group(2)
            if body:
                body[0] = first
        names, arg = parse_tag(tag)
        if names and len(tag) < 120:
            desc = " ".join(b for b in body if b)
            # Stop at a nested option list inside the description: only the first paragraph
            # block up to a blank line followed by another option belongs to this one.
            out.append(Option(names, arg, tag, desc, i + 1))
        i += 1
    return out


def section_text(text, name):
    """The text of a top-level section (NAME, SYNOPSIS, ...)."""
    lines = text.split("\n")
    out, on = [], False
    for line in lines:
        if line and not line.startswith(" "):
            on = line.strip().upper() == name
            continue
        if on:
            out.append(line)
    return "\n".join(out)


def mentions_forking(text):
    """Whether a whole man page speaks of forking, daemonising, background or foreground at all."""
    t = normalise(text)
    return re.search(
        r"\bfork|\bdaemoni[sz]|\bbackground\b|\bforeground\b|\bdetach|\bdaemon mode\b|\bas a daemon\b|\bnodaemon|\bno-daemon|\bnofork|\bno-fork|\bsetsid\b|\bcontrolling terminal\b",
        t,
    )


def open_man(path):
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        return f.read().decode("utf-8", "replace")


def names_documented(text):
    """The program names the NAME section lists (`foo, bar - does things`)."""
    sec = section_text(text, "NAME").strip()
    head = re.split(r"\s+(?:-|\u2013|\u2014|\\-)\s+|\s+-\s*$", sec, maxsplit=1)[0]
    return {n for n in re.split(r"[,\s]+", head) if n}


def documents(text, name):
    """Whether the page's NAME section lists `name`. Letter case is not compared: pages spell a
    program's name as its authors write it (inspircd.8 says `InspIRCd`, haproxy.1 `HAProxy`), and
    the page is already the one installed as NAME.SECTION by the program's own source package."""
    return name.casefold() in {n.casefold() for n in names_documented(text)}


def synopsis_arguments(text):
    """Options the SYNOPSIS shows with an argument (`[-c file]`, `-w period`), and those it shows
    alone (`[-d]`, `[-dfv]`)."""
    syn = section_text(text, "SYNOPSIS")
    with_arg, alone = set(), set()
    for m in re.finditer(r"\[([^\[\]]*)\]", syn):
        inner = m.group(1).strip()
        parts = inner.split("|")
        for p in parts:
            toks = p.split()
            if not toks:
                continue
            o = toks[0]
            if not re.match(r"^[-+]{1,2}[A-Za-z0-9]", o):
                continue
            name = o.split("=", 1)[0]
            # `[-f --foreground]` (tgtd(8)) lists another name, not an argument.
            if (len(toks) > 1 and not re.match(r"^[-+]{1,2}[A-Za-z0-9]", toks[1])) or "=" in o:
                with_arg.add(name)
            elif re.match(r"^-[A-Za-z0-9]{2,}$", o) and not o.startswith("--"):
                # `[-dfv]`: several short options, or one single-dash long option.
                alone.add(o)
                alone.update("-" + c for c in o[1:])
            else:
                alone.add(name)
    return with_arg, alone
