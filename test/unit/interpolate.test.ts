import { describe, expect, test } from '@jest/globals';
import { interpolate } from '../../src/spec/index.js';

const env = { A: 'alpha', EMPTY: '', N_1: 'n1' };

describe('interpolate (docker compose rules)', () => {
  test.each([
    ['plain', 'plain'],
    ['$A', 'alpha'],
    ['${A}', 'alpha'],
    ['x${A}y$A.z', 'xalphayalpha.z'],
    ['${UNSET:-def}', 'def'],
    ['${EMPTY:-def}', 'def'],
    ['${EMPTY-def}', ''],
    ['${UNSET-def}', 'def'],
    ['${UNSET:-${A}-x}', 'alpha-x'],
    ['$$A', '$A'],
    ['$$', '$'],
    ['cost: $5', 'cost: $5'],
    ['${N_1}', 'n1'],
    ['${A:?needed}', 'alpha'],
  ])('%s → %s', (input, expected) => {
    expect(interpolate(input, env)).toEqual({ ok: true, value: expected });
  });

  test.each([
    ['$UNSET', 'environment variable UNSET is not set'],
    ['${UNSET}', 'environment variable UNSET is not set'],
    ['${UNSET:?give a tag}', 'environment variable UNSET is required: give a tag'],
    ['${EMPTY:?}', 'environment variable EMPTY is required'],
    ['${A', 'unclosed'],
    ['${1A}', 'invalid variable reference'],
    ['${A:x}', 'invalid variable reference'],
  ])('%s is an error', (input, message) => {
    const r = interpolate(input, env);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toContain(message);
  });
});
