"""A QR read from a picture (a photo of the card, a scan of the PDF), with zbar (Debian's
libzbar0, through pyzbar)."""

import io

from PIL import Image, UnidentifiedImageError

from peikao.core.errors import DomainError

MAX_PIXELS = 40_000_000


def qr_texts(image_bytes: bytes) -> list[str]:
    try:
        from pyzbar import pyzbar
    except ImportError as missing:  # libzbar0 not installed
        raise DomainError("本机未安装二维码识别组件（libzbar0），请粘贴二维码内容。") from missing
    try:
        opened = Image.open(io.BytesIO(image_bytes))
        if opened.width * opened.height > MAX_PIXELS:
            raise DomainError("图片过大，请裁剪到二维码附近后再上传。")
        image = opened.convert("L")
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise DomainError("无法读取该图片，请上传 PNG 或 JPEG 格式的二维码照片。") from error
    return [
        found.data.decode("utf-8", errors="replace")
        for found in pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.QRCODE])
    ]


def qr_text(image_bytes: bytes) -> str:
    texts = qr_texts(image_bytes)
    if not texts:
        raise DomainError("图片中没有识别到二维码，请拍清楚一些，或直接粘贴二维码内容。")
    return texts[0]
