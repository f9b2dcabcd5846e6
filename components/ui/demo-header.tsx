import { demos } from '@/lib/demos'

/**
 * Title block of a demo page: its title, what it is about in words and the page of `docs/` that
 * explains it (both from `lib/demos.ts`, by the page's `href`), and the page's own introduction.
 */
export function DemoHeader({ href, children }: { href: string; children: React.ReactNode }) {
  const demo = demos.find((d) => d.href === href)
  if (!demo) throw new Error(`[sluice] no demo ${href} in lib/demos.ts`)
  return (
    <header className="space-y-2">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">{demo.title}</h1>
        <span className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="demo-about">
          {demo.topic} · explained in <code>{demo.doc}</code>
        </span>
      </div>
      <div className="max-w-3xl space-y-2 text-sm text-zinc-600 dark:text-zinc-400">{children}</div>
    </header>
  )
}
