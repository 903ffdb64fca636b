import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatBytes, INPUT_LIMITS, LimitError } from '../../core/limits/input-limits';
import { appDataDir } from '../app-paths';
import { DecaEncoder } from './deca-encoder';
import { probeEncoder } from './probe-encoder';

/** Where the user's converted DECA coarse encoder is kept. */
export function installedEncoderPath(dataDir = appDataDir()): string {
  return path.join(dataDir, 'deca', 'coarse-encoder.onnx');
}

/**
 * Installs a converted DECA coarse encoder after checking its size, its signature and what it outputs
 * on a probe input (finite, within the limits), replacing any earlier one only once the new file is
 * known to be good.
 *
 * ```ts
 * await installEncoder('deca-coarse-encoder.onnx');
 * ```
 */
export async function installEncoder(file: string, dataDir = appDataDir()): Promise<string> {
  const { size } = await fs.stat(file);
  if (size > INPUT_LIMITS.onnxModelBytes) throw new LimitError('onnxModelBytes', `${file} is ${formatBytes(size)}`);
  const encoder = await DecaEncoder.open(file);
  try {
    await probeEncoder(encoder, file);
  } finally {
    await encoder.dispose();
  }
  const target = installedEncoderPath(dataDir);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  await fs.copyFile(file, tmp);
  await fs.rename(tmp, target);
  return target;
}
