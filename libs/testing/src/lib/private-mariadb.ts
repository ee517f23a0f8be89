import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createConnection } from 'mysql2/promise';

import { sleep } from './http';
import { freePort } from './ports';
import { runToExit, startProcess, type ManagedProcess } from './processes';

/** Path of the MariaDB server binary: MARIADBD_BIN, else Debian's /usr/sbin/mariadbd. */
const MARIADBD_BIN = process.env['MARIADBD_BIN'] ?? '/usr/sbin/mariadbd';
/** Path of the data-dir initializer: MARIADB_INSTALL_DB_BIN, else `mariadb-install-db` on the PATH. */
const INSTALL_DB_BIN = process.env['MARIADB_INSTALL_DB_BIN'] ?? 'mariadb-install-db';

/**
 * A MariaDB server of one test's own — its own data dir, a free loopback port, a socket in its temp dir,
 * no grant checks (root without a password) — that the test may stop and start at will, unlike the
 * machine's shared server that other suites use. `adminUrl` is what ScratchMysql takes (with ownUser false:
 * without grant tables there are no users to create).
 */
export class PrivateMariadb {
  private constructor(
    private readonly dir: string,
    readonly port: number,
    private server: ManagedProcess,
  ) {}

  /** Initializes a data dir (about a second), starts the server and waits until it takes connections. */
  static async start(): Promise<PrivateMariadb> {
    const dir = mkdtempSync(join(tmpdir(), 'ringcache-mariadb-'));
    const install = await runToExit(
      {
        name: 'mariadb-install-db',
        command: INSTALL_DB_BIN,
        args: ['--no-defaults', `--datadir=${join(dir, 'data')}`, '--skip-test-db', '--skip-name-resolve'],
        env: { PATH: process.env['PATH'] },
      },
      60_000,
    );
    if (install.code !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`mariadb-install-db failed (${install.code}):\n${install.output}`);
    }
    const db = new PrivateMariadb(dir, await freePort(), undefined as unknown as ManagedProcess);
    db.server = db.launch();
    try {
      await db.waitReady();
    } catch (error) {
      await db.remove();
      throw error;
    }
    return db;
  }

  /** mysql://root@127.0.0.1:<port>/mysql */
  get adminUrl(): string {
    return `mysql://root@127.0.0.1:${this.port}/mysql`;
  }

  /** The server process (its pid, whether it runs). */
  get process(): ManagedProcess {
    return this.server;
  }

  /** Stops the server (SIGTERM, SIGKILL after `graceMs`): the database goes down. */
  async stop(graceMs = 10_000): Promise<void> {
    await this.server.stop('SIGTERM', graceMs);
  }

  /** Starts the stopped server again on the same port and data, and waits until it takes connections. */
  async restart(timeoutMs = 30_000): Promise<void> {
    if (this.server.alive) throw new Error('mariadbd is still running');
    this.server = this.launch();
    await this.waitReady(timeoutMs);
  }

  /** Stops the server and removes its data dir. */
  async remove(): Promise<void> {
    await this.server?.stop('SIGTERM', 10_000);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private launch(): ManagedProcess {
    return startProcess({
      name: 'mariadbd',
      command: MARIADBD_BIN,
      args: [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(this.dir, 'mysqld.sock')}`,
        `--pid-file=${join(this.dir, 'mysqld.pid')}`,
        '--skip-grant-tables',
        '--skip-name-resolve',
        '--innodb-buffer-pool-size=32M',
        // mariadbd refuses to run as root unless told to.
        ...(process.getuid?.() === 0 ? ['--user=root'] : []),
      ],
      env: { PATH: process.env['PATH'] },
    });
  }

  private async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (!this.server.alive) throw new Error(`mariadbd exited:\n${this.server.output()}`);
      try {
        const connection = await createConnection({
          host: '127.0.0.1',
          port: this.port,
          user: 'root',
          connectTimeout: 1_000,
        });
        await connection.end();
        return;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(100);
    }
    throw new Error(
      `mariadbd did not take connections within ${timeoutMs} ms (${last})\n${this.server.output()}`,
    );
  }
}
