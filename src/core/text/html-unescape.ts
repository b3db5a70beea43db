/**
 * Python's `html.unescape`, which CLIP's reference tokenizer applies (twice) before tokenizing. The `entities`
 * package decodes named references exactly as Python does (longest match, legacy names without `;`), but numeric
 * references follow the HTML spec there, whereas Python drops control and non-character code points instead of
 * keeping them. So numeric references are decoded here, and named ones are handed to `entities`.
 */
import { decodeHTML } from 'entities';

/** Python's `html._charref`: a numeric reference, or up to 32 name characters, each with an optional `;`. */
const CHARACTER_REFERENCE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;

/** Python's `html._invalid_charrefs`: code points the HTML spec replaces (windows-1252 for 0x80-0x9f). */
const REPLACED_CODE_POINTS = new Map<number, string>([
  [0x00, '\ufffd'], [0x0d, '\r'], [0x80, '\u20ac'], [0x81, '\x81'], [0x82, '\u201a'], [0x83, '\u0192'],
  [0x84, '\u201e'], [0x85, '\u2026'], [0x86, '\u2020'], [0x87, '\u2021'], [0x88, '\u02c6'], [0x89, '\u2030'],
  [0x8a, '\u0160'], [0x8b, '\u2039'], [0x8c, '\u0152'], [0x8d, '\x8d'], [0x8e, '\u017d'], [0x8f, '\x8f'],
  [0x90, '\x90'], [0x91, '\u2018'], [0x92, '\u2019'], [0x93, '\u201c'], [0x94, '\u201d'], [0x95, '\u2022'],
  [0x96, '\u2013'], [0x97, '\u2014'], [0x98, '\u02dc'], [0x99, '\u2122'], [0x9a, '\u0161'], [0x9b, '\u203a'],
  [0x9c, '\u0153'], [0x9d, '\x9d'], [0x9e, '\u017e'], [0x9f, '\u0178'],
]);

/** Python's `html._invalid_codepoints`: references to these decode to nothing. */
function isDroppedCodePoint(codePoint: number): boolean {
  return (
    (codePoint >= 0x1 && codePoint <= 0x8) ||
    codePoint === 0xb ||
    (codePoint >= 0xe && codePoint <= 0x1f) ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    (codePoint >= 0xfdd0 && codePoint <= 0xfdef) ||
    (codePoint & 0xfffe) === 0xfffe // U+xFFFE and U+xFFFF of every plane
  );
}

function decodeNumeric(reference: string): string {
  const hex = reference[1] === 'x' || reference[1] === 'X';
  const digits = reference.slice(hex ? 2 : 1).replace(/;$/, '');
  // parseInt of a very long digit string gives a huge number or Infinity: both are out of range, as in Python.
  const codePoint = Number.parseInt(digits, hex ? 16 : 10);
  const replaced = REPLACED_CODE_POINTS.get(codePoint);
  if (replaced !== undefined) return replaced;
  if ((codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint > 0x10ffff) return '\ufffd';
  if (isDroppedCodePoint(codePoint)) return '';
  return String.fromCodePoint(codePoint);
}

export function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARACTER_REFERENCE, (match: string, reference: string) =>
    reference.startsWith('#') ? decodeNumeric(reference) : decodeHTML(match),
  );
}
