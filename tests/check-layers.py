#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that dependencies point one way (doc/architecture.md, "Layers").

Two graphs are built over every file below src/ and parsers/:
  - includes: a file that #includes "x.h" depends on x.h;
  - links: an object file that leaves a symbol undefined depends on the
    object that defines it (nm over the objects named on the command line).
A file depends only on files of its own layer or of layers listed before it
in doc/layers (peers, layers of equal rank, may not depend on each other),
and no two files depend on each other, directly or in a circle (a .c that
calls into another .c which calls it back is such a circle).  The "only" rules of doc/layers keep outside
libraries (headers and symbol prefixes) to the one layer that may use them.
Edges listed in doc/layers-exceptions are left out; a listed edge that no
longer exists is an error too, so the list only shrinks.

Exit status: 0 clean, 1 violations found, 2 usage or unreadable input.
"""
import argparse
import fnmatch
import os
import re
import subprocess
import sys

SOURCE_DIRS = ("src", "parsers")
SOURCE_EXTS = (".c", ".h", ".def")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')
DEFINED_TYPES = set("TDBRCGSVW")


def die(msg):
    print("check-layers: " + msg, file=sys.stderr)
    sys.exit(2)


def read_layers(path):
    """Return (layers, only) from the layers file.

    layers: list of (rank, name, [globs]) in file order.
    only: list of (layer, lineno, [patterns]) for "only LAYER pattern...".
    """
    layers, only = [], []
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        die("cannot read '%s': %s" % (path, e.strerror))
    for no, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if words[0] == "only":
            if len(words) < 3:
                die("%s:%d: 'only' wants a layer and patterns" % (path, no))
            only.append((words[1], no, words[2:]))
            continue
        if len(words) < 3 or not words[0].isdigit():
            die("%s:%d: expected 'RANK NAME GLOB...'" % (path, no))
        layers.append((int(words[0]), words[1], words[2:]))
    names = [name for _, name, _ in layers]
    for layer, no, _ in only:
        if layer not in names:
            die("%s:%d: unknown layer '%s'" % (path, no, layer))
    return layers, only


def read_exceptions(path):
    """Return {(from, to): lineno} from the exceptions file."""
    exc = {}
    if not path or not os.path.exists(path):
        return exc
    for no, line in enumerate(open(path, encoding="utf-8").read().splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = [p.strip() for p in text.split("->")]
        if len(parts) != 2 or not all(parts):
            die("%s:%d: expected 'FROM -> TO'" % (path, no))
        exc[(parts[0], parts[1])] = no
    return exc


def source_files(top):
    files = []
    for d in SOURCE_DIRS:
        root = os.path.join(top, d)
        for dirpath, _, names in os.walk(root):
            for n in names:
                if n.endswith(SOURCE_EXTS):
                    files.append(os.path.relpath(os.path.join(dirpath, n), top))
    return sorted(files)


class Graph:
    def __init__(self, top, layers):
        self.top = top
        self.layers = layers
        self.rank = {name: rank for rank, name, _ in layers}
        self.layer = {}          # file -> layer name
        self.edges = {}          # (from file, to file) -> why (first seen)
        self.sys_includes = []   # (file, lineno, header)
        self.undefined = []      # (file, symbol)
        self.errors = []

    def classify(self, files):
        for f in files:
            for _, name, globs in self.layers:
                if any(fnmatch.fnmatchcase(f, g) for g in globs):
                    self.layer[f] = name
                    break
            else:
                self.errors.append("%s: in no layer of doc/layers: add it to one" % f)

    def add(self, a, b, why):
        if a != b and (a, b) not in self.edges:
            self.edges[(a, b)] = why

    def resolve(self, src, name):
        for base in (os.path.dirname(src),) + SOURCE_DIRS:
            cand = os.path.normpath(os.path.join(base, name))
            if cand in self.layer:
                return cand
        return None

    def scan_includes(self):
        for f in list(self.layer):
            try:
                text = open(os.path.join(self.top, f), encoding="utf-8",
                            errors="replace").read().splitlines()
            except OSError as e:
                die("cannot read '%s': %s" % (f, e.strerror))
            for no, line in enumerate(text, 1):
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                if m.group(1) == "<":
                    self.sys_includes.append((f, no, "<%s>" % m.group(2)))
                    continue
                target = self.resolve(f, m.group(2))
                if target:
                    self.add(f, target, "%s:%d includes \"%s\"" % (f, no, m.group(2)))

    def object_source(self, builddir, obj):
        rel = os.path.relpath(os.path.join(builddir, obj), builddir)
        base = os.path.splitext(rel)[0]
        for cand in (base + ".c", os.path.join(os.path.dirname(base),
                                               os.path.basename(base).split("-", 1)[-1] + ".c")):
            if cand in self.layer:
                return cand
        # A generated source (only in the build tree) still has a layer.
        for _, name, globs in self.layers:
            if any(fnmatch.fnmatchcase(base + ".c", g) for g in globs):
                self.layer[base + ".c"] = name
                return base + ".c"
        return None

    def scan_objects(self, builddir, objects):
        if not objects:
            return
        srcs = {}
        for o in objects:
            s = self.object_source(builddir, o)
            if not s:
                self.errors.append("%s: its source is in no layer of doc/layers: add it to one" % o)
                continue
            srcs[o] = s
        try:
            out = subprocess.run(["nm", "-A", "-P"] + list(srcs), cwd=builddir,
                                 check=True, capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            die("nm failed: %s" % e)
        defined, undefined = {}, []
        for line in out.splitlines():
            head, _, rest = line.partition(": ")
            fields = rest.split()
            if head not in srcs or len(fields) < 2:
                continue
            sym, typ = fields[0], fields[1]
            if typ in ("U", "w", "v"):
                undefined.append((srcs[head], sym))
            elif typ in DEFINED_TYPES:
                defined.setdefault(sym, srcs[head])
        for s, sym in undefined:
            self.undefined.append((s, sym))
            d = defined.get(sym)
            if d:
                self.add(s, d, "%s calls %s() of %s" % (s, sym, d))

    def check_direction(self, edges):
        for (a, b), why in sorted(edges.items()):
            la, lb = self.layer[a], self.layer[b]
            if la == lb:
                continue
            ra, rb = self.rank[la], self.rank[lb]
            if rb > ra:
                self.errors.append("upward: %s (%s) -> %s (%s): %s"
                                   % (a, la, b, lb, why))
            elif rb == ra:
                self.errors.append("between peers: %s (%s) -> %s (%s): %s"
                                   % (a, la, b, lb, why))

    def check_cycles(self, edges, node_of, what):
        succ = {}
        for (a, b), why in edges.items():
            na, nb = node_of(a), node_of(b)
            if na != nb:
                succ.setdefault(na, {}).setdefault(nb, why)
        for comp in strongly_connected(succ):
            cycle = find_cycle(comp, succ)
            steps = ["  %s -> %s: %s" % (x, y, succ[x][y])
                     for x, y in zip(cycle, cycle[1:] + cycle[:1])]
            self.errors.append("circle between %s %s:\n%s"
                               % (what, ", ".join(sorted(comp)), "\n".join(steps)))

    def check_only(self, only):
        for layer, no, pats in only:
            heads = [p for p in pats if p.startswith("<")]
            syms = [p for p in pats if not p.startswith("<")]
            for f, line, h in self.sys_includes:
                if self.layer[f] != layer and h in heads:
                    self.errors.append("%s:%d includes %s, which only %s may use"
                                       % (f, line, h, layer))
            seen = set()
            for f, sym in self.undefined:
                if self.layer[f] == layer or (f, sym) in seen:
                    continue
                if any(fnmatch.fnmatchcase(sym, p) for p in syms):
                    seen.add((f, sym))
                    self.errors.append("%s uses %s, which only %s may use"
                                       % (f, sym, layer))


def strongly_connected(succ):
    """Tarjan's algorithm, iterative; yields components of two or more nodes."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    nodes = set(succ) | {b for m in succ.values() for b in m}
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(succ.get(root, {}))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(succ.get(w, {})))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(comp)
    return out


def find_cycle(comp, succ):
    """One shortest circle through the first node of a component."""
    members = set(comp)
    start = sorted(comp)[0]
    prev, queue = {start: None}, [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(succ.get(v, {})):
            if w not in members:
                continue
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path))
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return [start]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--srcdir", required=True)
    ap.add_argument("--builddir", default=".")
    ap.add_argument("--layers", required=True)
    ap.add_argument("--exceptions")
    ap.add_argument("objects", nargs="*", help="object files, relative to --builddir")
    args = ap.parse_args()

    layers, only = read_layers(args.layers)
    exceptions = read_exceptions(args.exceptions)
    g = Graph(args.srcdir, layers)
    g.classify(source_files(args.srcdir))
    g.scan_includes()
    g.scan_objects(args.builddir, args.objects)

    edges = {e: why for e, why in g.edges.items() if e not in exceptions}
    for (a, b), no in sorted(exceptions.items(), key=lambda x: x[1]):
        if (a, b) not in g.edges:
            g.errors.append("%s:%d: '%s -> %s' no longer exists: remove the line"
                            % (args.exceptions, no, a, b))
    g.check_direction(edges)
    g.check_cycles(edges, lambda f: f, "files")
    g.check_cycles(edges, lambda f: g.layer[f], "layers")
    g.check_only(only)

    for e in g.errors:
        print("check-layers: " + e, file=sys.stderr)
    print("check-layers: %d files, %d dependencies (%d excepted), %d problems"
          % (len(g.layer), len(g.edges), len(exceptions), len(g.errors)))
    return 1 if g.errors else 0


if __name__ == "__main__":
    sys.exit(main())
