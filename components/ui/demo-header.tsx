/** Title block of a demo page: what it shows and which source document it implements. */
export function DemoHeader({ title, source, children }: { title: string; source: string; children: React.ReactNode }) {
  return (
    <header className="space-y-2">
      <div className="flex items-baseline gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">{source}</span>
      </div>
      <div className="max-w-3xl space-y-2 text-sm text-zinc-600 dark:text-zinc-400">{children}</div>
    </header>
  )
}
