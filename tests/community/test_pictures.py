"""The one check of community pictures (materials' images, inspection reports' photos): JPEG, PNG or WebP that
Pillow reads, at most 5 MB; anything else refused with the caller's code, naming the file, on the caller's field."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tuishou.community.errors import CommunityError
from tuishou.community.inspections_errors import InspectionError
from tuishou.community.pictures import pictures_checked
from tuishou.core.errors import InvalidInput


def _picture(kind: str, name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 160, 60)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP"])
def test_a_picture_passes_and_is_rewound_for_saving(kind):
    upload = _picture(kind, f"a.{kind.lower()}")
    assert pictures_checked([upload], invalid=CommunityError.IMAGE_INVALID, field="images") == [upload]
    assert upload.tell() == 0


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("x.png", b"<svg onload=alert(1)>"),
    SimpleUploadedFile("e.jpg", b""),
    _picture("GIF", "moving.gif"),
    SimpleUploadedFile("big.png", _picture("PNG", "big.png").read() + b"\0" * (5 * 1024 * 1024)),
], ids=["svg", "empty", "gif", "over-5-MB"])
@pytest.mark.parametrize(("code", "field"), [(CommunityError.IMAGE_INVALID, "images"),
                                             (InspectionError.PHOTO_INVALID, "photos")])
def test_anything_else_is_refused_with_the_callers_code_and_field(upload, code, field):
    with pytest.raises(InvalidInput) as refused:
        pictures_checked([_picture("PNG", "fine.png"), upload], invalid=code, field=field)
    assert (refused.value.code, refused.value.params, refused.value.details) == (
        str(code), {"name": upload.name, "megabytes": 5}, {"field": field})
