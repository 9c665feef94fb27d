/**
 * Measuring helpers used inside benchmark child processes (Floe's and the peers' alike, so every
 * engine is timed and sampled the same way). No imports beyond Node's own.
 *
 * @module
 */
import { existsSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Milliseconds `fn` takes, and what it returned.
 * @template T
 * @param {() => Promise<T> | T} fn
 * @returns {Promise<{ ms: number, value: T }>}
 */
export async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/**
 * The p-th percentile (nearest rank) of some numbers.
 * @param {readonly number[]} xs
 * @param {number} p in [0, 100]
 * @returns {number}
 */
export function percentile(xs, p) {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/**
 * The median.
 * @param {readonly number[]} xs
 * @returns {number}
 */
export function median(xs) {
  return percentile(xs, 50);
}

/**
 * Samples `process.memoryUsage()` every `intervalMs` until stopped; the peaks include a last
 * sample at stop and the kernel's own `maxRSS` (which sees peaks between samples, e.g. inside a
 * long synchronous wasm call).
 * @param {number} [intervalMs]
 */
export function memorySampler(intervalMs = 5) {
  const peak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.external = Math.max(peak.external, m.external);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
  };
  sample();
  const baseline = { ...peak };
  const timer = setInterval(sample, intervalMs);
  return {
    /** Call often from loops that never yield to the event loop. */
    sample,
    /** Stops sampling and returns peaks (bytes). */
    stop() {
      clearInterval(timer);
      sample();
      return { baseline, peak: { ...peak }, maxRss: process.resourceUsage().maxRSS * 1024 };
    },
  };
}

/**
 * A start line for concurrent writers in separate processes: each writer announces it is ready
 * (a file), then waits for the go file the orchestrator creates once all are ready, so process
 * start-up and imports never count.
 * @param {string} readyFile
 * @param {string} goFile
 * @param {number} [timeoutMs]
 */
export async function startLine(readyFile, goFile, timeoutMs = 120_000) {
  writeFileSync(readyFile, String(process.pid));
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(goFile)) {
    if (Date.now() > deadline) throw new Error(`no go signal (${goFile}) within ${timeoutMs} ms`);
    await delay(2);
  }
}
