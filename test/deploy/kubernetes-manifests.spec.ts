import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { configEnvironmentNames } from './config-env-names';
import { validateWithModel, kindModel } from './kube-models';
import { byIdentity, findKubectl, kubectlKustomize } from './kubectl';
import { type KubeObject, renderKustomization } from './kustomize-lite';
import { type Rendering, type Workload, effectiveEnv, workloads } from './manifest-queries';
import {
  type ManifestRule,
  POD_INDEX_FIELD,
  graceOutlastsShutdown,
  hardenedSecurity,
  noHeapCap,
  onlyKnownEnvNames,
  probesOnHealthRoutes,
  resourcesSized,
  scrapeAnnotations,
  selectorsMatchPods,
  shardingMatchesReplicas,
  sqliteOnlyAlone,
  uniqueClientIds,
} from './manifest-rules';
import { unknownFieldProblems } from './strict-fields';

const root = join(__dirname, '..', '..');
const kubernetes = join(root, 'deploy', 'kubernetes');
const externalSecrets = parseAllDocuments(
  readFileSync(join(kubernetes, 'examples', 'secret.example.yaml'), 'utf8'),
).map((document) => document.toJS() as KubeObject);
const knownEnvNames = configEnvironmentNames(root);
const kubectl = findKubectl();

const RULES: Record<string, ManifestRule> = {
  'SQLite only with one replica and one shard, on a volume': sqliteOnlyAlone,
  'SHARD_COUNT equals replicas, SHARD_INDEX from the pod index': shardingMatchesReplicas,
  'a client id per replica': uniqueClientIds,
  'probes on /health/live and /health/ready at HTTP_PORT': probesOnHealthRoutes,
  'non-root, read-only root, no privilege escalation, no capabilities': hardenedSecurity,
  'grace period outlasts SHUTDOWN_TIMEOUT_MS + 5 s': graceOutlastsShutdown,
  'no V8 heap cap': noHeapCap,
  'only variables the configuration knows': onlyKnownEnvNames(knownEnvNames),
  'memory request and limit, CPU request, no CPU limit': resourcesSized,
  'Service, PodDisruptionBudget and selector match the pods': selectorsMatchPods,
  'Prometheus scrape annotations': scrapeAnnotations,
};

const BRIDGE_KINDS = [
  'ConfigMap',
  'PodDisruptionBudget',
  'Service',
  'ServiceAccount',
  'StatefulSet',
];

function render(directory: string): Rendering {
  return { objects: renderKustomization(join(kubernetes, directory)), externalSecrets };
}

const single = render('overlays/single');
const sharded = render('overlays/sharded');
const withServiceMonitor = render('examples/sharded-with-servicemonitor');

function statefulSet(rendering: Rendering): Workload {
  const [workload, ...others] = workloads(rendering);
  expect(others).toEqual([]);
  expect(workload.kind).toBe('StatefulSet');
  return workload;
}

function bridgeEnv(rendering: Rendering) {
  return effectiveEnv(rendering, statefulSet(rendering).spec.template.spec.containers[0]);
}

for (const { directory, rendering, kinds } of [
  { directory: 'overlays/single', rendering: single, kinds: BRIDGE_KINDS },
  { directory: 'overlays/sharded', rendering: sharded, kinds: BRIDGE_KINDS },
  {
    directory: 'examples/sharded-with-servicemonitor',
    rendering: withServiceMonitor,
    kinds: [...BRIDGE_KINDS, 'ServiceMonitor'].sort(),
  },
]) {
  describe(`deploy/kubernetes/${directory}`, () => {
    it('renders the bridge objects, one of each kind', () => {
      expect(rendering.objects.map((o) => o.kind).sort()).toEqual(kinds);
    });

    it('validates against the Kubernetes schemas (kubernetes-models)', () => {
      const core = rendering.objects.filter((o) => o.kind !== 'ServiceMonitor');
      for (const object of core) expect(() => validateWithModel(object)).not.toThrow();
    });

    it('uses no field that the Kubernetes API types do not define', () => {
      expect(unknownFieldProblems(rendering.objects)).toEqual([]);
    });

    it.each(Object.entries(RULES))('%s', (_name, rule) => {
      expect(rule(rendering)).toEqual([]);
    });

    // Registered only where kubectl exists: a fresh machine has no kustomize to compare with.
    if (kubectl) {
      it(`renders exactly as ${kubectl} kustomize does`, () => {
        const real = kubectlKustomize(kubectl, join(kubernetes, directory));
        expect(byIdentity(rendering.objects)).toEqual(byIdentity(real));
      });
    }
  });
}

describe('overlay single', () => {
  it('runs one replica on SQLite in a volume claimed per pod', () => {
    const workload = statefulSet(single);
    expect(workload.spec.replicas).toBe(1);
    expect(bridgeEnv(single).get('SHARD_COUNT')?.value).toBe('1');
    expect(bridgeEnv(single).get('RULES_DB')?.value).toBe('sqlite:/app/data/rules.db');
    expect(workload.spec.volumeClaimTemplates?.map((c) => c.metadata.name)).toEqual(['data']);
  });
});

describe('overlay sharded', () => {
  const workload = statefulSet(sharded);
  const env = bridgeEnv(sharded);

  it('starts every shard at once, SHARD_COUNT = replicas = 3', () => {
    expect(workload.spec.replicas).toBe(3);
    expect(env.get('SHARD_COUNT')?.value).toBe('3');
    expect(workload.spec.podManagementPolicy).toBe('Parallel');
  });

  it('takes SHARD_INDEX from the pod-index label (Kubernetes >= 1.28)', () => {
    expect(env.get('SHARD_INDEX')?.valueFrom?.fieldRef?.fieldPath).toBe(POD_INDEX_FIELD);
  });

  it('takes RULES_DB (PostgreSQL) from a Secret key and keeps no volume', () => {
    const ref = env.get('RULES_DB')?.valueFrom?.secretKeyRef;
    const secret = externalSecrets.find((s) => s.metadata.name === ref?.name);
    expect((secret?.stringData as Record<string, string>)[ref!.key]).toMatch(/^postgres:\/\//);
    expect(workload.spec.volumeClaimTemplates).toBeUndefined();
  });
});

describe('components/servicemonitor', () => {
  // kubernetes-models has no Prometheus Operator models (@kubernetes-models/prometheus-operator
  // is not a dependency), so the ServiceMonitor's shape is checked here.
  const monitor = withServiceMonitor.objects.find((o) => o.kind === 'ServiceMonitor')!;
  const service = withServiceMonitor.objects.find((o) => o.kind === 'Service')!;
  const spec = monitor.spec as {
    selector: { matchLabels: Record<string, string> };
    endpoints: { port: string; path: string }[];
  };

  it('is a monitoring.coreos.com/v1 ServiceMonitor for the bridge Service', () => {
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(service.metadata.labels).toMatchObject(spec.selector.matchLabels);
    expect(Object.keys(spec.selector.matchLabels)).not.toEqual([]);
  });

  it('scrapes /metrics on the Service port named in its endpoint', () => {
    const ports = (service.spec as { ports: { name: string }[] }).ports.map((p) => p.name);
    expect(spec.endpoints.length).toBeGreaterThan(0);
    for (const endpoint of spec.endpoints) {
      expect(ports).toContain(endpoint.port);
      expect(endpoint.path).toBe('/metrics');
    }
  });
});

describe('examples/secret.example.yaml', () => {
  it('holds only placeholders, as Secrets that validate', () => {
    for (const secret of externalSecrets) {
      expect(() => validateWithModel(secret)).not.toThrow();
      for (const value of Object.values(secret.stringData as Record<string, string>)) {
        expect(value).toContain('replace-me');
      }
    }
  });

  it('has every Secret the overlays reference', () => {
    const names = externalSecrets.map((s) => s.metadata.name);
    const container = statefulSet(sharded).spec.template.spec.containers[0];
    const referenced = [
      ...(container.envFrom ?? []).flatMap((source) => source.secretRef?.name ?? []),
      ...(container.env ?? []).flatMap((v) => v.valueFrom?.secretKeyRef?.name ?? []),
    ];
    expect(referenced.length).toBeGreaterThan(1);
    for (const name of referenced) expect(names).toContain(name);
  });
});

describe('the checks catch broken manifests', () => {
  type Edit = (workload: Workload, objects: KubeObject[]) => void;
  const setEnv = (workload: Workload, name: string, value: string) => {
    const env = workload.spec.template.spec.containers[0].env!;
    const index = env.findIndex((v) => v.name === name);
    if (index < 0) env.push({ name, value });
    else env[index] = { name, value };
  };
  const edited = (rendering: Rendering, edit: Edit): Rendering => {
    const objects = structuredClone(rendering.objects);
    edit(workloads({ objects, externalSecrets })[0], objects);
    return { objects, externalSecrets };
  };

  it.each<[string, Rendering, ManifestRule, Edit, RegExp]>([
    [
      'SQLite with 3 replicas',
      sharded,
      sqliteOnlyAlone,
      (w) => setEnv(w, 'RULES_DB', 'sqlite:/app/data/rules.db'),
      /replicas need PostgreSQL/,
    ],
    [
      'SQLite without a volume',
      single,
      sqliteOnlyAlone,
      (w) => delete w.spec.volumeClaimTemplates,
      /not on a PersistentVolumeClaim/,
    ],
    [
      'replicas scaled without SHARD_COUNT',
      sharded,
      shardingMatchesReplicas,
      (w) => (w.spec.replicas = 4),
      /SHARD_COUNT 3 differs from replicas 4/,
    ],
    [
      'a fixed SHARD_INDEX',
      sharded,
      shardingMatchesReplicas,
      (w) => setEnv(w, 'SHARD_INDEX', '0'),
      /SHARD_INDEX must come from/,
    ],
    [
      'a literal client id',
      sharded,
      uniqueClientIds,
      (w) => setEnv(w, 'MQTT_CLIENT_ID', 'placeos-bridge'),
      /shared by every replica/,
    ],
    [
      'a fixed INSTANCE_ID',
      sharded,
      uniqueClientIds,
      (w) => setEnv(w, 'INSTANCE_ID', 'bridge'),
      /not the pod name/,
    ],
    [
      'readiness on /health/live',
      sharded,
      probesOnHealthRoutes,
      (w) => (w.spec.template.spec.containers[0].readinessProbe!.httpGet!.path = '/health/live'),
      /readinessProbe must GET \/health\/ready/,
    ],
    [
      'HTTP_PORT moved away from the probed port',
      single,
      probesOnHealthRoutes,
      (w) => setEnv(w, 'HTTP_PORT', '8080'),
      /port http is not HTTP_PORT 8080/,
    ],
    [
      'a writable root filesystem',
      sharded,
      hardenedSecurity,
      (w) => (w.spec.template.spec.containers[0].securityContext!.readOnlyRootFilesystem = false),
      /read-only/,
    ],
    [
      'a service account token',
      single,
      hardenedSecurity,
      (w, objects) => {
        delete w.spec.template.spec.automountServiceAccountToken;
        delete objects.find((o) => o.kind === 'ServiceAccount')!.automountServiceAccountToken;
      },
      /service account token/,
    ],
    [
      'a grace period shorter than the shutdown',
      sharded,
      graceOutlastsShutdown,
      (w) => (w.spec.template.spec.terminationGracePeriodSeconds = 25),
      /does not outlast/,
    ],
    [
      'a heap cap',
      sharded,
      noHeapCap,
      (w) => setEnv(w, 'NODE_OPTIONS', '--max-old-space-size=192'),
      /V8 flags/,
    ],
    [
      'a misspelt variable',
      sharded,
      onlyKnownEnvNames(knownEnvNames),
      (w) => setEnv(w, 'SHARD_CONT', '3'),
      /SHARD_CONT is not a variable/,
    ],
    [
      'a CPU limit',
      single,
      resourcesSized,
      (w) => (w.spec.template.spec.containers[0].resources!.limits!.cpu = '1'),
      /CPU limit/,
    ],
    [
      'a PodDisruptionBudget selecting other pods',
      sharded,
      selectorsMatchPods,
      (_w, objects) => {
        const budget = objects.find((o) => o.kind === 'PodDisruptionBudget')!;
        (budget.spec as { selector: object }).selector = { matchLabels: { app: 'other' } };
      },
      /no PodDisruptionBudget selects its pods/,
    ],
    [
      'scraping a port the container does not open',
      sharded,
      scrapeAnnotations,
      (w) => (w.spec.template.metadata.annotations!['prometheus.io/port'] = '9090'),
      /prometheus\.io/,
    ],
  ])('%s', (_name, rendering, rule, edit, problem) => {
    expect(rule(rendering)).toEqual([]);
    expect(rule(edited(rendering, edit)).join('\n')).toMatch(problem);
  });

  it('schema validation rejects a wrongly typed field', () => {
    const [workload] = structuredClone(workloads(sharded));
    (workload.spec.template.spec.containers[0].ports![0] as { containerPort: unknown }) = {
      containerPort: '3000',
    };
    expect(() => validateWithModel(workload)).toThrow(/containerPort must be integer/);
  });

  it('the unknown-field check names a misspelt field and its object', () => {
    const [workload] = structuredClone(workloads(sharded));
    const context = workload.spec.template.spec.containers[0].securityContext as object;
    Object.assign(context, { readOnlyRootFileSystem: true });
    expect(kindModel(workload)).toBeDefined();
    expect(unknownFieldProblems([workload]).join('\n')).toMatch(
      /StatefulSet\/placeos-mqtt-bridge: .*'"?readOnlyRootFileSystem"?' does not exist/,
    );
  });
});
