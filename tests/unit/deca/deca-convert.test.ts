import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDecaUv } from '../../../core/deca/deca-displacement';
import { DecaDetail } from '../../../main/deca/deca-detail';
import { DecaEncoder } from '../../../main/deca/deca-encoder';
import { REPO_ROOT } from '../../helpers/cli';
import { makeTempDir } from '../../helpers/temp-dir';

// Debian's Python with python3-torch (CI installs it); the pyenv Python first on PATH has no torch.
const PYTHON = '/usr/bin/python3';
const HAVE_TORCH = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' }).status === 0;
const SCRIPT_DIR = path.join(REPO_ROOT, 'native-models/deca');

let tmp: ReturnType<typeof makeTempDir>;
let tar: string, expected: string;
beforeAll(() => {
  tmp = makeTempDir('deca-convert-');
  if (!HAVE_TORCH) return;
  // One random-weight deca_model.tar (E_flame, E_detail, D_detail) and PyTorch's outputs for both scripts.
  tar = path.join(tmp.dir, 'deca_model.tar');
  expected = path.join(tmp.dir, 'expected.json');
  const fixture = spawnSync(PYTHON, [path.join(REPO_ROOT, 'tests/unit/deca/make_fake_deca_checkpoint.py'), tar, expected, SCRIPT_DIR], { encoding: 'utf8' });
  expect(fixture.status, fixture.stderr).toBe(0);
}, 180_000);
afterAll(() => tmp?.cleanup());

describe.skipIf(!HAVE_TORCH)('convert_deca_encoder.py (PyTorch → ONNX)', () => {
  it('converts a deca_model.tar-shaped checkpoint and ONNX Runtime reproduces PyTorch', async () => {
    const onnx = path.join(tmp.dir, 'deca-coarse-encoder.onnx');
    const convert = spawnSync(PYTHON, [path.join(SCRIPT_DIR, 'convert_deca_encoder.py'), tar, onnx], { encoding: 'utf8' });
    expect(convert.status, convert.stderr).toBe(0);

    const encoder = await DecaEncoder.open(onnx);
    try {
      const x = Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => i / (3 * 224 * 224 - 1));
      const [code] = await encoder.encodeTensor(x);
      const want = (JSON.parse(readFileSync(expected, 'utf8')) as { output: number[] }).output;
      const got = [...code!.shape, ...code!.tex, ...code!.exp, ...code!.pose.global, ...code!.pose.jaw, code!.cam.scale, code!.cam.tx, code!.cam.ty, ...code!.light];
      expect(got).toHaveLength(236);
      const maxDiff = Math.max(...got.map((v, i) => Math.abs(v - want[i]!)));
      expect(maxDiff).toBeLessThan(1e-4);
    } finally {
      await encoder.dispose();
    }
  }, 180_000);

  it('refuses a checkpoint that is not DECA', () => {
    const bad = path.join(tmp.dir, 'other.tar');
    const made = spawnSync(PYTHON, ['-c', `import torch; torch.save({'model': {}}, ${JSON.stringify(bad)})`], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const r = spawnSync(PYTHON, [path.join(SCRIPT_DIR, 'convert_deca_encoder.py'), bad, path.join(tmp.dir, 'x.onnx')], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/not a DECA checkpoint/);
  });

  it('refuses a checkpoint that would run code while loading', () => {
    const evil = path.join(tmp.dir, 'evil.tar');
    const marker = path.join(tmp.dir, 'pwned');
    const made = spawnSync(
      PYTHON,
      ['-c', `import torch, os\nclass E:\n  def __reduce__(self): return (os.system, (${JSON.stringify(`touch ${marker}`)},))\ntorch.save({'E_flame': E()}, ${JSON.stringify(evil)})`],
      { encoding: 'utf8' },
    );
    expect(made.status, made.stderr).toBe(0);
    const r = spawnSync(PYTHON, [path.join(SCRIPT_DIR, 'convert_deca_encoder.py'), evil, path.join(tmp.dir, 'y.onnx')], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(() => readFileSync(marker)).toThrow();
  });
});

describe.skipIf(!HAVE_TORCH)('convert_deca_detail.py (PyTorch → ONNX)', () => {
  it('converts E_detail and D_detail and ONNX Runtime reproduces PyTorch within 1e-4', async () => {
    const enc = path.join(tmp.dir, 'deca-detail-encoder.onnx'), dec = path.join(tmp.dir, 'deca-detail-decoder.onnx');
    const convert = spawnSync(PYTHON, [path.join(SCRIPT_DIR, 'convert_deca_detail.py'), tar, enc, dec], { encoding: 'utf8' });
    expect(convert.status, convert.stderr).toBe(0);
    const want = JSON.parse(readFileSync(expected, 'utf8')) as { detail: number[]; uv_z: number[] };
    const nets = await DecaDetail.open({ encoder: enc, decoder: dec });
    try {
      const x = Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => i / (3 * 224 * 224 - 1));
      const [code] = await nets.encodeTensor(x);
      const codeDiff = Math.max(...code!.map((v, i) => Math.abs(v - want.detail[i]!)));
      // The fixture's latent: 0.8·sin(0.37·j + 0.1), split as decalib/deca.py concatenates it (jaw, exp, detail).
      const latent = Array.from({ length: 181 }, (_, j) => 0.8 * Math.sin(0.37 * j + 0.1));
      const [uvZ] = await nets.decode([{ jaw: latent.slice(0, 3), exp: latent.slice(3, 53), code: latent.slice(53) }]);
      expect(uvZ).toHaveLength(256 * 256);
      const zDiff = Math.max(...uvZ!.map((v, i) => Math.abs(v - want.uv_z[i]!)));
      const zRange = Math.max(...want.uv_z.map(Math.abs));
      console.log(`E_detail max |ONNX − PyTorch| ${codeDiff.toExponential(2)} (max |code| ${Math.max(...want.detail.map(Math.abs)).toFixed(3)}); D_detail ${zDiff.toExponential(2)} (max |uv_z| ${zRange.toFixed(5)})`);
      expect(codeDiff).toBeLessThan(1e-4);
      // uv_z is 0.01·tanh: hold the tanh itself to 1e-4, and check the fixture reaches well into tanh's range.
      expect(zDiff / 0.01).toBeLessThan(1e-4);
      expect(zRange).toBeGreaterThan(0.005);
      await nets.probe();
    } finally {
      await nets.dispose();
    }
  }, 180_000);

  it("refuses a checkpoint without DECA's detail networks", () => {
    const coarseOnly = path.join(tmp.dir, 'coarse-only.tar');
    const made = spawnSync(PYTHON, ['-c', `import torch; torch.save({'E_flame': {}, 'E_detail': {}, 'D_detail': {}}, ${JSON.stringify(coarseOnly)})`], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const r = spawnSync(PYTHON, [path.join(SCRIPT_DIR, 'convert_deca_detail.py'), coarseOnly, path.join(tmp.dir, 'e.onnx'), path.join(tmp.dir, 'd.onnx')], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/E_detail is empty/);
    const other = spawnSync(PYTHON, [path.join(SCRIPT_DIR, 'convert_deca_detail.py'), path.join(tmp.dir, 'other.tar'), path.join(tmp.dir, 'e.onnx'), path.join(tmp.dir, 'd.onnx')], { encoding: 'utf8' });
    expect(other.stderr).toMatch(/not a DECA checkpoint|No such file/);
  });

  it("samples DECA's UV images as grid_sample(align_corners=False, padding_mode='border') at (2u − 1, 1 − 2v)", () => {
    const uv = [[0.3, 0.8], [0.5, 0.5], [0.001, 0.999], [0.77, 0.12], [0.999, 0.002]];
    const py = `import torch, json, torch.nn.functional as F
m = torch.tensor([[(i * 0.37 + j * 0.11) % 1.7 + 0.001 * i * j for j in range(256)] for i in range(256)], dtype=torch.float64)
uv = torch.tensor(${JSON.stringify(uv)}, dtype=torch.float64)
grid = torch.stack([2 * uv[:, 0] - 1, 1 - 2 * uv[:, 1]], -1)[None, None]
print(json.dumps(F.grid_sample(m[None, None], grid, mode='bilinear', padding_mode='border', align_corners=False)[0, 0, 0].tolist()))`;
    const r = spawnSync(PYTHON, ['-c', py], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const want = JSON.parse(r.stdout) as number[];
    const map = Float32Array.from({ length: 256 * 256 }, (_, k) => {
      const i = Math.floor(k / 256), j = k % 256;
      return ((i * 0.37 + j * 0.11) % 1.7) + 0.001 * i * j;
    });
    uv.forEach(([u, v], n) => expect(sampleDecaUv(map, u!, v!)).toBeCloseTo(want[n]!, 4));
  });
});
