import { copyFileSync, mkdirSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../main/cli/run-cli';
import { SHARED_PHOTOS, useTempStudioHome } from '../../helpers/temp-dir';

const tmp = useTempStudioHome('deca-unreadable-');
let photos: string;
const face = (p: string) => path.join(SHARED_PHOTOS, 'london_frl', p);

beforeAll(() => {
  photos = path.join(tmp.dir, 'photos');
  for (const [folder, file] of [['ann', 'p002/002_03_neutral_front.jpg'], ['locked', 'p005/005_03_neutral_front.jpg'], ['zoe', 'p005/005_03_neutral_front.jpg']] as const) {
    mkdirSync(path.join(photos, folder), { recursive: true });
    copyFileSync(face(file), path.join(photos, folder, path.basename(file)));
  }
});

/**
 * Makes one folder unreadable. Tests run as root here, and root reads any folder whatever its mode,
 * so the file system's answer is stood in for: readdir of that folder fails as it would for a user.
 */
beforeAll(() => {
  const real = fsp.readdir.bind(fsp);
  vi.spyOn(fsp, 'readdir').mockImplementation((async (dir: string, options?: unknown) => {
    if (path.basename(String(dir)) === 'locked') throw Object.assign(new Error(`EACCES: permission denied, scandir '${dir}'`), { code: 'EACCES', syscall: 'scandir' });
    return real(dir, options as never);
  }) as never);
});

async function cli(args: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('an unreadable sub-folder', () => {
  it('gets its own error while the rest of the folder is imported (one subject)', async () => {
    const project = path.join(tmp.dir, 'One.decastudio');
    expect((await cli(['project', 'create', project, '--name', 'One'])).code).toBe(0);
    const r = await cli(['import', project, '--subject', 'Everyone', photos]);
    expect(r.err).toEqual([expect.stringMatching(/^failed {3}.*locked: This folder could not be read \(permission denied, EACCES\); nothing in it was imported$/)]);
    expect(r.out.at(-1)).toBe('2 imported, 0 skipped (already in the subject), 1 failed');
    expect(r.code).toBe(2);
  });

  it('gets its own error with --subject-per-folder too, not a stack trace', async () => {
    const project = path.join(tmp.dir, 'Per.decastudio');
    expect((await cli(['project', 'create', project, '--name', 'Per'])).code).toBe(0);
    const r = await cli(['import', project, '--subject-per-folder', photos]);
    expect(r.err.join('\n')).toMatch(/^failed {3}.*locked: This folder could not be read/);
    expect(r.err.join('\n')).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
    const subjects = await cli(['subjects', project, '--json']);
    expect((JSON.parse(subjects.out.join('\n')) as { name: string }[]).map((s) => s.name).sort()).toEqual(['ann', 'zoe']);
  });
});
