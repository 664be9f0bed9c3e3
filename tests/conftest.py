"""Shared test settings: colour on (Textual turns monochrome under NO_COLOR), patient hypothesis."""

import os

from hypothesis import HealthCheck, settings

os.environ.pop("NO_COLOR", None)

# Shared, noisy machines: no per-example deadline; a fixed number of examples keeps CI steady.
settings.register_profile("cnn-tui", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("cnn-tui")


def pytest_collection_modifyitems(items):
    """Mark every test that drives the Textual app as ``app``: coroutine tests (Textual's pilot)
    and SVG snapshot tests here, headless runs by a module-level ``pytestmark``. The fast part
    of the suite runs alone with ``pytest -m "not app"``."""
    import inspect

    import pytest

    for item in items:
        fn = getattr(item, "function", None)
        if inspect.iscoroutinefunction(fn) or "snap_compare" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.app)
