"""Image hashing for avatars and media: PDQ (dihedral variants, quality) and pHash, a binary
near-duplicate index, and hashing a folder of images into the workspace.

Needs the ``images`` extra (``pip install 'cibscan[images]'``: pillow, pdqhash, imagehash,
faiss-cpu); without it, functions that hash raise ``ImageError`` saying so.
"""

from .folder import IMAGE_EXTENSIONS, IMAGE_HASHES_SCHEMA, ImageIngestReport, hash_folder, ingest_images, iter_image_files
from .hashing import (
    PDQ_MATCH,
    PDQ_MIN_QUALITY,
    PHASH_MATCH,
    ImageError,
    format_hash,
    hamming,
    hash_image,
    hash_pil_image,
    parse_hash,
    pdq_distance,
)
from .index import BinaryHashIndex, hex_to_codes

__all__ = [
    "IMAGE_EXTENSIONS",
    "IMAGE_HASHES_SCHEMA",
    "PDQ_MATCH",
    "PDQ_MIN_QUALITY",
    "PHASH_MATCH",
    "BinaryHashIndex",
    "ImageError",
    "ImageIngestReport",
    "format_hash",
    "hamming",
    "hash_folder",
    "hash_image",
    "hash_pil_image",
    "hex_to_codes",
    "ingest_images",
    "iter_image_files",
    "parse_hash",
    "pdq_distance",
]
