# SPDX-License-Identifier: GPL-2.0
"""Headless Chromium for the chart tests: render a page to a PNG or to its
DOM, and read the PNG's pixels (zlib only, so no imaging library is needed).
Debian's `chromium` package (scripts/install-deps installs it)."""
import os
import shutil
import struct
import subprocess
import tempfile
import zlib

# No first-run work, no background traffic of the browser's own: the page's
# requests (there must be none) are then the only ones.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Every host name resolves to nothing: a page that needs the network breaks
OFFLINE = ["--host-resolver-rules=MAP * ~NOTFOUND"]


def binary():
    return shutil.which("chromium")


def run(page, args, offline=False, timeout=120):
    """Run chromium on file `page` with `args`; the CompletedProcess."""
    with tempfile.TemporaryDirectory(prefix="iotrace-chromium-") as profile:
        cmd = [binary(), *FLAGS, *(OFFLINE if offline else []), f"--user-data-dir={profile}",
               *args, "file://" + os.path.abspath(page)]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)


def screenshot(page, png, width=1000, height=1400, offline=False):
    r = run(page, [f"--screenshot={png}", f"--window-size={width},{height}"], offline)
    assert r.returncode == 0 and os.path.getsize(png) > 0, r.stderr[-2000:]


def dump_dom(page, offline=False):
    """The DOM as the browser parsed it, serialised."""
    r = run(page, ["--dump-dom"], offline)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _unfilter(kind, line, prev, bpp):
    if kind == 0:
        return line
    if kind == 2:
        return bytearray((x + y) & 0xff for x, y in zip(line, prev))
    out = bytearray(line)
    for i in range(len(out)):
        a = out[i - bpp] if i >= bpp else 0
        if kind == 1:
            out[i] = (out[i] + a) & 0xff
        elif kind == 3:
            out[i] = (out[i] + ((a + prev[i]) >> 1)) & 0xff
        else:
            c = prev[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + _paeth(a, prev[i], c)) & 0xff
    return out


def read_png(path):
    """(width, height, pixels): pixels[y][x] is an (r, g, b) tuple. Reads the
    8-bit RGB or RGBA, non-interlaced PNGs that Chromium writes."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and not interlace, (depth, colour, interlace)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        line = _unfilter(raw[start], bytearray(raw[start + 1:start + 1 + stride]), prev, bpp)
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return width, height, rows
