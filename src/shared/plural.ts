/** `1 target`, `12 targets`: a count with its noun, for messages and the packaging tables. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
