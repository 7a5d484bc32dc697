import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyJsonPatch } from './json-patch';
import { renderKustomization } from './kustomize-lite';

const workspace = mkdtempSync(join(tmpdir(), 'kustomize-lite-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** Writes a tree of files under a fresh directory and returns that directory. */
function tree(name: string, files: Record<string, string>): string {
  const root = join(workspace, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const KUSTOMIZATION = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const COMPONENT = 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n';
const BASE = {
  'base/kustomization.yaml': `${KUSTOMIZATION}resources: [config.yaml]\n`,
  'base/config.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { A: "1" }\n',
};
const TARGET = 'target: { version: v1, kind: ConfigMap, name: settings }';

describe('kustomize-lite', () => {
  it('applies component resources and patches, then the overlay patches', () => {
    const root = tree('layered', {
      ...BASE,
      'component/kustomization.yaml': `${COMPONENT}resources: [extra.yaml]\npatches:\n  - path: p.yaml\n    ${TARGET}\n`,
      'component/extra.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: extra }\n',
      'component/p.yaml': '- { op: add, path: /data/B, value: "2" }\n',
      'overlay/kustomization.yaml': `${KUSTOMIZATION}resources: [../base]\ncomponents: [../component]\npatches:\n  - path: p.yaml\n    ${TARGET}\n`,
      'overlay/p.yaml': '- { op: replace, path: /data/A, value: "3" }\n',
    });
    expect(renderKustomization(join(root, 'overlay'))).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings' },
        data: { A: '3', B: '2' },
      },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'extra' } },
    ]);
  });

  it.each([
    [
      'a field it does not implement',
      `${KUSTOMIZATION}resources: [../base]\nnamePrefix: x-\n`,
      {},
      /does not implement namePrefix/,
    ],
    [
      'a strategic-merge patch',
      `${KUSTOMIZATION}resources: [../base]\npatches:\n  - path: p.yaml\n    ${TARGET}\n`,
      { 'p.yaml': 'data: { A: "2" }\n' },
      /strategic-merge/,
    ],
    [
      'a patch that matches nothing',
      `${KUSTOMIZATION}resources: [../base]\npatches:\n  - path: p.yaml\n    target: { kind: Secret }\n`,
      { 'p.yaml': '- { op: remove, path: /data }\n' },
      /no resource matches/,
    ],
    [
      'a file outside its root',
      `${KUSTOMIZATION}resources: [../base/config.yaml]\n`,
      {},
      /outside/,
    ],
    [
      'a resource defined twice',
      `${KUSTOMIZATION}resources: [../base, c.yaml]\n`,
      { 'c.yaml': BASE['base/config.yaml'] },
      /defined twice/,
    ],
  ])('refuses %s', (name, kustomization, files: Record<string, string>, error) => {
    const overlay = Object.fromEntries(Object.entries(files).map(([f, t]) => [`overlay/${f}`, t]));
    const root = tree(name.replaceAll(' ', '-'), {
      ...BASE,
      'overlay/kustomization.yaml': kustomization,
      ...overlay,
    });
    expect(() => renderKustomization(join(root, 'overlay'))).toThrow(error);
  });
});

describe('applyJsonPatch', () => {
  const pod = { metadata: { annotations: { 'prometheus.io/port': '1' } }, env: [{ name: 'A' }] };

  it('adds, replaces and removes by JSON pointer, with ~1 for "/"', () => {
    const patched = applyJsonPatch(pod, [
      { op: 'add', path: '/env/-', value: { name: 'B' } },
      { op: 'add', path: '/env/0', value: { name: 'Z' } },
      { op: 'replace', path: '/metadata/annotations/prometheus.io~1port', value: '3000' },
      { op: 'remove', path: '/env/1' },
    ]);
    expect(patched).toEqual({
      metadata: { annotations: { 'prometheus.io/port': '3000' } },
      env: [{ name: 'Z' }, { name: 'B' }],
    });
    expect(pod.env).toEqual([{ name: 'A' }]);
  });

  it.each([
    [{ op: 'replace', path: '/metadata/labels', value: {} }, /no member/],
    [{ op: 'add', path: '/spec/replicas', value: 1 }, /does not exist/],
    [{ op: 'add', path: '/env/5', value: {} }, /out of range/],
    [{ op: 'remove', path: '/env/1' }, /no array element/],
    [{ op: 'move', path: '/env/0' }, /not implemented/],
  ])('refuses %j', (operation, error) => {
    expect(() => applyJsonPatch(pod, [operation])).toThrow(error);
  });
});
