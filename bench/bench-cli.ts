import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** The shared test material (photos, ICT-FaceKit) beside the checkout, or where DECA_SHARED_DIR says. */
export const SHARED_DIR = process.env.DECA_SHARED_DIR ?? path.resolve(process.cwd(), '../shared');

const CLI = path.resolve(process.cwd(), 'bin/deca-studio.cjs');

/**
 * Runs `deca-studio` as a user does (a fresh process, the built CLI) and times it end to end; a
 * failed command throws with its stderr.
 *
 * ```ts
 * const cli = benchCli({ ...process.env, DECA_STUDIO_HOME: home });
 * const { ms, stdout } = cli('reconstruct', project, '--pack', 'ict-facekit');
 * ```
 */
export function benchCli(env: NodeJS.ProcessEnv): (...args: string[]) => { ms: number; stdout: string } {
  return (...args) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`deca-studio ${args[0]} failed: ${r.stderr}`);
    return { ms: performance.now() - t0, stdout: r.stdout };
  };
}
