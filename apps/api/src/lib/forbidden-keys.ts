/**
 * Where a JSON text carries a key that could pollute prototypes (`__proto__`, or `prototype`
 * under `constructor`), as a path like `body.settings.__proto__`; null when there is none.
 * The body parser refuses such bodies; this only finds what to name in the 400.
 */
export function forbiddenKeyPath(text: string): string | null {
  let root: unknown;
  try {
    // Plain JSON.parse defines "__proto__" as an own property instead of acting on it.
    root = JSON.parse(text);
  } catch {
    return null;
  }
  // Iterative, so hostile nesting cannot exhaust the stack.
  const stack: [unknown, string][] = [[root, "body"]];
  while (stack.length > 0) {
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node !== "object" || node === null) continue;
    for (const key of Object.keys(node)) {
      const value = (node as Record<string, unknown>)[key];
      if (key === "__proto__") return `${path}.__proto__`;
      if (
        key === "constructor" &&
        typeof value === "object" &&
        value !== null &&
        Object.hasOwn(value, "prototype")
      ) {
        return `${path}.constructor.prototype`;
      }
      stack.push([value, Array.isArray(node) ? `${path}[${key}]` : `${path}.${key}`]);
    }
  }
  return null;
}
