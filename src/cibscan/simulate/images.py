"""Profile pictures: small procedural images, and the copies campaigns make of them.

Each picture is drawn from its own random stream (smooth colour fields with a few shapes and
some texture), so unrelated pictures are far apart for perceptual hashes (PDQ, pHash) while
a copy stays close: impersonators use their target's picture re-encoded as JPEG and resized,
sometimes slightly cropped or brightened; persona batches reuse one stock picture (byte for
byte, or re-encoded); unrelated people sometimes share one popular picture.
"""

from __future__ import annotations

import io
import os

import numpy as np

from .streams import stream

__all__ = ["render_picture", "write_avatars", "AVATAR_SIZE"]

AVATAR_SIZE = 128


def _draw(rng: np.random.Generator, size: int = AVATAR_SIZE):
    from PIL import Image, ImageDraw, ImageFilter

    base = (rng.random((4, 4, 3)) * 255).astype(np.uint8)
    img = Image.fromarray(base, "RGB").resize((size, size), Image.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(3, 7))):
        x0, y0 = rng.integers(-size // 4, size, size=2)
        w, h = rng.integers(size // 6, size // 2, size=2)
        color = tuple(int(c) for c in rng.integers(0, 256, size=3))
        if rng.random() < 0.5:
            draw.ellipse([int(x0), int(y0), int(x0 + w), int(y0 + h)], fill=color)
        else:
            draw.rectangle([int(x0), int(y0), int(x0 + w), int(y0 + h)], fill=color)
    texture = (rng.random((12, 12)) * 60 - 30)
    tex = np.asarray(Image.fromarray(((texture + 30) * 255 / 60).astype(np.uint8), "L").resize((size, size), Image.BICUBIC), dtype=np.int16) - 128
    arr = np.clip(np.asarray(img, dtype=np.int16) + (tex[..., None] * 60 // 255), 0, 255).astype(np.uint8)
    return Image.fromarray(arr, "RGB").filter(ImageFilter.SMOOTH)


def _reencode(img, rng: np.random.Generator, resize: bool = True, crop: bool = False, brighten: bool = False):
    """The picture as a copier saves it: JPEG at some quality, resized, maybe cropped."""
    from PIL import Image, ImageEnhance

    if crop:
        w, h = img.size
        m = max(1, int(w * rng.uniform(0.005, 0.012)))
        img = img.crop((m, m, w - m, h - m)).resize((w, h), Image.BILINEAR)
    if brighten:
        img = ImageEnhance.Brightness(img).enhance(float(rng.uniform(1.04, 1.12)))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=int(rng.integers(65, 91)))
    img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    if resize:
        side = int(rng.choice([64, 72, 80, 96, 100]))
        img = img.resize((side, side), Image.BILINEAR)
    return img


def render_picture(spec: tuple, seed: int):
    """The image for an avatar plan entry (see ``accounts.Accounts.avatar``)."""
    kind = spec[0]
    if kind == "own":
        return _draw(stream(seed, "picture", int(spec[1])))
    if kind == "shared":
        return _draw(stream(seed, "popular-picture", int(spec[1])))
    if kind == "stock":
        return _draw(stream(seed, "stock-picture", int(spec[1])))
    if kind == "stock_variant":
        img = _draw(stream(seed, "stock-picture", int(spec[1])))
        return _reencode(img, stream(seed, "stock-variant", int(spec[1]), int(spec[2])), resize=True)
    if kind == "copy":
        rng = stream(seed, "copied-picture", int(spec[1]), int(spec[2]))
        return _reencode(render_picture(("own", int(spec[1])), seed), rng, resize=True,
                         crop=rng.random() < 0.15, brighten=rng.random() < 0.3)
    raise ValueError(f"unknown picture plan {spec!r}")


def write_avatars(folder: str, ids: list[str], plans: list, seed: int, progress=None) -> int:
    """Write ``folder/<account_id>.png`` for every account with a picture plan; returns how many."""
    os.makedirs(folder, exist_ok=True)
    n = 0
    cache: dict[tuple, bytes] = {}
    for i, spec in enumerate(plans):
        if spec is None:
            continue
        key = spec if spec[0] in ("shared", "stock") else None
        if key is not None and key in cache:
            data = cache[key]  # the very same file, as when one picture is uploaded again
        else:
            buf = io.BytesIO()
            render_picture(spec, seed).save(buf, format="PNG", compress_level=6)
            data = buf.getvalue()
            if key is not None:
                cache[key] = data
        with open(os.path.join(folder, f"{ids[i]}.png"), "wb") as f:
            f.write(data)
        n += 1
        if progress is not None and n % 500 == 0:
            progress(n)
    return n
