export * from './model/json';
export * from './model/place-models';
export * from './model/topology';
export * from './model/state-change';
export * from './model/topology-change';
