#!/usr/bin/env python3
"""Checks that swarmtop's code depends in one direction only (issue 16, "One direction of
dependency"). Exits 1 and says why when it does not; `--self-test` checks the checker.

1. Crates. Every workspace member's Cargo.toml is read ([dependencies], [build-dependencies],
   [dev-dependencies], and their [target.*] forms). A swarmtop crate may depend only on the
   crates below it in LAYERS (directly declared there, or below those). Dev-dependencies may
   also name a crate of TEST_TOOLS (the simulator: tests drive engines with it). A workspace
   member missing from LAYERS is an error: place it. A crate in LAYERS that does not exist
   yet is simply absent.

2. Modules. Inside each crate (the library from src/lib.rs, a binary from src/main.rs, each
   on its own), no two files may import each other, directly or through others. The rules:
   - Files are found by following `mod x;` from the root (x.rs or x/mod.rs, or #[path]).
     Test code is left out: files named tests.rs or *_tests.rs, and any item marked
     `#[cfg(test)]` (a `mod tests { .. }`, a function, a use). Comments and string literals
     are ignored. Inline `mod x { .. }` blocks belong to their file.
   - A file imports another through `use` (crate::, super::, self::, a child module's
     name, or a module name brought in by an earlier `use`) and through such paths written
     in code (`crate::a::b::f()`, `super::X`, `child::f()`, `alias::f()`).
   - A path resolves to the longest prefix that is a module file. The name after that
     prefix is then looked up in that file: a name the file defines (fn, struct, enum,
     trait, type, const, static, mod, macro) points at the file; a name the file only
     imports (`pub use child::X`, or a private `use` its children see through `super::`)
     is followed to where it is defined, so a mod.rs that re-exports its children ties
     an importer to the child, not to the mod.rs. A glob (`pub use x::*`) is searched
     too. A name found nowhere points at the file (the safe side).
   - The re-exporting `use` itself is an edge like any other (parent -> child).
   - A path naming a module itself (`use crate::a::b;`) makes `b` a name for it; the
     paths written through `b::` make the edges. A glob import (`use super::*`) points at
     that module's file.
   - Paths to other crates (std, bollard, swarmtop_model, ...) are not followed.
   Every group of files that reach each other is reported, with each import inside it
   (file:line and the names) and one cycle through it.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# Bottom to top; each crate names what it may use. A crate may also use whatever those may
# use. Crates not yet in the workspace are fine to list.
LAYERS: dict[str, list[str]] = {
    "swarmtop-model": [],
    "swarmtop-settings": [],
    "swarmtop-sim": [],
    "swarmtop-ops": ["swarmtop-model"],
    "swarmtop-compose": ["swarmtop-model", "swarmtop-settings"],
    "swarmtop-engine": ["swarmtop-model", "swarmtop-settings"],
    "swarmtop-app": ["swarmtop-ops", "swarmtop-compose"],
    "swarmtop-ui": ["swarmtop-app"],
    # the binary and what is not split out yet: on top
    "swarmtop": [
        "swarmtop-model",
        "swarmtop-settings",
        "swarmtop-sim",
        "swarmtop-ops",
        "swarmtop-compose",
        "swarmtop-engine",
        "swarmtop-app",
        "swarmtop-ui",
    ],
}
# Any crate may use these in its tests (they depend on no swarmtop crate, so no cycle).
TEST_TOOLS = {"swarmtop-sim"}

DEP_TABLES = ("dependencies", "build-dependencies", "dev-dependencies")


def allowed_below(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
    out: set[str] = set()
    for d in LAYERS.get(name, []):
        if d in seen:
            continue  # a cycle in LAYERS itself: --self-test catches it
        out.add(d)
        out |= allowed_below(d, seen | {name})
    return out


def check_crates(root: Path) -> tuple[list[str], list[tuple[str, Path]]]:
    """Errors, and (package name, directory) of every workspace member."""
    errors: list[str] = []
    ws = tomllib.loads((root / "Cargo.toml").read_text())
    members = ws.get("workspace", {}).get("members", ["."])
    pkgs: list[tuple[str, Path, dict]] = []
    for m in members:
        d = (root / m).resolve()
        t = tomllib.loads((d / "Cargo.toml").read_text())
        pkgs.append((t["package"]["name"], d, t))
    ours = {name for name, _, _ in pkgs}
    for name, d, t in pkgs:
        where = os.path.relpath(d / "Cargo.toml", root)
        if name not in LAYERS:
            errors.append(f"{where}: crate {name} is not in LAYERS of scripts/check_layers.py: place it")
            continue
        may = allowed_below(name)
        tables = [(k, t.get(k, {})) for k in DEP_TABLES]
        for target, tt in t.get("target", {}).items():
            tables += [(f"target.{target}.{k}", tt.get(k, {})) for k in DEP_TABLES]
        for table, deps in tables:
            for key, spec in deps.items():
                dep = spec.get("package", key) if isinstance(spec, dict) else key
                if dep not in ours:
                    continue
                ok = dep in may or (table.endswith("dev-dependencies") and dep in TEST_TOOLS)
                if not ok:
                    errors.append(
                        f"{where}: [{table}] {name} -> {dep}: not below it "
                        f"({name} may use {', '.join(sorted(may)) or 'no swarmtop crate'})"
                    )
    return errors, [(n, d) for n, d, _ in pkgs]


# ---------------------------------------------------------------- Rust source, roughly lexed


def blank(text: str) -> str:
    """The text with comments and the insides of string and char literals as spaces, so
    that braces and paths found in it are code. Newlines are kept (line numbers hold)."""
    out = list(text)
    i, n = 0, len(text)

    def wipe(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            wipe(i, j)
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            wipe(i, j)
            i = j
        elif (m := re.compile(r'b?r(#*)"').match(text, i)) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = text.find('"' + m.group(1), m.end())
            end = n if end < 0 else end + 1 + len(m.group(1))
            wipe(m.end(), end - 1 - len(m.group(1)))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            wipe(i + 1, j)
            i = j + 1
        elif c == "'":
            # a char literal ('a', '\n', '\u{1F600}', '\''), else a lifetime or label
            m = re.compile(r"'(\\(u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'").match(text, i)
            if m:
                wipe(i + 1, m.end() - 1)
                i = m.end()
            else:
                i += 1
        else:
            i += 1
    return "".join(out)


def match_brace(code: str, open_at: int) -> int:
    """Index just past the `}` closing the `{` at open_at (code is blanked)."""
    depth = 0
    for k in range(open_at, len(code)):
        if code[k] == "{":
            depth += 1
        elif code[k] == "}":
            depth -= 1
            if depth == 0:
                return k + 1
    return len(code)


CFG_TEST = re.compile(r"#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\]")
ATTR = re.compile(r"\s*#\s*\[")


def strip_tests(code: str) -> str:
    """Blanks every item marked #[cfg(test)] (to its `;` or its closing brace)."""
    out = list(code)
    pos = 0
    while m := CFG_TEST.search(code, pos):
        j = m.end()
        while a := ATTR.match(code, j):  # further attributes of the same item
            depth, k = 0, a.end() - 1
            while k < len(code):
                if code[k] == "[":
                    depth += 1
                elif code[k] == "]":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            j = k + 1
        k = j
        while k < len(code) and code[k] not in ";{":
            k += 1
        end = k + 1 if k < len(code) and code[k] == ";" else match_brace(code, k)
        for x in range(m.start(), min(end, len(code))):
            if out[x] != "\n":
                out[x] = " "
        pos = end
    return "".join(out)


def depth_map(code: str) -> list[int]:
    d, out = 0, []
    for c in code:
        if c == "}":
            d -= 1
        out.append(d)
        if c == "{":
            d += 1
    return out


ITEM = re.compile(
    r"(?m)(?:^|(?<=[;}{\s]))(?:pub\s*(?:\([^)]*\))?\s+)?(?:(?:async|const|unsafe|extern\s*(?:\"[^\"]*\"|\s))\s+)*"
    r"(fn|struct|enum|trait|type|const|static|union|mod)\s+(?:mut\s+)?([A-Za-z_]\w*)"
)
MACRO_RULES = re.compile(r"macro_rules!\s*([A-Za-z_]\w*)")
MOD_DECL = re.compile(r"(?:pub\s*(?:\([^)]*\))?\s+)?mod\s+([A-Za-z_]\w*)\s*;")
INLINE_MOD = re.compile(r"(?:pub\s*(?:\([^)]*\))?\s+)?mod\s+([A-Za-z_]\w*)\s*\{")
PATH_ATTR = re.compile(r'#\s*\[\s*path\s*=\s*"([^"]*)"\s*\]\s*$')
USE = re.compile(r"(?<![\w:])use\s+([^;]*);")
CODE_PATH = re.compile(r"(?<![\w:])((?:[A-Za-z_]\w*::)+[A-Za-z_]\w*)")
KEYWORDS = {"crate", "super", "self"}


def parse_use_tree(src: str) -> list[tuple[list[str], str | None]]:
    """`use` tree -> [(full path, local name or None for a glob)]; a path ending in `self`
    is the module itself."""
    toks = re.findall(r"::|[{},*]|[A-Za-z_]\w*", src)
    pos = 0
    out: list[tuple[list[str], str | None]] = []

    def tree(prefix: list[str]) -> None:
        nonlocal pos
        path = list(prefix)
        if pos < len(toks) and toks[pos] == "::":  # `use ::std::x` (another crate)
            pos += 1
            path.append("::")
        while pos < len(toks):
            t = toks[pos]
            if t == "{":
                pos += 1
                while pos < len(toks) and toks[pos] != "}":
                    if toks[pos] == ",":
                        pos += 1
                        continue
                    tree(path)
                pos += 1
                return
            if t == "*":
                pos += 1
                out.append((path, None))
                return
            if t in (",", "}"):
                return
            if t == "::":
                pos += 1
                continue
            path.append(t)
            pos += 1
            if pos < len(toks) and toks[pos] == "::":
                continue
            local = t
            if pos + 1 < len(toks) and toks[pos] == "as":
                local = toks[pos + 1]
                pos += 2
            if path[-1] == "self":
                path.pop()
                if local == "self":
                    local = path[-1] if path else "self"
            out.append((path, local))
            return

    tree([])
    return out


# ---------------------------------------------------------------- one crate's modules


@dataclass
class File:
    rel: str  # path for messages
    mod: tuple[str, ...]  # module path from the crate root
    code: str  # blanked, tests stripped
    children: dict[str, tuple[str, ...]] = field(default_factory=dict)
    defines: set[str] = field(default_factory=set)
    # local name -> (absolute path or None for another crate, line)
    imports: dict[str, tuple[tuple[str, ...] | None, int]] = field(default_factory=dict)
    globs: list[tuple[str, ...]] = field(default_factory=list)
    uses: list[tuple[int, tuple[int, int], list[str]]] = field(default_factory=list)


def is_test_file(path: str) -> bool:
    base = path.rsplit("/", 1)[-1]
    return base == "tests.rs" or base.endswith("_tests.rs")


class CrateModules:
    """The files of one crate from `root` (a path in `files`: rel path -> text)."""

    def __init__(self, files: dict[str, str], root: str):
        self.src = files
        self.files: dict[tuple[str, ...], File] = {}
        self.load(root, ())
        for f in self.files.values():
            self.scan(f)

    def load(self, rel: str, mod: tuple[str, ...]) -> None:
        if rel not in self.src or is_test_file(rel) or mod in self.files:
            return
        code = strip_tests(blank(self.src[rel]))
        f = File(rel, mod, code)
        self.files[mod] = f
        depth = depth_map(code)
        base = rel.rsplit("/", 1)[-1]
        d = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
        child_dir = d if base in ("mod.rs", "lib.rs", "main.rs") else d + base[: -len(".rs")] + "/"
        for m in MOD_DECL.finditer(code):
            if depth[m.start()] != 0:
                continue
            name = m.group(1)
            before = self.src[rel][: m.start()].rstrip()
            pa = PATH_ATTR.search(before)
            if pa:
                cands = [os.path.normpath(d + pa.group(1))]
            else:
                cands = [child_dir + name + ".rs", child_dir + name + "/mod.rs"]
            for c in cands:
                if c in self.src:
                    f.children[name] = mod + (name,)
                    self.load(c, mod + (name,))
                    break

    def scan(self, f: File) -> None:
        code = f.code
        depth = depth_map(code)
        for m in ITEM.finditer(code):
            if depth[m.start()] == 0:
                f.defines.add(m.group(2))
        for m in MACRO_RULES.finditer(code):
            f.defines.add(m.group(1))
        inline = [(m.start(), match_brace(code, m.end() - 1), m.group(1)) for m in INLINE_MOD.finditer(code)]

        def here(pos: int) -> tuple[str, ...]:
            # the module at pos: the file's, plus the inline modules around pos
            return f.mod + tuple(name for a, b, name in inline if a < pos < b)

        blanked = list(code)
        for m in USE.finditer(code):
            line = code.count("\n", 0, m.start()) + 1
            for path, local in parse_use_tree(m.group(1)):
                target = self.absolute(f, here(m.start()), path)
                if local is None:
                    if target is not None:
                        f.globs.append(target)
                        f.uses.append((line, (m.start(), m.end()), list(target) + ["*"]))
                    continue
                if depth[m.start()] == 0 or here(m.start()) != f.mod:
                    f.imports[local] = (target, line)
                if target is not None:
                    f.uses.append((line, (m.start(), m.end()), list(target)))
            for k in range(m.start(), m.end()):
                if blanked[k] != "\n":
                    blanked[k] = " "
        f.code_wo_use = "".join(blanked)  # type: ignore[attr-defined]

    def absolute(self, f: File, at: tuple[str, ...], path: list[str]) -> tuple[str, ...] | None:
        """A path as written in module `at` of file f -> a path from the crate root, or
        None for another crate's."""
        if not path or path[0] == "::":
            return None
        head = path[0]
        if head == "crate":
            return tuple(path[1:])
        if head in ("self", "super"):
            cur = list(at)
            for i, seg in enumerate(path):
                if seg == "self":
                    continue
                if seg == "super":
                    if not cur:
                        return None
                    cur.pop()
                    continue
                return tuple(cur) + tuple(path[i:])
            return tuple(cur)
        if head in f.children and at == f.mod:
            return f.children[head] + tuple(path[1:])
        if head in f.imports:
            base, _ = f.imports[head]
            return None if base is None else base + tuple(path[1:])
        return None

    def module_of(self, path: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(longest prefix with a file, the rest)."""
        for k in range(len(path), -1, -1):
            if path[:k] in self.files:
                return path[:k], path[k:]
        return (), path

    def resolve(self, path: tuple[str, ...], seen: frozenset = frozenset()) -> tuple[str, ...] | None:
        """The module (file) defining what path names; None for another crate's item."""
        mod, rest = self.module_of(path)
        if not rest:
            return mod
        f = self.files[mod]
        name = rest[0]
        if name in f.defines or (mod, name) in seen:
            return mod
        seen = seen | {(mod, name)}
        if name in f.imports:
            target, _ = f.imports[name]
            if target is None:
                return mod  # another crate's, through this file: the importer needs this file
            return self.resolve(target + rest[1:], seen)
        for g in f.globs:
            r = self.resolve(g + rest, seen)
            if r is not None and r != g:
                return r
            if r == g and name in self.files[self.module_of(g)[0]].defines:
                return r
        return mod

    def edges(self) -> dict[tuple[str, str], list[tuple[int, str]]]:
        """(from file, to file) -> [(line, name)]."""
        out: dict[tuple[str, str], list[tuple[int, str]]] = {}

        def add(f: File, line: int, path: tuple[str, ...], glob: bool = False) -> None:
            mod, rest = self.module_of(path)
            target = mod if glob else self.resolve(path)
            if target is None or target == f.mod or target not in self.files:
                return
            name = "*" if glob else (rest[0] if rest else (path[-1] if path else "crate"))
            out.setdefault((f.rel, self.files[target].rel), []).append((line, name))

        for f in self.files.values():
            for line, _, path in f.uses:
                if path and path[-1] == "*":
                    add(f, line, tuple(path[:-1]), glob=True)
                elif self.module_of(tuple(path))[1]:
                    add(f, line, tuple(path))
                # a module named by itself: its uses through the name are below
            code = f.code_wo_use  # type: ignore[attr-defined]
            inline = [(m.start(), match_brace(code, m.end() - 1), m.group(1)) for m in INLINE_MOD.finditer(code)]
            for m in CODE_PATH.finditer(code):
                segs = m.group(1).split("::")
                at = f.mod + tuple(name for a, b, name in inline if a < m.start() < b)
                if segs[0] not in KEYWORDS and segs[0] not in f.children and segs[0] not in f.imports:
                    continue
                p = self.absolute(f, at, segs)
                if p is None:
                    continue
                line = code.count("\n", 0, m.start()) + 1
                add(f, line, p)
        return out


def cycles(edges: dict[tuple[str, str], list[tuple[int, str]]]) -> list[list[str]]:
    """Strongly connected groups of more than one file (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            g = []
            while True:
                w = stack.pop()
                on.discard(w)
                g.append(w)
                if w == v:
                    break
            if len(g) > 1:
                groups.append(sorted(g))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def one_cycle(group: list[str], edges) -> list[str]:
    """A shortest cycle through the group's first file (breadth first)."""
    start = group[0]
    inside = set(group)
    prev: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for (a, b) in edges:
                if a != v or b not in inside:
                    continue
                if b == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return [start] + list(reversed(path[:-1])) + [start]
                if b not in prev:
                    prev[b] = v
                    nxt.append(b)
        frontier = nxt
    return group


def report(label: str, edges, groups: list[list[str]]) -> list[str]:
    lines = []
    for g in groups:
        lines.append(f"{label}: import cycle among {len(g)} files: {' -> '.join(one_cycle(g, edges))}")
        inside = set(g)
        for (a, b), refs in sorted(edges.items()):
            if a in inside and b in inside:
                names: dict[str, list[int]] = {}
                for line, name in refs:
                    names.setdefault(name, []).append(line)
                said = ", ".join(f"{n} (line {', '.join(map(str, sorted(set(ls))))})" for n, ls in sorted(names.items()))
                lines.append(f"    {a} -> {b}: {said}")
    return lines


def check_modules(root: Path, pkgs: list[tuple[str, Path]]) -> list[str]:
    problems: list[str] = []
    for name, d in pkgs:
        src = d / "src"
        files = {}
        for p in src.rglob("*.rs"):
            files[p.relative_to(d).as_posix()] = p.read_text()
        for crate_root in ("src/lib.rs", "src/main.rs"):
            if crate_root in files:
                cm = CrateModules(files, crate_root)
                e = cm.edges()
                rel = os.path.relpath(d, root)
                prefixed = {(os.path.normpath(f"{rel}/{a}"), os.path.normpath(f"{rel}/{b}")): v for (a, b), v in e.items()}
                problems += report(f"{name} ({crate_root})", prefixed, cycles(prefixed))
    return problems


# ---------------------------------------------------------------- self-test


def self_test() -> None:
    def run(files: dict[str, str]) -> list[list[str]]:
        return cycles(CrateModules(files, "src/lib.rs").edges())

    # a mod.rs that re-exports its children makes no cycle; a real one is found
    files = {
        "src/lib.rs": "pub mod engine;\n",
        "src/engine/mod.rs": "pub mod a;\npub mod b;\npub use a::Alpha;\npub use b::{Beta, beta_fn};\n",
        "src/engine/a.rs": "use crate::engine::Beta;\npub struct Alpha;\nfn f(_: Beta) {}\n",
        "src/engine/b.rs": "pub struct Beta;\npub fn beta_fn() {}\n",
    }
    assert run(files) == [], run(files)
    files["src/engine/b.rs"] += "fn g() { let _ = super::Alpha; }\n"
    assert run(files) == [["src/engine/a.rs", "src/engine/b.rs"]], run(files)
    # ... but not from a test module, a test file, a comment or a string
    files["src/engine/b.rs"] = (
        "pub struct Beta;\npub fn beta_fn() {}\n// super::Alpha\nconst S: &str = \"crate::engine::a::Alpha\";\n"
        "#[cfg(test)]\nmod tests {\n    use crate::engine::a::Alpha;\n    fn t() { let _ = '{'; }\n}\n"
        "#[cfg(test)]\n#[path = \"b_tests.rs\"]\nmod more;\n"
    )
    files["src/engine/b_tests.rs"] = "use crate::engine::a::Alpha;\n"
    assert run(files) == [], run(files)
    # a name defined in the mod.rs itself ties a child to it; longest module path wins
    files = {
        "src/lib.rs": "mod t;\nmod e;\n",
        "src/t/mod.rs": "mod raw;\npub use raw::send;\npub const TIMEOUT: u64 = 1;\n",
        "src/t/raw.rs": "pub fn send() -> u64 { crate::e::code() }\n",
        "src/e.rs": "use crate::t::send as s;\npub fn code() -> u64 { 1 }\n",
    }
    assert run(files) == [["src/e.rs", "src/t/raw.rs"]], run(files)
    files["src/t/raw.rs"] = "pub fn send() -> u64 { super::TIMEOUT }\n"
    assert run(files) == [["src/t/mod.rs", "src/t/raw.rs"]], run(files)
    # another crate's item re-exported by a sibling ties the importer to that sibling
    files = {
        "src/lib.rs": "mod a;\nmod b;\n",
        "src/a.rs": "pub use other::Intervals;\nuse crate::b::f;\n",
        "src/b.rs": "use super::a::Intervals;\npub fn f() {}\n",
    }
    assert run(files) == [["src/a.rs", "src/b.rs"]], run(files)
    # a module brought in by `use` ties through the names used on it; globs too
    files = {
        "src/lib.rs": "mod a;\nmod b;\n",
        "src/a.rs": "use crate::b;\npub fn fa() { b::fb(); }\n",
        "src/b.rs": "use super::a::*;\npub fn fb() {}\n",
    }
    assert run(files) == [["src/a.rs", "src/b.rs"]], run(files)
    # lexing: raw strings, lifetimes, nested comments
    code = blank("fn f<'a>(x: &'a str) { r#\"crate::x\"#; /* /* crate::y */ */ '\\''; }")
    assert "crate" not in code and "'a" in code, code
    # the layers are a ladder: no crate may reach itself; what is below is below transitively
    for name in LAYERS:
        assert name not in allowed_below(name), name
    assert "swarmtop-model" in allowed_below("swarmtop-ui")
    assert "swarmtop-engine" not in allowed_below("swarmtop-app")
    # a workspace whose model depends upwards, and a member not placed
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        root = Path(d)

        def crate(path: str, name: str, deps: str) -> None:
            (root / path).mkdir(parents=True, exist_ok=True)
            (root / path / "Cargo.toml").write_text(f'[package]\nname = "{name}"\n{deps}')

        crate(".", "swarmtop", '[workspace]\nmembers = [".", "m", "e", "x"]\n')
        crate("m", "swarmtop-model", '[dependencies]\nswarmtop-engine = { path = "../e" }\n')
        crate("e", "swarmtop-engine", '[dev-dependencies]\nswarmtop-sim = "1"\n[target.\'cfg(unix)\'.dependencies]\nmodel = { package = "swarmtop-model", path = "../m" }\n')
        crate("x", "swarmtop-extra", "")
        errors, _ = check_crates(root)
        assert len(errors) == 2 and "swarmtop-model -> swarmtop-engine" in errors[0] and "swarmtop-extra" in errors[1], errors
    print("check_layers: self-test passed")


def main(argv: list[str]) -> int:
    if "--self-test" in argv:
        self_test()
        return 0
    root = Path(__file__).resolve().parent.parent
    errors, pkgs = check_crates(root)
    errors += check_modules(root, pkgs)
    if errors:
        print("\n".join(errors))
        print(f"check_layers: {sum(1 for e in errors if not e.startswith(' '))} problem(s); the rules are in scripts/check_layers.py")
        return 1
    print(f"check_layers: {len(pkgs)} crates, dependencies one way, no import cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
