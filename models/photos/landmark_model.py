"""A learned reader of the ballot number a hand shows, from MediaPipe's 21 world landmarks.

Multinomial logistic regression (about 2,000 numbers, ``landmark_classifier.json``
beside this file) on features that do not change when the hand turns, moves,
is seen from the back or is the other hand: the 210 distances between the 21
landmarks in palm lengths, and the cosine of the bend at each of the 15 finger
joints. It was trained by ``scripts/train_gesture_classifier.py`` on the
``tuning`` photos of ``data/sign-language-digits`` (one, two (V), three both ways,
four, five, OK-three and the closed O) and of ``data`` (call, metal, thumbs-up,
thumbs-down, fists and relaxed hands, as "other") — never on the held-out people.

It knows only those poses, so ``gestures.read_hand`` asks it only where the
finger rules do not name a pose it has not learned, and falls back on the rules
where it is unsure.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PARAMETERS = Path(__file__).resolve().parent / "landmark_classifier.json"

# Internal classes: "three" is learned as its two hand shapes, which share no finger pattern.
CLASSES = ("one", "two", "three_thumb", "three_ring", "four", "five", "ok_three", "o_hand", "other")
# The gesture each class reads as ("other": the classifier does not know; the rules decide).
CLASS_GESTURES: dict[str, str | None] = {
    "one": "one", "two": "two", "three_thumb": "three", "three_ring": "three", "four": "four", "five": "five",
    "ok_three": "ok_three", "o_hand": "none", "other": None,
}

_PAIRS = np.triu_indices(21, 1)
_CHAINS = ((0, 1, 2, 3, 4), (0, 5, 6, 7, 8), (0, 9, 10, 11, 12), (0, 13, 14, 15, 16), (0, 17, 18, 19, 20))
_JOINTS = tuple((a, b, c) for chain in _CHAINS for a, b, c in zip(chain, chain[1:], chain[2:], strict=False))
FEATURES = len(_PAIRS[0]) + len(_JOINTS)


def features(world: np.ndarray) -> np.ndarray:
    """Distances between all landmark pairs in palm lengths (wrist to middle knuckle), then joint-bend cosines."""
    p = np.asarray(world, dtype=float)
    palm = float(np.linalg.norm(p[9] - p[0])) or 1e-6
    distances = np.linalg.norm(p[:, None, :] - p[None, :, :], axis=-1)[_PAIRS] / palm
    bends = []
    for a, b, c in _JOINTS:
        u, v = p[b] - p[a], p[c] - p[b]
        norm = float(np.linalg.norm(u) * np.linalg.norm(v)) or 1e-9
        bends.append(float(np.dot(u, v)) / norm)
    return np.concatenate([distances, np.array(bends)])


@dataclass(frozen=True)
class LandmarkClassifier:
    """Standardised features → linear scores per class → softmax."""

    classes: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weight: np.ndarray  # classes × features
    bias: np.ndarray
    digest: str  # of the parameter file: part of the detector's version

    @classmethod
    def load(cls, path: Path = PARAMETERS) -> LandmarkClassifier:
        raw = path.read_bytes()
        data = json.loads(raw)
        classifier = cls(
            classes=tuple(data["classes"]),
            mean=np.array(data["mean"], dtype=float),
            scale=np.array(data["scale"], dtype=float),
            weight=np.array(data["weight"], dtype=float),
            bias=np.array(data["bias"], dtype=float),
            digest=hashlib.sha256(raw).hexdigest()[:8],
        )
        if classifier.weight.shape != (len(classifier.classes), FEATURES) or set(classifier.classes) - set(CLASSES):
            raise ValueError(f"{path}: parameters do not fit {FEATURES} features and the classes {CLASSES}")
        return classifier

    def probabilities(self, world: np.ndarray) -> dict[str, float]:
        z = self.weight @ ((features(world) - self.mean) / self.scale) + self.bias
        e = np.exp(z - z.max())
        return dict(zip(self.classes, (e / e.sum()).tolist(), strict=True))

    def to_json(self) -> dict[str, object]:
        def rounded(a: np.ndarray) -> list[object]:
            # Six significant digits: the JSON stays small and the readings do not change.
            return [rounded(row) for row in a] if a.ndim > 1 else [float(f"{v:.6g}") for v in a]

        return {"classes": list(self.classes), "mean": rounded(self.mean), "scale": rounded(self.scale),
                "weight": rounded(self.weight), "bias": rounded(self.bias)}


@functools.cache
def bundled_classifier() -> LandmarkClassifier:
    """The classifier shipped with Netra (loaded once per process)."""
    return LandmarkClassifier.load()


def fit(x: np.ndarray, y: np.ndarray, *, l2: float = 1e-2, classes: tuple[str, ...] = CLASSES) -> LandmarkClassifier:
    """Multinomial logistic regression with an L2 penalty on the weights, fitted to convergence by L-BFGS.

    ``y`` holds indices into ``classes``. torch is only needed here, not to read hands.
    """
    import torch

    torch.manual_seed(0)
    mean = x.mean(axis=0)
    # Some distances never vary (wrist to middle knuckle is the unit): a floor keeps them from dividing by 0.
    scale = np.maximum(x.std(axis=0), 1e-3)
    xs = torch.tensor((x - mean) / scale, dtype=torch.float64)
    ys = torch.tensor(y, dtype=torch.long)
    linear = torch.nn.Linear(x.shape[1], len(classes)).double()
    optimiser = torch.optim.LBFGS(linear.parameters(), max_iter=500, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(linear(xs), ys) + l2 * (linear.weight ** 2).sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    classifier = LandmarkClassifier(classes=classes, mean=mean, scale=scale,
                                    weight=linear.weight.detach().numpy().copy(),
                                    bias=linear.bias.detach().numpy().copy(), digest="")
    return classifier
