# SPDX-License-Identifier: GPL-2.0
"""The repository's own rules: HACKING.md lists every file as it is, no
source file is over 400 lines, nothing points outside the repository, and
the folders of C code keep their layers (HACKING.md, Layout)."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_EXT = (".c", ".h", ".py")
MAX_LINES = 400
MAX_C_FILES = 16                        # .c files in one folder
INCLUDE_DIRS = ("user", "lib", "bpf")   # the Makefile's -I, in its order


def tracked():
    out = subprocess.run(["git", "-C", ROOT, "ls-files"], capture_output=True, text=True,
                         check=True).stdout
    return [f for f in out.splitlines() if os.path.isfile(os.path.join(ROOT, f))]


def test_hacking_lists_every_file_as_it_is():
    r = subprocess.run([os.path.join(ROOT, "scripts", "list-sources"), "--check",
                        os.path.join(ROOT, "HACKING.md")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_no_source_file_over_400_lines():
    long = []
    for f in tracked():
        if f.endswith(SOURCE_EXT) or f in ("tests/run", "bench/run", "labs/run"):
            with open(os.path.join(ROOT, f), errors="replace") as fh:
                n = sum(1 for _ in fh)
            if n > MAX_LINES:
                long.append((f, n))
    assert not long, long


def test_nothing_points_outside_the_repository():
    out = subprocess.run(["git", "-C", ROOT, "grep", "-n", "-I", "-e", "../shared",
                          "--", ".", ":!tests/test_repo.py"], capture_output=True, text=True)
    assert out.returncode == 1 and not out.stdout, out.stdout[:500]


def c_sources(*tops):
    return [f for f in tracked() if f.startswith(tops) and f.endswith((".c", ".h"))]


def includes():
    """Every #include "..." of user/ and lib/ as (file, its folder, the folder
    of the header, the header's name), and what is wrong on the way: an
    include that resolves nowhere, or a user header named without its folder
    ("fmt.h" for "report/fmt.h")."""
    found, wrong = [], []
    for f in c_sources("user/", "lib/"):
        here = os.path.dirname(f)
        with open(os.path.join(ROOT, f)) as fh:
            names = re.findall(r'^\s*#\s*include\s+"([^"]+)"', fh.read(), re.M)
        for name in names:
            if name.endswith(".skel.h"):        # generated from bpf/*.bpf.c
                found.append((f, here, "bpf", name))
                continue
            if here.startswith("user/") and os.path.isfile(os.path.join(ROOT, here, name)):
                wrong.append(f"{f}: \"{name}\" without its folder")
                continue
            paths = [os.path.normpath(os.path.join(d, name)) for d in (here,) + INCLUDE_DIRS
                     if os.path.isfile(os.path.join(ROOT, d, name))]
            if not paths:
                wrong.append(f"{f}: \"{name}\" is nowhere in {', '.join(INCLUDE_DIRS)}")
                continue
            found.append((f, here, os.path.dirname(paths[0]), os.path.basename(paths[0])))
    return found, wrong


def include_graph():
    """{folder: {the other folders it includes}}, and what is wrong (see includes())."""
    found, wrong = includes()
    graph = {}
    for _, here, there, _ in found:
        graph.setdefault(here, set())
        if there != here:
            graph[here].add(there)
    return graph, wrong


def find_cycle(graph):
    """A list of folders that include each other in a ring, or None."""
    state, path = {}, []

    def visit(node):
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                ring = visit(nxt)
                if ring:
                    return ring
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            ring = visit(node)
            if ring:
                return ring
    return None


def layout_table():
    """HACKING.md's table of user/'s folders: {folder: (its door headers, None
    for every header; the folders it may use)}."""
    rows = {}
    with open(os.path.join(ROOT, "HACKING.md")) as fh:
        for line in fh:
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if not re.fullmatch(r"`user/[a-z_]+/`", cells[0]) or len(cells) != 5:
                continue                        # the file list, or another table
            folder = cells[0].strip("`").rstrip("/")
            doors = None if cells[2].startswith("every header") else \
                set(re.findall(r"`([a-z_]+\.h)`", cells[2]))
            may = {"user/" + name if os.path.isdir(os.path.join(ROOT, "user", name)) else name
                   for name in re.findall(r"`([a-z_]+)/`", cells[3])}
            if cells[3].startswith("every folder"):
                may |= {"user/" + d for d in os.listdir(os.path.join(ROOT, "user"))}
            rows[folder] = (doors, may)
    return rows


def test_folders_include_downwards_only():
    graph, wrong = include_graph()
    assert not wrong, wrong
    both = sorted((a, b) for a in graph for b in graph[a] if a < b and a in graph.get(b, ()))
    assert not both, f"folders that include each other: {both}"
    ring = find_cycle(graph)
    assert not ring, "an include cycle between folders: " + " -> ".join(ring)


def test_find_cycle_finds_one():
    # the check above cannot pass by accident: a ring of three is found, a chain is not
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_folders_include_what_hacking_says_through_their_doors():
    table = layout_table()
    folders = {os.path.dirname(f) for f in c_sources("user/")}
    assert folders == set(table), f"HACKING.md's user/ table has {sorted(table)}"
    found, _ = includes()
    bad = []
    for f, here, there, name in found:
        if here == there:
            continue
        if here == "lib":
            bad.append(f"{f} includes {there}/{name}: lib/ includes nothing outside itself")
        elif there not in table[here][1]:
            bad.append(f"{f} includes {there}/{name}: not in what {here}/ may use")
        elif there in table and table[there][0] is not None and name not in table[there][0]:
            bad.append(f"{f} includes {there}/{name}: not a door of {there}/")
    assert not bad, "\n".join(["see HACKING.md, Layout:"] + bad)


def test_user_code_lives_in_subsystem_folders():
    loose = [f for f in c_sources("user/") if f.count("/") != 2]
    assert not loose, f"put these in a folder of user/ (HACKING.md, Layout): {loose}"
    folders = {os.path.dirname(f) for f in c_sources("user/")}
    assert len(folders) >= 5, folders


def test_no_folder_holds_more_than_16_c_files():
    count = {}
    for f in tracked():
        if f.endswith(".c"):
            count[os.path.dirname(f)] = count.get(os.path.dirname(f), 0) + 1
    big = {d: n for d, n in count.items() if n > MAX_C_FILES}
    assert not big, big
