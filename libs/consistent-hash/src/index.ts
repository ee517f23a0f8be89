export { HashRing } from './lib/hash-ring';
export type { HashRingOptions } from './lib/hash-ring';
export { murmur3, murmur3Bytes, fmix32 } from './lib/murmur3';
