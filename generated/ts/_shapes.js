import { isObject, join } from "./_walk.js";
export class Shapes {
    resolved;
    shapesOf = new Map();
    constructor(resolved) {
        this.resolved = resolved;
    }
    /** How far the value's shape is from the branch at `path#pointer` (less is closer;
     * 0: the value fits a shape of the branch); null for a value that is not an object
     * or a branch with no shape. The value's properties in `beside` are not counted. */
    misfit(value, path, pointer, beside = new Set()) {
        if (!isObject(value))
            return null;
        let best = null;
        for (const shape of this.shapes(path, pointer)) {
            let count = 0;
            for (const name of shape.required)
                if (!Object.hasOwn(value, name))
                    count += 1;
            const declared = shape.declared;
            if (declared !== null) {
                for (const name of Object.keys(value))
                    if (!declared.has(name) && !beside.has(name))
                        count += 1;
            }
            best = best === null ? count : Math.min(best, count);
        }
        return best;
    }
    /** The shapes of the schema at a location (shaped), remembered per location. */
    shapes(path, pointer) {
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
    shaped(path, pointer, seen) {
        const found = this.resolved(path, pointer);
        const schema = found[2];
        const where = `${found[0]}#${found[1]}`;
        if (!isObject(schema) || seen.has(where))
            return [];
        seen.add(where);
        const props = schema["properties"];
        const declared = isObject(props) ? new Set(Object.keys(props)) : null;
        const listed = schema["required"];
        const required = new Set((Array.isArray(listed) ? listed : []).filter((r) => typeof r === "string"));
        for (const keyword of ["oneOf", "anyOf"]) {
            const branches = schema[keyword];
            if (!Array.isArray(branches) || !branches.length)
                continue;
            const shapes = new Map();
            for (let j = 0; j < branches.length; j++) {
                for (const member of this.shaped(found[0], join(found[1], keyword, j), seen)) {
                    let names = member.declared;
                    if (declared !== null)
                        names = names === null ? declared : new Set([...declared, ...names]);
                    const shape = { declared: names, required: new Set([...required, ...member.required]) };
                    const key = JSON.stringify([names === null ? null : [...names].sort(), [...shape.required].sort()]);
                    if (!shapes.has(key))
                        shapes.set(key, shape);
                }
            }
            seen.delete(where);
            return [...shapes.values()];
        }
        seen.delete(where);
        return declared === null && !required.size ? [] : [{ declared, required }];
    }
}
