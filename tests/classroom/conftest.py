import pytest

import served as _served


@pytest.fixture
def served(tmp_path):
    """A running ``cnn-tui serve`` with its data in ``tmp_path / "class data"`` (a space in
    the path on purpose: the app command must keep it one argument)."""
    server = _served.start(tmp_path / "class data 'q\"", tmp_path / "serve.log")
    try:
        yield server
    finally:
        _served.stop(server)
