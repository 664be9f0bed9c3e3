"""cnn-tui: learn how a convolutional neural network sees, step by step, in the terminal."""

__version__ = "0.1.0"
