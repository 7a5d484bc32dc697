import type { JsonValue } from '@app/json';
import { builtInDetectors } from './detectors';
import { collectStringLeaves } from './json-walk';
import type { DetectorName } from './privacy-rule';
import { hasMatch, type TextMatcher } from './text-matcher';

/**
 * The string leaves of `value` joined with '\n', or undefined when it has none (or nests too
 * deep to walk). No built-in detector matches across a line break, and each reads a line break
 * as it reads the edge of a leaf, so scanning the joined text finds exactly what scanning leaf
 * by leaf finds, with one pass per detector.
 */
function leafText(value: JsonValue): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return undefined;
  try {
    const leaves = collectStringLeaves(value, []);
    return leaves.length === 0 ? undefined : leaves.join('\n');
  } catch {
    return undefined;
  }
}

function matchesIn(matcher: TextMatcher, text: string): Set<string> {
  const found = new Set<string>();
  matcher.scan(text, (start, end) => {
    found.add(text.slice(start, end));
    return true;
  });
  return found;
}

function findsAnyOf(matcher: TextMatcher, text: string, wanted: ReadonlySet<string>): boolean {
  let found = false;
  matcher.scan(text, (start, end) => {
    found = wanted.has(text.slice(start, end));
    return !found;
  });
  return found;
}

/**
 * The built-in detectors that find personal data in `output` (what a broker receives) exactly
 * as it appears in `input` (what PlaceOS sent): data that went out unprotected. A match that a
 * rule produced — a mask that keeps an address's domain, a replacement — is not in the input and
 * does not count; when no rule changed the value (`output` is `input`) every match counts.
 */
export function unprotectedDetectors(output: JsonValue, input: JsonValue): DetectorName[] {
  const text = leafText(output);
  if (text === undefined) return [];
  const unchanged = Object.is(output, input);
  let inputText: string | undefined;
  const found: DetectorName[] = [];
  for (const { name, matcher } of builtInDetectors()) {
    if (matcher.mayMatchIn && !matcher.mayMatchIn(text)) continue;
    if (unchanged) {
      if (hasMatch(matcher, text)) found.push(name);
      continue;
    }
    const matches = matchesIn(matcher, text);
    if (matches.size === 0) continue;
    inputText ??= leafText(input) ?? '';
    if (findsAnyOf(matcher, inputText, matches)) found.push(name);
  }
  return found;
}
