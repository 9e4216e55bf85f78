"""The golden end-to-end check, in the llm.c manner: a small CNN (conv, batch norm, relu, max pool,
conv, relu, batch norm, global average pool, linear) with identical weights in PyTorch and thorax.

write(out_dir) saves the weights, one batch, the logits and loss of the first forward pass, every
parameter's gradient, the running statistics after that step, the losses of 10 Adam steps, every
tensor after them, and the eval-mode logits at the end.
tests/nn/golden_cnn_test.cpp builds the same network from thorax ops and compares all of it.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

STEPS = 10


class GoldenCNN(nn.Module):
    def __init__(self):
        super().__init__()
        # No bias before a batch norm: its gradient is rounding noise there, which Adam would amplify
        # into lr-sized steps of random sign. conv2's bias sits before a relu, where it matters.
        self.conv1 = nn.Conv2d(1, 6, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(6)
        self.conv2 = nn.Conv2d(6, 8, 3, stride=2, padding=1)
        self.bn2 = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = self.bn2(F.relu(self.conv2(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def write(out_dir):
    root = os.path.join(out_dir, "golden_cnn")
    os.makedirs(root)
    torch.manual_seed(7)
    model = GoldenCNN()
    with torch.no_grad():  # non-trivial batch-norm affine parameters and running statistics
        for bn in (model.bn1, model.bn2):
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.5, 0.5)
            bn.running_mean.uniform_(-0.2, 0.2)
            bn.running_var.uniform_(0.5, 1.5)
    rng = np.random.default_rng(11)
    x = torch.from_numpy(rng.standard_normal((4, 1, 16, 16)).astype(np.float32))
    y = torch.from_numpy(np.array([0, 2, 1, 2], dtype=np.int64))
    np.save(os.path.join(root, "x.npy"), x.numpy())
    np.save(os.path.join(root, "y.npy"), y.numpy())
    names = [k for k, _ in model.state_dict().items() if not k.endswith("num_batches_tracked")]
    for k in names:
        np.save(os.path.join(root, f"init.{k}.npy"), model.state_dict()[k].numpy().copy())

    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for step in range(STEPS):
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        if step == 0:
            np.save(os.path.join(root, "logits.npy"), logits.detach().numpy())
            for k, p in model.named_parameters():
                np.save(os.path.join(root, f"grad.{k}.npy"), p.grad.numpy().copy())
            for k in names:
                if "running" in k:
                    np.save(os.path.join(root, f"after1.{k}.npy"), model.state_dict()[k].numpy().copy())
        losses.append(loss.item())
        opt.step()
    for k in names:
        np.save(os.path.join(root, f"final.{k}.npy"), model.state_dict()[k].numpy().copy())
    model.eval()
    np.save(os.path.join(root, "eval_logits.npy"), model(x).detach().numpy())
    with open(os.path.join(root, "golden.json"), "w") as f:
        json.dump({"names": names, "losses": losses, "params": [k for k, _ in model.named_parameters()]}, f, indent=1)
