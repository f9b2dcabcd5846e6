/** What an empty list or filter says instead of bare headers: one sentence, and what to do. */
export function EmptyState({ children, testId = 'empty-state' }: { children: React.ReactNode; testId?: string }) {
  return (
    <p
      className="rounded border border-dashed border-zinc-300 p-3 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400"
      data-testid={testId}
    >
      {children}
    </p>
  )
}
