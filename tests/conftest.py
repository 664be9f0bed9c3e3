"""Shared test settings: colour on (Textual turns monochrome under NO_COLOR), patient hypothesis."""

import os

from hypothesis import HealthCheck, settings

os.environ.pop("NO_COLOR", None)

# Shared, noisy machines: no per-example deadline; a fixed number of examples keeps CI steady.
settings.register_profile("cnn-tui", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("cnn-tui")
