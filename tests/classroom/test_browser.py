"""The served app in a real web browser: Debian's chromium, driven by Playwright, opens the page
of a running ``cnn-tui serve``, answers the name prompt, reads the lesson, and solves the first
quiz puzzle; the learner's progress file on the server then says so.

Playwright never downloads a browser here: ``.ci/run`` installs chromium with apt-get."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
WAIT_SECONDS = 60.0
VIEWPORT = {"width": 1280, "height": 800}
FIRST_PUZZLE = "practice-first-cell"   # 'cnn-tui puzzles list', number 1

# textual.js keeps its xterm.js Terminal in a local variable; catch it as it is stored on the
# client object (the first assignment to a property named 'terminal') and keep it on window.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, 'terminal', {configurable: true, set(v) {
  delete Object.prototype.terminal;
  Object.defineProperty(this, 'terminal', {value: v, writable: true, configurable: true,
                                           enumerable: true});
  window.__xterm = v; window.__textualClient = this; }});
"""

READ_SCREEN = """() => {
  const t = window.__xterm; if (!t) return null;
  const b = t.buffer.active, out = [];
  for (let i = 0; i < t.rows; i++) {
    const l = b.getLine(b.viewportY + i); out.push(l ? l.translateToString(true) : '');
  }
  return out.join('\\n');
}"""


def screen_text(page: Page) -> str:
    """The text the browser's terminal shows now, one line per row ('' before the terminal
    exists). Read from xterm.js's own buffer, so it is what the learner sees, without colours."""
    return page.evaluate(READ_SCREEN) or ""


def wait_for_text(page: Page, text: str, served) -> str:
    """Poll the terminal until it shows ``text``; return the whole screen."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        screen = screen_text(page)
        if text in screen:
            return screen
        if time.monotonic() > deadline:
            pytest.fail(f"{text!r} not on the browser's screen after {WAIT_SECONDS} s.\n"
                        f"Screen:\n{screen}\n\nServer output:\n{served.output()}")
        page.wait_for_timeout(200)


def wait_for_record(served, folder: str, attempts: int) -> dict:
    """Poll the learner's progress file until puzzle 1 shows ``attempts`` checks; return its
    record."""
    path = served.progress_file(folder)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            record = json.loads(path.read_text())["puzzles"][FIRST_PUZZLE]
            if record["attempts"] == attempts:
                return record
        except (OSError, ValueError, KeyError):
            record = None
        if time.monotonic() > deadline:
            pytest.fail(f"{path} does not show {attempts} check(s) of {FIRST_PUZZLE} after "
                        f"{WAIT_SECONDS} s (record: {record}).\nServer output:\n{served.output()}")
        time.sleep(0.2)


def test_a_learner_solves_the_first_puzzle_in_a_browser(served, tmp_path):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: this test drives Debian's chromium. .ci/run installs "
                    "it (apt-get install chromium); run that, or install it yourself.")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(WAIT_SECONDS * 1000)
            # The page's only outside request (a web font); the network here is closed.
            page.route("**/fonts.googleapis.com/**", lambda route: route.abort())
            page.add_init_script(CATCH_TERMINAL)
            page.goto(served.url)

            prompt = wait_for_text(page, "What is your name?", served)
            page.wait_for_selector("body.-first-byte")
            page.wait_for_timeout(400)   # the terminal fades in
            shot_a = page.screenshot(path=tmp_path / "a-name-prompt.png")

            page.evaluate("() => window.__xterm.focus()")   # keys go where the focus is
            page.keyboard.type("Browser Learner")
            page.keyboard.press("Enter")
            wait_for_text(page, "Computers are literal", served)
            lesson = wait_for_text(page, "Welcome, Browser Learner.", served)
            page.wait_for_timeout(400)
            shot_b = page.screenshot(path=tmp_path / "b-lesson.png")
            assert shot_a != shot_b
            assert "Computers are literal" not in prompt
            assert "1/15" in lesson and "Computers are literal" in lesson
            assert "What is your name?" not in lesson

            page.keyboard.press("z")
            wait_for_text(page, "Quiz 1/37", served)
            page.keyboard.type("0")   # wrong: checked, kept, not solved
            page.keyboard.press("Enter")
            wait_for_text(page, "Not right yet", served)
            assert wait_for_record(served, "browser-learner", 1)["solved"] is False

            page.keyboard.press("Backspace")
            page.keyboard.type("19")   # 0*0 + 1*1 + 3*2 + 4*3
            page.keyboard.press("Enter")
            quiz = wait_for_text(page, "Right!", served)
            page.screenshot(path=tmp_path / "c-quiz-solved.png")
            assert "✓ solved · tries 2" in quiz
        finally:
            browser.close()

    assert served.progress_file("browser-learner").exists()
    assert wait_for_record(served, "browser-learner", 2)["solved"] is True
