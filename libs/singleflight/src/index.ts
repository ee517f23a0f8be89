export { Singleflight } from './lib/singleflight';
export type { SingleflightStats } from './lib/singleflight';
