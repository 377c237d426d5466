"""Headless Chromium for the report tests: a screenshot, and what the page said on its console.

A missing Chromium fails the tests that need it (apt-get install -y --no-install-recommends
chromium); it never skips them.
"""

import re
import shutil
import struct
import subprocess
from pathlib import Path

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--hide-scrollbars",
    "--enable-logging=stderr", "--v=0",  # the page's console messages, errors included, on stderr
]  # fmt: skip
CONSOLE = re.compile(r":CONSOLE[^\]]*\] (.*)")


def binary() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "chromium is missing: apt-get install -y --no-install-recommends chromium"
    return path


def screenshot(page: Path, png: Path, width: int, height: int, profile: Path) -> list[str]:
    """Render `page` to `png` at width × height; return the page's console messages."""
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    command = [binary(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]
    command += [f"--screenshot={png}", page.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert png.is_file(), done.stderr[-2000:]
    return CONSOLE.findall(done.stderr)


def png_size(png: Path) -> tuple[int, int]:
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", png
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def dump_dom(page: Path, profile: Path) -> str:
    """The page's DOM as Chromium built it (after parsing, styles and SVG)."""
    command = [binary(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
