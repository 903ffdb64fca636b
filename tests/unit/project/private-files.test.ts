import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '../../../main/project/project';
import { Studio } from '../../../main/services/studio';
import { makeTempDir, SHARED_PHOTOS } from '../../helpers/temp-dir';

let tmp: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  tmp = makeTempDir('deca-private-');
});
afterAll(() => tmp.cleanup());

const mode = (file: string) => statSync(file).mode & 0o777;

describe.skipIf(process.platform === 'win32')('project files are private', () => {
  it('the project folder and every folder and file in it are readable by the owner only', async () => {
    const studio = new Studio({ mode: 'cli', version: 'test', settingsDir: path.join(tmp.dir, 'home') });
    const dir = path.join(tmp.dir, 'deep', 'er', 'P.decastudio');
    const project = await studio.createProject(dir, 'P');
    const subjectId = project.library.writes.createSubject('Ann');
    const jpeg = path.join(SHARED_PHOTOS, 'london_frl/p005/005_03_neutral_front.jpg');
    const staged = await studio.staging.put('upload.jpg', readFileSync(jpeg));
    const job = await studio.jobs.whenDone(studio.startImport(subjectId, [jpeg], []));
    expect(job.state).toBe('done');
    // An upload waiting in the staging area is private as well.
    const stagingFiles = readdirSync(path.join(dir, 'tmp', 'staging')).map((f) => path.join(dir, 'tmp', 'staging', f));
    expect(stagingFiles.length).toBeGreaterThan(0);
    for (const f of stagingFiles) expect(mode(f), f).toBe(0o600);
    expect(staged).toMatch(/^[0-9a-f]{32}$/);

    const seen: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const full = path.join(d, e.name);
        seen.push(path.relative(dir, full));
        if (e.isDirectory()) {
          expect(mode(full), full).toBe(0o700);
          walk(full);
        } else {
          expect(mode(full), full).toBe(0o600);
        }
      }
    };
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(tmp.dir, 'deep'))).toBe(0o700);
    walk(dir);
    expect(seen).toEqual(expect.arrayContaining(['library.sqlite', 'library.sqlite-wal', 'project.lock', 'photos', 'thumbs', 'tmp']));
    expect(seen.filter((f) => f.startsWith('photos') && f.endsWith('.jpg'))).toHaveLength(1);
    await studio.dispose();
  });

  it('a folder that cannot be created is a clear error, not an endless mkdir loop (/proc)', async () => {
    if (process.platform !== 'linux') return;
    await expect(createProject('/proc/deca-studio-test.decastudio', 'X')).rejects.toThrow(/Cannot create the folder \/proc\/deca-studio-test\.decastudio \(ENOENT\)/);
    await expect(createProject(path.join(SHARED_PHOTOS, 'MANIFEST.tsv', 'x.decastudio'), 'X')).rejects.toThrow(/is a file|not a directory/i);
  });
});
