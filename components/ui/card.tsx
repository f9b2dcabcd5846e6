import type { HTMLAttributes, ReactNode } from 'react'
import { StatusBadge } from '@/components/ui/status-badge'

/** The panel every demo puts its parts in: a white (dark: zinc-900) box with a border. */
export const cardClass = 'rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900'

/** A `<section>` panel; `as="div"` when it is not a section of the page. */
export function Card({
  as: As = 'section',
  className = '',
  ...props
}: HTMLAttributes<HTMLElement> & { as?: 'section' | 'div' | 'figure' }) {
  return <As className={`${cardClass}${className ? ` ${className}` : ''}`} {...props} />
}

/** A card's heading (its `id` is what the card's `aria-labelledby` names) with the status badge of what the card runs. */
export function CardHeading({
  id,
  status,
  statusTestId,
  children,
}: {
  id: string
  status: string
  statusTestId: string
  children: ReactNode
}) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2">
      <h2 id={id} className="text-lg font-semibold">
        {children}
      </h2>
      <StatusBadge status={status} testId={statusTestId} />
    </div>
  )
}
