import type { RedisOptions } from 'ioredis';

/** Where and how to connect, plus what must never be shown. */
export interface RedisTarget {
  /** `redis://` / `rediss://` URL for ioredis; undefined for Sentinel (everything is in `options`). */
  url?: string;
  options: RedisOptions;
  /** The URL with every secret replaced by `***`: safe for logs and errors. */
  redacted: string;
  /** Passwords as written and decoded, to scrub from any message. */
  secrets: string[];
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function secretsOf(...raw: (string | null | undefined)[]): string[] {
  const out = new Set<string>();
  for (const s of raw) {
    if (s === undefined || s === null || s === '') continue;
    out.add(s);
    out.add(decode(s));
    out.add(encodeURIComponent(decode(s)));
  }
  return [...out].filter((s) => s !== '');
}

/** `host:port`, `host` or `[v6]:port`. */
function parseHost(text: string, defaultPort: number): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (match === null) throw new Error(`"${text}" is not host[:port]`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2] ?? defaultPort) };
}

/**
 * Reads a Redis URL:
 * - `redis://[user][:password]@host[:port][/db]`, `rediss://…` (TLS) — passed to ioredis as is;
 * - `redis-sentinel://[user][:password]@host[:port][,host[:port]…]/<master name>[/db]` with optional
 *   query `sentinelPassword=…` and `tls=true`: the hosts are Sentinels (port 26379 by default), the
 *   password is the master's.
 * Redis Cluster is not supported: PlaceOS runs a single Redis (or one behind Sentinel).
 */
export function parseRedisUrl(url: string): RedisTarget {
  const scheme = /^([a-z-]+):\/\//i.exec(url)?.[1].toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('the Redis URL is not a valid URL');
    }
    if (parsed.hostname === '') throw new Error('the Redis URL has no host');
    const secrets = secretsOf(parsed.password);
    if (parsed.password !== '') parsed.password = '***';
    return { url, options: {}, redacted: parsed.toString(), secrets };
  }
  if (scheme === 'redis-sentinel') {
    const match =
      /^redis-sentinel:\/\/(?:([^@/]*)@)?([^/?#]+)\/([^/?#]+)(?:\/(\d+))?\/?(?:\?([^#]*))?$/i.exec(
        url,
      );
    if (match === null)
      throw new Error(
        'a redis-sentinel URL reads redis-sentinel://[:password@]host:port[,…]/<name>',
      );
    const [, userinfo, hostList, name, db, query] = match;
    const colon = userinfo?.indexOf(':') ?? -1;
    const username =
      userinfo === undefined ? '' : decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
    const password = userinfo === undefined || colon < 0 ? '' : userinfo.slice(colon + 1);
    const params = new URLSearchParams(query ?? '');
    const sentinelPassword = params.get('sentinelPassword');
    const options: RedisOptions = {
      sentinels: hostList.split(',').map((h) => parseHost(h, 26379)),
      name: decode(name),
    };
    if (username !== '') options.username = username;
    if (password !== '') options.password = decode(password);
    if (sentinelPassword !== null) options.sentinelPassword = sentinelPassword;
    if (db !== undefined) options.db = Number(db);
    if (params.get('tls') === 'true') {
      options.tls = {};
      options.sentinelTLS = {};
      options.enableTLSForSentinelMode = true;
    }
    if (sentinelPassword !== null) params.set('sentinelPassword', '***');
    const auth = userinfo === undefined ? '' : `${username}${password === '' ? '' : ':***'}@`;
    const search = params.size > 0 ? `?${params.toString().replace(/%2A/g, '*')}` : '';
    const redacted = `redis-sentinel://${auth}${hostList}/${name}${db === undefined ? '' : `/${db}`}${search}`;
    const secrets = secretsOf(
      password,
      sentinelPassword,
      /sentinelPassword=([^&]*)/.exec(query ?? '')?.[1],
    );
    return { options, redacted, secrets };
  }
  throw new Error('the Redis URL must start with redis://, rediss:// or redis-sentinel://');
}
