"""The report server's index pages: the reports directory's folders (one per model), and a
folder's reports, newest first. What `serve-reports` prints as its address answers with this."""

import html
from pathlib import Path
from urllib.parse import quote

SERVED = (".html", ".json")


def _page(title: str, items: list[str]) -> bytes:
    rows = "".join(f"<li>{item}</li>" for item in items) or "<li>no reports kept yet</li>"
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'\">"
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1><ul>{rows}</ul></body></html>"
    ).encode()


def _link(href: str, text: str, note: str = "") -> str:
    return f'<a href="{quote(href)}">{html.escape(text)}</a>{html.escape(note)}'


def index(root: Path) -> bytes:
    """The folders under the root, each with how many reports it holds."""
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink())
    items = []
    for folder in folders:
        count = sum(1 for f in folder.iterdir() if f.suffix in SERVED and f.is_file())
        items.append(_link(f"{folder.name}/", folder.name, f" ({count} reports)"))
    return _page("driftboard reports", items)


def folder_index(folder: Path) -> bytes:
    """A folder's reports, newest first (their names are their windows' ends, or ISO weeks)."""
    files = sorted((f for f in folder.iterdir() if f.suffix in SERVED and f.is_file()), reverse=True)
    return _page(f"driftboard reports: {folder.name}", [_link(f.name, f.name) for f in files])
