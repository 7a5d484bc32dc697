import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { PinoNestLogger } from './pino-nest-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes JSON lines and redacts credentials wherever they sit', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: 'info' }, stream);
    logger.info(
      {
        password: 'p1',
        broker: { id: 'aws', password: 'p2', secret: 's1' },
        request: { headers: { authorization: 'Bearer t' } },
        config: { brokers: { aws: { password: 'p3', tls: { token: 't3' } } } },
        error: { options: { redis: { sentinelPassword: 'p4' } } },
      },
      'connecting',
    );
    const text = JSON.stringify(lines);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'connecting', broker: { id: 'aws' } });
    for (const secret of ['p1', 'p2', 's1', 'Bearer t', 'p3', 't3', 'p4']) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('PinoNestLogger', () => {
  it('maps Nest calls onto pino levels with the context as a field', () => {
    const { lines, stream } = capture();
    const nest = new PinoNestLogger(createLogger({ level: 'trace' }, stream));
    nest.log('started', 'NestApplication');
    nest.warn({ broker: 'a' }, 'Publisher');
    nest.error('failed', 'Error: x\n    at y (z.js:1:1)', 'Ctx');
    nest.verbose('chatty');
    expect(lines.map((l) => l.level)).toEqual(['info', 'warn', 'error', 'trace']);
    expect(lines[0]).toMatchObject({ msg: 'started', context: 'NestApplication' });
    expect(lines[1]).toMatchObject({ broker: 'a', context: 'Publisher' });
    expect(lines[2]).toMatchObject({
      msg: 'failed',
      context: 'Ctx',
      stack: expect.stringContaining('at y'),
    });
  });
});
