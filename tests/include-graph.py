#!/usr/bin/env python3
"""Find import circles between the modules of a C source folder.

    include-graph.py [--edges] [DIR]

A module is a file name without its extension: libcore/chain.c and
libcore/chain.h are the module "chain" (pkcs12-kdf.c, with no header of
its own, is the module "pkcs12-kdf").  Module A depends on module B when
a file of A has an `#include "F"` line naming a file F of B that is in
DIR; system headers and files elsewhere (config.h) are not modules.

Prints each strongly connected component of more than one module (a
circle: A needs B and B needs A, directly or through others), one line
each, modules sorted, followed by the include lines that hold it
together, and exits 1; prints nothing and exits 0 when there is none.
--edges prints the whole module graph ("A -> B" lines) instead.
DIR defaults to libcore/ next to this script's folder.  Exit 2 on a
usage error or a folder with no C files.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def module_of(name):
    return os.path.splitext(name)[0]


def read_graph(folder):
    """Return {module: {module: [(file, line number), ...]}} and the set of
    modules: every file of folder is a module; edges come from the
    #include "..." lines of its .c, .h and .def files."""
    files = sorted(f for f in os.listdir(folder)
                   if os.path.isfile(os.path.join(folder, f)))
    present = set(files)
    modules = {module_of(f) for f in files if f.endswith((".c", ".h"))}
    graph = {m: {} for m in modules}
    for f in files:
        if not f.endswith((".c", ".h", ".def")):
            continue
        src = module_of(f)
        with open(os.path.join(folder, f), encoding="utf-8",
                  errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if not m or m.group(1) not in present:
                    continue
                dst = module_of(m.group(1))
                if dst == src:
                    continue
                graph.setdefault(src, {}).setdefault(dst, []).append((f, n))
                graph.setdefault(dst, {})
    return graph


def components(graph):
    """Tarjan's strongly connected components, iteratively (no recursion
    limit to meet however long a chain of headers)."""
    index = {}
    low = {}
    on_stack = set()
    stack = []
    result = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    comp.append(m)
                    if m == node:
                        break
                result.append(sorted(comp))
    return result


def main(argv):
    args = argv[1:]
    edges = False
    if args and args[0] == "--edges":
        edges = True
        args = args[1:]
    if len(args) > 1 or (args and args[0].startswith("-")):
        sys.stderr.write("usage: include-graph.py [--edges] [DIR]\n")
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    folder = args[0] if args else os.path.join(here, "..", "libcore")
    try:
        graph = read_graph(folder)
    except OSError as e:
        sys.stderr.write("include-graph.py: %s: %s\n" % (folder, e.strerror))
        return 2
    if not graph:
        sys.stderr.write("include-graph.py: %s: no C files\n" % folder)
        return 2
    if edges:
        for src in sorted(graph):
            for dst in sorted(graph[src]):
                print("%s -> %s" % (src, dst))
        return 0
    circles = sorted(c for c in components(graph) if len(c) > 1)
    for comp in circles:
        print("circle: " + " ".join(comp))
        members = set(comp)
        for src in comp:
            for dst in sorted(graph[src]):
                if dst in members:
                    for f, n in graph[src][dst]:
                        print("  %s -> %s  (%s:%d)" % (src, dst, f, n))
    return 1 if circles else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
