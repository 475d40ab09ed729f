"""The corpus's scripts, read roughly (top-level `name=value` lines, no shell evaluation), for two
things only: corroboration or contradiction of an entry the Debian sources settled (never a
source on its own), and the coverage figure. Also: comparing an entry with a busybox applet's
usage text and with a hand-checked entry.

A script "says" something about its daemon only when it uses the declarative start (no start()
function of its own):
- supervisor=supervise-daemon, with command_args_foreground=F: F keeps it in the foreground;
- supervisor=supervise-daemon without F, or command_background=yes: it stays in the foreground
  with command_args as they are;
- otherwise (start-stop-daemon without --background): it forks with command_args as they are.
"""

import os
import re

import manpage

FOLDERS = ["alpine", "artix", "gentoo-overlays", "openrc", "postmarketos"]


def unquote(v):
    v = v.strip()
    m = re.match(r'^"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$', v) or re.match(r"^'([^']*)'\s*(?:#.*)?$", v)
    if m:
        return m.group(1)
    return re.sub(r"\s+#.*$", "", v)


def assignments(text):
    out = {}
    for m in re.finditer(r"^\s*(?:export\s+)?:?\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$", text, re.M):
        v = m.group(2)
        # ${x:=default} style
        out[m.group(1)] = unquote(v)
    for m in re.finditer(r"^\s*:\s*\$\{([A-Za-z_][A-Za-z0-9_]*):?=([^}]*)\}", text, re.M):
        out.setdefault(m.group(1), unquote(m.group(2)))
    return out


def expand(v, env, depth=0):
    """`$x`, `${x}`, `${x:-default}` from the script's and conf.d's own assignments (others are
    left as they are, and make the value unknown)."""
    if depth > 5:
        return v
    return re.sub(
        r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)",
        lambda m: substitute(m, env, depth),
        v,
    )


def substitute(m, env, depth):
    name = m.group(1) or m.group(3)
    default = m.group(2)
    if name in env and env[name] != "":
        return expand(env[name], env, depth + 1)
    if default is not None:
        return expand(default, env, depth + 1)
    return m.group(0)


class Script:
    def __init__(self, path, svc, text, confd):
        self.path = path
        env = {"RC_SVCNAME": svc, "SVCNAME": svc}
        env.update(assignments(confd))
        env.update({k: v for k, v in assignments(text).items() if k not in env or k in ("command", "supervisor")})
        self.env = env
        self.custom_start = bool(re.search(r"^\s*start\s*\(\)", text, re.M))
        cmd = expand(env.get("command", ""), env).strip().strip("\"'")
        self.command = cmd
        self.base = cmd.rsplit("/", 1)[-1] if cmd and "$" not in cmd and " " not in cmd else None
        self.args = expand(env.get("command_args", ""), env).split()
        self.supervisor = expand(env.get("supervisor", ""), env)
        self.fg_args = expand(env.get("command_args_foreground", ""), env).split()
        bg = expand(env.get("command_background", ""), env).lower()
        ssd = expand(env.get("start_stop_daemon_args", ""), env).split()
        self.background = bg in ("yes", "true", "1", "on") or "--background" in ssd or "-b" in ssd
        self.unknown = any("$" in a for a in self.args + self.fg_args)

    def says(self):
        """None, ("fg-args", F), ("attached", args) or ("forks", args)."""
        if self.custom_start or self.unknown or self.supervisor == "s6":
            return None
        if self.supervisor == "supervise-daemon":
            if self.fg_args:
                return ("fg-args", self.fg_args)
            return ("attached", self.args)
        if self.background:
            return ("attached", self.args)
        return ("forks", self.args)


def scripts(corpus_dir):
    """{command basename: [Script]} over the corpus's folders."""
    out = {}
    for folder in FOLDERS:
        d = os.path.join(corpus_dir, folder)
        if not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            text = open(os.path.join(d, fn), errors="replace").read()
            svc = re.sub(r"\.(initd|in|openrc|init|rc)$", "", fn.split("__")[-1])
            confd = ""
            if folder == "alpine":
                c = os.path.join(corpus_dir, "alpine-confd", re.sub(r"\.initd$", ".confd", fn))
                if os.path.exists(c):
                    confd = open(c, errors="replace").read()
            s = Script(f"{folder}/{fn}", svc, text, confd)
            if s.base:
                out.setdefault(s.base, []).append(s)
    return out


def contains(args, seq):
    return any(args[i : i + len(seq)] == seq for i in range(len(args) - len(seq) + 1))


def check(name, e, scripts_):
    """What the corpus's scripts say of an entry: a conflict (the entry would be wrong for them),
    and the scripts that agree."""
    conflict, ok = [], []
    already = e.get("already", [])
    drop = e.get("drop", [])
    for s in scripts_:
        said = s.says()
        if said is None:
            continue
        kind, args = said
        if kind == "fg-args":
            if any(contains(args, a) for a in already):
                ok.append(f"{s.path}: command_args_foreground={' '.join(args)}")
            elif any(contains(args, d) for d in drop):
                conflict.append(f"{s.path} passes {' '.join(args)} to keep it in the foreground, which the entry removes")
            elif e.get("never-forks") or not e.get("foreground"):
                conflict.append(f"{s.path} keeps it in the foreground with command_args_foreground={' '.join(args)}, which the entry does not know")
        elif kind == "attached":
            if any(contains(args, d) for d in drop):
                conflict.append(f"{s.path} runs it attached with {' '.join(args)}, which the entry says daemonizes")
            elif e.get("never-forks") or not e.get("foreground") or any(contains(args, a) for a in already):
                ok.append(f"{s.path}: stays attached with command_args={' '.join(args)}")
        elif kind == "forks":
            if any(contains(args, a) for a in already):
                # start-stop-daemon would wait for it: a script that does not work, or one that
                # runs it once; says nothing either way.
                continue
            if e.get("foreground"):
                ok.append(f"{s.path}: start-stop-daemon expects it to fork with command_args={' '.join(args)}")
            elif any(contains(args, d) for d in drop):
                ok.append(f"{s.path}: forks with {' '.join(args)}")
            else:
                conflict.append(f"{s.path} runs it with start-stop-daemon without --background (expecting it to fork) with command_args={' '.join(args) or '(none)'}")
    return {"conflict": "; ".join(conflict), "corroborated": ok[:3]}


def busybox_agrees(e, usage):
    """Whether busybox's applet of the same name takes the entry's sequences the same way."""
    where, _, text = usage.partition(": ")
    opts = {}
    for item in text.split(" | "):
        tag, _, desc = item.partition(": ")
        names, arg = manpage.parse_tag(tag.replace("/", " "))
        cls, _, fx, _ = manpage.classify(desc)
        for n in names:
            opts[n] = (cls, fx, arg, f"{tag}: {desc}")
    fg = [n for n, v in opts.items() if v[0] == "fg"]
    if e.get("foreground"):
        seq = e["foreground"][0]
        if len(seq) == 1 and opts.get(seq[0], (None,))[0] == "fg" and not opts[seq[0]][1]:
            for d in e.get("drop", []):
                if len(d) == 1 and opts.get(d[0], ("bg",))[0] not in ("bg", "bg-default"):
                    return False, f"{where}: {opts[d[0]][3]}, which the entry removes"
            return True, opts[seq[0]][3]
        got = opts.get(seq[0])
        return False, f"{where}: {got[3] if got else seq[0] + ' is not among its options'}" + (f"; its foreground option: {opts[fg[0]][3]}" if fg else "")
    if fg:
        return False, f"{where}: {opts[fg[0]][3]} (the entry says it needs no foreground option)"
    for d in e.get("drop", []):
        if len(d) != 1 or opts.get(d[0], (None,))[0] != "bg":
            return False, f"{where}: {d[0]} {'is ' + opts[d[0]][3] if d[0] in opts else 'is not among its options'}"
    if e.get("never-forks") and any(v[0] in ("bg", "bg-default") for v in opts.values()):
        return False, f"{where}: has a daemonize option"
    return True, where


def same_meaning(gen, hand_entries):
    """Whether a generated entry means what a hand-checked entry for the name means: the same
    foreground sequence (or both none), never-forks alike, and no sequence one removes that the
    other recognises as foreground."""
    for h in hand_entries:
        if h.get("when") or h.get("kind", "daemon") != "daemon":
            continue
        if bool(h.get("never-forks")) != bool(gen.get("never-forks")):
            return False
        hf = h.get("foreground", [])
        gf = gen.get("foreground", [])
        if bool(hf) != bool(gf):
            return False
        if gf and gf[0] not in h.get("already", []):
            return False
        ha, ga = h.get("already", []), gen.get("already", [])
        if any(d in ha for d in gen.get("drop", [])) or any(d in ga for d in h.get("drop", [])):
            return False
        if not gf and not hf and not gen.get("never-forks"):
            # drop-only entries: the same options removed (one may know more spellings)
            if not set(map(tuple, gen.get("drop", []))) & set(map(tuple, h.get("drop", []))):
                return False
        return True
    return False


def coverage(corp, gen_names, hand_names):
    scripts_all = [s for ss in corp.values() for s in ss]
    daemonish = {b: ss for b, ss in corp.items()}
    out = {}
    out["scripts whose `command` basename could be read"] = len(scripts_all)
    out["distinct basenames"] = len(daemonish)
    hand = {b for b in daemonish if b in hand_names}
    gen_only = {b for b in daemonish if b in gen_names and b not in hand_names}
    out["basenames the hand table knows"] = len(hand)
    out["basenames only the generated table knows"] = len(gen_only)
    out["scripts whose basename only the generated table knows"] = sum(len(daemonish[b]) for b in gen_only)
    fork_scripts = [
        s for s in scripts_all if s.says() and s.says()[0] == "forks" and s.base not in hand_names
    ]
    out["scripts that start-stop-daemon expects to fork, basename not in the hand table"] = len(fork_scripts)
    out["... of which the generated table knows the basename"] = sum(1 for s in fork_scripts if s.base in gen_names)
    out["basenames only the generated table knows (list)"] = ", ".join(sorted(gen_only))
    return out
