"""A served draft and a headless Chromium to drive it, as an advisor's browser would.

One server (in this process, so its `today` is fixed like the terminal tests')
and one browser serve a whole test module; `Served.fresh` gives each test a
new draft. Chromium is Debian's `chromium` with `chromium-driver`; without
them the browser tests skip locally and fail in CI (`CI=true`), which installs them.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agreementkit.interview.draft import Draft
from agreementkit.web import Server, open_draft, start

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def need_chromium() -> None:
    if Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists():
        return
    message = "Chromium and chromedriver are needed for the browser tests: apt-get install chromium chromium-driver"
    if os.environ.get("CI"):
        pytest.fail(message)  # CI installs them: a missing browser there is a broken setup, not a skip
    pytest.skip(message)


class Served:
    """A running `serve` on a loopback port, in a thread of the test process."""

    def __init__(self, folder: Path, today: Any):
        self.server: Server = start(open_draft(None, output=folder), port=0, today=today, token="test-token-" + "x" * 20)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.port}"
        self._wait()

    def _wait(self) -> None:
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(self.base + "/static/app.css", timeout=1)
            except Exception as exc:  # noqa: BLE001
                if getattr(exc, "code", None) == 403:
                    return
                time.sleep(0.05)
        raise RuntimeError("the test server did not start")

    @property
    def url(self) -> str:
        return self.server.url

    def fresh(self, folder: Path) -> Draft:
        """Start a new, empty draft in `folder`: the start page again."""
        draft = Draft(folder / "agreementkit-draft.yaml", output=str(folder))
        served = self.server.served
        served.output = folder
        served.started = False
        served.written.clear()
        self.server.session.switch_to(draft)
        return draft

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=10)


def chrome(downloads: Path, width: int = 1280, height: int = 900) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--window-size={width},{height}",
                 f"--user-data-dir={downloads.parent / ('profile-' + downloads.name)}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(30)
    return driver


def wait_for(condition: Callable[[], Any], timeout: float = 10, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - the page is changing under us; try again
            last = exc
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}" + (f": {last}" if last else ""))


def downloaded(folder: Path, suffix: str, timeout: float = 20) -> Path:
    return wait_for(lambda: next((p for p in folder.glob(f"*{suffix}") if p.stat().st_size), None), timeout,
                    f"a downloaded {suffix} in {folder}")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    from terminal import TODAY

    need_chromium()
    server = Served(tmp_path_factory.mktemp("served"), TODAY)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    downloads = tmp_path_factory.mktemp("downloads")
    driver = chrome(downloads)
    driver.downloads = downloads
    driver.get(served.url)  # the token sets the cookie for the whole module
    yield driver
    driver.quit()
