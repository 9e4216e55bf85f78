"""safetensors files and thorax model cards, in plain Python (torch tensors in and out), without the
`safetensors` package: the format is an 8-byte little-endian header length, a JSON header
({"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets"}}), then the tensor bytes.

Used by tools/torchvision_to_safetensors.py, tools/safetensors_to_torchvision.py and the parity tests
(tests/torch/refs_models.py), so every file those write goes through this one writer. Reading is as
strict as thorax's C++ reader (nn/safetensors.cpp): sizes, offsets, dtypes and coverage are checked.
"""
import datetime
import hashlib
import json
import os
import re
import struct

import numpy as np
import torch

CARD_KEY = "thorax.card"
CARD_FORMAT = "thorax.card/1"
MAX_HEADER = 100_000_000

# file dtype -> (torch dtype, bytes per element)
_DTYPES = {
    "F32": (torch.float32, 4), "F64": (torch.float64, 8), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2),
    "I64": (torch.int64, 8), "I32": (torch.int32, 4), "U8": (torch.uint8, 1), "BOOL": (torch.bool, 1),
}
_NAMES = {t: name for name, (t, _) in _DTYPES.items()}


class FormatError(ValueError):
    pass


def _tensor_bytes(t):
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: move the raw 16-bit patterns
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def _layout(tensors):
    """(header entries, byte chunks) for an ordered list of (name, tensor), laid out in that order."""
    chunks, entries, offset, seen = [], [], 0, set()
    for name, t in tensors:
        if not name or name == "__metadata__":
            raise ValueError(f"{name!r} cannot be a tensor name")
        if name in seen:
            raise ValueError(f"tensor name {name!r} appears twice")
        seen.add(name)
        if t.dtype not in _NAMES:
            raise ValueError(f"tensor {name!r}: dtype {t.dtype} cannot be stored")
        b = _tensor_bytes(t)
        entries.append((name, {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}))
        chunks.append(b)
        offset += len(b)
    return entries, chunks


def _header(entries, metadata):
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, spec in entries:
        header[name] = spec
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)  # keeps the data 8-byte aligned
    return struct.pack("<Q", len(text)) + text


def _write(path, entries, chunks, metadata):
    """Writes header and chunks to a temporary name, then renames: the file is whole or absent."""
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(_header(entries, metadata))
        for c in chunks:  # no joined copy: VGG's data section alone is half a gigabyte
            f.write(c)
    os.replace(tmp, path)


def save(path, tensors, metadata=None):
    """Writes an ordered list (or dict) of name -> tensor atomically."""
    items = list(tensors.items()) if isinstance(tensors, dict) else list(tensors)
    entries, chunks = _layout(items)
    _write(path, entries, chunks, metadata)


def project_version():
    """thorax's version, from the CMake project line beside this script."""
    cmake = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "CMakeLists.txt")
    try:
        with open(cmake) as f:
            m = re.search(r"project\(thorax VERSION ([0-9.]+)", f.read())
        return m.group(1) if m else "unknown"
    except OSError:
        return "unknown"


def make_card(architecture, in_channels, num_classes, classes=(), label_kind="", extra=None):
    card = {
        "format": CARD_FORMAT, "architecture": architecture,
        "arguments": {"in_channels": int(in_channels), "num_classes": int(num_classes)},
        "label_space": {"kind": label_kind, "classes": list(classes)},
        "preprocessing": None, "training_data": None,
        "created_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "thorax_version": project_version(), "tensor_sha256": "",
    }
    card.update(extra or {})
    return card


def save_with_card(path, tensors, card):
    """Writes tensors with `card` under __metadata__["thorax.card"], its tensor_sha256 filled in."""
    items = list(tensors.items()) if isinstance(tensors, dict) else list(tensors)
    entries, chunks = _layout(items)
    digest = hashlib.sha256()
    for c in chunks:
        digest.update(c)
    card = dict(card, tensor_sha256=digest.hexdigest())
    _write(path, entries, chunks, {CARD_KEY: json.dumps(card)})
    return card


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise FormatError(f"the header repeats the key {dup[0]!r}")
    return dict(pairs)


def load(path):
    """(dict name -> tensor in file order, metadata dict, card dict or None). Checks the card's hash."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise FormatError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > MAX_HEADER or n > len(blob) - 8:
        raise FormatError(f"{path}: header length {n} does not fit a file of {len(blob)} bytes")
    try:
        header = json.loads(blob[8:8 + n], object_pairs_hook=_no_duplicates)
    except (ValueError, FormatError) as e:
        raise FormatError(f"{path}: bad header: {e}") from None
    if not isinstance(header, dict):
        raise FormatError(f"{path}: the header is not a JSON object")
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", {}) or {}
    if not all(isinstance(v, str) for v in metadata.values()):
        raise FormatError(f"{path}: __metadata__ values must be strings")
    spans, tensors = [], {}
    for name, spec in header.items():
        if set(spec) != {"dtype", "shape", "data_offsets"}:
            raise FormatError(f"{path}: tensor {name!r} must have exactly dtype, shape, data_offsets")
        if spec["dtype"] not in _DTYPES:
            raise FormatError(f"{path}: tensor {name!r} has unknown dtype {spec['dtype']!r}")
        dtype, size = _DTYPES[spec["dtype"]]
        shape = spec["shape"]
        if not all(isinstance(d, int) and d >= 0 for d in shape):
            raise FormatError(f"{path}: tensor {name!r} has a bad shape {shape}")
        begin, end = spec["data_offsets"]
        if not (0 <= begin <= end <= len(data)) or end - begin != size * int(np.prod(shape, dtype=object)):
            raise FormatError(f"{path}: tensor {name!r}: offsets [{begin}, {end}] do not fit shape {shape} of "
                              f"{spec['dtype']} in {len(data)} data bytes")
        spans.append((begin, end, name))
        raw = np.frombuffer(data, dtype=np.uint8, count=end - begin, offset=begin).copy()
        t = torch.from_numpy(raw).view(dtype) if raw.size else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(shape)
    at = 0
    for begin, end, name in sorted(spans):
        if begin != at:
            raise FormatError(f"{path}: tensor {name!r} starts at byte {begin}, expected {at} (gap or overlap)")
        at = end
    if at != len(data):
        raise FormatError(f"{path}: {len(data) - at} unused bytes at the end of the data section")
    ordered = {name: tensors[name] for _, _, name in sorted(spans)}
    card = json.loads(metadata[CARD_KEY]) if CARD_KEY in metadata else None
    if card and card.get("tensor_sha256"):
        digest = hashlib.sha256(data).hexdigest()
        if digest != card["tensor_sha256"]:
            raise FormatError(f"{path}: tensor data SHA-256 {digest} differs from the model card's "
                              f"{card['tensor_sha256']} (corrupted or edited file)")
    return ordered, metadata, card
