// knowledge/nlu-variants.json: every spelling variant of the services and key terms (readings, kana,
// romaji, IME slips, chat spellings) mapped to one canonical form. Validated and compiled once.
import { join } from 'node:path';
import { z } from 'zod';
import { KnowledgeError, loadJsonFile } from '../knowledge/loader.js';
import { KNOWLEDGE_DIR } from '../paths.js';
import { foldText } from './fold.js';

export const VARIANTS_FILE = 'nlu-variants.json';

/** A pattern of a knowledge file: a non-empty string that compiles as a regular expression. */
export const regexSource = z
  .string()
  .min(1)
  .refine(
    (p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

const folded = (s: string) => foldText(s) === s;

const termSchema = z
  .object({
    canonical: z.string().min(1).refine(folded, {
      message: 'must be written in folded form (lower case, hiragana, no long-vowel marks or punctuation)',
    }),
    /** What the term is, for the people who maintain the file. */
    means: z.string().min(1),
    spellings: z
      .array(z.string().refine((s) => foldText(s).length > 0, { message: 'folds to an empty string' }))
      .optional(),
    patterns: z.array(regexSource).optional(),
  })
  .strict()
  .refine((t) => (t.spellings?.length ?? 0) + (t.patterns?.length ?? 0) > 0, {
    message: 'needs at least one spelling or pattern',
  });

export const variantsFileSchema = z
  .object({ $comment: z.string().optional(), terms: z.array(termSchema).min(1) })
  .strict()
  .superRefine((file, ctx) => {
    const owner = new Map<string, number>();
    file.terms.forEach((term, i) => {
      term.spellings?.forEach((s, j) => {
        const key = foldText(s);
        const path = ['terms', i, 'spellings', j];
        if (key === term.canonical)
          ctx.addIssue({ code: 'custom', path, message: `"${s}" is already the canonical form` });
        const other = owner.get(key);
        if (other !== undefined && other !== i)
          ctx.addIssue({
            code: 'custom',
            path,
            message: `"${s}" is also a spelling of "${file.terms[other]!.canonical}" (terms[${other}])`,
          });
        owner.set(key, i);
      });
    });
  });

export type VariantsFile = z.infer<typeof variantsFileSchema>;
export type CompiledVariants = ReadonlyArray<readonly [RegExp, string]>;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One regular expression per term: its spellings (longest first, so a longer one wins) and patterns. */
export function compileVariants(file: VariantsFile): CompiledVariants {
  return file.terms.map((term) => {
    const spellings = [...new Set((term.spellings ?? []).map(foldText))]
      .sort((a, b) => b.length - a.length)
      .map((s) => {
        let source = escapeRegExp(s).replace(/ /g, '\\s*');
        if (/^[a-z]/.test(s)) source = `(?<![a-z])${source}`;
        if (/[a-z]$/.test(s)) source = `${source}(?![a-z])`;
        return source;
      });
    return [new RegExp([...spellings, ...(term.patterns ?? [])].join('|'), 'g'), term.canonical] as const;
  });
}

const cache = new Map<string, CompiledVariants>();

/** The variants of a knowledge directory, validated and compiled once per directory. */
export function loadVariants(dir: string = KNOWLEDGE_DIR): CompiledVariants {
  let compiled = cache.get(dir);
  if (!compiled) {
    const path = join(dir, VARIANTS_FILE);
    const file = loadJsonFile(path, variantsFileSchema);
    try {
      compiled = compileVariants(file);
    } catch (err) {
      throw new KnowledgeError(VARIANTS_FILE, [`${VARIANTS_FILE}: ${(err as Error).message}`]);
    }
    cache.set(dir, compiled);
  }
  return compiled;
}
