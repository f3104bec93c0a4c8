"""L2-regularised logistic regression fitted by L-BFGS: the small readers beside the network (the tweet hate
component, the hoax match scorer) are fitted with it, deterministically, on standardised features."""

from __future__ import annotations

import torch


def fit_logistic(x: torch.Tensor, y: torch.Tensor, l2: float, weights: torch.Tensor | None = None,
                 steps: int = 200) -> tuple[torch.Tensor, float]:
    """Weighted L2-regularised logistic regression by L-BFGS (deterministic); ``x`` already standardised."""
    x, y = x.double(), y.double()
    w_s = torch.ones(len(y), dtype=torch.float64) if weights is None else weights.double()
    w_s = w_s / w_s.sum()
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1.0, max_iter=steps, tolerance_grad=1e-9, tolerance_change=1e-12,
                            history_size=20, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        z = (torch.sparse.mm(x, w.unsqueeze(1)).squeeze(1) if x.is_sparse else x @ w) + b
        loss = (w_s * torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none")).sum() \
            + 0.5 * l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach().float(), float(b.detach())


def standardiser(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return x.mean(0), x.std(0).clamp(min=1e-6)


def balanced_weights(y: torch.Tensor) -> torch.Tensor:
    pos = float(y.sum())
    neg = float(len(y) - pos)
    return torch.where(y > 0.5, len(y) / (2 * max(pos, 1.0)), len(y) / (2 * max(neg, 1.0))).float()
