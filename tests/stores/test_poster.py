"""Share posters: a PNG of the right size whose QR code holds the share URL, cached in the media storage.

No QR decoder is installable offline here, so the test reads the code back module by module from the pixels
and compares it with the matrix ``qrcode`` itself makes for the URL: the picture carries exactly that code.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import qrcode
from django.core.files.storage import default_storage
from PIL import Image

from tests.stores import factories as f
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import ProductImage
from tuishou.stores import poster, services
from tuishou.stores.models import ShareLink

pytestmark = pytest.mark.django_db
URL = "https://tuishou.example/s/"


def _modules_in_picture(png: bytes, size: int) -> list[list[bool]]:
    """Sample the centre of every module of the QR square: dark pixel → True."""
    picture = Image.open(io.BytesIO(png)).convert("L")
    module = poster.QR_SIZE // size
    x0, y0 = poster.QR_ORIGIN
    return [[picture.getpixel((x0 + c * module + module // 2, y0 + r * module + module // 2)) < 128
             for c in range(size)] for r in range(size)]


def _reference_matrix(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def test_product_poster_is_a_png_whose_qr_holds_the_share_url():
    # given a product link with a product picture
    promoter = f.root("阿花")
    honey = f.product(title="云南高山蜂蜜", price="59.90")
    ProductImage.objects.create(product=honey, image=placeholder_image("蜂蜜", seed=3), position=0)
    link = services.share_link_get_or_create(promoter=promoter, target=ShareLink.Target.PRODUCT, product_id=honey.pk)
    url = URL + link.code

    # when the poster is drawn
    png = poster.poster_png(link, share_url=url)

    # then it is a 750×1334 PNG whose QR square carries exactly qrcode's modules for the URL
    picture = Image.open(io.BytesIO(png))
    assert (picture.format, picture.size) == ("PNG", (750, 1334))
    expected = _reference_matrix(url)
    assert _modules_in_picture(png, len(expected)) == expected
    # the product picture fills the top: not a blank area
    top = picture.convert("RGB").crop((0, 0, 750, 750))
    assert len(top.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 10


def test_poster_text_uses_the_cjk_font():
    assert poster.cjk_font_file() is not None, "fonts-noto-cjk is expected (make test installs it)"
    face = poster.font(40)
    # a CJK glyph has real width in the CJK font (the bitmap default font draws a box or nothing)
    assert face.getlength("推手") >= 70


def test_poster_is_cached_until_the_product_changes():
    promoter = f.root("阿花")
    honey = f.product(price="59.90")
    link = services.share_link_get_or_create(promoter=promoter, target=ShareLink.Target.PRODUCT, product_id=honey.pk)

    first = poster.poster_png(link, share_url=URL + link.code)
    _, cached = default_storage.listdir("posters")
    again = poster.poster_png(link, share_url=URL + link.code)
    assert again == first
    assert len([n for n in default_storage.listdir("posters")[1] if n.startswith(link.code)]) == 1

    # when the product changes (its updated_at moves), a new poster is drawn
    honey.title = "新包装蜂蜜"
    honey.save()
    poster.poster_png(link, share_url=URL + link.code)
    assert len([n for n in default_storage.listdir("posters")[1] if n.startswith(link.code)]) == 2
    assert cached


def test_store_poster_renders_without_price():
    promoter = f.root("阿花")
    link = services.share_link_get_or_create(promoter=promoter, target=ShareLink.Target.STORE)

    png = poster.poster_png(link, share_url=URL + link.code)

    expected = _reference_matrix(URL + link.code)
    assert _modules_in_picture(png, len(expected)) == expected


def test_price_text():
    assert poster.format_price(Decimal("59.9")) == "¥59.90"


def test_poster_url_serves_the_png(client):
    promoter = f.root("阿花")
    link = services.share_link_get_or_create(promoter=promoter, target=ShareLink.Target.PRODUCT,
                                             product_id=f.product().pk)

    response = client.get(f"/s/{link.code}/poster.png")

    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    expected = _reference_matrix(f"http://testserver/s/{link.code}")
    assert _modules_in_picture(response.content, len(expected)) == expected
    assert client.get("/s/zzzzzzz/poster.png").status_code == 404
