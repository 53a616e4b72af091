"""The offline verifier: a page a member of the public opens once with the network, and then
uses without it to check a certificate's QR.

The page checks everything in the browser (static/certificates/verify-core.js): the trust
list against the anchor key the page carries, the status list against a key of the trust list,
the QR's COSE signature against that key. A service worker (static/certificates/offline-sw.js)
keeps the page, its scripts and the two lists; the lists are fetched network first, so that
they refresh whenever the network is there.

The worker's own script is written here: it names the files to keep by their URLs as
`static()` resolves them (hashed in production), and the name of its cache changes with them,
so that a new deployment replaces what an old one kept.
"""

import hashlib
import json
import os
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from peikao.catalog.models import Industry, OperationCategory, OperationItem, PostCategory
from peikao.certificates.keys import anchor_public
from peikao.certificates.signing import SUITE_NAMES
from peikao.orgs.models import Region

# What the page needs, in the order it loads them.
STYLESHEETS = ("vendor/bootstrap/bootstrap.min.css", "css/peikao.css", "certificates/offline.css")
SCRIPTS = (
    "vendor/verify-libs/verify-libs.min.js",
    "vendor/jsqr/jsQR.min.js",
    "certificates/verify-core.js",
    "certificates/offline.js",
)
WORKER_SCRIPT = "certificates/offline-sw.js"
CACHE_PREFIX = "peikao-offline-"

KIND_NAMES = {0: "特种作业操作证", 1: "安全生产知识和管理能力考核合格证", 2: "学时证明"}


def _url(name: str, default: str = "") -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return default


def _urls() -> dict[str, str]:
    return {
        "page": reverse("certificates:offline"),
        "worker": reverse("certificates:offline_worker"),
        "trustList": reverse("certificates:trust_list"),
        "statusList": reverse("certificates:status_list"),
        "online": _url("certificates:verify"),
    }


def _names() -> dict[str, dict[str, str]]:
    """The catalogue's names for the codes a QR carries, so that the page shows them offline."""
    return {
        "kinds": {str(code): name for code, name in KIND_NAMES.items()},
        "operationCategories": dict(OperationCategory.objects.values_list("code", "name")),
        "operationItems": dict(OperationItem.objects.values_list("code", "name")),
        "postCategories": dict(PostCategory.objects.values_list("code", "name")),
        "industries": dict(Industry.objects.values_list("code", "name")),
        "regions": dict(Region.objects.values_list("code", "name")),
        "suites": dict(SUITE_NAMES),
    }


@require_GET
def offline_page(request):
    urls = _urls()
    config = {"urls": urls, "names": _names(), "staleAfterHours": 24}
    return render(
        request,
        "certificates/offline.html",
        {
            "anchor": anchor_public(),
            "config": config,
            "stylesheets": STYLESHEETS,
            "scripts": SCRIPTS,
            "online_url": urls["online"],
        },
    )


def _file_digest(name: str, url: str) -> str:
    """The content's digest of a static file, for the cache's name: in development the URLs
    carry no hash, and a changed file must still replace the kept one."""
    path = finders.find(name)
    if not path:
        return url
    return _digest_of(path, os.stat(path).st_mtime_ns)


@lru_cache(maxsize=64)
def _digest_of(path: str, _mtime_ns: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def _worker_config() -> dict:
    urls = _urls()
    names = (*STYLESHEETS, *SCRIPTS)
    assets = [static(name) for name in names]
    digest = hashlib.sha256()
    for name in (*names, WORKER_SCRIPT):
        url = static(name)
        digest.update(f"{url}\n{_file_digest(name, url)}\n".encode())
    return {
        "cache": CACHE_PREFIX + digest.hexdigest()[:16],
        "page": urls["page"],
        "assets": assets,
        "lists": [urls["trustList"], urls["statusList"]],
    }


@require_GET
def offline_service_worker(request):
    config = _worker_config()
    body = (
        "// 培考 离线核验：服务工作线程的配置，由 peikao/certificates/offline.py 生成。\n"
        f"self.PEIKAO_OFFLINE = {json.dumps(config, ensure_ascii=False)};\n"
        f"importScripts({json.dumps(static(WORKER_SCRIPT))});\n"
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = config["page"]
    # The browser checks the worker for an update on each visit; nothing between may keep it.
    response["Cache-Control"] = "no-cache"
    return response
