#!/usr/bin/env python3
"""Convert DECA's detail networks (E_detail and D_detail in deca_model.tar) to ONNX for DECA Studio.

Usage:
    python3 convert_deca_detail.py deca_model.tar deca-detail-encoder.onnx deca-detail-decoder.onnx

Then install them with DECA's UV data files (from DECA's data/ folder):
    deca-studio detail install deca-detail-encoder.onnx deca-detail-decoder.onnx \
        --uv head_template.obj --mask uv_face_eye_mask.png --fixed fixed_displacement_256.npy

DECA's weights are licensed to you by the DECA authors; DECA Studio never ships them. Needs torch and
torchvision (Debian: python3-torch python3-torchvision); the checkpoint is read with
torch.load(weights_only=True), so it cannot run code while loading.

E_detail, DECA's ResnetEncoder(outsize=128) (decalib/models/encoders.py):
    input  `image`  [batch, 3, 224, 224]  the same RGB crop in [0, 1] as the coarse encoder
    output `detail` [batch, 128]          the detail code

D_detail, DECA's Generator(latent_dim=181, out_channels=1, out_scale=0.01, sample_mode='bilinear')
(decalib/models/decoders.py), fed as decalib/deca.py feeds it, torch.cat([pose[:, 3:], exp, detail], 1):
    input  `jaw`    [batch, 3]            jaw pose, axis-angle (the coarse code's pose[3:6])
    input  `exp`    [batch, 50]           FLAME expression (the coarse code's exp)
    input  `detail` [batch, 128]          E_detail's code
    output `uv_z`   [batch, 1, 256, 256]  DECA's uv_z: 0.01 * tanh(...), a displacement along the
                                          normal (FLAME units, metres) in DECA's UV layout; row 0 is the
                                          top of the UV image (v = 1), column 0 is u = 0
The output is D_detail's as it is: DECA multiplies it by uv_face_eye_mask and adds
fixed_displacement_256.npy afterwards (DECA Studio does that in TypeScript, with the installed files).
"""
import sys

import torch
from torch import nn

from convert_deca_encoder import ResnetEncoder, load_checkpoint, load_state

DETAIL_LENGTH = 128  # cfg.model.n_detail
EXP_LENGTH = 50  # cfg.model.n_exp
JAW_LENGTH = 3  # pose[:, 3:]
MAX_Z = 0.01  # cfg.model.max_z: D_detail's out_scale


class Generator(nn.Module):
    """DECA's D_detail (decalib/models/decoders.py), layer for layer so the checkpoint's keys load.

    Note nn.BatchNorm2d(c, 0.8): DECA passes 0.8 as the second positional argument, which is eps
    (not momentum); the first BatchNorm keeps the default eps. The export keeps both."""

    def __init__(self, latent_dim=DETAIL_LENGTH + EXP_LENGTH + JAW_LENGTH, out_channels=1, out_scale=MAX_Z, sample_mode="bilinear"):
        super().__init__()
        self.out_scale = out_scale
        self.init_size = 32 // 4
        self.l1 = nn.Sequential(nn.Linear(latent_dim, 128 * self.init_size**2))
        up = lambda: nn.Upsample(scale_factor=2, mode=sample_mode)  # noqa: E731 (align_corners=False, as DECA)
        self.conv_blocks = nn.Sequential(
            nn.BatchNorm2d(128),
            up(),  # 16
            nn.Conv2d(128, 128, 3, stride=1, padding=1),
            nn.BatchNorm2d(128, 0.8),
            nn.LeakyReLU(0.2, inplace=True),
            up(),  # 32
            nn.Conv2d(128, 64, 3, stride=1, padding=1),
            nn.BatchNorm2d(64, 0.8),
            nn.LeakyReLU(0.2, inplace=True),
            up(),  # 64
            nn.Conv2d(64, 64, 3, stride=1, padding=1),
            nn.BatchNorm2d(64, 0.8),
            nn.LeakyReLU(0.2, inplace=True),
            up(),  # 128
            nn.Conv2d(64, 32, 3, stride=1, padding=1),
            nn.BatchNorm2d(32, 0.8),
            nn.LeakyReLU(0.2, inplace=True),
            up(),  # 256
            nn.Conv2d(32, 16, 3, stride=1, padding=1),
            nn.BatchNorm2d(16, 0.8),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(16, out_channels, 3, stride=1, padding=1),
            nn.Tanh(),
        )

    def forward(self, noise):
        out = self.l1(noise)
        out = out.view(out.shape[0], 128, self.init_size, self.init_size)
        return self.conv_blocks(out) * self.out_scale


class DetailDecoder(nn.Module):
    """D_detail with its three inputs named, concatenated in decalib/deca.py's order (jaw, exp, detail)."""

    def __init__(self, generator):
        super().__init__()
        self.generator = generator

    def forward(self, jaw, exp, detail):
        return self.generator(torch.cat([jaw, exp, detail], dim=1))


def load_detail_networks(checkpoint_path):
    """E_detail and D_detail from deca_model.tar, in eval mode."""
    checkpoint = load_checkpoint(checkpoint_path, keys=("E_detail", "D_detail"))
    encoder = load_state(ResnetEncoder(DETAIL_LENGTH), checkpoint["E_detail"], "E_detail")
    decoder = load_state(Generator(), checkpoint["D_detail"], "D_detail")
    return encoder, DetailDecoder(decoder).eval()


def export(encoder, decoder, encoder_path, decoder_path):
    batch = {0: "batch"}
    with torch.no_grad():
        torch.onnx.export(
            encoder,
            torch.zeros(1, 3, 224, 224),
            encoder_path,
            input_names=["image"],
            output_names=["detail"],
            dynamic_axes={"image": batch, "detail": batch},
            opset_version=13,
            do_constant_folding=True,
        )
        torch.onnx.export(
            decoder,
            (torch.zeros(1, JAW_LENGTH), torch.zeros(1, EXP_LENGTH), torch.zeros(1, DETAIL_LENGTH)),
            decoder_path,
            input_names=["jaw", "exp", "detail"],
            output_names=["uv_z"],
            dynamic_axes={"jaw": batch, "exp": batch, "detail": batch, "uv_z": batch},
            opset_version=13,
            do_constant_folding=True,
        )


def main(argv):
    if len(argv) != 4:
        print(__doc__)
        return 64
    encoder, decoder = load_detail_networks(argv[1])
    export(encoder, decoder, argv[2], argv[3])
    print(f"wrote {argv[2]} (E_detail) and {argv[3]} (D_detail)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
