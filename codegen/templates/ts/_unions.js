// Failing unions explain themselves (copied verbatim by `contracts generate`): the
// steps of the Python runtime's _union_report.py, line for line, so both runtimes
// print the same report. For each oneOf/anyOf a value fails, one line names the
// branch the value was meant for (the one its discriminator names, otherwise the
// closest: fewest errors, then the deepest error, then the first) and the
// alternatives tried, followed by that branch's errors only.
//
// `raw(path, pointer, value)` gives the violations of `value` against the schema
// at `path#pointer`, with pointers relative to `value`; `show` renders a value.

const ROOT_URI = "file:///schemas/";
const SHOWN = 8;
const MAX_STEPS = 10000;

const escapeToken = (key) => String(key).replace(/~/g, "~0").replace(/\//g, "~1");
const join = (pointer, ...tokens) => pointer + tokens.map((t) => `/${escapeToken(t)}`).join("");
const tokensOf = (pointer) =>
  pointer === "" ? [] : pointer.split("/").slice(1).map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const under = (pointer, at) => pointer === at || pointer.startsWith(`${at}/`);
const key = (v) => JSON.stringify([v.pointer, v.expected, v.got]);

function compareCodePoints(a, b) {
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

const sortedKeys = (object) => Object.keys(object).sort(compareCodePoints);
const order = (a, b) =>
  compareCodePoints(a.pointer, b.pointer) ||
  compareCodePoints(a.expected, b.expected) ||
  compareCodePoints(a.got, b.got);

/** posixpath.normpath of a relative path. */
function normpath(path) {
  const out = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length && out[out.length - 1] !== "..") out.pop();
    else out.push(part);
  }
  return out.join("/") || ".";
}

const dirname = (path) => path.slice(0, path.lastIndexOf("/") + 1);
const basename = (path) => path.slice(path.lastIndexOf("/") + 1);
const prefixed = (at, found) => found.map((v) => ({ ...v, pointer: at + v.pointer }));

export class UnionReport {
  /** documents: path -> schema; drafts: path -> "7" | "2020-12"; ids: URI -> path. */
  constructor(documents, drafts, ids, raw, show) {
    Object.assign(this, { documents, drafts, ids, raw, show });
  }

  schema(path, pointer) {
    let node = this.documents.get(path);
    for (const token of tokensOf(pointer)) {
      if (Array.isArray(node) && /^[0-9]+$/.test(token)) {
        if (Number(token) >= node.length) return undefined;
        node = node[Number(token)];
      } else if (isObject(node) && Object.hasOwn(node, token)) {
        node = node[token];
      } else {
        return undefined;
      }
    }
    return node;
  }

  target(path, ref) {
    const hash = ref.indexOf("#");
    const base = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? "" : ref.slice(hash + 1);
    if (fragment && !fragment.startsWith("/")) return null;
    let where;
    if (base.includes(":")) {
      where = this.ids.get(base) ?? (base.startsWith(ROOT_URI) ? base.slice(ROOT_URI.length) : base);
    } else if (base) {
      where = normpath(dirname(path) + base);
    } else {
      where = path;
    }
    return this.documents.has(where) ? [where, fragment] : null;
  }

  resolved(path, pointer) {
    for (let i = 0; i < 20; i++) {
      const schema = this.schema(path, pointer);
      const ref = isObject(schema) ? schema.$ref : undefined;
      const goes = typeof ref === "string" ? this.target(path, ref) : null;
      if (goes === null) return [path, pointer, schema];
      [path, pointer] = goes;
    }
    return [path, pointer, this.schema(path, pointer)];
  }

  sites(path, pointer, value, at, near) {
    const found = [];
    const stack = [[path, pointer, value, at]];
    let steps = 0;
    while (stack.length && steps < MAX_STEPS) {
      steps += 1;
      [path, pointer, value, at] = stack.pop();
      const schema = this.schema(path, pointer);
      if (!isObject(schema)) continue;
      stack.push(...this.children(path, pointer, schema, value, at).reverse());
      for (const keyword of ["anyOf", "oneOf"]) {
        const branches = schema[keyword];
        if (!Array.isArray(branches) || !near.some((p) => under(p, at))) continue;
        const here = join(pointer, keyword);
        const errors = branches.map((_, i) => prefixed(at, this.raw(path, join(here, i), value)));
        const passing = errors.filter((e) => e.length === 0).length;
        if (passing === 0 || (keyword === "oneOf" && passing > 1)) {
          found.push({ path, pointer, keyword, at, value, errors });
        }
      }
    }
    return found;
  }

  children(path, pointer, schema, value, at) {
    const out = [];
    if (typeof schema.$ref === "string") {
      const goes = this.target(path, schema.$ref);
      if (goes !== null) out.push([goes[0], goes[1], value, at]);
      if (this.drafts.get(path) === "7") return out;
    }
    if (Array.isArray(schema.allOf)) {
      schema.allOf.forEach((_, i) => out.push([path, join(pointer, "allOf", i), value, at]));
    }
    if (isObject(value)) {
      const props = isObject(schema.properties) ? schema.properties : {};
      for (const name of sortedKeys(props)) {
        if (Object.hasOwn(value, name)) {
          out.push([path, join(pointer, "properties", name), value[name], join(at, name)]);
        }
      }
      if (isObject(schema.additionalProperties) && !Object.hasOwn(schema, "patternProperties")) {
        const where = join(pointer, "additionalProperties");
        for (const name of sortedKeys(value)) {
          if (!Object.hasOwn(props, name)) out.push([path, where, value[name], join(at, name)]);
        }
      }
    }
    if (Array.isArray(value)) {
      const seven = this.drafts.get(path) === "7";
      const prefix = seven ? schema.items : schema.prefixItems;
      const word = seven ? "items" : "prefixItems";
      let rest = seven ? "additionalItems" : "items";
      let count = 0;
      if (Array.isArray(prefix)) {
        count = Math.min(prefix.length, value.length);
        for (let i = 0; i < count; i++) {
          out.push([path, join(pointer, word, i), value[i], join(at, i)]);
        }
      } else if (isObject(prefix)) {
        rest = word;
      }
      if (isObject(schema[rest])) {
        const where = join(pointer, rest);
        for (let i = count; i < value.length; i++) out.push([path, where, value[i], join(at, i)]);
      }
    }
    return out;
  }

  name(site, index) {
    const here = join(site.pointer, site.keyword, index);
    const branch = this.schema(site.path, here);
    if (isObject(branch)) {
      if (typeof branch.title === "string") return branch.title;
      const [path, pointer, target] = this.resolved(site.path, here);
      if (path !== site.path || pointer !== here) {
        if (isObject(target) && typeof target.title === "string") return target.title;
        const tokens = tokensOf(pointer);
        return tokens.length ? tokens[tokens.length - 1] : basename(path);
      }
      if (typeof branch.type === "string") return branch.type;
    }
    return `${site.keyword}/${index}`;
  }

  tags(site) {
    const count = site.errors.length;
    const fixed = new Map();
    for (let i = 0; i < count; i++) {
      const [, , branch] = this.resolved(site.path, join(site.pointer, site.keyword, i));
      const props = isObject(branch) ? branch.properties : undefined;
      if (!isObject(props)) return new Map();
      for (const [name, prop] of Object.entries(props)) {
        let fix = isObject(prop) ? prop.const : undefined;
        const one = isObject(prop) ? prop.enum : undefined;
        if (Array.isArray(one) && one.length === 1) fix = one[0];
        if (typeof fix === "string") {
          if (!fixed.has(name)) fixed.set(name, new Array(count).fill(null));
          fixed.get(name)[i] = fix;
        }
      }
    }
    return new Map([...fixed].filter(([, consts]) => !consts.includes(null)));
  }

  /** A branch's errors, its own failing unions explained in turn. */
  branch(site, index) {
    const here = join(site.pointer, site.keyword, index);
    return this.explain(site.path, here, site.value, site.errors[index], site.at);
  }

  /** [branch meant, discriminator that named it or null, the branch's errors]. */
  choose(site) {
    if (isObject(site.value)) {
      const tags = this.tags(site);
      const names = [...tags.keys()].sort(compareCodePoints);
      for (const name of names) {
        const given = Object.hasOwn(site.value, name) ? site.value[name] : undefined;
        const consts = tags.get(name);
        if (typeof given === "string" && consts.includes(given)) {
          const index = consts.indexOf(given);
          return [index, name, this.branch(site, index)];
        }
      }
      // A discriminator value that names no branch is the error (index -1).
      for (const name of names) {
        if (Object.hasOwn(site.value, name)) {
          const named = [...new Set(tags.get(name))].map(this.show).join(", ");
          const got = this.show(site.value[name]);
          return [-1, name, [{ pointer: join(site.at, name), expected: `one of ${named}`, got }]];
        }
      }
    }
    // The closest: the deepest error, then the fewest errors, then the first.
    const explained = site.errors.map((_, i) => this.branch(site, i));
    const score = (i) => [
      -Math.max(0, ...explained[i].map((v) => v.pointer.split("/").length - 1)),
      explained[i].length,
    ];
    let best = 0;
    for (let i = 1; i < explained.length; i++) {
      const [a, b] = [score(i), score(best)];
      if (a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])) best = i;
    }
    return [best, null, explained[best]];
  }

  line(site, chosen, tag) {
    const names = site.errors.map((_, i) => this.name(site, i));
    let tried = names.slice(0, SHOWN).join(", ");
    if (names.length > SHOWN) tried += ` and ${names.length - SHOWN} more`;
    const passing = names.filter((_, i) => site.errors[i].length === 0);
    let expected;
    if (passing.length) {
      expected = `exactly one branch to match (${passing.join(", ")} match)`;
    } else if (chosen < 0) {
      expected = `a branch its "${tag}" names (tried ${tried})`;
    } else {
      const how = tag !== null ? `picked by its "${tag}"` : "the closest";
      expected = `the ${names[chosen]} branch (${how}; tried ${tried})`;
    }
    return { pointer: site.at, expected, got: this.show(site.value) };
  }

  summaries(site, found) {
    const schema = this.schema(site.path, site.pointer);
    const mark = isObject(schema) ? schema.discriminator : undefined;
    const tag = isObject(mark) ? mark.propertyName : undefined;
    const tagAt = typeof tag === "string" ? join(site.at, tag) : null;
    const tagLines = new Set([`a "${tag}" tag of one of the branches`, "a string"]);
    tagLines.add("a required property");
    return found.filter(
      (v) =>
        (v.pointer === site.at && (v.expected.startsWith("oneOf:") || v.expected.startsWith("anyOf:"))) ||
        (v.pointer === tagAt && tagLines.has(v.expected)),
    );
  }

  rewrite(path, pointer, value, found) {
    const sites = this.sites(path, pointer, value, "", found.map((v) => v.pointer));
    if (!sites.length) return found;
    return this.apply(sites, prefixed("", this.raw(path, pointer, value)));
  }

  explain(path, pointer, value, raw, at) {
    return this.apply(this.sites(path, pointer, value, at, raw.map((v) => v.pointer)), raw);
  }

  apply(sites, raw) {
    let result = [...raw];
    const ordered = [...sites].sort(
      (a, b) => compareCodePoints(a.at, b.at) || compareCodePoints(a.pointer, b.pointer),
    );
    for (const site of ordered) {
      const noise = new Set(site.errors.flat().map(key));
      for (const v of this.summaries(site, result)) noise.add(key(v));
      result = result.filter((v) => !noise.has(key(v)));
      if (site.errors.every((e) => e.length > 0)) {
        const [chosen, tag, errors] = this.choose(site);
        result.push(this.line(site, chosen, tag), ...errors);
      } else {
        result.push(this.line(site, 0, null));
      }
    }
    const unique = new Map(result.map((v) => [key(v), v]));
    return [...unique.values()].sort(order);
  }
}
