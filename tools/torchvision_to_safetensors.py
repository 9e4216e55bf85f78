#!/usr/bin/python3
"""Exports a torchvision model's state_dict to a thorax weights file (safetensors with a model card),
without the `safetensors` package. Run with Debian's python3 (python3-torch, python3-torchvision).

  /usr/bin/python3 tools/torchvision_to_safetensors.py resnet18 resnet18.safetensors --weights IMAGENET1K_V1
  /usr/bin/python3 tools/torchvision_to_safetensors.py densenet121 xrv.safetensors \\
      --state-dict xrv-densenet121.pth --drop op_threshs --in-channels 1

Weights come from torchvision (--weights, downloaded into torch's cache), from a checkpoint file
(--state-dict: a state_dict, a dict holding one under "state_dict" or "model", or a pickled model), or
are drawn at random (--seed). They are loaded into the torchvision architecture strictly, so the file
written always has torchvision's names and shapes (--rename OLD=NEW and --drop PREFIX adapt a
checkpoint's key names; the class count is taken from its classifier). A pretrained classifier of
another size than --num-classes is replaced by a freshly drawn one (reported).

--in-channels 1 makes a grayscale model: RGB weights are turned into 1-channel ones by summing the
first convolution over its input channels, so that on a gray image the model computes exactly what the
RGB model computes on that image replicated three times; checkpoints whose first convolution already
takes 1 channel (TorchXRayVision's) are kept as they are.

--check-input X.npy --check-output Y.npy also writes torchvision's logits for X (float32 NCHW), so
`thorax model forward --weights OUT --input X.npy` can be compared with Y.npy.

inception_resnet_v2 and xception come from timm (xception is timm's legacy_xception): run the script
with the python tools/timm_venv.sh prints, and bring pretrained weights as a timm state_dict through
--state-dict (timm downloads them where it can: torch.save(timm.create_model("inception_resnet_v2",
pretrained=True).state_dict(), "irv2.pth")).
"""
import argparse
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thorax_safetensors as st  # noqa: E402
import thorax_torchvision as tv  # noqa: E402


def read_checkpoint(path, renames, drops):
    obj = torch.load(path, map_location="cpu")
    if isinstance(obj, torch.nn.Module):
        obj = obj.state_dict()
    for key in ("state_dict", "model"):
        if isinstance(obj, dict) and isinstance(obj.get(key), dict):
            obj = obj[key]
    if not isinstance(obj, dict):
        raise SystemExit(f"{path}: no state_dict found (got a {type(obj).__name__})")
    out = {}
    for name, t in obj.items():
        for old, new in renames:
            if name.startswith(old):
                name = new + name[len(old):]
        if any(name == d or name.startswith(d + ".") for d in drops):
            continue
        out[name] = t
    return out


def export(arch, out_path, weights=None, state_dict_path=None, renames=(), drops=(), num_classes=None, in_channels=3,
           classes=(), label_kind="", seed=0, randomize_batchnorm=False, log=print):
    """Writes OUT and returns (model, card): the torchvision model holding exactly the exported weights."""
    torch.manual_seed(seed)
    source, source_name = None, "random initialization (seed %d)" % seed
    if weights:
        if arch in tv.TIMM_MODELS:
            raise SystemExit(f"--weights names torchvision weights, and {arch} comes from timm: save timm's "
                             "state_dict with torch.save and export it with --state-dict")
        enum = torchvision.models.get_model_weights(arch)[weights]
        source, source_name = enum.get_state_dict(progress=True), f"torchvision {arch} {weights}"
        if not classes and enum.meta.get("categories"):
            classes = enum.meta["categories"]
    elif state_dict_path:
        source, source_name = read_checkpoint(state_dict_path, renames, drops), state_dict_path
    if in_channels not in (1, 3):
        raise SystemExit("--in-channels must be 1 or 3")
    source_in = 3  # grayscale checkpoints (TorchXRayVision's) have a 1-channel first convolution
    if source is not None:
        probe = tv.build(arch)
        conv_key, head_key = tv.first_conv(probe)[0] + ".weight", tv.classifier(probe)[0] + ".weight"
        if conv_key in source:
            source_in = int(source[conv_key].shape[1])
            if source_in not in (1, 3):
                raise SystemExit(f"{source_name}: {conv_key} takes {source_in} channels; thorax models take 1 or 3")
            if source_in == 1 and in_channels == 3:
                raise SystemExit(f"{source_name} holds 1-channel weights: export them with --in-channels 1")
        if num_classes is None and head_key in source:
            num_classes = int(source[head_key].shape[0])
    model = tv.build(arch, num_classes or 1000, source_in)
    conv_name, head_name = tv.first_conv(model)[0], tv.classifier(model)[0]
    if source is not None:
        expected = model.state_dict()  # once: inception_resnet_v2 has 1306 keys
        fresh = [k for k, v in source.items() if k in expected and expected[k].shape != v.shape]
        if fresh and not all(k.startswith(head_name + ".") for k in fresh):
            raise SystemExit(f"{source_name} does not fit {arch}: mis-shaped " + ", ".join(fresh))
        for k in fresh:
            del source[k]
        result = model.load_state_dict(source, strict=False)
        missing = [k for k in result.missing_keys if k not in fresh and not k.endswith("num_batches_tracked")]
        if missing or result.unexpected_keys:
            raise SystemExit(f"{source_name} does not fit {arch}: missing {missing}, unexpected {result.unexpected_keys}"
                             " (use --rename/--drop to map the checkpoint's names)")
        if fresh:
            log(f"{arch}: new {num_classes}-class head ({', '.join(fresh)} drawn at random with seed {seed})")
            classes = () if len(classes) != num_classes else classes
    num_classes = tv.classifier(model)[1].out_features
    if randomize_batchnorm:
        tv.randomize_batchnorm(model, torch.Generator().manual_seed(seed + 1))
    if in_channels == 1 and source_in == 3:
        state = tv.sum_input_channels(model.state_dict(), conv_name)
        model = tv.with_in_channels(model, 1)
        model.load_state_dict(state)
    if classes and len(classes) != num_classes:
        raise SystemExit(f"{len(classes)} class names given for {num_classes} classes")
    extra = {"exported_from": {"source": source_name, "torch": torch.__version__,
                               "torchvision": torchvision.__version__}}
    if arch in tv.TIMM_MODELS:
        extra["exported_from"]["timm"] = tv.import_timm(arch).__version__
    if arch == "inception_v3" and weights:
        # torchvision builds this model with transform_input=True, which maps ImageNet-normalized input to
        # the (pixel - 0.5) / 0.5 normalization Google trained with; thorax has no such step.
        extra["note"] = "normalize inputs as (pixel - 0.5) / 0.5 per channel (torchvision's transform_input)"
        log(f"{arch}: {extra['note']}")
    card = st.make_card(arch, in_channels, num_classes, classes, label_kind, extra)
    card = st.save_with_card(out_path, list(model.state_dict().items()), card)
    return model, card


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("arch", help="torchvision model name, e.g. resnet18, densenet121; or inception_resnet_v2, xception "
                                "(timm's)")
    p.add_argument("output", help="the .safetensors file to write")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--weights", help="torchvision weights name, e.g. IMAGENET1K_V1 (downloads them)")
    src.add_argument("--state-dict", help="a .pth/.pt checkpoint to export")
    p.add_argument("--rename", action="append", default=[], metavar="OLD=NEW", help="rename a key prefix of --state-dict")
    p.add_argument("--drop", action="append", default=[], metavar="PREFIX", help="leave out keys under PREFIX")
    p.add_argument("--num-classes", type=int, help="outputs (default: the weights', else 1000)")
    p.add_argument("--in-channels", type=int, default=3, choices=(1, 3))
    p.add_argument("--classes", help="comma-separated class names, in output order")
    p.add_argument("--label-kind", default="", choices=("", "multi-class", "multi-label"))
    p.add_argument("--seed", type=int, default=0, help="seed of random weights and new heads")
    p.add_argument("--randomize-batchnorm", action="store_true",
                   help="random batch-norm scales, shifts and running statistics (for parity tests)")
    p.add_argument("--check-input", help="float32 NCHW .npy to run through the exported model")
    p.add_argument("--check-output", help="where to write its logits (.npy)")
    p.add_argument("--train-mode", action="store_true", help="check with batch statistics (dropout stays off)")
    a = p.parse_args()
    if bool(a.check_input) != bool(a.check_output):
        p.error("--check-input and --check-output go together")
    renames = []
    for r in a.rename:
        if "=" not in r:
            p.error(f"--rename {r!r}: expected OLD=NEW")
        renames.append(tuple(r.split("=", 1)))
    classes = [c.strip() for c in a.classes.split(",")] if a.classes else ()
    model, card = export(a.arch, a.output, a.weights, a.state_dict, renames, a.drop, a.num_classes, a.in_channels,
                         classes, a.label_kind, a.seed, a.randomize_batchnorm)
    n = sum(t.numel() for t in model.state_dict().values())
    print(f"wrote {a.output}: {a.arch}, {len(model.state_dict())} tensors, {n} values, "
          f"in_channels {card['arguments']['in_channels']}, num_classes {card['arguments']['num_classes']}, "
          f"sha256 {card['tensor_sha256'][:16]}...")
    if a.check_input:
        tv.write_check_logits(model, a.check_input, a.check_output, a.train_mode)


if __name__ == "__main__":
    main()
