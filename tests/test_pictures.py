"""Your own picture (cnn_tui.pictures): images and text matrices in, values in [-1, 1] out.

Images are made here with Pillow. Expected values are worked by hand: a grey level g (0..255)
becomes 1 - 2*g/255 (black 0 -> +1 ink, white 255 -> -1 paper, 51 -> 1 - 102/255 = 0.6).
Every bad file is a PictureError of one line that names the problem.
"""

from __future__ import annotations

import os
import random
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile

from cnn_tui.pictures import (DEFAULT_SIDE, MAX_FILE_BYTES, MAX_PIXELS, MAX_SIDE, MIN_SIDE,
                              Picture, PictureError, check_side, load_picture, picture_name)


def v(g):
    """The value of grey level g, computed as the module promises."""
    return 1 - 2 * g / 255


def grey_png(path, rows, mode="L"):
    im = Image.new(mode, (len(rows[0]), len(rows)))
    im.putdata([g for row in rows for g in row])
    im.save(path, "PNG")
    return path


def refused(path, *needles, side=None):
    with pytest.raises(PictureError) as info:
        load_picture(path, side)
    msg = str(info.value)
    assert "\n" not in msg and len(msg) < 400, msg
    for needle in needles:
        assert needle in msg, msg
    return msg


# --- images: exact values -------------------------------------------------------------------------
def test_grey_levels_become_values_exactly(tmp_path):
    rows = [[0, 255, 51, 102],
            [153, 204, 0, 255],
            [255, 0, 102, 51],
            [10, 20, 30, 40]]
    pic = load_picture(grey_png(tmp_path / "greys.png", rows))
    assert isinstance(pic, Picture) and pic.source == "image" and pic.name == "greys"
    assert pic.pixels.dtype == np.float64 and pic.pixels.shape == (4, 4)
    assert pic.pixels.tolist() == [[v(g) for g in row] for row in rows]
    # by hand: 0 -> 1, 255 -> -1, 51 -> 0.6, 102 -> 0.2, 153 -> -0.2, 204 -> -0.6
    assert pic.pixels[0].tolist() == pytest.approx([1, -1, 0.6, 0.2])
    assert pic.pixels[1, :2].tolist() == pytest.approx([-0.2, -0.6])


def test_side_equal_to_the_size_keeps_every_pixel(tmp_path):
    rows = [[0, 51, 255], [255, 0, 51], [51, 255, 0]]
    pic = load_picture(grey_png(tmp_path / "g.png", rows), side=3)
    assert pic.pixels.tolist() == [[v(g) for g in row] for row in rows]


def test_shrinking_averages_each_block(tmp_path):
    # A 6x6 image of 2x2 blocks shrunk to 3x3: each new pixel is the mean of its block.
    blocks = [[(0, 100, 200, 100), (255, 255, 51, 51), (0, 0, 0, 0)],
              [(255, 255, 255, 255), (10, 20, 30, 40), (0, 255, 102, 153)],
              [(51, 51, 51, 51), (0, 0, 255, 255), (200, 200, 100, 100)]]
    im = Image.new("L", (6, 6))
    for br, row in enumerate(blocks):
        for bc, (a, b, c, d) in enumerate(row):
            for (dy, dx), g in zip([(0, 0), (0, 1), (1, 0), (1, 1)], (a, b, c, d)):
                im.putpixel((2 * bc + dx, 2 * br + dy), g)
    im.save(tmp_path / "blocks.png")
    pic = load_picture(tmp_path / "blocks.png", side=3)
    # means by hand: 400/4=100, 612/4=153, 0 | 255, 100/4=25, 510/4=127.5 | 51, 510/4=127.5, 150
    means = [[100, 153, 0], [255, 25, None], [51, None, 150]]
    for r in range(3):
        for c in range(3):
            if means[r][c] is not None:
                assert pic.pixels[r, c] == v(means[r][c]), (r, c)
            else:   # 127.5 is rounded to 127 or 128 by Pillow's L mode
                assert pic.pixels[r, c] in (v(127), v(128)), (r, c)


def test_colours_become_pillows_grey(tmp_path):
    # L = R*299/1000 + G*587/1000 + B*114/1000, rounded:
    # red 76.245 -> 76, green 149.685 -> 150, blue 29.07 -> 29,
    # (100,150,200): 29.9 + 88.05 + 22.8 = 140.75 -> 141, white 255, black 0.
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255),
               (100, 150, 200), (255, 255, 255), (0, 0, 0),
               (0, 0, 0), (0, 0, 0), (0, 0, 0)]
    im = Image.new("RGB", (3, 3))
    im.putdata(colours)
    im.save(tmp_path / "rgb.png")
    pic = load_picture(tmp_path / "rgb.png")
    assert pic.pixels.tolist() == [[v(76), v(150), v(29)], [v(141), -1.0, 1.0],
                                   [1.0, 1.0, 1.0]]


def test_transparent_pixels_are_paper(tmp_path):
    # Laid on white: a transparent pixel is white whatever its colour; black at alpha 128 is
    # 255 * (255 - 128) / 255 = 127 grey.
    im = Image.new("RGBA", (3, 3), (0, 0, 0, 255))
    im.putpixel((0, 0), (0, 0, 0, 0))
    im.putpixel((1, 0), (255, 0, 0, 0))
    im.putpixel((2, 0), (0, 0, 0, 128))
    im.save(tmp_path / "alpha.png")
    pic = load_picture(tmp_path / "alpha.png")
    assert pic.pixels[0].tolist() == [-1.0, -1.0, v(127)]
    assert pic.pixels[1:].tolist() == [[1.0] * 3] * 2


def test_a_gif_keeps_its_first_frame_and_its_transparent_colour(tmp_path):
    first = Image.new("L", (4, 3), 0)
    first.putpixel((0, 0), 255)
    second = Image.new("L", (4, 3), 255)
    first.save(tmp_path / "anim.gif", save_all=True, append_images=[second])
    pic = load_picture(tmp_path / "anim.gif")
    assert pic.pixels.shape == (3, 4)
    assert pic.pixels[0, 0] == -1.0 and (pic.pixels.ravel()[1:] == 1.0).all()

    clear = Image.new("P", (3, 3), 1)
    clear.putpalette([0, 0, 0, 0, 0, 0])     # both colours black; colour 0 is transparent
    clear.putpixel((1, 1), 0)
    clear.save(tmp_path / "clear.gif", transparency=0)
    pic = load_picture(tmp_path / "clear.gif")
    assert pic.pixels[1, 1] == -1.0 and pic.pixels[0, 0] == 1.0


def test_16_bit_grey_and_one_bit_images(tmp_path):
    # 16 bits: 0 -> black, 65535 -> white, 13107 = 51 * 257 -> grey 51 -> 0.6.
    deep = Image.fromarray(np.array([[0, 65535, 13107]] * 3, dtype=np.uint16))
    deep.save(tmp_path / "deep.png")
    assert Image.open(tmp_path / "deep.png").mode.startswith("I")
    assert load_picture(tmp_path / "deep.png").pixels.tolist() == [[1.0, -1.0, v(51)]] * 3
    bits = Image.new("1", (3, 3), 1)
    bits.putpixel((1, 1), 0)
    bits.save(tmp_path / "bits.png")
    pic = load_picture(tmp_path / "bits.png")
    assert pic.pixels[1, 1] == 1.0 and (np.delete(pic.pixels.ravel(), 4) == -1.0).all()


def test_a_large_16_bit_image_is_shrunk_before_it_becomes_floats(tmp_path):
    # 2000x2000 16-bit: left half black (0), right half white (65535); 64 pixels a side ->
    # each new pixel is the mean of a 31.25-pixel box: columns 0-31 all black (+1), 32-63
    # all white (-1). At full size in float64 it would take 32 MB; shrunk first, far less.
    import tracemalloc

    a = np.full((2000, 2000), 65535, dtype=np.uint16)
    a[:, :1000] = 0
    Image.fromarray(a).save(tmp_path / "big16.png")
    tracemalloc.start()
    try:
        pic = load_picture(tmp_path / "big16.png", side=64)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert pic.pixels.shape == (64, 64)
    assert (pic.pixels[:, :32] == 1.0).all() and (pic.pixels[:, 32:] == -1.0).all()
    assert peak < 8_000_000, f"{peak:,} bytes of arrays while loading"


@pytest.mark.parametrize("fmt, ext", [("BMP", "bmp"), ("WEBP", "webp"), ("TIFF", "tif")])
def test_other_lossless_formats(tmp_path, fmt, ext):
    rows = [[0, 51, 255], [255, 0, 51], [51, 255, 0]]
    im = Image.new("L", (3, 3))
    im.putdata([g for row in rows for g in row])
    extra = {"lossless": True} if fmt == "WEBP" else {}
    im.save(tmp_path / f"p.{ext}", fmt, **extra)
    pic = load_picture(tmp_path / f"p.{ext}")
    assert pic.pixels.tolist() == [[v(g) for g in row] for row in rows]


def test_exif_orientation_is_applied(tmp_path):
    # Stored 6 wide and 3 high, left column black; orientation 6 means "turn 90 degrees
    # clockwise to show": the left column becomes the top row of a 6-high, 3-wide picture.
    im = Image.new("L", (6, 3), 255)
    for y in range(3):
        im.putpixel((0, y), 0)
    exif = Image.Exif()
    exif[0x0112] = 6
    im.save(tmp_path / "turned.png", exif=exif)
    pic = load_picture(tmp_path / "turned.png")
    assert pic.pixels.shape == (6, 3)
    assert pic.pixels[0].tolist() == [1.0] * 3 and (pic.pixels[1:] == -1.0).all()


def test_content_decides_not_the_extension(tmp_path):
    grey_png(tmp_path / "photo.txt", [[0, 0, 0], [255, 255, 255], [0, 0, 0]])
    pic = load_picture(tmp_path / "photo.txt")
    assert pic.source == "image" and pic.pixels[1].tolist() == [-1.0] * 3
    (tmp_path / "matrix.png").write_text("1 0 -1\n1 0 -1\n1 0 -1\n")
    pic = load_picture(tmp_path / "matrix.png")
    assert pic.source == "text" and pic.pixels.tolist() == [[1.0, 0.0, -1.0]] * 3


# --- images: sizes --------------------------------------------------------------------------------
def test_a_large_image_is_shrunk_to_its_longer_side(tmp_path):
    Image.new("L", (200, 100), 51).save(tmp_path / "wide.png")
    pic = load_picture(tmp_path / "wide.png")
    assert pic.pixels.shape == (16, 32) == (DEFAULT_SIDE // 2, DEFAULT_SIDE)
    assert (pic.pixels == v(51)).all()                  # a uniform image stays uniform
    assert load_picture(tmp_path / "wide.png", side=128).pixels.shape == (64, 128)
    assert load_picture(tmp_path / "wide.png", side=6).pixels.shape == (3, 6)
    # 100 * 5 / 200 = 2.5, rounded half up to 3
    assert load_picture(tmp_path / "wide.png", side=5).pixels.shape == (3, 5)
    Image.new("L", (100, 200), 0).save(tmp_path / "tall.png")
    assert load_picture(tmp_path / "tall.png").pixels.shape == (32, 16)
    Image.new("L", (300, 100), 0).save(tmp_path / "long.png")
    assert load_picture(tmp_path / "long.png").pixels.shape == (11, 32)    # 100*32/300=10.67


def test_a_small_image_keeps_its_size_unless_side_is_given(tmp_path):
    Image.new("L", (10, 5), 0).save(tmp_path / "small.png")
    assert load_picture(tmp_path / "small.png").pixels.shape == (5, 10)
    big = load_picture(tmp_path / "small.png", side=20)
    assert big.pixels.shape == (10, 20) and (big.pixels == 1.0).all()


def test_an_image_too_thin_for_the_minimum_is_refused(tmp_path):
    Image.new("L", (200, 100), 0).save(tmp_path / "wide.png")
    refused(tmp_path / "wide.png", "200x100", "would be 2", f"minimum of {MIN_SIDE}", side=4)
    Image.new("L", (2, 2), 0).save(tmp_path / "tiny.png")
    refused(tmp_path / "tiny.png", "2x2", f"at least {MIN_SIDE}")
    Image.new("L", (100, 2), 0).save(tmp_path / "line.png")
    refused(tmp_path / "line.png", "100x2", "would be 1")


def test_a_jpeg_photo(tmp_path):
    im = Image.new("RGB", (2000, 1000), (255, 255, 255))
    im.paste((0, 0, 0), (0, 0, 1000, 1000))                # left half black
    im.save(tmp_path / "photo.jpg", quality=95)
    pic = load_picture(tmp_path / "photo.jpg")
    assert pic.source == "image" and pic.name == "photo" and pic.pixels.shape == (16, 32)
    assert pic.pixels[:, :15] == pytest.approx(np.ones((16, 15)), abs=0.05)
    assert pic.pixels[:, 17:] == pytest.approx(-np.ones((16, 15)), abs=0.05)
    assert load_picture(tmp_path / "photo.jpg", side=MAX_SIDE).pixels.shape == (64, 128)


def test_truncated_images_are_never_accepted_silently():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# --- text pictures --------------------------------------------------------------------------------
def test_a_64x64_text_picture_keeps_its_values(tmp_path):
    rng = random.Random(7)
    values = [[rng.choice([1, -1, 0.5, -0.5, 0]) for _ in range(64)] for _ in range(64)]
    (tmp_path / "mine.txt").write_text("\n".join(" ".join(str(x) for x in row)
                                                 for row in values) + "\n")
    pic = load_picture(tmp_path / "mine.txt")
    assert pic.source == "text" and pic.name == "mine" and pic.pixels.dtype == np.float64
    assert pic.pixels.tolist() == values
    assert load_picture(tmp_path / "mine.txt", side=64).pixels.tolist() == values


def test_text_pictures_take_commas_semicolons_and_fractions(tmp_path):
    (tmp_path / "x.txt").write_text("# my x\n1, -1, 1; -1, 1/2, -1\n1 -1 1\n")
    assert load_picture(tmp_path / "x.txt").pixels.tolist() == [[1, -1, 1], [-1, 0.5, -1],
                                                                [1, -1, 1]]


def test_a_text_picture_keeps_its_own_size(tmp_path):
    (tmp_path / "m.txt").write_text("1 0 -1\n" * 3)
    refused(tmp_path / "m.txt", "--side resizes image files", "3x3", side=32)


@pytest.mark.parametrize("text, needles", [
    ("1 2 3\n-3 7 0\n0 0 0\n", ["from -3 to 7", "between -1 (paper) and 1 (ink)"]),
    ("1 0 1\n1 0\n1 0 1\n", ["ragged", "3, 2, 3"]),
    ("1 0\n0 1\n", ["2x2", f"{MIN_SIDE} to {MAX_SIDE}"]),
    ("1 0 1 0 1\n0 1 0 1 0\n", ["2x5"]),
    ("1 0 1\n0 nan 0\n1 0 1\n", ["NaN"]),
    ("1 0 1\n0 x 0\n1 0 1\n", ["'x'", "not a number"]),
    ("hello world\n", ["neither an image", "nor a text matrix"]),
    ("1 0 1\n\x00\x01\x02 0 1\n1 0 1\n", ["neither an image"]),
])
def test_bad_text_pictures(tmp_path, text, needles):
    (tmp_path / "bad.txt").write_text(text)
    refused(tmp_path / "bad.txt", "bad.txt", *needles)


def test_a_129_wide_text_picture_is_refused(tmp_path):
    (tmp_path / "big.txt").write_text(("0 " * 129 + "\n") * 129)
    refused(tmp_path / "big.txt", "129x129", f"{MIN_SIDE} to {MAX_SIDE}")


# --- bad files ------------------------------------------------------------------------------------
def noise_png(path, side=64):
    rng = np.random.default_rng(3)
    Image.fromarray(rng.integers(0, 256, (side, side), dtype=np.uint8)).save(path)
    return path.read_bytes()


def test_missing_folder_and_empty_files(tmp_path):
    refused(tmp_path / "nope.png", "nope.png", "does not exist")
    refused(tmp_path, "is a folder")
    (tmp_path / "empty.png").write_bytes(b"")
    refused(tmp_path / "empty.png", "empty.png", "is empty")
    refused("", "give a file name")
    refused("a\0b.png", "NUL")


def test_random_bytes_are_neither_image_nor_text(tmp_path):
    junk = bytes([0xff, 0xfe, 0x80]) + random.Random(1).randbytes(5000)
    (tmp_path / "junk.bin").write_bytes(junk)
    refused(tmp_path / "junk.bin", "junk.bin", "neither an image Pillow can read", "PNG, JPEG")


def test_a_truncated_png_or_jpeg_is_one_line(tmp_path):
    data = noise_png(tmp_path / "full.png")
    (tmp_path / "cut.png").write_bytes(data[:len(data) // 2])
    refused(tmp_path / "cut.png", "cut.png", "damaged or cut-short PNG image")
    Image.new("RGB", (300, 200), (9, 99, 199)).save(tmp_path / "full.jpg")
    jpeg = (tmp_path / "full.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(jpeg[:len(jpeg) // 2])
    refused(tmp_path / "cut.jpg", "cut.jpg", "damaged or cut-short JPEG image")


def test_a_damaged_header_is_named(tmp_path):
    (tmp_path / "head.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 10)
    refused(tmp_path / "head.png", "starts like a PNG image", "damaged")


def patched_png(path, width, height):
    """A tiny PNG whose IHDR claims width x height pixels (CRC recomputed): a decompression
    bomb in 70 bytes, never decoded."""
    Image.new("L", (4, 4), 0).save(path)
    data = bytearray(path.read_bytes())
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    path.write_bytes(bytes(data))
    return path


def test_huge_images_are_refused_from_their_header(tmp_path):
    # 60,000 x 60,000 = 3,600,000,000 pixels: Pillow's own bomb guard fires in Image.open.
    refused(patched_png(tmp_path / "bomb.png", 60000, 60000), "3,600,000,000 pixels",
            f"at most {MAX_PIXELS:,}")
    # 8,000 x 8,000 = 64,000,000 pixels: under Pillow's guard, over ours.
    refused(patched_png(tmp_path / "big.png", 8000, 8000), "64,000,000 pixels")


def test_a_file_over_the_byte_limit_is_refused_before_reading(tmp_path):
    with open(tmp_path / "huge.png", "wb") as fh:       # sparse: nothing written to disk
        fh.truncate(MAX_FILE_BYTES + 1)
    refused(tmp_path / "huge.png", f"{MAX_FILE_BYTES + 1:,} bytes", f"{MAX_FILE_BYTES:,}")


def test_long_text_that_is_no_image(tmp_path):
    (tmp_path / "long.txt").write_text("0 " * 750_000)
    refused(tmp_path / "long.txt", "1,500,000 bytes", "too long for a text picture")


def test_permission_denied(tmp_path, monkeypatch):
    # Tests may run as root, who reads anything: the refusal is simulated at the open.
    path = grey_png(tmp_path / "locked.png", [[0] * 3] * 3)
    real_open = os.open

    def deny(name, *args, **kwargs):
        if os.fspath(name) == os.fspath(path):
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    refused(path, "locked.png", "Permission denied")


def test_a_device_is_refused():
    refused("/dev/zero", "device")


def test_a_named_pipe_with_no_writer_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    code = ("import sys\n"
            "from cnn_tui.pictures import PictureError, load_picture\n"
            "try:\n"
            "    load_picture(sys.argv[1])\n"
            "except PictureError as exc:\n"
            "    print(exc)\n")
    # The timeout only turns a hang into a failure; the refusal itself takes about a second.
    p = subprocess.run([sys.executable, "-c", code, str(tmp_path / "fifo")],
                       capture_output=True, text=True, check=False, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("\n") == 1 and "no program is writing" in p.stdout, p.stdout


# --- the side option and names --------------------------------------------------------------------
def test_check_side():
    assert check_side(3) == 3 and check_side("128") == 128 and check_side(" 32 ") == 32
    for bad, needle in [(2, "got 2"), (129, "got 129"), ("abc", "'abc'"), ("3.5", "'3.5'"),
                        (True, "True"), ("", "''"), ("9" * 41, "…")]:
        with pytest.raises(PictureError) as info:
            check_side(bad)
        assert "from 3 to 128" in str(info.value) and needle in str(info.value)


def test_a_bad_side_is_refused_before_the_file_is_read(tmp_path):
    refused(tmp_path / "missing.png", "--side", "got 2", side=2)
    refused(tmp_path / "missing.png", "--side", "got 129", side=129)


def test_picture_names():
    assert picture_name("/a/b/cat photo.png") == "cat photo"
    assert picture_name("x" * 30 + ".png") == "x" * 23 + "…"
    assert len(picture_name("x" * 30)) == 24
    assert picture_name("bell\x07\x1b[31m.png") == "bell[31m"
    assert picture_name("/dev/stdin") == "stdin" and picture_name("\x07.png") == "picture"


def test_big_endian_16_bit_and_32_bit_images_are_averaged_as_their_values(tmp_path):
    # A 200-column ramp 0..65535 saved big-endian (a TIFF with "MM" byte order), 20 a side:
    # each new pixel is the mean of 10 columns, and a grey level g/65535 becomes 1 - 2g/65535.
    ramp = np.tile(np.linspace(0, 65535, 200).astype(np.uint16), (100, 1))
    Image.frombytes("I;16B", (200, 100), ramp.astype(">u2").tobytes()).save(tmp_path / "mm.tif")
    assert Image.open(tmp_path / "mm.tif").mode == "I;16B"
    pic = load_picture(tmp_path / "mm.tif", side=20)
    means = ramp[0].reshape(20, 10).mean(axis=1)
    assert pic.pixels[0] == pytest.approx(1 - 2 * means / 65535, abs=1e-4)
    # 32-bit values beyond 0..65535 are clipped first, then averaged: columns (-50000, 30000)
    # -> (0 + 30000) / 2, (70000, 10000) -> (65535 + 10000) / 2, (0, 65535) -> 65535 / 2
    wide = np.array([[-50000, 30000, 70000, 10000, 0, 65535]] * 6, dtype=np.int32)
    Image.fromarray(wide, "I").save(tmp_path / "wide.tif")
    pic = load_picture(tmp_path / "wide.tif", side=3)
    expected = [1 - 2 * 15000 / 65535, 1 - 2 * 37767.5 / 65535, 1 - 2 * 32767.5 / 65535]
    assert pic.pixels.shape == (3, 3)
    assert pic.pixels[0] == pytest.approx(expected, abs=1e-6)


def test_a_narrow_image_is_told_what_side_would_do_or_to_crop(tmp_path):
    # 100x4 at the default 32: the short side (4 * 32 + 50) // 100 = 1. A side of n gives
    # (4n + 50) // 100, which reaches 3 from n = 63 ((4 * 63 + 50) // 100 = 3; 62 gives 2).
    Image.new("L", (100, 4), 0).save(tmp_path / "strip.png")
    refused(tmp_path / "strip.png", "100x4", "shorter side would be 1",
            "give a side of 63 or more")
    assert load_picture(tmp_path / "strip.png", 63).pixels.shape == (3, 63)
    # 60x1: even at 128 the short side is (128 + 30) // 60 = 2: only cropping helps
    Image.new("L", (60, 1), 0).save(tmp_path / "line.png")
    msg = refused(tmp_path / "line.png", "60x1", "crop it")
    assert "give a side" not in msg
