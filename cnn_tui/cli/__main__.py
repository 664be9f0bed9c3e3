"""``python -m cnn_tui.cli``: the same as ``cnn-tui``."""

from cnn_tui.cli import main

if __name__ == "__main__":
    main()
