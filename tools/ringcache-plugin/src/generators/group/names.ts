/**
 * Case conversions for generated code. A group name (`order-items`, `orders.v2`) or an SQL identifier
 * (`order_line`) is split into lower-case words at `-`, `_`, `.` and at case changes, then joined per use:
 * file names are kebab-case, functions camelCase, classes PascalCase, tables snake_case.
 */

/** Words of `text`: `orderItems` → order, items; `HTTPStatus_2` → http, status, 2. */
export function words(text: string): string[] {
  return (text.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []).map((word) => word.toLowerCase());
}

/** `order-items` → `order-items`; `OrderLine` → `order-line`. */
export function kebabCase(text: string): string {
  return words(text).join('-');
}

/** `order-items` → `order_items`. */
export function snakeCase(text: string): string {
  return words(text).join('_');
}

/** `order-items` → `orderItems`. */
export function camelCase(text: string): string {
  return words(text)
    .map((word, i) => (i === 0 ? word : capitalize(word)))
    .join('');
}

/** `order_line` → `OrderLine`. */
export function pascalCase(text: string): string {
  return words(text).map(capitalize).join('');
}

/** A plain JavaScript identifier (ASCII letters, digits, `_`, `$`; not starting with a digit). */
export function isIdentifier(text: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(text);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
