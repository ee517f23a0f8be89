import { camelCase, isIdentifier, kebabCase, pascalCase, snakeCase, words } from './names';

describe('names', () => {
  it.each([
    ['orders', ['orders']],
    ['order-items', ['order', 'items']],
    ['order_items.v2', ['order', 'items', 'v', '2']],
    ['orderItems', ['order', 'items']],
    ['HTTPStatus', ['http', 'status']],
    ['_id', ['id']],
  ])('splits %s into words', (text, expected) => {
    expect(words(text)).toEqual(expected);
  });

  it('joins words for files, functions, classes and tables', () => {
    expect(kebabCase('order_items.v2')).toBe('order-items-v-2');
    expect(camelCase('order-items')).toBe('orderItems');
    expect(pascalCase('order_line')).toBe('OrderLine');
    expect(snakeCase('Order-Items')).toBe('order_items');
  });

  it('knows a plain identifier', () => {
    expect(isIdentifier('ordersLoader')).toBe(true);
    expect(isIdentifier('2faLoader')).toBe(false);
    expect(isIdentifier('a-b')).toBe(false);
  });
});
