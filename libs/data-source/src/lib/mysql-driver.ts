import mysql2, { type PoolOptions } from 'mysql2';

/**
 * mysql2 as TypeORM's driver, with a lasting `error` listener on every pooled connection. mysql2 gives a
 * pooled connection only a one-shot listener (to drop it from the pool), and TypeORM adds its own only to
 * connections without any; a second error on a dying connection (a write after the socket closed) would
 * then be an unhandled 'error' event and kill the process. The listener also reports the loss.
 */
export function mysql2WithErrorListener(onConnectionError: (error: Error) => void): typeof mysql2 {
  const createPool = (config: PoolOptions) => {
    const pool = mysql2.createPool(config);
    pool.on('connection', (connection) => connection.on('error', onConnectionError));
    return pool;
  };
  // Enumerable, since TypeORM treats a driver module without own keys as missing.
  return Object.create(mysql2, { createPool: { value: createPool, enumerable: true } });
}
