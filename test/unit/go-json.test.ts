/** The Go encoding/json layout manifold's index bytes follow (manifest-tool's digests depend on it). */
import { describe, expect, test } from '@jest/globals';
import { GoMap, goMarshalIndent, goQuote } from '../../src/oci/go-json.js';

describe('goQuote: strings as Go escapes them', () => {
  test.each([
    ['plain', '"plain"'],
    ['a<b>&c', '"a\\u003cb\\u003e\\u0026c"'],
    ['line\nbreak\ttab\r', '"line\\nbreak\\ttab\\r"'],
    ['quote " back \\', '"quote \\" back \\\\"'],
    ['\u0001\u001b\u007f', '"\\u0001\\u001b\u007f"'],
    ['sep\u2028\u2029', '"sep\\u2028\\u2029"'],
    ['ünïcødé 🐳', '"ünïcødé 🐳"'],
  ])('%j', (input, expected) => {
    expect(goQuote(input)).toBe(expected);
  });
});

describe('goMarshalIndent', () => {
  test('fields in the given order, undefined left out, map keys sorted by UTF-8 bytes, empty list and map, no final newline', () => {
    const text = goMarshalIndent({
      b: 1,
      a: undefined,
      m: new GoMap({ z: '1', B: '2', é: '3', a: '4' }),
      l: [],
      e: new GoMap({}),
      t: true,
    });
    expect(text).toBe(
      '{\n  "b": 1,\n  "m": {\n    "B": "2",\n    "a": "4",\n    "z": "1",\n    "é": "3"\n  },\n  "l": [],\n  "e": {},\n  "t": true\n}',
    );
  });
});
