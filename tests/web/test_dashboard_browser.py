"""The dashboard in a real browser (Debian's chromium, headless, driven by Playwright) on a running worker: the
map and the headline after a seed replay, a city's claims on a click, a new item appearing without a reload,
keyboard use, a phone-sized window, and no console errors. It saves a screenshot (docs/dashboard.png comes from it:
DASHBOARD_SCREENSHOT=docs/dashboard.png)."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect, sync_playwright

from worker.feed import ArchivedDocument

# Chromium's start and the worker's mirror can take seconds on a loaded 2-core machine.
expect.set_options(timeout=30_000)

#: A new item, written for this test: an anti-mobilisation rally with a figure in a city no seed reports.
KAZAN_ITEM = ArchivedDocument("test-kazan-rally", """Dozens detained in Kazan at rally against mobilisation

KAZAN, Sept 24, 2022 - Police in Kazan detained 57 people on Saturday at a rally against the partial mobilisation
announced by President Vladimir Putin on Wednesday, the monitoring group OVD-Info said.""")


def in_a_thread(function, *args):
    """Playwright's sync API keeps an event loop running in this thread, so the pipeline's asyncio.run calls go to
    another one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result()


def chromium_path() -> str:
    """Debian's chromium, which `make test` installs (`make browser`)."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "no chromium on this machine: `make browser` installs Debian's package"
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(served_seeds, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: page.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.goto(f"http://127.0.0.1:{served_seeds.workers[0].env['PROTEST_TALLY_WEB_PORT']}/#anti-war-2022")
    yield page
    context.close()


def test_the_map_the_headline_a_click_and_a_live_update(page, served_seeds, tmp_path):
    expect(page.locator("#nationwide-figure")).to_have_text("4,000")
    # The seeds name anti-war cities, none with a figure: the list says so instead of showing nothing.
    expect(page.locator("#top-cities")).to_have_text("No city has a figure in this wave yet.")
    page.locator("#tab-other").click()  # no seed is of no wave
    expect(page.locator("#places tbody")).to_have_text("No report of this wave yet.")
    page.locator("#tab-anti-war-2022").click()
    expect(page.locator("#bubbles circle[data-place='Moscow']")).to_have_count(1)
    expect(page.locator("#countries path")).not_to_have_count(0)
    radii = page.evaluate("[...document.querySelectorAll('#bubbles circle')].map((c) => Number(c.getAttribute('r')))")
    assert radii == sorted(radii, reverse=True), "smaller bubbles are drawn over larger ones, so they can be clicked"

    page.locator("#tab-mobilisation-2022").click()
    expect(page.locator("#tab-mobilisation-2022")).to_have_attribute("aria-selected", "true")
    page.locator("#bubbles circle[data-place='Moscow']").click()
    expect(page.locator("#detail-place")).to_have_text("Moscow")
    moscow = in_a_thread(served_seeds.tally)["mobilisation-2022/Moscow"]
    for claim in moscow.claims:
        expect(page.locator("#detail")).to_contain_text(claim.quote)
        expect(page.locator("#detail .documents")).to_contain_text(claim.first_doc_id)

    page.evaluate("window.loadedOnce = true")
    in_a_thread(served_seeds.replay, [KAZAN_ITEM])
    expect(page.locator("#bubbles circle[data-place='Kazan']")).to_have_count(1, timeout=20_000)
    expect(page.locator("#top-cities")).to_contain_text("Kazan")
    assert page.evaluate("window.loadedOnce"), "the page was reloaded"

    page.screenshot(path=os.environ.get("DASHBOARD_SCREENSHOT") or str(tmp_path / "dashboard.png"), full_page=True)
    assert page.console_errors == []


def test_keyboard_alone_reaches_a_city(page):
    expect(page.locator("#nationwide-figure")).to_have_text("4,000")
    page.keyboard.press("Tab")
    expect(page.locator("#tab-anti-war-2022")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-mobilisation-2022")).to_be_focused()
    expect(page.locator("#tab-mobilisation-2022")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Tab")  # to the first bubble of the map
    place = page.evaluate("document.activeElement.dataset.place")
    assert place and page.evaluate("document.activeElement.tagName") == "circle"
    page.keyboard.press("Enter")
    expect(page.locator("#detail-place")).to_have_text(place)
    page.locator("#places button[data-place='Saint Petersburg']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#detail-place")).to_have_text("Saint Petersburg")
    assert page.console_errors == []


def test_a_phone_sized_window_needs_no_sideways_scrolling(page):
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#nationwide-figure")).to_have_text("4,000")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    map_box, table_box = page.locator("#map").bounding_box(), page.locator("#places").bounding_box()
    assert map_box["width"] <= 390 and table_box["width"] <= 390
    assert page.console_errors == []
