"""Your own picture for the lesson (``cnn-tui --picture FILE``): an image file or a text matrix.

:func:`load_picture` reads one file and returns a :class:`Picture`: a 2-D float64 array whose
every side is :data:`MIN_SIDE` to :data:`MAX_SIDE` pixels, with values in [-1, 1], +1 for ink
(dark) and -1 for paper (light), as in the lecture's X's and O's.

* An **image** (PNG, JPEG, GIF's first frame, BMP, WebP, TIFF, PPM), told by its content, never
  by its extension. EXIF orientation is applied, an alpha channel is laid on white paper, the
  picture is resized by Pillow (box filter: each new pixel is the mean of the old ones it covers)
  so that its longer side is ``side`` (by default :data:`DEFAULT_SIDE`, or the image's own
  size when it is smaller), the shorter side in proportion, and turned grey (Pillow's ``L``:
  ``R*299/1000 + G*587/1000 + B*114/1000``). A grey level ``g`` of 0..255 becomes
  ``1 - 2*g/255``: black +1, white -1.
* A **text matrix**, as ``@FILE`` takes one (rows on lines or separated by ``;``, values by
  spaces or commas; see :func:`cnn_tui.inputs.parse_matrix`), with every value in [-1, 1]. It
  keeps its own size: ``side`` resizes images only.

Every problem raises :class:`PictureError` with one sentence (what is wrong, what to do).
Limits, checked before anything is decoded: a file is at most :data:`MAX_FILE_BYTES` bytes, an
image at most :data:`MAX_PIXELS` pixels (its header is read first, so a decompression bomb is
refused without being unpacked); a cut-short image is an error, never half a picture. Folders,
devices and named pipes with no writer are refused without waiting (see
:func:`cnn_tui.files.read_text_limited`); a pipe can bring a text picture only.

NumPy and Pillow are imported inside the functions, so the command line starts without them.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cnn_tui.files import MAX_TEXT_BYTES
from cnn_tui.inputs import shown, shown_path

if TYPE_CHECKING:
    import numpy as np

MIN_SIDE = 3                     # a picture is at least 3x3 pixels, so a 3x3 kernel fits
MAX_SIDE = 128                   # ... and at most 128 on a side
DEFAULT_SIDE = 32                # an image's longer side when no --side is given
MAX_FILE_BYTES = 50_000_000      # a picture file, image or text
MAX_PIXELS = 50_000_000          # an image's width x height, read from its header
NAME_CHARS = 24                  # a picture's name in captions

# The formats Pillow is asked to try: each starts with a magic number, so no text file is ever
# mistaken for one (Pillow's formats without one, such as TGA, would try any bytes).
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF", "PPM")
FORMATS_SHOWN = "PNG, JPEG, GIF, BMP, WebP, TIFF"
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"),
          (b"GIF89a", "GIF"), (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"))
WHAT = "picture file"


class PictureError(ValueError):
    """A file that gives no picture: one sentence for the user."""


@dataclass(frozen=True)
class Picture:
    """A loaded picture: ``pixels`` in [-1, 1] (+1 ink, -1 paper), float64, each side
    :data:`MIN_SIDE`..:data:`MAX_SIDE`; ``name`` for captions (the file's stem, printable, at
    most :data:`NAME_CHARS` characters); ``source`` is ``"image"`` or ``"text"``."""

    name: str
    pixels: np.ndarray
    source: str


_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")


def check_side(side) -> int:
    """The ``--side`` value as an int: a whole number from :data:`MIN_SIDE` to
    :data:`MAX_SIDE` (an int, or text of digits), else :class:`PictureError`."""
    limits = f"a whole number from {MIN_SIDE} to {MAX_SIDE}"
    if isinstance(side, bool):
        raise PictureError(f"--side takes {limits}, got {side}")
    if isinstance(side, int):
        value = side
    else:
        text = str(side).strip()
        if not _WHOLE.fullmatch(text):
            raise PictureError(f"--side takes {limits}, got {shown(text)}")
        value = int(text)
    if not MIN_SIDE <= value <= MAX_SIDE:
        raise PictureError(f"--side takes {limits}, got {value}")
    return value


def picture_name(path: str | os.PathLike) -> str:
    """The caption name of ``path``: its stem (``photo`` for ``~/photo.png``), printable
    characters only, cut to :data:`NAME_CHARS` characters with ``…``; ``picture`` if nothing
    is left."""
    stem = Path(os.fspath(path)).stem
    name = "".join(ch for ch in stem if ch.isprintable()).strip()
    if not name:
        return "picture"
    return name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "…"


def load_picture(path: str | os.PathLike, side: int | None = None) -> Picture:
    """The picture in the file at ``path`` (an image or a text matrix; see the module's text).

    ``side``: an image's longer side after resizing (:data:`MIN_SIDE`..:data:`MAX_SIDE`); None
    keeps an image's own size up to :data:`DEFAULT_SIDE`. A text picture keeps its own size,
    so a ``side`` other than its longer side is refused. Raises :class:`PictureError`.
    """
    if side is not None:
        side = check_side(side)
    try:
        path = os.fspath(path)
    except TypeError:
        raise PictureError(f"give a file name for the picture, not {type(path).__name__}") \
            from None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not path:
        raise PictureError("give a file name for the picture: a PNG, JPEG or text file")
    if "\0" in path:
        raise PictureError(f"the {WHAT} name {shown_path(path)} cannot hold a NUL character")
    path = os.path.expanduser(path)
    name = shown_path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise PictureError(f"the {WHAT} {name} does not exist") from None
    except OSError as exc:
        raise PictureError(f"cannot read the {WHAT} {name}: "
                           f"{exc.strerror or type(exc).__name__}") from None
    if stat.S_ISDIR(st.st_mode):
        raise PictureError(f"the {WHAT} {name} is a folder, not a file; give a PNG, JPEG or "
                           f"text file")
    if not stat.S_ISREG(st.st_mode):
        # A pipe, a terminal or a device: read_text_limited refuses devices and silent pipes.
        return _text_picture(path, _read_stream(path, name), side, name)
    if st.st_size > MAX_FILE_BYTES:
        raise PictureError(f"the {WHAT} {name} is {st.st_size:,} bytes; the limit is "
                           f"{MAX_FILE_BYTES:,} bytes: give a smaller image")
    data = _read_regular(path, name)
    if not data:
        raise PictureError(f"the {WHAT} {name} is empty; give a PNG, JPEG or text picture")
    pixels = _image_pixels(data, side, name)
    if pixels is not None:
        return Picture(picture_name(path), pixels, "image")
    return _text_picture(path, _decode_text(data, name), side, name)


# --- reading ---------------------------------------------------------------------------------
def _read_regular(path: str, name: str) -> bytes:
    """The bytes of a regular file, at most MAX_FILE_BYTES (a file that grew is refused).

    Opened without blocking and checked again: a file swapped for a named pipe since the
    ``stat`` never makes the read wait."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise PictureError(f"cannot read the {WHAT} {name}: "
                           f"{exc.strerror or type(exc).__name__}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise PictureError(f"the {WHAT} {name} changed while it was read; try again")
        chunks: list[bytes] = []
        total = 0
        while total <= MAX_FILE_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise PictureError(f"cannot read the {WHAT} {name}: "
                           f"{exc.strerror or type(exc).__name__}") from None
    finally:
        os.close(fd)
    if total > MAX_FILE_BYTES:
        raise PictureError(f"the {WHAT} {name} is more than {MAX_FILE_BYTES:,} bytes; give a "
                           f"smaller image")
    return b"".join(chunks)


def _read_stream(path: str, name: str) -> str:
    """The text on a pipe or terminal, through read_text_limited (never waits on a named pipe
    with no writer, refuses devices, at most 1 MB)."""
    from cnn_tui.files import FileRefused, read_text_limited

    try:
        return read_text_limited(path, what=WHAT)
    except FileNotFoundError:
        raise PictureError(f"the {WHAT} {name} does not exist") from None
    except FileRefused as exc:
        message = str(exc).replace(repr(str(path)), name)
        raise PictureError(message.replace("give a text file", "give an image or a text "
                                           "file")) from None
    except UnicodeDecodeError:
        raise PictureError(f"the {WHAT} {name} is a pipe that does not carry text; a pipe can "
                           f"bring a text picture only: save an image to a file and give "
                           f"that") from None
    except OSError as exc:
        raise PictureError(f"cannot read the {WHAT} {name}: "
                           f"{exc.strerror or type(exc).__name__}") from None


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _neither(name: str) -> PictureError:
    return PictureError(f"the {WHAT} {name} is neither an image Pillow can read "
                        f"({FORMATS_SHOWN}) nor a text matrix of numbers")


def _decode_text(data: bytes, name: str) -> str:
    """``data`` as text, or the 'neither an image nor a text matrix' error."""
    if len(data) > MAX_TEXT_BYTES:
        raise PictureError(f"the {WHAT} {name} is no image Pillow can read ({FORMATS_SHOWN}), "
                           f"and at {len(data):,} bytes it is too long for a text picture "
                           f"(at most {MAX_TEXT_BYTES:,} bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _neither(name) from None
    if _CONTROL.search(text):
        raise _neither(name)
    return text.removeprefix("\ufeff")


# --- text pictures ---------------------------------------------------------------------------
def _text_picture(path: str, text: str, side: int | None, name: str) -> Picture:
    import numpy as np

    from cnn_tui.inputs import InputError, parse_matrix

    if text.strip() and not re.search(r"[0-9]", text):
        raise _neither(name)
    try:
        pixels = parse_matrix(text, "picture")
    except InputError as exc:
        raise PictureError(f"in the {WHAT} {name}, {exc}") from None
    rows, cols = pixels.shape
    if not (MIN_SIDE <= rows <= MAX_SIDE and MIN_SIDE <= cols <= MAX_SIDE):
        raise PictureError(f"the picture in {name} is {rows}x{cols} (rows x columns); a picture "
                           f"is {MIN_SIDE} to {MAX_SIDE} pixels on each side")
    if not np.isfinite(pixels).all():   # pragma: no cover - parse_matrix refuses NaN and inf
        raise PictureError(f"the picture in {name} holds a value that is not a number")
    low, high = float(pixels.min()), float(pixels.max())
    if low < -1 or high > 1:
        raise PictureError(f"the values of the picture in {name} run from {low:g} to {high:g}; "
                           f"a picture's pixels lie between -1 (paper) and 1 (ink)")
    if side is not None and side != max(rows, cols):
        raise PictureError(f"--side resizes image files; a text picture keeps its own size "
                           f"({rows}x{cols} in {name}): drop --side")
    return Picture(picture_name(path), np.ascontiguousarray(pixels, dtype=np.float64) + 0.0,
                   "text")


# --- images ----------------------------------------------------------------------------------
_BOMB_SIZE = re.compile(r"\((\d+) pixels\)")


def _too_many(name: str, pixels: int) -> PictureError:
    return PictureError(f"the {WHAT} {name} has {pixels:,} pixels; an image may have at most "
                        f"{MAX_PIXELS:,}: shrink it first")


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 100 else text[:99] + "…"


def _target(width: int, height: int, side: int | None, name: str) -> tuple[int, int]:
    """The size (width, height) an image of ``width`` x ``height`` is resized to."""
    longer, shorter = max(width, height), min(width, height)
    goal = side if side is not None else min(longer, DEFAULT_SIDE)
    if goal < MIN_SIDE:
        raise PictureError(f"the image in {name} is {width}x{height} pixels; a picture needs at "
                           f"least {MIN_SIDE} on each side")
    def short_side(longer_side: int) -> int:
        return max(1, (shorter * longer_side + longer // 2) // longer)     # rounded half up

    short = short_side(goal)
    if short < MIN_SIDE:
        enough = next((n for n in range(goal + 1, MAX_SIDE + 1) if short_side(n) >= MIN_SIDE),
                      None)
        advice = (f"give a side of {enough} or more, or crop it" if enough is not None else
                  f"crop it: no side up to {MAX_SIDE} makes a picture this narrow "
                  f"{MIN_SIDE} pixels wide")
        raise PictureError(f"the image in {name} is {width}x{height} pixels: with its longer "
                           f"side at {goal}, its shorter side would be {short}, under the "
                           f"minimum of {MIN_SIDE}; {advice}")
    return (goal, short) if width >= height else (short, goal)


def _magic_kind(data: bytes) -> str | None:
    """The image format ``data`` starts like (by its magic number), or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def _image_pixels(data: bytes, side: int | None, name: str) -> np.ndarray | None:
    """The pixels of the image in ``data``, or None when ``data`` is no image at all."""
    import io
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 megapixels and refuses from 179; we refuse from 50 below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))
    except Image.DecompressionBombError as exc:
        found = _BOMB_SIZE.search(str(exc))
        if found:
            raise _too_many(name, int(found.group(1))) from None
        raise PictureError(f"the {WHAT} {name} has too many pixels; an image may have at most "
                           f"{MAX_PIXELS:,}: shrink it first") from None
    # A decoder reading untrusted bytes: any failure is a bad file.
    except Exception as exc:  # noqa: BLE001
        kind = _magic_kind(data)
        if kind is not None:
            raise PictureError(f"the {WHAT} {name} starts like a {kind} image but Pillow cannot "
                               f"read its header ({_why(exc)}): the file is damaged") from None
        if isinstance(exc, UnidentifiedImageError):
            return None                      # no image: the caller tries a text matrix
        raise PictureError(f"the {WHAT} {name} is a damaged image ({_why(exc)})") from None
    kind = im.format or "image"
    try:
        with im:
            width, height = im.size
            if width * height > MAX_PIXELS:
                raise _too_many(name, width * height)
            if width < 1 or height < 1:
                raise PictureError(f"the {kind} image in {name} has no pixels")
            return _decode(im, side, name)
    except PictureError:
        raise
    except MemoryError:
        raise PictureError(f"the {kind} image in {name} is too large to decode here; give a "
                           f"smaller image") from None
    # A cut-short file ('image file is truncated'), broken data, bad EXIF...
    except Exception as exc:  # noqa: BLE001
        raise PictureError(f"the {WHAT} {name} is a damaged or cut-short {kind} image "
                           f"({_why(exc)}); save it again and retry") from None


def _decode(im, side: int | None, name: str) -> np.ndarray:
    """Decode the opened image ``im`` into the picture's values (see the module's text)."""
    import numpy as np
    from PIL import Image, ImageOps

    # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale straight away: far faster and smaller.
    # (The longer side is the same whichever way the EXIF orientation turns the image.)
    goal = side if side is not None else DEFAULT_SIDE
    if im.format == "JPEG":
        im.draft(None, (goal, goal))
    im.load()                                # a cut-short file raises OSError here
    im = ImageOps.exif_transpose(im)
    size = _target(im.width, im.height, side, name)

    # Bring every mode to L, LA, RGB, RGBA or F (a grey level 0..255 in floats).
    mode = im.mode
    if mode.startswith("I") and im.size != size:
        # Shrink the integers first: turned into floats at full size, a 7000x7000 16-bit
        # image would take more than a gigabyte on its way to 128 pixels a side. Pillow
        # resizes I;16 (little-endian) and I as they are; other orders (I;16B) would be
        # averaged as the wrong bytes, so they become I first. Values beyond 16 bits are
        # clipped before averaging, as the float path below does: those keep that path.
        if mode not in ("I", "I;16", "I;16L"):
            im = im.convert("I")
        low, high = im.getextrema()
        if 0 <= low and high <= 65535:
            im = im.resize(size, Image.Resampling.BOX)
    if mode.startswith("I") or mode == "F":
        arr = np.asarray(im, dtype=np.float64)
        if mode.startswith("I"):             # 16-bit grey (PNG, TIFF): 0..65535
            arr = arr * (255.0 / 65535.0)
        arr = np.clip(np.nan_to_num(arr, nan=255.0), 0.0, 255.0)
        im = Image.fromarray(arr.astype(np.float32), mode="F")
    elif mode not in ("L", "LA", "RGB", "RGBA"):
        has_alpha = "A" in mode or "a" in mode or "transparency" in im.info
        im = im.convert("RGBA" if has_alpha else "RGB")
    elif "transparency" in im.info:          # a grey or RGB image with one transparent colour
        im = im.convert("RGBA")

    # Resize first (Pillow weights colours by their alpha), then lay the result on white.
    if im.size != size:
        im = im.resize(size, Image.Resampling.BOX)
    if im.mode in ("LA", "RGBA"):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba)
    if im.mode != "F":
        im = im.convert("L")
    grey = np.asarray(im, dtype=np.float64)
    pixels = 1.0 - 2.0 * grey / 255.0
    return np.ascontiguousarray(np.clip(pixels, -1.0, 1.0)) + 0.0
