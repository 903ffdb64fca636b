#!/usr/bin/env python3
"""Convert DECA's coarse encoder (E_flame in deca_model.tar) to ONNX for DECA Studio.

Usage:
    python3 convert_deca_encoder.py deca_model.tar deca-coarse-encoder.onnx

DECA's weights are licensed to you by the DECA authors; DECA Studio never ships them. This script
needs torch and torchvision (Debian: apt-get install python3-torch python3-torchvision). It reads
the checkpoint with torch.load(weights_only=True), so a checkpoint cannot run code while loading.

The network is DECA's ResnetEncoder: a ResNet-50 trunk (average-pooled 2048 features) and two
linear layers to 236 values (shape 100, tex 50, exp 50, pose 6, cam 3, light 27). The ONNX model
takes `image` [batch, 3, 224, 224] (RGB in [0, 1]) and returns `params` [batch, 236].

DECA's detail networks (E_detail, D_detail) have their own script, convert_deca_detail.py.
"""
import sys

import torch
import torchvision
from torch import nn

CODE_LENGTH = 236


class ResnetEncoder(nn.Module):
    """DECA's ResnetEncoder (decalib/models/encoders.py), with torchvision's ResNet-50 trunk.

    E_flame is ResnetEncoder(236), E_detail is ResnetEncoder(128)."""

    def __init__(self, outsize=CODE_LENGTH):
        super().__init__()
        self.encoder = torchvision.models.resnet50()
        self.encoder.fc = nn.Identity()
        self.layers = nn.Sequential(nn.Linear(2048, 1024), nn.ReLU(), nn.Linear(1024, outsize))

    def forward(self, image):
        return self.layers(self.encoder(image))


def load_checkpoint(checkpoint_path, keys=("E_flame",)):
    """deca_model.tar as a dict of state dicts, read without running any code from the file."""
    checkpoint = torch.load(checkpoint_path, map_location="cpu", weights_only=True)
    if not isinstance(checkpoint, dict) or any(k not in checkpoint for k in keys):
        found = sorted(checkpoint)[:8] if isinstance(checkpoint, dict) else type(checkpoint).__name__
        raise SystemExit(f"{checkpoint_path}: not a DECA checkpoint (needs {', '.join(repr(k) for k in keys)}; keys: {found})")
    return checkpoint


def load_state(model, state, name):
    """Loads `state` into `model`, refusing anything that is not DECA's layout with a clear message."""
    if not isinstance(state, dict) or not state:
        raise SystemExit(f"{name} is empty in this checkpoint")
    try:
        result = model.load_state_dict(state, strict=False)
    except RuntimeError as error:  # size mismatches: another network width or code length
        raise SystemExit(f"{name} does not match DECA's network: {str(error).splitlines()[-1].strip()}")
    # DECA's ResNet may keep an unused classifier head (encoder.fc.*); older BatchNorm checkpoints
    # lack num_batches_tracked (unused in eval). Nothing else may be missing or left over.
    missing = [k for k in result.missing_keys if not k.endswith("num_batches_tracked")]
    unexpected = [k for k in result.unexpected_keys if not k.startswith("encoder.fc.")]
    if missing or unexpected:
        raise SystemExit(f"{name} does not match DECA's network: missing {missing[:5]}, unexpected {unexpected[:5]}")
    return model.eval()


def load_encoder(checkpoint_path):
    return load_state(ResnetEncoder(), load_checkpoint(checkpoint_path)["E_flame"], "E_flame")


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 64
    model = load_encoder(argv[1])
    example = torch.zeros(1, 3, 224, 224)
    with torch.no_grad():
        torch.onnx.export(
            model,
            example,
            argv[2],
            input_names=["image"],
            output_names=["params"],
            dynamic_axes={"image": {0: "batch"}, "params": {0: "batch"}},
            opset_version=13,
            do_constant_folding=True,
        )
    print(f"wrote {argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
