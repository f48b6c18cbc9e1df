/**
 * `--trace-long-tasks`: what ran in the dashboard's long tasks. A Chrome trace of the measured
 * window (the renderer's top-level tasks, the DevTools timeline events inside them, GC, and the
 * V8 sampling profiler) is read back as a stream, and every main-thread task over the threshold
 * is reported with:
 * - its wall time and its CPU time: a task with much less CPU than wall time was descheduled by
 *   a busy machine rather than slow in itself;
 * - its time by kind (script, style, layout, paint, GC, other), self time of the timeline events;
 * - what started it (timer, socket message, animation frame, ...) with the function called;
 * - the functions on the sampled stacks, by self and by total (inclusive) time.
 * The in-page Long Tasks API entries (what the bench counts) are matched to the trace's tasks.
 * Function names are the bundle's: build the dashboard with `--minify false` for readable ones
 * (BENCH_WEB_DIST points the bench at such a build).
 */
import type { CDPSession } from 'playwright-core';

const CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'blink.user_timing',
  'disabled-by-default-v8.gc',
  'disabled-by-default-v8.cpu_profiler',
  '__metadata',
];

/** The trace's top-level task events (their names have changed over Chrome versions). */
const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

/** Timeline events whose arguments say what ran (kept; other arguments are dropped). */
const KEEP_ARGS = new Set([
  'FunctionCall',
  'EventDispatch',
  'TimerFire',
  'FireAnimationFrame',
  'EvaluateScript',
  'v8.callFunction',
  'thread_name',
  'Profile',
  'ProfileChunk',
  'ParseHTML',
  'XHRReadyStateChange',
  'FireIdleCallback',
  'Paint',
  'Layout',
]);

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: Record<string, unknown>;
}

/** Fields may be missing in the trace's profile nodes (native code, GC). */
interface CallFrame {
  functionName?: string;
  url?: string;
  lineNumber?: number;
  columnNumber?: number;
}

interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: CallFrame;
}

/** Splits the streamed trace JSON into its event objects without holding it as one string. */
class EventSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pending = '';
  constructor(private readonly onEvent: (json: string) => void) {}

  push(text: string): void {
    let start = this.depth >= 2 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92 /* \ */) this.escaped = true;
        else if (c === 34 /* " */) this.inString = false;
        continue;
      }
      if (c === 34) this.inString = true;
      else if (c === 123 /* { */) {
        this.depth++;
        if (this.depth === 2) start = i;
      } else if (c === 125 /* } */) {
        this.depth--;
        if (this.depth === 1 && start >= 0) {
          this.onEvent(this.pending + text.slice(start, i + 1));
          this.pending = '';
          start = -1;
        }
      }
    }
    if (this.depth >= 2 && start >= 0) this.pending += text.slice(start);
  }
}

export interface TaskReport {
  /** Start, ms from the start of the measured window. */
  atS: number;
  wallMs: number;
  /** CPU time of the main thread in the task (thread time). */
  cpuMs: number | null;
  /** The in-page Long Tasks API reported it (the entry's duration). */
  longTaskEntryMs: number | null;
  byKind: Record<string, number>;
  /** What the task ran at its top level: e.g. "TimerFire -> FunctionCall tick (index.js:1:200)". */
  entries: { what: string; ms: number }[];
  /** What was painted (the paint layer's element) and laid out (dirty of all layout objects). */
  painted: { what: string; count: number; ms: number }[];
  layout: { dirty: number; total: number; ms: number }[];
  /** Sampled functions by self time, ms. */
  selfMs: { fn: string; ms: number }[];
  /** Sampled functions by total (inclusive) time, ms. */
  totalMs: { fn: string; ms: number }[];
  samples: number;
  /** Socket.io frames the page received in the 2 s before the task and during it. */
  socket: { frames: number; samples: number; largestFrameSamples: number; largestFrameKb: number };
  /** What kind of task it was: "rendering" (style, layout, paint) or what started its script. */
  group: string;
}

export interface LongTaskTrace {
  thresholdMs: number;
  traceMb: number;
  /** The in-page long task entries (ms), and how many were matched to a trace task. */
  longTaskEntries: number[];
  matched: number;
  /** Entries with no trace task at their time: where they were, and the trace's events there. */
  unmatched: { atS: number; ms: number; around: { name: string; atS: number; ms: number }[] }[];
  /** Every main-thread task at or over the threshold, longest first. */
  tasks: TaskReport[];
  /** Main-thread tasks by wall time: how many were over 16, 30 and 50 ms. */
  histogram: { over16: number; over30: number; over50: number; total: number };
  /** The reported tasks by group: how many, the longest wall and CPU time. */
  groups: { group: string; count: number; maxWallMs: number; maxCpuMs: number }[];
  /** Over all reported tasks: the functions with the most total time. */
  overallTotalMs: { fn: string; ms: number }[];
}

const KIND: Record<string, string> = {
  FunctionCall: 'script',
  EvaluateScript: 'script',
  'v8.compile': 'script',
  'v8.compileModule': 'script',
  'v8.evaluateModule': 'script',
  RunMicrotasks: 'script',
  TimerFire: 'script',
  EventDispatch: 'script',
  FireAnimationFrame: 'script',
  FireIdleCallback: 'script',
  'V8.Execute': 'script',
  'v8.run': 'script',
  'v8.callFunction': 'script',
  ParseHTML: 'parse',
  UpdateLayoutTree: 'style',
  RecalculateStyles: 'style',
  ParseAuthorStyleSheet: 'style',
  Layout: 'layout',
  UpdateLayerTree: 'paint',
  PrePaint: 'paint',
  Paint: 'paint',
  PaintImage: 'paint',
  Layerize: 'paint',
  Commit: 'paint',
  CompositeLayers: 'paint',
  UpdateLayer: 'paint',
  MinorGC: 'gc',
  MajorGC: 'gc',
  'V8.GCScavenger': 'gc',
  'V8.GCFinalizeMC': 'gc',
  'V8.GCIncrementalMarking': 'gc',
  'V8.GCCompactor': 'gc',
  'V8.GC_MC_BACKGROUND_MARKING': 'gc',
  BlinkGC: 'gc',
  'BlinkGC.AtomicPhase': 'gc',
  'CppGC.AtomicMark': 'gc',
  'V8.GC_HEAP_EXTERNAL_PROLOGUE': 'gc',
  'V8.GC_HEAP_EXTERNAL_EPILOGUE': 'gc',
  MinorMS: 'gc',
};

const short = (url: string) => url.replace(/^.*\//, '') || '(no url)';

function frameName(f: CallFrame): string {
  const name =
    f.functionName === undefined || f.functionName === '' ? '(anonymous)' : f.functionName;
  if (f.url === undefined || f.url === '') return name;
  return `${name} ${short(f.url)}:${(f.lineNumber ?? 0) + 1}:${(f.columnNumber ?? 0) + 1}`;
}

function describe(e: TraceEvent): string {
  const data = (e.args?.['data'] ?? {}) as Record<string, string | number | undefined>;
  switch (e.name) {
    case 'FunctionCall': {
      const fn = (data['functionName'] as string | undefined) || '(anonymous)';
      const url = short(String(data['url'] ?? ''));
      return `FunctionCall ${fn} (${url}:${Number(data['lineNumber'] ?? 0) + 1}:${Number(data['columnNumber'] ?? 0) + 1})`;
    }
    case 'EventDispatch':
      return `EventDispatch ${String(data['type'] ?? '?')}`;
    case 'TimerFire':
      return `TimerFire ${String(data['timerId'] ?? '')}`;
    case 'EvaluateScript':
      return `EvaluateScript ${short(String(data['url'] ?? ''))}`;
    default:
      return e.name;
  }
}

const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms * 10) / 10 }));

const r1 = (v: number) => Math.round(v * 10) / 10;

/** Starts the trace; the returned function stops it and analyses what was recorded. */
export async function startLongTaskTrace(
  cdp: CDPSession,
  evaluate: <T>(js: string) => Promise<T>,
  thresholdMs: number,
): Promise<(longTaskEntries: { startTime: number; duration: number }[]) => Promise<LongTaskTrace>> {
  // The page's WebSocket frames (Socket.io messages): a burst of readings shows here. CDP's
  // monotonic timestamps (s) are the trace's clock (µs).
  const frames: { ts: number; bytes: number; samples: number }[] = [];
  const onFrame = (e: { timestamp: number; response: { payloadData: string } }) => {
    const data = e.response.payloadData;
    frames.push({
      ts: e.timestamp * 1e6,
      bytes: data.length,
      samples: data.split('"seq":').length - 1,
    });
  };
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameReceived', onFrame);
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    streamFormat: 'json',
    traceConfig: {
      recordMode: 'recordAsMuchAsPossible',
      // A 10-minute run: room for its ~600 MB without dropping the end.
      traceBufferSizeInKb: 1_500_000,
      includedCategories: CATEGORIES,
    },
  });
  // A user-timing mark ties the page's clock (performance.now) to the trace's clock.
  const markAt = await evaluate<number>(`performance.mark('bench-long-task-trace').startTime`);

  return async (longTaskEntries) => {
    const complete = new Promise<string>((res) => {
      cdp.once('Tracing.tracingComplete', (e) => res(e.stream ?? ''));
    });
    await cdp.send('Tracing.end');
    const stream = await complete;
    cdp.off('Network.webSocketFrameReceived', onFrame);
    await cdp.send('Network.disable');

    const events: TraceEvent[] = [];
    let bytes = 0;
    const splitter = new EventSplitter((json) => {
      const e = JSON.parse(json) as TraceEvent;
      if (e.ph === 'M' && e.name !== 'thread_name') return;
      // What the analysis reads: tasks, what ran in them (0.1 ms or more), the profile, names.
      // A 10-minute trace is ~600 MB: the rest is not kept.
      const wanted =
        TASK_NAMES.has(e.name) ||
        KEEP_ARGS.has(e.name) ||
        e.name === 'bench-long-task-trace' ||
        (e.ph === 'X' && (e.dur ?? 0) >= 100);
      if (!wanted) return;
      const kept: TraceEvent = {
        name: e.name,
        cat: e.cat,
        ph: e.ph,
        ts: e.ts,
        pid: e.pid,
        tid: e.tid,
        ...(e.dur === undefined ? {} : { dur: e.dur }),
        ...(e.tdur === undefined ? {} : { tdur: e.tdur }),
        ...(e.id === undefined ? {} : { id: e.id }),
        ...(KEEP_ARGS.has(e.name) || e.name === 'bench-long-task-trace' ? { args: e.args } : {}),
      };
      events.push(kept);
    });
    for (;;) {
      const chunk = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
      const text = chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
      bytes += text.length;
      splitter.push(text);
      if (chunk.eof) break;
    }
    await cdp.send('IO.close', { handle: stream });

    // The page's main thread: the renderer thread that holds the mark.
    const mark = events.find((e) => e.name === 'bench-long-task-trace');
    if (mark === undefined) throw new Error('the trace holds no bench mark');
    const pid = mark.pid;
    const mainTids = new Set(
      events
        .filter(
          (e) =>
            e.pid === pid &&
            e.name === 'thread_name' &&
            (e.args?.['name'] as string | undefined) === 'CrRendererMain',
        )
        .map((e) => e.tid),
    );
    if (mainTids.size === 0) mainTids.add(mark.tid);
    const onMain = events
      .filter((e) => e.pid === pid && mainTids.has(e.tid) && e.ph === 'X' && e.dur !== undefined)
      .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    // Page time (ms) to trace time (µs).
    const traceUs = (pageMs: number) => mark.ts + (pageMs - markAt) * 1000;
    const windowStart = mark.ts;

    // The sampling profile of the page's isolate: node tree and (time, node) samples.
    const nodes = new Map<number, ProfileNode>();
    const samples: { ts: number; node: number }[] = [];
    const profiles = events.filter((e) => e.pid === pid && e.name === 'Profile');
    const profile =
      profiles.find((p) => mainTids.has(p.tid)) ??
      profiles.sort(
        (a, b) =>
          events.filter((e) => e.id === b.id).length - events.filter((e) => e.id === a.id).length,
      )[0];
    if (profile !== undefined) {
      let t = Number(
        ((profile.args?.['data'] ?? {}) as Record<string, unknown>)['startTime'] ?? profile.ts,
      );
      for (const c of events) {
        if (c.name !== 'ProfileChunk' || c.pid !== pid || c.id !== profile.id) continue;
        const data = (c.args?.['data'] ?? {}) as {
          cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] };
          timeDeltas?: number[];
        };
        for (const n of data.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
        const ids = data.cpuProfile?.samples ?? [];
        const deltas = data.timeDeltas ?? [];
        for (let i = 0; i < ids.length; i++) {
          t += deltas[i] ?? 0;
          samples.push({ ts: t, node: ids[i] as number });
        }
      }
      samples.sort((a, b) => a.ts - b.ts);
    }
    const firstSampleAtOrAfter = (ts: number) => {
      let lo = 0;
      let hi = samples.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((samples[mid]?.ts ?? 0) < ts) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const IDLE = new Set(['(idle)', '(program)', '(root)']);

    const tasks = onMain.filter((e) => TASK_NAMES.has(e.name) && e.ts >= windowStart);
    // Nested RunTask events (a task inside a task) are not top level.
    const topLevel: TraceEvent[] = [];
    let coveredUntil = -Infinity;
    for (const t of tasks) {
      if (t.ts < coveredUntil) continue;
      topLevel.push(t);
      coveredUntil = t.ts + (t.dur ?? 0);
    }
    const histogram = {
      over16: topLevel.filter((t) => (t.dur ?? 0) > 16_000).length,
      over30: topLevel.filter((t) => (t.dur ?? 0) > 30_000).length,
      over50: topLevel.filter((t) => (t.dur ?? 0) > 50_000).length,
      total: topLevel.length,
    };

    // Long task entries to trace tasks: the task that contains the entry's start.
    const entryFor = new Map<TraceEvent, number>();
    let matched = 0;
    const unmatched: LongTaskTrace['unmatched'] = [];
    for (const l of longTaskEntries) {
      const at = traceUs(l.startTime);
      const task = topLevel.find((t) => t.ts - 2000 <= at && at <= t.ts + (t.dur ?? 0));
      if (task !== undefined) {
        entryFor.set(task, l.duration);
        matched++;
      } else {
        // What the trace holds on any thread of the page's process in the entry's time.
        const end = at + l.duration * 1000;
        unmatched.push({
          atS: r1((at - windowStart) / 1e6),
          ms: l.duration,
          around: events
            .filter(
              (e) =>
                e.pid === pid &&
                e.ph === 'X' &&
                (e.dur ?? 0) > 2000 &&
                e.ts < end &&
                e.ts + (e.dur ?? 0) > at,
            )
            .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
            .slice(0, 12)
            .map((e) => ({
              name: `${e.name}${mainTids.has(e.tid) ? '' : ` (thread ${e.tid})`}`,
              atS: r1((e.ts - windowStart) / 1e6),
              ms: r1((e.dur ?? 0) / 1000),
            })),
        });
      }
    }

    const overall = new Map<string, number>();
    const reports: TaskReport[] = [];
    const chosen = topLevel.filter((t) => (t.dur ?? 0) >= thresholdMs * 1000 || entryFor.has(t));
    for (const task of chosen) {
      const start = task.ts;
      const end = task.ts + (task.dur ?? 0);
      // Timeline events inside the task: self time per kind (a child's time is not its parent's).
      const inside = onMain.filter(
        (e) => e !== task && e.ts >= start && e.ts + (e.dur ?? 0) <= end,
      );
      const byKind: Record<string, number> = {};
      const stack: TraceEvent[] = [];
      const self = new Map<TraceEvent, number>();
      for (const e of inside) {
        while (stack.length > 0) {
          const s = stack[stack.length - 1] as TraceEvent;
          if (e.ts >= s.ts + (s.dur ?? 0)) stack.pop();
          else break;
        }
        const parent = stack[stack.length - 1];
        self.set(e, e.dur ?? 0);
        if (parent !== undefined) self.set(parent, (self.get(parent) ?? 0) - (e.dur ?? 0));
        stack.push(e);
      }
      let attributed = 0;
      for (const [e, us] of self) {
        const kind = KIND[e.name];
        if (kind === undefined) continue;
        byKind[kind] = (byKind[kind] ?? 0) + us / 1000;
        attributed += us;
      }
      byKind['other'] = ((task.dur ?? 0) - attributed) / 1000;
      for (const k of Object.keys(byKind)) byKind[k] = r1(byKind[k] as number);

      // The task's top-level work: the outermost events that say what ran, with the function.
      const entries: { what: string; ms: number }[] = [];
      let until = -Infinity;
      for (const e of inside) {
        if (e.ts < until || KIND[e.name] === undefined) continue;
        until = e.ts + (e.dur ?? 0);
        const call = inside.find(
          (c) => c.name === 'FunctionCall' && c.ts >= e.ts && c.ts < e.ts + (e.dur ?? 0),
        );
        const what =
          e.name === 'FunctionCall' || call === undefined
            ? describe(e)
            : `${describe(e)} -> ${describe(call)}`;
        entries.push({ what, ms: r1((e.dur ?? 0) / 1000) });
      }

      const painted = new Map<string, { count: number; ms: number }>();
      const layout: TaskReport['layout'] = [];
      for (const e of inside) {
        if (e.name === 'Paint') {
          const data = (e.args?.['data'] ?? {}) as Record<string, unknown>;
          const what = typeof data['nodeName'] === 'string' ? data['nodeName'] : '?';
          const p = painted.get(what) ?? { count: 0, ms: 0 };
          p.count++;
          p.ms += (self.get(e) ?? 0) / 1000;
          painted.set(what, p);
        } else if (e.name === 'Layout') {
          const begin = (e.args?.['beginData'] ?? {}) as Record<string, unknown>;
          layout.push({
            dirty: Number(begin['dirtyObjects'] ?? NaN),
            total: Number(begin['totalObjects'] ?? NaN),
            ms: r1((e.dur ?? 0) / 1000),
          });
        }
      }

      // Sampled stacks inside the task.
      const selfFn = new Map<string, number>();
      const totalFn = new Map<string, number>();
      let count = 0;
      const from = firstSampleAtOrAfter(start);
      for (let i = from; i < samples.length; i++) {
        const s = samples[i] as { ts: number; node: number };
        if (s.ts > end) break;
        const next = samples[i + 1];
        const ms = Math.min(next === undefined ? 0 : next.ts - s.ts, end - s.ts) / 1000;
        let node = nodes.get(s.node);
        if (node === undefined) continue;
        count++;
        const leaf = frameName(node.callFrame);
        selfFn.set(leaf, (selfFn.get(leaf) ?? 0) + ms);
        const onStack = new Set<string>();
        while (node !== undefined) {
          const name = frameName(node.callFrame);
          if (!IDLE.has(node.callFrame.functionName ?? '')) onStack.add(name);
          node = node.parent === undefined ? undefined : nodes.get(node.parent);
        }
        for (const name of onStack) {
          totalFn.set(name, (totalFn.get(name) ?? 0) + ms);
          overall.set(name, (overall.get(name) ?? 0) + ms);
        }
      }
      const rendering = (byKind['style'] ?? 0) + (byKind['layout'] ?? 0) + (byKind['paint'] ?? 0);
      const first = entries.reduce<{ what: string; ms: number } | undefined>(
        (a, b) => (a === undefined || b.ms > a.ms ? b : a),
        undefined,
      );
      const group =
        first === undefined || rendering > (byKind['script'] ?? 0)
          ? (byKind['gc'] ?? 0) > rendering
            ? 'gc'
            : 'rendering (style, layout, paint)'
          : first.what.replace(/:\d+:\d+\)/g, ')').replace(/TimerFire \d+/, 'TimerFire');
      const socket = { frames: 0, samples: 0, largestFrameSamples: 0, largestFrameKb: 0 };
      for (const f of frames) {
        if (f.ts < start - 2e6 || f.ts > end) continue;
        socket.frames++;
        socket.samples += f.samples;
        socket.largestFrameSamples = Math.max(socket.largestFrameSamples, f.samples);
        socket.largestFrameKb = Math.max(socket.largestFrameKb, r1(f.bytes / 1024));
      }
      reports.push({
        socket,
        group,
        atS: r1((start - windowStart) / 1e6),
        wallMs: r1((task.dur ?? 0) / 1000),
        cpuMs: task.tdur === undefined ? null : r1(task.tdur / 1000),
        longTaskEntryMs: entryFor.get(task) ?? null,
        byKind,
        entries: entries.sort((a, b) => b.ms - a.ms).slice(0, 8),
        painted: [...painted.entries()]
          .sort((a, b) => b[1].ms - a[1].ms)
          .map(([what, p]) => ({ what, count: p.count, ms: r1(p.ms) })),
        layout,
        selfMs: top(selfFn, 12),
        totalMs: top(totalFn, 25),
        samples: count,
      });
    }
    reports.sort((a, b) => b.wallMs - a.wallMs);
    const groups = new Map<string, { count: number; maxWallMs: number; maxCpuMs: number }>();
    for (const r of reports) {
      const g = groups.get(r.group) ?? { count: 0, maxWallMs: 0, maxCpuMs: 0 };
      g.count++;
      g.maxWallMs = Math.max(g.maxWallMs, r.wallMs);
      g.maxCpuMs = Math.max(g.maxCpuMs, r.cpuMs ?? 0);
      groups.set(r.group, g);
    }
    return {
      thresholdMs,
      traceMb: r1(bytes / 1048576),
      longTaskEntries: longTaskEntries.map((l) => l.duration),
      matched,
      unmatched,
      tasks: reports,
      histogram,
      groups: [...groups.entries()]
        .map(([group, g]) => ({ group, ...g }))
        .sort((a, b) => b.count - a.count),
      overallTotalMs: top(overall, 30),
    };
  };
}

/** The report as text, for the console. */
export function printLongTaskTrace(t: LongTaskTrace, maxTasks = 12): string {
  const lines: string[] = [];
  lines.push(
    `  long-task trace (${t.traceMb} MB): main-thread tasks ${t.histogram.total}, over 16 ms ${t.histogram.over16}, over 30 ms ${t.histogram.over30}, over 50 ms ${t.histogram.over50}; ` +
      `Long Tasks API entries ${t.longTaskEntries.length} (matched in the trace: ${t.matched})`,
  );
  for (const u of t.unmatched)
    lines.push(
      `  longtask entry of ${u.ms} ms at +${u.atS} s has no main-thread task in the trace; there: ${u.around.map((e) => `${e.name} ${e.ms} ms`).join(', ') || 'nothing'}`,
    );
  for (const g of t.groups)
    lines.push(
      `  ${g.count} x ${g.group}: longest ${g.maxWallMs} ms wall, ${g.maxCpuMs} ms CPU at most`,
    );
  for (const task of t.tasks.slice(0, maxTasks)) {
    const kinds = Object.entries(task.byKind)
      .filter(([, ms]) => ms >= 0.5)
      .sort((a, b) => b[1] - a[1])
      .map(([k, ms]) => `${k} ${ms}`)
      .join(', ');
    lines.push(
      `  - ${task.group} at +${task.atS} s: ${task.wallMs} ms wall, ${task.cpuMs ?? '?'} ms CPU` +
        `${task.longTaskEntryMs === null ? '' : ` (longtask entry ${task.longTaskEntryMs} ms)`}; ${kinds}`,
    );
    for (const e of task.entries.slice(0, 5)) lines.push(`      ran: ${e.what} ${e.ms} ms`);
    lines.push(
      `      socket in the 2 s before: ${task.socket.frames} frames, ${task.socket.samples} readings (largest frame ${task.socket.largestFrameSamples} readings, ${task.socket.largestFrameKb} kB)`,
    );
    if (task.painted.length > 0)
      lines.push(
        `      painted (self ms): ${task.painted
          .slice(0, 8)
          .map((p) => `${p.count} x ${p.what} ${p.ms}`)
          .join('; ')}${task.painted.length > 8 ? `; ${task.painted.length - 8} more` : ''}`,
      );
    for (const l of task.layout)
      lines.push(`      layout: ${l.dirty} of ${l.total} objects dirty, ${l.ms} ms`);
    lines.push(
      `      self (${task.samples} samples): ${task.selfMs
        .slice(0, 6)
        .map((f) => `${f.fn} ${f.ms}`)
        .join('; ')}`,
    );
    lines.push(
      `      total: ${task.totalMs
        .slice(0, 14)
        .map((f) => `${f.fn} ${f.ms}`)
        .join('; ')}`,
    );
  }
  if (t.tasks.length > maxTasks) lines.push(`  ... ${t.tasks.length - maxTasks} more tasks`);
  return lines.join('\n');
}
