import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { KubeObject } from './kustomize-lite';

/**
 * The Kubernetes kinds the manifests use, with their kubernetes-models class (runtime schema
 * validation: types, required fields, enums) and the module and interface that declare them
 * (for the unknown-field check in strict-fields.ts, which the schema validation does not do).
 */
interface KindModel {
  model: new (data: never) => { validate(): void };
  module: string;
  type: string;
}

const KIND_MODELS: Record<string, KindModel> = {
  'apps/v1/StatefulSet': {
    model: StatefulSet,
    module: 'kubernetes-models/apps/v1/StatefulSet',
    type: 'IStatefulSet',
  },
  'policy/v1/PodDisruptionBudget': {
    model: PodDisruptionBudget,
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
    type: 'IPodDisruptionBudget',
  },
  'v1/ConfigMap': {
    model: ConfigMap,
    module: 'kubernetes-models/v1/ConfigMap',
    type: 'IConfigMap',
  },
  'v1/Secret': { model: Secret, module: 'kubernetes-models/v1/Secret', type: 'ISecret' },
  'v1/Service': { model: Service, module: 'kubernetes-models/v1/Service', type: 'IService' },
  'v1/ServiceAccount': {
    model: ServiceAccount,
    module: 'kubernetes-models/v1/ServiceAccount',
    type: 'IServiceAccount',
  },
};

export function kindModel(object: KubeObject): KindModel | undefined {
  return KIND_MODELS[`${object.apiVersion}/${object.kind}`];
}

/** Throws the schema's message when the object does not validate. */
export function validateWithModel(object: KubeObject): void {
  const kind = kindModel(object);
  if (!kind) throw new Error(`no kubernetes-models class for ${object.apiVersion} ${object.kind}`);
  new kind.model(structuredClone(object) as never).validate();
}
