import { posix } from 'node:path';
import { slug } from 'github-slugger';
import { defineConfig } from 'vitepress';
import sidebar from './sidebar.json' with { type: 'json' };

/** The repository's files on GitHub: where a page's link to a file outside docs/ goes. */
const REPOSITORY = 'https://github.com/pushgate-collector/pushgate-collector/blob/main/';

/**
 * A page's link to the repository's files (`../src/…`, `../../config/local.yml`, README.md,
 * a chart) leaves the site: it points at the file on GitHub, where `npm run lint:links`
 * checked it.
 */
function repositoryLink(href: string, page: string): string | undefined {
  if (/^[a-z]+:|^\/\/|^#/.test(href)) return undefined;
  const [path, anchor] = href.split('#');
  const resolved = posix.normalize(posix.join('docs', posix.dirname(page), path ?? ''));
  // A page of the site stays; any other file (a chart, a schema, code) is the repository's.
  if (resolved.startsWith('docs/') && (resolved.endsWith('.md') || path === '')) return undefined;
  return `${REPOSITORY}${resolved}${anchor ? `#${anchor}` : ''}`;
}

/**
 * The docs site (`npm run docs:dev`, `npm run docs:build`): the pages of docs/, with the
 * sidebar of sidebar.json (a test checks that it lists every page). Built for a static host
 * at DOCS_BASE (default "/": GitHub Pages of a project takes "/<repository>/").
 */
export default defineConfig({
  title: 'pushgate-collector',
  description:
    'A serverless collector that pushes Akamai eStats and device telemetry to Prometheus',
  base: process.env.DOCS_BASE ?? '/',
  outDir: '../.tmp/docs-site',
  cacheDir: '../.tmp/docs-cache',
  cleanUrls: true,
  lastUpdated: false,
  markdown: {
    // Headings' anchors as GitHub makes them, so that one link works on both (lint:links checks).
    anchor: { slugify: slug },
    config(md) {
      md.core.ruler.push('repository-links', (state) => {
        const page = String(state.env.relativePath ?? '');
        for (const token of state.tokens)
          for (const child of token.children ?? []) {
            if (child.type !== 'link_open') continue;
            const github = repositoryLink(child.attrGet('href') ?? '', page);
            if (github) child.attrSet('href', github);
          }
      });
    },
  },
  themeConfig: {
    nav: [
      { text: 'Getting started', link: '/getting-started' },
      { text: 'Deploy', link: '/deploy' },
      { text: 'Guides', link: '/guides/estats' },
      { text: 'Reference', link: '/reference/stage-file' },
    ],
    sidebar,
    search: { provider: 'local' },
    socialLinks: [
      { icon: 'github', link: 'https://github.com/pushgate-collector/pushgate-collector' },
    ],
    editLink: {
      pattern: 'https://github.com/pushgate-collector/pushgate-collector/edit/main/docs/:path',
    },
    outline: [2, 3],
  },
});
