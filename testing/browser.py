"""Helpers for real-browser tests and benchmarks: a Streamlit server on a free port and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import requests
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def streamlit_server(database_url: str, *, seed_demo: bool = True, port: int | None = None,
                     args: Sequence[str] = (), address: str | None = "127.0.0.1",
                     public_url: bool = True) -> Iterator[str]:
    """Run ``streamlit run serve.py`` (the app and its security headers) on a free loopback port; yield its URL.

    ``address=None`` leaves the listening address to the project's ``.streamlit/config.toml``.
    """
    port = port or free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SEED_DEMO": "1" if seed_demo else "0",
           "PUBLIC_URL": f"http://127.0.0.1:{port}"}
    if not public_url:  # links then carry the address the person is using
        env.pop("PUBLIC_URL")
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in finally) — not a pipe: an unread pipe would fill up and stall the server
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless=true",
         *([f"--server.address={address}"] if address else []), f"--server.port={port}",
         "--server.fileWatcherType=none",
         "--browser.gatherUsageStats=false", *args],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not start:\n{log.read().decode(errors='replace')}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextmanager
def chromium() -> Iterator[Browser]:
    """Launch Debian's Chromium headless (Playwright's own browser download cannot work here)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium (make test does it)")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        try:
            yield browser
        finally:
            browser.close()


def wait_for_app(page: Page, timeout: int = 30000) -> None:
    """Wait until Streamlit is connected and the script has finished its run."""
    page.wait_for_timeout(300)  # let a rerun start (widgets debounce ~200 ms)
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)
