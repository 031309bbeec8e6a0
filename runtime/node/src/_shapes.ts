// The shapes of a union report's branches (_unions.ts): the steps of the Python
// runtime's UnionReport.misfit, shapes and _shaped (runtime/_union_report.py), so both
// runtimes pick the same branch.
//
// A branch's shape is the property names its `properties` declare and those its
// `required` lists; a branch that is a `oneOf` (else `anyOf`) has one shape per shape
// of each member, its own names added. How far a value is from a branch (its misfit):
// of the branch's shapes, the fewest of the value's properties the shape does not
// declare plus the properties it requires the value lacks. Where every event of a
// webhook fails on its `action` alone (an action no event knows), it names the event
// whose shape the value has.
import type { Resolved } from "./_tags.js";
import { isObject, join } from "./_walk.js";

/** An object shape: the property names declared (null: any) and those required. */
interface Shape {
  readonly declared: ReadonlySet<string> | null;
  readonly required: ReadonlySet<string>;
}

export class Shapes {
  private readonly shapesOf = new Map<string, Shape[]>();

  constructor(private readonly resolved: Resolved) {}

  /** How far the value's shape is from the branch at `path#pointer` (less is closer;
   * 0: the value fits a shape of the branch); null for a value that is not an object
   * or a branch with no shape. The value's properties in `beside` are not counted. */
  misfit(value: unknown, path: string, pointer: string, beside: ReadonlySet<string> = new Set()): number | null {
    if (!isObject(value)) return null;
    let best: number | null = null;
    for (const shape of this.shapes(path, pointer)) {
      let count = 0;
      for (const name of shape.required) if (!Object.hasOwn(value, name)) count += 1;
      const declared = shape.declared;
      if (declared !== null) {
        for (const name of Object.keys(value)) if (!declared.has(name) && !beside.has(name)) count += 1;
      }
      best = best === null ? count : Math.min(best, count);
    }
    return best;
  }

  /** The shapes of the schema at a location (shaped), remembered per location. */
  private shapes(path: string, pointer: string): Shape[] {
    const key = `${path}#${pointer}`;
    let found = this.shapesOf.get(key);
    if (found === undefined) {
      found = this.shaped(path, pointer, new Set());
      this.shapesOf.set(key, found);
    }
    return found;
  }

  /** The object shapes a schema (its chain of lone `$ref`s followed) allows, each the
   * names its `properties` declare (null: it has no `properties`) and its `required`
   * names: its own, or where it is a `oneOf` (else `anyOf`), one per shape of each
   * member, its own names added (each shape once, in member order). No shape for a
   * schema that names no property; a location met again (a loop) has none. */
  private shaped(path: string, pointer: string, seen: Set<string>): Shape[] {
    const found = this.resolved(path, pointer);
    const schema = found[2];
    const where = `${found[0]}#${found[1]}`;
    if (!isObject(schema) || seen.has(where)) return [];
    seen.add(where);
    const props = schema["properties"];
    const declared = isObject(props) ? new Set(Object.keys(props)) : null;
    const listed = schema["required"];
    const required = new Set(
      (Array.isArray(listed) ? listed : []).filter((r): r is string => typeof r === "string"),
    );
    for (const keyword of ["oneOf", "anyOf"]) {
      const branches = schema[keyword];
      if (!Array.isArray(branches) || !branches.length) continue;
      const shapes = new Map<string, Shape>();
      for (let j = 0; j < branches.length; j++) {
        for (const member of this.shaped(found[0], join(found[1], keyword, j), seen)) {
          let names = member.declared;
          if (declared !== null) names = names === null ? declared : new Set([...declared, ...names]);
          const shape = { declared: names, required: new Set([...required, ...member.required]) };
          const key = JSON.stringify([names === null ? null : [...names].sort(), [...shape.required].sort()]);
          if (!shapes.has(key)) shapes.set(key, shape);
        }
      }
      seen.delete(where);
      return [...shapes.values()];
    }
    seen.delete(where);
    return declared === null && !required.size ? [] : [{ declared, required }];
  }
}
