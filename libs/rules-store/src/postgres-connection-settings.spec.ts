import { describe, expect, it } from 'vitest';
import { postgresConnectionSettings } from './postgres-connection-settings';
import { RulesStoreError } from './rules-store-errors';

describe('postgresConnectionSettings', () => {
  it('takes the schema from ?schema= into the startup search_path and out of the URL', () => {
    const settings = postgresConnectionSettings(
      'postgres://bridge:p%40ss@db.internal:6543/rules?schema=bridge_a&sslmode=require',
    );
    expect(settings.schema).toBe('bridge_a');
    expect(settings.pool.options).toBe('-c search_path=bridge_a');
    expect(settings.pool.connectionString).not.toContain('schema=');
    expect(settings.pool.connectionString).toContain('sslmode=require');
    expect(settings.host).toBe('db.internal:6543');
    expect(settings.database).toBe('rules');
    expect(settings.password).toBe('p@ss');
    expect(settings.redactedUrl).toBe(
      'postgres://db.internal:6543/rules?schema=bridge_a&sslmode=require',
    );
    expect(settings.pool.max).toBe(4);
    expect(settings.pool.statement_timeout).toBeGreaterThan(0);
    expect(settings.pool.connectionTimeoutMillis).toBeGreaterThan(0);
  });

  it('keeps libpq-style options and lets the schema option win over the URL', () => {
    const settings = postgresConnectionSettings(
      'postgresql://u@h/db?schema=ignored&options=-c%20work_mem%3D4MB',
      { schema: 'chosen', maxConnections: 2 },
    );
    expect(settings.pool.options).toBe('-c work_mem=4MB -c search_path=chosen');
    expect(settings.pool.max).toBe(2);
    expect(postgresConnectionSettings('postgres://u@h/db').pool.options).toBeUndefined();
  });

  it('refuses other schemes, unparseable URLs and unsafe schema names without echoing secrets', () => {
    expect(() => postgresConnectionSettings('mysql://u:pw@h/db')).toThrow(RulesStoreError);
    expect(() => postgresConnectionSettings('not a url with secret')).toThrow(/unparseable URL/);
    expect(() => postgresConnectionSettings('postgres://u:pw@h/db?schema=x%22;drop')).toThrow(
      /not a plain identifier/,
    );
  });
});
