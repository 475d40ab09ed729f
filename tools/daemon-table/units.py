"""systemd service units as stage 2 needs them: the service type and the command line of
ExecStart, split the way systemd splits it.

The rules followed are systemd.service(5) and systemd.syntax(7) of systemd 252 (bookworm's):
- ExecStart= may be prefixed by any of `@ - : + ! !!` (and `|`, newer): `@` makes the second
  word argv[0], the others change how it is run, not what runs;
- words are split on whitespace; "double" and 'single' quotes group, backslash escapes;
- `$NAME` is replaced by the variable's value split on whitespace, `${NAME}` by one word, `$$`
  is a literal `$`; `%` specifiers (`%i`, `%n`, ...) are expanded by systemd;
- an empty ExecStart= resets the list (drop-ins);
- Type= defaults to `simple` when ExecStart= is set, and to `dbus` when BusName= is also set
  (systemd >= 240 no longer defaults to dbus with BusName; both are foreground types anyway).
"""

import re

FOREGROUND_TYPES = {"simple", "exec", "notify", "notify-reload", "dbus", "idle"}


class Word:
    """One word of a command line: its text, and whether it is exactly what the unit says
    (no `$VAR` and no `%` specifier in it)."""

    def __init__(self, text, literal):
        self.text = text
        self.literal = literal

    def __repr__(self):
        return self.text if self.literal else f"<{self.text}>"


def parse_unit(text):
    """Sections -> {key: [values]} (lines joined across backslash continuations)."""
    sections = {}
    cur = None
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        while line.endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line[:-1] + " " + lines[i]
        i += 1
        s = line.strip()
        if not s or s[0] in "#;":
            continue
        m = re.match(r"^\[(.+)\]$", s)
        if m:
            cur = sections.setdefault(m.group(1), {})
            continue
        if cur is None or "=" not in s:
            continue
        k, v = s.split("=", 1)
        cur.setdefault(k.strip(), []).append(v.strip())
    return sections


def merge(base, dropins):
    """A unit with its drop-ins applied: a later assignment appends, an empty one resets."""
    out = {sec: {k: list(v) for k, v in kv.items()} for sec, kv in base.items()}
    for d in dropins:
        for sec, kv in d.items():
            tgt = out.setdefault(sec, {})
            for k, vals in kv.items():
                for v in vals:
                    if v == "":
                        tgt[k] = []
                    else:
                        tgt.setdefault(k, []).append(v)
    return out


def last(sec, key, default=None):
    v = [x for x in sec.get(key, []) if x != ""]
    return v[-1] if v else default


def split_words(s):
    """systemd's splitting of a command line into words, keeping track of what is not literal."""
    words = []
    i = 0
    n = len(s)
    while i < n:
        while i < n and s[i] in " \t":
            i += 1
        if i >= n:
            break
        buf = []
        literal = True
        split_var = False
        while i < n and s[i] not in " \t":
            c = s[i]
            if c in "\"'":
                q = c
                i += 1
                while i < n and s[i] != q:
                    if s[i] == "\\" and i + 1 < n and q == '"':
                        buf.append(s[i + 1])
                        i += 2
                        continue
                    if s[i] == "$" and q == '"':
                        literal = False
                    if s[i] == "%":
                        if i + 1 < n and s[i + 1] == "%":
                            buf.append("%")
                            i += 2
                            continue
                        literal = False
                    buf.append(s[i])
                    i += 1
                i += 1
                continue
            if c == "\\" and i + 1 < n:
                buf.append(s[i + 1])
                i += 2
                continue
            if c == "$":
                if i + 1 < n and s[i + 1] == "$":
                    buf.append("$")
                    i += 2
                    continue
                literal = False
                if i + 1 < n and s[i + 1] != "{" and not buf:
                    split_var = True
            if c == "%":
                if i + 1 < n and s[i + 1] == "%":
                    buf.append("%")
                    i += 2
                    continue
                literal = False
            buf.append(c)
            i += 1
        w = Word("".join(buf), literal)
        w.split_var = split_var
        words.append(w)
    return words


PREFIX_CHARS = "@-:+!|"


def exec_line(value):
    """An ExecStart= value -> (argv0 path, [Word] arguments) or None when it is empty."""
    v = value.strip()
    m = re.match(r"^([@\-:+!|]*)(.*)$", v)
    prefix, rest = m.group(1), m.group(2)
    words = split_words(rest)
    if not words:
        return None
    program = words[0]
    args = words[1:]
    if "@" in prefix:
        # `@/usr/bin/foo foo-name args`: the second word is argv[0], not an argument.
        args = args[1:]
    return program, args


class Service:
    def __init__(self, path, sections):
        self.path = path
        svc = sections.get("Service", {})
        self.sections = sections
        starts = [x for x in svc.get("ExecStart", [])]
        self.exec_start = [x for x in starts if x != ""]
        t = last(svc, "Type")
        if t is None:
            t = "simple" if self.exec_start else "oneshot"
        self.type = t
        self.environment_files = svc.get("EnvironmentFile", [])
        self.environment = svc.get("Environment", [])
        self.standard_input = last(svc, "StandardInput", "")
        self.remain_after_exit = last(svc, "RemainAfterExit", "no") in ("yes", "true", "1", "on")
        self.pidfile = last(svc, "PIDFile")

    def __repr__(self):
        return f"Service({self.path}, {self.type}, {self.exec_start})"
