import type { KubeObject } from './kustomize-lite';
import {
  type Container,
  type EnvVar,
  type Rendering,
  type Workload,
  containerPort,
  effectiveEnv,
  find,
  label,
  replicas,
  selects,
  sourceData,
  workloads,
} from './manifest-queries';

/**
 * What a bridge manifest must get right, each rule returning the problems it finds (empty: the
 * rendering obeys it). The reasons are in admin-api.md ("Scale-out") and deploy/kubernetes.
 */
export type ManifestRule = (rendering: Rendering) => string[];

export const POD_INDEX_FIELD = "metadata.labels['apps.kubernetes.io/pod-index']";
const DEFAULT_HTTP_PORT = 3000;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
const DEFAULT_GRACE_SECONDS = 30;
/** main.ts exits on its own this long after SHUTDOWN_TIMEOUT_MS. */
const FORCED_EXIT_AFTER_MS = 5000;

/** Each container of each workload, with its effective environment. */
function eachContainer(
  rendering: Rendering,
  check: (workload: Workload, container: Container, env: Map<string, EnvVar>) => string[],
): string[] {
  return workloads(rendering).flatMap((workload) =>
    workload.spec.template.spec.containers.flatMap((container) =>
      check(workload, container, effectiveEnv(rendering, container)).map(
        (problem) => `${label(workload)} ${container.name}: ${problem}`,
      ),
    ),
  );
}

/** The literal value of a variable, following Secret and ConfigMap key references. */
function literal(rendering: Rendering, variable: EnvVar | undefined): string | undefined {
  if (variable?.value !== undefined) return variable.value;
  const ref = variable?.valueFrom?.secretKeyRef ?? variable?.valueFrom?.configMapKeyRef;
  const kind = variable?.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap';
  const source = ref && find(rendering, kind, ref.name);
  return source && ref ? sourceData(source)[ref.key] : undefined;
}

function shardCount(rendering: Rendering, env: Map<string, EnvVar>): number {
  return Number(literal(rendering, env.get('SHARD_COUNT')) ?? '1');
}

export const sqliteOnlyAlone: ManifestRule = (rendering) =>
  eachContainer(rendering, (workload, container, env) => {
    const rulesDb = literal(rendering, env.get('RULES_DB'));
    if (rulesDb === undefined && env.has('RULES_DB')) return ['RULES_DB has no resolvable value'];
    const db = rulesDb ?? 'sqlite:./data/rules.db';
    if (!db.startsWith('sqlite:')) return [];
    if (replicas(workload) > 1 || shardCount(rendering, env) > 1) {
      return [`RULES_DB=${db} with ${replicas(workload)} replicas: replicas need PostgreSQL`];
    }
    const directory = db.slice('sqlite:'.length).replace(/\/[^/]*$/, '');
    const claims = new Set(workload.spec.volumeClaimTemplates?.map((c) => c.metadata.name));
    const mount = container.volumeMounts?.find((m) => m.mountPath === directory);
    return mount && claims.has(mount.name)
      ? []
      : [`RULES_DB=${db} is not on a PersistentVolumeClaim mounted at ${directory}`];
  });

export const shardingMatchesReplicas: ManifestRule = (rendering) =>
  eachContainer(rendering, (workload, _container, env) => {
    const count = shardCount(rendering, env);
    const problems: string[] = [];
    if (count !== replicas(workload)) {
      problems.push(`SHARD_COUNT ${count} differs from replicas ${replicas(workload)}`);
    }
    if (count > 1) {
      const index = env.get('SHARD_INDEX')?.valueFrom?.fieldRef?.fieldPath;
      if (workload.kind !== 'StatefulSet' || index !== POD_INDEX_FIELD) {
        problems.push(`SHARD_INDEX must come from ${POD_INDEX_FIELD} of a StatefulSet pod`);
      }
    }
    return problems;
  });

export const uniqueClientIds: ManifestRule = (rendering) =>
  eachContainer(rendering, (_workload, _container, env) => {
    const clientId = literal(rendering, env.get('MQTT_CLIENT_ID')) ?? '';
    if (!/\{(instance|shard)\}/.test(clientId)) {
      return [`MQTT_CLIENT_ID "${clientId}" is shared by every replica`];
    }
    // {instance} is INSTANCE_ID, else POD_NAME: only the pod's own name differs per replica.
    const podName = env.get('POD_NAME')?.valueFrom?.fieldRef?.fieldPath;
    return clientId.includes('{instance}') &&
      (env.has('INSTANCE_ID') || podName !== 'metadata.name')
      ? ['{instance} is not the pod name (POD_NAME from metadata.name, no INSTANCE_ID)']
      : [];
  });

export const probesOnHealthRoutes: ManifestRule = (rendering) =>
  eachContainer(rendering, (_workload, container, env) => {
    const httpPort = Number(literal(rendering, env.get('HTTP_PORT')) ?? DEFAULT_HTTP_PORT);
    const expected = {
      startupProbe: '/health/live',
      livenessProbe: '/health/live',
      readinessProbe: '/health/ready',
    } as const;
    return Object.entries(expected).flatMap(([probe, path]) => {
      const get = container[probe as keyof typeof expected]?.httpGet;
      if (get?.path !== path) return [`${probe} must GET ${path} (got ${get?.path})`];
      const port = containerPort(container, get.port);
      return port === httpPort ? [] : [`${probe} port ${get.port} is not HTTP_PORT ${httpPort}`];
    });
  });

export const hardenedSecurity: ManifestRule = (rendering) =>
  eachContainer(rendering, (workload, container) => {
    const pod = workload.spec.template.spec;
    const own = container.securityContext ?? {};
    const problems: string[] = [];
    const runAsUser = own.runAsUser ?? pod.securityContext?.runAsUser;
    if ((own.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true || !runAsUser) {
      problems.push('must run as a non-root user (runAsNonRoot and a non-zero runAsUser)');
    }
    if (own.readOnlyRootFilesystem !== true) problems.push('root filesystem must be read-only');
    if (own.allowPrivilegeEscalation !== false || own.privileged) {
      problems.push('privilege escalation must be off');
    }
    if (!own.capabilities?.drop?.includes('ALL') || own.capabilities.add?.length) {
      problems.push('must drop ALL capabilities and add none');
    }
    if ((own.seccompProfile ?? pod.securityContext?.seccompProfile)?.type !== 'RuntimeDefault') {
      problems.push('seccompProfile must be RuntimeDefault');
    }
    const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
    if (!pod.volumes?.some((v) => v.name === tmp?.name && v.emptyDir)) {
      problems.push('/tmp must be an emptyDir (the root filesystem is read-only)');
    }
    const account = find(rendering, 'ServiceAccount', pod.serviceAccountName ?? 'default');
    if ((pod.automountServiceAccountToken ?? account?.automountServiceAccountToken) !== false) {
      problems.push('must not mount a service account token');
    }
    return problems;
  });

export const graceOutlastsShutdown: ManifestRule = (rendering) =>
  eachContainer(rendering, (workload, _container, env) => {
    const graceMs =
      (workload.spec.template.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
    const shutdownMs = Number(
      literal(rendering, env.get('SHUTDOWN_TIMEOUT_MS')) ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    );
    return graceMs > shutdownMs + FORCED_EXIT_AFTER_MS
      ? []
      : [`grace period ${graceMs} ms does not outlast SHUTDOWN_TIMEOUT_MS ${shutdownMs} + 5 s`];
  });

export const noHeapCap: ManifestRule = (rendering) =>
  eachContainer(rendering, (_workload, container, env) => {
    const values = [...env.values()].map((v) => v.value ?? '');
    const words = [...values, ...(container.command ?? []), ...(container.args ?? [])];
    return env.has('NODE_OPTIONS') || words.some((w) => w.includes('--max-old-space-size'))
      ? ['sets V8 flags (NODE_OPTIONS / --max-old-space-size): memory is sized, not capped']
      : [];
  });

export function onlyKnownEnvNames(known: ReadonlySet<string>): ManifestRule {
  return (rendering) =>
    eachContainer(rendering, (_workload, _container, env) =>
      [...env.keys()]
        .filter((name) => !known.has(name))
        .map((name) => `${name} is not a variable the bridge reads`),
    );
}

export const resourcesSized: ManifestRule = (rendering) =>
  eachContainer(rendering, (_workload, container) => {
    const { requests = {}, limits = {} } = container.resources ?? {};
    const problems: string[] = [];
    if (!requests.cpu || !requests.memory) problems.push('needs CPU and memory requests');
    if (!limits.memory) problems.push('needs a memory limit');
    if (limits.cpu) problems.push('has a CPU limit (throttling adds latency)');
    return problems;
  });

export const selectorsMatchPods: ManifestRule = (rendering) =>
  workloads(rendering).flatMap((workload) => {
    const problems: string[] = [];
    const check = (ok: boolean, problem: string) => ok || problems.push(problem);
    check(selects(workload.spec.selector.matchLabels, workload), 'selector misses its own pods');
    const disruptionBudgets = rendering.objects.filter((o) => o.kind === 'PodDisruptionBudget');
    check(
      disruptionBudgets.some((p) => selects(selector(p, 'selector', 'matchLabels'), workload)),
      'no PodDisruptionBudget selects its pods',
    );
    const services = rendering.objects.filter((o) => o.kind === 'Service');
    check(
      services.some((s) => selects(selector(s, 'selector'), workload)),
      'no Service selects its pods',
    );
    if (workload.kind === 'StatefulSet') {
      check(
        services.some((s) => s.metadata.name === workload.spec.serviceName),
        `serviceName ${workload.spec.serviceName} is not a Service of the overlay`,
      );
    }
    return problems.map((problem) => `${label(workload)}: ${problem}`);
  });

export const scrapeAnnotations: ManifestRule = (rendering) =>
  eachContainer(rendering, (workload, container) => {
    const annotations = workload.spec.template.metadata.annotations ?? {};
    const port = Number(annotations['prometheus.io/port']);
    return annotations['prometheus.io/scrape'] === 'true' &&
      annotations['prometheus.io/path'] === '/metrics' &&
      container.ports?.some((p) => p.containerPort === port)
      ? []
      : ['prometheus.io/scrape, /port (a container port) and /path (/metrics) must be set'];
  });

function selector(object: KubeObject, ...path: string[]): Record<string, string> {
  let node: unknown = object.spec;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
  return (node ?? {}) as Record<string, string>;
}
