"""The browser panel through BrowserService, both twins, on real headless Chromium."""

import asyncio
import io
import os
import signal
import threading

import pytest
from PIL import Image

import cardeck
from cardeck import EventKind, Gear
from cardeck.testing import HeadUnitThread
from cardeck_sim.headunit import ServiceConfig
from tests.integration._pages import QuietHandler, serve_http

PAGE = b"""<!doctype html><html><head><title>CarDeck test page</title>
<style>html,body{margin:0;height:100%;background:#1e90ff}</style></head>
<body><a id="next" href="/second">next</a></body></html>"""
SECOND = b"""<!doctype html><html><head><title>Second page</title></head>
<body style="background:#ff8c00"></body></html>"""


class _Handler(QuietHandler):
    def do_GET(self):
        self.reply(200, "text/html", PAGE if self.path == "/" else SECOND)


@pytest.fixture(scope="module")
def site():
    with serve_http(_Handler) as port:
        yield f"http://127.0.0.1:{port}"


def centre_pixel(png: bytes) -> tuple[int, int, int]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return image.getpixel((image.width // 2, image.height // 2))


def close_to(actual, expected, tolerance=12):
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


async def test_async_browse_title_capture_and_history(aio_unit, site):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        info = await client.info()
        assert info.has(cardeck.Capability.BROWSER)
        states = client.browser.watch_state()
        first = await asyncio.wait_for(states.__anext__(), 5)
        assert first.available and first.url == ""

        state = await client.browser.navigate(site + "/")
        assert state.title == "CarDeck test page"
        seen = first
        while seen.title != "CarDeck test page":
            seen = await asyncio.wait_for(states.__anext__(), 10)
        assert seen.url == site + "/"
        await states.aclose()

        capture = await client.browser.capture()
        assert capture.png.startswith(b"\x89PNG")
        assert capture.width_px > 0 and capture.height_px > 0
        assert close_to(centre_pixel(capture.png), (0x1E, 0x90, 0xFF))

        await client.browser.navigate(site + "/second")
        back = await client.browser.go_back()
        assert back.url == site + "/" and back.can_go_forward


def test_sync_policy_denials_name_the_reason(site):
    with HeadUnitThread(ServiceConfig(port=0)) as unit, cardeck.Client(unit.target) as client:
        for url in ("file:///etc/passwd", "javascript:alert(1)", "data:text/html,x"):
            with pytest.raises(cardeck.PermissionDeniedError) as caught:
                client.browser.navigate(url)
            assert caught.value.reason == "URL_BLOCKED", url
            assert "URL policy" in str(caught.value)
        policy = client.browser.set_url_policy(cardeck.UrlPolicy(allowed_hosts=("example.org",)))
        assert policy.allowed_hosts == ("example.org",)
        with pytest.raises(cardeck.PermissionDeniedError, match=r"127\.0\.0\.1"):
            client.browser.navigate(site + "/")
        with pytest.raises(cardeck.InvalidArgumentError) as caught:
            client.browser.set_url_policy(cardeck.UrlPolicy(allowed_schemes=("ht tp",)))
        assert caught.value.field_violations[0].field == "policy.allowed_schemes[0]"
        with pytest.raises(cardeck.InvalidArgumentError):
            client.browser.navigate("")


def test_sync_browser_locks_while_moving_and_unlocks_when_parked(site):
    with HeadUnitThread(ServiceConfig(port=0)) as unit, cardeck.Client(unit.target) as client:
        assert client.browser.navigate(site + "/").title == "CarDeck test page"
        client.update_vehicle_state(gear=Gear.DRIVE, parking_brake_on=False, speed_kmh=50)
        assert client.drive_restrictions().browser_locked
        with pytest.raises(cardeck.FailedPreconditionError) as caught:
            client.browser.navigate(site + "/second")
        assert caught.value.reason == "BROWSER_LOCKED"
        assert "park the car" in str(caught.value)
        with pytest.raises(cardeck.FailedPreconditionError):
            client.browser.capture()
        for _ in range(50):  # the engine follows the restriction event
            if client.browser.state().locked:
                break
            threading.Event().wait(0.1)
        assert client.browser.state().locked
        client.update_vehicle_state(speed_kmh=0, gear=Gear.PARK)
        assert client.browser.navigate(site + "/second").title == "Second page"


async def test_async_chromium_killed_from_outside_is_restarted(aio_unit, site):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        await client.browser.navigate(site + "/")
        stream = client.events(kinds=[EventKind.SERVICE])
        await stream.open()
        pid = aio_unit.browser._engine.pid
        os.kill(pid, signal.SIGKILL)
        notice = await asyncio.wait_for(stream.__anext__(), 20)
        await stream.aclose()
        assert notice.data.code == "BROWSER_RESTARTED"
        assert "restarted" in notice.data.message
        state = await client.browser.navigate(site + "/second")
        assert state.title == "Second page"
        assert aio_unit.browser._engine.pid != pid


def test_sync_without_chromium_the_capability_is_off_and_calls_say_why():
    config = ServiceConfig(port=0, chromium_path="/nonexistent/chromium")
    with HeadUnitThread(config) as unit, cardeck.Client(unit.target) as client:
        info = client.info()
        browser = next(c for c in info.capabilities if c.capability is cardeck.Capability.BROWSER)
        assert not browser.available
        with pytest.raises(cardeck.FailedPreconditionError, match="apt-get install chromium"):
            client.browser.navigate("https://example.org/")


async def test_async_sample_app_in_the_browser_panel_follows_the_drive(aio_unit):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        app = aio_unit.websocket_url.replace("ws://", "http://").replace(
            "/v1/events", "/app/drive_state.html"
        )
        states = client.browser.watch_state()
        await client.browser.navigate(app)
        title = ""
        while title != "0 km/h · parked":
            title = (await asyncio.wait_for(states.__anext__(), 10)).title
        # Driving locks the panel, but the page keeps following the bridge
        # underneath the lock overlay; its title says so.
        await client.update_vehicle_state(gear=Gear.DRIVE, parking_brake_on=False, speed_kmh=50)
        while title != "50 km/h · driving":
            title = (await asyncio.wait_for(states.__anext__(), 10)).title
        await states.aclose()
