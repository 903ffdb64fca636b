import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli';
import { SHARED_DIR, SHARED_PHOTOS } from '../helpers/temp-dir';
import { E2E_TMP } from './browser-mode';

/** Where prepared projects are kept between test files (and runs), under the gitignored tests/.tmp. */
const PREPARED = path.join(E2E_TMP, 'prepared');
const ICT_ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');

/** What a prepared project depends on besides its steps: the bundles the CLI runs and the ONNX models beside them. */
function buildKey(): string {
  const h = createHash('sha256');
  for (const f of ['out/main/cli.cjs', 'out/main/compute-worker.cjs']) h.update(readFileSync(path.join(REPO_ROOT, f)));
  const onnx = path.join(REPO_ROOT, 'native-models/build/onnx');
  if (existsSync(onnx)) for (const f of readdirSync(onnx).sort()) h.update(`${f}:${statSync(path.join(onnx, f)).size}\n`);
  return h.digest('hex');
}

/** The files the steps read (photos named in them, folders' files), by size and time: a changed photo is a new project. */
function inputsKey(steps: string[][]): string {
  const lines: string[] = [];
  const visit = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) for (const f of readdirSync(p).sort()) visit(path.join(p, f));
    else lines.push(`${p}:${st.size}:${st.mtimeMs}`);
  };
  for (const arg of steps.flat()) if (path.isAbsolute(arg) && existsSync(arg)) visit(arg);
  return lines.join('\n');
}

/**
 * A project made by CLI steps (`<project>` in a step stands for its folder), copied into `projectDir`.
 * The first test file that asks for a set of steps runs them; later files (and later runs) asking for
 * the same steps on the same build get a copy of that project instead of solving it again: e2e files
 * that need the same fitted subject (e.g. the detail on the starter head) pay for it once. The steps'
 * DECA_STUDIO_HOME is kept too and copied to `env.DECA_STUDIO_HOME` (the packs they installed: a
 * reconstruction installs the starter head there, and the studio renders a fit only with its pack
 * installed), less its list of recent projects (it names the folder the steps ran in).
 *
 * ```ts
 * const [, , detail] = preparedProject('ann-detail', [['project', 'create', '<project>', '--name', 'Ann'], ['import', '<project>', '--subject', 'Ann', photo], ['detail', '<project>']], env, projectDir);
 * expect(detail).toMatch(/detail solved/);
 * ```
 *
 * Returns each step's standard output (as printed when the steps ran).
 */
export function preparedProject(name: string, steps: string[][], env: { DECA_STUDIO_HOME: string }, projectDir: string): string[] {
  const key = createHash('sha256').update('project+home').update(buildKey()).update(JSON.stringify(steps)).update(inputsKey(steps)).digest('hex').slice(0, 16);
  const kept = path.join(PREPARED, `${name}-${key}`);
  if (!existsSync(kept)) {
    mkdirSync(PREPARED, { recursive: true });
    // Older versions of this project (another build, other steps) go.
    for (const old of readdirSync(PREPARED)) if (old.startsWith(`${name}-`)) rmSync(path.join(PREPARED, old), { recursive: true, force: true });
    const making = path.join(PREPARED, `.making-${name}-${process.pid}`);
    rmSync(making, { recursive: true, force: true });
    mkdirSync(making);
    const outputs: string[] = [];
    for (const step of steps) {
      const args = step.map((a) => (a === '<project>' ? path.join(making, 'project') : a));
      const t0 = Date.now();
      const r = runCli(args, { ...env, DECA_STUDIO_HOME: path.join(making, 'home') });
      console.log(`prepared ${name}: ${step.slice(0, 2).join(' ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
      outputs.push(r.stdout);
    }
    writeFileSync(path.join(making, 'outputs.json'), JSON.stringify(outputs));
    rmSync(path.join(making, 'home', 'recent-projects.json'), { force: true });
    renameSync(making, kept);
  } else console.log(`prepared ${name}: a copy of ${kept}`);
  cpSync(path.join(kept, 'project'), projectDir, { recursive: true });
  if (existsSync(path.join(kept, 'home'))) cpSync(path.join(kept, 'home'), env.DECA_STUDIO_HOME, { recursive: true });
  return JSON.parse(readFileSync(path.join(kept, 'outputs.json'), 'utf8')) as string[];
}

/**
 * Ann (London p002: smiling and neutral front, smiling three-quarter) with her detail solved on the
 * starter head (the coarse stage first): the project the Animate tab's and the detail layer's e2e
 * files both start from. Returns the detail step's output.
 *
 * ```ts
 * expect(annWithDetail(env, projectDir)).toMatch(/Ann: detail solved for 3 photos/);
 * ```
 */
export function annWithDetail(env: { DECA_STUDIO_HOME: string }, projectDir: string): string {
  const p002 = path.join(SHARED_PHOTOS, 'london_frl/p002');
  const photos = ['002_08_smiling_front.jpg', '002_03_neutral_front.jpg', '002_07_smiling_left_3quarter.jpg'].map((f) => path.join(p002, f));
  const outputs = preparedProject(
    'ann-detail',
    [
      ['project', 'create', '<project>', '--name', 'Ann'],
      ['import', '<project>', '--subject', 'Ann', ...photos],
      // Coarse then detail stage on the starter head (~10 s of detail).
      ['detail', '<project>', '--subject', 'Ann', '--pack', 'starter-head'],
    ],
    env,
    projectDir,
  );
  return outputs[2]!;
}

/**
 * A DECA_STUDIO_HOME with ICT-FaceKit installed from the shared zip (`packs import`), copied to
 * `home`: made once per build, so the e2e files that reconstruct on ICT-FaceKit do not each install it.
 *
 * ```ts
 * homeWithIct(env.DECA_STUDIO_HOME);
 * ```
 */
export function homeWithIct(home: string): void {
  const key = createHash('sha256').update(buildKey()).update(ICT_ZIP).update(String(statSync(ICT_ZIP).size)).digest('hex').slice(0, 16);
  const kept = path.join(PREPARED, `home-ict-${key}`);
  if (!existsSync(kept)) {
    mkdirSync(PREPARED, { recursive: true });
    for (const old of readdirSync(PREPARED)) if (old.startsWith('home-ict-')) rmSync(path.join(PREPARED, old), { recursive: true, force: true });
    const making = path.join(PREPARED, `.making-home-ict-${process.pid}`);
    rmSync(making, { recursive: true, force: true });
    const t0 = Date.now();
    const r = runCli(['packs', 'import', ICT_ZIP], { DECA_STUDIO_HOME: making });
    console.log(`prepared home-ict: packs import in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(r.code, `packs import ${ICT_ZIP}\n${r.stdout}\n${r.stderr}`).toBe(0);
    renameSync(making, kept);
  } else console.log(`prepared home-ict: a copy of ${kept}`);
  cpSync(kept, home, { recursive: true });
}
