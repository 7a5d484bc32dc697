import { readdirSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminPageController } from './admin-page.controller';
import { staticDirectory } from './static-files';

/** The admin page's files over real HTTP: types, headers, caching, and nothing else reachable. */
describe('AdminPageController', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [AdminPageController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('redirects /admin to /admin/ so the relative links resolve', async () => {
    const res = await http().get('/admin').expect(301);
    expect(res.headers.location).toBe('admin/');
  });

  it('serves the page under a CSP that allows only its own scripts and styles', async () => {
    const res = await http().get('/admin/').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toContain('<script type="module" src="app.js"></script>');
    // No inline script or style anywhere: the CSP would block it.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
  });

  it('serves every file of the static directory with its content type', async () => {
    const types: Record<string, RegExp> = {
      '.js': /^text\/javascript/,
      '.css': /^text\/css/,
      '.svg': /^image\/svg\+xml/,
      '.html': /^text\/html/,
    };
    for (const name of readdirSync(staticDirectory(__dirname))) {
      const res = await http().get(`/admin/${name}`).expect(200);
      const type = types[name.slice(name.lastIndexOf('.'))];
      expect(res.headers['content-type'], name).toMatch(type);
    }
  });

  it('answers a matching If-None-Match with 304, and HEAD without a body', async () => {
    const first = await http().get('/admin/app.js').expect(200);
    const etag = first.headers.etag;
    await http().get('/admin/app.js').set('If-None-Match', etag).expect(304);
    const head = await http().head('/admin/app.js').expect(200);
    expect(head.text ?? '').toBe('');
    expect(Number(head.headers['content-length'])).toBe(first.text.length);
  });

  it('reaches no file outside the page, however the path is written', async () => {
    for (const path of [
      '/admin/..%2Fsrc%2Findex.ts',
      '/admin/%2e%2e%2fpackage.json',
      '/admin/..%5C..%5Cpackage.json',
      '/admin/admin-page.controller.ts',
      '/admin/static-files.ts',
      '/admin/.env',
      '/admin/%E0%A4%A',
      '/admin/app.js%00.html',
    ]) {
      const res = await http().get(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });
});
