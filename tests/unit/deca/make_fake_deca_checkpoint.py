"""Test fixture: a deca_model.tar-shaped checkpoint with seeded random weights (E_flame, E_detail,
D_detail), plus torch's outputs for fixed inputs, so the TypeScript side can compare ONNX Runtime
against PyTorch.

Usage: make_fake_deca_checkpoint.py <out.tar> <expected.json> <native-models/deca>

Fixed inputs (the TypeScript tests build the same ones):
  image  [1, 3, 224, 224] = linspace(0, 1) in C order
  latent [181]            = 0.8 * sin(0.37 * j + 0.1); jaw = latent[0:3], exp = latent[3:53], detail = latent[53:181]
"""
import json
import math
import sys

import torch

sys.path.insert(0, sys.argv[3])
from convert_deca_detail import DETAIL_LENGTH, DetailDecoder, Generator  # noqa: E402
from convert_deca_encoder import ResnetEncoder  # noqa: E402

torch.manual_seed(7)
coarse = ResnetEncoder().eval()
detail_encoder = ResnetEncoder(DETAIL_LENGTH).eval()
generator = Generator()
# Trained BatchNorms are not identities: random statistics and affines, so the export's handling of
# DECA's eps=0.8 layers is tested, not hidden.
for m in generator.modules():
    if isinstance(m, torch.nn.BatchNorm2d):
        c = m.num_features
        m.running_mean.copy_(0.2 * torch.randn(c))
        m.running_var.copy_(0.5 + torch.rand(c))
        m.weight.data.copy_(0.7 + 0.6 * torch.rand(c))
        m.bias.data.copy_(0.1 * torch.randn(c))
# Default init leaves tanh near 0 (|uv_z| < 0.001); a stronger last layer spans most of tanh's range.
generator.conv_blocks[-2].weight.data *= 12
generator.eval()

state = dict(coarse.state_dict())
# DECA's checkpoint may also carry an unused classifier head.
state["encoder.fc.weight"] = torch.zeros(1000, 2048)
torch.save({"E_flame": state, "E_detail": detail_encoder.state_dict(), "D_detail": generator.state_dict()}, sys.argv[1])

x = torch.linspace(0, 1, 3 * 224 * 224).reshape(1, 3, 224, 224)
latent = torch.tensor([[0.8 * math.sin(0.37 * j + 0.1) for j in range(181)]])
with torch.no_grad():
    y = coarse(x)
    detail = detail_encoder(x)
    # decalib/deca.py: D_detail(torch.cat([pose[:, 3:], exp, detail], dim=1))
    uv_z = generator(latent)
    assert torch.equal(uv_z, DetailDecoder(generator)(latent[:, :3], latent[:, 3:53], latent[:, 53:]))
json.dump({"output": y[0].tolist(), "detail": detail[0].tolist(), "uv_z": uv_z[0, 0].flatten().tolist()}, open(sys.argv[2], "w"))
