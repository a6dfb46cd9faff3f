/**
 * English validation messages for zod/mini. Schemas use zod/mini, not `zod`: the same
 * validation core, but tree-shakable. The classic `zod` entry put ~440 KB into every bundle;
 * zod/mini with only the English locale is ~30 KB (docs/performance.md). Every schema module
 * imports this file first, so messages are set before anything is parsed. (`z` is imported
 * directly in each module: re-exporting the namespace from here defeats tree-shaking.)
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.cjs';

config(en());
