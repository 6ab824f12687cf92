#!/usr/bin/env python3
"""Check fwbox --json output against the man pages (fwbox(1) JSON OUTPUT).

  json-check.py [--rows] MANDIR VERB FILE...

Every FILE is one run's standard output.  It must be JSON Lines: one
compact object a line (a FILE ending in ".pretty" is indented and read as
concatenated JSON instead).  Every key, at any depth, must be listed in
fwbox(1)'s "Fields" list with a value of the type given there, and must be
named in the verb's page (section JSON OUTPUT); every name that section
lists must appear in at least one FILE.  The keys of a "fields" object are
layout names (integer or string values, not checked against the list);
with --rows the top-level keys are SQL column names (query rows).
"""
import json
import re
import sys

TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**53,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}

errors = []


def err(msg):
    errors.append(msg)


def section(lines, start, stop_prefix):
    out, on = [], False
    for line in lines:
        if line == start:
            on = True
            continue
        if on and line.startswith(stop_prefix):
            break
        if on:
            out.append(line)
    return out


def vocabulary(mandir):
    lines = open(mandir + "/fwbox.1").read().splitlines()
    vocab = {}
    for line in section(lines, ".Ss Fields", ".S"):
        m = re.match(r"\.It Va (.+?) Pq (.+)$", line)
        if not m:
            continue
        types = [t.strip() for t in m.group(2).split(" or ")]
        for t in types:
            if t not in TYPES:
                raise SystemExit("fwbox.1: unknown type %r in %r" % (t, line))
        for name in m.group(1).split(","):
            name = name.strip()
            if name in vocab:
                raise SystemExit("fwbox.1: field %r listed twice" % name)
            vocab[name] = types
    if len(vocab) < 20:
        raise SystemExit("fwbox.1: the Fields list is missing or unreadable")
    return vocab


def documented(mandir, verb):
    lines = open("%s/fwbox-%s.1" % (mandir, verb)).read().splitlines()
    names = set()
    sec = section(lines, ".Sh JSON OUTPUT", ".Sh ")
    if not sec:
        raise SystemExit("fwbox-%s.1 has no JSON OUTPUT section" % verb)
    for line in sec:
        if line.startswith(".Va "):
            for tok in line[4:].split():
                tok = tok.strip(",.;:()")
                if re.fullmatch(r"[a-z][a-z0-9_]*", tok):
                    names.add(tok)
    return names


def check_value(where, key, value, vocab, seen, listed, verb):
    seen.add(key)
    if key not in vocab:
        err("%s: field %r is not in fwbox(1)'s Fields list" % (where, key))
        return
    if key not in listed:
        err("%s: field %r is not named in fwbox-%s(1) JSON OUTPUT" % (where, key, verb))
    if not any(TYPES[t](value) for t in vocab[key]):
        err("%s: field %r is %r, fwbox(1) says %s" % (where, key, value, " or ".join(vocab[key])))
    walk(where + "." + key, value, vocab, seen, listed, verb, key == "fields")


def walk(where, value, vocab, seen, listed, verb, layout=False):
    if isinstance(value, dict):
        for k, v in value.items():
            if layout:
                if not (isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool)
                                               and abs(v) < 2**53)):
                    err("%s: layout field %r is %r, not an integer or string" % (where, k, v))
            else:
                check_value(where, k, v, vocab, seen, listed, verb)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            walk("%s[%d]" % (where, i), v, vocab, seen, listed, verb)


def objects(path):
    text = open(path, "rb").read().decode("utf-8")   # strict UTF-8
    if path.endswith(".pretty"):
        dec, i, out = json.JSONDecoder(), 0, []
        while True:
            while i < len(text) and text[i].isspace():
                i += 1
            if i == len(text):
                return out
            obj, i = dec.raw_decode(text, i)
            out.append(obj)
    if text and not text.endswith("\n"):
        err("%s: output does not end in a newline" % path)
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if line != line.strip() or not line.startswith("{"):
            err("%s:%d: not one compact JSON object a line" % (path, n))
            continue
        try:
            out.append(json.loads(line))
        except ValueError as e:
            err("%s:%d: %s" % (path, n, e))
    return out


def main():
    args = sys.argv[1:]
    rows = False
    if args and args[0] == "--rows":
        rows, args = True, args[1:]
    if len(args) < 3:
        raise SystemExit(__doc__)
    mandir, verb, files = args[0], args[1], args[2:]
    vocab = vocabulary(mandir)
    listed = documented(mandir, verb)
    seen = set()
    count = 0
    for path in files:
        for i, obj in enumerate(objects(path)):
            count += 1
            where = "%s#%d" % (path, i + 1)
            if not isinstance(obj, dict):
                err("%s: a %s, not an object" % (where, type(obj).__name__))
                continue
            if rows:
                for k, v in obj.items():
                    ok = v is None or isinstance(v, (str, float)) or \
                        (isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**53)
                    if not ok:
                        err("%s: column %r is %r" % (where, k, v))
            else:
                walk(where, obj, vocab, seen, listed, verb)
    if not count:
        err("%s: no JSON object in %s" % (verb, " ".join(files)))
    if not rows:
        for name in sorted(listed - seen):
            err("%s: fwbox-%s(1) lists %r but no output holds it" % (verb, verb, name))
    for e in errors:
        print("json-check: " + e, file=sys.stderr)
    return 1 if errors else 0


sys.exit(main())
