import type { CompiledQuery, Compilable } from 'kysely';

/**
 * A query compiled once by Kysely (so the SQL is right for whichever dialect the store has)
 * and then run many times with new values. Building and compiling a Kysely query costs tens of
 * microseconds, more than SQLite takes to run a small prepared statement; on the ingest path
 * that was paid for every reading.
 *
 * The template is compiled from placeholder values; each parameter of the compiled query is
 * either one of them (filled from `fill`'s values, by position) or a constant Kysely added
 * itself (a literal in a join condition, say), which is kept as is.
 */
export class QueryTemplate<R> {
  readonly #compiled: CompiledQuery<R>;
  /** Per compiled parameter: the index into `fill`'s values, or -1 for a constant. */
  readonly #slots: number[];
  readonly #arity: number;

  /**
   * `build` receives the placeholder values to put where the real ones go; every one of them
   * must reach the compiled parameters exactly once (checked here, so a query that folds or
   * drops a value fails at the first compile rather than storing wrong data).
   */
  constructor(arity: number, build: (placeholders: readonly string[]) => Compilable<R>) {
    const placeholders = Array.from({ length: arity }, (_, i) => `\u0000template-value-${i}`);
    const position = new Map(placeholders.map((p, i) => [p, i]));
    this.#compiled = build(placeholders).compile();
    this.#slots = this.#compiled.parameters.map((p) =>
      typeof p === 'string' ? (position.get(p) ?? -1) : -1,
    );
    const used = this.#slots.filter((s) => s !== -1).sort((a, b) => a - b);
    if (used.length !== arity || used.some((s, i) => s !== i))
      throw new Error(`query template: expected each of ${arity} values once in the parameters`);
    this.#arity = arity;
  }

  fill(values: readonly unknown[]): CompiledQuery<R> {
    if (values.length !== this.#arity)
      throw new Error(`query template: ${values.length} values for ${this.#arity} slots`);
    const constants = this.#compiled.parameters;
    const parameters = this.#slots.map((slot, i) => (slot === -1 ? constants[i] : values[slot]));
    return { ...this.#compiled, parameters };
  }
}
