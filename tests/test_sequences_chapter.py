"""The "sequences" chapter's model: its positions, the 1-D output (checked against a plain count
of matching letters), padding and stride, the 3-D output (checked against a plain triple loop),
jumps, reset, and the errors a learner can cause.

References are written here from the sequence string and plain loops; nothing is taken from the
chapter's own numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnn_tui.lesson.model import LessonModel, ModelError

SEQ = "CAGATACGCTATTGATAC"      # the test's own copy of the chapter's sequence
MOTIF = "GATA"
BASES = "ACGT"


def model(**kw) -> LessonModel:
    return LessonModel(chapter="sequences", **kw)


def count_matches(seq: str, motif: str, padding: int = 0, stride: int = 1) -> list[int]:
    """By hand: pad with a letter that is no base, then count equal letters in each window."""
    padded = "." * padding + seq + "." * padding
    k = len(motif)
    return [sum(padded[i + j] == motif[j] for j in range(k))
            for i in range(0, len(padded) - k + 1, stride)]


def occurrences(seq: str, motif: str) -> list[int]:
    found, i = [], seq.find(motif)
    while i != -1:
        found.append(i)
        i = seq.find(motif, i + 1)
    return found


def conv3d_loop(x, k) -> list[list[list[float]]]:
    T, H, W = len(x), len(x[0]), len(x[0][0])
    kt, kh, kw = len(k), len(k[0]), len(k[0][0])
    out = []
    for t in range(T - kt + 1):
        frame = []
        for r in range(H - kh + 1):
            row = []
            for c in range(W - kw + 1):
                s = 0.0
                for a in range(kt):
                    for b in range(kh):
                        for d in range(kw):
                            s += x[t + a][r + b][c + d] * k[a][b][d]
                row.append(s)
            frame.append(row)
        out.append(frame)
    return out


# ------------------------------------------------------------------ the data
def test_the_sequence_is_one_hot_in_four_rows():
    m = model()
    assert m.seq_bases == SEQ and m.seq_motif == MOTIF
    table = m.seq_one_hot.tolist()
    assert len(table) == 4 and all(len(row) == len(SEQ) for row in table)
    for col, base in enumerate(SEQ):
        assert [table[r][col] for r in range(4)] == [1 if b == base else 0 for b in BASES]
    kernel = m.seq_kernel.tolist()
    for col, base in enumerate(MOTIF):
        assert [kernel[r][col] for r in range(4)] == [1 if b == base else 0 for b in BASES]


def test_the_frames_show_an_x_moving_one_column_right():
    m = model()
    frames = m.vol_frames.tolist()
    assert len(frames) == 4
    for t, frame in enumerate(frames):
        ink = sorted((r, c) for r, row in enumerate(frame) for c, v in enumerate(row) if v == 1)
        # a 3x3 X: four corners and the centre, its left column at column t
        assert ink == sorted([(1, t), (1, t + 2), (2, t + 1), (3, t), (3, t + 2)])
        assert all(v in (1, -1) for row in frame for v in row)


# ------------------------------------------------------------------ part one: 1-D
def test_the_1d_output_counts_matching_bases():
    m = model()
    assert m.seq_output.tolist() == count_matches(SEQ, MOTIF)
    assert count_matches(SEQ, MOTIF) == [2, 0, 4, 0, 1, 0, 0, 3, 0, 2, 1, 1, 0, 4, 0]


def test_the_peaks_are_where_the_motif_sits():
    m = model()
    assert occurrences(SEQ, MOTIF) == [2, 13]
    assert m.seq_peaks == occurrences(SEQ, MOTIF)
    out = m.seq_output.tolist()
    assert [i for i, v in enumerate(out) if v == max(out)] == occurrences(SEQ, MOTIF)


@pytest.mark.parametrize("padding", [0, 1, 2, 3])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_padding_and_stride_follow_the_count_and_the_formula(padding, stride):
    m = model()
    m.set_seq_padding(padding)
    m.set_seq_stride(stride)
    ref = count_matches(SEQ, MOTIF, padding, stride)
    assert m.seq_output.tolist() == ref
    length = (len(SEQ) + 2 * padding - len(MOTIF)) // stride + 1
    assert m.seq_cells == len(ref) == length
    assert m.seq_formula_terms == (18, padding, 4, stride, length)
    assert m.seq_padded_bases == "·" * padding + SEQ + "·" * padding
    assert m.seq_padded_one_hot.shape == (4, 18 + 2 * padding)
    # a change shows the whole new output, on its last window
    assert m.position == m.seq_cells and m.seq_complete and m.seq_part == "1-D"
    full = [i for i, v in enumerate(count_matches(SEQ, MOTIF, padding, 1)) if v == 4]
    assert m.seq_motif_count == len(full)
    assert m.seq_skipped == len(full) - sum(v == 4 for v in ref)


def test_stride_three_jumps_over_both_motifs():
    m = model()
    m.set_seq_stride(3)
    assert m.seq_peaks == [] and m.seq_skipped == 2


def test_stepping_fills_the_1d_output_window_by_window():
    m = model()
    assert (m.position, m.seq_filled, m.seq_part) == (0, 0, "1-D")
    assert m.seq_window == [] and np.isnan(m.seq_shown).all()
    ref = count_matches(SEQ, MOTIF)
    for i in range(len(ref)):
        assert m.step()
        assert m.seq_filled == i + 1 and m.seq_index == i
        assert m.seq_window == [i, i + 1, i + 2, i + 3]
        assert m.seq_window_bases == SEQ[i:i + 4]
        assert m.seq_trace.total == ref[i]
        assert m.seq_column_sums == [float(SEQ[i + j] == MOTIF[j]) for j in range(4)]
        shown = m.seq_shown.tolist()
        assert shown[:i + 1] == ref[:i + 1] and all(np.isnan(shown[i + 1:]))
    assert m.seq_complete and m.seq_part == "1-D"
    assert m.back() and m.seq_filled == len(ref) - 1


def test_the_window_on_padding_reads_the_padded_columns():
    m = model()
    m.set_seq_padding(2)
    m.set_seq_stride(2)
    m.position = 1
    assert m.seq_window == [0, 1, 2, 3] and m.seq_window_bases == "··CA"
    assert m.seq_trace.total == 1        # ··CA against GATA: only the last A agrees
    assert m.seq_output_columns == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]


def test_bad_padding_and_stride_are_refused():
    m = model()
    with pytest.raises(ModelError, match="padding must be from 0 to 3"):
        m.set_seq_padding(4)
    with pytest.raises(ModelError, match="padding must be from 0 to 3"):
        m.seq_padding_by(-1)
    with pytest.raises(ModelError, match="stride must be from 1 to 3"):
        m.set_seq_stride(0)
    assert (m.seq_padding, m.seq_stride) == (0, 1)
    for _ in range(3):
        m.seq_padding_by(1)
    with pytest.raises(ModelError):
        m.seq_padding_by(1)
    assert m.seq_padding == 3
    assert [m.seq_next_stride() or m.seq_stride for _ in range(4)] == [2, 3, 1, 2]


# ------------------------------------------------------------------ part two: 3-D
@pytest.mark.parametrize("kernel", ["moving", "still"])
def test_the_3d_output_is_the_triple_loop(kernel):
    m = model(seq_kernel3=kernel)
    ref = conv3d_loop(m.vol_frames.tolist(), m.vol_kernel.tolist())
    assert m.vol_output.tolist() == ref
    assert m.vol_shape == (2, 3, 4) and m.vol_cells == 24


def test_the_moving_kernel_peaks_where_the_x_moves():
    m = model()
    k = m.vol_kernel.tolist()
    # by hand: slice 0 is the X one column to the left, slice 2 one column to the right
    assert k[1] == [[1, -1, 1], [-1, 1, -1], [1, -1, 1]]
    assert k[0] == [[-1, 1, -1], [1, -1, -1], [-1, 1, -1]]
    assert k[2] == [[-1, 1, -1], [-1, -1, 1], [-1, 1, -1]]
    ref = conv3d_loop(m.vol_frames.tolist(), k)
    best = max(v for f in ref for row in f for v in row)
    assert best == 27 == m.vol_perfect
    # the window centred on the X of frame 1, then of frame 2: one column further right
    assert m.vol_peaks == [(0, 1, 1), (1, 1, 2)]
    still = model(seq_kernel3="still")
    ref_still = conv3d_loop(still.vol_frames.tolist(), still.vol_kernel.tolist())
    best_still = max(v for f in ref_still for row in f for v in row)
    assert m.vol_best == {"moving": 27.0, "still": best_still} and best_still < 27


def test_stepping_past_the_last_1d_window_enters_the_3d_part():
    m = model()
    m.position = m.seq_cells
    assert m.seq_part == "1-D"
    assert m.step()
    assert m.seq_part == "3-D" and m.vol_filled == 1 and m.vol_cell == (0, 0, 0)
    ref = conv3d_loop(m.vol_frames.tolist(), m.vol_kernel.tolist())
    for flat in range(24):
        t, r, c = flat // 12, (flat // 4) % 3, flat % 4
        assert m.vol_cell == (t, r, c)
        tr = m.vol_trace
        assert tr.total == ref[t][r][c]
        # the three slices' sums, by a loop over each frame of the window
        assert m.vol_slice_sums == [
            sum(m.vol_frames[t + a][r + b][c + d] * m.vol_kernel[a][b][d]
                for b in range(3) for d in range(3)) for a in range(3)]
        assert m.vol_window_frames == [t, t + 1, t + 2]
        assert m.vol_window_cells(t + 1) == [(r + b, c + d) for b in range(3) for d in range(3)]
        assert m.vol_window_cells(t + 3) == []
        shown = m.vol_shown.ravel().tolist()
        assert shown[:flat + 1] == [v for f in ref for row in f for v in row][:flat + 1]
        assert all(np.isnan(shown[flat + 1:]))
        m.step()
    assert m.at_end and m.position == m.length == 15 + 24


def test_v_switches_parts_and_m_switches_the_kernel():
    m = model()
    m.seq_switch_part()
    assert m.seq_part == "3-D" and m.position == 16 and m.vol_cell == (0, 0, 0)
    m.step()
    m.seq_next_kernel3()
    assert m.seq_kernel3 == "still" and m.vol_cell == (0, 0, 1)       # same cell, other kernel
    assert m.current.title_info == "3-D: video, kernel X standing still"
    m.seq_switch_part()
    assert m.seq_part == "1-D" and m.position == 0
    assert m.current.title_info == "1-D: DNA, padding 0, stride 1"
    m.seq_next_kernel3()                      # from part one: the 3-D part's first cell
    assert m.seq_kernel3 == "moving" and m.seq_part == "3-D" and m.vol_filled == 1


def test_jumps_take_one_or_three_numbers():
    m = model()
    m.submit_prompt("5")
    assert m.seq_part == "1-D" and m.seq_index == 5
    m.submit_prompt("1,1,2")
    assert m.seq_part == "3-D" and m.vol_cell == (1, 1, 2)
    assert m.vol_trace.total == 27
    for bad in ("1,2", "1 2 3 4", "abc"):
        with pytest.raises(ModelError, match=r"a 1-D cell \(e\.g\. 2\) or a 3-D cell t,r,c"):
            m.submit_prompt(bad)
    with pytest.raises(ModelError, match="outside the 1-D output"):
        m.submit_prompt("15")
    with pytest.raises(ModelError, match="outside the 3-D output"):
        m.submit_prompt("2,0,0")
    with pytest.raises(ModelError):
        m.submit_prompt("x")
    assert m.vol_cell == (1, 1, 2)


def test_reset_puts_everything_back():
    m = model()
    m.set_seq_padding(3)
    m.set_seq_stride(2)
    m.seq_next_kernel3()
    m.reset()
    assert (m.seq_padding, m.seq_stride, m.seq_kernel3, m.position) == (0, 1, "moving", 0)
    assert m.seq_output.tolist() == count_matches(SEQ, MOTIF)


def test_model_keywords_set_the_chapter():
    m = model(seq_padding=2, seq_stride=3)
    assert m.seq_output.tolist() == count_matches(SEQ, MOTIF, 2, 3)
