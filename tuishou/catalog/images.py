"""Locally drawn product pictures for demo data and tests (no network, no fonts needed)."""

from __future__ import annotations

import hashlib
import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

SIZE = 480
PALETTE = [  # soft backgrounds with a darker accent each, like a studio shot on coloured paper
    ((255, 236, 210), (232, 120, 60)), ((220, 240, 226), (52, 150, 90)), ((223, 234, 252), (60, 110, 210)),
    ((252, 226, 232), (210, 70, 110)), ((243, 236, 252), (130, 90, 200)), ((255, 248, 205), (210, 160, 20)),
    ((226, 246, 246), (30, 150, 160)), ((240, 236, 228), (150, 110, 70)),
]


def placeholder_image(title: str, *, seed: int) -> ContentFile:
    """A PNG picture of a product-like arrangement of shapes; the same title and seed give the same bytes.

    The file is named after the seed and a digest of the title, ready for ``ProductImage.image.save``.
    """
    digest = hashlib.sha256(f"{seed}:{title}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    background, accent = PALETTE[rng.randrange(len(PALETTE))]
    canvas = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(canvas)
    # a table edge and a soft shadow, then the "product": a box or a jar, with a label band and a few dots
    draw.rectangle([0, int(SIZE * 0.72), SIZE, SIZE], fill=_shade(background, 0.93))
    cx, base = SIZE // 2 + rng.randint(-40, 40), int(SIZE * 0.76)
    width, height = rng.randint(150, 230), rng.randint(170, 260)
    draw.ellipse([cx - width // 2 - 20, base - 18, cx + width // 2 + 20, base + 18], fill=_shade(background, 0.82))
    body = [cx - width // 2, base - height, cx + width // 2, base]
    if rng.random() < 0.5:
        draw.rounded_rectangle(body, radius=rng.randint(8, 40), fill=accent)
    else:
        draw.ellipse([body[0], body[1], body[2], body[1] + width // 3], fill=_shade(accent, 0.8))
        draw.rounded_rectangle([body[0], body[1] + width // 6, body[2], base], radius=30, fill=accent)
    band_top = base - height // 2 - 25
    draw.rectangle([body[0], band_top, body[2], band_top + 50], fill=_shade(background, 1.04))
    for _ in range(rng.randint(3, 7)):
        x, y, r = rng.randint(30, SIZE - 30), rng.randint(30, int(SIZE * 0.45)), rng.randint(6, 22)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=_shade(accent, rng.uniform(0.9, 1.3)))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"placeholder-{seed}-{digest[:4].hex()}.png")


def _shade(rgb: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, round(c * factor))) for c in rgb)  # type: ignore[return-value]
