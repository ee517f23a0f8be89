#!/usr/bin/env node
// The `ringcache` command (plain JavaScript, so it runs from a fresh clone with no build step).
'use strict';

const { main } = require('../lib/main');

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
