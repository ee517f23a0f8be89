export { StaticMembership } from './lib/static-membership';
export { membershipFromConfig, peerConnector, staticMembers } from './lib/from-config';
