import Database from 'better-sqlite3';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBadFiles } from '../helpers/bad-files';
import { ensureBuilt, runCli, spawnCli } from '../helpers/cli';
import { makeTempDir, SHARED_PHOTOS } from '../helpers/temp-dir';

let tmp: ReturnType<typeof makeTempDir>;
let env: Record<string, string>;
beforeAll(() => {
  ensureBuilt();
  tmp = makeTempDir('deca-cli-');
  env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
});
afterAll(() => tmp.cleanup());

interface PhotoJson {
  subjectId: number;
  sha256: string;
  originalName: string;
}

/** Checks the library and the content folders agree: one row per (subject, content), a file per content, nothing else. */
function checkConsistent(projectDir: string): PhotoJson[] {
  const db = new Database(path.join(projectDir, 'library.sqlite'), { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);
  db.close();
  const photos = JSON.parse(runCli(['photos', projectDir, '--json'], env).stdout) as PhotoJson[];
  const keys = photos.map((p) => `${p.subjectId}/${p.sha256}`);
  expect(new Set(keys).size).toBe(keys.length);
  const shas = new Set(photos.map((p) => p.sha256));
  const stored = (dir: string) => readdirSync(path.join(projectDir, dir), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name.split('.')[0]);
  expect(new Set(stored('photos'))).toEqual(shas);
  expect(stored('photos')).toHaveLength(shas.size);
  expect(new Set(stored('thumbs'))).toEqual(shas);
  expect(readdirSync(path.join(projectDir, 'tmp'))).toEqual([]);
  return photos;
}

describe('deca-studio import (CLI)', () => {
  it('imports the 44 shared photos one subject per folder, reports 5 bad files and exits 2', () => {
    const projectDir = path.join(tmp.dir, 'All.decastudio');
    expect(runCli(['project', 'create', projectDir, '--name', 'All'], env)).toMatchObject({ code: 0 });
    const badDir = path.join(tmp.dir, 'bad-files');
    writeBadFiles(badDir);

    const run = runCli(['import', projectDir, '--subject-per-folder', SHARED_PHOTOS, badDir], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^44 imported, 0 skipped \(already in the subject\), 5 failed$/m);
    const failures = run.stderr.split('\n').filter((l) => l.startsWith('failed'));
    expect(failures).toHaveLength(5);
    const why = (name: string) => failures.find((l) => l.includes(`${path.sep}${name}:`)) ?? '';
    expect(why('empty.jpg')).toMatch(/empty \(0 bytes\)/);
    expect(why('truncated.jpg')).toMatch(/damaged or truncated/);
    expect(why('notes.jpg')).toMatch(/Not a JPEG, PNG, WebP or TIFF image: the content is a text file/);
    expect(why('huge.png')).toMatch(/20000×20000 \(400 MP\), over the 100 MP limit/);
    expect(why('page.png')).toMatch(/an HTML page/);

    const photos = checkConsistent(projectDir);
    expect(photos).toHaveLength(44);
    const subjects = JSON.parse(runCli(['subjects', projectDir, '--json'], env).stdout) as { name: string; photoCount: number }[];
    const counts = Object.fromEntries(subjects.map((s) => [s.name, s.photoCount]));
    expect(counts).toMatchObject({ p002: 8, p005: 8, p021: 8, p025: 8, lisa_debruine: 8, angry_man: 1, santa_man: 1, city_portrait_woman: 1, eileen_collins: 1 });

    // A second run changes nothing: every file is already there.
    const again = runCli(['import', projectDir, '--subject-per-folder', SHARED_PHOTOS], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^0 imported, 44 skipped/m);
  });

  it('survives SIGKILL mid-import: the rerun ends with every photo exactly once and no orphans', async () => {
    const projectDir = path.join(tmp.dir, 'Killed.decastudio');
    expect(runCli(['project', 'create', projectDir], env).code).toBe(0);
    for (const killAfter of [3, 17]) {
      const child = spawnCli(['import', projectDir, '--subject-per-folder', SHARED_PHOTOS], env);
      await new Promise<void>((resolve) => {
        let seen = 0;
        child.stdout!.on('data', (chunk: Buffer) => {
          seen += (chunk.toString().match(/^imported/gm) ?? []).length;
          if (seen >= killAfter) child.kill('SIGKILL');
        });
        child.on('exit', () => resolve());
      });
      expect(child.signalCode).toBe('SIGKILL');
    }
    const rerun = runCli(['import', projectDir, '--subject-per-folder', SHARED_PHOTOS], env);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/^\d+ imported, \d+ skipped \(already in the subject\), 0 failed$/m);
    const photos = checkConsistent(projectDir);
    expect(photos).toHaveLength(44);
  });

  it('gives usage errors exit 64 and a missing project a clear message', () => {
    expect(runCli(['import'], env).code).toBe(64);
    const missing = runCli(['subjects', path.join(tmp.dir, 'nope'), '--json'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not a DECA Studio project/);
  });
});
