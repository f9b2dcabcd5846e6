/** An error in the app's shape, with the zod issues of a 400 listed field by field. */
export function ErrorMessage({ error, testId }: { error: { code: string; message: string; details?: unknown }; testId: string }) {
  const issues = Array.isArray(error.details) ? (error.details as { path?: string; message?: string }[]) : []
  return (
    <div role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100" data-testid={testId}>
      <p>
        <code className="text-xs">{error.code}</code> {error.message}
      </p>
      {issues.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {issues.map((issue, i) => (
            <li key={i}>
              {issue.path ? <code>{issue.path}</code> : null} {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
