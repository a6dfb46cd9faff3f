/** What a refused call tells the user: its error's message and hint, as one text ('' if none). */
export function refusalText(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    return `${(error as Error).message}. ${(error as { hint?: string }).hint ?? ''}`;
  }
  return '';
}
