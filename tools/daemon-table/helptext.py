"""A program's own `--help` (or `-h`) text, as the page of a program whose package ships no man
page: the binary is taken from the cached .deb, run in a sandbox, and its output read by the
same option reader as a rendered man page (manpage.options).

The sandbox (run as root, which build.py is): new network, PID, mount, IPC and UTS namespaces;
private tmpfs over /tmp, /var/tmp, /run and /dev/shm (no syslog or D-Bus socket, nothing
written that outlives the run); the program runs as nobody/nogroup with no capabilities and
no_new_privs, an empty environment (PATH only), stdin /dev/null, cwd an empty directory, and is
killed with its whole PID namespace after TIMEOUT seconds; its output (stdout and stderr
together) is capped by the tmpfs it is written to and read up to CAP bytes.

What counts as a help text (`is_help`): the run ended by itself (not killed, not by a signal),
the output is not a loader error, and it documents at least MIN_OPTIONS options that
manpage.options reads, one of them `--help`/`-h`/`-?` itself (a program that started, or printed
something else, documents no option about its own help). Each result is cached under the
.deb's sha256, the member path and the argument, so a rebuild reproduces it without running
anything.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile

import manpage
from fetch import sha256

TIMEOUT = 5
CAP = 65536
MIN_OPTIONS = 2
HELP_NAMES = {"--help", "-h", "-help", "-?", "--usage"}
LOADER_ERROR = re.compile(
    r"error while loading shared libraries|symbol lookup error|version `GLIBC_[0-9.]+' not found|version `[A-Z_]+[0-9.]+' not found|cannot execute binary file|Exec format error"
)

# Runs inside the namespaces: $1 the extracted binary, $2 its name, $3 the argument, $4 the
# package's own library directories (colon-separated, may be empty); with a release root
# (helproot.py), $5 that root's dynamic loader and $6 its library directories.
SANDBOX = r"""
set -e
for d in /tmp /var/tmp /dev/shm; do mount -t tmpfs -o size=2m,mode=1777 tmpfs "$d"; done
mount -t tmpfs -o size=1g,mode=755 tmpfs /run
mkdir -p /run/rc2s6-help/bin /tmp/cwd
cp "$1" "/run/rc2s6-help/bin/$2"
chmod 755 /run/rc2s6-help /run/rc2s6-help/bin "/run/rc2s6-help/bin/$2"
chmod 777 /tmp/cwd
cd /tmp/cwd
set +e
if [ -n "$5" ]; then
  set -- "$5" --library-path "$6" --argv0 "$2" "/run/rc2s6-help/bin/$2" "$3"
else
  set -- env ${4:+LD_LIBRARY_PATH=$4} "$2" "$3"
fi
setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs --inh-caps=-all --bounding-set=-all \
  env -i PATH=/run/rc2s6-help/bin:/usr/bin:/bin "$@" </dev/null >/tmp/out 2>&1
rc=$?
head -c %d /tmp/out
echo "
rc2s6-help-status=$rc"
""" % CAP


_SO_DIRS = {}


def _so_dirs(root):
    """Directories under the root's library directories holding shared objects, sorted."""
    if root not in _SO_DIRS:
        out = set()
        for top in ("usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu", "usr/lib"):
            for d, _, files in os.walk(os.path.join(root, top)):
                if any(re.search(r"\.so(?:\.[0-9]+)*$", f) for f in files):
                    out.add(os.path.relpath(d, root))
        _SO_DIRS[root] = sorted(out)
    return _SO_DIRS[root]


def root_loader(root, libdirs):
    """(loader, library path) of a release root from helproot.py: its own ld.so, its standard
    library directories, those its /etc/ld.so.conf.d names, and the package's (`libdirs`)."""
    loader = None
    for p in ("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"):
        full = os.path.join(root, p)
        if os.path.isfile(full) and not os.path.islink(full):
            loader = full
            break
    if loader is None:
        return None, ""
    dirs = ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib", "usr/lib"]
    conf = os.path.join(root, "etc/ld.so.conf.d")
    for f in sorted(os.listdir(conf)) if os.path.isdir(conf) else []:
        with open(os.path.join(conf, f), errors="replace") as lines:
            for line in lines:
                line = line.strip()
                if line.startswith("/") and " " not in line:
                    dirs.append(line.lstrip("/"))
    dirs += list(libdirs)
    # Private library directories programs name in their RUNPATH (/usr/lib/x86_64-linux-gnu/
    # pulseaudio): absolute, so the loader would look for them on the machine, not in the root.
    dirs += _so_dirs(root)
    full = [os.path.join(root, d) for d in dirs]
    return loader, ":".join(d for d in full if os.path.isdir(d))


def _extract(deb, member, dest):
    """The one member `member` (a path inside the package, no leading ./) of `deb` into dest."""
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], capture_output=True, check=True).stdout
    r = subprocess.run(["tar", "-x", "-C", dest, "./" + member], input=tar, capture_output=True)
    out = os.path.join(dest, member)
    return out if r.returncode == 0 and os.path.isfile(out) and not os.path.islink(out) else None


def sandboxed(binary, name, arg, libdirs, loader="", loader_path=""):
    """(status, text, error): status is the program's exit code, or None when it was killed (it
    ran past TIMEOUT: it started rather than printed a help text, or a signal ended it), and error
    says which. A sandbox that cannot be set up is an error of the tool, never a result."""
    cmd = [
        "unshare", "--net", "--pid", "--fork", "--kill-child", "--mount", "--propagation", "private",
        "--ipc", "--uts", "--", "/bin/sh", "-c", SANDBOX, "sh", binary, name, arg, libdirs, loader, loader_path,
    ]  # fmt: skip
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "", "it did not exit by itself within %ds (it may have started)" % TIMEOUT
    text = r.stdout.decode("utf-8", "replace")
    m = re.search(r"\nrc2s6-help-status=(\d+)\n?$", text)
    if r.returncode != 0 or not m:
        raise RuntimeError(f"the sandbox failed for {binary}: {r.stderr.decode('utf-8', 'replace')[-500:]}")
    status = int(m.group(1))
    text = text[: m.start()]
    code, why = exit_status(status)
    return code, text, why


def exit_status(status):
    """(exit code or None, why) from the status a shell reports: 128+N for a child killed by
    signal N, N at most 64 (SIGRTMAX) on Linux; 255 is exit(-1), an exit."""
    if 128 < status <= 192:
        return None, f"it was killed by signal {status - 128}"
    return status, ""


def run(cache_dir, deb, member, name, arg, libdirs=(), root=None):
    """The cached result {"status", "text", "sha256"} of `name ARG` for the binary `member` of
    `deb`, running it in the sandbox the first time: with the machine's libraries, or with
    those of `root` (helproot.py) and its loader."""
    sha = sha256(deb)
    key = re.sub(r"[^A-Za-z0-9_.+-]", "_", f"{sha}_{member}_{arg}" + ("_root" if root else ""))
    path = os.path.join(cache_dir, key + ".json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    # Not under /tmp: the sandbox mounts its own /tmp over it.
    os.makedirs(cache_dir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="run-", dir=cache_dir)
    try:
        os.chmod(tmp, 0o755)
        binary = _extract(deb, member, tmp)
        if binary is None:
            got = {"status": None, "text": "", "error": "not extracted"}
        elif root:
            loader, lib_path = root_loader(root, libdirs)
            if loader is None:
                raise RuntimeError(f"{root} has no dynamic loader")
            status, text, error = sandboxed(binary, name, arg, "", loader, lib_path)
            got = {"status": status, "text": text, "libraries": "release root"}
            if error:
                got["error"] = error
        else:
            status, text, error = sandboxed(binary, name, arg, "")
            if libdirs and "error while loading shared libraries" in text[:2000]:
                # The package's own libraries (a private libfoo.so next to the daemon).
                subprocess.run(["dpkg-deb", "-x", deb, tmp], capture_output=True, check=True)
                dirs = [os.path.join(tmp, d) for d in libdirs]
                status, text, error = sandboxed(binary, name, arg, ":".join(d for d in dirs if os.path.isdir(d)))
            got = {"status": status, "text": text}
            if error:
                got["error"] = error
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    got["sha256"] = sha
    os.makedirs(cache_dir, exist_ok=True)
    with open(path + ".part", "w") as f:
        json.dump(got, f, sort_keys=True)
    os.rename(path + ".part", path)
    return got


def usage_lines(text, name):
    """The usage lines, the program's path or name replaced by `name`: `Usage: /usr/sbin/foo
    [-d] FILE` -> `foo [-d] FILE`. Go's `Usage of /usr/bin/foo:` says nothing of operands."""
    out = []
    for line in text.split("\n"):
        m = re.match(r"^\s*usage:\s*(\S+)(.*)$", line, re.I)
        if m and m.group(1).rsplit("/", 1)[-1].casefold() == name.casefold():
            out.append((name + m.group(2)).rstrip())
    return out


def as_page(text, name):
    """The help text laid out as a rendered man page for manpage's readers: a NAME section naming
    the program, a SYNOPSIS of its usage lines, and the text itself (tabs expanded, every line
    indented so that none reads as a section heading)."""
    body = "\n".join(("       " + line) if line.strip() else "" for line in text.expandtabs(8).split("\n"))
    syn = "\n".join("       " + u for u in usage_lines(text, name))
    return f"NAME\n       {name} - (its --help text)\n\nSYNOPSIS\n{syn}\n\nOPTIONS\n{body}\n"


def go_usage(text, name):
    """Whether the text has the header Go's flag package prints for -h/-help (`Usage of
    /usr/bin/foo:`, flag.Usage), naming the program: that package lists the options, and not
    the help option itself."""
    return any(
        m.group(1).rsplit("/", 1)[-1].casefold() == name.casefold()
        for m in re.finditer(r"^Usage of (\S+):$", text, re.M)
    )


def is_help(got, name):
    """'' when `got` (a run's result) is `name`'s help text, else why not."""
    if got.get("status") is None:
        return got.get("error") or "it did not run"
    text = got.get("text", "")
    if not text.strip():
        return "it printed nothing"
    if len(text.encode("utf-8", "replace")) >= CAP:
        # The rest may document an option that forks.
        return f"its output reached the {CAP}-byte cap"
    if LOADER_ERROR.search(text[:2000]):
        return "it could not run here (" + LOADER_ERROR.search(text[:2000]).group(0) + ")"
    opts = manpage.options(as_page(text, "x"))
    if len(opts) < MIN_OPTIONS:
        return f"it printed no option list ({len(opts)} option(s) read)"
    if not any(set(o.names) & HELP_NAMES for o in opts) and not go_usage(text, name):
        return "its output does not document its own help option, so it may not be a help text"
    # An option whose description starts with another option is one the reader may have given
    # the next line's text (`-n, --name` over `--server_name <name>  Server name`, nats-server;
    # `-n, --nofork` alone on its line, anope): harmless unless that text speaks of forking,
    # which would then be read as this option's meaning.
    misread = [o for o in opts if o.cls and re.match(r"^[-+]{1,2}[A-Za-z0-9]", o.desc.strip())]
    if misread:
        return f"an option's description may be another option's ({misread[0].tag}: {misread[0].desc.strip()[:60]})"
    return ""
