#!/usr/bin/python3
"""Stage 1 of the daemon table: Debian's indexes and packages, into a cache outside the repo.

For each Debian release read (RELEASES), with an apt state of its own under the cache (the
machine's sources.list and apt lists are neither read nor changed):
- `apt-get update` of the release's main component (and its -updates and -security suites);
- the Contents index (which files each binary package ships) from the mirror;
- the packages that can say something about a daemon's foreground invocation: those shipping
  systemd service units, those shipping section 8 man pages, and the packages of the same source
  holding the man page of a program a unit runs;
- `apt-get download PACKAGE=VERSION` of each, and the files stage 2 (build.py) reads extracted:
  units and their drop-ins, man pages, files under etc/ (EnvironmentFile=), and a list of every
  file of the package (with symlink targets and, for executables, ELF or #! line).

Usage:
  fetch.py [--locked] [RELEASE...]
      --locked: download exactly the versions in packages-RELEASE.lock (and fail when the mirror
      no longer has one, or when the Contents index differs), instead of apt's candidates and
      writing the lock.

The cache is $DAEMON_TABLE_CACHE (default /work/cache/daemon-table); nothing here writes into
the repository except the packages-RELEASE.lock files (the pins).
"""

import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("DAEMON_TABLE_CACHE", "/work/cache/daemon-table")
MIRROR = "http://deb.debian.org/debian"
SECURITY = "http://deb.debian.org/debian-security"
RELEASES = ["bookworm", "trixie"]
CONTENTS = ["Contents-amd64.gz", "Contents-all.gz"]
# Sections whose packages' section 1 man pages are read too (daemons are not all in section 8:
# memcached(1), mpd(1), redis-server(1)); the others (devel, libs, science, doc, tex, games,
# fonts, ...) are left out to keep the download reasonable.
MAN1_SECTIONS = set(
    """admin comm database electronics gnome golang hamradio httpd java javascript kde mail misc
    net news otherosfs perl python ruby rust sound utils video web x11 vcs""".split()
)
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"

UNIT_RE = re.compile(r"^(?:usr/)?lib/systemd/(system|user)/[^/]+\.(service|socket|timer|path)$")
MAN_RE = re.compile(r"^usr/share/man/man([1-8])/([^/]+)\.\1[a-z0-9]*(?:\.gz)?$")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def lock_path(release):
    return os.path.join(HERE, f"packages-{release}.lock")


def rdir(release, *parts):
    return os.path.join(CACHE, release, *parts)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def download(url, dest):
    if not os.path.exists(dest):
        log("downloading", url)
        tmp = dest + ".part"
        with urllib.request.urlopen(url) as r, open(tmp, "wb") as f:
            while True:
                b = r.read(1 << 20)
                if not b:
                    break
                f.write(b)
        os.rename(tmp, dest)


def apt(release, *args, cwd=None):
    """apt-get with this release's own sources.list, lists and cache."""
    base = rdir(release, "apt")
    opts = [
        f"-o=Dir::Etc::SourceList={base}/sources.list",
        "-o=Dir::Etc::SourceParts=/nonexistent",
        f"-o=Dir::State={base}/state",
        f"-o=Dir::Cache={base}/cache",
        "-o=Dir::State::status=/var/lib/dpkg/status",
        "-o=APT::Architecture=amd64",
        "-o=Debug::NoLocking=1",
    ]
    return subprocess.run(["apt-get", "-q"] + opts + list(args), cwd=cwd, capture_output=True, text=True)


def apt_setup(release):
    base = rdir(release, "apt")
    os.makedirs(f"{base}/state/lists/partial", exist_ok=True)
    os.makedirs(f"{base}/cache/archives/partial", exist_ok=True)
    with open(f"{base}/sources.list", "w") as f:
        for kind in ("deb", "deb-src"):
            f.write(f"{kind} [signed-by={KEYRING}] {MIRROR} {release} main\n")
            f.write(f"{kind} [signed-by={KEYRING}] {MIRROR} {release}-updates main\n")
            f.write(f"{kind} [signed-by={KEYRING}] {SECURITY} {release}-security main\n")
    stamp = f"{base}/state/updated-with-sources"
    if not os.path.exists(stamp):
        r = apt(release, "update")
        if r.returncode != 0:
            log(r.stdout, r.stderr)
            sys.exit(f"apt-get update for {release} failed")
        open(stamp, "w").close()


def list_files(release):
    d = rdir(release, "apt", "state", "lists")
    return sorted(f for f in os.listdir(d) if f.endswith("_Packages") or "_Packages." in f)


def parse_packages(text, into):
    for para in text.split("\n\n"):
        f = {}
        for line in para.split("\n"):
            m = re.match(r"^([A-Za-z0-9-]+): (.*)$", line)
            if m:
                f[m.group(1)] = m.group(2)
        if "Package" not in f:
            continue
        old = into.get(f["Package"])
        if old is None or version_gt(f["Version"], old["Version"]):
            into[f["Package"]] = f


def version_gt(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "gt", b]).returncode == 0


def source_of(fields):
    """The source package's name (the Source field without its version)."""
    return fields.get("Source", fields["Package"]).split(" ")[0]


def source_version(fields):
    """The source package's version: the Source field's `(version)`, else the binary's."""
    m = re.search(r"\((.*)\)", fields.get("Source", ""))
    return m.group(1) if m else fields["Version"]


def load_packages(release):
    merged = {}
    d = rdir(release, "apt", "state", "lists")
    for f in list_files(release):
        text = subprocess.run(
            ["/usr/lib/apt/apt-helper", "cat-file", os.path.join(d, f)], check=True, capture_output=True, text=True
        ).stdout
        parse_packages(text, merged)
    return merged


def build_index(release):
    """One pass over the Contents files: units, man pages, and every file's basename."""
    index_path = rdir(release, "index.json.gz")
    if os.path.exists(index_path):
        with gzip.open(index_path, "rt") as f:
            return json.load(f)
    units = {}  # path -> [pkg]
    man = {}  # name -> [[section, path, pkg]]
    basenames = {}  # basename -> [[path, pkg]]   (files outside share/, etc/, doc trees)
    for c in CONTENTS:
        with gzip.open(rdir(release, c), "rt", errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                m = re.match(r"^(.*\S)\s+(\S+)$", line)
                if not m:
                    continue
                path, locs = m.group(1), m.group(2)
                pkgs = [x.rsplit("/", 1)[-1] for x in locs.split(",")]
                if UNIT_RE.match(path):
                    units.setdefault(path, []).extend(pkgs)
                mm = MAN_RE.match(path)
                if mm:
                    for p in pkgs:
                        man.setdefault(mm.group(2), []).append([mm.group(1), path, p])
                if re.match(
                    r"^(usr/share|etc|usr/lib/systemd|lib/systemd|usr/include|usr/lib/python[0-9.]*|usr/lib/ruby|usr/share/perl5|usr/lib/x86_64-linux-gnu/perl|usr/src|boot|lib/modules|lib/firmware|usr/lib/modules|usr/lib/firmware)/",
                    path,
                ):
                    continue
                base = path.rsplit("/", 1)[-1]
                for p in pkgs:
                    basenames.setdefault(base, []).append([path, p])
    idx = {"units": units, "man": man, "basenames": basenames}
    with gzip.open(index_path + ".part", "wt") as f:
        json.dump(idx, f, sort_keys=True)
    os.rename(index_path + ".part", index_path)
    return idx


def deb_path(release, pkg, version):
    return rdir(release, "debs", f"{pkg}_{version.replace(':', '%3a')}.deb")


def apt_download(release, wanted):
    """apt-get download PACKAGE=VERSION for each pair not in the cache yet."""
    d = rdir(release, "debs")
    os.makedirs(d, exist_ok=True)
    todo = [(p, v) for p, v in wanted if not os.path.exists(deb_path(release, p, v))]
    for i in range(0, len(todo), 100):
        batch = todo[i : i + 100]
        log(f"{release}: apt-get download {i + len(batch)}/{len(todo)}")
        r = apt(release, "download", *[f"{p}={v}" for p, v in batch], cwd=d)
        if r.returncode != 0:
            log(r.stderr)
            sys.exit(
                "apt-get download failed (with --locked: a pinned version is gone from the mirror; "
                "point MIRROR at snapshot.debian.org for the date in the lock file)"
            )
        # apt names the file PACKAGE_VERSION_ARCH.deb with ':' escaped as %3a.
        for p, v in batch:
            ev = v.replace(":", "%3a")
            found = [f for f in os.listdir(d) if f.startswith(f"{p}_{ev}_") and f.endswith(".deb")]
            if len(found) != 1:
                sys.exit(f"downloaded {p}={v} but cannot find its file ({found})")
            os.rename(os.path.join(d, found[0]), deb_path(release, p, v))


def wanted_member(name, size):
    return bool(
        UNIT_RE.match(name)
        or MAN_RE.match(name)
        or re.match(r"^(?:usr/)?lib/systemd/(system|user)/[^/]+\.d/", name)
        or (name.startswith("etc/") and size <= 65536)
    )


def tree_dir(release, pkg, version):
    return rdir(release, "tree", f"{pkg}_{version.replace(':', '%3a')}")


def extract(release, pkg, version):
    """Units, man pages and etc/ of a package, plus its file list (path, kind, link target, mode,
    and for executables whether they are ELF or which #! they start with)."""
    dest = tree_dir(release, pkg, version)
    if os.path.exists(os.path.join(dest, ".files.json")):
        return dest
    os.makedirs(dest, exist_ok=True)
    r = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb_path(release, pkg, version)], capture_output=True, check=True)
    files = []
    with tarfile.open(fileobj=io.BytesIO(r.stdout)) as t:
        for m in t.getmembers():
            name = m.name[2:] if m.name.startswith("./") else m.name
            name = name.rstrip("/")
            if not name or name == ".":
                continue
            kind = "dir" if m.isdir() else "link" if m.issym() else "hardlink" if m.islnk() else "file"
            entry = {"path": name, "kind": kind, "mode": m.mode}
            if m.issym() or m.islnk():
                entry["target"] = m.linkname
            if m.isfile() and m.mode & 0o111 and not name.startswith("usr/share/"):
                head = t.extractfile(m).read(128)
                if head.startswith(b"\x7fELF"):
                    entry["head"] = "elf"
                elif head.startswith(b"#!"):
                    entry["head"] = head.split(b"\n", 1)[0].decode("utf-8", "replace")
                else:
                    entry["head"] = "other"
            files.append(entry)
            if m.isfile() and wanted_member(name, m.size):
                out = os.path.join(dest, name)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                with open(out, "wb") as f:
                    f.write(t.extractfile(m).read())
    with open(os.path.join(dest, ".files.json"), "w") as f:
        json.dump(sorted(files, key=lambda e: e["path"]), f, sort_keys=True)
    return dest


def unit_programs(tree):
    """Basenames of the programs the unit files under a tree run (a rough pass: stage 2 parses
    units properly; this only decides which man pages to fetch)."""
    names = set()
    for root, _, fs in os.walk(tree):
        for fn in fs:
            if not (fn.endswith(".service") or fn.endswith(".conf")) or "/systemd/" not in root:
                continue
            text = open(os.path.join(root, fn), errors="replace").read()
            for m in re.finditer(r"^\s*Exec(?:Start|StartPre)\s*=\s*[-@+!:|]*\s*(\S+)", text, re.M):
                names.add(m.group(1).rsplit("/", 1)[-1])
    return names


def write_lock(release, out):
    """packages-RELEASE.lock: `# key: value` header lines, then PACKAGE VERSION SOURCE SHA256 rows."""
    with open(lock_path(release), "w") as f:
        f.write("# Debian packages the daemon table was built from (tools/daemon-table/fetch.py).\n")
        for k in ("mirror", "release", "release_date"):
            f.write(f"# {k}: {out[k]}\n")
        for c, h in sorted(out["contents"].items()):
            f.write(f"# contents: {c} {h}\n")
        for p, v in sorted(out["packages"].items()):
            f.write(f"{p}\t{v}\t{out['sources'][p]}\t{out['sha256'][p]}\n")


def read_lock(release):
    out = {"contents": {}, "packages": {}, "sources": {}, "sha256": {}}
    with open(lock_path(release)) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# contents: "):
                c, h = line[len("# contents: ") :].split(" ")
                out["contents"][c] = h
            elif line.startswith("# ") and ": " in line:
                k, v = line[2:].split(": ", 1)
                out[k] = v
            elif line and not line.startswith("#"):
                p, v, s, h = line.split("\t")
                out["packages"][p], out["sources"][p], out["sha256"][p] = v, s, h
    return out


def fetch(release, locked):
    os.makedirs(rdir(release), exist_ok=True)
    apt_setup(release)
    lock = read_lock(release) if locked else None
    for c in CONTENTS:
        download(f"{MIRROR}/dists/{release}/main/{c}", rdir(release, c))
        if lock and lock["contents"][c] != sha256(rdir(release, c)):
            sys.exit(
                f"{release}/{c} in the cache is not the one the lock records: fetch it from "
                f"snapshot.debian.org at {lock['release_date']}"
            )
    packages = load_packages(release)
    idx = build_index(release)
    if lock:
        selected = dict(lock["packages"])
    else:
        sel = set()
        for path, pkgs in idx["units"].items():
            if path.endswith(".service"):
                sel.update(pkgs)
        for name, rows in idx["man"].items():
            for sec, path, p in rows:
                if sec == "8":
                    sel.add(p)
                elif sec == "1" and p in packages and packages[p].get("Section", "").split("/")[-1] in MAN1_SECTIONS:
                    # Only where the package ships the program the page is named after.
                    if any(q == p and re.match(r"^(?:usr/)?s?bin/", path2) for path2, q in idx["basenames"].get(name, [])):
                        sel.add(p)
        selected = {p: packages[p]["Version"] for p in sorted(sel) if p in packages}
    apt_download(release, sorted(selected.items()))
    trees = {p: extract(release, p, v) for p, v in sorted(selected.items())}
    if not lock:
        # The man pages of the programs units run, where another binary package of the same
        # source ships them (foo's unit, foo-common's man page).
        extra = {}
        for p in sorted(selected):
            src = source_of(packages[p])
            for prog in unit_programs(trees[p]):
                for sec, path, q in idx["man"].get(prog, []):
                    if q not in selected and q in packages and source_of(packages[q]) == src and sec in "18":
                        extra[q] = packages[q]["Version"]
        log(f"{release}: {len(extra)} more packages for man pages")
        apt_download(release, sorted(extra.items()))
        for p, v in sorted(extra.items()):
            trees[p] = extract(release, p, v)
        selected.update(extra)
    inrelease = [f for f in os.listdir(rdir(release, "apt", "state", "lists")) if f.endswith(f"_dists_{release}_InRelease")]
    text = open(os.path.join(rdir(release, "apt", "state", "lists"), inrelease[0]), errors="replace").read()
    out = {
        "mirror": MIRROR,
        "release": release,
        "release_date": re.search(r"^Date: (.*)$", text, re.M).group(1),
        "contents": {c: sha256(rdir(release, c)) for c in CONTENTS},
        "packages": dict(sorted(selected.items())),
        "sources": {p: source_of(packages[p]) if p in packages else lock["sources"][p] for p in sorted(selected)},
        "sha256": {p: sha256(deb_path(release, p, v)) for p, v in sorted(selected.items())},
    }
    # Versions and sources of every package of the release (for basename collisions).
    with gzip.open(rdir(release, "packages.json.gz"), "wt") as f:
        json.dump(
            {p: {"Version": x["Version"], "Source": source_of(x), "SourceVersion": source_version(x)} for p, x in sorted(packages.items())},
            f,
            sort_keys=True,
        )
    fetch_patches(release, {(source_of(packages[p]), source_version(packages[p])) for p in selected if p in packages}, locked)
    if lock:
        for p, h in out["sha256"].items():
            if lock["sha256"].get(p) != h:
                sys.exit(f"{release}: {p}: the downloaded .deb differs from the one the lock records")
        log(f"{release}: all {len(selected)} packages match the lock")
        return
    write_lock(release, out)
    log(f"{release}: {len(selected)} packages; pins in {lock_path(release)}")


def patches_dir(release, src, version):
    return rdir(release, "patches", f"{src}_{version.replace(':', '%3a')}")


def fetch_patches(release, sources, locked):
    """Debian's own changes to each source package (its debian.tar.* or .diff.gz only: the
    upstream tarball is not needed), so build.py can tell an option Debian's patches add from
    one upstream has. URIs and checksums come from `apt-get source --print-uris`; what was read
    is pinned in sources-RELEASE.lock."""
    lockfile = os.path.join(HERE, f"sources-{release}.lock")
    pinned = {}
    if locked and os.path.exists(lockfile):
        for line in open(lockfile):
            if not line.startswith("#") and line.strip():
                src, ver, fn, h = line.rstrip("\n").split("\t")
                pinned[(src, ver)] = (fn, h)
    todo = sorted(x for x in sources if not os.path.exists(os.path.join(patches_dir(release, *x), ".done")))
    for i in range(0, len(todo), 200):
        batch = todo[i : i + 200]
        log(f"{release}: source packages {i + len(batch)}/{len(todo)}")
        r = apt(release, "source", "--print-uris", "--only-source", *[f"{s}={v}" for s, v in batch])
        uris = {}
        for m in re.finditer(r"^'(\S+)' (\S+) (\d+) SHA256:([0-9a-f]+)$", r.stdout, re.M):
            uris[m.group(2)] = (m.group(1), int(m.group(3)), m.group(4))
        for s, v in batch:
            ev = re.sub(r"^\d+:", "", v)
            want = [f for f in uris if f.startswith(f"{s}_{ev}.") and re.search(r"\.(debian\.tar\.\w+|diff\.gz)$", f)]
            d = patches_dir(release, s, v)
            os.makedirs(d, exist_ok=True)
            record = ""
            if want:
                fn = want[0]
                url, size, h = uris[fn]
                path = os.path.join(d, fn)
                try:
                    download(url, path)
                except urllib.error.HTTPError as e:
                    # The mirror lacks it now and then (a 404 for a file its Sources lists):
                    # recorded, and build.py makes no entry that needs it.
                    log(f"{fn}: {e}")
                    with open(os.path.join(d, ".done"), "w") as f:
                        f.write(f"unavailable\t{h}\n")
                    continue
                if sha256(path) != h:
                    sys.exit(f"{fn}: checksum differs from the Sources index")
                if pinned and pinned.get((s, v), (fn, h)) != (fn, h):
                    sys.exit(f"{fn}: differs from sources-{release}.lock")
                if fn.endswith(".diff.gz"):
                    with gzip.open(path, "rb") as f, open(os.path.join(d, "diff"), "wb") as o:
                        o.write(f.read())
                else:
                    subprocess.run(["tar", "-xf", path, "-C", d, "debian/patches"], capture_output=True)
                os.remove(path)
                record = f"{fn}\t{h}"
            else:
                record = "-\t-"  # a native package, or no source in the index
            with open(os.path.join(d, ".done"), "w") as f:
                f.write(record + "\n")
    if not locked:
        with open(lockfile, "w") as f:
            f.write("# Debian's changes (debian.tar.* / .diff.gz) of the source packages read, for build.py\n")
            for s, v in sorted(sources):
                rec = open(os.path.join(patches_dir(release, s, v), ".done")).read().strip()
                f.write(f"{s}\t{v}\t{rec}\n")


def main():
    args = sys.argv[1:]
    locked = "--locked" in args
    releases = [a for a in args if not a.startswith("--")] or RELEASES
    for r in releases:
        fetch(r, locked)


if __name__ == "__main__":
    main()
