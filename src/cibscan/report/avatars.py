"""Profile images for the report, re-encoded so that a hostile file cannot ride along.

An image is embedded only after Pillow decoded it and wrote a fresh small PNG: whatever the
original file held (SVG with script, polyglots, huge dimensions, metadata) never reaches the
report, only pixels. Files are looked up by account id (``FOLDER/<account_id>.<ext>``, the
layout ``cibscan ingest --images`` and the simulator use).
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterable

__all__ = ["AVATAR_PIXELS", "IMAGE_EXTENSIONS", "avatar_data_uri", "load_avatars"]

#: Side of the embedded thumbnail, in pixels (shown at 72 px; 96 keeps it sharp on HiDPI).
AVATAR_PIXELS = 96
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp")
#: Files larger than this are not decoded (a decompression bomb is not worth an avatar).
MAX_IMAGE_BYTES = 8 * 2**20


def avatar_data_uri(path: str) -> str | None:
    """A ``data:image/png;base64,...`` thumbnail of the image at ``path``, or ``None`` when it
    is not an image Pillow can read (or Pillow is not installed)."""
    try:
        from PIL import Image
    except ImportError:  # images are an optional extra
        return None
    try:
        if os.path.getsize(path) > MAX_IMAGE_BYTES:
            return None
        with Image.open(path) as im:
            im.thumbnail((AVATAR_PIXELS, AVATAR_PIXELS))
            out = io.BytesIO()
            im.convert("RGBA" if im.mode in ("RGBA", "LA", "P") else "RGB").save(out, format="PNG", optimize=True)
    except Exception:  # not an image, truncated, bomb: no avatar rather than no report
        return None
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def load_avatars(folder: str | None, account_ids: Iterable[str]) -> dict[str, str]:
    """``{account_id: data URI}`` for the accounts that have an image in ``folder``."""
    if not folder or not os.path.isdir(folder):
        return {}
    by_stem: dict[str, str] = {}
    for name in os.listdir(folder):
        stem, ext = os.path.splitext(name)
        if ext.lower() in IMAGE_EXTENSIONS:
            by_stem.setdefault(stem, os.path.join(folder, name))
    out = {}
    for acc in account_ids:
        path = by_stem.get(str(acc))
        if path and (uri := avatar_data_uri(path)):
            out[str(acc)] = uri
    return out
