"""Model files: the round trip, the format, atomic writes, and the refusal of every file that is
not a complete, well-formed model (each with one ModelFileError sentence)."""

from __future__ import annotations

import io
import os
import pickle
import re
import zipfile

import numpy as np
import pytest

from cnn_tui.engine.net import FORMAT_VERSION, MAX_MODEL_BYTES, ModelFileError, Network
from cnn_tui.engine.shapes import EngineError

LECTURE = "conv 8 3, relu, conv 8 3, relu, maxpool 2, flatten, dense 32, relu, dense 2"
X = np.random.default_rng(0).choice([-1.0, 1.0], size=(4, 1, 9, 9))


def one_sentence(message: str) -> None:
    assert message and "\n" not in message
    assert not re.search(r"[.!?]\s+[A-Z]", message), message


def model_arrays(net: Network) -> dict[str, np.ndarray]:
    """The arrays of a model file, written out from the documented format (not the engine)."""
    arrays = {"format_version": np.array(1, dtype=np.int64), "spec": np.array(net.spec),
              "input_shape": np.array(net.input_shape, dtype=np.int64),
              "dtype": np.array(net.dtype.name)}
    arrays.update({f"param:{k}": v for k, v in net.params.items()})
    return arrays


def npz_bytes(arrays: dict, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for key, a in arrays.items():
            inner = io.BytesIO()
            np.lib.format.write_array(inner, np.asanyarray(a), allow_pickle=allow_pickle)
            zf.writestr(key + ".npy", inner.getvalue())
    return buf.getvalue()


# --- round trip -------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_save_and_load_give_identical_logits(tmp_path, dtype):
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=3, dtype=dtype)
    path = tmp_path / "model.npz"
    net.save(path)
    back = Network.load(path)
    assert (back.spec, back.input_shape, back.dtype) == (net.spec, net.input_shape, net.dtype)
    assert list(back.params) == list(net.params)
    for key in net.params:
        np.testing.assert_array_equal(back.params[key], net.params[key])
        assert back.params[key].dtype == dtype and back.params[key].flags.writeable
    np.testing.assert_array_equal(back.forward(X), net.forward(X))
    np.testing.assert_array_equal(Network.from_bytes(net.to_bytes()).forward(X), net.forward(X))


def test_a_trained_network_round_trips_after_changes(tmp_path):
    net = Network.from_spec("conv 2 3 stride 2 pad 1, relu, avgpool 2, flatten, dense 3",
                            input_shape=(2, 8, 8), seed=1)
    net.params["0.weight"][...] *= 3
    net.save(str(tmp_path / "m"))                 # the exact name is used, no suffix added
    back = Network.load(str(tmp_path / "m"))
    x = np.random.default_rng(1).normal(size=(3, 2, 8, 8))
    np.testing.assert_array_equal(back.forward(x), net.forward(x))


def test_the_file_holds_exactly_the_documented_arrays(tmp_path):
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=2)
    net.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as npz:
        assert sorted(npz.files) == sorted(["format_version", "spec", "input_shape", "dtype"] +
                                           [f"param:{k}" for k in net.params])
        assert npz["format_version"].shape == () and int(npz["format_version"]) == 1
        assert npz["spec"].shape == () and npz["spec"].dtype.kind == "U"
        assert str(npz["spec"]) == LECTURE
        assert npz["input_shape"].tolist() == [1, 9, 9]
        assert str(npz["dtype"]) == "float32"
        np.testing.assert_array_equal(npz["param:2.weight"], net.params["2.weight"])
    assert FORMAT_VERSION == 1


def test_a_file_written_from_the_documented_format_loads():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=4)
    back = Network.from_bytes(npz_bytes(model_arrays(net)))
    np.testing.assert_array_equal(back.forward(X), net.forward(X))


def test_other_byte_orders_and_layouts_of_the_same_numbers_load():
    net = Network.from_spec("flatten, dense 3", input_shape=(1, 2, 2), seed=4)
    arrays = model_arrays(net)
    arrays["param:1.weight"] = np.asfortranarray(arrays["param:1.weight"].astype(">f4"))
    back = Network.from_bytes(npz_bytes(arrays))
    assert back.params["1.weight"].dtype == np.float32
    np.testing.assert_array_equal(back.params["1.weight"], net.params["1.weight"])


def test_saving_is_atomic_and_replaces_an_old_file(tmp_path):
    path = tmp_path / "m.npz"
    path.write_bytes(b"old")
    Network.from_spec(LECTURE, input_shape=(1, 9, 9)).save(path)
    assert os.listdir(tmp_path) == ["m.npz"]      # no temporary file is left behind
    assert Network.load(path).spec == LECTURE
    with pytest.raises(FileNotFoundError):
        Network.from_spec(LECTURE, input_shape=(1, 9, 9)).save(tmp_path / "no" / "m.npz")
    assert os.listdir(tmp_path) == ["m.npz"]


def test_a_diverged_network_is_not_saved(tmp_path):
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9))
    net.params["6.bias"][3] = np.nan
    with pytest.raises(EngineError, match="NaN or infinity"):
        net.save(tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


# --- refusals ---------------------------------------------------------------------------------
def refused(data: bytes, *words: str) -> str:
    with pytest.raises(ModelFileError) as info:
        Network.from_bytes(data)
    message = str(info.value)
    one_sentence(message)
    for w in words:
        assert w in message, message
    return message


def test_missing_files_and_folders_are_refused(tmp_path):
    with pytest.raises(ModelFileError) as info:
        Network.load(tmp_path / "nothing.npz")
    assert "there is no model file at" in str(info.value) and "nothing.npz" in str(info.value)
    one_sentence(str(info.value))
    with pytest.raises(ModelFileError, match="is a folder"):
        Network.load(tmp_path)
    with pytest.raises(ModelFileError, match="not a valid file name"):
        Network.load(str(tmp_path / "a\0b.npz"))


def test_a_file_too_large_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.npz"
    with open(path, "wb") as fh:
        fh.truncate(MAX_MODEL_BYTES + 1)            # sparse: no real data is written
    with pytest.raises(ModelFileError, match="more than the 200,000,000"):
        Network.load(path)


@pytest.mark.parametrize("cut", [0, 10, 100, 0.5, -1, -30])
def test_truncated_files_are_refused(tmp_path, cut):
    data = Network.from_spec(LECTURE, input_shape=(1, 9, 9)).to_bytes()
    if isinstance(cut, float):
        keep = int(len(data) * cut)
    else:
        keep = cut if cut >= 0 else len(data) + cut
    path = tmp_path / "cut.npz"
    path.write_bytes(data[:keep])
    with pytest.raises(ModelFileError) as info:
        Network.load(path)
    assert str(info.value).startswith("cannot load ") and "cut.npz" in str(info.value)
    one_sentence(str(info.value))


def test_a_damaged_file_is_refused():
    data = bytearray(Network.from_spec(LECTURE, input_shape=(1, 9, 9)).to_bytes())
    at = bytes(data).index(b"param:6.weight.npy") + 200   # inside the array's data
    data[at:at + 8] = b"\xff" * 8                          # the CRC no longer matches
    refused(bytes(data), "truncated or damaged")


@pytest.mark.parametrize("data, words", [
    (b"", "not an npz archive"),
    (b"hello, this is text", "not an npz archive"),
    (pickle.dumps({"spec": "conv 8 3"}), "not an npz archive"),
])
def test_files_that_are_not_archives_are_refused(data, words):
    refused(data, words)


def test_a_single_npy_array_is_refused():
    buf = io.BytesIO()
    np.save(buf, np.zeros(3))
    refused(buf.getvalue(), "single NumPy array")


def test_a_foreign_npz_is_refused(tmp_path):
    np.savez(tmp_path / "other.npz", weights=np.zeros((3, 3)), labels=np.arange(3))
    with pytest.raises(ModelFileError) as info:
        Network.load(tmp_path / "other.npz")
    assert "not a model file" in str(info.value)
    one_sentence(str(info.value))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    refused(buf.getvalue(), "archive of other things")


class _Boom:
    """Unpickling this would call ``_explode``: a model file must never run code."""

    ran = False

    def __reduce__(self):
        return (_explode, ())


def _explode():
    _Boom.ran = True
    return "boom"


def test_pickled_objects_are_refused_without_running_them():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9))
    arrays = model_arrays(net)
    arrays["spec"] = np.array([_Boom()], dtype=object)
    refused(npz_bytes(arrays, allow_pickle=True), "Python objects")
    arrays = model_arrays(net)
    arrays["param:0.bias"] = np.array([_Boom()] * 8, dtype=object)
    refused(npz_bytes(arrays, allow_pickle=True), "Python objects")
    assert not _Boom.ran


def mutated(**changes) -> bytes:
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9))
    arrays = model_arrays(net)
    for key, value in changes.items():
        key = key.replace("__", ":").replace("_w", ".weight").replace("_b", ".bias")
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    return npz_bytes(arrays)


@pytest.mark.parametrize("changes, words", [
    (dict(format_version=np.array(2)), "format version 2"),
    (dict(format_version=np.array(0)), "format version 0"),
    (dict(format_version=np.array([1, 1])), "'format_version' entry is not"),
    (dict(format_version=np.array(1.0)), "'format_version' entry is not"),
    (dict(format_version=None), "no 'format_version' array"),
    (dict(spec=None), "no 'spec' array"),
    (dict(spec=np.array("conv 8 3, relu")), "network is invalid"),
    (dict(spec=np.array("conv 8 3, bogus 2")), "unknown layer 'bogus'"),
    (dict(spec=np.array(["conv 8 3"])), "'spec' entry is not"),
    (dict(spec=np.array("x" * 20000)), "'spec' entry is not"),
    (dict(input_shape=np.array([1, 7, 7])), "'6.weight' has shape (32, 32), but the file's "
                                            "spec and input shape need (32, 8)"),
    (dict(input_shape=np.array([[1, 9, 9]])), "'input_shape' entry is not"),
    (dict(input_shape=np.array([0, 9, 9])), "network is invalid"),
    (dict(dtype=np.array("float16")), "not float32 or float64"),
    (dict(dtype=np.array("float64")), "is float32, but the file says the network is float64"),
    (dict(param__0_w=np.zeros((8, 1, 5, 5), np.float32)), "'0.weight' has shape (8, 1, 5, 5), "
                                                          "but the file's spec"),
    (dict(param__0_w=np.zeros((8, 1, 3, 3), np.float64)), "'0.weight' is float64"),
    (dict(param__0_w=np.zeros((8, 1, 3, 3), np.int32)), "'0.weight' is int32"),
    (dict(param__0_w=None), "no values for parameter '0.weight'"),
    (dict(param__1_w=np.zeros(3, np.float32)), "has no place for"),
    (dict(extra=np.zeros(3)), "'extra'"),
    (dict(param__8_b=np.array([0.0, np.inf], np.float32)), "'8.bias' holds NaN or infinity"),
])
def test_wrong_model_files_are_refused_with_one_sentence(changes, words):
    refused(mutated(**changes), words)


def test_a_header_claiming_a_huge_array_is_refused_before_allocating():
    data = mutated()
    # A parameter whose header claims 10**12 values (but holds 0 bytes of data).
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                  "shape": (10 ** 12,)})
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            body = header.getvalue() if info.filename == "param:6.weight.npy" else \
                src.read(info)
            dst.writestr(info.filename, body)
    refused(buf.getvalue(), "'6.weight' has shape (1000000000000,)")


def test_an_array_listed_twice_is_refused():
    data = mutated()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # zipfile warns about the duplicate name
            dst.writestr("spec.npy", src.read("spec.npy"))
    refused(buf.getvalue(), "lists an array twice")


def test_load_messages_name_the_file(tmp_path):
    path = tmp_path / "bad.npz"
    path.write_bytes(mutated(format_version=np.array(9)))
    with pytest.raises(ModelFileError) as info:
        Network.load(path)
    message = str(info.value)
    assert message.startswith("cannot load ") and "bad.npz" in message
    assert "format version 9" in message
    one_sentence(message)
    assert isinstance(info.value, EngineError)


def test_from_bytes_needs_bytes():
    with pytest.raises(ModelFileError, match="bytes"):
        Network.from_bytes("conv 8 3")
