"""Generated pictures for image tests: photo-like (textured) ones and a default "egg"."""

import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def make_image(seed: int, size=(320, 320)) -> Image.Image:
    """A photo-like picture: a gradient background, random shapes and strokes, a little blur
    (textured enough for PDQ quality 100, like a real profile photo)."""
    rng = random.Random(seed)
    c1 = np.array([rng.randrange(256) for _ in range(3)], float)
    c2 = np.array([rng.randrange(256) for _ in range(3)], float)
    t = np.linspace(0, 1, size[1])[:, None, None]
    im = Image.fromarray(np.broadcast_to(c1 * (1 - t) + c2 * t, (size[1], size[0], 3)).astype(np.uint8))
    d = ImageDraw.Draw(im)
    for _ in range(12):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        x1, y1 = x0 + rng.randrange(20, 160), y0 + rng.randrange(20, 160)
        fill = tuple(rng.randrange(256) for _ in range(3))
        (d.ellipse if rng.random() < 0.5 else d.rectangle)((x0, y0, x1, y1), fill=fill)
    im = im.filter(ImageFilter.GaussianBlur(1.2))
    d = ImageDraw.Draw(im)
    for _ in range(30):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        d.line((x0, y0, x0 + rng.randrange(-80, 80), y0 + rng.randrange(-80, 80)),
               fill=tuple(rng.randrange(256) for _ in range(3)), width=rng.randrange(2, 7))
    return im.filter(ImageFilter.GaussianBlur(0.6))


def make_egg(size=(200, 200)) -> Image.Image:
    """A default avatar: a pale silhouette on a flat background (what platforms give accounts
    that never set a picture)."""
    egg = Image.new("RGB", size, (204, 214, 221))
    ImageDraw.Draw(egg).ellipse((size[0] * 0.3, size[1] * 0.2, size[0] * 0.7, size[1] * 0.8), fill=(245, 248, 250))
    return egg
