/** Markdown pieces of the generated reference pages (docs/reference/). */

/**
 * The head of every generated page: the site's wide layout for its tables (frontmatter, which
 * GitHub shows as a small table), and where it comes from and how it is regenerated.
 */
export function generatedHeader(source: string, command = 'npm run config:generate'): string {
  return [
    '---',
    'pageClass: wide-tables',
    '---',
    '',
    `<!-- Generated from ${source} by \`${command}\`: edit that, not this file. -->`,
  ].join('\n');
}

/** A table cell: no line breaks, pipes escaped. */
export function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/** Inline code, or an em dash for nothing. Backticks inside are doubled around. */
export function code(text: string): string {
  if (text === '') return '—';
  text = text.replace(/\s*\n\s*/g, ' ');
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text.includes('`') ? ` ${text} ` : text}${fence}`.replace(/\|/g, '\\|');
}

/** A Markdown table of rows, its header first. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}
