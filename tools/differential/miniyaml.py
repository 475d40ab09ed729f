"""The subset of YAML that rc2s6.manifest.yaml uses (serde_yaml_ng output): block mappings and
sequences, plain, single-quoted and double-quoted scalars, `|`/`|-` block scalars, `[]` and `{}`.
Python has no YAML parser in its standard library, and the harness must run on a bare Debian
with python3 only. Anything else raises ValueError rather than being misread."""

import json
import re


def _scalar(text):
    t = text.strip()
    if t == "" or t == "~" or t == "null":
        return None
    if t == "[]":
        return []
    if t == "{}":
        return {}
    if t.startswith("'"):
        if not t.endswith("'") or len(t) < 2:
            raise ValueError(f"unterminated single-quoted scalar: {t!r}")
        return t[1:-1].replace("''", "'")
    if t.startswith('"'):
        # YAML double-quoted escapes are a superset of JSON's; serde_yaml writes JSON-compatible
        # ones for what the manifest holds (\n, \t, \", \\, \u, \x).
        body = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: "\\u00" + m.group(1), t)
        return json.loads(body)
    if t in ("true", "false"):
        return t == "true"
    if re.fullmatch(r"-?[0-9]+", t):
        return int(t)
    return t


class _Lines:
    def __init__(self, text):
        self.lines = [l for l in text.split("\n")]
        self.i = 0

    def peek(self):
        while self.i < len(self.lines):
            l = self.lines[self.i]
            if l.strip() == "" or l.lstrip().startswith("#"):
                self.i += 1
                continue
            return l
        return None


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def _block_scalar(lines, header, parent_indent):
    keep = header.startswith("|") and not header.startswith("|-")
    out = []
    ind = None
    while lines.i < len(lines.lines):
        l = lines.lines[lines.i]
        if l.strip() == "":
            out.append("")
            lines.i += 1
            continue
        if _indent(l) <= parent_indent:
            break
        if ind is None:
            ind = _indent(l)
        out.append(l[ind:])
        lines.i += 1
    while out and out[-1] == "":
        out.pop()
    s = "\n".join(out)
    return s + "\n" if keep else s


def _value_after_key(lines, rest, indent):
    rest = rest.strip()
    if rest.startswith("|"):
        return _block_scalar(lines, rest, indent)
    if rest != "":
        return _scalar(rest)
    nxt = lines.peek()
    if nxt is None:
        return None
    ni = _indent(nxt)
    if ni > indent or (ni == indent and nxt.lstrip().startswith("- ")):
        return _node(lines, ni)
    return None


_KEY = re.compile(r"^([A-Za-z0-9_.\-]+|'[^']*'|\"[^\"]*\"):(?: (.*))?$")


def _node(lines, indent):
    first = lines.peek()
    if first is None:
        return None
    if first.lstrip().startswith("- ") or first.strip() == "-":
        seq = []
        while True:
            l = lines.peek()
            if l is None or _indent(l) != indent or not (l.lstrip().startswith("- ") or l.strip() == "-"):
                break
            body = l.lstrip()[2:] if l.strip() != "-" else ""
            inner = indent + 2
            if _KEY.match(body):
                # a mapping that starts on the dash's line: re-read it at the inner indent
                lines.lines[lines.i] = " " * inner + body
                seq.append(_node(lines, inner))
            else:
                lines.i += 1
                if body.strip() == "":
                    seq.append(_node(lines, _indent(lines.peek())) if lines.peek() else None)
                elif body.strip().startswith("|"):
                    seq.append(_block_scalar(lines, body.strip(), indent))
                else:
                    seq.append(_scalar(body))
        return seq
    mapping = {}
    while True:
        l = lines.peek()
        if l is None or _indent(l) != indent or l.lstrip().startswith("- "):
            break
        m = _KEY.match(l.strip())
        if not m:
            raise ValueError(f"unsupported YAML line {lines.i + 1}: {l!r}")
        key = _scalar(m.group(1))
        lines.i += 1
        mapping[key] = _value_after_key(lines, m.group(2) or "", indent)
    return mapping


def loads(text):
    lines = _Lines(text)
    first = lines.peek()
    if first is None:
        return None
    node = _node(lines, _indent(first))
    if lines.peek() is not None:
        raise ValueError(f"unparsed YAML from line {lines.i + 1}: {lines.peek()!r}")
    return node
