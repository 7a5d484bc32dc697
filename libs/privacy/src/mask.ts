import type { MaskOptions } from './privacy-rule';

/** The mask applied when a rule gives none (or only part of one). */
export const DEFAULT_MASK: Readonly<MaskOptions> = Object.freeze({
  char: '*',
  keepStart: 0,
  keepEnd: 0,
  keepDomain: false,
});

/**
 * Masks `text` by Unicode code points. When the kept characters would cover the whole text,
 * everything is masked (fail closed) rather than leaving a short value readable.
 */
export function maskText(text: string, options: MaskOptions): string {
  if (options.keepDomain) {
    const at = text.lastIndexOf('@');
    if (at > 0) return maskCodePoints(text.slice(0, at), options) + text.slice(at);
  }
  return maskCodePoints(text, options);
}

const SURROGATE = /[\uD800-\uDFFF]/;

function maskCodePoints(text: string, options: MaskOptions): string {
  if (text.length === 0) return text;
  if (!SURROGATE.test(text)) return maskUnits(text, options); // one code unit per code point
  const points = Array.from(text);
  const count = points.length;
  let keepStart = options.keepStart;
  let keepEnd = options.keepEnd;
  if (keepStart + keepEnd >= count) {
    keepStart = 0;
    keepEnd = 0;
  }
  return (
    points.slice(0, keepStart).join('') +
    options.char.repeat(count - keepStart - keepEnd) +
    points.slice(count - keepEnd).join('')
  );
}

function maskUnits(text: string, options: MaskOptions): string {
  const count = text.length;
  const keepAll = options.keepStart + options.keepEnd >= count;
  const keepStart = keepAll ? 0 : options.keepStart;
  const keepEnd = keepAll ? 0 : options.keepEnd;
  return (
    text.slice(0, keepStart) +
    options.char.repeat(count - keepStart - keepEnd) +
    text.slice(count - keepEnd)
  );
}
