import type { RawData } from 'ws';

/** A text frame's payload as a string, whichever of its three shapes `ws` delivered it in. */
export function frameText(data: RawData): string {
  return (
    Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(new Uint8Array(data))
  ).toString('utf8');
}
