'use strict';
// The entry point of collection.json. The Angular devkit — behind the Nest CLI's `nest g -c …` and the
// `schematics` CLI — loads schematics with plain Node.js, and this plugin is TypeScript that is never
// built (Nx transpiles it on the fly for `nx g`, Jest through ts-jest). So when `.ts` cannot be required
// yet, register ts-node (transpile only: type errors are `nx typecheck`'s job) and load the source.
const { join } = require('node:path');

let schematic;

function load() {
  if (schematic) return schematic;
  try {
    schematic = require('./group.schematic');
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('./group.schematic'))
      throw error;
    require('ts-node').register({
      transpileOnly: true,
      project: join(__dirname, '../../../tsconfig.lib.json'),
    });
    schematic = require('./group.schematic');
  }
  return schematic;
}

/** See group.schematic.ts. */
exports.groupSchematic = (options) => load().groupSchematic(options);
