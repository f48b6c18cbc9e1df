import { describe, expect, it } from 'vitest';
import { manualFrames } from '../test/manualFrames';
import { createFrameQueue } from './frameQueue';

describe('frame queue', () => {
  it('runs at most perFrame jobs between two frames, whoever queued them, first come first', () => {
    const frames = manualFrames();
    const queue = createFrameQueue<unknown>(3, frames);
    const ran: string[] = [];
    // Two sources on one budget: a tick for 4 subscribers, then 4 chairs' readings.
    for (const s of ['t1', 't2', 't3', 't4']) queue.add(s, () => ran.push(s));
    for (const c of ['c1', 'c2', 'c3', 'c4']) queue.add({ c }, () => ran.push(c));
    expect(ran).toEqual(['t1', 't2', 't3']);
    frames.next();
    expect(ran).toEqual(['t1', 't2', 't3', 't4', 'c1', 'c2']);
    frames.next();
    expect(ran).toEqual(['t1', 't2', 't3', 't4', 'c1', 'c2', 'c3', 'c4']);
    expect(queue.size).toBe(0);
  });

  it('keeps a key queued again in its place, running its newest job once', () => {
    const frames = manualFrames();
    const queue = createFrameQueue<string>(1, frames);
    const ran: string[] = [];
    queue.add('a', () => ran.push('a1'));
    queue.add('b', () => ran.push('b1'));
    queue.add('c', () => ran.push('c1'));
    queue.add('b', () => ran.push('b2'));
    frames.next();
    frames.next();
    expect(ran).toEqual(['a1', 'b2', 'c1']);
  });

  it('runs a job ahead of its turn on demand, and forgets removed and cleared ones', () => {
    const frames = manualFrames();
    const queue = createFrameQueue<string>(1, frames);
    const ran: string[] = [];
    for (const k of ['a', 'b', 'c', 'd']) queue.add(k, () => ran.push(k));
    queue.runNow('d');
    queue.remove('b');
    expect(ran).toEqual(['a', 'd']);
    frames.next();
    expect(ran).toEqual(['a', 'd', 'c']);
    queue.add('e', () => ran.push('e'));
    queue.clear();
    frames.next();
    expect(ran).toEqual(['a', 'd', 'c']);
    // A fresh budget after a clear: the next job runs at once.
    queue.add('f', () => ran.push('f'));
    expect(ran).toEqual(['a', 'd', 'c', 'f']);
  });

  it('runs everything at once while the page is hidden (no frames come)', () => {
    const frames = manualFrames();
    const queue = createFrameQueue<string>(1, frames);
    const ran: string[] = [];
    queue.add('a', () => ran.push('a'));
    queue.add('b', () => ran.push('b'));
    frames.setHidden(true);
    queue.add('c', () => ran.push('c'));
    expect(ran).toEqual(['a', 'b', 'c']);
  });
});
