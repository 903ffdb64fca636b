import type { HeadModel } from '../../core/head-model/head-model';
import { CliUsageError } from './cli-command';

/**
 * Reads `--shape K=W,…` and `--expr NAME=W,…` (names or indices) into coefficient arrays of the
 * model, with a usage error that says what is valid.
 *
 * ```ts
 * const { shape, expression } = headParamArgs(model, { shape: '0=2.0', expr: 'jawOpen=0.8' });
 * ```
 */
export function headParamArgs(model: HeadModel, values: { shape?: unknown; expr?: unknown }): { shape: Float64Array; expression: Float64Array } {
  const expression = new Float64Array(model.expression.count);
  for (const [key, w] of pairs(values.expr, 'expr')) {
    const k = /^\d+$/.test(key) ? Number(key) : model.expression.names.indexOf(key);
    if (k < 0 || k >= model.expression.count) throw new CliUsageError(`Unknown expression "${key}"; see: deca-studio packs info ${model.id}`);
    expression[k] = w;
  }
  const shape = new Float64Array(model.shape.count);
  for (const [key, w] of pairs(values.shape, 'shape')) {
    const k = Number(key);
    if (!Number.isInteger(k) || k < 0 || k >= model.shape.count) throw new CliUsageError(`--shape index must be 0…${model.shape.count - 1}, got "${key}"`);
    shape[k] = w;
  }
  return { shape, expression };
}

/** `a=1,b=-0.5` → [['a', 1], ['b', -0.5]]; anything else is a usage error. */
function pairs(raw: unknown, flag: string): [string, number][] {
  if (typeof raw !== 'string' || raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const m = /^\s*([A-Za-z0-9_]+)\s*=\s*(-?\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) throw new CliUsageError(`--${flag} expects NAME=NUMBER pairs separated by commas, got "${part}"`);
    return [m[1]!, Number(m[2])];
  });
}
