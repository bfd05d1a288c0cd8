#!/usr/bin/env python3
"""Lets TorchSharp-cpu 0.107.0's libLibTorchSharp.so load on a libstdc++ older than GCC 13 (Debian 12).

The library lists GLIBCXX_3.4.32 among its version needs only for std::ios_base_library_init, a symbol it
references but is never relocated against. The dynamic loader refuses a library whose version need is
missing unless the need is marked weak (VER_FLG_WEAK), so this script sets that flag on the one
.gnu.version_r entry, in place, in the copies under the build output it is given. It never touches the
NuGet cache. Idempotent: an entry already weak is left alone.

Usage: weaken_glibcxx.py <build output folder> [version, default GLIBCXX_3.4.32]
"""
import os
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def weaken(path, version):
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit(f"{path}: not a 64-bit little-endian ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = []
        for i in range(shnum):
            base = shoff + i * shentsize
            _name, stype, _flags, _addr, offset, size, link, info = struct.unpack_from("<IIQQQQII", data, base)
            sections.append((stype, offset, size, link, info))
        changed = 0
        for stype, offset, _size, link, count in sections:
            if stype != SHT_GNU_VERNEED:
                continue
            strtab = sections[link][1]
            need = offset
            for _ in range(count):
                _ver, cnt, _file, aux, nxt = struct.unpack_from("<HHIII", data, need)
                entry = need + aux
                for _ in range(cnt):
                    _hash, flags, _other, name, anext = struct.unpack_from("<IHHII", data, entry)
                    end = data.index(0, strtab + name)
                    if data[strtab + name:end].decode() == version and not flags & VER_FLG_WEAK:
                        struct.pack_into("<H", data, entry + 4, flags | VER_FLG_WEAK)
                        changed += 1
                    entry += anext
                need += nxt
        if changed:
            f.seek(0)
            f.write(data)
        return changed


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    root = sys.argv[1]
    version = sys.argv[2] if len(sys.argv) > 2 else "GLIBCXX_3.4.32"
    found = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name == "libLibTorchSharp.so":
                path = os.path.join(folder, name)
                found += 1
                n = weaken(path, version)
                print(f"weaken_glibcxx: {path}: {'marked ' + version + ' weak' if n else 'already loadable'}")
    if not found:
        print(f"weaken_glibcxx: no libLibTorchSharp.so under {root}")


if __name__ == "__main__":
    main()
