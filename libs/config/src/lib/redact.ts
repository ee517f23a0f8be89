/** Shown instead of a secret, in error messages and summaries. */
export const HIDDEN = '(hidden)';

/**
 * `scheme://user:password@`, matched as text so that even a URL too broken to parse is redacted. The
 * password runs to the last `@`: an unencoded `@` or `/` inside it must not leak its tail.
 */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:).*@/i;

/** The URL with its password, if any, replaced by `***`: `mysql://root:***@db:3306/app`. */
export function redactUrl(url: string): string {
  return url.replace(URL_PASSWORD, '$1***@');
}
