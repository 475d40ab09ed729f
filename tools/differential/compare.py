"""Reading what run-one.sh collected, comparing the two sides field by field, explaining the
differences listed in design-differences.json, and the reports."""

import collections
import json
import os
import re
import signal as pysignal
from pathlib import Path

SIGNAMES = {int(s): s.name[3:] for s in pysignal.Signals if s.name.startswith("SIG") and not s.name.startswith("SIG_")}
SIGNUMS = {v: k for k, v in SIGNAMES.items()}
SIGNUMS.update({"IOT": 6, "POLL": 29, "CLD": 17})

# open flags (asm-generic/fcntl.h, octal as /proc/PID/fdinfo shows them)
O_ACCMODE, O_APPEND, O_NONBLOCK, O_DIRECT, O_SYNC = 0o3, 0o2000, 0o4000, 0o40000, 0o4010000


def unescape(v):
    out = bytearray()
    i = 0
    b = v.encode()
    while i < len(b):
        if b[i] == 0x25 and i + 2 < len(b) + 0:  # %XX
            out.append(int(b[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(b[i])
            i += 1
    return out.decode("utf-8", errors="surrogateescape")


def read_record(path):
    """A probe record: {key: value} with argv, env, fd, rlimit as lists."""
    rec = collections.defaultdict(list)
    for line in path.read_text().splitlines():
        key, _, value = line.partition(" ")
        rec[key].append(unescape(value))
    out = {}
    for k, v in rec.items():
        out[k] = v if k in ("argv", "env", "fd", "rlimit") else v[0]
    out.setdefault("argv", [])
    out.setdefault("env", [])
    out.setdefault("fd", [])
    out.setdefault("rlimit", [])
    return out


def read_signals(path):
    sigs, running, exited = [], None, False
    if path is None or not path.is_file():
        return {"signals": [], "running": None, "exit": False}
    for line in path.read_text().splitlines():
        w = line.split()
        if w[:1] == ["sig"] and len(w) >= 5:
            sigs.append({"sig": SIGNAMES.get(int(w[1]), w[1]), "ms": int(w[2]), "from": " ".join(w[4:])})
        elif w[:1] == ["running"]:
            running = int(w[1])
        elif w[:1] == ["exit"]:
            exited = True
    return {"signals": sigs, "running": running, "exit": exited}


def text(p):
    return p.read_text(errors="replace") if p.is_file() else None


def argv_logs(out, name):
    """The NUL-separated argv files wrap.c wrote for start-stop-daemon / supervise-daemon calls."""
    calls = []
    for p in sorted(out.glob(f"{name}.*.argv"), key=lambda p: int(p.name.split(".")[1])):
        calls.append([a.decode("utf-8", errors="surrogateescape") for a in p.read_bytes().split(b"\0")[:-1]])
    return calls


def collect(out, sd, manifest):
    """Everything about one service's run, before comparison."""
    r = {"status": None}
    fixes = text(out / "fixes.txt")
    r["fixes"] = fixes.splitlines() if fixes else []
    setup = text(out / "setup-failed")
    if setup:
        r["status"] = "setup-failed"
        r["reason"] = setup.strip()
        return r
    if not (out / "done").exists():
        r["status"] = "harness-incomplete"
        r["reason"] = "the namespace run did not finish (timeout?)"
        r["log_tail"] = (text(out / "log.txt") or "")[-1500:]
    start_rc = text(out / "openrc-start.rc")
    r["openrc_start_rc"] = int(start_rc) if start_rc and start_rc.strip().lstrip("-").isdigit() else None
    r["openrc_start_output"] = [l for l in (text(out / "openrc-start.0.txt") or "").splitlines()][:40]
    if r["fixes"]:
        r["openrc_start_output_last"] = [l for l in (text(out / "openrc-start.txt") or "").splitlines()][:40]
    r["syslog"] = [l for l in (text(out / "syslog.txt") or "").splitlines()][:40]
    for v, key in (("command_args_foreground", "args_foreground"), ("command_args_background", "args_background")):
        p = out / v
        r[key] = [x.decode("utf-8", "surrogateescape") for x in p.read_bytes().split(b"\0")[:-1]] if p.is_file() else []
    r["ssd_calls"] = argv_logs(out, "start-stop-daemon")
    r["sd_calls"] = argv_logs(out, "supervise-daemon")
    others = []
    stop_t0 = {side: int((text(out / f"{side}-stop.t0") or "0").strip() or 0) for side in ("openrc", "s6")}
    for p in sorted(out.glob("openrc.*.rec")) + sorted(out.glob("s6.*.rec")):
        rec = read_record(p)
        if rec.get("mode") == "other":
            side = p.name.split(".")[0]
            t = int(rec.get("boottime_ms", "0") or 0)
            others.append({"side": side, "argv": rec["argv"], "parent": rec.get("parent"),
                           "phase": "stop" if stop_t0[side] and t >= stop_t0[side] - 20 else "start"})
    r["other_invocations"] = others
    sides = {}
    for side in ("openrc", "s6"):
        recp = out / f"{side}.rec"
        if not recp.is_file():
            sides[side] = None
            continue
        rec = read_record(recp)
        rec["holders"] = collections.defaultdict(list)
        for line in (text(out / f"{side}.holders") or "").splitlines():
            parts = line.split("\t")
            if len(parts) == 3:
                rec["holders"][parts[0]].append((parts[1], parts[2]))
        sigp = out / f"{side}.{rec['pid']}.sig"
        rec["stop"] = read_signals(sigp)
        rec["after_stop"] = (text(out / f"{side}.after-stop") or "").strip() or None
        rec["daemon_records"] = len([p for p in out.glob(f"{side}.*.rec") if read_record(p).get("mode", "").startswith("daemon")])
        sides[side] = rec
    r["openrc"], r["s6"] = sides["openrc"], sides["s6"]
    r["openrc_stop_rc"] = (text(out / "openrc-stop.rc") or "").strip() or None
    r["openrc_stop_output"] = (text(out / "openrc-stop.txt") or "").splitlines()[:20]
    r["s6_svstat"] = (text(out / "s6-svstat.txt") or "").strip()
    r["s6_svscan_start_rc"] = (text(out / "s6-svscan-start.rc") or "").strip()
    r["servicedir"] = {"down-signal": sd["down_signal"], "timeout-kill": sd["timeout_kill"],
                       "notification-fd": sd["notification_fd"]}
    r["decisions"] = manifest.get("decisions") or []
    r["diagnostics"] = [f"{d.get('code')} {d.get('at')}: {d.get('message')}" for d in manifest.get("diagnostics") or []]
    if r["status"] is None:
        if r["openrc"] is None and r["s6"] is None:
            r["status"] = "neither-started"
        elif r["openrc"] is None:
            r["status"] = "openrc-refused"
        elif r["s6"] is None:
            r["status"] = "s6-no-daemon"
        else:
            r["status"] = "compared"
    if r["s6"] is None:
        log = [l.split(" ", 1)[-1] for l in (text(out / "s6-log.txt") or "").splitlines() if l.strip()]
        # The first line: s6 keeps restarting a run script that stops, so where the log ends
        # depends on when it is read (tofutfd's ended at cat's message or at backtick's).
        r["s6_reason"] = "s6 never ran the daemon: " + (log[0] if log else "") + f" (s6-svstat: {r['s6_svstat']})"
    if r["openrc"] is None:
        r["reason"] = refusal_reason(r)
    elif r["s6"] is None:
        r["reason"] = r["s6_reason"]
    return r


NOISE = re.compile(r"^\s*\*?\s*(Starting |Stopping |WARNING: -c/--chuid is deprecated|\[ (ok|!!) \]$)|"
                   r"creating (file|directory)$|correcting (owner|mode)$")
GENERIC = re.compile(r"ERROR: .* failed to start$|[Ff]ailed to start ")


def refusal_reason(r):
    """Why OpenRC did not run the daemon, from what the start printed: its specific error lines
    first (start-stop-daemon's, the script's eerror), the generic "failed to start" last."""
    lines = r.get("openrc_start_output_last") or r.get("openrc_start_output") or []
    lines = [l.strip() for l in lines if l.strip() and not NOISE.search(l.strip())]
    specific = [l for l in lines if not GENERIC.search(l)]
    # what supervise-daemon or a start-stop-daemon child said to syslog (`<N>DATE NAME[PID]: text`)
    logged = [re.sub(r"^<\d+>\w{3} [ \d]\d \d\d:\d\d:\d\d ", "", l) for l in r.get("syslog", [])]
    logged = [l for l in logged if not re.search(r"Child command line|Sending signal|stopping |Re-executing", l)]
    specific += [re.sub(r"\[\d+\]", "", l) for l in logged if re.search(r"rror|unable|[Ff]ail|not |No such|[Cc]ould not", l)][:2]
    if r.get("openrc_start_rc") == 0 and not specific:
        ran = [" ".join(o["argv"][:3]) for o in r.get("other_invocations", []) if o["side"] == "openrc"]
        return ("OpenRC's start succeeded but the daemon never ran" +
                (f" (the program ran only as: {'; '.join(ran)})" if ran else ""))
    # The same message can come on the terminal and through syslog, the latter only when the
    # syslog stand-in has it before it is read (alpine/conntracct's "Could not set iab" was seen
    # once in one run and twice in the next): repeats are merged so the reason does not depend
    # on that race.
    chosen = list(dict.fromkeys(specific or lines))
    return " | ".join(chosen[:3])[:300] if chosen else "no output"


REFUSAL_KINDS = [
    ("the script is not POSIX sh (dash runs it on Debian)", r"unexpected operator|Bad substitution|Syntax error|not found$"),
    ("a file, directory, device or module of the package or the machine is missing",
     r"No such file|not found|missing|does not exist|doesn't exist|is not readable|is not a directory|Please set up|"
     r"[Nn]o such|not installed|cannot find|Cannot start|not configured|need to|You need|must be|not set|isn't set"),
    ("permission", r"[Pp]ermission denied|Operation not permitted"),
    ("the daemon never ran though the start succeeded", r"never ran"),
]


def refusal_kind(reason):
    for name, pat in REFUSAL_KINDS:
        if re.search(pat, reason or ""):
            return name
    return "other"


# ---------------------------------------------------------------------------------------------
# normalising one side into comparable fields

# Processes that hold a pipe only to pass it on (s6-svscan keeps the pipe between a service and
# its logger; s6-supervise, supervise-daemon and start-stop-daemon may still hold it; `sh` runs
# an output_logger/error_logger command for start-stop-daemon).
PIPE_KEEPERS = {"s6-svscan", "s6-supervise", "supervise-daemo", "start-stop-daem", "sh"}


def norm_target(target, holders):
    if target.startswith(("pipe:", "socket:")):
        who = sorted({argv for comm, argv in holders.get(target, []) if comm not in PIPE_KEEPERS})
        return ("pipe" if target.startswith("pipe:") else "socket") + " to " + (" + ".join(f"`{w}`" for w in who) or "nobody else")
    if target.startswith("/run/rc2s6-work/"):
        return "<the caller's output>"
    if target.startswith("/dev/pts/"):
        return "/dev/pts/N"
    return target


def norm_flags(fl):
    acc = {0: "r", 1: "w", 2: "rw"}.get(fl & O_ACCMODE, "?")
    extra = [n for bit, n in ((O_APPEND, "append"), (O_NONBLOCK, "nonblock"), (O_DIRECT, "direct"), (O_SYNC, "sync")) if fl & bit == bit]
    return ",".join([acc] + extra)


# Variables whose value is the pid of some openrc-run (the one that started the daemon, or the
# one that started s6-svscan): which pid it is says nothing, and it changes from run to run.
PID_VARIABLES = {"RC_OPENRC_PID", "RC_RUNSCRIPT_PID"}


def fields(rec):
    """A side's record as {field: {key: value}}: every value a string."""
    f = collections.OrderedDict()
    f["argv"] = {"argv": json.dumps(rec["argv"], ensure_ascii=False)}
    env = {}
    for e in rec["env"]:
        k, _, v = e.partition("=")
        env[k] = "<pid>" if k in PID_VARIABLES and v.isdigit() else v
    f["env"] = env
    for k in ("uid", "gid", "groups", "cwd", "root", "umask", "nice", "ioprio", "sched", "oom_score_adj",
              "no_new_privs", "securebits", "capinh", "capprm", "capeff", "capbnd", "capamb", "sigblk", "sigign",
              "seccomp", "session_leader", "pgrp_leader", "tty", "parent"):
        f.setdefault("process", {})[k] = rec.get(k, "?")
    f["rlimit"] = {}
    for x in rec["rlimit"]:
        k, _, v = x.partition("=")
        f["rlimit"][k] = v
    f["fd"] = {}
    for x in rec["fd"]:
        parts = x.split("\t")
        if len(parts) != 3:
            continue
        n, target, fl = parts
        f["fd"][n] = f"{norm_target(target, rec.get('holders', {}))} [{norm_flags(int(fl, 8))}]"
    f["mode"] = {"mode": rec.get("mode", "?")}
    return f


# ---------------------------------------------------------------------------------------------
# stop schedules

def parse_signal(s):
    s = s.strip().lstrip("-").upper()
    if s.startswith("SIG"):
        s = s[3:]
    if s.isdigit():
        return SIGNAMES.get(int(s), s)
    return s if s in SIGNUMS else None


def openrc_schedule(retry, sig):
    """The signals OpenRC's start-stop-daemon / supervise-daemon send, with the time each is sent
    (s), per parse_schedule() in src/shared/schedules.c (tag 0.45.2): a bare number N is `SIG,
    wait N` with no KILL; no --retry is `SIG, wait 5`; `forever` repeats what follows it, shown
    once. Returns [(signal, at_seconds)] or None when the schedule cannot be read."""
    sig = parse_signal(sig or "TERM")
    if retry is None or "/" not in retry:
        if retry is not None and not retry.strip().isdigit():
            return None
        return [(sig, 0)]
    out, t = [], 0
    for item in retry.split("/"):
        item = item.strip()
        if item == "forever":
            continue
        if item.isdigit():
            t += int(item)
            continue
        s = parse_signal(item)
        if s is None:
            return None
        out.append((s, t))
    return out


def options_of(argv):
    """A start-stop-daemon / supervise-daemon call's words before `--` (the daemon's own
    arguments follow it)."""
    args = argv[1:]
    return args[: args.index("--")] if "--" in args else args


def ssd_stop_schedule(calls):
    """From the logged start-stop-daemon --stop call: (retry, signal) as given."""
    for argv in calls:
        args = options_of(argv)
        if not any(a in ("--stop", "-K") for a in args):
            continue
        retry = sig = None
        for i, a in enumerate(args):
            if a in ("--retry", "-R") and i + 1 < len(args):
                retry = args[i + 1]
            elif a.startswith("--retry="):
                retry = a.split("=", 1)[1]
            elif a in ("--signal", "-s") and i + 1 < len(args):
                sig = args[i + 1]
            elif a.startswith("--signal="):
                sig = a.split("=", 1)[1]
        return retry, sig, argv
    return None


def sd_stop_schedule(calls):
    """supervise-daemon takes the schedule at start (--retry); 0.45 sends SIGTERM unless --retry
    says otherwise (src/supervise-daemon/supervise-daemon.c:775, 1081 at tag 0.45.2). Only when
    OpenRC's stop asked supervise-daemon to stop: a stop() of the script's own that signals the
    daemon itself (`pkill -9 …`) has its own schedule, which the live signals show."""
    if not any("--stop" in options_of(a) or "-K" in options_of(a) for a in calls):
        return None
    for argv in calls:
        args = options_of(argv)
        if "--start" not in args and "-S" not in args:
            continue
        retry = None
        for i, a in enumerate(args):
            if a in ("--retry", "-R") and i + 1 < len(args):
                retry = args[i + 1]
        return retry, None, argv
    return None


def s6_schedule(down_signal, timeout_kill):
    """s6-supervise on `s6-svc -d`: down-signal (default SIGTERM), then SIGCONT, then SIGKILL
    after timeout-kill ms if that file is there and not 0 (s6-supervise(8), s6 2.11/2.15)."""
    sig = parse_signal(down_signal or "TERM")
    out = [(sig, 0)]
    if timeout_kill and timeout_kill.strip().isdigit() and int(timeout_kill) > 0:
        out.append(("KILL", int(timeout_kill) / 1000))
    return out


def fmt_schedule(s):
    if s is None:
        return "unreadable"
    return ", ".join(f"{sig}@{t:g}s" for sig, t in s)


def live_signals(rec):
    """Signals the probe saw once the stop began, CONT and CHLD left out, with the time from the
    first one (s, rounded to 0.5 s); `KILL` when it died without its own exit line."""
    if rec is None:
        return None
    st = rec["stop"]
    sigs = [s for s in st["signals"] if s["sig"] not in ("CONT", "CHLD", "WINCH", "URG")]
    out = []
    if sigs:
        t0 = sigs[0]["ms"]
        out = [f"{s['sig']}@{round((s['ms'] - t0) / 500) / 2:g}s" for s in sigs]
    if not st["exit"] and rec.get("after_stop") == "gone":
        out.append("KILL(died without exiting)")
    if rec.get("after_stop") == "alive":
        out.append("(still running)")
    return ", ".join(out) if out else "none"


# ---------------------------------------------------------------------------------------------
# comparison

def differences(r):
    """[{field, key, openrc, s6}] for a compared service."""
    a, b = fields(r["openrc"]), fields(r["s6"])
    diffs = []
    for field in ("argv", "mode", "process", "env", "rlimit", "fd"):
        fa, fb = a.get(field, {}), b.get(field, {})
        for key in sorted(set(fa) | set(fb)):
            va, vb = fa.get(key), fb.get(key)
            if va != vb:
                diffs.append({"field": field, "key": key, "openrc": "<absent>" if va is None else va,
                              "s6": "<absent>" if vb is None else vb})
    # the stop: what OpenRC's configuration says it sends vs what s6's does, and what the probe saw
    if r["sd_calls"]:
        cfg = sd_stop_schedule(r["sd_calls"])
        backend = "supervise-daemon"
    else:
        cfg = ssd_stop_schedule(r["ssd_calls"])
        backend = "start-stop-daemon"
    sb = s6_schedule(r["servicedir"]["down-signal"], r["servicedir"]["timeout-kill"])
    if cfg is None:
        # stop() did not call start-stop-daemon --stop / supervise-daemon --stop: its schedule is
        # whatever it does (a control program, kill): not compared
        r["stop_schedule"] = {"openrc": "unknown: stop() did not call start-stop-daemon/supervise-daemon",
                              "openrc_backend": backend, "openrc_call": None, "s6": fmt_schedule(sb)}
    else:
        sa = openrc_schedule(cfg[0], cfg[1])
        r["stop_schedule"] = {"openrc": fmt_schedule(sa), "openrc_backend": backend,
                              "openrc_call": cfg[2], "s6": fmt_schedule(sb)}
        if fmt_schedule(sa) != fmt_schedule(sb):
            diffs.append({"field": "stop", "key": "schedule", "openrc": fmt_schedule(sa), "s6": fmt_schedule(sb)})
    la, lb = live_signals(r["openrc"]), live_signals(r["s6"])
    r["stop_live"] = {"openrc": la, "s6": lb}
    during_stop = [o for o in r.get("other_invocations", []) if o["side"] == "openrc" and o["phase"] == "stop"]
    if during_stop:
        # stop() ran the program itself (`lxd shutdown`, `nginx -s quit`): the real program would
        # have ended the daemon; the probe cannot, so the signals it saw are not OpenRC's stop
        r["stop_live"]["note"] = "stop() ran the program itself: " + "; ".join(" ".join(o["argv"][:4]) for o in during_stop)
        return diffs
    if cfg is None and la in ("(still running)", "none"):
        r["stop_live"]["note"] = "stop() stopped the daemon some other way (its control program?): the probe cannot answer it"
        return diffs
    if any("already stopped" in l or "not been started" in l for l in r.get("openrc_stop_output") or []):
        # OpenRC took the start for failed (a start_post, a check after the launch), so its stop
        # did not stop the daemon: nothing to compare
        r["stop_live"]["note"] = "OpenRC's stop did not run: it took the start for failed"
        return diffs
    first_a = la.split(",")[0].split("@")[0] if la else None
    first_b = lb.split(",")[0].split("@")[0] if lb else None
    if first_a != first_b:
        diffs.append({"field": "stop", "key": "first-signal", "openrc": first_a or "none", "s6": first_b or "none"})
    return diffs


def rule_matches(rule, d, r, context):
    if rule.get("field") != d["field"]:
        return False
    for k in ("key", "openrc", "s6"):
        pat = rule.get(k)
        if pat is not None and not re.search(pat, d[k], re.S):
            return False
    for k, fmt in rule.get("relation", {}).items():
        if d[k] != fmt.format(openrc=d["openrc"], s6=d["s6"]):
            return False
    when = rule.get("when", {})
    for k, v in when.items():
        if k == "backend":
            backend = "supervise-daemon" if r.get("sd_calls") else "start-stop-daemon"
            if backend != v:
                return False
        elif k == "decision":
            if not any(re.search(v, x.get("choice", "") or "") for x in r.get("decisions", [])):
                return False
        elif k == "openrc_mode":
            if (r.get("openrc") or {}).get("mode") != v:
                return False
        elif context.get(k) != v:
            return False
    return True


def explain_argv(d, r):
    """An argv difference that rc2s6's manifest explains: the daemon table's `added`/`removed`
    flags, command_args_background left out, command_args_foreground used (SD/s6 only)."""
    try:
        a, b = json.loads(d["openrc"]), json.loads(d["s6"])
    except ValueError:
        return None
    choices = [x.get("choice", "") or "" for x in r.get("decisions", [])]
    edits = []
    for c in choices:
        for verb, words in re.findall(r"(added|removed) `([^`]*)`", c):
            edits.append((verb, words))
    # apply the edits in reverse to b (s6) and see if it becomes a
    cand = list(b)
    for verb, words in edits:
        if verb == "added":
            cand = remove_words(cand, words)
        else:
            pass
    removed = [w for v, w in edits if v == "removed"]
    for w in removed:
        a = remove_words(a, w)
    if edits and cand == a:
        return "daemon-table: " + "; ".join(f"{v} `{w}`" for v, w in edits)
    a, b = json.loads(d["openrc"]), json.loads(d["s6"])
    fg, bg = r.get("args_foreground") or [], r.get("args_background") or []
    # OpenRC's supervise-daemon and s6 backends run `$command $command_args
    # $command_args_foreground` (supervise-daemon.sh, s6.sh), start-stop-daemon `... --
    # $command_args $command_args_background` (start-stop-daemon.sh): the s6 service runs the
    # foreground form
    if fg and b == a + fg:
        return "command_args_foreground: what OpenRC's own supervise-daemon and s6 backends add"
    if bg and a == b + bg and any("command_args_background left out" in c for c in choices):
        return "command_args_background left out: start-stop-daemon's only (the daemonize flag)"
    if fg and bg and a[: len(a) - len(bg)] + fg == b and a[len(a) - len(bg):] == bg:
        return "command_args_foreground instead of command_args_background"
    return None


def remove_words(argv, words):
    """argv without the first run of words that, joined by spaces, is `words` (one word or
    several: `-g daemon off;` is `-g` + `daemon off;`)."""
    for i in range(len(argv)):
        for j in range(i + 1, len(argv) + 1):
            if " ".join(argv[i:j]) == words:
                return argv[:i] + argv[j:]
            if len(" ".join(argv[i:j])) > len(words):
                break
    return argv


# Explanations decided in code (they need more than one field), with their reasons.
CODE_EXPLANATIONS = {
    "daemon-table": "rc2s6's daemon table (data/daemons.yaml) adds a foreground flag or removes a daemonize flag, "
                    "as the manifest's foreground decision says, so the daemon stays under s6-supervise.",
    "foreground-flags": "The script expects the daemon to fork (start-stop-daemon without --background); under s6 "
                        "it runs in the foreground through the flags the argv difference shows (daemon table, or "
                        "command_args_foreground as OpenRC's own supervise-daemon and s6 backends use it).",
    "openrc-start-would-hang": "start-stop-daemon without --background waits for the program to exit "
                               "(start-stop-daemon.c:1132-1148 at 0.45.2), and rc2s6's daemon table says this "
                               "program never forks with these arguments: OpenRC's start would hang (the probe "
                               "forked to let it return); s6 runs it in the foreground, as it is.",
    "command_args_foreground": "OpenRC's supervise-daemon and s6 backends run `$command $command_args "
                               "$command_args_foreground` (supervise-daemon.sh, s6.sh), start-stop-daemon "
                               "`-- $command_args $command_args_background`: the s6 service runs the foreground form.",
    "readiness-fd": "The service directory has notification-fd: s6-supervise hands the daemon that fd (a pipe it "
                    "reads) to say it is ready; OpenRC 0.45 has no readiness protocol (notify= is 0.60+).",
    "openrc-cannot-find-long-name": "OpenRC's start-stop-daemon finds the daemon to stop by comparing --exec's base "
                                    "name with the kernel's 15-character process name (pid_is_exec(), "
                                    "src/librc/librc-daemon.c at 0.45.2): a longer name never matches, so OpenRC "
                                    "cannot stop the daemon (\"no matching processes found\"); s6 can. rc2s6 does "
                                    "not copy that bug.",
    "openrc-run-pid": "start() runs the program itself, so it inherits RC_OPENRC_PID and RC_RUNSCRIPT_PID, the pid of "
                      "the openrc-run that ran start() (openrc-run.c:1195-1207 at 0.45.2), which exits once start() "
                      "returns: in the daemon they name a process that is gone. No such process exists under s6; "
                      "start-stop-daemon and supervise-daemon remove them from every daemon they start "
                      "(start-stop-daemon.c:1003-1015 at 0.45.2).",
    "session-of-its-own": "start() runs the program itself in openrc-run's session and process group (the caller's: "
                          "a terminal's under rc-service). start-stop-daemon and supervise-daemon give every daemon a "
                          "session of its own (setsid(): start-stop-daemon.c:1121, supervise-daemon.c:378 at 0.45.2), "
                          "and s6-supervise always does (s6-supervise(8), s6 2.10 on: \"always spawns its child in a new "
                          "session\"; a run script cannot undo it and keep the daemon the supervised process). A daemon "
                          "that forks under OpenRC (rpc.mountd, in.tftpd, rpc.idmapd) becomes a session leader itself "
                          "(daemon(3): fork, setsid), as it is under s6 from the start.",
    "daemon-default-pidfile": "Not a difference of rc2s6's, a limit of the harness: OpenRC's stop finds the daemon by "
                              "a pidfile that only the stop call names, one the real daemon writes by default "
                              "(rdnssd: /var/run/rdnssd/rdnssd.pid, ndisc6's rdnssd.c); the probe cannot write it, so "
                              "OpenRC's stop finds nothing here.",
    "openrc-stop-empty-pidfile": "OpenRC's stop names an empty --pidfile (a conf.d value left unset) and nothing "
                                 "else to match: get_pid(\"\") fails with ENOENT, which start-stop-daemon takes for "
                                 "a daemon already gone, so it stops nothing and reports success "
                                 "(start-stop-daemon.c:790-816, misc.c get_pid() at 0.45.2); s6 stops the daemon. "
                                 "rc2s6 does not copy that bug (it warns about the unset variable).",
}


def stop_by_unknown_pidfile(r):
    """Whether OpenRC's --stop call matched by a --pidfile that neither the start call nor the
    daemon's arguments name: one the real daemon writes by default, which the probe cannot."""
    start_words, stop_pidfiles = [], []
    for argv in r.get("ssd_calls") or []:
        args = options_of(argv)
        pidfiles = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--pidfile", "-p")]
        pidfiles += [a.split("=", 1)[1] for a in args if a.startswith("--pidfile=")]
        if any(a in ("--stop", "-K") for a in args):
            stop_pidfiles += pidfiles
        else:
            start_words += argv
    daemon_args = (r.get("openrc") or {}).get("argv") or []
    named = set(start_words) | {w.split("=", 1)[-1] for w in start_words + list(daemon_args)}
    return bool(stop_pidfiles) and all(p and p not in named for p in stop_pidfiles)


def stop_by_empty_pidfile(r):
    """Whether OpenRC's start-stop-daemon --stop call matched by an empty --pidfile alone."""
    for argv in r.get("ssd_calls") or []:
        args = options_of(argv)
        if not any(a in ("--stop", "-K") for a in args):
            continue
        pidfiles = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--pidfile", "-p")]
        pidfiles += [a.split("=", 1)[1] for a in args if a.startswith("--pidfile=")]
        others = any(a in ("--exec", "-x", "--name", "-n", "--user", "-u") or a.startswith(("--exec=", "--name=", "--user="))
                     for a in args)
        return pidfiles == [""] and not others
    return False


def classify(r, rules, context):
    if r.get("status") != "compared":
        r["differences"] = []
        return
    diffs = differences(r)
    table = None
    for d in diffs:
        d["explained"] = None
        if d["field"] == "argv":
            why = explain_argv(d, r)
            if why:
                d["explained"] = "daemon-table" if why.startswith("daemon-table") else "command_args_foreground"
                d["why"] = why
                table = why
                continue
        if d["field"] == "fd" and d["key"] == r["servicedir"].get("notification-fd") and d["openrc"] == "<absent>" \
                and d["s6"].startswith("pipe to nobody else"):
            d["explained"] = "readiness-fd"
            continue
        if d["field"] == "stop" and d["key"] == "first-signal" and d["openrc"] == "(still running)" \
                and any("no matching processes found" in l for l in r.get("openrc_stop_output") or []) \
                and len(os.path.basename(r.get("program") or "")) > 15:
            d["explained"] = "openrc-cannot-find-long-name"
            continue
        direct = any("compiled from the direct call in start()" in (x.get("choice") or "") for x in r.get("decisions", []))
        if direct and d["field"] == "env" and d["key"] in ("RC_OPENRC_PID", "RC_RUNSCRIPT_PID") and d["s6"] == "<absent>":
            d["explained"] = "openrc-run-pid"
            continue
        if direct and d["field"] == "process" and d["key"] in ("pgrp_leader", "session_leader") \
                and d["openrc"] == "0" and d["s6"] == "1":
            d["explained"] = "session-of-its-own"
            continue
        if d["field"] == "stop" and d["key"] == "first-signal" and d["openrc"] == "(still running)" \
                and stop_by_empty_pidfile(r):
            d["explained"] = "openrc-stop-empty-pidfile"
            continue
        if d["field"] == "stop" and d["key"] == "first-signal" and d["openrc"] == "(still running)" \
                and stop_by_unknown_pidfile(r):
            d["explained"] = "daemon-default-pidfile"
            continue
        if d["field"] == "mode" and d["openrc"] == "daemon-forks" and d["s6"] == "daemon":
            # the script expects the daemon to fork (start-stop-daemon without --background);
            # under s6 it must not: explained when rc2s6 changed its flags to keep it in the
            # foreground, or when its daemon table says the program never forks with these
            # arguments (then OpenRC's start-stop-daemon waits for it forever: its start hangs)
            argv_why = [explain_argv(x, r) for x in diffs if x["field"] == "argv"]
            if argv_why and argv_why[0]:
                d["explained"] = "foreground-flags"
                d["why"] = argv_why[0]
            elif not argv_why and any(re.search(r"nothing to change|already keep it in the foreground", x.get("choice") or "")
                                      for x in r.get("decisions", [])):
                d["explained"] = "openrc-start-would-hang"
            continue
        for rule in rules:
            if rule_matches(rule, d, r, context):
                d["explained"] = rule["id"]
                break
    r["differences"] = diffs
    r["unexplained"] = sum(1 for d in diffs if not d["explained"])


# ---------------------------------------------------------------------------------------------
# reports

def short(v, n=100):
    v = v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return v if len(v) <= n else v[: n - 1] + "…"


def stable(reason):
    """A reason as the expected file keeps it: the Unix times programs print in brackets
    (unbound-checkconf's `[1796590625]`) change from run to run, and so does the moment
    s6-svstat catches a run script that s6 restarts each second (`up (pid 447) 0 seconds` or
    `down (exitcode 1) …`)."""
    reason = re.sub(r"\[\d{9,}\]", "[TIME]", reason)
    return re.sub(r" \(s6-svstat: .*\)$", " (s6-svstat: [STATE])", reason)


def expected_lines(results):
    """One line per unexplained difference, and one per service that could not be compared, in
    a stable order: what the expected-differences file holds."""
    lines = []
    for sid, r in sorted(results.items()):
        st = r.get("status")
        if st == "compared":
            for d in r["differences"]:
                if not d["explained"]:
                    a, b = d["openrc"], d["s6"]
                    if d["field"] == "env" and "<absent>" in (a, b):
                        # a variable one side lacks: its value may be a secret made at each
                        # start (keycloak's password); the results' JSON has it
                        a, b = ("<set>" if a != "<absent>" else a), ("<set>" if b != "<absent>" else b)
                    lines.append("\t".join([sid, d["field"], short(d["key"], 60), short(a), short(b)]))
        elif st in ("openrc-refused", "s6-no-daemon", "neither-started", "not-converted", "not-probed", "setup-failed"):
            lines.append("\t".join([sid, "status", st, short(stable(r.get("reason") or ""), 160), "-"]))
        else:
            lines.append("\t".join([sid, "status", st or "?", short(r.get("reason") or "", 160), "-"]))
    return lines


def group_key(d):
    if d["field"] in ("env", "rlimit", "fd", "process"):
        return f"{d['field']}:{d['key']}"
    return f"{d['field']}:{d['key']}"


# Options that make a daemon detach (issue 11 bug 11), and the counterparts that keep it in the
# foreground whatever they say.
DAEMONIZE = re.compile(r"^(--?daemon|--daemoni[sz]e|--daemon=(yes|true|1|on)|-daemon=(1|true))$")
FOREGROUND = {"--foreground", "--no-detach", "--nodetach", "--nofork", "--no-fork", "--nodaemon", "--no-daemon",
              "-nodetach", "--fg"}


def report(results, rules, context, elapsed, args):
    figures = collections.Counter()
    for r in results.values():
        figures["status:" + (r.get("status") or "?")] += 1
        if r.get("fixes"):
            figures["runs-with-fixes"] += 1
            for f in r["fixes"]:
                figures["fix:" + f.split()[0]] += 1
    groups = collections.defaultdict(list)
    explained = collections.defaultdict(list)
    for sid, r in sorted(results.items()):
        for d in r.get("differences", []):
            if d["explained"]:
                explained[d["explained"]].append((sid, d))
            else:
                groups[group_key(d)].append((sid, d))
    n_un = sum(len(v) for v in groups.values())
    n_ex = sum(len(v) for v in explained.values())
    svc_un = len({sid for v in groups.values() for sid, _ in v})
    figures["differences-unexplained"] = n_un
    figures["differences-explained"] = n_ex
    figures["services-with-unexplained"] = svc_un
    compared = figures["status:compared"]
    md = ["# rc2s6 differential: summary", ""]
    md.append(f"OpenRC side: Debian's openrc-run 0.45.2 with start-stop-daemon `{args.ssd_real}` ({context['ssd_flavor']}) "
              f"and supervise-daemon 0.45.2; s6 side: {'s6 2.15 from ' + args.s6_prefix if args.s6_prefix else 'Debian s6 2.11 / execline 2.9.0'}.")
    md.append(f"Wall time {elapsed:.0f} s with {args.jobs} jobs.")
    md.append("")
    md.append("| status | services |")
    md.append("|---|---:|")
    for k in sorted(k for k in figures if k.startswith("status:")):
        md.append(f"| {k[7:]} | {figures[k]} |")
    md.append(f"| **total** | {len(results)} |")
    md.append("")
    md.append(f"Compared: {compared}; with an unexplained difference: {svc_un}; unexplained differences: {n_un}; "
              f"explained (design-differences.json or the manifest's daemon-table decisions): {n_ex}.")
    md.append(f"Runs that needed a fix to start under OpenRC (account or required file created): {figures['runs-with-fixes']}.")
    md.append("")
    md.append("## Unexplained differences, by kind")
    for key, items in sorted(groups.items(), key=lambda kv: (-len({s for s, _ in kv[1]}), kv[0])):
        svcs = sorted({s for s, _ in items})
        md.append("")
        md.append(f"### {key} — {len(svcs)} services")
        for sid, d in items[:5]:
            md.append(f"- `{sid}`: OpenRC `{short(d['openrc'], 140)}` · s6 `{short(d['s6'], 140)}`")
    md.append("")
    md.append("## Daemonizing options in the s6 service's argv (listed, not compared)")
    md.append("")
    md.append("The probe does not read its options, so a daemon that would fork under s6 because of its own "
              "option looks the same on both sides. These s6 command lines hold an option that makes many "
              "daemons fork (issue 11, bug 11):")
    for sid, r in sorted(results.items()):
        argv = (r.get("s6") or {}).get("argv") or []
        # not when the next word turns it off (`--daemonize no`) or a foreground counterpart is there
        hits = [a for i, a in enumerate(argv[1:], 1) if DAEMONIZE.match(a)
                and (argv[i + 1] if i + 1 < len(argv) else "").lower() not in ("no", "false", "0", "off")
                and not FOREGROUND.intersection(argv)]
        if hits:
            md.append(f"- `{sid}`: {' '.join(hits)} — `{short(' '.join(argv), 160)}`")
            figures["s6-argv-with-daemonize-option"] += 1
    md.append("")
    md.append("## Services OpenRC did not start (the s6 side ran anyway)")
    md.append("")
    md.append("OpenRC refused, after the harness had made what a package install provides (accounts, "
              "required_files, required_dirs, the directories of --chdir, pidfiles and logs). rc2s6 "
              "converted each of them (issue 11, bug 12), though several only fail for want of the "
              "package's own files on this machine.")
    kinds = collections.defaultdict(list)
    for sid, r in sorted(results.items()):
        if r.get("status") in ("openrc-refused", "neither-started"):
            kinds[refusal_kind(r.get("reason"))].append((sid, r))
    for kind, items in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
        md.append("")
        md.append(f"### {kind} — {len(items)}")
        for sid, r in items[:5]:
            md.append(f"- `{sid}`: {short(r.get('reason') or '', 200)}")
        figures["refused:" + kind] = len(items)
    md.append("")
    md.append("## s6 did not run the daemon")
    for sid, r in sorted(results.items()):
        if r.get("status") in ("s6-no-daemon", "neither-started"):
            md.append(f"- `{sid}` ({r['status']}): {short(r.get('s6_reason') or '', 200)}")
    md.append("")
    md.append("## Explained differences")
    by_id = {r["id"]: r for r in rules}
    for rid, items in sorted(explained.items(), key=lambda kv: -len(kv[1])):
        reason = by_id[rid]["reason"] if rid in by_id else CODE_EXPLANATIONS.get(rid, "?")
        md.append(f"- `{rid}` ({len(items)}): {reason}")
    md.append("")
    short_txt = (f"differential: {len(results)} services: " +
                 ", ".join(f"{k[7:]} {figures[k]}" for k in sorted(figures) if k.startswith("status:")) +
                 f"; {n_un} unexplained differences in {svc_un} services, {n_ex} explained; {elapsed:.0f} s")
    figures = dict(figures)
    figures["elapsed_seconds"] = round(elapsed)
    figures["unexplained_by_kind"] = {k: len({s for s, _ in v}) for k, v in sorted(groups.items())}
    figures["explained_by_rule"] = {k: len(v) for k, v in sorted(explained.items())}
    return {"figures": figures, "markdown": "\n".join(md) + "\n", "short": short_txt}
