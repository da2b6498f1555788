/** servers/limits.ts declaredAnswerBytes: the size a request asks for, read before any of its answer is built. */
import { describe, expect, it } from 'vitest';
import { declaredAnswerBytes } from '../../servers/limits.js';

describe('the answer a request declares', () => {
  it('is /work’s bytes, wherever the parameter stands in the query', () => {
    expect(declaredAnswerBytes('/work?bytes=10485760')).toBe(10_485_760);
    expect(declaredAnswerBytes('/work?cpu=100&bytes=2000000&io=5')).toBe(2_000_000);
    expect(declaredAnswerBytes('/work?cpu=100&bytes=70000')).toBe(70_000);
  });

  it('is nothing elsewhere, or where the parameter is not a plain number', () => {
    expect(declaredAnswerBytes('/static/about.html?bytes=99999999')).toBe(0);
    expect(declaredAnswerBytes('/work?xbytes=5000000')).toBe(0);
    expect(declaredAnswerBytes('/work?bytes=1e9')).toBe(0);
    expect(declaredAnswerBytes('/work')).toBe(0);
    // Beyond /work's bound: the handler's 400, not the budget's 503.
    expect(declaredAnswerBytes('/work?bytes=99999999')).toBe(0);
    expect(declaredAnswerBytes(undefined)).toBe(0);
  });
});
