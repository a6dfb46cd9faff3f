import { readFileSync } from 'node:fs';

/**
 * Peak resident memory of this process, in bytes: VmHWM from /proc/self/status.
 * Not `process.resourceUsage().maxRSS`: Linux carries ru_maxrss over fork and exec, so a child
 * spawned by a large parent (jest, the benchmark) reports the parent's size, not its own.
 */
export function peakRssBytes(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match?.[1]) throw new Error('no VmHWM in /proc/self/status (Linux only)');
  return Number(match[1]) * 1024;
}
