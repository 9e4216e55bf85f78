"""PyTorch counterparts of the loss cases (see ops_core.py for the convention).

These are independent definitions: torchvision's sigmoid_focal_loss, F.cross_entropy, and NT-Xent
composed the way SimCLR implementations write it (normalize, similarity, mask the diagonal, CE).
"""
import torch
import torch.nn.functional as F
from torchvision.ops import sigmoid_focal_loss


def bce(x, p):
    logits, target = x[0], x[1]
    pos_weight = x[2] if len(x) > 2 else None
    weight = x[3] if len(x) > 3 else None
    mask = x[4] if len(x) > 4 else None
    if mask is None:
        return F.binary_cross_entropy_with_logits(logits, target, weight=weight, pos_weight=pos_weight,
                                                  reduction=p["reduction"])
    # Masked mean: the loss of counted elements over their number.
    w = mask if weight is None else weight * mask
    total = F.binary_cross_entropy_with_logits(logits, target, weight=w, pos_weight=pos_weight, reduction="sum")
    return total / mask.sum()


def focal(x, p):
    return sigmoid_focal_loss(x[0], x[1], alpha=p["alpha"], gamma=p["gamma"], reduction=p["reduction"])


def cross_entropy(x, p):
    weight = x[2] if len(x) > 2 else None
    return F.cross_entropy(x[0], x[1].long(), weight=weight, label_smoothing=p["label_smoothing"],
                           reduction=p["reduction"])


def nt_xent(x, p):
    z = F.normalize(x[0], dim=1)
    n2 = z.shape[0]
    sim = z @ z.t() / p["temperature"]
    sim = sim.masked_fill(torch.eye(n2, dtype=torch.bool), float("-inf"))
    target = (torch.arange(n2) + n2 // 2) % n2
    return F.cross_entropy(sim, target)


OPS = {
    "bce_with_logits": bce,
    "focal_loss": focal,
    "cross_entropy": cross_entropy,
    "mse_loss": lambda x, p: F.mse_loss(x[0], x[1], reduction=p["reduction"]),
    "nt_xent": nt_xent,
}
