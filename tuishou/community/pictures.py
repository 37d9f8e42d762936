"""The one check of the pictures people upload to the community: materials' images and inspection reports' photos.

A picture is a JPEG, PNG or WebP file of at most ``PICTURE_MB`` megabytes and 40 million pixels that Pillow can
read; anything else is refused with the caller's error code, naming the file.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from tuishou.core.errors import ErrorCode, InvalidInput

PICTURE_MB = 5
PICTURE_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
PICTURE_PIXELS_MAX = 40_000_000


def pictures_checked(uploads: list[UploadedFile], *, invalid: ErrorCode, field: str) -> list[UploadedFile]:
    """``uploads`` when every one is a picture we can read (each rewound for saving); else ``InvalidInput``
    with ``invalid`` (its message takes ``name`` and ``megabytes``) on ``field``."""
    for upload in uploads:
        refusal = InvalidInput(invalid, name=getattr(upload, "name", None) or "?", megabytes=PICTURE_MB,
                               details={"field": field})
        if getattr(upload, "size", None) is None or upload.size > PICTURE_MB * 1024 * 1024:
            raise refusal
        try:
            with Image.open(upload) as picture:
                if picture.format not in PICTURE_FORMATS or picture.width * picture.height > PICTURE_PIXELS_MAX:
                    raise refusal
                picture.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise refusal from exc
        upload.seek(0)
    return uploads
