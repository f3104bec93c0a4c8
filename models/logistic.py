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


def fit_tanh_layer(x: torch.Tensor, y: torch.Tensor, hidden: int, l2: float, weights: torch.Tensor | None = None,
                   steps: int = 300, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, float]:
    """A logistic output over one tanh hidden layer, fitted by L-BFGS from a seeded start (deterministic); ``x``
    already standardised. Returns (hidden weight [hidden × features], hidden bias, output weight, output bias).

    For a handful of dense readings that act together (a clause carried *and* a short reply, say) where a logistic
    regression can only add them; L2 on both weight matrices."""
    x, y = x.double(), y.double()
    w_s = torch.ones(len(y), dtype=torch.float64) if weights is None else weights.double()
    w_s = w_s / w_s.sum()
    generator = torch.Generator().manual_seed(seed)
    w1 = (torch.randn(hidden, x.shape[1], generator=generator, dtype=torch.float64) * 0.3).requires_grad_()
    b1 = torch.zeros(hidden, dtype=torch.float64, requires_grad=True)
    w2 = (torch.randn(hidden, generator=generator, dtype=torch.float64) * 0.3).requires_grad_()
    b2 = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w1, b1, w2, b2], lr=1.0, max_iter=steps, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        z = torch.tanh(x @ w1.T + b1) @ w2 + b2
        loss = (w_s * torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none")).sum() \
            + l2 * ((w1 * w1).sum() + (w2 * w2).sum())
        loss.backward()
        return loss

    opt.step(closure)
    return w1.detach(), b1.detach(), w2.detach(), float(b2.detach())
