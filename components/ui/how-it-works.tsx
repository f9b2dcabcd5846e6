import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createHighlighterCore, type HighlighterCore } from 'shiki/core'
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript'
import { demos } from '@/lib/demos'

/** One file shown in a demo's "How it works" panel: its path in the repository and what it does there. */
export interface CodeFile {
  path: string
  role: string
}

/** Files longer than this are cut (with a note saying so), so a panel stays readable and light. */
const MAX_LINES = 160

let highlighter: Promise<HighlighterCore> | undefined

/**
 * Shiki with only what the panels need: TypeScript/TSX grammars, two high-contrast themes (they
 * pass WCAG AA in light and dark), and its JavaScript regex engine (no WebAssembly to load).
 * Created once per process.
 */
function shiki(): Promise<HighlighterCore> {
  highlighter ??= createHighlighterCore({
    themes: [import('shiki/themes/github-light-high-contrast.mjs'), import('shiki/themes/github-dark-high-contrast.mjs')],
    langs: [import('shiki/langs/tsx.mjs'), import('shiki/langs/typescript.mjs')],
    engine: createJavaScriptRegexEngine(),
  })
  return highlighter
}

type Highlighted = { html: string; lines: number; cut: boolean }
const highlightedFiles = new Map<string, Promise<Highlighted>>()

/**
 * The file's source, highlighted as HTML (Shiki escapes the code), for light and dark at once.
 * Once per file per process: the dynamic pages (chat, proxy) render the panel on every request.
 */
function highlighted(file: string): Promise<Highlighted> {
  let done = highlightedFiles.get(file)
  if (!done) {
    done = highlight(file)
    done.catch(() => highlightedFiles.delete(file)) // a failed read is tried again next time
    highlightedFiles.set(file, done)
  }
  return done
}

async function highlight(file: string): Promise<Highlighted> {
  const source = await readFile(path.join(/*turbopackIgnore: true*/ process.cwd(), file), 'utf8')
  const all = source.replace(/\s+$/, '').split('\n')
  const code = all.slice(0, MAX_LINES).join('\n')
  const html = (await shiki()).codeToHtml(code, {
    lang: file.endsWith('.tsx') ? 'tsx' : 'typescript',
    themes: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' },
    defaultColor: 'light',
  })
  return { html, lines: all.length, cut: all.length > MAX_LINES }
}

/**
 * "How it works": the route handler, the `lib/` code and the client hook a demo runs, read from
 * the repository and highlighted on the server (at build time for static pages; once per process
 * for dynamic ones — `next.config.ts` traces these files into the deployment). Folded by default,
 * each file on its own, so the reference is readable where it runs.
 */
export async function HowItWorks({ href }: { href: string }) {
  const files: readonly CodeFile[] = demos.find((demo) => demo.href === href)?.code ?? []
  const shown = await Promise.all(files.map(async (file) => ({ ...file, ...(await highlighted(file.path)) })))
  return (
    <section aria-labelledby="how-it-works" className="space-y-2">
      <h2 id="how-it-works" className="text-lg font-semibold">
        How it works
      </h2>
      <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        The code this demo runs, as it is in the repository. Open a file to read it.
      </p>
      <div className="space-y-2">
        {shown.map((file) => (
          <details
            key={file.path}
            data-testid="code-file"
            className="rounded-md border border-zinc-300 bg-white dark:border-zinc-700 dark:bg-zinc-900"
          >
            <summary className="cursor-pointer px-3 py-2 text-sm">
              <code className="font-semibold break-all">{file.path}</code>{' '}
              <span className="text-zinc-600 dark:text-zinc-400">— {file.role}</span>
            </summary>
            {/* Shiki's output: our own source, escaped by Shiki. The <pre> scrolls on its own (tabindex from Shiki). */}
            <div
              className="code-panel overflow-x-auto border-t border-zinc-300 text-xs dark:border-zinc-700"
              dangerouslySetInnerHTML={{ __html: file.html }}
            />
            {file.cut && (
              <p className="border-t border-zinc-300 px-3 py-1 text-xs text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
                The first {MAX_LINES} of {file.lines} lines; the rest is in the file.
              </p>
            )}
          </details>
        ))}
      </div>
    </section>
  )
}
