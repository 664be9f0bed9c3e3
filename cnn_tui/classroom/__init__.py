"""The classroom: the app served to web browsers (``cnn-tui serve``), one app per browser tab.

:mod:`.server` runs the web server (textual-serve's, with our own process start and page
addresses); :mod:`.client` speaks the page's websocket protocol, for the tests and
``bench/serve.py``. Neither imports Textual: every tab's app is its own process.
"""
