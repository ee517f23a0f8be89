/**
 * The configuration is invalid. `issues` lists every problem found, not just the first, so that one
 * failed start is enough to fix them all; each names the setting, the bad value and where it came from.
 * Apps exit with code 2 on it (see `loadConfigOrExit`).
 */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(['invalid ringcache configuration:', ...issues].join('\n'));
    this.name = 'ConfigError';
  }
}
