"""Test fixture: a deca_model.tar-shaped checkpoint with seeded random weights, plus the torch
output for a fixed input, so the TypeScript side can compare ONNX Runtime against PyTorch."""
import json
import sys

import torch

sys.path.insert(0, sys.argv[3])
from convert_deca_encoder import ResnetEncoder  # noqa: E402

torch.manual_seed(7)
model = ResnetEncoder().eval()
state = {f"{k}": v for k, v in model.state_dict().items()}
# DECA's checkpoint also carries the unused classifier head and the detail networks.
state["encoder.fc.weight"] = torch.zeros(1000, 2048)
torch.save({"E_flame": state, "E_detail": {}, "D_detail": {}}, sys.argv[1])
x = torch.linspace(0, 1, 3 * 224 * 224).reshape(1, 3, 224, 224)
with torch.no_grad():
    y = model(x)
json.dump({"output": y[0].tolist()}, open(sys.argv[2], "w"))
