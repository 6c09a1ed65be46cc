#!/usr/bin/env python3
"""Checks that an ELF binary needs nothing newer than a given glibc (issue 20: a swarmtop that runs
on any Linux manager, glibc 2.17 and later).

    scripts/check_glibc.py BINARY [--max 2.17]
    scripts/check_glibc.py --self-test [REAL_BINARY]

The dynamic loader refuses to start a program whose version needs (the ELF section
.gnu.version_r: "from libc.so.6 I need GLIBC_2.34") name a version its libc does not have, so
these needs are what decide where a binary runs. They are read here from the file itself (no
binutils needed), with the symbols that ask for each version (.dynsym and .gnu.version), and
every GLIBC_x.y newer than --max is named with its symbols; exit 1 then. A need marked weak
(VER_FLG_WEAK: only weak symbols ask for it) does not stop the loader and is listed apart.

--self-test checks the reader on an ELF file it builds in memory (a need above the floor, one at
it, a weak one), and, given a real binary, compares what it reads with `objdump -T` when binutils
is there.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field

SHT_GNU_VERNEED = 0x6FFFFFFE
SHT_GNU_VERSYM = 0x6FFFFFFF
SHT_DYNSYM = 11
VER_FLG_WEAK = 0x2


@dataclass
class Need:
    library: str
    version: str
    weak: bool
    symbols: list[str] = field(default_factory=list)


class NotElf(Exception):
    pass


def _cstr(data: bytes, at: int) -> str:
    end = data.find(b"\0", at)
    if end < 0:
        raise NotElf(f"a string at {at} runs past the end of the file")
    return data[at:end].decode("utf-8", "replace")


def read_needs(data: bytes) -> list[Need]:
    """Every version need of a 64-bit little-endian ELF file, with the symbols asking for it."""
    if data[:4] != b"\x7fELF":
        raise NotElf("not an ELF file")
    if data[4] != 2 or data[5] != 1:
        raise NotElf("only 64-bit little-endian ELF files are read (swarmtop's Linux targets)")
    try:
        (shoff,) = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [
            struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
        ]
    except struct.error as e:
        raise NotElf(f"truncated section headers: {e}") from None

    def body(s: tuple) -> bytes:
        return data[s[4] : s[4] + s[5]]

    verneed = [s for s in sections if s[1] == SHT_GNU_VERNEED]
    if not verneed:
        return []  # static, or no versioned libc symbols at all
    vn = verneed[0]
    strtab = body(sections[vn[6]])  # sh_link: the dynamic string table
    table = body(vn)
    needs: dict[int, Need] = {}  # vna_other (the index .gnu.version uses) -> need
    at = 0
    for _ in range(vn[7] or 1 << 16):  # sh_info: the number of entries
        _ver, cnt, file_, aux, nxt = struct.unpack_from("<HHIII", table, at)
        library = _cstr(strtab, file_)
        a = at + aux
        for _ in range(cnt):
            _hash, flags, other, name, anext = struct.unpack_from("<IHHII", table, a)
            needs[other] = Need(library, _cstr(strtab, name), bool(flags & VER_FLG_WEAK))
            if anext == 0:
                break
            a += anext
        if nxt == 0:
            break
        at += nxt

    versym = [s for s in sections if s[1] == SHT_GNU_VERSYM]
    dynsym = [s for s in sections if s[1] == SHT_DYNSYM]
    if versym and dynsym:
        syms, vers = body(dynsym[0]), body(versym[0])
        names = body(sections[dynsym[0][6]])
        for i in range(min(len(syms) // 24, len(vers) // 2)):
            (idx,) = struct.unpack_from("<H", vers, 2 * i)
            need = needs.get(idx & 0x7FFF)
            if need is not None:
                (st_name,) = struct.unpack_from("<I", syms, 24 * i)
                need.symbols.append(_cstr(names, st_name))
    return list(needs.values())


def glibc_version(name: str) -> tuple[int, ...] | None:
    if not name.startswith("GLIBC_"):
        return None  # GLIBC_PRIVATE, GCC_3.0, ...
    try:
        return tuple(int(p) for p in name[len("GLIBC_") :].split("."))
    except ValueError:
        return None


def too_new(needs: list[Need], floor: tuple[int, ...]) -> list[Need]:
    return [n for n in needs if (v := glibc_version(n.version)) is not None and v > floor]


def check(path: str, floor_text: str) -> int:
    floor = tuple(int(p) for p in floor_text.split("."))
    try:
        with open(path, "rb") as f:
            needs = read_needs(f.read())
    except (OSError, NotElf) as e:
        print(f"check_glibc: {path}: {e}", file=sys.stderr)
        return 2
    newest = max(
        (v for n in needs if not n.weak and (v := glibc_version(n.version))), default=None
    )
    bad = [n for n in too_new(needs, floor) if not n.weak]
    weak = [n for n in too_new(needs, floor) if n.weak]
    for n in weak:
        print(
            f"check_glibc: {path}: weak need {n.version} ({', '.join(n.symbols) or 'no symbol'}): "
            "the loader does not require it"
        )
    if bad:
        print(
            f"check_glibc: {path} needs a glibc newer than {floor_text}; it would not start on one:",
            file=sys.stderr,
        )
        for n in sorted(bad, key=lambda n: glibc_version(n.version) or ()):
            print(
                f"  {n.version} from {n.library}: {', '.join(sorted(n.symbols)) or 'no symbol'}",
                file=sys.stderr,
            )
        return 1
    shown = "GLIBC_" + ".".join(map(str, newest)) if newest else "no versioned glibc symbol"
    print(f"check_glibc: {path}: newest glibc needed is {shown} (floor {floor_text}): ok")
    return 0


# --- self-test --------------------------------------------------------------------------------


def _fake_elf(needs: list[tuple[str, int, list[str]]]) -> bytes:
    """An ELF64 file holding only .dynstr, .dynsym, .gnu.version and .gnu.version_r, with one
    library (libc.so.6) needing each (version, flags, symbols)."""
    strtab = bytearray(b"\0")

    def s(text: str) -> int:
        at = len(strtab)
        strtab.extend(text.encode() + b"\0")
        return at

    lib = s("libc.so.6")
    aux = bytearray()
    for i, (version, flags, _) in enumerate(needs):
        last = i == len(needs) - 1
        aux += struct.pack("<IHHII", 0, flags, 2 + i, s(version), 0 if last else 16)
    verneed = struct.pack("<HHIII", 1, len(needs), lib, 16, 0) + aux
    dynsym = bytearray(24)  # the null symbol
    versym = bytearray(struct.pack("<H", 0))
    for i, (_, _, symbols) in enumerate(needs):
        for sym in symbols:
            dynsym += struct.pack("<IBBHQQ", s(sym), 0x12, 0, 0, 0, 0)
            versym += struct.pack("<H", 2 + i)
    blobs = [bytes(strtab), bytes(dynsym), bytes(versym), verneed]
    offsets, at = [], 64
    for b in blobs:
        offsets.append(at)
        at += len(b)
    shoff = at
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<Q", header, 0x28, shoff)
    struct.pack_into("<HH", header, 0x3A, 64, 5)
    # section 0 is null; 1 .dynstr; 2 .dynsym (link 1); 3 .gnu.version; 4 .gnu.version_r (link 1)
    shdrs = bytes(64)
    kinds = [(3, 0, 0), (SHT_DYNSYM, 1, 1), (SHT_GNU_VERSYM, 2, 0), (SHT_GNU_VERNEED, 1, 1)]
    for (kind, link, info), off, b in zip(kinds, offsets, blobs):
        shdrs += struct.pack("<IIQQQQIIQQ", 0, kind, 0, 0, off, len(b), link, info, 0, 0)
    return bytes(header) + b"".join(blobs) + shdrs


def self_test(real: str | None) -> int:
    elf = _fake_elf(
        [
            ("GLIBC_2.2.5", 0, ["memcpy", "write"]),
            ("GLIBC_2.17", 0, ["clock_gettime"]),
            ("GLIBC_2.34", 0, ["__libc_start_main"]),
            ("GLIBC_2.18", VER_FLG_WEAK, ["__cxa_thread_atexit_impl"]),
        ]
    )
    needs = read_needs(elf)
    got = {(n.version, n.weak, tuple(n.symbols)) for n in needs}
    want = {
        ("GLIBC_2.2.5", False, ("memcpy", "write")),
        ("GLIBC_2.17", False, ("clock_gettime",)),
        ("GLIBC_2.34", False, ("__libc_start_main",)),
        ("GLIBC_2.18", True, ("__cxa_thread_atexit_impl",)),
    }
    assert got == want, f"read {got}, expected {want}"
    over = {n.version for n in too_new(needs, (2, 17))}
    assert over == {"GLIBC_2.34", "GLIBC_2.18"}, over
    assert glibc_version("GLIBC_2.2.5") == (2, 2, 5) and (2, 2, 5) < (2, 17)
    assert glibc_version("GLIBC_PRIVATE") is None
    try:
        read_needs(b"#!/bin/sh\n")
        raise AssertionError("a script read as ELF")
    except NotElf:
        pass
    if real:
        with open(real, "rb") as f:
            mine = {n.version for n in read_needs(f.read())}
        if shutil.which("objdump"):
            out = subprocess.run(
                ["objdump", "-T", real], capture_output=True, text=True, check=True
            ).stdout
            theirs = {
                w.strip("()")
                for line in out.splitlines()
                for w in line.split()
                if w.strip("()").startswith(("GLIBC_", "GCC_"))
            }
            assert theirs <= mine, f"objdump -T names {sorted(theirs - mine)}, not read here"
            print(f"check_glibc self-test: {real}: the same versions as objdump -T")
    print("check_glibc self-test: ok")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--self-test"]:
        return self_test(argv[1] if len(argv) > 1 else None)
    floor = "2.17"
    args = list(argv)
    if "--max" in args:
        i = args.index("--max")
        if i + 1 >= len(args):
            print("check_glibc: --max needs a version, e.g. --max 2.17", file=sys.stderr)
            return 2
        floor = args[i + 1]
        del args[i : i + 2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    return check(args[0], floor)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
