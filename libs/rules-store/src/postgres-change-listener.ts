import { Client, type ClientConfig } from 'pg';
import type { Logger } from 'pino';

/** The NOTIFY channel every replica's write signals on (payload: scope and writer). */
export const RULES_CHANGED_CHANNEL = 'placeos_bridge_rules';

const MAX_RETRY_MS = 30_000;

/** The NOTIFY payload of a committed write: which schema changed, and which store wrote it. */
export function changePayload(scope: string, writer: string): string {
  return `${scope}\n${writer}`;
}

/**
 * Hears other replicas' rule changes at once (product.md: PostgreSQL propagates changes with
 * LISTEN/NOTIFY) on one dedicated connection, since a pooled one may be closed while idle.
 * Bridges that share a database in different schemas ignore each other's notifications, and a
 * store ignores its own (it already told its listeners). When the connection drops it reconnects
 * with backoff and then reports one change, because notifications sent meanwhile are lost; the
 * RulesWatcher's revision poll covers the gap either way.
 */
export class PostgresChangeListener {
  private client: Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private everListened = false;
  private up = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly scope: string,
    private readonly writer: string,
    private readonly onChange: () => void,
    private readonly describe: (error: unknown) => string,
    private readonly logger?: Logger,
  ) {}

  /** Whether the LISTEN connection is up. */
  get listening(): boolean {
    return this.up;
  }

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.up = false;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client(this.config);
    this.client = client;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel !== RULES_CHANGED_CHANNEL || message.payload === undefined) return;
      const [scope, writer] = message.payload.split('\n');
      if (scope === this.scope && writer !== this.writer) this.onChange();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${RULES_CHANGED_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) return;
    const recovered = this.everListened;
    this.everListened = true;
    this.up = true;
    this.failures = 0;
    if (recovered) {
      this.logger?.info('Listening for rule changes again');
      this.onChange();
    }
  }

  private lost(client: Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.up = false;
    client.end().catch(() => undefined);
    if (this.stopped) return;
    const delay = Math.min(MAX_RETRY_MS, 500 * 2 ** this.failures);
    this.failures++;
    this.logger?.warn(
      { err: error === undefined ? 'connection ended' : this.describe(error), retryInMs: delay },
      'Lost the rules change notifications; polling the revision until they are back',
    );
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }
}
