#!/usr/bin/python3
"""Stage 2 of the daemon table: from the packages fetch.py cached, writes
- data/daemons-generated.yaml: entries in data/daemons.yaml's schema, plus provenance;
- tools/daemon-table/disputed.tsv: names that must not get an entry, and why;
- tools/daemon-table/unresolved.tsv: daemons the sources do not settle, and why;
- tools/daemon-table/report.md: the figures.

Usage: build.py [CORPUS_DIR]    (default ../shared/corpus from the repo root; read only for
                                 corroboration and contradiction, and for the coverage figure)

README.md in this directory says what is trusted and why.
"""

import collections
import gzip
import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus  # noqa: E402
import debpatch  # noqa: E402
import helptext  # noqa: E402
import manpage  # noqa: E402
import units  # noqa: E402
from fetch import CACHE, RELEASES, deb_path, patches_dir, read_lock, tree_dir  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
RENDERED = os.path.join(CACHE, "rendered")
HELP_CACHE = os.path.join(CACHE, "help")
HELP_ROOTS = os.path.join(CACHE, "helproot")
OUT_YAML = os.path.join(REPO, "data", "daemons-generated.yaml")
HAND_YAML = os.path.join(REPO, "data", "daemons.yaml")
BUSYBOX = os.path.join(HERE, "busybox-applets.tsv")
EXCLUDED = os.path.join(HERE, "excluded.tsv")

# Programs that run another program: their options say nothing about the daemon they run, and
# an entry under their name would apply to every script that runs anything through them.
WRAPPERS = set(
    """sh bash dash zsh ksh mksh csh tcsh fish busybox toybox env nice ionice chrt taskset numactl
    stdbuf nohup setsid timeout flock runuser su sudo doas setpriv setuidgid envuidgid chpst
    softlimit s6-setuidgid s6-envuidgid start-stop-daemon daemon daemonize dumb-init tini
    catatonit authbind fakeroot xvfb-run dbus-run-session dbus-launch systemd-cat systemd-inhibit
    systemd-run systemd-notify systemd-socket-activate unshare nsenter chroot ip capsh prlimit
    cgexec torsocks proxychains proxychains4 sg newgrp script expect watch xargs exec time
    strace ltrace valgrind gdb nc socat tcpserver tcpsvd udpsvd inetd xinetd s6-tcpserver
    python python2 python3 pypy pypy3 perl ruby node nodejs java php lua luajit tclsh wish mono
    dotnet erl escript guile gawk mawk awk sed rscript Rscript julia qemu-system-x86_64 uwsgi
    gunicorn twistd celery supervisord pm2 forever runsv runsvdir s6-svscan s6-supervise
    openrc-run openrc supervise-daemon run-parts make""".split()
)
# Names so generic that a script's program of that name is unlikely to be Debian's.
GENERIC = set("server client daemon agent worker run start main service app bin launcher wrapper helper init".split())
FG_UNIT_TYPES = {"simple", "exec", "notify", "notify-reload", "dbus", "idle"}
# Types under which a program that stays attached without any option is shown to stay attached
# whatever the environment: notify units are left out, as some daemons skip forking only when
# they see $NOTIFY_SOCKET (lldpd does).
PLAIN_UNIT_TYPES = {"simple", "exec", "dbus", "idle"}
# Where a program a script runs as `command` lives: PATH directories, libexec, and `bin`/`sbin`
# under /usr/lib (/usr/lib/postgresql/16/bin/postgres, /usr/lib/postfix/sbin/smtpd). Plugins
# elsewhere under /usr/lib named after a daemon (OCF resource agents, resolvconf hooks, apt
# methods) are not implementations of it.
EXEC_DIR = re.compile(r"^(?:(?:usr/)?(?:local/)?(?:s?bin|games)/|usr/libexec/|usr/lib/(?:[^/]+/)*s?bin/)")
FALSE_VALUES = {"no", "false", "off", "0", "n"}
PROPER_NAME = re.compile(r"^(?:-[A-Za-z0-9]|--[A-Za-z0-9][A-Za-z0-9_.-]+|-[A-Za-z][A-Za-z0-9_-]+)$")


def load_hand_table():
    text = open(HAND_YAML).read()
    entries = yaml.safe_load(text)["daemons"]
    names = {}
    for e in entries:
        for n in e["names"]:
            names.setdefault(n, []).append(e)
    # Names its header deliberately leaves out: `#   name[, name]  reason` lines.
    left_out = {}
    header = text.split("\ndaemons:")[0]
    cur = []
    for line in header.split("\n"):
        m = re.match(r"^#   (\S.*)$", line)
        if m:
            body = m.group(1)
            head = re.split(r"\s{2,}", body, maxsplit=1)
            words = [w.strip() for w in re.split(r",\s*", head[0]) if w.strip()]
            cur = [w.split(" ")[0] for w in words if re.match(r"^[A-Za-z0-9_.+-]+(?: \S+)?$", w)]
            reason = head[1] if len(head) > 1 else ""
            for w in cur:
                left_out.setdefault(w, reason)
        elif re.match(r"^#\s{5,}\S", line) and cur:
            for w in cur:
                if not left_out[w]:
                    left_out[w] = line.lstrip("# ").strip()
    return entries, names, left_out


def load_tsv(path):
    out = {}
    if not os.path.exists(path):
        return out
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        k, v = line.rstrip("\n").split("\t", 1)
        out[k] = v
    return out


def norm_source(src):
    """A source package's name without a version suffix: postgresql-15 and postgresql-16, php8.2,
    llvm-toolchain-14 are one program's versions, not different implementations."""
    s = re.sub(r"(?<=[a-z])[-.]?[0-9][0-9.]*$", "", src)
    return s or src


class Tree:
    """One extracted binary package of one release."""

    def __init__(self, release, pkg, version, source):
        self.release, self.pkg, self.version, self.source = release, pkg, version, source
        self.dir = tree_dir(release, pkg, version)
        self.files = {f["path"]: f for f in json.load(open(os.path.join(self.dir, ".files.json")))}

    def label(self):
        return f"Debian {self.release} {self.pkg} {self.version}"

    def resolve(self, path, depth=0):
        """A path with its symlinks resolved inside the package (None when it leaves it)."""
        f = self.files.get(path)
        if f is None or depth > 10:
            return None
        if f["kind"] == "link":
            t = f["target"]
            target = os.path.normpath(t.lstrip("/") if t.startswith("/") else os.path.join(os.path.dirname(path), t))
            return self.resolve(target, depth + 1)
        if f["kind"] == "hardlink":
            return self.resolve(re.sub(r"^\./", "", f["target"]), depth + 1)
        return path

    def read(self, path):
        real = self.resolve(path)
        if real is None:
            return None
        full = os.path.join(self.dir, real)
        return open(full, errors="replace").read() if os.path.exists(full) else None


def unit_files(tree):
    """{unit path: parsed sections with drop-ins}, for the package's .service units."""
    out = {}
    for path in sorted(tree.files):
        if not re.match(r"^(?:usr/)?lib/systemd/(system|user)/([^/]+\.service)$", path):
            continue
        text = tree.read(path)
        if text is None:
            continue
        base = units.parse_unit(text)
        dropins = []
        d = path + ".d/"
        for p in sorted(tree.files):
            if p.startswith(d) and p.endswith(".conf"):
                t = tree.read(p)
                if t is not None:
                    dropins.append(units.parse_unit(t))
        out[path] = units.merge(base, dropins)
    return out


def env_assignments(text):
    """KEY=value lines of an EnvironmentFile (systemd.exec(5): shell-like quoting, `#` comments)."""
    out = {}
    for line in text.split("\n"):
        m = re.match(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)
        if not m:
            continue
        v = m.group(2).strip()
        if len(v) >= 2 and v[0] in "\"'" and v.endswith(v[0]):
            v = v[1:-1]
        else:
            v = re.sub(r"\s+#.*$", "", v)
        out[m.group(1)] = v
    return out


class Invocation:
    """One unit's ExecStart of a program, with its arguments as Debian's default configuration
    gives them (Environment= and the package's own EnvironmentFile=)."""

    def __init__(self, tree, unit_path, svc, program, args, raw, socket, timer, env_note, env_ok):
        self.tree, self.unit_path, self.svc = tree, unit_path, svc
        self.program, self.args, self.raw = program, args, raw
        self.socket, self.timer = socket, timer
        self.env_note, self.env_ok = env_note, env_ok

    @property
    def type(self):
        return self.svc.type

    def tokens(self):
        return [w.text for w in self.args]

    def known(self):
        """Whether every word is known: literal, or from the package's default configuration, or
        a `%i`-style specifier in a word that is not an option."""
        return self.env_ok and all(w.literal or (not w.text.startswith("-") and "$" not in w.text) for w in self.args)

    def cite(self):
        raw = re.sub(r"\s+", " ", self.raw).strip()
        if len(raw) > 160:
            raw = raw[:157] + "..."
        note = f" ({self.env_note})" if self.env_note else ""
        return f"{self.tree.label()}: /{self.unit_path}: Type={self.type}: ExecStart={raw}{note}"


VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def expand_env(args, svc, tree):
    """`$VAR` and `${VAR}` in ExecStart from Environment= and the package's EnvironmentFile=s, as
    systemd.service(5) says: `$VAR` as a word of its own splits at whitespace, `${VAR}` is one
    word, an unset variable is empty. -> (words, note, ok): ok is False when an EnvironmentFile
    that is not optional (`-`) is not in the package (its values cannot be known)."""
    env, notes, ok = {}, [], True
    for spec in svc.environment_files:
        optional = spec.startswith("-")
        path = spec.lstrip("-").strip()
        text = tree.read(path.lstrip("/")) if path.startswith("/") else None
        if text is None:
            ok = ok and optional
            continue
        env.update(env_assignments(text))
        notes.append(path)
    for e in svc.environment:
        for w in units.split_words(e):
            if "=" in w.text:
                k, v = w.text.split("=", 1)
                env[k] = v
    if all(w.literal for w in args):
        return args, "", ok
    out = []
    for w in args:
        if w.literal:
            out.append(w)
            continue
        m = re.match(r"^\$([A-Za-z_][A-Za-z0-9_]*)$", w.text)
        if m and getattr(w, "split_var", False):
            out.extend(units.Word(x, True) for x in env.get(m.group(1), "").split())
            continue
        text = VAR.sub(lambda mm: env.get(mm.group(1) or mm.group(2), ""), w.text)
        # `%i` and friends stay unknown.
        out.append(units.Word(text, "%" not in text))
    note = ("variables from " + ", ".join(notes) + " in the package") if notes else ""
    return out, note, ok


def invocations(tree, unit_map, all_unit_paths):
    out = []
    for path, sections in sorted(unit_map.items()):
        svc = units.Service(path, sections)
        if svc.type not in FG_UNIT_TYPES and svc.type != "forking" and svc.type != "oneshot":
            continue
        if len(svc.exec_start) != 1 and svc.type != "oneshot":
            continue
        if svc.type == "oneshot":
            # Programs a oneshot runs: they may run once and exit (recorded, never a source).
            for x in svc.exec_start:
                line = units.exec_line(x)
                if line and line[0].literal and not line[0].text.startswith("/etc/"):
                    out.append(Invocation(tree, path, svc, line[0].text, line[1], x, False, False, "", False))
            continue
        line = units.exec_line(svc.exec_start[0])
        if line is None:
            continue
        program, args = line
        if not program.literal:
            continue
        # `env VAR=value program args`: the program is the one after the assignments.
        if program.text.rsplit("/", 1)[-1] == "env":
            while args and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", args[0].text):
                args = args[1:]
            if not args or not args[0].literal or args[0].text.startswith("-"):
                continue
            program, args = args[0], args[1:]
        if program.text.startswith("/etc/"):
            # An init script (/etc/init.d/foo systemd-start): not a source.
            continue
        stem = path[: -len(".service")]
        socket = (stem + ".socket") in all_unit_paths or (stem.rstrip("@") + ".socket") in all_unit_paths
        timer = (stem + ".timer") in all_unit_paths
        args, note, ok = expand_env(args, svc, tree)
        out.append(Invocation(tree, path, svc, program.text, args, svc.exec_start[0], socket, timer, note, ok))
    return out


class ManPage:
    def __init__(self, tree, path, name, section):
        self.tree, self.path, self.name, self.section = tree, path, name, section
        self._text = None
        self._opts = None

    def text(self):
        if self._text is None:
            root = os.path.join(self.tree.dir, "usr/share/man")
            real = self.tree.resolve(self.path)
            full = os.path.join(self.tree.dir, real) if real else None
            self._text = manpage.render(full, root, RENDERED) if full and os.path.exists(full) else ""
        return self._text

    def options(self):
        if self._opts is None:
            self._opts = manpage.options(self.text())
        return self._opts

    def cite(self):
        return f"{self.name}({self.section}), {self.tree.label()}"


class HelpPage(ManPage):
    """A program's own help text standing in for its man page (helptext.py)."""

    def __init__(self, tree, member, name, arg, got):
        super().__init__(tree, member, name, "help")
        self.arg, self.raw, self.sha256 = arg, got["text"], got["sha256"]
        self._text = helptext.as_page(self.raw, name)

    def cite(self):
        return f"`{self.name} {self.arg}` output of /{self.path}, {self.tree.label()} (.deb sha256 {self.sha256[:16]})"


def help_evidence(kind):
    """The evidence kind of an entry read from a help text: `+help` for `+man`."""
    return re.sub(r"man$", "help", kind)


def man_pages(trees):
    """{name: [ManPage]} over every extracted package (English pages only)."""
    out = collections.defaultdict(list)
    for t in trees.values():
        for path in sorted(t.files):
            m = re.match(r"^usr/share/man/man([1-8])/([^/]+)\.(\1[a-z0-9]*)(?:\.gz)?$", path)
            if m:
                out[m.group(2)].append(ManPage(t, path, m.group(2), m.group(3)))
    return out


def synopsis(page, name):
    """(operands after the options, a leading operand or command) from the SYNOPSIS section."""
    syn = manpage.section_text(page.text(), "SYNOPSIS")
    leading = trailing = False
    for line in syn.split("\n"):
        s = line.strip()
        if not s.startswith(name + " ") and s != name:
            continue
        rest = s[len(name) :].strip()
        toks, depth, cur = [], 0, ""
        for ch in rest:
            if ch in "[{<":
                depth += 1
            elif ch in "]}>":
                depth -= 1
            if ch == " " and depth == 0:
                if cur:
                    toks.append(cur)
                cur = ""
            else:
                cur += ch
        if cur:
            toks.append(cur)
        seen_option = False
        arg_next = False
        for t in toks:
            inner = t.strip("[]{}<>.")
            if inner.startswith("-") or inner.startswith("+") or re.match(r"^(?:options?|option\.*)(?:\]|\.\.\.)?$", inner, re.I):
                seen_option = True
                arg_next = t.startswith("-") and not t.startswith("[")
                continue
            if t in ("|", "...", "…"):
                continue
            if arg_next and not t.startswith("["):
                arg_next = False
                continue
            arg_next = False
            if not seen_option:
                leading = True
            else:
                trailing = True
        break
    return trailing, leading


def takes_command(page, name):
    syn = manpage.section_text(page.text(), "SYNOPSIS")
    return bool(re.search(re.escape(name) + r"\s+(?:\[[^\]]*\]\s+)*[<\[]?(?:sub)?command\b", syn, re.I))


class Verdict:
    def __init__(self, entry=None, evidence=None, reason=None, hard=False):
        self.entry, self.evidence, self.reason, self.hard = entry, evidence, reason, hard


def meaning(e):
    return json.dumps({k: v for k, v in e.items() if not k.startswith("_") and k != "names"}, sort_keys=True)


def decide(name, pages, invs, side_pages, patches):
    """One implementation's (one source package, one release) verdict for program `name`.
    `patches` are the source package's Debian changes (debpatch.load)."""
    page = pages[0]

    def debian_only(opt):
        return debpatch.added_by(patches, opt)

    opts = [(p, o) for p in pages for o in p.options()]
    # The synopsis may show an argument the option's tag does not (`-wakeup period`).
    for p, o in opts:
        with_arg, _ = manpage.synopsis_arguments(p.text())
        if o.arg is None and any(n in with_arg for n in o.names):
            o.arg = "required"
    by_name = collections.defaultdict(list)
    for p, o in opts:
        for n in o.names:
            by_name[n].append((p, o))
    documented = set(by_name)

    def cls_of(n):
        cs = {o.cls for _, o in by_name.get(n, [])}
        cs.discard(None)
        if len(cs) > 1:
            return "mixed"
        return cs.pop() if cs else None

    fg_opts = [(p, o) for p, o in opts if o.cls == "fg"]
    bg_opts = [(p, o) for p, o in opts if o.cls in ("bg", "bg-default")]
    forks_by_default = any(o.mentions_default and o.cls == "fg" for _, o in opts) or any(o.cls == "bg-default" for _, o in opts)
    once = [i for i in invs if i.type == "oneshot" or i.svc.remain_after_exit or i.timer]
    if once:
        return Verdict(reason=f"{once[0].cite()}: a oneshot, timer-run or RemainAfterExit unit runs it: it may run once and exit, which the table cannot tell apart")
    fg_invs = [i for i in invs if i.type in FG_UNIT_TYPES]
    fork_invs = [i for i in invs if i.type == "forking"]
    fg_names = {n for _, o in fg_opts for n in o.names if cls_of(n) == "fg"}
    bg_names = {n for _, o in bg_opts for n in o.names if cls_of(n) in ("bg", "bg-default")}

    def opt_of(tok):
        return tok.split("=", 1)[0] if tok.startswith("--") else tok

    # Contradictions between a unit and the man page.
    for i in fg_invs:
        toks = i.tokens()
        passes_fg = any(opt_of(t) in fg_names for t in toks)
        passes_bg = [t for t in toks if t in bg_names]
        if passes_bg and not passes_fg:
            return Verdict(reason=f"{i.cite()} passes {passes_bg[0]}, which {page.cite()} says daemonizes", hard=True)
    for i in fork_invs:
        passes_fg = [t for t in i.tokens() if t in fg_names]
        if passes_fg:
            return Verdict(reason=f"{i.cite()} (Type=forking) passes {passes_fg[0]}, which {page.cite()} says keeps it in the foreground", hard=True)

    def mode_option(n):
        """A daemonize option a foreground unit passes too: it selects a mode (rsync --daemon)."""
        return any(n in i.tokens() for i in fg_invs)

    def fork_worded(o):
        return bool(re.search(r"fork|background|detach|daemoni[sz]", manpage.normalise(o.desc)))

    # Foreground units that run it with every argument known and documented (an undocumented
    # one may be what keeps it attached, or select a mode), not socket-activated.
    def attached_without(names):
        out = []
        for i in fg_invs:
            if not i.known() or i.socket or any(t in names for t in i.tokens()):
                continue
            if any(t.startswith("-") and opt_of(t) not in documented for t in i.tokens()):
                continue
            # An option of the unit's whose page speaks of forking or the foreground at all may be
            # what keeps it attached (Samba's smbd.service passes --foreground, whose smbd(8) text
            # the tool does not read as a foreground option; without it smbd forks).
            if any(
                t.startswith("-") and any(manpage.mentions_forking(o.desc) for _, o in by_name.get(opt_of(t), []))
                for t in i.tokens()
            ):
                continue
            out.append(i)
        return out

    def droppable(o):
        """A daemonize option shown to be only that: a foreground unit runs the program, as a
        daemon, without it (so removing it cannot turn the daemon into something that runs once,
        as `mrtg` without `--daemon` would)."""
        return (
            o.arg != "required"
            and o.cls == "bg"
            and not any(mode_option(n) for n in o.names)
            and all(cls_of(n) == "bg" for n in o.names)
            and bool(attached_without(set(o.names)))
        )

    def drop_seqs():
        out = []
        for _, o in bg_opts:
            if droppable(o):
                for n in o.names:
                    if [n] not in out:
                        out.append([n])
        return out

    def kept_daemonize(drop):
        out = []
        for _, o in bg_opts:
            if o.arg == "required":
                continue
            for n in o.names:
                if [n] not in drop and [n] not in out:
                    out.append([n])
        return out

    entry = {"names": [name]}
    cites = []
    clean = [
        (p, o)
        for p, o in fg_opts
        if (not o.effects or o.moves_logs) and o.arg is None and all(cls_of(n) == "fg" for n in o.names) and not re.search(r"systemd|upstart|launchd", " ".join(o.names))
    ]
    # `--daemon=no` / `--daemonize no` in a foreground unit, the option being a daemonize one.
    value_fg = []
    for i in fg_invs:
        toks = i.tokens()
        for k, t in enumerate(toks):
            if not i.args[k].literal:
                continue
            m = re.match(r"^(--?[A-Za-z0-9][\w.-]*)=(.*)$", t)
            if m and m.group(1) in bg_names and m.group(2).lower() in FALSE_VALUES:
                value_fg.append((i, [t], m.group(1)))
            elif t in bg_names and k + 1 < len(toks) and toks[k + 1].lower() in FALSE_VALUES and i.args[k + 1].literal:
                value_fg.append((i, [t, toks[k + 1]], t))

    if clean or value_fg:
        if takes_command(page, name):
            return Verdict(reason=f"{page.cite()}: takes a command; the table cannot say which command runs the daemon")
        # An option only Debian's patches add is not the upstream program's: never added.
        patched = {n: debian_only(n) for _, o in clean for n in o.names}
        patched.update({v[2]: debian_only(v[2]) for v in value_fg})
        value_fg = [v for v in value_fg if not patched[v[2]]]
        chosen, inv = None, None
        for i in fg_invs:
            for w in i.args:
                if w.literal and any(w.text in o.names for _, o in clean) and not patched.get(w.text):
                    chosen, inv = [w.text], i
                    break
            if chosen:
                break
        if chosen:
            evidence = "unit-flag+man"
        elif value_fg:
            inv, chosen = value_fg[0][0], value_fg[0][1]
            evidence = "unit-flag+man"
        else:
            evidence = "forking-unit+man" if fork_invs else "attached-unit+man" if fg_invs else "man"
            names = [n for _, o in clean for n in o.names if PROPER_NAME.match(n) and not patched.get(n)]
            if not names:
                added = [(n, p) for n, p in patched.items() if p]
                if added:
                    return Verdict(reason=f"{page.cite()}: {added[0][0]} is added by Debian's {added[0][1]}: the upstream program other distributions ship may not have it")
                return Verdict(reason=f"{page.cite()}: its foreground option's name is malformed ({clean[0][1].tag})")
            chosen = [names[0]]
        already = [chosen]
        for _, o in fg_opts:
            if o.arg == "required":
                continue
            for n in o.names:
                if cls_of(n) == "fg" and [n] not in already:
                    already.append([n])
        # Daemonize options are removed only where a unit shows the program stays a daemon
        # without them; the others are listed (provenance) for the model to refuse a script
        # that passes one.
        drop = [d for d in drop_seqs() if d not in already]
        entry["foreground"] = [chosen]
        entry["already"] = already
        if drop:
            entry["drop"] = drop
        kept = [d for d in kept_daemonize(drop) if d not in already]
        if kept:
            entry["_daemonize"] = kept
        # Before the script's arguments when the synopsis shows operands after the options (musl's
        # getopt stops at the first operand); after them otherwise, as data/daemons.yaml does by
        # default (a later option overrides an earlier one; a leading operand stays first).
        trailing, leading = synopsis(page, name)
        if len(chosen) == 1 and not leading and trailing and "=" not in chosen[0]:
            entry["insert"] = "start"
        for p, o in opts:
            if o.cls == "fg" and any([n] in already for n in o.names):
                cites.append((p, o))
        if value_fg and chosen == value_fg[0][1]:
            cites = [(p, o) for p, o in bg_opts if value_fg[0][2] in o.names] + cites
        cites += [(p, o) for p, o in bg_opts if any([n] in drop for n in o.names)]
        return Verdict(finish(entry, evidence, cites, ([inv] if inv else []) + [i for i in fg_invs + fork_invs if i is not inv]), evidence)

    if fg_opts:
        fx = sorted({e for _, o in fg_opts for e in o.effects} | ({"takes an argument"} if any(o.arg for _, o in fg_opts) else set()))
        return Verdict(reason=f"{page.cite()}: its only foreground options also do more ({', '.join(fx) or 'mixed wording'}): {fg_opts[0][1].quote(120)}")

    if bg_opts:
        if forks_by_default:
            return Verdict(reason=f"{page.cite()}: forks by default and documents no foreground option")
        if takes_command(page, name):
            return Verdict(reason=f"{page.cite()}: takes a command; the table cannot say which command runs the daemon")
        # Drop-only: only where a foreground unit runs it, as a daemon, without the option.
        with_opt = [i for i in fork_invs if any(t in bg_names for t in i.tokens())]
        if fork_invs and not with_opt:
            if any(not i.known() for i in fork_invs):
                return Verdict(reason=f"{fork_invs[0].cite()} (Type=forking): its arguments are not known, so whether they include the daemonize option is not either")
            return Verdict(reason=f"{fork_invs[0].cite()} (Type=forking) forks without the daemonize option {page.cite()} documents", hard=True)
        changed = debpatch.changes_forking(patches)
        if changed:
            return Verdict(reason=f"{page.cite()}: Debian's {changed} may change whether it forks, so a Debian unit shows nothing of upstream's program")
        drop = drop_seqs()
        added = [d[0] for d in drop if debian_only(d[0])]
        if added:
            return Verdict(reason=f"{page.cite()}: {added[0]} is added by Debian's {debian_only(added[0])}: upstream's program may behave otherwise")
        if not drop:
            return Verdict(
                reason=f"{page.cite()}: documents a daemonize option ({bg_opts[0][1].quote(100)}), but no foreground unit shows it stays a daemon without it (it may select a mode: mrtg without --daemon runs once)"
            )
        attached = attached_without(set(n for d in drop for n in d))
        entry["drop"] = drop
        kept = kept_daemonize(drop)
        if kept:
            entry["_daemonize"] = kept
        cites = [(p, o) for p, o in bg_opts if any([n] in drop for n in o.names)]
        evidence = "unit-without+man"
        return Verdict(finish(entry, evidence, cites, attached + [i for i in invs if i not in attached]), evidence)

    # No option about forking at all.
    if fork_invs:
        return Verdict(reason=f"{fork_invs[0].cite()}: Type=forking, and {page.cite()} documents no foreground option")
    plain = [i for i in fg_invs if i.type in PLAIN_UNIT_TYPES]
    if not plain:
        if fg_invs:
            return Verdict(reason=f"{fg_invs[0].cite()}: a notify unit alone does not show it never forks (some daemons stay attached only under systemd)")
        return Verdict(reason="")
    for i in plain:
        if not i.known():
            return Verdict(reason=f"{i.cite()}: its arguments come from variables or specifiers the package does not give")
        if i.socket or i.svc.standard_input in ("socket", "tty", "tty-force", "tty-fail"):
            return Verdict(reason=f"{i.cite()}: socket-activated or reads its terminal")
        if i.timer or i.svc.remain_after_exit:
            return Verdict(reason=f"{i.cite()}: run by a timer, or kept as exited: not shown to be a daemon")
        toks = [t for t in i.tokens() if t]
        if toks and re.match(r"^[a-z][a-z0-9_-]*$", toks[0]):
            return Verdict(reason=f"{i.cite()}: runs a subcommand (`{toks[0]}`); the table cannot say what its other commands do")
        undocumented = [t for t in toks if t.startswith("-") and opt_of(t) not in documented]
        if undocumented:
            return Verdict(reason=f"{i.cite()}: passes {undocumented[0]}, which {page.cite()} does not document (it may be what keeps it attached)")
    changed = debpatch.changes_forking(patches)
    if changed:
        return Verdict(reason=f"{page.cite()}: Debian's {changed} may change whether it forks, so a Debian unit shows nothing of upstream's program")
    for p in pages + side_pages:
        m = manpage.mentions_forking(p.text())
        if m:
            return Verdict(reason=f"{p.cite()} speaks of forking or the foreground (`{m.group(0)}`) without an option the tool recognises")
    entry["never-forks"] = True
    finish(entry, "simple-unit+silent-man", [], plain)
    entry["_man"] = [
        f"{p.cite()}: no option, and no word, about forking, daemonizing, detaching, background or foreground"
        for p in pages + side_pages
    ]
    return Verdict(entry, "simple-unit+silent-man")


def finish(entry, evidence, cites, invs):
    """Provenance: the man page text quoted, the units cited."""
    seen, man = set(), []
    for p, o in cites:
        line = f"{p.cite()}: {o.quote()}"
        if line not in seen:
            seen.add(line)
            man.append(line)
    if not man:
        man = []
    entry["_man"] = man
    entry["_units"] = [i.cite() for i in invs][:4]
    entry["_evidence"] = evidence
    return entry


class Release:
    def __init__(self, name):
        self.name = name
        self.lock = read_lock(name)
        with gzip.open(os.path.join(CACHE, name, "index.json.gz"), "rt") as f:
            self.idx = json.load(f)
        with gzip.open(os.path.join(CACHE, name, "packages.json.gz"), "rt") as f:
            self.allpk = json.load(f)
        self.trees = {p: Tree(name, p, v, self.lock["sources"][p]) for p, v in sorted(self.lock["packages"].items())}
        all_unit_paths = set()
        for t in self.trees.values():
            all_unit_paths.update(p for p in t.files if "/systemd/" in p)
        self.pages = man_pages(self.trees)
        self._patches = {}
        # Packages whose program needs libraries this machine lacks; helproot.py unpacks them.
        self.help_wanted = set()
        root = os.path.join(HELP_ROOTS, name)
        self.help_root = os.path.join(root, "root") if os.path.exists(os.path.join(root, ".done")) else None
        self.invs = collections.defaultdict(list)
        for p, t in sorted(self.trees.items()):
            for inv in invocations(t, unit_files(t), all_unit_paths):
                self.invs[inv.program.rsplit("/", 1)[-1]].append(inv)

    def shipped(self, name):
        """{normalised source: {binary packages}} shipping an executable called `name`: in a
        directory of EXEC_DIR, or where a unit runs it."""
        out = collections.defaultdict(set)
        run_paths = {i.program.lstrip("/") for i in self.invs.get(name, [])}
        for path, pkg in self.idx["basenames"].get(name, []):
            if (EXEC_DIR.match(path) or path in run_paths or "usr/" + path in run_paths) and pkg in self.allpk:
                out[norm_source(self.allpk[pkg]["Source"])].add(pkg)
        return out

    def verdict(self, name, src, pkgs):
        mine = [mp for mp in self.pages.get(name, []) if norm_source(mp.tree.source) == src and mp.section[0] in "18"]
        # A page that is another program's (birdc.8 -> bird.8, slogin.1 -> ssh.1) documents that
        # program's options, not these.
        others = [mp for mp in mine if mp.text() and not manpage.documents(mp.text(), name)]
        mine = [mp for mp in mine if mp not in others]
        if not mine and others:
            return Verdict(reason=f"{self.name}: {others[0].cite()} documents {', '.join(sorted(manpage.names_documented(others[0].text()))) or 'another program'}, not {name}")
        mine.sort(key=lambda mp: (mp.section[0] != "8", mp.tree.pkg not in pkgs, mp.section, mp.tree.pkg))
        invs = [i for i in self.invs.get(name, []) if norm_source(i.tree.source) == src]
        if not mine:
            if invs:
                return self.help_verdict(name, src, pkgs, invs)
            read = any(p in self.trees for p in pkgs)
            return Verdict(reason=f"{self.name}: {name} from source package {src} ({', '.join(sorted(pkgs))}) {'has no man page' if read else 'was not read'}")
        side = [
            mp
            for n2, ps in self.pages.items()
            if n2.startswith(name + ".") or n2.startswith(name + "_")
            for mp in ps
            if norm_source(mp.tree.source) == src
        ]
        patches = self.patches(mine[0].tree.pkg)
        if patches is None:
            # The other release's changes to the same source, when the mirror had those.
            for r in self.others:
                if r is not self:
                    patches = r.patches_of_source(mine[0].tree.source)
                    if patches is not None:
                        break
        v = decide(name, mine, invs, side, patches or [])
        if v.entry is not None:
            v.entry["_patches"] = "checked" if patches is not None else "unavailable"
        if v.entry is None and v.reason:
            v.reason = f"{self.name}: {v.reason}"
        return v

    def help_verdict(self, name, src, pkgs, invs):
        """The verdict from the program's own --help text, for a program a unit runs whose source
        package ships no man page (helptext.py says how it is run and what counts)."""
        why = f"{self.name}: no man page for {name} in source package {src}"
        page = self.help_page(name, pkgs, invs)
        if isinstance(page, str):
            return Verdict(reason=f"{why}; {page}")
        v = decide(name, [page], invs, [], self.patches(page.tree.pkg) or [])
        if v.entry is None:
            v.reason = f"{self.name}: {v.reason}" if v.reason else ""
            return v
        if v.entry.get("foreground") and not helptext.usage_lines(page.raw, name):
            # Where the foreground option goes depends on the operands the usage line shows.
            return Verdict(reason=f"{self.name}: {page.cite()} shows no usage line naming {name}: where its foreground option goes is not known")
        v.entry["_evidence"] = help_evidence(v.entry["_evidence"])
        v.entry["_patches"] = "checked" if self.patches(page.tree.pkg) is not None else "unavailable"
        return v

    def help_page(self, name, pkgs, invs):
        """A HelpPage for the ELF executable the units run, from the package that ships it, or
        why there is none."""
        paths = {i.program.lstrip("/") for i in invs}
        paths |= {p[4:] for p in paths if p.startswith("usr/")} | {"usr/" + p for p in paths}
        for pkg in sorted(pkgs):
            t = self.trees.get(pkg)
            if t is None:
                continue
            for path in sorted(paths):
                real = t.resolve(path)
                if real is None:
                    continue
                head = t.files[real].get("head", "")
                if head != "elf":
                    return f"{t.label()}: /{path} is {'a script (' + head + ')' if head.startswith('#!') else 'not an ELF executable'}: it runs other programs"
                return self.run_help(t, real, name)
        return f"no package read ships the executable the unit runs ({', '.join(sorted(paths))})"

    def run_help(self, t, member, name):
        deb = deb_path(self.name, t.pkg, t.version)
        libdirs = sorted({os.path.dirname(p) for p in t.files if re.search(r"\.so(?:\.[0-9]+)*$", p)})
        whys = []
        for arg in ("--help", "-h"):
            got = helptext.run(HELP_CACHE, deb, member, name, arg, libdirs)
            bad = helptext.is_help(got, name)
            if bad.startswith("it could not run here"):
                # The release's own libraries (helproot.py), once they are unpacked.
                self.help_wanted.add(t.pkg)
                if self.help_root:
                    got = helptext.run(HELP_CACHE, deb, member, name, arg, libdirs, self.help_root)
                    bad = helptext.is_help(got, name)
            if not bad:
                return HelpPage(t, member, name, arg, got)
            whys.append(f"`{name} {arg}`{' with Debian ' + self.name + ' libraries' if got.get('libraries') else ''}: {bad}")
            if bad.startswith("it could not run here"):
                break
        return f"{t.label()}: no help text ({'; '.join(whys)})"

    def patches(self, pkg):
        """Debian's changes to the source package of binary package `pkg` (fetch.py's
        fetch_patches); a missing directory means they were not fetched: build.py refuses to
        run then."""
        info = self.allpk.get(pkg, {})
        src = info.get("Source", pkg)
        ver = info.get("SourceVersion") or re.sub(r"\+b\d+$", "", info.get("Version", ""))
        key = (src, ver)
        if key not in self._patches:
            d = patches_dir(self.name, src, ver)
            if not os.path.exists(os.path.join(d, ".done")):
                sys.exit(f"{self.name}: Debian changes of {src} {ver} not fetched: run fetch.py")
            if open(os.path.join(d, ".done")).read().startswith("unavailable"):
                self._patches[key] = None
            else:
                self._patches[key] = debpatch.load(d)
        return self._patches[key]

    def patches_of_source(self, src):
        """Debian's changes to any version of source package `src` in this release, or None."""
        for p, t in self.trees.items():
            if t.source == src:
                got = self.patches(p)
                if got is not None:
                    return got
        return None

    def daemonish(self, name):
        """Whether a unit runs it, or its man pages speak of forking: what is worth listing when
        the sources do not settle it."""
        if self.invs.get(name):
            return True
        return any(o.cls for mp in self.pages.get(name, []) for o in mp.options())


def merge_compatible(new, old):
    """Merges `old` (an older release's entry for the same source package) into `new` when they
    mean the same: both keep it in the foreground with an option the other also recognises,
    neither removes what the other recognises, or both are never-forks, or both drop-only with a
    common option. Spellings (`-f` / `--foreground`) and aliases one page lists and the other
    does not are merged; `new`'s foreground sequence and insert are kept. Returns whether they
    were compatible."""
    if bool(new.get("never-forks")) != bool(old.get("never-forks")) or bool(new.get("foreground")) != bool(old.get("foreground")):
        return False
    already = new.get("already", []) + [a for a in old.get("already", []) if a not in new.get("already", [])]
    drop = new.get("drop", []) + [d for d in old.get("drop", []) if d not in new.get("drop", [])]
    if any(d in already for d in drop):
        return False
    if new.get("foreground"):
        if new["foreground"][0] not in old.get("already", []) or old["foreground"][0] not in already:
            return False
        if new.get("insert", "end") != old.get("insert", "end"):
            return False
    elif not new.get("never-forks"):
        if not any(d in old.get("drop", []) for d in new.get("drop", [])):
            return False
    if already:
        new["already"] = already
    if drop:
        new["drop"] = drop
    daemonize = new.get("_daemonize", []) + [d for d in old.get("_daemonize", []) if d not in new.get("_daemonize", [])]
    daemonize = [d for d in daemonize if d not in already and d not in drop]
    if daemonize:
        new["_daemonize"] = daemonize
    new["_man"] += [m for m in old["_man"] if m not in new["_man"]]
    new["_units"] = (new["_units"] + [u for u in old["_units"] if u not in new["_units"]])[:4]
    if old.get("_patches") == "checked":
        new["_patches"] = "checked"
    return True


def combine(name, releases):
    """The verdict over releases and source packages: (entry, None) or (None, (kind, why))."""
    per_src = collections.defaultdict(list)  # src -> [(release, Verdict)]
    for r in releases:
        for src, pkgs in sorted(r.shipped(name).items()):
            per_src[src].append((r.name, r.verdict(name, src, pkgs)))
    if not per_src:
        return None, None
    settled = {}
    reasons = {}
    for src, vs in sorted(per_src.items()):
        got = [(rel, v) for rel, v in vs if v.entry]
        hard = [(rel, v) for rel, v in vs if v.hard]
        if got and hard:
            return None, ("disputed", f"{src}: {hard[0][1].reason}; but {got[0][0]}: {meaning(got[0][1].entry)}")
        # A release whose page documents no foreground option while another release's does: the
        # option came (or went) between versions (x2gocleansessions --nofork, X2Go 4.1.0.6 but
        # not 4.1.0.3), and older systems run the older one.
        lacking = [(rel, v) for rel, v in vs if not v.entry and "documents no foreground option" in (v.reason or "")]
        if got and lacking and any(v.entry.get("foreground") for _, v in got):
            return None, ("disputed", f"{src}: releases disagree: {lacking[0][1].reason}; but {got[0][0]}: {meaning(got[0][1].entry)}")
        if got:
            # The newest release's entry, merged with the older ones' when they mean the same.
            e = got[-1][1].entry
            for rel, v in got[:-1]:
                if not merge_compatible(e, v.entry):
                    return None, ("disputed", f"{src}: releases disagree: " + "; ".join(f"{r} {meaning(x.entry)}" for r, x in got))
            settled[src] = e
        else:
            reasons[src] = "; ".join(v.reason for _, v in vs if v.reason) or "no man page or unit speaks of forking"
    if len(per_src) > 1:
        if len(settled) != len(per_src) or len({meaning(e) for e in settled.values()}) != 1:
            why = "; ".join(f"{src}: " + (f"entry {meaning(settled[src])}" if src in settled else reasons[src]) for src in sorted(per_src))
            kind = "disputed" if settled else "unresolved"
            return None, (kind, f"shipped by {len(per_src)} Debian source packages ({', '.join(sorted(per_src))}) that do not agree: {why}" if settled else why)
    if not settled:
        return None, ("unresolved", "; ".join(reasons[s] for s in sorted(reasons)))
    srcs = sorted(settled)
    e = settled[srcs[0]]
    for s in srcs[1:]:
        e["_man"] += settled[s]["_man"]
        e["_units"] += settled[s]["_units"]
    return e, None


def main():
    corpus_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "shared", "corpus")
    releases = [Release(r) for r in RELEASES]
    for r in releases:
        r.others = releases
    hand_entries, hand_names, left_out = load_hand_table()
    excluded = load_tsv(EXCLUDED)
    busybox = load_tsv(BUSYBOX)

    # Candidates: programs units run, and programs with a section 1 or 8 man page in the
    # packages read.
    candidates = set()
    for r in releases:
        candidates.update(r.invs)
        candidates.update(n for n, ps in r.pages.items() if any(p.section[0] in "18" for p in ps))
    entries, disputed, unresolved, agree = {}, {}, {}, []
    not_daemons = 0
    for name in sorted(candidates):
        if name in WRAPPERS or name in GENERIC or not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$", name):
            if any(r.invs.get(name) for r in releases):
                unresolved[name] = "runs other programs (a wrapper or an interpreter), or too generic a name"
            continue
        e, why = combine(name, releases)
        if e is None:
            if why is None:
                continue
            kind, text = why
            if kind == "disputed":
                disputed[name] = text
            elif any(r.daemonish(name) for r in releases):
                unresolved[name] = text
            else:
                not_daemons += 1
            continue
        # Other implementations of the name, outside Debian.
        if name in busybox:
            ok, bwhy = corpus.busybox_agrees(e, busybox[name])
            if not ok:
                disputed[name] = f"busybox applet {name} (Alpine runs it under this name): {bwhy}"
                continue
            e["_man"].append(f"busybox applet {name} agrees: {busybox[name]}")
        if name in left_out:
            disputed[name] = f"left out of data/daemons.yaml by hand: {left_out[name] or 'see its header'}"
            continue
        if name in excluded:
            disputed[name] = excluded[name]
            continue
        if name in hand_names:
            agree.append((name, e, hand_names[name]))
            continue
        entries[name] = e

    # Corroboration and contradiction from the corpus's scripts (never a source on its own).
    corp = corpus.scripts(corpus_dir)
    for name in sorted(entries):
        e = entries[name]
        verdict = corpus.check(name, e, corp.get(name, []))
        if verdict["conflict"]:
            disputed[name] = f"the corpus's scripts disagree: {verdict['conflict']}"
            del entries[name]
        elif verdict["corroborated"]:
            e["_corroborated"] = verdict["corroborated"]

    for r in releases:
        if r.help_wanted:
            os.makedirs(HELP_ROOTS, exist_ok=True)
            with open(os.path.join(HELP_ROOTS, r.name + ".wanted"), "w") as f:
                f.write("".join(p + "\n" for p in sorted(r.help_wanted)))
    write_yaml(entries, releases)
    write_tsv(os.path.join(HERE, "disputed.tsv"), disputed, "name\twhy it gets no entry (implementations, releases or the corpus disagree)")
    write_tsv(os.path.join(HERE, "unresolved.tsv"), unresolved, "name\twhy the sources do not settle it (programs a unit runs, or whose man page speaks of forking)")
    report(entries, disputed, unresolved, agree, not_daemons, hand_names, corp, releases)


def yq(s):
    return json.dumps(s, ensure_ascii=False)


def write_yaml(entries, releases):
    out = [
        "# GENERATED by tools/daemon-table/build.py: do not edit by hand; change the tool, or",
        "# data/daemons.yaml (hand-checked entries, which win over these), instead.",
        "#",
        "# Same schema as data/daemons.yaml (see its header), plus provenance:",
        "#   evidence: how the entry was settled (tools/daemon-table/README.md says what each",
        "#             kind trusts):",
        "#     unit-flag+man          a foreground unit (Type=simple/exec/notify/dbus/idle) passes",
        "#                            the option, and the man page says it keeps the program in",
        "#                            the foreground",
        "#     forking-unit+man       the man page's foreground option; a Type=forking unit runs",
        "#                            the program without it",
        "#     attached-unit+man      the man page's option (foreground, or daemonize to remove); a",
        "#                            foreground unit runs the program without it, with other",
        "#                            arguments not all known or documented",
        "#     man                    the man page's option alone (no unit runs the program)",
        "#     unit-without+man       the man page's daemonize option; a foreground unit runs the",
        "#                            program, with arguments all known and documented, without it",
        "#     simple-unit+silent-man a Type=simple/exec/dbus/idle unit runs it with arguments all",
        "#                            known and documented, and its man pages never speak of",
        "#                            forking, daemonizing, detaching, background or foreground",
        "#     ...+help               the same, read from the program's own --help/-h text where its",
        "#                            package ships no man page for it (`man:` quotes that text:",
        "#                            command, path, package, version, .deb sha256)",
        "#   debian-patches: `checked`: Debian's patches to the source were read, and none adds the",
        "#                 entry's option or changes whether the program forks; `unavailable`: the",
        "#                 mirror did not have them (tools/daemon-table/README.md: Limits)",
        "#   man:          the man page(s) and option text quoted, with the Debian release, binary",
        "#                 package and version that ships the page",
        "#   unit:         the unit(s), with release, package, version, Type= and ExecStart=",
        "#   daemonize:    options the man page says make it fork that the entry does not remove",
        "#                 (no unit shows the program stays a daemon without them: one may select",
        "#                 a mode); a script passing one is not settled by the entry, and rc2s6",
        "#                 should refuse it rather than add the foreground option after it",
        "#   corroborated: scripts of ../shared/corpus that agree (never a source on their own)",
        "#",
    ]
    for r in releases:
        out.append(f"# Debian {r.name}: {r.lock['mirror']}, Release file of {r.lock['release_date']},")
        out.append(f"#   {len(r.lock['packages'])} packages pinned in tools/daemon-table/packages-{r.name}.lock")
    out.append("daemons:")
    for name in sorted(entries):
        e = entries[name]
        out.append(f"  - names: [{yq(name)}]")
        for k in ("foreground", "already", "drop"):
            if k in e:
                out.append(f"    {k}: [" + ", ".join("[" + ", ".join(yq(a) for a in s) + "]" for s in e[k]) + "]")
        if e.get("insert"):
            out.append(f"    insert: {e['insert']}")
        if e.get("never-forks"):
            out.append("    never-forks: true")
        src = []
        src.append(e["_man"][0])
        if e["_units"]:
            src.append("unit " + e["_units"][0])
        out.append(f"    source: {yq('; '.join(src))}")
        out.append(f"    evidence: {e['_evidence']}")
        out.append(f"    debian-patches: {e.get('_patches', 'unavailable')}")
        out.append("    man: [" + ", ".join(yq(m) for m in e["_man"]) + "]")
        out.append("    unit: [" + ", ".join(yq(u) for u in e["_units"]) + "]")
        if e.get("_daemonize"):
            out.append("    daemonize: [" + ", ".join("[" + ", ".join(yq(a) for a in d) + "]" for d in e["_daemonize"]) + "]")
        if e.get("_corroborated"):
            out.append("    corroborated: [" + ", ".join(yq(c) for c in e["_corroborated"]) + "]")
    with open(OUT_YAML, "w") as f:
        f.write("\n".join(out) + "\n")


def write_tsv(path, d, header):
    with open(path, "w") as f:
        f.write(f"# GENERATED by tools/daemon-table/build.py\n# {header}\n")
        for k in sorted(d):
            f.write(k + "\t" + re.sub(r"\s+", " ", d[k]) + "\n")


def report(entries, disputed, unresolved, agree, not_daemons, hand_names, corp, releases):
    lines = ["# Daemon table: figures (GENERATED by tools/daemon-table/build.py)", ""]
    for r in releases:
        lines.append(f"- Debian {r.name} (Release file of {r.lock['release_date']}): {len(r.lock['packages'])} packages read")
    lines.append("")
    lines.append(f"- entries in data/daemons-generated.yaml: **{len(entries)}**")
    ev = collections.Counter(e["_evidence"] for e in entries.values())
    for k, v in sorted(ev.items()):
        lines.append(f"  - evidence {k}: {v}")
    kinds = collections.Counter(
        "never-forks" if e.get("never-forks") else "foreground" if e.get("foreground") else "drop only" for e in entries.values()
    )
    lines.append("- by what they say: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    ins = collections.Counter(e.get("insert", "end") for e in entries.values() if e.get("foreground"))
    lines.append("- foreground entries by insert: " + ", ".join(f"{k} {v}" for k, v in sorted(ins.items())))
    rel = collections.Counter(
        "+".join(sorted({r.name for r in releases if any(f"Debian {r.name} " in x for x in e["_man"] + e["_units"])})) for e in entries.values()
    )
    lines.append("- by release cited: " + ", ".join(f"{k or 'none'} {v}" for k, v in sorted(rel.items())))
    pat = collections.Counter(e.get("_patches", "unavailable") for e in entries.values())
    lines.append("- Debian's patches: " + ", ".join(f"{k} {v}" for k, v in sorted(pat.items())))
    corr = sum(1 for e in entries.values() if e.get("_corroborated"))
    lines.append(f"- entries corroborated by a corpus script: {corr}")
    lines.append(f"- disputed names (no entry): {len(disputed)}")
    dk = collections.Counter(
        "busybox applet" if v.startswith("busybox") else "left out by hand" if v.startswith("left out") else "corpus scripts disagree" if v.startswith("the corpus") else "releases disagree" if "releases disagree" in v else "Debian source packages disagree" if "source packages" in v else "a unit contradicts its man page" for v in disputed.values()
    )
    for k, v in sorted(dk.items()):
        lines.append(f"  - {k}: {v}")
    lines.append(f"- daemons seen that the sources do not settle (unresolved.tsv): {len(unresolved)}")
    lines.append(f"- other programs read (man page says nothing of forking, no unit runs them): {not_daemons}")
    lines.append(f"- names the hand table has that the tool also settles: {len(agree)}")
    same = [a for a in agree if corpus.same_meaning(a[1], a[2])]
    lines.append(f"  - with the same meaning as the hand-checked entry: {len(same)}")
    lines.append("")
    lines.append("## Hand-checked entries the tool settles differently (the hand entry wins)")
    lines.append("")
    for name, e, hs in agree:
        if not corpus.same_meaning(e, hs):
            g = {k: v for k, v in e.items() if not k.startswith("_") and k != "names"}
            h = [{k: v for k, v in x.items() if k not in ("names", "source")} for x in hs]
            lines.append(f"- `{name}`: tool {json.dumps(g)} ({e['_evidence']}); hand {json.dumps(h)}")
    lines.append("")
    cov = corpus.coverage(corp, set(entries), set(hand_names))
    lines.append("## Coverage of the corpus's daemons (rough: `command=` basenames, see corpus.py)")
    lines.append("")
    for k, v in cov.items():
        lines.append(f"- {k}: {v}")
    with open(os.path.join(HERE, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
