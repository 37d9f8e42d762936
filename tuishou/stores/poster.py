"""Share posters (分享海报): a 750×1334 PNG with the product picture, title, price, the promoter's name and
a QR code of the share link, drawn with Pillow and ``qrcode``.

Chinese text needs a CJK font: Noto Sans CJK SC (Debian's ``fonts-noto-cjk``), found through fontconfig.
Without it Pillow's default font is used and a warning is logged: the poster still renders, its Chinese may
not. A rendered poster is kept in the media storage under a name made from everything drawn on it (the
link, the product's ``updated_at``, title, price, name, URL), so a change to any of them draws a new one.
"""

from __future__ import annotations

import hashlib
import io
import logging
import shutil
import subprocess
from decimal import Decimal
from functools import lru_cache

import qrcode
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont, ImageOps

from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import Product
from tuishou.stores.models import ShareLink, Store
from tuishou.stores.selectors import product_price, promoter_name, store_public_items

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 750, 1334
IMAGE_BOX = (0, 0, 750, 750)
QR_SIZE = 280
QR_ORIGIN = (WIDTH - 40 - QR_SIZE, HEIGHT - 40 - QR_SIZE)
FALLBACK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
PRICE_RED = (230, 48, 48)
INK = (34, 34, 34)
GREY = (130, 130, 130)


# --- fonts and QR ----------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def cjk_font_file() -> tuple[str, int] | None:
    """(file, face index) of Noto Sans CJK SC as fontconfig resolves it; None when it is not installed."""
    if shutil.which("fc-match"):
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}|%{index}", "Noto Sans CJK SC"], capture_output=True,
                                 text=True, timeout=5, check=False).stdout
            path, _, index = out.partition("|")
            if "CJK" in path:
                return path, int(index or 0)
        except (OSError, subprocess.SubprocessError, ValueError):
            pass
    try:
        ImageFont.truetype(FALLBACK_FONT, 12)
        return FALLBACK_FONT, 0
    except OSError:
        return None


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The CJK font at ``size`` pixels, or Pillow's default font with a warning when there is none."""
    found = cjk_font_file()
    if found is not None:
        return ImageFont.truetype(found[0], size, index=found[1])
    log.warning("Noto Sans CJK is not installed (apt-get install fonts-noto-cjk): posters use Pillow's default "
                "font and may not draw Chinese text")
    return ImageFont.load_default(size)


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules for ``url`` (quiet zone of 4 included), medium error correction."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def qr_module_size(matrix: list[list[bool]]) -> int:
    """Whole pixels per module so the code fits the QR square (whole pixels keep its edges sharp)."""
    return QR_SIZE // len(matrix)


def _draw_qr(canvas: Image.Image, url: str) -> None:
    matrix = qr_matrix(url)
    module = qr_module_size(matrix)
    draw = ImageDraw.Draw(canvas)
    x0, y0 = QR_ORIGIN
    draw.rectangle([x0, y0, x0 + QR_SIZE - 1, y0 + QR_SIZE - 1], fill="white")
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                draw.rectangle([x0 + col * module, y0 + row * module,
                                x0 + (col + 1) * module - 1, y0 + (row + 1) * module - 1], fill="black")


# --- what goes on the poster -----------------------------------------------------------------------------------

def _cover(product: Product | None, title: str) -> tuple[bytes, str]:
    """The cover picture's bytes and a name for the cache key: the first product image, else a placeholder."""
    image = product.images.order_by("position", "id").first() if product is not None else None
    if image is not None and image.image:
        try:
            with image.image.open("rb") as handle:
                return handle.read(), image.image.name
        except (OSError, ValueError):
            log.warning("product image %s is missing from storage; drawing a placeholder", image.image.name)
    placeholder = placeholder_image(title, seed=product.pk if product is not None else 0)
    return placeholder.read(), placeholder.name


def _wrap(draw: ImageDraw.ImageDraw, text: str, face, width: int, lines: int) -> list[str]:
    """Break ``text`` into at most ``lines`` lines of ``width`` pixels, character by character (Chinese has
    no spaces to break at); an ellipsis ends text that does not fit."""
    out, current = [], ""
    for char in text:
        if draw.textlength(current + char, font=face) > width:
            out.append(current)
            current = char
            if len(out) == lines:
                break
        else:
            current += char
    else:
        out.append(current)
        return [line for line in out if line][:lines]
    last = out[lines - 1]
    while last and draw.textlength(last + "…", font=face) > width:
        last = last[:-1]
    out[lines - 1] = last + "…"
    return out[:lines]


def _contents(link: ShareLink) -> dict:
    """Title, price text, cover and caption of the poster for a product or a store link."""
    name = promoter_name(link.promoter)
    if link.target == ShareLink.Target.PRODUCT:
        product = Product.objects.prefetch_related("skus").get(pk=link.product_id)
        active = [sku.price for sku in product.skus.all() if sku.active]
        price = product_price(product) if active else None
        return {"title": product.title, "price": price, "product": product, "subtitle": f"{name} 为你推荐",
                "version": product.updated_at.isoformat()}
    store = Store.objects.get(promoter_id=link.promoter_id)
    items = store_public_items(store)
    product = Product.objects.filter(pk=items[0].product_id).first() if items else None
    return {"title": store.title, "price": None, "product": product, "subtitle": store.slogan or f"{name} 的小店",
            "version": store.updated_at.isoformat() + (product.updated_at.isoformat() if product else "")}


def format_price(amount: Decimal) -> str:
    """``Decimal("59.9")`` → ``"¥59.90"``."""
    return f"¥{amount.quantize(Decimal('0.01'))}"


def _render(*, cover: bytes, title: str, price: Decimal | None, subtitle: str, url: str) -> bytes:
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "white")
    with Image.open(io.BytesIO(cover)) as picture:
        fitted = ImageOps.fit(picture.convert("RGB"), (IMAGE_BOX[2] - IMAGE_BOX[0], IMAGE_BOX[3] - IMAGE_BOX[1]))
    canvas.paste(fitted, IMAGE_BOX[:2])
    draw = ImageDraw.Draw(canvas)
    y = IMAGE_BOX[3] + 36
    for line in _wrap(draw, title, font(40), WIDTH - 80, 2):
        draw.text((40, y), line, font=font(40), fill=INK)
        y += 56
    if price is not None:
        draw.text((40, y + 10), format_price(price), font=font(64), fill=PRICE_RED)
    left_width = QR_ORIGIN[0] - 60
    caption_y = QR_ORIGIN[1] + 40
    for line in _wrap(draw, subtitle, font(30), left_width, 2):
        draw.text((40, caption_y), line, font=font(30), fill=INK)
        caption_y += 44
    draw.text((40, QR_ORIGIN[1] + QR_SIZE - 40), "长按识别二维码 · 推手", font=font(26), fill=GREY)
    _draw_qr(canvas, url)
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def poster_png(link: ShareLink, *, share_url: str) -> bytes:
    """The poster of a share link as PNG bytes; ``share_url`` is the absolute ``/s/<code>`` URL the QR holds.

    Read from the media storage when the same poster was drawn before.
    """
    contents = _contents(link)
    cover, cover_name = _cover(contents["product"], contents["title"])
    price = contents["price"]
    fingerprint = "|".join([link.code, contents["version"], contents["title"], str(price), contents["subtitle"],
                            share_url, cover_name, str(cjk_font_file())])
    name = f"posters/{link.code}-{hashlib.sha256(fingerprint.encode()).hexdigest()[:16]}.png"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    png = _render(cover=cover, title=contents["title"], price=price, subtitle=contents["subtitle"], url=share_url)
    default_storage.save(name, ContentFile(png))
    return png


def invite_poster_png(*, inviter_name: str, invite_code: str, signup_url: str) -> bytes:
    """The invite poster (邀请海报) of a promoter: a picture, the invitation, the code and a QR code of the
    sign-up URL with the code filled in. Kept in the media storage like share posters."""
    title = f"{inviter_name} 邀请你一起做推手"
    subtitle = f"邀请码 {invite_code}"
    placeholder = placeholder_image("推手", seed=sum(invite_code.encode()))
    fingerprint = "|".join(["invite", invite_code, title, signup_url, str(cjk_font_file())])
    name = f"posters/invite-{invite_code}-{hashlib.sha256(fingerprint.encode()).hexdigest()[:16]}.png"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    png = _render(cover=placeholder.read(), title=title, price=None, subtitle=subtitle, url=signup_url)
    default_storage.save(name, ContentFile(png))
    return png
