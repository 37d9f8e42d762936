"""The one check of the pictures people upload to the community: materials' images and inspection reports' photos.

A picture is a JPEG, PNG or WebP file of at most ``PICTURE_MB`` megabytes and 40 million pixels that Pillow can
read; anything else is refused with the caller's error code, naming the file.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from tuishou.core.errors import ErrorCode, InvalidInput
from tuishou.core.images import image_format

PICTURE_MB = 5
PICTURE_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
PICTURE_PIXELS_MAX = 40_000_000


def pictures_checked(uploads: list[UploadedFile], *, invalid: ErrorCode, field: str) -> list[UploadedFile]:
    """``uploads`` when every one is a picture we can read (``tuishou.core.images`` checks each, rewound for
    saving); else ``InvalidInput`` with ``invalid`` (its message takes ``name`` and ``megabytes``) on ``field``."""
    for upload in uploads:
        refusal = InvalidInput(invalid, name=getattr(upload, "name", None) or "?", megabytes=PICTURE_MB,
                               details={"field": field})
        if getattr(upload, "size", None) is None or upload.size > PICTURE_MB * 1024 * 1024:
            raise refusal
        image_format(upload, formats=set(PICTURE_FORMATS), refusal=refusal, max_pixels=PICTURE_PIXELS_MAX)
    return uploads
