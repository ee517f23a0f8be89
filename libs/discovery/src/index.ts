export { StaticMembership } from './lib/static-membership';
export {
  etcdClientFromConfig,
  nodeStatsSource,
  outlierDetectionFromConfig,
  reportedOutlierDetection,
  peerConnector,
  staticMembers,
  tlsFromConfig,
} from './lib/from-config';
export type { ClosableNodeStatsSource } from './lib/from-config';
export { discoveryFromConfig } from './lib/discovery';
export type { Discovery, DiscoveryRole } from './lib/discovery';
export { EtcdKeys } from './lib/etcd-keys';
export { encodeEndpoint, decodeEndpoint } from './lib/endpoint-value';
export type { EndpointValue } from './lib/endpoint-value';
export { createEtcdClient } from './lib/etcd-client';
export { etcdReadiness, pingEtcd } from './lib/etcd-probe';
export type { EtcdReadiness } from './lib/etcd-probe';
export { checkEtcdSignIn, checkEtcdSignInFromConfig, EtcdSignInError } from './lib/etcd-sign-in';
export type { EtcdClientOptions } from './lib/etcd-client';
export { EtcdMembership } from './lib/etcd-membership';
export type { DiscoveryLogger, EtcdMembershipOptions, WatchState } from './lib/etcd-membership';
export { EtcdRegistration, DuplicateNodeNameError } from './lib/etcd-registration';
export type { EtcdRegistrationOptions } from './lib/etcd-registration';
export { GroupGenerations } from './lib/group-generations';
export type { GenerationListener } from './lib/group-generations';
