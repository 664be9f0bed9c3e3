"""Regression tests for the reviewer's findings on the app, the CLI and the headless runner.

Expected values come from hand calculation (worked in the comments) or tests/golden/lecture.toml.
"""

from __future__ import annotations

import os
import re
import stat
from fractions import Fraction

import numpy as np
import pytest
from click.testing import CliRunner

from cnn_tui.cli import cli
from cnn_tui.headless import run_headless, screen_text
from cnn_tui.lesson.model import LessonModel, ModelError
from cnn_tui.tui.app import CnnTuiApp


def make(start="literal", **kw) -> CnnTuiApp:
    kw.setdefault("play_interval", 0.01)
    return CnnTuiApp(start=start, **kw)


def flat(text: str) -> str:
    """Screen text with line breaks and runs of spaces folded (wrapped sentences read whole)."""
    return " ".join(text.split())


def headless(capsys, screen="convolution", keys=None, script=None, svg=None, app_kwargs=None):
    kw = {"play_interval": 0.01, **(app_kwargs or {})}
    code = run_headless(screen, (100, 36), keys, script, svg, app_kwargs=kw)
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ 1. exit code of a crashed app
def test_lesson_exit_code_follows_a_crashed_app(monkeypatch):
    """`cnn-tui` and `cnn-tui run` report the app's own return code (1 after a crash), not 0."""
    from cnn_tui.tui.screens.lesson import LessonScreen

    real_run = CnnTuiApp.run

    def run_headless_app(self, **kw):                # no terminal here: same app, headless
        return real_run(self, headless=True, size=(100, 36))

    async def crash(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(CnnTuiApp, "run", run_headless_app)
    monkeypatch.setattr(LessonScreen, "on_mount", crash)
    for args in ([], ["run", "--screen", "pooling"]):
        r = CliRunner().invoke(cli, args, prog_name="cnn-tui")
        assert r.exit_code == 1, (args, r.output)


def test_lesson_exit_code_is_0_after_a_normal_quit(monkeypatch):
    real_run = CnnTuiApp.run

    def run_and_quit(self, **kw):
        self.call_later(self.exit)
        return real_run(self, headless=True, size=(100, 36))

    monkeypatch.setattr(CnnTuiApp, "run", run_and_quit)
    r = CliRunner().invoke(cli, [], prog_name="cnn-tui")
    assert r.exit_code == 0, r.output


# ------------------------------------------------------------------ 2. headless bad inputs
def test_script_that_is_not_utf8_is_one_line(tmp_path, capsys):
    script = tmp_path / "latin1.txt"
    script.write_bytes("press right\nexpect caf\xe9\n".encode("latin-1"))
    code, out, err = headless(capsys, script=str(script))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("cnn-tui: error: ")
    assert "latin1.txt" in err and "UTF-8" in err


def test_svg_option_on_an_existing_folder(tmp_path, capsys):
    code, out, err = headless(capsys, svg=str(tmp_path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "is a folder" in err


def test_svg_script_line_on_an_existing_folder(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text(f"press right\nsvg {tmp_path}\n")
    code, out, err = headless(capsys, script=str(script))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "s.txt line 2" in err and "is a folder" in err


def test_svg_in_a_folder_that_cannot_be_written(tmp_path, capsys):
    # /proc accepts no new files, even for root: checked up front or at the write, one line.
    code, out, err = headless(capsys, svg="/proc/x.svg")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("cnn-tui: error: ") and "/proc/x.svg" in err
    assert "Traceback" not in out + err
    script = tmp_path / "s.txt"
    script.write_text("press right\nsvg /proc/x.svg\n")
    code, out, err = headless(capsys, script=str(script))
    assert code == 2 and err.count("\n") == 1 and "/proc/x.svg" in err


def test_svg_parent_that_is_a_file(tmp_path, capsys):
    (tmp_path / "plain").write_text("")
    code, out, err = headless(capsys, svg=str(tmp_path / "plain" / "x.svg"))
    assert code == 2 and err.count("\n") == 1 and "cnn-tui: error: " in err


def test_svg_write_failure_is_one_line(tmp_path, capsys, monkeypatch):
    """Whatever OSError the atomic write meets becomes one line and exit 2."""
    def refuse(src, dst):
        raise IsADirectoryError(21, "Is a directory")

    monkeypatch.setattr(os, "replace", refuse)
    code, out, err = headless(capsys, svg=str(tmp_path / "a.svg"))
    assert code == 2
    assert err == (f"cnn-tui: error: cannot write the SVG {str(tmp_path / 'a.svg')!r}: "
                   "Is a directory\n")
    assert list(tmp_path.iterdir()) == []                   # the temp file is cleaned up


def test_svg_write_failure_mid_script_is_one_line(tmp_path, capsys, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    script = tmp_path / "s.txt"
    target = tmp_path / "mid.svg"
    script.write_text(f"press right\nsvg {target}\npress right\n")
    code, out, err = headless(capsys, script=str(script))
    assert code == 2 and err.count("\n") == 1
    assert "cannot write the SVG" in err and "Permission denied" in err


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_svg_file_mode_follows_the_umask(tmp_path, capsys, umask, mode):
    old = os.umask(umask)
    try:
        code, _, _ = headless(capsys, svg=str(tmp_path / "a.svg"))
    finally:
        os.umask(old)
    assert code == 0
    assert stat.S_IMODE((tmp_path / "a.svg").stat().st_mode) == mode


def test_svg_is_synced_before_it_replaces_the_target(tmp_path, capsys, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append("fsync")
        return real_fsync(fd)

    def replace(src, dst):
        events.append("replace")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    code, _, _ = headless(capsys, svg=str(tmp_path / "a.svg"))
    assert code == 0 and (tmp_path / "a.svg").read_text().startswith("<svg")
    assert "fsync" in events and events.index("fsync") < events.index("replace")


# ------------------------------------------------------------- 3. the literal chapter's verdict
async def literal_text(compare: str) -> tuple[LessonModel, str]:
    app = make("literal")
    async with app.run_test(size=(100, 36)) as pilot:
        app.model.compare = compare
        app.lesson._act(lambda: None)        # redraw, as after a key
        await pilot.pause()
        return app.model, flat(screen_text(app))


async def test_literal_same_letter_shifted():
    # x's ink: 7 on "\" + 6 more on "/" = 13 pixels; x_right's ink is the same moved one column
    # right, and no shifted ink lands on old ink: 13 + 13 = 26 disagree, 81 - 26 = 55 agree.
    model, text = await literal_text("x_right")
    assert "55 of 81 pixels agree" in text
    assert "26 pixels (yellow) disagree. A person sees X in both; a pixel-by-pixel check does " \
           "not." in text


async def test_literal_other_letter():
    # o's ink: 3+2+2+2+2+2+3 = 16 pixels; shared with x's 13: (2,2) (2,6) (6,2) (6,6) = 4.
    # Disagree: 13 + 16 - 2*4 = 21; agree: 81 - 21 = 60.
    model, text = await literal_text("o")
    assert "60 of 81 pixels agree" in text
    assert "21 pixels (yellow) disagree. A person sees an X and an O, yet 60 pixels agree: " \
           "counting pixels is a poor judge of shape." in text
    assert "sees O in both" not in text and "in both" not in text


async def test_literal_identical_pictures():
    model, text = await literal_text("x")
    assert "81 of 81 pixels agree" in text
    assert "The pictures are identical." in text
    assert "in both" not in text and "disagree" not in text.split("81 of 81")[1]


async def test_literal_with_a_drawing_makes_no_claim_about_letters():
    app = make("literal")
    async with app.run_test(size=(100, 36)) as pilot:
        app.lesson._act(app.model.toggle_pixel, (0, 0))   # x with one more ink pixel
        await pilot.pause()
        text = flat(screen_text(app))
    # x_right disagrees with x on 26 pixels (above); pixel (0,0) is paper in both x and
    # x_right, so inking it adds one: 27.
    verdict = text.split("27 pixels (yellow) disagree.")[1]
    assert verdict.startswith(" A pixel-by-pixel check counts matching pixels; it cannot tell "
                              "which letter your drawing shows.")
    assert "A person sees" not in verdict


# ------------------------------------------------------------------ 4. a tie in the votes
def draw_blank_with_one_corner(model: LessonModel) -> None:
    """Erase every ink pixel of the picture, then ink the top-left corner (as a learner would)."""
    for r, c in zip(*np.nonzero(model.image > 0)):
        model.toggle_pixel((int(r), int(c)))
    model.toggle_pixel((0, 0))


def plain_votes(image, lecture) -> dict[str, Fraction]:
    """The lecture's network in plain loops and exact fractions: conv/9, ReLU, two 2x2 ceil max
    pools, the 12 values in feature order, then the mean of each category's strong positions."""
    def conv(img, k):
        n = len(img) - 2
        return [[Fraction(sum(img[r + i][c + j] * k[i][j] for i in range(3) for j in range(3)),
                          9) for c in range(n)] for r in range(n)]

    def pool(m):
        n = len(m)
        out = []
        for r in range(0, n, 2):
            row = []
            for c in range(0, n, 2):
                row.append(max(m[i][j] for i in range(r, min(r + 2, n))
                               for j in range(c, min(c + 2, n))))
            out.append(row)
        return out

    img = [[int(v) for v in row] for row in image]
    vector = []
    for name in ("diag", "x", "anti"):
        m = conv(img, lecture["features"][name])
        m = [[max(v, Fraction(0)) for v in row] for row in m]
        vector += [v for row in pool(pool(m)) for v in row]
    assert len(vector) == 12
    v = lecture["votes"]
    return {"X": sum(vector[i] for i in v["x_strong"]) / len(v["x_strong"]),
            "O": sum(vector[i] for i in v["o_strong"]) / len(v["o_strong"])}


def test_the_drawn_picture_ties_by_hand(lecture):
    m = LessonModel(chapter="votes")
    draw_blank_with_one_corner(m)
    assert m.picture == "custom" and int((m.image > 0).sum()) == 1 and m.image[0, 0] == 1
    # By hand: 12 values (over 9) diag 5,3,3,3 · x 1,0,0,0 · anti 3,3,3,3;
    # X = (5+3+1+3+3)/(9*5) = 1/3 and O = (3+3+3+3)/(9*4) = 1/3.
    votes = plain_votes(m.image, lecture)
    assert votes == {"X": Fraction(1, 3), "O": Fraction(1, 3)}
    assert m.votes["X"] == pytest.approx(1 / 3) and m.votes["O"] == pytest.approx(1 / 3)
    assert m.tie and m.verdict == "tie"


def test_no_tie_on_the_lecture_pictures_and_future_values():
    m = LessonModel(chapter="votes")
    assert not m.tie and m.verdict == "X"
    m.set_picture("o")
    assert not m.tie and m.verdict == "O"
    m.vote_source = "future"            # 0.912 vs 0.5175 (lecture.toml)
    assert not m.tie and m.verdict == "X"


def test_future_values_tie_is_computed_by_the_model(monkeypatch):
    """The future values' tie uses the same rule as the picture's (difference below 1e-12)."""
    import cnn_tui.lesson.model as model_mod

    # Make X's strong positions and O's strong positions average the same: all values 0.5.
    monkeypatch.setattr(model_mod, "FUTURE_VALUES", (0.5,) * 12)
    m = LessonModel(chapter="votes", vote_source="future")
    assert m.tie and m.verdict == "tie"


async def test_votes_chapter_shows_tie():
    app = make("votes")
    async with app.run_test(size=(100, 36)) as pilot:
        app.lesson._act(draw_blank_with_one_corner, app.model)
        await pilot.pause()
        text = screen_text(app)
        assert "prediction:  tie" in text and "prediction:  X" not in text
        # both bars show 1/3, printed 0.33
        assert re.search(r"\bX [█░]+ 0\.33", text) and re.search(r"\bO [█░]+ 0\.33", text)
        await pilot.press("i")              # back to a lecture picture: a clear verdict
        assert "prediction:  tie" not in screen_text(app)


# ------------------------------------------------------------------ 5. headless runs and progress
def test_headless_quiz_leaves_the_real_progress_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CNN_TUI_DATA_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    r = CliRunner().invoke(cli, ["run", "--headless", "--screen", "quiz", "--size", "100x36",
                                 "--keys", "n h"], prog_name="cnn-tui")   # both save progress
    assert r.exit_code == 0, r.output
    assert "Hint 1/" in r.stdout                 # the keys did reach the quiz
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_headless_quiz_with_data_dir_keeps_progress_there(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CNN_TUI_DATA_DIR", raising=False)
    data = tmp_path / "data"
    r = CliRunner().invoke(cli, ["run", "--headless", "--screen", "quiz", "--size", "100x36",
                                 "--data-dir", str(data), "--keys", "n"], prog_name="cnn-tui")
    assert r.exit_code == 0, r.output
    assert (data / "progress.json").is_file()
    assert not (tmp_path / "home").exists()


def test_headless_quiz_with_env_data_dir_keeps_progress_there(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_TUI_DATA_DIR", str(tmp_path))
    r = CliRunner().invoke(cli, ["run", "--headless", "--screen", "quiz", "--size", "100x36",
                                 "--keys", "n"], prog_name="cnn-tui")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "progress.json").is_file()


def test_run_passes_data_dir_to_the_quiz_in_a_terminal(tmp_path, monkeypatch):
    seen = {}

    def fake_run(self, **kw):
        seen["options"] = self.quiz_options
        seen["start"] = self.start

    monkeypatch.setattr(CnnTuiApp, "run", fake_run)
    r = CliRunner().invoke(cli, ["run", "--screen", "quiz", "--data-dir", str(tmp_path)],
                           prog_name="cnn-tui")
    assert r.exit_code == 0, r.output
    assert seen == {"options": {"data_dir": str(tmp_path)}, "start": "quiz"}


def test_run_headless_honours_a_callers_data_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CNN_TUI_DATA_DIR", raising=False)
    code, out, _ = headless(capsys, screen="quiz", keys="n",
                            app_kwargs={"quiz_options": {"data_dir": str(tmp_path / "d")}})
    assert code == 0 and (tmp_path / "d" / "progress.json").is_file()


# ------------------------------------------------------------------ 6. learner-facing text
@pytest.mark.parametrize("typed", ["5", "0,3", "20,-1,1"])
async def test_params_bad_sizes_message_fits_80_columns(typed):
    app = make("params")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", *typed, "enter")
        await pilot.pause()
        message = app.lesson.message
        assert message and "20,20,20,1" in message
        assert len(" " + message) <= 80                         # the status line's width
        assert message in screen_text(app)                      # shown whole, not cut


def test_params_bad_sizes_messages():
    m = LessonModel(chapter="params")
    with pytest.raises(ModelError, match="at least two"):
        m.set_custom_sizes([5])
    with pytest.raises(ModelError, match="at least 1"):
        m.set_custom_sizes([0, 3])


def test_jump_out_of_range_names_rows_and_columns():
    m = LessonModel(chapter="convolution")
    with pytest.raises(ModelError) as exc:
        m.jump_to((9, 9))
    # 9x9 picture, 3x3 feature: a 7x7 map, indices 0..6 both ways
    assert str(exc.value) == ("9,9 is outside the 7x7 output: rows count from 0 to 6, "
                              "columns from 0 to 6")


def test_jump_out_of_range_on_a_wide_picture():
    # a 9x12 picture and a 3x3 feature: 7 rows (0..6) and 10 columns (0..9)
    m = LessonModel(chapter="convolution", image=-np.ones((9, 12)))
    with pytest.raises(ModelError, match="rows count from 0 to 6, columns from 0 to 9"):
        m.jump_to((0, 10))


async def test_jump_message_fits_80_columns():
    app = make("convolution")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", "9", ",", "9", "enter")
        await pilot.pause()
        message = app.lesson.message
        assert "columns from 0 to 6" in message and message in screen_text(app)
        assert len(" " + message) <= 80


@pytest.mark.parametrize("presses,shown", [(0, "value 0"), (1, "value -1"), (2, "value 1")])
@pytest.mark.parametrize("fractions", [False, True])
async def test_padding_value_printed_one_way(presses, shown, fractions):
    # PAD_VALUES cycle 0 -> -1 -> 1: plain numbers, whatever the number style
    app = make("padding")
    async with app.run_test(size=(100, 36)) as pilot:
        if fractions:
            await pilot.press("d")
        await pilot.press(*["v"] * presses)
        await pilot.pause()
        text = screen_text(app)
        assert f"padding 1 ({shown})" in text
        assert "-1.00)" not in text and "1.00)" not in text
