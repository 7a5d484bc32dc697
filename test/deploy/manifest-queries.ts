import type { KubeObject } from './kustomize-lite';

/** What the manifest rules read from a rendered overlay. */
export interface Rendering {
  objects: KubeObject[];
  /** Secrets the workloads reference but no kustomization applies (examples/secret.example.yaml). */
  externalSecrets: KubeObject[];
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}

export interface HttpProbe {
  httpGet?: { path?: string; port: number | string };
}

export interface Container {
  name: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  startupProbe?: HttpProbe;
  livenessProbe?: HttpProbe;
  readinessProbe?: HttpProbe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: SecurityContext;
  containers: Container[];
  volumes?: { name: string; emptyDir?: object }[];
}

export interface Workload extends KubeObject {
  spec: {
    replicas?: number;
    selector: { matchLabels?: Record<string, string> };
    serviceName?: string;
    podManagementPolicy?: string;
    volumeClaimTemplates?: { metadata: { name: string } }[];
    template: {
      metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec: PodSpec;
    };
  };
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export function workloads(rendering: Rendering): Workload[] {
  return rendering.objects.filter((o) => WORKLOAD_KINDS.has(o.kind)) as Workload[];
}

export function find(rendering: Rendering, kind: string, name: string): KubeObject | undefined {
  return [...rendering.objects, ...rendering.externalSecrets].find(
    (o) => o.kind === kind && o.metadata.name === name,
  );
}

export function label(workload: Workload): string {
  return `${workload.kind}/${workload.metadata.name}`;
}

/** Replicas as Kubernetes defaults them. */
export function replicas(workload: Workload): number {
  return workload.spec.replicas ?? 1;
}

/**
 * Each container's environment as the kubelet builds it: envFrom sources in order, then `env`,
 * later entries winning. A variable taken from a Secret or the downward API has no literal value.
 */
export function effectiveEnv(rendering: Rendering, container: Container): Map<string, EnvVar> {
  const env = new Map<string, EnvVar>();
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const object = ref && find(rendering, kind, ref.name);
    if (!object) throw new Error(`${container.name}: envFrom ${kind} ${ref?.name} does not exist`);
    for (const [name, value] of Object.entries(sourceData(object))) env.set(name, { name, value });
  }
  for (const variable of container.env ?? []) env.set(variable.name, variable);
  return env;
}

/** The Secret example (stringData) and ConfigMaps (data) hold their variables as plain text. */
export function sourceData(object: KubeObject): Record<string, string> {
  const data = (object.stringData ?? object.data ?? {}) as Record<string, string>;
  return object.kind === 'Secret' && !object.stringData
    ? Object.fromEntries(
        Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
      )
    : data;
}

export function containerPort(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** Whether every label the selector requires is on the pods. */
export function selects(selector: Record<string, string> | undefined, workload: Workload): boolean {
  const podLabels = workload.spec.template.metadata.labels ?? {};
  const required = Object.entries(selector ?? {});
  return required.length > 0 && required.every(([key, value]) => podLabels[key] === value);
}
