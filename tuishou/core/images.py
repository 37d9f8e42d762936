"""One check of an uploaded picture, shared by every upload path: what Pillow can read, in the formats asked
for, and no decompression bomb (a small file that unpacks to billions of pixels)."""

from __future__ import annotations

import warnings

from PIL import Image, UnidentifiedImageError

# Far above any photo a phone takes (48 MP), far below Pillow's own warning threshold (89 MP).
MAX_PIXELS = 40_000_000


def image_format(upload, *, formats: set[str], refusal: Exception, max_pixels: int = MAX_PIXELS) -> str:
    """The format of ``upload`` (``"JPEG"``…) when it is a whole picture in one of ``formats`` of at most
    ``max_pixels``; raises ``refusal`` otherwise, also for Pillow's ``DecompressionBombError`` and its warning.
    The file is rewound for whoever reads it next."""
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as picture:
                kind = picture.format
                if kind not in formats or picture.width * picture.height > max_pixels:
                    raise refusal
                picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise refusal from exc
    finally:
        upload.seek(0)
    return kind
