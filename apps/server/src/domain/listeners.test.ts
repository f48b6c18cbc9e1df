import { describe, expect, it } from 'vitest';
import { Listeners } from './listeners';

describe('Listeners', () => {
  it('calls every listener in order, isolates one that throws or rejects, and can remove one', async () => {
    const errors: unknown[] = [];
    const list = new Listeners<[number]>((e) => errors.push(e));
    const seen: string[] = [];
    list.add((n) => seen.push(`a${n}`));
    list.add(() => {
      throw new Error('boom');
    });
    list.add(() => Promise.reject(new Error('later')));
    const remove = list.add((n) => seen.push(`d${n}`));
    list.emit(1);
    remove();
    list.emit(2);
    await Promise.resolve();
    expect(seen).toEqual(['a1', 'd1', 'a2']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom', 'boom', 'later', 'later']);
  });
});
