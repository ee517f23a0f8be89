import { InvalidArgumentError, UnknownGroupError } from './errors';
import type { Group } from './group';

/** The groups a node serves, by name. */
export class GroupRegistry {
  private readonly groups = new Map<string, Group>();

  /** Registers a group; a second group of the same name is an error. */
  add(group: Group): Group {
    if (this.groups.has(group.name))
      throw new InvalidArgumentError(`group ${group.name} is already registered`);
    this.groups.set(group.name, group);
    return group;
  }

  /** The group called `name`, or UnknownGroupError. */
  require(name: string): Group {
    const group = this.groups.get(name);
    if (!group) throw new UnknownGroupError(name);
    return group;
  }

  /** The group called `name`, if registered. */
  find(name: string): Group | undefined {
    return this.groups.get(name);
  }

  /** Every group, by name. */
  all(): Group[] {
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }
}
