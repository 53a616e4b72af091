"""Sends heartbeats for the demo devices over HTTP, as real devices would, so that the demo
cameras show as online while the development server runs."""

import time
import urllib.error
import urllib.request

from django.core.management.base import BaseCommand, CommandError

from peikao.monitoring.seed import DEMO_DEVICES

HEARTBEAT_PATH = "/api/monitoring/heartbeat"
TIMEOUT_SECONDS = 10


def send_heartbeat(base_url: str, key: str) -> str:
    """'' on success, else why it failed."""
    request = urllib.request.Request(
        base_url.rstrip("/") + HEARTBEAT_PATH,
        data=b"",
        method="POST",
        headers={"X-Device-Key": key},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):
            return ""
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code} {error.read().decode(errors='replace')[:200]}"
    except OSError as error:  # unreachable, refused, timed out (URLError is an OSError)
        return str(getattr(error, "reason", error))


class Command(BaseCommand):
    help = "模拟演示设备：每隔一段时间为每台演示设备发送一次心跳（仅用于开发环境）"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="发送间隔（秒），默认 60")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="平台地址，默认 http://127.0.0.1:8000",
        )
        parser.add_argument("--once", action="store_true", help="只发送一轮后退出")

    def handle(self, *args, interval: int, base_url: str, once: bool, verbosity: int, **options):
        if interval < 1:
            raise CommandError("发送间隔至少为 1 秒。")
        try:
            while True:
                self.send_round(base_url, verbose=verbosity >= 2)
                if once:
                    return
                time.sleep(interval)
        except KeyboardInterrupt:
            return

    def send_round(self, base_url: str, *, verbose: bool) -> None:
        for _, name, _, key in DEMO_DEVICES:
            failure = send_heartbeat(base_url, key)
            if failure:
                self.stderr.write(f"{name} 心跳发送失败：{failure}")
            elif verbose:
                self.stdout.write(f"{name} 心跳已发送")
