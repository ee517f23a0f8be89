/** The ringcache version, published in registrations and metrics. Kept equal to package.json's by a test. */
export const RINGCACHE_VERSION = '0.1.0';
