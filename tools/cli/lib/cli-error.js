'use strict';

/** The exit codes of every command: documented in the help text and the README. */
const EXIT = Object.freeze({
  ok: 0,
  /** The key has no value (get). */
  notFound: 1,
  /** Bad usage: unknown command or option, a bad argument, an unknown group, or a refused API key. */
  usage: 2,
  /** The cluster could not answer: connection refused, timeout, 5xx, or 429 rate limited. */
  unavailable: 3,
});

/** A failure the command reports as one line on stderr, ending the process with `exitCode`. */
class CliError extends Error {
  constructor(message, exitCode) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A usage error (exit 2). */
function usage(message) {
  return new CliError(message, EXIT.usage);
}

/** An unavailable error (exit 3). */
function unavailable(message) {
  return new CliError(message, EXIT.unavailable);
}

module.exports = { CliError, EXIT, unavailable, usage };
