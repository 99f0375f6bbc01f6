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


def _upsample(n_in: int, n_out: int) -> np.ndarray:
    """Bilinear interpolation matrix (``n_out`` x ``n_in``)."""
    x = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
    lo = np.floor(x).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    f = x - lo
    m = np.zeros((n_out, n_in))
    m[np.arange(n_out), lo] += 1 - f
    m[np.arange(n_out), hi] += f
    return m


_GRIDS: dict[int, tuple] = {}


def _grid(size: int):
    if size not in _GRIDS:
        yy, xx = np.mgrid[0:size, 0:size]
        _GRIDS[size] = (yy, xx, _upsample(4, size), _upsample(12, size))
    return _GRIDS[size]


def _draw(rng: np.random.Generator, size: int = AVATAR_SIZE):
    """A picture: a smooth colour field, 3-6 filled ellipses or boxes, faint texture, softened
    edges (NumPy only; PIL just encodes)."""
    from PIL import Image

    yy, xx, up4, up12 = _grid(size)
    base = rng.random((4, 4, 3)) * 255
    img = np.stack([up4 @ base[:, :, c] @ up4.T for c in range(3)], axis=-1)
    for _ in range(int(rng.integers(3, 7))):
        x0, y0 = rng.integers(-size // 4, size, size=2)
        w, h = rng.integers(size // 6, size // 2, size=2)
        color = rng.integers(0, 256, size=3)
        if rng.random() < 0.5:
            mask = ((xx - x0 - w / 2) / (w / 2)) ** 2 + ((yy - y0 - h / 2) / (h / 2)) ** 2 <= 1
        else:
            mask = (xx >= x0) & (xx < x0 + w) & (yy >= y0) & (yy < y0 + h)
        img[mask] = color
    img += (up12 @ (rng.random((12, 12)) * 50 - 25) @ up12.T)[..., None]
    # soften edges: separable 3x3 box blur
    pad = np.pad(img.astype(np.float32), ((1, 1), (1, 1), (0, 0)), mode="edge")
    rows = pad[:-2] + pad[1:-1] + pad[2:]
    img = (rows[:, :-2] + rows[:, 1:-1] + rows[:, 2:]) / 9
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


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


def _png(spec: tuple, seed: int) -> bytes:
    buf = io.BytesIO()
    render_picture(spec, seed).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def write_avatars(folder: str, ids: list[str], plans: list, seed: int, progress=None, threads: int | None = None) -> int:
    """Write ``folder/<account_id>.png`` for every account with a picture plan; returns how many.

    Pictures are drawn on a thread pool (NumPy and PNG encoding release the GIL); each comes
    from its own random stream, so the files do not depend on the order or the threads. A
    picture several accounts share is drawn once and written byte for byte."""
    from concurrent.futures import ThreadPoolExecutor

    os.makedirs(folder, exist_ok=True)
    todo = [(i, spec) for i, spec in enumerate(plans) if spec is not None]
    shared = {spec: _png(spec, seed) for spec in dict.fromkeys(s for _, s in todo if s[0] in ("shared", "stock"))}

    def one(item) -> None:
        i, spec = item
        data = shared[spec] if spec in shared else _png(spec, seed)
        with open(os.path.join(folder, f"{ids[i]}.png"), "wb") as f:
            f.write(data)

    workers = threads or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for n, _ in enumerate(pool.map(one, todo, chunksize=64), 1):
            if progress is not None and n % 500 == 0:
                progress(n)
    return len(todo)
