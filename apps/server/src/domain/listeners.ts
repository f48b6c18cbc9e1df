/**
 * A small typed listener list. Ingest and session changes announce what they committed here;
 * the socket broadcaster (and later the alarm engine) listen. A listener that throws or
 * rejects is reported through `onError` and never undoes or delays what was already stored.
 */
export class Listeners<Args extends unknown[]> {
  readonly #listeners = new Set<(...args: Args) => unknown>();

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Adds a listener; returns the function that removes it. */
  add(listener: (...args: Args) => unknown): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(...args: Args): void {
    for (const listener of this.#listeners) {
      try {
        const result = listener(...args);
        if (result instanceof Promise) result.catch(this.onError);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
