import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/cli';
import { makeTempDir } from '../../helpers/temp-dir';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => (tmp = makeTempDir('deca-bounds-')));
afterEach(() => tmp.cleanup());

function check(files: Record<string, string>) {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tmp.dir, rel)), { recursive: true });
    writeFileSync(path.join(tmp.dir, rel), text);
  }
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/check-boundaries.mjs'), tmp.dir], { encoding: 'utf8' });
}

describe('import boundaries', () => {
  it('passes the repository as it is', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/check-boundaries.mjs')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('passes allowed imports', () => {
    const r = check({
      'core/a.ts': "import { b } from './b';\nimport { strFromU8 } from 'fflate';",
      'core/reconstruct/r.ts': "import { rasterizeFit } from '../geometry/rasterize-fit';\nimport type { HeadModel } from '../head-model/head-model';\nimport { bake } from '../texture/bake';\nimport { f } from './fit';",
      'core/texture/t.ts': "import { sampleRgb } from '../geometry/sample-rgb';\nimport type { RgbImage } from '../perception/image-warp';",
      'core/export/e.ts': "import { Document } from '@gltf-transform/core';\nimport { zipSync } from 'fflate/lib/node';\n/* (export \"blend4\") in a comment is no import */",
      'main/x.ts': "import fs from 'node:fs';\nimport { a } from '../core/a';",
      'main/library/t.ts': "import Database from 'better-sqlite3';",
      'renderer/src/y.ts': "import { ref } from 'vue';\nimport type { ApiClient } from '../../core/api/contract';",
    });
    expect(r.status).toBe(0);
  });

  it.each([
    ['core/a.ts', "import fs from 'node:fs';", /core\/ runs without Node/],
    ['core/a.ts', "import { readFile } from 'fs';", /core\/ runs without Node/],
    ['core/a.ts', "import type { Database } from 'better-sqlite3';", /not allowed in core/],
    ['core/a.ts', "import { InferenceSession } from 'onnxruntime-node';", /not allowed in core/],
    ['core/a.ts', "import { Scene } from '@babylonjs/core';", /not allowed in core/],
    ['core/a.ts', "import { x } from '../main/x';", /core\/ must not import main/],
    ['core/a.ts', "import { debounce } from 'lodash';", /not allowed in core\/: it may import only fflate/],
    ['core/geometry/a.ts', "import { bakePhotoTexture } from '../texture/bake-photo-texture';", /core\/geometry\/ \(layer 3\) must not import core\/texture\/ \(layer 4\)/],
    ['core/texture/a.ts', "import type { PhotoFit } from '../reconstruct/fit';", /core\/texture\/ \(layer 4\) must not import core\/reconstruct\/ \(layer 5\)/],
    ['core/head-model/a.ts', "export { poseHead } from '../geometry/pose-head';", /lower layers never import higher ones/],
    ['core/geometry/a.ts', "import { warp } from '../perception/image-warp';", /peers in one layer and stay independent/],
    ['core/newfolder/a.ts', "import { x } from '../geometry/x';", /core\/newfolder\/ is in no layer/],
    ['renderer/src/y.ts', "import { Studio } from '../../main/services/studio';", /renderer\/ must not import main/],
    ['renderer/src/y.ts', "const { ipcRenderer } = require('electron');", /not allowed in renderer/],
    ['main/z.ts', "import { ref } from 'vue';", /not allowed in main/],
    ['main/services/z.ts', "import type { Database } from 'better-sqlite3';", /only main\/library\/ may use better-sqlite3/],
  ])('refuses %s with %s', (file, text, message) => {
    const r = check({ [file]: text });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
  });
});
