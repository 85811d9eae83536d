#!/usr/bin/env python3
"""structure_check.py: the architecture facts of README's "Architecture" section, recomputed
from the tree (issue #11). Run from anywhere: `tools/structure_check.py [ROOT]`; ctest runs it
as `structure`. Prints each fact and what breaks it; exits 1 when one does not hold.

Facts:
  includes  no include cycle between files of lsp/ and protocol/; the folder arrows, lowest
            first protocol <- base <- note <- index <- client <- features <- server <- cli <-
            lsp/main.c, and at most 3 arrows running back up (today none); protocol/ includes
            nothing from lsp/, lsp/base/ and lsp/note/ nothing above lsp/note/
  size      no .c in lsp/ or protocol/ over 700 lines, except generated tables (a first line
            that says GENERATED)
  one way   one UTF-8 decoder (protocol/utf8.c), one file reader (lsp/base/file.c), one line
            table and one position converter (protocol/position.c): the signatures of a
            competing implementation are grepped for everywhere else
  readme    the Architecture table names every .c (and every header without one) in lsp/ and
            protocol/, and no file that does not exist
"""
import glob
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), '..'))
RANK = ['protocol', 'base', 'note', 'index', 'client', 'features', 'server', 'cli', 'main']
MAX_BACK_ARROWS = 3
MAX_LINES = 700

failures = []


def fail(fact, msg):
    failures.append('%s: %s' % (fact, msg))


def sources():
    out = []
    for top in ('lsp', 'protocol'):
        for dp, dn, fn in os.walk(os.path.join(ROOT, top)):
            dn.sort()
            for f in sorted(fn):
                if f.endswith(('.c', '.h')):
                    out.append(os.path.relpath(os.path.join(dp, f), ROOT))
    return out


def read(rel):
    with open(os.path.join(ROOT, rel), encoding='utf-8', errors='replace') as f:
        return f.read()


def folder(rel):
    parts = rel.split('/')
    if parts[0] == 'protocol':
        return 'protocol'
    return 'main' if len(parts) == 2 else parts[1]


# ---- includes ---------------------------------------------------------------------------------

def include_graph(files):
    graph = {}
    for rel in files:
        graph[rel] = []
        for m in re.finditer(r'^\s*#\s*include\s+"([^"]+)"', read(rel), re.M):
            name = m.group(1)
            for cand in (os.path.normpath(os.path.join(os.path.dirname(rel), name)), name):
                if os.path.isfile(os.path.join(ROOT, cand)):
                    graph[rel].append(cand)
                    break
            else:
                fail('includes', '%s includes "%s", which is no file of the tree' % (rel, name))
    return graph


def cycles(graph):
    """Strongly connected components of more than one file (Tarjan), and self-includes."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, []):
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def check_includes(graph):
    for comp in cycles(graph):
        fail('includes', 'cycle among ' + ', '.join(comp))
    arrows = {}
    for a, targets in graph.items():
        for b in targets:
            fa, fb = folder(a), folder(b)
            if fa != fb:
                arrows.setdefault((fa, fb), []).append('%s -> %s' % (a, b))
    back = []
    print('folder arrows (lowest first: %s):' % ' <- '.join(RANK))
    for (fa, fb), why in sorted(arrows.items(), key=lambda kv: (RANK.index(kv[0][0]), RANK.index(kv[0][1]))):
        up = RANK.index(fb) > RANK.index(fa)
        print('  %-8s -> %-8s %3d include(s)%s' % (fa, fb, len(why), '  BACK UP' if up else ''))
        if up:
            back.append((fa, fb, why))
    print('arrows running back up: %d (at most %d)' % (len(back), MAX_BACK_ARROWS))
    if len(back) > MAX_BACK_ARROWS:
        for fa, fb, why in back:
            fail('includes', '%s -> %s runs back up: %s' % (fa, fb, '; '.join(why)))
    for fa, fb, why in back:
        if fa == 'protocol' or (fa in ('base', 'note') and RANK.index(fb) > RANK.index('note')):
            fail('includes', 'README invariant broken: %s' % '; '.join(why))


# ---- size -------------------------------------------------------------------------------------

def check_size(files):
    for rel in files:
        if not rel.endswith('.c'):
            continue
        text = read(rel)
        first = text.split('\n', 1)[0]
        n = text.count('\n')
        if n > MAX_LINES and 'GENERATED' not in first:
            fail('size', '%s has %d lines (at most %d; split it by job)' % (rel, n, MAX_LINES))


# ---- one way to do each thing -----------------------------------------------------------------

# (fact, the one home, a regex whose match elsewhere is a competing implementation)
ONE_WAY = [
    ('UTF-8 decoder', {'protocol/utf8.c'},
     re.compile(r'<<\s*6\b.*&\s*0x3[fF]|&\s*0x3[fF]\s*\)?\s*<<')),
    ('file reader', {'lsp/base/file.c'},
     re.compile(r'\b(fread|fgetc|getc|fgets|getline|getdelim|mmap|read)\s*\(|'
                r'\bfopen\s*\([^)]*"r')),
    ('line table', {'protocol/position.c', 'protocol/position.h'},
     re.compile(r'\}\s*nl_lines\s*;|\b(size_t|uint32_t)\s*\*\s*\w*line_?(start|off)\w*\s*[;=]')),
    ('position converter', {'protocol/position.c', 'protocol/utf8.c'},
     re.compile(r'\bcase\s+NL_ENC_UTF(16|32)\b|0x10000\s*\?\s*2|>=?\s*0x10000\b')),
]
# Readers of something that is not a whole file, said once here with the reason.
NOT_A_WHOLE_FILE = {
    ('file reader', 'lsp/index/cache.c'): 'the index cache reads records of its own file by pread',
}


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return re.sub(r'"(\\.|[^"\\\n])*"', lambda m: '"' + 'r' * ('"r' in m.group(0)) + '"', text)


def check_one_way(files):
    for fact, homes, pattern in ONE_WAY:
        found = []
        for rel in files:
            if rel in homes or (fact, rel) in NOT_A_WHOLE_FILE:
                continue
            for i, line in enumerate(strip_comments(read(rel)).split('\n'), 1):
                if pattern.search(line):
                    found.append('%s:%d: %s' % (rel, i, line.strip()))
        print('one %s: %s%s' % (fact, ', '.join(sorted(homes)),
                                '' if not found else ' and %d other place(s)' % len(found)))
        for f in found:
            fail('one way', 'a second %s? %s' % (fact, f))


# ---- README -----------------------------------------------------------------------------------

def check_readme(files):
    text = read('README.md')
    m = re.search(r'^## Architecture\n(.*?)(?=^## |\Z)', text, re.M | re.S)
    if m is None:
        fail('readme', 'README.md has no "## Architecture" section')
        return
    section = m.group(1)
    named = set()
    for row in re.finditer(r'^\| `([^`]+)` \|(.*)\|\s*$', section, re.M):
        base, cell = row.group(1), row.group(2)
        if base.endswith('.c') and '*' not in base:
            named.add(base)
            continue
        base = base.split('*')[0].rstrip('/')
        for tok in re.findall(r'`([A-Za-z0-9_./*-]+\.(?:c|h|1))`', cell):
            rel = tok if tok.startswith(('lsp/', 'protocol/', 'tools/', 'tests/')) else base + '/' + tok
            if '*' in tok:
                hits = {os.path.relpath(h, ROOT) for h in glob.glob(os.path.join(ROOT, rel))}
                if not hits:
                    fail('readme', 'README names `%s`, which matches no file' % tok)
                named |= hits
            elif not os.path.isfile(os.path.join(ROOT, rel)):
                fail('readme', 'README names `%s` (%s), which does not exist' % (tok, rel))
            else:
                named.add(rel)
    wanted = [f for f in files if f.endswith('.c') or
              not os.path.isfile(os.path.join(ROOT, f[:-2] + '.c'))]
    missing = [f for f in wanted if f not in named]
    for f in missing:
        fail('readme', 'README\'s Architecture table does not name %s' % f)
    lines = section.count('\n')
    print('readme: the Architecture section names %d of %d files; %d lines' %
          (len([f for f in wanted if f in named]), len(wanted), lines))


def main():
    files = sources()
    graph = include_graph(files)
    check_includes(graph)
    check_size(files)
    check_one_way(files)
    check_readme(files)
    for f in failures:
        print('FAIL ' + f)
    print('structure: %s (%d files of lsp/ and protocol/)' %
          ('ok' if not failures else '%d fact(s) broken' % len(failures), len(files)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
