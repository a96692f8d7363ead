/**
 * Hashing data that is consumed once, as it is consumed (spec §9.1, the
 * original's wrapped generators and Keras sequences): tfjs datasets
 * (`tf.data.Dataset`, anything with `iterator()`), sync and async
 * iterators and generators, other iterables and generator functions (what
 * `tf.data.generator()` takes). The wrapper gives the same elements in the
 * same order, so training does not change; each element is hashed into the
 * api-resource's current hash state when it is read.
 *
 * Only the first pass over the data is hashed: a dataset read again for the
 * next epoch, or an iterable iterated twice, adds nothing more, so the hash
 * does not depend on the number of epochs.
 *
 * @example
 * ```ts
 * import { hashAsConsumed } from "./stream_hash.ts";
 * const api = state.recordInput(dataset);
 * api?.reset();
 * await model.fitDataset(api ? hashAsConsumed(dataset, api) : dataset, { epochs: 3 });
 * api?.save();
 * ```
 *
 * @module
 */
/** Where consumed elements are hashed: an {@link ApiResourceHash} (its current state), or any `update(data)`. */
export interface HashTarget {
  /** Hash one element. */
  update(data: unknown): void;
}

/** A tfjs-style dataset: `iterator()` resolves to an iterator whose `next()` is async. */
export interface DatasetLike<T = unknown> {
  /** A new iterator over the elements. */
  iterator(): Promise<{ next(): Promise<IteratorResult<T>> }>;
}

/** Tracks the first pass over re-iterable data: the iterator that read first, until it ends. */
class FirstPass {
  #active?: object;
  #done = false;

  /** Whether an element read by `it` (with `result`) is to be hashed; records the end of the pass. */
  take(it: object, result: IteratorResult<unknown>): boolean {
    if (this.#done) return false;
    if (this.#active !== undefined && this.#active !== it) return false;
    if (result.done) {
      if (this.#active === it) this.#done = true;
      return false;
    }
    this.#active = it;
    return true;
  }
}

const isObject = (x: unknown): x is Record<string | symbol, unknown> => typeof x === "object" && x !== null;

function wrapDatasetIterator<I extends { next(): Promise<IteratorResult<unknown>> }>(
  it: I,
  target: HashTarget,
  pass: FirstPass,
): I {
  const wrapped = Object.create(it) as I;
  Object.defineProperty(wrapped, "next", {
    value: async () => {
      const r = await it.next();
      if (pass.take(it, r)) target.update(r.value);
      return r;
    },
    writable: true,
    configurable: true,
  });
  return wrapped;
}

function wrapSyncIterator<T>(it: Iterator<T>, target: HashTarget, pass: FirstPass): IterableIterator<T> {
  return {
    next(...args: [] | [unknown]) {
      const r = it.next(...args);
      if (pass.take(it, r)) target.update(r.value);
      return r;
    },
    return: it.return ? (value?: unknown) => it.return!(value as T) : undefined,
    throw: it.throw ? (e?: unknown) => it.throw!(e) : undefined,
    [Symbol.iterator]() {
      return this;
    },
  } as IterableIterator<T>;
}

function wrapAsyncIterator<T>(it: AsyncIterator<T>, target: HashTarget, pass: FirstPass): AsyncIterableIterator<T> {
  return {
    async next(...args: [] | [unknown]) {
      const r = await it.next(...args);
      if (pass.take(it, r)) target.update(r.value);
      return r;
    },
    return: it.return ? (value?: unknown) => it.return!(value as T) : undefined,
    throw: it.throw ? (e?: unknown) => it.throw!(e) : undefined,
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncIterableIterator<T>;
}

/**
 * `source` wrapped so that each element is hashed into `target` as it is
 * read (first pass only); plain data (arrays, tensors, frames, ...) is
 * hashed at once and returned as it is. Handles, in this order: datasets
 * (`iterator()`), iterators (`next()`, generators included, sync or async),
 * async iterables, other iterables, and functions returning any of these
 * (generator functions).
 *
 * @example
 * ```ts
 * function* batches() { yield { xs: [[0, 1]], ys: [1] }; }
 * const ds = tf.data.generator(hashAsConsumed(batches, api));
 * ```
 */
export function hashAsConsumed<S>(source: S, target: HashTarget): S {
  if (typeof source === "function") {
    const pass = new FirstPass();
    const fn = source as unknown as (...args: unknown[]) => unknown;
    return function (this: unknown, ...args: unknown[]) {
      const out = fn.apply(this, args);
      return wrapStream(out, target, pass) ?? out;
    } as unknown as S;
  }
  const wrapped = wrapStream(source, target, new FirstPass());
  if (wrapped !== undefined) return wrapped as S;
  target.update(source);
  return source;
}

/** Wrap a stream; undefined when `source` is not one. */
function wrapStream(source: unknown, target: HashTarget, pass: FirstPass): unknown {
  if (!isObject(source) || Array.isArray(source) || ArrayBuffer.isView(source)) return undefined;
  if (typeof source.iterator === "function" && typeof source.next !== "function") {
    const ds = source as unknown as DatasetLike;
    const wrapped = Object.create(ds) as DatasetLike;
    Object.defineProperty(wrapped, "iterator", {
      value: async () => wrapDatasetIterator(await ds.iterator(), target, pass),
      writable: true,
      configurable: true,
    });
    return wrapped;
  }
  if (typeof source.next === "function") {
    // An iterator (a generator's too): hashed until it ends, unless another one of the same source came first.
    const isAsync = typeof source[Symbol.asyncIterator] === "function" ||
      Object.prototype.toString.call(source) === "[object AsyncGenerator]";
    return isAsync
      ? wrapAsyncIterator(source as unknown as AsyncIterator<unknown>, target, pass)
      : wrapSyncIterator(source as unknown as Iterator<unknown>, target, pass);
  }
  if (typeof source[Symbol.asyncIterator] === "function") {
    const iterable = source as unknown as AsyncIterable<unknown>;
    return { [Symbol.asyncIterator]: () => wrapAsyncIterator(iterable[Symbol.asyncIterator](), target, pass) };
  }
  if (typeof source[Symbol.iterator] === "function") {
    const iterable = source as unknown as Iterable<unknown>;
    return { [Symbol.iterator]: () => wrapSyncIterator(iterable[Symbol.iterator](), target, pass) };
  }
  return undefined;
}
