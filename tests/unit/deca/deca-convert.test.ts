import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecaEncoder } from '../../../main/deca/deca-encoder';
import { REPO_ROOT } from '../../helpers/cli';
import { makeTempDir } from '../../helpers/temp-dir';

// Debian's Python with python3-torch (CI installs it); the pyenv Python first on PATH has no torch.
const PYTHON = '/usr/bin/python3';
const HAVE_TORCH = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' }).status === 0;
const SCRIPT_DIR = path.join(REPO_ROOT, 'native-models/deca');

let tmp: ReturnType<typeof makeTempDir>;
beforeAll(() => (tmp = makeTempDir('deca-convert-')));
afterAll(() => tmp?.cleanup());

describe.skipIf(!HAVE_TORCH)('convert_deca_encoder.py (PyTorch → ONNX)', () => {
  it('converts a deca_model.tar-shaped checkpoint and ONNX Runtime reproduces PyTorch', async () => {
    const tar = path.join(tmp.dir, 'deca_model.tar');
    const expected = path.join(tmp.dir, 'expected.json');
    const fixture = spawnSync(PYTHON, [path.join(REPO_ROOT, 'tests/unit/deca/make_fake_deca_checkpoint.py'), tar, expected, SCRIPT_DIR], { encoding: 'utf8' });
    expect(fixture.status, fixture.stderr).toBe(0);
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
