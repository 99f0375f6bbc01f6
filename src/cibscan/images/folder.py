"""Hash a folder of avatar or media images into the workspace (``cibscan ingest --images``).

Files are keyed by their name without extension (``avatars/123456.png`` -> ``123456``): an
account id for avatars, a post id or media file name for media. With ``kind="auto"`` a file
whose stem is an account id is an avatar, any other a media image. The hashes land in the
workspace table ``image_hashes`` and in the canonical columns (``accounts.avatar_hash``,
``posts.media_hashes``) through ``Workspace.add_image_hashes``. A file that is not a readable
image goes to ``rejects`` with its reason; the run carries on. Hashing the same folder content
again adds nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa

from ..errors import InputNotFoundError, ParameterError
from .hashing import ImageError, hash_image

__all__ = ["IMAGE_EXTENSIONS", "IMAGE_HASHES_SCHEMA", "ImageIngestReport", "iter_image_files", "hash_folder", "ingest_images"]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff")
IMAGE_KINDS = ("auto", "avatar", "media")

#: Columns of the workspace table ``image_hashes`` (one row per hashed file).
IMAGE_HASHES_SCHEMA = pa.schema([
    ("id", pa.string()),             # file stem: account id, post id or media file name
    ("kind", pa.string()),           # avatar | media (decided when stored, for kind="auto")
    ("file", pa.string()),           # path as read
    ("pdq", pa.string()),            # 64 hex digits
    ("pdq_quality", pa.int64()),     # 0-100
    ("pdq_dihedral", pa.list_(pa.string())),  # the 8 dihedral variants (original first)
    ("phash", pa.string()),          # 16 hex digits
])


@dataclass
class ImageIngestReport:
    folder: str
    status: str  # "ingested" | "already ingested"
    files: int = 0
    hashed: int = 0
    avatars: int = 0
    media_posts: int = 0
    unmatched: int = 0
    rejects: int = 0
    reject_examples: list[str] = field(default_factory=list)


def iter_image_files(folder: str) -> list[str]:
    """Image files under ``folder`` (recursively, sorted; hidden files skipped)."""
    if not os.path.isdir(folder):
        raise InputNotFoundError(f"{folder}: no such folder of images")
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out.extend(os.path.join(root, f) for f in sorted(files)
                   if not f.startswith(".") and f.lower().endswith(IMAGE_EXTENSIONS))
    return out


def hash_folder(folder: str, progress: Callable[[int, int], None] | None = None) -> tuple[pa.Table, list[dict], str]:
    """Hash every image in ``folder``: the rows (``IMAGE_HASHES_SCHEMA``, ``kind`` unset),
    the rejects (``file``, ``reason``, ``detail``) and a content digest of the folder."""
    files = iter_image_files(folder)
    rows, rejects = [], []
    digest = hashlib.sha256()
    for n, path in enumerate(files, 1):
        with open(path, "rb") as f:
            digest.update(os.path.relpath(path, folder).encode() + b"\0" + hashlib.sha256(f.read()).digest())
        try:
            h = hash_image(path)
        except ImageError as e:
            rejects.append({"file": path, "reason": "unreadable image", "detail": str(e)})
        else:
            rows.append({"id": os.path.splitext(os.path.basename(path))[0], "kind": None, "file": path, "pdq": h["pdq"],
                         "pdq_quality": h["quality"], "pdq_dihedral": h["pdq_dihedral"], "phash": h["phash"]})
        if progress is not None:
            progress(n, len(files))
    return pa.Table.from_pylist(rows, schema=IMAGE_HASHES_SCHEMA), rejects, digest.hexdigest()


def ingest_images(ws, folder: str, *, kind: str = "auto", progress: Callable[[int, int], None] | None = None) -> ImageIngestReport:
    """Hash the images in ``folder`` and store them in workspace ``ws`` (see module doc)."""
    if kind not in IMAGE_KINDS:
        raise ParameterError(f"--images-kind {kind!r}: expected one of {', '.join(IMAGE_KINDS)}")
    files = iter_image_files(folder)
    table, rejects, digest = hash_folder(folder, progress)
    if ws.source_by_hash(digest) is not None:
        return ImageIngestReport(folder, "already ingested", files=len(files))
    counts = ws.add_image_hashes(table, rejects, kind=kind, path=folder, sha256=digest)
    return ImageIngestReport(
        folder, "ingested", files=len(files), hashed=table.num_rows, avatars=counts["avatars"],
        media_posts=counts["media_posts"], unmatched=counts["unmatched"], rejects=len(rejects),
        reject_examples=[r["detail"] for r in rejects[:3]],
    )
