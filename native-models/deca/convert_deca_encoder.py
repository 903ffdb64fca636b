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
"""
import sys

import torch
import torchvision
from torch import nn

CODE_LENGTH = 236


class ResnetEncoder(nn.Module):
    """DECA's coarse encoder E_c (decalib/models/encoders.py), with torchvision's ResNet-50 trunk."""

    def __init__(self, outsize=CODE_LENGTH):
        super().__init__()
        self.encoder = torchvision.models.resnet50()
        self.encoder.fc = nn.Identity()
        self.layers = nn.Sequential(nn.Linear(2048, 1024), nn.ReLU(), nn.Linear(1024, outsize))

    def forward(self, image):
        return self.layers(self.encoder(image))


def load_encoder(checkpoint_path):
    checkpoint = torch.load(checkpoint_path, map_location="cpu", weights_only=True)
    if not isinstance(checkpoint, dict) or "E_flame" not in checkpoint:
        raise SystemExit(f"{checkpoint_path}: not a DECA checkpoint (no 'E_flame' entry; keys: {sorted(checkpoint)[:8]})")
    state = checkpoint["E_flame"]
    model = ResnetEncoder()
    result = model.load_state_dict(state, strict=False)
    # DECA's ResNet keeps an unused classifier head (encoder.fc.*); nothing else may be left over.
    unexpected = [k for k in result.unexpected_keys if not k.startswith("encoder.fc.")]
    if result.missing_keys or unexpected:
        raise SystemExit(f"E_flame does not match DECA's encoder: missing {result.missing_keys[:5]}, unexpected {unexpected[:5]}")
    return model.eval()


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
