#!/usr/bin/env python3
"""rc2s6 fidelity differential: for each converted corpus service, start it under Debian's real
OpenRC 0.45 (the script unchanged) and rc2s6's service directory under a real s6-svscan, each
time with the daemon's program replaced by a probe, and compare what the two processes were
given, field by field. See README.md beside this file.

Usage:
  differential.py [--all | --sample FILE | --service ID ...] [--jobs N] [--out DIR]
                  [--expected FILE [--update-expected]] ...
Exit codes: 0 ran (and, with --expected, matched it), 1 unexplained differences other than the
expected ones, 100 bad usage, 111 a tool is missing or a run could not be done.
"""

import argparse
import collections
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402
import miniyaml  # noqa: E402

ROOT = HERE.parent.parent
FOLDERS = ["alpine", "artix", "gentoo-overlays", "openrc", "postmarketos"]
OPENRC_TARGET = "0.45.2"
# Programs the namespace's own set-up, OpenRC and s6 run: a probe over one of them would break
# the run itself, so such a service cannot be probed.
HARNESS_PROGRAMS = {
    "sh", "bash", "dash", "busybox-not", "env", "openrc-run", "openrc", "rc-service",
    "start-stop-daemon", "supervise-daemon", "execlineb", "mount", "umount", "timeout", "cp",
    "install", "mkdir", "getent", "cmp", "readlink", "grep", "sed", "sleep", "kill", "ps", "ln",
    "cat", "rm", "tail", "dirname", "chmod", "cut", "chroot", "unshare", "awk", "mawk", "printf",
    "echo", "test", "[", "tr", "basename", "sort", "head", "id", "chown", "touch",
}
TOOLS = ["gcc", "unshare", "mount", "timeout", "openrc-run", "start-stop-daemon", "supervise-daemon",
         "s6-svscan", "s6-svscanctl", "s6-svc", "s6-svstat", "s6-log", "execlineb", "ps"]


def die(msg, code=111):
    print(f"differential: {msg}", file=sys.stderr)
    sys.exit(code)


def which(name):
    for d in os.environ.get("PATH", "").split(":") + ["/usr/sbin", "/sbin", "/usr/lib/execline/bin"]:
        p = Path(d) / name
        if p.is_file() and os.access(p, os.X_OK):
            return p
    return None


# ---------------------------------------------------------------------------------------------
# building the probe and the wrapper

def build(bindir):
    bindir.mkdir(parents=True, exist_ok=True)
    for name in ("probe", "wrap", "syslogd"):
        src = HERE / f"{name}.c"
        digest = hashlib.sha256(src.read_bytes()).hexdigest()
        out = bindir / name
        stamp = bindir / f"{name}.sha256"
        if out.exists() and stamp.exists() and stamp.read_text() == digest:
            continue
        cmd = ["gcc", "-static", "-O2", "-Wall", "-Wextra", "-o", str(out), str(src)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            die(f"gcc failed for {src}:\n{r.stderr}")
        stamp.write_text(digest)
    # OpenRC's own start-stop-daemon and supervise-daemon 0.45.2 (openrc-0.45.2/SOURCES), against
    # Debian's librc
    src = HERE / "openrc-0.45.2"
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(src.iterdir()))).hexdigest()
    stamp = bindir / "openrc-0.45.2.sha256"
    progs = {
        "start-stop-daemon": ["start-stop-daemon.c", "pipes.c", "schedules.c", "_usage.c", "misc-debian.c",
                              "-lrc", "-leinfo", "-lcap"],
        "supervise-daemon": ["supervise-daemon.c", "plugin.c", "schedules.c", "_usage.c", "misc-debian.c",
                             "-lrc", "-leinfo", "-lcap", "-ldl"],
    }
    if not (stamp.exists() and stamp.read_text() == digest and all((bindir / f"{p}.openrc").exists() for p in progs)):
        tmp = bindir / "openrc-build"
        if tmp.exists():
            shutil.rmtree(tmp)
        shutil.copytree(src, tmp)
        (tmp / "version.h").write_text((src / "version.h.in").read_text().replace("@VCS_TAG@", "0.45.2"))
        for prog, files in progs.items():
            cmd = ["gcc", "-O2", "-D_DEFAULT_SOURCE", "-DHAVE_CAP", "-I.", "-o", str(bindir / f"{prog}.openrc")] + files
            r = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
            if r.returncode != 0:
                die(f"cannot build OpenRC's {prog} (needs gcc, librc-dev, libeinfo-dev, libcap-dev):\n"
                    + r.stderr[-3000:])
        shutil.rmtree(tmp)
        stamp.write_text(digest)
    shutil.copy(ROOT / "testdata/openrc/system/init.d/s6-svscan", bindir / "s6-svscan")
    shutil.copy(HERE / "run-one.sh", bindir / "run-one.sh")


# ---------------------------------------------------------------------------------------------
# the corpus, staged as init.d/NAME + conf.d/NAME per folder (as tools/corpus-fingerprint does)

def stage(corpus, stagedir):
    """Returns {id: {folder, name, corpus_script, corpus_confd}}; id = folder/name."""
    services = {}
    if stagedir.exists():
        shutil.rmtree(stagedir)
    for f in FOLDERS:
        initd = stagedir / f / "init.d"
        confd = stagedir / f / "conf.d"
        initd.mkdir(parents=True)
        confd.mkdir(parents=True)
        if not (corpus / f).is_dir():
            continue
        for p in sorted((corpus / f).iterdir()):
            name = p.name
            svc = name.split("__")[-1]
            # dbus.initd.in -> dbus, sshd.initd -> sshd (as tools/corpus-fingerprint, but every
            # suffix: rc2s6 itself names NAME.initd after NAME)
            while svc.endswith((".initd", ".in")) and svc not in (".initd", ".in"):
                svc = svc[: -len(".initd")] if svc.endswith(".initd") else svc[: -len(".in")]
            if (initd / svc).exists():
                svc = name[: -len(".initd")] if name.endswith(".initd") else name
            shutil.copy(p, initd / svc)
            os.chmod(initd / svc, 0o755)
            c = corpus / "alpine-confd" / (name[: -len(".initd")] + ".confd") if name.endswith(".initd") else None
            rec = {"folder": f, "name": svc, "corpus_script": f"{f}/{name}", "corpus_confd": None}
            if f == "alpine" and c is not None and c.is_file():
                shutil.copy(c, confd / svc)
                rec["corpus_confd"] = f"alpine-confd/{c.name}"
            services[f"{f}/{svc}"] = rec
    return services


def compile_all(rc2s6, stagedir, compiled):
    """rc2s6 over each folder; returns {id: manifest entry}."""
    manifests = {}
    if compiled.exists():
        shutil.rmtree(compiled)
    for f in FOLDERS:
        out = compiled / f
        cmd = [str(rc2s6), str(stagedir / f / "init.d"), "-o", str(out), "--conf-dir", str(stagedir / f / "conf.d"),
               "--no-rc-conf", "--openrc", OPENRC_TARGET, "--color", "never", "--quiet"]
        r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
        if r.returncode not in (0, 1):
            die(f"rc2s6 failed on {f} (exit {r.returncode}):\n{r.stderr[-3000:]}")
        m = miniyaml.loads((out / "rc2s6.manifest.yaml").read_text())
        for s in m["services"]:
            # the service is known by its staged script file (rc2s6 may name it otherwise)
            script = next((x["path"] for x in s.get("sources") or [] if x.get("role") == "script"), None)
            name = script.rsplit("/", 1)[-1] if script else s["name"]
            manifests[f"{f}/{name}"] = s
    return manifests


# ---------------------------------------------------------------------------------------------
# reading rc2s6's service directory

def execline_words(line):
    """The words of one line of an rc2s6 run script (execline quoting as src/emit/execline.rs
    writes it: bare words, or "…" with \\\\ \\" \\n \\t \\r \\0xHH escapes)."""
    words, i, n = [], 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t":
            i += 1
            continue
        if c == '"':
            i += 1
            w = []
            while i < n and line[i] != '"':
                if line[i] == "\\" and i + 1 < n:
                    e = line[i + 1]
                    if e == "0" and line[i + 2:i + 3] == "x":
                        w.append(chr(int(line[i + 3:i + 5], 16)))
                        i += 5
                        continue
                    w.append({"n": "\n", "t": "\t", "r": "\r"}.get(e, e))
                    i += 2
                    continue
                w.append(line[i])
                i += 1
            i += 1
            words.append("".join(w))
            continue
        j = i
        while j < n and line[j] not in " \t":
            j += 1
        words.append(line[i:j])
        i = j
    return words


def read_servicedir(svcdir):
    run = (svcdir / "run").read_text()
    lines = [l for l in run.split("\n")[1:] if l.strip()]
    daemon = execline_words(lines[-1]) if lines else []
    argv0 = None
    if len(lines) >= 2:
        prev = execline_words(lines[-2])
        if prev[:2] == ["exec", "-a"] and len(prev) == 3:
            argv0 = prev[2]
    users, groups = [], []
    for l in lines:
        w = execline_words(l)
        if w[:1] == ["s6-setuidgid"] and len(w) > 1:
            u, _, g = w[1].partition(":")
            users.append(u)
            if g:
                groups.append(g)
        # rc2s6's account lookup at start (`backend::account_lookup`): `… rc2s6 id-u NAME id-g
        # NAME`; `id -u` and `id -g` both take a user name.
        for i, x in enumerate(w[:-1]):
            if x in ("id-u", "id-g"):
                users.append(w[i + 1])
        if w[:2] == ["s6-envuidgid", "-g"] and len(w) > 2:
            groups.append(w[2])
        elif w[:1] == ["s6-envuidgid"] and len(w) > 1:
            u, _, g = w[1].partition(":")
            users.append(u)
            if g:
                groups.append(g)

    def value(name):
        p = svcdir / name
        return p.read_text().strip() if p.is_file() else None

    return {
        "run": run,
        "daemon": daemon,
        "argv0": argv0,
        "users": users,
        "groups": groups,
        "down_signal": value("down-signal"),
        "timeout_kill": value("timeout-kill"),
        "notification_fd": value("notification-fd"),
    }


NAME_RE = r"[A-Za-z_][A-Za-z0-9_.-]*"
USER_PATTERNS = [
    re.compile(r"command_user=[\"']?(" + NAME_RE + r")(?::(" + NAME_RE + r"))?"),
    re.compile(r"(?:--user|--chuid|--owner|-u|-c|-o)[= ]+[\"']?(" + NAME_RE + r")(?::(" + NAME_RE + r"))?"),
    re.compile(r"\bchown\s+(?:-R\s+)?[\"']?(" + NAME_RE + r")(?::(" + NAME_RE + r"))?"),
]
GROUP_PATTERNS = [re.compile(r"(?:--group|-g)[= ]+[\"']?(" + NAME_RE + r")")]


def guess_accounts(texts, sd):
    users, groups = list(sd["users"]), list(sd["groups"])
    for t in texts:
        for p in USER_PATTERNS:
            for m in p.finditer(t):
                users.append(m.group(1))
                if m.group(2):
                    groups.append(m.group(2))
        for p in GROUP_PATTERNS:
            groups.extend(m.group(1) for m in p.finditer(t))
    bad = {"root", "0", "nobody"}
    u = sorted({x for x in users if x not in bad and not x.startswith("-")})
    g = sorted({x for x in groups if x not in bad and not x.startswith("-")})
    return u, g


def program_path(daemon):
    if not daemon:
        return None, "the run script has no daemon line"
    prog = daemon[0]
    if not prog.startswith("/"):
        if "/" in prog:
            return None, f"the program `{prog}` is a relative path"
        found = None
        for d in ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"):
            if Path(d, prog).exists():
                found = f"{d}/{prog}"
                break
        prog = found or f"/usr/bin/{prog}"
    base = os.path.basename(os.path.realpath(prog)) if os.path.exists(prog) else os.path.basename(prog)
    if os.path.basename(prog) in HARNESS_PROGRAMS or base in HARNESS_PROGRAMS:
        return None, f"the program `{prog}` is one the harness, OpenRC or s6 run themselves"
    if prog.startswith(("/proc/", "/sys/", "/dev/", "/run/")):
        return None, f"the program `{prog}` is on a filesystem the namespace replaces"
    return prog, None


# ---------------------------------------------------------------------------------------------
# one service

def prepare(sid, info, manifest, stagedir, compiled, work, opts):
    folder, name = sid.split("/", 1)
    svcdir = compiled / folder / manifest["servicedir"]
    name = manifest["name"]  # the service's name under /etc/init.d, as rc2s6 named it
    sd = read_servicedir(svcdir)
    prog, why = program_path(sd["daemon"])
    if work.exists():
        shutil.rmtree(work)
    (work / "in").mkdir(parents=True)
    (work / "out").mkdir()
    script = stagedir / folder / "init.d" / sid.split("/", 1)[1]
    confd = stagedir / folder / "conf.d" / sid.split("/", 1)[1]
    shutil.copy(script, work / "in/script")
    texts = [script.read_text(errors="replace")]
    if confd.is_file():
        shutil.copy(confd, work / "in/confd")
        texts.append(confd.read_text(errors="replace"))
    shutil.copytree(svcdir, work / "in/svc", symlinks=True)
    if opts.edit_run:
        # the harness's own test: plant a difference in rc2s6's output
        run = work / "in/svc/run"
        old, new = opts.edit_run
        text = run.read_text()
        if old not in text:
            raise RuntimeError(f"--edit-run: `{old}` is not in {sid}'s run")
        run.write_text(text.replace(old, new))
    users, groups = guess_accounts(texts, sd)
    meta = {
        "NAME": name,
        "PROGRAM": prog or "",
        "USERS_NEEDED": " ".join(users),
        "GROUPS_NEEDED": " ".join(groups),
        "SSD_FLAVOR": opts.ssd_flavor,
        "SSD_REAL": "/run/rc2s6-bin/start-stop-daemon.openrc" if opts.ssd == "openrc" else str(opts.ssd_real),
        "SD_REAL": "/run/rc2s6-bin/supervise-daemon.openrc" if opts.sd == "openrc" else "/sbin/supervise-daemon",
        "STUBBORN": str(opts.stubborn or ""),
        "S6_PREFIX": opts.s6_prefix or "",
        "WAIT_MS": str(opts.wait_ms),
        "SATISFY_REQUIRED": "1" if opts.satisfy_required else "0",
        # start() runs the program itself (rc2s6's launch decision): see probe.c
        "DIRECT_LAUNCH": "1" if any("direct call in start()" in (d.get("choice") or "")
                                    for d in manifest.get("decisions") or []) else "0",
    }
    (work / "in/meta").write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in meta.items()))
    return sd, prog, why


def run_namespace(work, bindir, timeout):
    cmd = ["timeout", "-k", "5", str(timeout), "unshare", "--pid", "--mount", "--net", "--uts", "--ipc", "--fork",
           "--kill-child", "--mount-proc", "--propagation", "private",
           "bash", str(bindir / "run-one.sh"), "--inside", str(work), str(bindir)]
    t = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, time.monotonic() - t, r.stdout + r.stderr


def run_service(sid, ctx):
    info, manifest = ctx["services"][sid], ctx["manifests"][sid]
    work = ctx["workroot"] / sid
    sd, prog, why = prepare(sid, info, manifest, ctx["stagedir"], ctx["compiled"], work, ctx["opts"])
    base = {"service": sid, "corpus_script": info["corpus_script"], "corpus_confd": info["corpus_confd"],
            "program": prog}
    if why:
        return {**base, "status": "not-probed", "reason": why}
    rc, secs, text = run_namespace(work, ctx["bindir"], ctx["opts"].timeout)
    result = compare.collect(work / "out", sd, manifest)
    result.update(base)
    result["seconds"] = round(secs, 1)
    if rc != 0:
        result["namespace_exit"] = rc
        result["namespace_output"] = text[-2000:]
    return result


# ---------------------------------------------------------------------------------------------

def select(manifests, services, args):
    longruns = sorted(s for s, m in manifests.items() if m.get("kind") == "longrun")
    if args.service:
        missing = [s for s in args.service if s not in services]
        if missing:
            die(f"no such service: {', '.join(missing)} (ids are FOLDER/NAME)", 100)
        # one rc2s6 does not convert is reported as such, as in a sample
        return ([i for i in args.service if i in longruns],
                {i: manifests.get(i, {}).get("kind", "none") for i in args.service if i not in longruns})
    if args.sample:
        ids = [l.split("#")[0].strip() for l in Path(args.sample).read_text().splitlines()]
        ids = [i for i in ids if i]
        unknown = [i for i in ids if i not in services]
        if unknown:
            die(f"{args.sample}: not in the corpus: {', '.join(unknown)}", 111)
        # a sample service rc2s6 no longer converts is reported, not run
        return [i for i in ids if i in longruns], {i: manifests[i]["kind"] for i in ids if i not in longruns}
    return longruns, {}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--all", action="store_true", help="every converted (kind: longrun) service of the corpus (default)")
    g.add_argument("--sample", metavar="FILE", help="the services listed in FILE (one FOLDER/NAME a line)")
    g.add_argument("--service", metavar="ID", nargs="+", help="these services (FOLDER/NAME)")
    g.add_argument("--print-sample", type=int, metavar="N",
                   help="print the N converted services whose ids have the smallest SHA-256 (how sample.txt was "
                        "chosen) and exit")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared/corpus"))
    ap.add_argument("--rc2s6", default=str(ROOT / "target/release/rc2s6"))
    ap.add_argument("--out", default="/tmp/rc2s6-differential", help="results (default %(default)s)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=150, help="seconds per service, both sides")
    ap.add_argument("--wait-ms", type=int, default=3000, help="how long to wait for a daemon's record after a start")
    ap.add_argument("--ssd", choices=["openrc", "debian"], default="openrc",
                    help="the start-stop-daemon of the OpenRC side: OpenRC's own 0.45.2, built from openrc-0.45.2/ "
                         "(default), or Debian's (dpkg 1.21), which Debian's openrc package uses")
    ap.add_argument("--sd", choices=["openrc", "debian"], default="openrc",
                    help="the supervise-daemon of the OpenRC side: OpenRC 0.45.2's built from openrc-0.45.2/ with "
                         "capabilities and without PAM (default), or Debian's (no capabilities, PAM)")
    ap.add_argument("--s6-prefix", default="", help="use the s6/execline in PREFIX/bin (e.g. /opt/skarnet-new) on the s6 side")
    ap.add_argument("--stubborn", type=int, default=0, help="the probe ignores stop signals for N s (watch whole schedules)")
    ap.add_argument("--no-satisfy-required", dest="satisfy_required", action="store_false",
                    help="do not create missing required_files/required_dirs and retry")
    ap.add_argument("--edit-run", nargs=2, metavar=("OLD", "NEW"),
                    help="replace OLD by NEW in each run script before it runs (the harness's own test plants a "
                         "difference this way)")
    ap.add_argument("--expected", metavar="FILE", help="compare the unexplained differences with FILE; exit 1 if they differ")
    ap.add_argument("--update-expected", action="store_true", help="write the unexplained differences into --expected")
    args = ap.parse_args()

    if os.geteuid() != 0:
        die("needs root (namespaces, mounts)")
    missing = [t for t in TOOLS if which(t) is None]
    if missing:
        die(f"missing programs: {', '.join(missing)}")
    rc2s6 = Path(args.rc2s6)
    if not rc2s6.is_file():
        die(f"{rc2s6} missing: cargo build --release (or --rc2s6 PATH)")
    corpus = Path(args.corpus)
    if not any((corpus / f).is_dir() for f in FOLDERS):
        die(f"no corpus at {corpus} (none of {', '.join(FOLDERS)})")
    args.ssd_flavor = args.ssd

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bindir = out / "bin"
    build(bindir)
    args.ssd_real = bindir / "start-stop-daemon.openrc" if args.ssd == "openrc" else \
        Path(os.path.realpath(which("start-stop-daemon")))
    t0 = time.monotonic()
    services = stage(corpus, out / "stage")
    manifests = compile_all(rc2s6, out / "stage", out / "compiled")
    if args.print_sample:
        longruns = sorted((s for s, m in manifests.items() if m.get("kind") == "longrun"),
                          key=lambda i: hashlib.sha256(i.encode()).hexdigest())
        print("\n".join(sorted(longruns[: args.print_sample])))
        return 0
    ids, dropped = select(manifests, services, args)
    ctx = {"services": services, "manifests": manifests, "stagedir": out / "stage", "compiled": out / "compiled",
           "workroot": out / "work", "bindir": bindir, "opts": args}
    results = {}
    print(f"differential: {len(ids)} services, {args.jobs} at a time, OpenRC side with {args.ssd}'s start-stop-daemon"
          f" and {args.sd}'s supervise-daemon",
          file=sys.stderr)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(run_service, sid, ctx): sid for sid in ids}
        for n, fut in enumerate(concurrent.futures.as_completed(futs), 1):
            sid = futs[fut]
            try:
                results[sid] = fut.result()
            except Exception as e:  # a harness bug must not lose the other results
                results[sid] = {"service": sid, "status": "harness-error", "reason": repr(e)}
            if sys.stderr.isatty() or n % 25 == 0 or n == len(ids):
                print(f"  {n}/{len(ids)} {sid}: {results[sid].get('status')}", file=sys.stderr)
    for sid, kind in dropped.items():
        results[sid] = {"service": sid, "status": "not-converted", "reason": f"rc2s6's manifest says kind: {kind}"}
    rules = json.loads((HERE / "design-differences.json").read_text())
    context = {"ssd_flavor": args.ssd, "sd_flavor": args.sd, "s6": "2.15" if args.s6_prefix else "debian"}
    for r in results.values():
        compare.classify(r, rules, context)
    elapsed = time.monotonic() - t0
    report = compare.report(results, rules, context, elapsed, args)
    (out / "results").mkdir(exist_ok=True)
    for sid, r in sorted(results.items()):
        p = out / "results" / f"{sid}.json"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(r, indent=1, sort_keys=True, ensure_ascii=True) + "\n")
    (out / "summary.json").write_text(json.dumps(report["figures"], indent=1, sort_keys=True) + "\n")
    (out / "summary.md").write_text(report["markdown"])
    lines = compare.expected_lines(results)
    (out / "unexplained.tsv").write_text("".join(l + "\n" for l in lines))
    print(report["short"], file=sys.stderr)
    print(f"differential: results in {out}/summary.md, {out}/results/, {out}/unexplained.tsv", file=sys.stderr)
    if any(r.get("status") == "harness-error" for r in results.values()):
        return 111
    if args.expected:
        exp = Path(args.expected)
        header = ("# rc2s6 differential: today's unexplained differences (service, field, key, OpenRC, s6).\n"
                  "# Each rc2s6 fix removes lines. Regenerate: see tools/differential/README.md.\n")
        if args.update_expected:
            exp.write_text(header + "".join(l + "\n" for l in lines))
            print(f"differential: wrote {len(lines)} lines to {exp}", file=sys.stderr)
            return 0
        want = [l for l in exp.read_text().splitlines() if l and not l.startswith("#")]
        new = sorted(set(lines) - set(want))
        gone = sorted(set(want) - set(lines))
        for l in new:
            print(f"NEW unexplained difference: {l}", file=sys.stderr)
        for l in gone:
            print(f"GONE (fixed? remove the line): {l}", file=sys.stderr)
        return 1 if new or gone else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
