import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * `zod/mini` (tree-shakable, functional API) with zod's English issue messages.
 * Classic `zod` loads the English locale on import; `zod/mini` loads none, so every
 * issue would read only "Invalid input". Lambda code imports `* as z` from here.
 */
config(en());

export * from 'zod/mini';
