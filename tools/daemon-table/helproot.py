#!/usr/bin/python3
"""The libraries a program needs to print its help text, for the programs build.py could not run
on this machine (a library not installed, a newer glibc than the machine's): per release, a
throwaway directory of the release's own packages, unpacked and never installed.

build.py lists, in CACHE/helproot/RELEASE.wanted, the binary packages whose program failed to
load; this script resolves each one's dependencies with apt against an EMPTY dpkg status (the
machine's installed packages count for nothing, and nothing is installed), downloads what apt
names (`apt-get download`, checked by apt against the release's signed indexes), and unpacks
every package with `dpkg-deb -x` into CACHE/helproot/RELEASE/root: no maintainer script runs,
the machine's root is never touched. helptext.py then runs the program with that root's own
dynamic loader and libraries (`ld.so --library-path`), in the same sandbox. Run build.py again
afterwards. What it fetched is recorded in CACHE/helproot/RELEASE/packages.txt.

Usage: helproot.py [RELEASE...]   (default: every release with a .wanted list)
"""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fetch import CACHE, RELEASES, log, rdir  # noqa: E402

ROOTS = os.path.join(CACHE, "helproot")


def apt_empty(release, *args, cwd=None):
    """apt-get with this release's indexes (fetch.py's apt state) and an empty dpkg status."""
    base = rdir(release, "apt")
    status = os.path.join(ROOTS, release + ".status")
    open(status, "a").close()
    opts = [
        f"-o=Dir::Etc::SourceList={base}/sources.list",
        "-o=Dir::Etc::SourceParts=/nonexistent",
        "-o=Dir::Etc::Preferences=/nonexistent",
        "-o=Dir::Etc::PreferencesParts=/nonexistent",
        f"-o=Dir::State={base}/state",
        f"-o=Dir::Cache={base}/cache",
        f"-o=Dir::State::status={status}",
        "-o=APT::Architecture=amd64",
        "-o=APT::Architectures=amd64",
        "-o=Debug::NoLocking=1",
    ]
    return subprocess.run(["apt-get", "-q"] + opts + list(args), cwd=cwd, capture_output=True, text=True)


def closure(release, pkgs):
    """[(package, version)] apt would install for `pkgs` on an empty system (Depends and
    Pre-Depends, no Recommends). Packages that cannot be installed together are resolved in
    halves; one apt cannot resolve at all is left out (its program stays without a help text)."""
    r = apt_empty(release, "install", "-s", "--no-install-recommends", *pkgs)
    if r.returncode == 0:
        return re.findall(r"^Inst (\S+) \((\S+) ", r.stdout, re.M)
    if len(pkgs) == 1:
        log(f"{release}: {pkgs[0]}: apt cannot resolve it: {r.stdout[-300:]} {r.stderr[-300:]}")
        return []
    half = len(pkgs) // 2
    return closure(release, pkgs[:half]) + closure(release, pkgs[half:])


def build_root(release):
    wanted_path = os.path.join(ROOTS, release + ".wanted")
    if not os.path.exists(wanted_path):
        return
    wanted = sorted({line.strip() for line in open(wanted_path) if line.strip()})
    d = os.path.join(ROOTS, release)
    root, debs = os.path.join(d, "root"), os.path.join(d, "debs")
    os.makedirs(root, exist_ok=True)
    os.makedirs(debs, exist_ok=True)
    todo = set(closure(release, wanted))
    have = set(os.listdir(debs))
    missing = sorted(p for p in todo if not any(f.startswith(f"{p[0]}_") for f in have))
    for i in range(0, len(missing), 100):
        batch = missing[i : i + 100]
        log(f"{release}: apt-get download {i + len(batch)}/{len(missing)}")
        r = apt_empty(release, "download", *[f"{p}={v}" for p, v in batch], cwd=debs)
        if r.returncode != 0:
            log(r.stderr[-1000:])
    done = set()
    for f in sorted(os.listdir(debs)):
        if f.endswith(".deb") and f.split("_")[0] in {p for p, _ in todo}:
            subprocess.run(["dpkg-deb", "-x", os.path.join(debs, f), root], check=True)
            done.add(f)
    subprocess.run(["chmod", "-R", "a+rX", root], check=True)
    with open(os.path.join(d, "packages.txt"), "w") as out:
        out.write("".join(f + "\n" for f in sorted(done)))
    open(os.path.join(d, ".done"), "w").close()
    log(f"{release}: {len(done)} packages unpacked into {root}")


def main():
    for release in sys.argv[1:] or RELEASES:
        build_root(release)


if __name__ == "__main__":
    main()
