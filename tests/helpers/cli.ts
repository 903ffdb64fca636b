import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(REPO_ROOT, 'bin/deca-studio.cjs');

/** Builds the bundles the CLI runs from, unless they are there already. */
export function ensureBuilt(options: { renderer?: boolean } = {}): void {
  const needRenderer = options.renderer && !existsSync(path.join(REPO_ROOT, 'out/renderer/index.html'));
  if (existsSync(path.join(REPO_ROOT, 'out/main/cli.cjs')) && !needRenderer) return;
  const args = [path.join(REPO_ROOT, 'scripts/build.mjs'), ...(options.renderer ? [] : ['--skip-renderer'])];
  const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `deca-studio …` to completion. */
export function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `deca-studio …` without waiting for it. */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}
