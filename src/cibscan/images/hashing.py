"""Perceptual hashes of images: PDQ (with its dihedral variants and quality) and pHash.

PDQ (Meta, 2019) is a 256-bit DCT hash built for matching photos at scale: near-duplicates
(re-encoded, resized, grayscale, lightly edited) stay within a Hamming distance of about 31,
unrelated photos sit near 128. It also reports a *quality* (0-100): featureless images (flat
colours, default avatars, near-blank frames) score low and their hashes match each other by
accident, so matches need both images at ``PDQ_MIN_QUALITY`` or more (Meta's guidance: 50).
A mirrored or rotated copy changes the hash; PDQ computes the hashes of all eight dihedral
transforms in one pass, and a match takes the smallest distance to any of them.

pHash (Zauner 2010, through ``imagehash``) is a 64-bit DCT hash used as a second signal: it
survives small crops a little better than PDQ; matches need a distance of ``PHASH_MATCH``
or less.

Images are reduced to at most 512 pixels per side before hashing (as Meta's python-threatexchange
does): both hashes downsample much further anyway, and it makes large photos cheap.

References: Meta/Facebook ThreatExchange, "The TMK+PDQF Video-Hashing Algorithm and the PDQ
Image Similarity Algorithm" (hashing.pdf, 2019); Zauner, "Implementation and Benchmarking of
Perceptual Image Hash Functions" (2010); pdqhash-python (Morales) and imagehash (Buchner).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..errors import CibscanError

__all__ = [
    "PDQ_MATCH",
    "PDQ_MIN_QUALITY",
    "PHASH_MATCH",
    "ImageError",
    "hash_image",
    "hash_pil_image",
    "hamming",
    "parse_hash",
    "format_hash",
    "pdq_distance",
]

#: PDQ Hamming distance at or below which two images are taken for the same picture (Meta).
PDQ_MATCH = 31
#: PDQ quality below which a hash is too featureless to match on (Meta's guidance).
PDQ_MIN_QUALITY = 50
#: pHash Hamming distance (of 64 bits) at or below which two images match.
PHASH_MATCH = 10
_MAX_SIDE = 512


class ImageError(CibscanError, ValueError):
    """An image cannot be read or hashed (or the image extra is not installed)."""


def _require():
    try:
        import imagehash
        import pdqhash
        from PIL import Image
    except ImportError as e:  # the images extra is optional
        raise ImageError(f"image hashing needs the images extra ({e.name} is missing): pip install 'cibscan[images]'") from e
    return Image, pdqhash, imagehash


def _bits_to_hex(bits) -> str:
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def hash_pil_image(image) -> dict[str, Any]:
    """Hashes of a Pillow image: ``{"pdq": hex, "quality": int, "pdq_dihedral": [8 hex],
    "phash": hex}``. ``pdq_dihedral`` is in pdqhash's order (original, rotated 90, 180, 270,
    flipped vertically, horizontally, and the two diagonal flips)."""
    _, pdqhash, imagehash = _require()
    image = image.convert("RGB")
    if max(image.size) > _MAX_SIDE:
        image = image.copy()
        image.thumbnail((_MAX_SIDE, _MAX_SIDE))
    pixels = np.asarray(image, dtype=np.uint8)
    vectors, quality = pdqhash.compute_dihedral(pixels)
    dihedral = [_bits_to_hex(v) for v in vectors]
    return {"pdq": dihedral[0], "quality": int(quality), "pdq_dihedral": dihedral, "phash": str(imagehash.phash(image))}


def hash_image(path: str | os.PathLike) -> dict[str, Any]:
    """PDQ and pHash of the image file at ``path`` (see ``hash_pil_image``); ``ImageError``
    when the file is not an image Pillow can read."""
    Image, _, _ = _require()
    try:
        with Image.open(path) as im:
            im.load()
            return hash_pil_image(im)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
        raise ImageError(f"{os.fspath(path)}: not a readable image ({e.__class__.__name__}: {e})") from e


def hamming(a: str, b: str) -> int:
    """Hamming distance between two hex hashes of the same length."""
    if len(a) != len(b):
        raise ValueError(f"hashes of different lengths ({len(a)} and {len(b)} hex digits)")
    return (int(a, 16) ^ int(b, 16)).bit_count()


def pdq_distance(a: str, b_variants: list[str] | None, b: str | None = None) -> int:
    """Smallest Hamming distance between PDQ hash ``a`` and the dihedral variants of the other
    image (or its plain hash ``b`` when no variants are known)."""
    variants = list(b_variants or []) or ([b] if b else [])
    if not variants:
        raise ValueError("no hash to compare with")
    return min(hamming(a, v) for v in variants)


def parse_hash(value: str | None) -> tuple[str, str] | None:
    """``("pdq", hex)`` or ``("phash", hex)`` from a stored ``pdq:<hex>`` / ``phash:<hex>``
    value (a bare 64-digit hex is read as PDQ, a 16-digit one as pHash), or ``None``."""
    if not value:
        return None
    v = value.strip().lower()
    kind, sep, hexpart = v.partition(":")
    if not sep:
        kind, hexpart = ("pdq" if len(v) == 64 else "phash" if len(v) == 16 else ""), v
    if kind not in ("pdq", "phash") or not hexpart or any(c not in "0123456789abcdef" for c in hexpart):
        return None
    if (kind == "pdq" and len(hexpart) != 64) or (kind == "phash" and len(hexpart) != 16):
        return None
    return kind, hexpart


def format_hash(kind: str, hexpart: str) -> str:
    return f"{kind}:{hexpart}"
