"""PyTorch counterparts of the LSTM and attention cases (see ops_core.py for the convention)."""
import math

import torch
import torch.nn.functional as F


def attention(x, p):
    if p["kind"] == "mha":
        q, k, v, w_in, b_in, w_out, b_out = x
        # PyTorch's functional form is sequence-first: (L, N, E).
        out, _ = F.multi_head_attention_forward(
            q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), q.shape[-1], p["heads"], w_in, b_in,
            None, None, False, 0.0, w_out, b_out, training=False, need_weights=False)
        return out.transpose(0, 1)
    q, k, v = x
    s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if p["causal"]:
        lq, lk = s.shape[-2], s.shape[-1]
        visible = torch.ones(lq, lk, dtype=torch.bool).tril(diagonal=lk - lq)
        s = s.masked_fill(~visible, float("-inf"))
    return torch.softmax(s, dim=-1) @ v


def lstm(x, p):
    """torch's own LSTM kernel with our tensors as its weights (nn.LSTM caches its parameters, so they
    cannot be swapped in; _VF.lstm is what nn.LSTM.forward calls)."""
    dirs = 2 if p["bidirectional"] else 1
    n_weights = 4 * p["layers"] * dirs
    weights = list(x[1:1 + n_weights])
    batch = x[0].shape[0] if p["batch_first"] else x[0].shape[1]
    if p["initial_state"]:
        state = (x[-2], x[-1])
    else:
        zeros = torch.zeros(p["layers"] * dirs, batch, p["hidden"])
        state = (zeros, zeros)
    out, h, c = torch._VF.lstm(x[0], state, weights, True, p["layers"], 0.0, False, p["bidirectional"],
                               p["batch_first"])
    return torch.cat([out.flatten(), h.flatten(), c.flatten()])


OPS = {
    "attention": attention,
    "lstm": lstm,
}
