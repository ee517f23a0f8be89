import { STATUS_CODES } from 'node:http';

/**
 * A whole HTTP/1.1 answer as text, for a connection node:http no longer writes answers on (an upgrade
 * request, or bytes that are no request): the status with its standard reason, `Connection: close`, the
 * body's type when it has one, and its length in bytes.
 */
export function rawAnswer(status: number, body: string, contentType?: string): string {
  const type = contentType ? `Content-Type: ${contentType}\r\n` : '';
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n${type}` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}
