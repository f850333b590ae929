/**
 * Whether `for…in` lists exactly `Object.keys` of `o`: an object literal's or a null-prototype
 * object's keys (nothing inherited is enumerable). The writers walk attributes with `for…in`
 * then, where V8 reads each value straight from the object's layout instead of looking the key
 * up (measured: the attribute loops ~25 % faster), and with `Object.keys` otherwise.
 */
export function isPlainObject(o: object): boolean {
  const proto: unknown = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}
