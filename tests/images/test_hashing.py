"""Generated images: re-encoded, resized, grayscale, mirrored and slightly cropped copies
match; unrelated images do not; featureless default avatars are flagged by PDQ quality."""

import io


import pytest

PIL = pytest.importorskip("PIL", reason="the images extra is not installed")
from PIL import Image, ImageDraw  # noqa: E402

from .pictures import make_image  # noqa: E402
from cibscan.images import (  # noqa: E402
    PDQ_MATCH,
    PDQ_MIN_QUALITY,
    PHASH_MATCH,
    ImageError,
    hamming,
    hash_image,
    hash_pil_image,
    parse_hash,
    pdq_distance,
)


def jpeg(im: Image.Image, quality=60) -> Image.Image:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf)


def _match(a: dict, b: dict) -> bool:
    return pdq_distance(b["pdq"], a["pdq_dihedral"]) <= PDQ_MATCH or hamming(a["phash"], b["phash"]) <= PHASH_MATCH


TRANSFORMS = {
    "reencode": lambda im: jpeg(im, 40),
    "resize": lambda im: im.resize((120, 120)),
    "grayscale": lambda im: im.convert("L"),
    "mirror": lambda im: im.transpose(Image.FLIP_LEFT_RIGHT),
    "small_crop": lambda im: im.crop((6, 6, im.width - 6, im.height - 6)),  # 2% off each side
    "rotate90": lambda im: im.transpose(Image.ROTATE_90),
}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_transformed_copies_match(name):
    for seed in range(8):
        im = make_image(seed)
        a, b = hash_pil_image(im), hash_pil_image(TRANSFORMS[name](im))
        assert a["quality"] >= PDQ_MIN_QUALITY
        assert _match(a, b), (name, seed, pdq_distance(b["pdq"], a["pdq_dihedral"]), hamming(a["phash"], b["phash"]))


def test_mirror_needs_the_dihedral_variants():
    im = make_image(3)
    a, b = hash_pil_image(im), hash_pil_image(im.transpose(Image.FLIP_LEFT_RIGHT))
    assert hamming(a["pdq"], b["pdq"]) > PDQ_MATCH
    assert pdq_distance(b["pdq"], a["pdq_dihedral"]) <= PDQ_MATCH


def test_unrelated_images_do_not_match():
    hashes = [hash_pil_image(make_image(100 + s)) for s in range(25)]
    for i in range(len(hashes)):
        for j in range(i + 1, len(hashes)):
            assert not _match(hashes[i], hashes[j]), (i, j)


def test_default_avatar_has_low_quality():
    egg = Image.new("RGB", (200, 200), (204, 214, 221))
    ImageDraw.Draw(egg).ellipse((60, 40, 140, 160), fill=(245, 248, 250))
    flat = Image.new("RGB", (64, 64), (120, 120, 120))
    assert hash_pil_image(flat)["quality"] < PDQ_MIN_QUALITY
    assert hash_pil_image(egg)["quality"] < hash_pil_image(make_image(1))["quality"]


def test_hash_image_file_and_errors(tmp_path):
    p = tmp_path / "a.png"
    make_image(1).save(p)
    h = hash_image(p)
    assert len(h["pdq"]) == 64 and len(h["phash"]) == 16 and len(h["pdq_dihedral"]) == 8
    assert h["pdq_dihedral"][0] == h["pdq"]
    bad = tmp_path / "b.png"
    bad.write_bytes(b"\x89PNG not really")
    with pytest.raises(ImageError, match="not a readable image"):
        hash_image(bad)


@pytest.mark.parametrize("value, expected", [
    ("pdq:" + "ab" * 32, ("pdq", "ab" * 32)), ("PHASH:" + "0f" * 8, ("phash", "0f" * 8)), ("ab" * 32, ("pdq", "ab" * 32)),
    ("pdq:xyz", None), ("phash:" + "0" * 15, None), ("", None), (None, None), ("md5:" + "0" * 32, None),
])
def test_parse_hash(value, expected):
    assert parse_hash(value) == expected
