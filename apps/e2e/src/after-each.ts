import { BackgroundReads } from '@ringcache/testing';

// Reads a failed test left running would go on at full speed against a stopped cluster.
afterEach(() => BackgroundReads.stopAll());
