export * from './lib/errors';
export * from './lib/protocol';
export * from './lib/loader';
export * from './lib/membership';
export * from './lib/peer-set';
export * from './lib/group';
export * from './lib/group-registry';
export * from './lib/peer-service';
