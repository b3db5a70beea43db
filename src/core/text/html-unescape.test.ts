import { describe, expect, it } from 'vitest';
import { htmlUnescape } from './html-unescape.js';

// Each expected value is what Python 3's html.unescape returns for the input (checked with CPython 3).
describe('htmlUnescape (Python html.unescape semantics)', () => {
  it('decodes named references, legacy names without a semicolon by their longest match', () => {
    expect(htmlUnescape('&amp; html &lt;escape&gt;')).toBe('& html <escape>');
    expect(htmlUnescape('&notit; &notin; &copy2025 &ampfoo &unknown; & amp;')).toBe('\u00acit; \u2209 \u00a92025 &foo &unknown; & amp;');
    expect(htmlUnescape('&amp;amp;')).toBe('&amp;');
  });

  it('decodes numeric references, replacing or dropping the code points Python does', () => {
    expect(htmlUnescape('&#65;&#x41;&#X41&#x1F431;')).toBe('AAA\u{1f431}');
    expect(htmlUnescape('&#0;|&#xD800;|&#1114112;|&#99999999999999999999;')).toBe('\ufffd|\ufffd|\ufffd|\ufffd');
    expect(htmlUnescape('&#x80;&#x81;&#x9F;&#13;')).toBe('\u20ac\x81\u0178\r');
    expect(htmlUnescape('a&#1;&#11;&#x7f;&#xFFFF;&#x10FFFF;&#xFDD0;b')).toBe('ab');
    expect(htmlUnescape('&#;&#x;')).toBe('&#;&#x;');
  });
});
