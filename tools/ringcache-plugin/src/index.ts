export { groupGenerator } from './generators/group/group.generator';
export { groupSchematic } from './generators/group/group.schematic';
export type { GroupSchematicOptions } from './generators/group/group.schematic';
export { GroupOptionsError } from './generators/group/group-options';
export type { GroupGeneratorOptions } from './generators/group/group-options';
