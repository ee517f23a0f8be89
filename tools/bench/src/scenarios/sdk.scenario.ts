import { unmeasuredRow, type HttpRow } from './http-row';

/**
 * ringcache through the SDK (`libs/client`, which talks to the nodes directly, without the gateway hop).
 * The SDK does not exist yet: this row says so instead of showing a number, and is where its
 * measurement goes once it is built (a load-runner target that calls the SDK rather than autocannon).
 */
export function sdkRows(): HttpRow[] {
  return [
    unmeasuredRow(
      {
        id: 'sdk',
        name: 'ringcache SDK (libs/client), hot key and 10,000 keys uniform',
        kind: 'ringcache',
        keys: 'uniform',
      },
      'not-built',
      'not built yet: libs/client does not exist',
    ),
  ];
}
