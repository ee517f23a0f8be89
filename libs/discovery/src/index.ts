export { StaticMembership } from './lib/static-membership';
