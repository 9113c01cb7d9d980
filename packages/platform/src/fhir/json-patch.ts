import { type ProblemDetail, VitaltwinError } from '@vitaltwin/core';

/**
 * JSON Patch (RFC 6902) over JSON documents, with JSON Pointers (RFC 6901). Written here rather
 * than taken from a library because it is small and FHIR PATCH needs exact error reporting: any
 * failing operation (including a failed `test`) rejects the whole patch and the document is left
 * unchanged (RFC 6902 §5). Returns a new document; the input is not modified.
 */
export type JsonPatchOperation =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'move' | 'copy'; readonly from: string; readonly path: string };

type Json = unknown;
type Container = Record<string, Json> | Json[];

export function applyJsonPatch<T>(document: T, patch: unknown): T {
  const ops = parsePatch(patch);
  let doc = structuredClone(document) as Json;
  ops.forEach((op, i) => {
    try {
      doc = applyOne(doc, op);
    } catch (error) {
      const message = error instanceof PatchError ? error.message : String(error);
      // RFC 5789 §2.2: a failed test is a conflict with the current state (409); a path that does not apply is 422.
      throw new VitaltwinError(
        op.op === 'test' ? 'VT_ERR_CONFLICT' : 'VT_ERR_VALIDATION',
        `patch operation ${i} (${op.op} ${op.path}) failed`,
        [{ message, expression: `/${i}` }],
      );
    }
  });
  return doc as T;
}

class PatchError extends Error {}

export function parsePatch(patch: unknown): JsonPatchOperation[] {
  if (!Array.isArray(patch)) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'a JSON Patch document is an array of operations');
  }
  const problems: ProblemDetail[] = [];
  const ops: JsonPatchOperation[] = [];
  patch.forEach((raw: unknown, i) => {
    const o = raw as Record<string, unknown>;
    const at = `/${i}`;
    if (typeof o !== 'object' || o === null || typeof o['path'] !== 'string') {
      problems.push({ message: 'each operation needs "op" and "path"', expression: at });
      return;
    }
    const path = o['path'];
    switch (o['op']) {
      case 'add':
      case 'replace':
      case 'test':
        if (!('value' in o)) problems.push({ message: `"${o['op']}" needs "value"`, expression: at });
        else ops.push({ op: o['op'], path, value: o['value'] });
        return;
      case 'remove':
        ops.push({ op: 'remove', path });
        return;
      case 'move':
      case 'copy':
        if (typeof o['from'] !== 'string') problems.push({ message: `"${o['op']}" needs "from"`, expression: at });
        else ops.push({ op: o['op'], from: o['from'], path });
        return;
      default:
        problems.push({ message: `unknown op ${JSON.stringify(o['op'])}`, expression: at });
    }
  });
  if (problems.length > 0) throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'invalid JSON Patch document', problems);
  return ops;
}

/** RFC 6901: "" is the whole document; "/a/0/b~1c" names a -> 0 -> "b/c". */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`"${pointer}" is not a JSON Pointer`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyOne(doc: Json, op: JsonPatchOperation): Json {
  switch (op.op) {
    case 'add':
      return add(doc, parsePointer(op.path), structuredClone(op.value));
    case 'remove':
      return remove(doc, parsePointer(op.path)).doc;
    case 'replace': {
      const tokens = parsePointer(op.path);
      get(doc, tokens);
      return add(remove(doc, tokens).doc, tokens, structuredClone(op.value));
    }
    case 'move': {
      if (op.path.startsWith(`${op.from}/`)) throw new PatchError('cannot move a value into itself');
      const removed = remove(doc, parsePointer(op.from));
      return add(removed.doc, parsePointer(op.path), removed.value);
    }
    case 'copy':
      return add(doc, parsePointer(op.path), structuredClone(get(doc, parsePointer(op.from))));
    case 'test':
      if (!deepEqual(get(doc, parsePointer(op.path)), op.value)) throw new PatchError('test failed: value differs');
      return doc;
  }
}

function get(doc: Json, tokens: readonly string[]): Json {
  let node = doc;
  for (const t of tokens) {
    if (Array.isArray(node)) {
      const i = arrayIndex(t, node.length, false);
      node = node[i];
    } else if (isObject(node) && Object.hasOwn(node, t)) node = node[t];
    else throw new PatchError(`path does not exist at "${t}"`);
  }
  return node;
}

function parentOf(doc: Json, tokens: readonly string[]): { parent: Container; last: string } {
  if (tokens.length === 0) throw new PatchError('the root cannot be a target here');
  const parent = get(doc, tokens.slice(0, -1));
  if (!Array.isArray(parent) && !isObject(parent)) throw new PatchError('parent is not an object or array');
  return { parent, last: tokens[tokens.length - 1]! };
}

function add(doc: Json, tokens: readonly string[], value: Json): Json {
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(doc, tokens);
  if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : arrayIndex(last, parent.length, true), 0, value);
  else parent[last] = value;
  return doc;
}

function remove(doc: Json, tokens: readonly string[]): { doc: Json; value: Json } {
  const { parent, last } = parentOf(doc, tokens);
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, false);
    return { doc, value: parent.splice(i, 1)[0] };
  }
  if (!Object.hasOwn(parent, last)) throw new PatchError(`path does not exist at "${last}"`);
  const value = parent[last];
  delete parent[last];
  return { doc, value };
}

function arrayIndex(token: string, length: number, forInsert: boolean): number {
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`"${token}" is not an array index`);
  const i = Number(token);
  if (i > length || (!forInsert && i === length)) throw new PatchError(`index ${i} is out of bounds`);
  return i;
}

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
