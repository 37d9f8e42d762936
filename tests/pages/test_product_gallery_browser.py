"""The product page's pictures at a desk (Debian's Chromium, 1440×900): two pictures sit side by side, half the
width each; one picture alone is centred, not a half-width picture beside an empty white half."""

from __future__ import annotations

import pytest

from tests.orders import factories as f
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import ProductImage

pytestmark = pytest.mark.django_db(transaction=True)


def _boxes(browser, url):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        gallery = page.locator(".gallery").bounding_box()
        pictures = page.locator(".gallery img")
        return gallery, [pictures.nth(i).bounding_box() for i in range(pictures.count())]
    finally:
        context.close()


def test_one_picture_is_centred_at_a_desk_and_two_sit_side_by_side(live_server, browser):
    one, two = f.sku().product, f.sku().product
    for product, count in ((one, 1), (two, 2)):
        for i in range(count):
            ProductImage.objects.create(product=product, image=placeholder_image(product.title, seed=i), position=i)

    gallery, (picture,) = _boxes(browser, f"{live_server.url}/goods/{one.pk}/")
    left = picture["x"] - gallery["x"]
    right = gallery["x"] + gallery["width"] - (picture["x"] + picture["width"])
    assert round(picture["width"]) == round(gallery["width"] / 2) and abs(left - right) <= 1

    gallery, (first, second) = _boxes(browser, f"{live_server.url}/goods/{two.pk}/")
    assert abs(first["x"] - gallery["x"]) <= 1 and abs(second["x"] - (first["x"] + first["width"])) <= 1
