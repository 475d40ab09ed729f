"""What Debian's own changes to a source package add: options a patch introduces, which the
upstream program (the one other distributions ship) may not have. Debian's cron, for one, takes
`-f` only because debian/patches/features/Enable-running-daemon-in-foreground.patch adds it;
Vixie cron 4.1 (Gentoo's) has `-n` instead.

An option counts as added by a patch when a line the patch adds, and no line it removes in the
same file, names it: `\\-f` / `\\-\\-foreground` / `Fl f` in a man page, `case 'f':`, a long-option
table entry `"foreground"`, or a letter that appears in a getopt option string only after the
patch.
"""

import os
import re


def diff_files(text):
    """{file: (added lines, removed lines)} of a unified diff. A file the diff creates (`---
    /dev/null`, or a hunk starting at line 0) is keyed with a trailing " (new)"."""
    out = {}
    cur = None
    new = False
    for line in text.split("\n"):
        if line.startswith("--- "):
            new = line[4:].split("\t")[0].strip() == "/dev/null"
            cur = None
            continue
        if line.startswith("+++ "):
            cur = line[4:].split("\t")[0].strip() + (" (new)" if new else "")
            out.setdefault(cur, ([], []))
            continue
        if line.startswith("@@ -0,0 ") and cur and not cur.endswith(" (new)"):
            out[cur + " (new)"] = out.pop(cur)
            cur = cur + " (new)"
            continue
        if cur is None:
            continue
        if line.startswith("+"):
            out[cur][0].append(line[1:])
        elif line.startswith("-"):
            out[cur][1].append(line[1:])
    return out


def load(patch_dir):
    """[(patch name, {file: (added, removed)})] for a source package's Debian changes."""
    out = []
    if not patch_dir or not os.path.isdir(patch_dir):
        return out
    pdir = os.path.join(patch_dir, "debian", "patches")
    if os.path.isdir(pdir):
        for root, _, files in os.walk(pdir):
            for fn in sorted(files):
                if fn in ("series", "00list") or fn.endswith(".series"):
                    continue
                p = os.path.join(root, fn)
                with open(p, errors="replace") as f:
                    out.append((os.path.relpath(p, patch_dir), diff_files(f.read())))
    diff = os.path.join(patch_dir, "diff")
    if os.path.exists(diff):
        files = diff_files(open(diff, errors="replace").read())
        # A 1.0 .diff.gz also holds debian/ itself: only changes to upstream files count.
        files = {f: v for f, v in files.items() if not re.match(r"^[^/]+/debian/", f)}
        out.append(("the .diff.gz", files))
    out.sort(key=lambda x: x[0])
    return out


def _mentions(lines, opt):
    """Whether lines name the option where an option is defined or documented: a man page's
    tag (`.B \-f`, `.TP` / `\fB\-f`, mdoc `Fl f`), `case 'f':`, or a long-option table entry
    (`{"foreground", ...}`); not where a text merely uses it (`test \-x /usr/sbin/anacron`)."""
    dash = r"(?:\\-|-)"
    if opt.startswith("--"):
        name = re.escape(opt[2:])
        man = re.compile(r"^\s*(?:\.(?:B|BR|BI|IB|IR|RB|IP|TP|It|Op|OP)\b.*?|\\fB)" + dash + dash + name + r"(?![\w-])")
        code = re.compile(r'\{\s*"' + name + r'"\s*,|"' + name + r'"\s*,\s*(?:no_argument|required_argument|optional_argument|[012]\s*,)')
        mdoc = re.compile(r"\bFl -" + name + r"\b")
    else:
        ch = re.escape(opt[1:])
        man = re.compile(r"^\s*(?:\.(?:B|BR|BI|IB|IR|RB|IP|TP|It|Op|OP)\b.*?|\\fB)" + dash + ch + r"(?![\w-])")
        code = re.compile(r"case\s+'" + ch + r"'\s*:") if len(opt) == 2 else re.compile(r'"' + ch + r'"\s*,')
        mdoc = re.compile(r"\bFl " + ch + r"\b")
    return any(man.search(l) or code.search(l) or mdoc.search(l) for l in lines)


def _getopt_letters(lines):
    letters = set()
    for l in lines:
        if "getopt" in l:
            for m in re.finditer(r'"([A-Za-z0-9:+?-]+)"', l):
                letters.update(c for c in m.group(1) if c.isalnum())
    return letters


def added_by(patches, opt):
    """The name of the Debian patch that adds option `opt`, or None."""
    for name, files in patches:
        for f, (added, removed) in files.items():
            if f.endswith(" (new)") and re.search(r"\.(?:[1-9][a-z]*|man|pod|md|txt|sgml|xml|rst)(?: \(new\))$", f):
                # A man page Debian writes documents the program's options; it adds none.
                continue
            if _mentions(added, opt) and not _mentions(removed, opt):
                return name
            if len(opt) == 2 and opt[0] == "-":
                a, r = _getopt_letters(added), _getopt_letters(removed)
                if r and opt[1] in a - r:
                    return name
    return None


# A patch name that speaks of forking. "background" alone is not enough: sddm's
# 01_fix_background_conf_for_maui_theme.diff is about a background image; running, going, forking
# or staying in (to, into) the background, or a background mode, is.
FORKING_NAME = re.compile(
    r"(?i)fork|daemoni[sz]|foreground|detach|no.?daemon|dont.?daemon"
    r"|(?:run|go|goes|going|put|stay|send|fork|move)[-_. ]?(?:in|to|into)?[-_. ]?(?:the[-_. ]?)?background"
    r"|background[-_. ]?(?:mode|process|daemon)"
)


def changes_forking(patches):
    """A Debian patch that may change whether the program forks: its name speaks of it, or it
    removes a fork()/daemon() call it does not add back."""
    for name, files in patches:
        if FORKING_NAME.search(os.path.basename(name)):
            return name
        for f, (added, removed) in files.items():
            if re.search(r"\.(?:[1-9]|man|md|txt|pod)$", f):
                continue
            call = re.compile(r"\b(?:fork|daemon|setsid)\s*\(")
            if sum(bool(call.search(l)) for l in removed) > sum(bool(call.search(l)) for l in added):
                return name
    return None
