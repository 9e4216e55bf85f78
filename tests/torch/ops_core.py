"""PyTorch counterparts of the core op cases: elementwise, reductions, products, views.

Each ops_*.py module in this folder defines OPS: op name -> f(inputs, params) -> output tensor.
make_references.py merges them; a new op family adds a module.
"""
import torch
import torch.nn.functional as F


def dims(p, x):
    d = p["dims"]
    return tuple(d) if d else tuple(range(x.dim()))


OPS = {
    "add": lambda x, p: torch.add(x[0], x[1]),
    "sub": lambda x, p: torch.sub(x[0], x[1]),
    "mul": lambda x, p: torch.mul(x[0], x[1]),
    "div": lambda x, p: torch.div(x[0], x[1]),
    "pow": lambda x, p: torch.pow(x[0], x[1]),
    "exp": lambda x, p: torch.exp(x[0]),
    "log": lambda x, p: torch.log(x[0]),
    "sqrt": lambda x, p: torch.sqrt(x[0]),
    "rsqrt": lambda x, p: torch.rsqrt(x[0]),
    "abs": lambda x, p: torch.abs(x[0]),
    "neg": lambda x, p: torch.neg(x[0]),
    "clamp": lambda x, p: torch.clamp(x[0], p["lo"], p["hi"]),
    "pow_scalar": lambda x, p: torch.pow(x[0], p["exponent"]),
    "relu": lambda x, p: F.relu(x[0]),
    "relu6": lambda x, p: F.relu6(x[0]),
    "leaky_relu": lambda x, p: F.leaky_relu(x[0], p["slope"]),
    "sigmoid": lambda x, p: torch.sigmoid(x[0]),
    "tanh": lambda x, p: torch.tanh(x[0]),
    "silu": lambda x, p: F.silu(x[0]),
    "gelu": lambda x, p: F.gelu(x[0]),
    "hardswish": lambda x, p: F.hardswish(x[0]),
    "sum": lambda x, p: torch.sum(x[0], dim=dims(p, x[0]), keepdim=p["keepdim"]),
    "mean": lambda x, p: torch.mean(x[0], dim=dims(p, x[0]), keepdim=p["keepdim"]),
    "max": lambda x, p: torch.amax(x[0], dim=dims(p, x[0]), keepdim=p["keepdim"]),
    "min": lambda x, p: torch.amin(x[0], dim=dims(p, x[0]), keepdim=p["keepdim"]),
    "var": lambda x, p: torch.var(x[0], dim=dims(p, x[0]), unbiased=True, keepdim=p["keepdim"]),
    "matmul": lambda x, p: torch.matmul(x[0], x[1]),
    "bmm": lambda x, p: torch.bmm(x[0], x[1]),
    "linear": lambda x, p: F.linear(x[0], x[1], x[2] if len(x) > 2 else None),
    "reshape": lambda x, p: torch.reshape(x[0], p["shape"]),
    "permute": lambda x, p: x[0].permute(*p["dims"]),
    "transpose": lambda x, p: torch.transpose(x[0], p["dim0"], p["dim1"]),
    "narrow": lambda x, p: torch.narrow(x[0], p["dim"], p["start"], p["length"]),
    "expand": lambda x, p: x[0].expand(*p["shape"]),
    "squeeze": lambda x, p: torch.squeeze(x[0], p["dim"]),
    "unsqueeze": lambda x, p: torch.unsqueeze(x[0], p["dim"]),
    "flatten": lambda x, p: torch.flatten(x[0], p["start"], p["end"]),
}
