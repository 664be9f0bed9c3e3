"""Fuzzing the progress loader: whatever ``progress.json`` holds, loading it never raises. Either
the progress is read (and the file stays), or the file is set aside, byte for byte, with one
notice, and the quiz starts fresh."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from cnn_tui.quiz.progress import FILENAME, FileProgressStore, Record

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-2, 5),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=20)
counts = st.one_of(st.integers(0, 5), st.integers(-2, 2), st.sampled_from([10 ** 9, 10 ** 9 + 1,
                                                                            10 ** 300]),
                   json_values)
records = st.fixed_dictionaries({}, optional={"solved": st.one_of(st.booleans(), json_values),
                                              "attempts": counts, "hints": counts})
progress_like = st.fixed_dictionaries(
    {}, optional={"version": st.one_of(st.just(1), json_values),
                  "current": st.one_of(st.text(max_size=8), json_values),
                  "puzzles": st.one_of(st.dictionaries(st.text(max_size=8),
                                                       st.one_of(records, json_values),
                                                       max_size=4), json_values)})


def _text(data) -> bytes:
    return json.dumps(data).encode()


contents = st.one_of(
    progress_like.map(_text),                                  # near a progress file
    json_values.map(_text),                                    # any JSON at all
    st.binary(max_size=200),                                   # any bytes
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),    # any text
    st.integers(1, 50_000).map(lambda n: b"[" * n + b"]" * n),  # nested past json's limit
    st.integers(1, 6000).map(lambda n: b'{"puzzles": {"a": {"attempts": ' + b"9" * n + b"}}}"),
)


def load(content: bytes):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / FILENAME).write_bytes(content)
        prog = FileProgressStore(folder).load()        # must not raise, whatever the content
        aside = sorted(folder.glob(FILENAME + ".damaged-*"))
        still = (folder / FILENAME).exists()
        kept = aside[0].read_bytes() if aside else None
        return prog, aside, still, kept


@given(contents)
@example(b"[" * 100_000)
@example(b'{"puzzles": {"a": {"attempts": ' + b"9" * 5000 + b"}}}")
@example(b"")
@example(b"\xef\xbb\xbf{}")
def test_progress_loader_reads_or_sets_aside_never_raises(content):
    prog, aside, still, kept = load(content)
    if prog.notice:                          # damaged: set aside whole, one line, fresh start
        assert "\n" not in prog.notice
        assert "it was moved to progress.json.damaged-" in prog.notice
        assert len(aside) == 1 and not still and kept == content
        assert prog.records == {} and prog.current is None
    else:                                    # read: the file stays, the records are sound
        assert aside == [] and still
        assert prog.current is None or isinstance(prog.current, str)
        for pid, rec in prog.records.items():
            assert isinstance(pid, str) and isinstance(rec, Record)
            assert isinstance(rec.solved, bool)
            for n in (rec.attempts, rec.hints):
                assert type(n) is int and 0 <= n <= 10 ** 9


@given(progress_like)
def test_a_sound_progress_file_is_read_as_written(data):
    prog, *_ = load(_text(data))
    puzzles = data.get("puzzles", {})
    sound = isinstance(puzzles, dict) and all(
        isinstance(r, dict)
        and isinstance(r.get("solved", False), bool)
        and all(type(r.get(k, 0)) is int and 0 <= r.get(k, 0) <= 10 ** 9
                for k in ("attempts", "hints"))
        for r in puzzles.values())
    assert (prog.notice == "") == sound
    if sound:
        assert {k: v.to_json() for k, v in prog.records.items()} == {
            k: {"solved": r.get("solved", False), "attempts": r.get("attempts", 0),
                "hints": r.get("hints", 0)} for k, r in puzzles.items()}
        cur = data.get("current")
        assert prog.current == (cur if isinstance(cur, str) else None)
