/**
 * A constructor option has a value the class cannot work with. Thrown at construction, naming the option
 * and the value, so a misconfiguration stops the process at startup instead of on the first write.
 */
export class InvalidOptionError extends Error {
  constructor(owner: string, option: string, value: unknown, rule: string) {
    super(`${owner}: option ${option} must be ${rule}, got ${JSON.stringify(value)}`);
    this.name = 'InvalidOptionError';
  }
}

/** Returns `value`, or throws InvalidOptionError unless it is an integer in [min, max]. */
export function integerOption(
  owner: string,
  option: string,
  value: number,
  min: number,
  max = Infinity,
): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const rule = max === Infinity ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new InvalidOptionError(owner, option, value, rule);
  }
  return value;
}
