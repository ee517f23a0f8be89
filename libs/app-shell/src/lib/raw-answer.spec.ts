import { rawAnswer } from './raw-answer';

describe('rawAnswer', () => {
  it('gives the standard reason, closes the connection and counts the body in bytes', () => {
    expect(rawAnswer(401, '{"m":"é"}', 'application/json')).toBe(
      'HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: application/json\r\n' +
        'Content-Length: 10\r\n\r\n{"m":"é"}',
    );
  });

  it('names no type for an empty body', () => {
    expect(rawAnswer(404, '')).toBe(
      'HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    );
  });
});
