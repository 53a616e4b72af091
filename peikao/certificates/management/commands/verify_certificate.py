"""python manage.py verify_certificate <QR text, or the path of a picture or a PDF of it>

Offline: the check reads only the anchor key, the trust list and the status list, from files
(--anchor, --trust-list, --status-list, as downloaded from /verify/) or, without them, as this
installation publishes them; it never asks the network."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.certificates import keys
from peikao.certificates.selectors import KIND_OF_CLAIM
from peikao.certificates.services.status import status_list_current
from peikao.certificates.verifier import verify_offline
from peikao.core.errors import DomainError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}


def _json(path: str | None):
    if not path:
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"无法读取 {path}：{error}") from error


def _qr_text(argument: str) -> str:
    path = Path(argument)
    if len(argument) < 400 and path.suffix.lower() in IMAGE_SUFFIXES | {".pdf"} and path.exists():
        from peikao.certificates.qr_image import qr_text

        data = path.read_bytes()
        if path.suffix.lower() == ".pdf":
            data = _pdf_first_page_png(data)
        try:
            return qr_text(data)
        except DomainError as error:
            raise CommandError(str(error)) from error
    return argument


def _pdf_first_page_png(pdf: bytes) -> bytes:
    import io

    try:
        import pypdfium2
    except ImportError as missing:
        raise CommandError("读取 PDF 需要 pypdfium2；请改用二维码图片或内容。") from missing
    page = pypdfium2.PdfDocument(pdf)[0]
    buffer = io.BytesIO()
    page.render(scale=300 / 72).to_pil().save(buffer, format="PNG")
    return buffer.getvalue()


class Command(BaseCommand):
    help = "离线核验证书二维码：签名、签发密钥、状态列表及其生成时间"

    def add_arguments(self, parser):
        parser.add_argument("qr", help="二维码内容（PK1:…），或二维码图片、电子证书 PDF 的路径")
        parser.add_argument("--anchor", help="信任锚公钥 JSON 文件（kid、alg、public_key）")
        parser.add_argument("--trust-list", help="信任列表 JSON 文件（/verify/trust-list.json）")
        parser.add_argument("--status-list", help="状态列表 JSON 文件（/verify/status-list.json）")

    def handle(self, *args, **options):
        anchor = _json(options["anchor"]) or keys.anchor_public()
        trust = _json(options["trust_list"]) or keys.trust_list()
        status = _json(options["status_list"])
        if status is None and not options["trust_list"]:
            status = status_list_current(actor=Actor.system("verify_certificate")).envelope
        result = verify_offline(
            _qr_text(options["qr"]),
            anchor=anchor,
            trust_list=trust,
            status_list=status,
            now=timezone.now(),
        )
        statement = result.statement
        if not result.ok or statement is None:
            raise CommandError(f"核验失败：{result.problem}")
        claims = statement.claims
        lines = [
            "签名有效。",
            f"证书类型：{KIND_OF_CLAIM.get(claims.kind, '证书')}",
            f"证书编号：{claims.number}",
            f"持证人：{claims.name}**",
            f"身份证号码：{claims.id_number[:4]}{'*' * 10}{claims.id_number[4:]}",
        ]
        if claims.subject:
            lines.append(f"作业类别 / 项目：{claims.category} / {claims.subject}")
        for label, day in (
            ("初领日期", claims.first_issued),
            ("有效期至", claims.valid_until),
            ("应复审日期", claims.next_review),
        ):
            if day:
                lines.append(f"{label}：{day:%Y-%m-%d}")
        lines += [
            f"签发密钥：{statement.kid.hex()}（{statement.algorithm}，{result.key_status}）",
            f"状态：{result.status_message}",
        ]
        for name, moment in (
            ("信任列表", result.trust_list_issued),
            ("状态列表", result.status_list_issued),
        ):
            if moment:
                lines.append(f"{name}生成于 {timezone.localtime(moment):%Y-%m-%d %H:%M}")
        lines += result.warnings
        self.stdout.write("\n".join(lines))
