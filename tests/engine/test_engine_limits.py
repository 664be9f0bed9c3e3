"""Absurd settings and overflowing values get one clear sentence, never a NumPy crash."""

import numpy as np
import pytest
from click.testing import CliRunner

from cnn_tui.cli import cli
from cnn_tui.engine import EngineError, conv_single, pool_single, run_pipeline
from cnn_tui.engine.shapes import MAX_CELLS, MAX_SETTING

SMALL = np.arange(4.0).reshape(2, 2)
HUGE = 1e308


@pytest.mark.parametrize("kw, says", [
    ({"stride": 2 * 10**18}, "stride must be at most"),
    ({"dilation": 10**20}, "dilation must be at most"),
    ({"padding": 10**11}, "padding must be at most"),
    ({"padding": 30_000}, "padded input would hold"),
])
def test_absurd_settings_are_refused(kw, says):
    with pytest.raises(EngineError, match=says):
        conv_single(SMALL, np.ones((1, 1)), **kw)


def test_the_limits_leave_room_for_real_work():
    # A stride far larger than the input is legal: one window, output 1x1 (by hand: 0*1 = 0).
    assert conv_single(SMALL, np.ones((1, 1)), stride=MAX_SETTING).tolist() == [[0.0]]
    assert MAX_CELLS >= 256 * 16 * 64 * 64  # the largest benchmark input fits


def test_overflow_is_an_error_on_single_picture_paths():
    x = np.array([[HUGE, HUGE], [1.0, 1.0]])
    with pytest.raises(EngineError, match="overflows"):
        conv_single(x, np.ones((1, 2)))
    with pytest.raises(EngineError, match="overflows"):
        pool_single(x, "avg", 2)
    with pytest.raises(EngineError, match="overflows"):
        run_pipeline(np.full((9, 9), HUGE), {"a": np.ones((3, 3))}, {"X": [0]})


@pytest.mark.parametrize("args, says", [
    (["--stride", "2000000000000000000"], "stride must be at most"),
    (["--dilation", "99999999999999999999"], "dilation must be at most"),
    (["--padding", "30000"], "padded input would hold"),
    (["--padding", "99999999999"], "padding must be at most"),
])
def test_cli_refuses_absurd_settings_in_one_line(args, says):
    res = CliRunner().invoke(cli, ["convolve", "--input", "1 2; 3 4", "--kernel", "1", *args])
    assert res.exit_code == 2
    assert says in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.output


def test_cli_overflow_is_one_line_not_infinity_json():
    big = "1" + "0" * 308
    res = CliRunner().invoke(cli, ["convolve", "--input", f"{big} {big}; 1 1", "--kernel", "1 1",
                                   "--json"])
    assert res.exit_code == 2 and "overflows" in res.stderr
    assert "Infinity" not in res.stdout and len(res.stderr.strip().splitlines()) == 1
