import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../../core/api/validate-request';

describe('contract validator: field names', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'])('refuses "%s" as a field name', (key) => {
    // JSON.parse makes "__proto__" an own key, exactly as an HTTP body would arrive.
    const body = JSON.parse(`{"name": "Ann", ${JSON.stringify(key)}: {"polluted": true}}`);
    expect(() => validateRequest('subjects.create', body)).toThrow(new RegExp(`unknown field "${key.replace(/[$_]/g, '\\$&')}"`));
    expect(() => validateRequest('app.info', JSON.parse(`{${JSON.stringify(key)}: 1}`))).toThrow(/unknown field/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('still takes the fields the contract names', () => {
    expect(validateRequest('subjects.create', { name: ' Ann ', notes: 'x' })).toEqual({ name: 'Ann', notes: 'x' });
  });
});
